"""The command line as an operator scripts it: pipes, durations, folders not crawled yet.
Alerts here are synthetic (tests/test_outbox.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from malinews.pipelines.store import Store
from malinews.scheduler.outbox import record_alert
from tests.conftest import REPO, run_cli
from tests.test_outbox import make_alert

SITE = '[[sites]]\nname = "s"\nstart_urls = ["http://127.0.0.1:9/"]\n'


def config_with_alerts(tmp_path: Path, count: int, age: timedelta) -> Path:
    """A config whose store holds `count` alerts recorded `age` ago."""
    store = Store(tmp_path / "out")
    with store.transaction():
        for n in range(count):
            record_alert(store.conn, make_alert(n), ["jsonl"], datetime.now(UTC) - age)
    store.close()
    config = tmp_path / "malinews.toml"
    config.write_text('[output]\ndir = "out"\n' + SITE, encoding="utf-8")
    return config


def test_alerts_piped_into_head_exits_quietly(tmp_path: Path) -> None:
    config = config_with_alerts(tmp_path, 2000, timedelta(hours=1))  # about 400 kB of output
    command = ["alerts", "--config", str(config), "--limit", "2000"]
    reader = subprocess.Popen(
        [sys.executable, "-m", "malinews.cli", *command],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    first = reader.stdout.readline()
    reader.stdout.close()  # what `head -1` does
    code = reader.wait(timeout=60)
    assert first and reader.stderr.read() == b"" and code == 0


def test_since_accepts_days(tmp_path: Path) -> None:
    config = config_with_alerts(tmp_path, 3, timedelta(days=3))
    within = run_cli("alerts", "--config", str(config), "--since", "4d")
    outside = run_cli("alerts", "--config", str(config), "--since", "2d")
    assert within.returncode == outside.returncode == 0, within.stderr + outside.stderr
    assert within.stdout.count("securite-nord") == 3 and outside.stdout.strip() == "no alerts"


def test_status_and_alerts_on_a_folder_never_crawled_create_nothing(tmp_path: Path) -> None:
    config = tmp_path / "malinews.toml"
    config.write_text('[output]\ndir = "sortie"\n' + SITE, encoding="utf-8")
    for command in (["status"], ["alerts"], ["alerts", "--json"]):
        result = run_cli(*command, "--config", str(config))
        assert result.returncode == 0 and not result.stderr, result.stderr
        expected = "[]" if "--json" in command else "no state store in"
        assert result.stdout.startswith(expected), result.stdout
    assert not (tmp_path / "sortie").exists()
