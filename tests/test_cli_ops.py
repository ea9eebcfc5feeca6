"""The command line as an operator scripts it: pipes, durations, folders not crawled yet.
Alerts here are synthetic (tests/test_outbox.py)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from malinews.cli import main
from malinews.pipelines.alerts import record_alert
from malinews.pipelines.store import Store
from tests import faultserver as fs
from tests.conftest import REPO, run_cli, run_main
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


def test_crawl_fails_only_when_every_site_failed_and_reports_each_site(tmp_path: Path) -> None:
    dead = '[[sites]]\nname = "{}"\nstart_urls = ["http://127.0.0.1:9/{}"]\n'
    base = '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
    with fs.FaultServer() as server:
        server.pages["/"] = fs.page(b'<html><body><a href="/actualite/d-1">Une</a></body></html>')
        server.pages["/actualite/d-1"] = fs.page(
            fs.article_html("Le forage de Markala est inauguré", fs.paragraphs(3)).encode()
        )
        mixed = tmp_path / "mixed.toml"
        mixed.write_text(
            base + dead.format("mort", "") + f'[[sites]]\nname = "vivant"\n'
            f'start_urls = ["{server.url}/"]\n',
            encoding="utf-8",
        )
        some = run_cli("crawl", "--config", str(mixed))
    all_dead = tmp_path / "dead.toml"
    all_dead.write_text(base + dead.format("mort", "") + dead.format("mort2", "x"), "utf-8")
    none = run_cli("crawl", "--config", str(all_dead))
    assert some.returncode == 0, some.stderr
    assert "vivant: 4 pages, 1 new, 0 errors (finished)" in some.stderr  # robots, home, feed...
    assert none.returncode == 1
    assert none.stderr.strip().splitlines()[-1] == (
        "malinews: error: every site failed (no usable response)"
    )
    for site in ("mort", "mort2"):
        assert f"\n{site}: 0 pages, 0 new, 2 errors (finished)\n" in none.stderr


@pytest.mark.parametrize("obey", ["true", "false"])
def test_robots_txt_is_fetched_once_and_its_sitemap_read(tmp_path: Path, obey: str) -> None:
    """Obeyed, robots.txt is fetched by Scrapy, and the spider reads its Sitemap: lines from
    that fetch (it used to fetch it a second time); not obeyed, the spider fetches it itself.
    The site is synthetic: its one article is listed only in the sitemap."""
    with fs.FaultServer() as server:
        server.pages["/"] = fs.page(b"<html><body><p>Accueil</p></body></html>")
        server.pages["/robots.txt"] = fs.page(
            f"User-agent: *\nAllow: /\nSitemap: {server.url}/plan.xml\n".encode(),
            content_type="text/plain",
        )
        server.pages["/plan.xml"] = fs.page(
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{server.url}/actualite/d-1</loc></url></urlset>".encode(),
            content_type="application/xml",
        )
        server.pages["/actualite/d-1"] = fs.page(
            fs.article_html("Le forage de Markala est inauguré", fs.paragraphs(3)).encode()
        )
        config = tmp_path / "malinews.toml"
        config.write_text(
            f'[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
            f'obey_robots = {obey}\n[[sites]]\nname = "plan"\nstart_urls = ["{server.url}/"]\n',
            encoding="utf-8",
        )
        crawled = run_cli("crawl", "--config", str(config))
    assert crawled.returncode == 0, crawled.stderr
    assert server.hits["/robots.txt"] == 1 and server.hits["/actualite/d-1"] == 1
    assert "plan: " in crawled.stderr and ", 1 new, 0 errors" in crawled.stderr


def _never_crawled(tmp_path: Path) -> Path:
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[[sites]]\nname = "site"\nstart_urls = ["http://127.0.0.1:9/"]\n',
        encoding="utf-8",
    )
    return config


def test_export_and_reprocess_on_a_folder_never_crawled_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a new-user trial: `export` created an empty store (which `serve` then
    accepted) and `reprocess` an empty folder."""
    config = _never_crawled(tmp_path)
    for command in ("export", "reprocess"):
        code, out, err = run_main(capsys, command, "--config", str(config))
        assert code == 2 and not out, err
        assert err.strip().endswith("malinews.sqlite3: no state store (crawl first)")
    assert not (tmp_path / "out").exists()


def test_reading_commands_on_an_empty_postgresql_database_create_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_url: str, monkeypatch
) -> None:
    """`status` and the commands like it once created the whole schema in an empty database."""
    import psycopg

    config = tmp_path / "malinews.toml"
    config.write_text(
        '[store]\nurl_env = "MALINEWS_DATABASE_URL"\n[output]\ndir = "out"\n' + SITE,
        encoding="utf-8",
    )
    monkeypatch.setenv("MALINEWS_DATABASE_URL", pg_url)
    for command in (["status"], ["alerts"], ["alerts", "--json"]):
        code, out, err = run_main(capsys, *command, "--config", str(config))
        assert code == 0 and not err, err
        expected = "[]" if "--json" in command else "no state store in the PostgreSQL store yet"
        assert out.startswith(expected), out
    for command in (["export"], ["reprocess"], ["articles"], ["diff", "0123456789abcdef"]):
        code, out, err = run_main(capsys, *command, "--config", str(config))
        assert (code, out) == (2, "") and err.count("\n") == 1
        assert err.startswith("malinews: error: the PostgreSQL store: no state store")
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchall() == []


@pytest.mark.parametrize(
    "args",
    [("alerts", "--limit", "0"), ("alerts", "--limit", "-1"), ("articles", "--limit", "0")],
)
def test_a_limit_below_one_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    config = _never_crawled(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main([*args, "--config", str(config)])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "--limit: must be at least 1" in err


def test_an_unknown_log_level_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["crawl", "--config", str(_never_crawled(tmp_path)), "--log-level", "BOGUS"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and "--log-level" in err and "Traceback" not in err


def test_an_operator_alert_is_listed_without_an_empty_site_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An `ops:` alert has no article: `alerts` prints its channels' states, not
    "   (0 copies; ...)" under an empty site and URL (found by a new-user trial)."""
    config = config_with_alerts(tmp_path, 1, timedelta(hours=1))
    store = Store(tmp_path / "out")
    ops = {**make_alert(9), "rule": "ops:down", "site": "", "url": "", "copies": []}
    with store.transaction():
        record_alert(store.conn, {**ops, "title": "site s down"}, ["ops"], datetime.now(UTC))
    store.close()
    code, out, _ = run_main(capsys, "alerts", "--config", str(config))
    lines = out.splitlines()
    assert code == 0 and "ops:down: site s down" in lines[0]
    assert lines[1] == "    (ops: pending)"
    assert "copies" in lines[3]  # the article's alert keeps its site, URL and copies
