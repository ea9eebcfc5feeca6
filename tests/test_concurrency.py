"""Several `malinews` processes on one output folder, as `malinews run` does with many sites.

Real processes (`python -m malinews.cli`) crawl synthetic fixture sites served on 127.0.0.1
(tests/faultserver.py: pages written by this project) into one shared output folder.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import faultserver as fs
from tests.conftest import REPO, read_jsonl

SITES = 3
PER_SITE = 120  # articles per site


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "malinews.cli", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return process.returncode, out, err


@pytest.fixture
def sites() -> Iterator[list[fs.FaultServer]]:
    """SITES fixture sites, each a home page linking PER_SITE distinct articles."""
    with ExitStack() as stack:
        servers = [stack.enter_context(fs.FaultServer(max_requests=5000)) for _ in range(SITES)]
        for s, server in enumerate(servers):
            links = []
            for i in range(PER_SITE):
                seed = 10_000 * (s + 1) + i
                title = f"Site {s} dépêche {i} : {fs.SUBJECTS[i % 12]} {fs.VERBS[i % 10]}"
                server.pages[f"/actualite/d-{i}"] = fs.page(
                    fs.article_html(title, fs.paragraphs(seed), seed=seed).encode()
                )
                links.append(f'<a href="/actualite/d-{i}">{title}</a>')
            server.pages["/"] = fs.page(f"<html><body>{''.join(links)}</body></html>".encode())
        yield servers


def config_for(tmp_path: Path, servers: list[fs.FaultServer]) -> Path:
    config = tmp_path / "malinews.toml"
    text = (
        '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
        "max_pages = 1000\n"
    )
    for s, server in enumerate(servers):
        text += f'[[sites]]\nname = "site{s}"\nstart_urls = ["{server.url}/"]\n'
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.timeout(300)
def test_parallel_crawls_on_one_folder_write_each_record_once(
    tmp_path: Path, sites: list[fs.FaultServer]
) -> None:
    config = config_for(tmp_path, sites)
    crawls = [cli("crawl", "--config", str(config), "--site", f"site{s}") for s in range(SITES)]
    results = [finish(process) for process in crawls]
    assert [code for code, _, _ in results] == [0] * SITES, [err for _, _, err in results]
    records = read_jsonl(tmp_path / "out" / "articles.jsonl")
    twice = [key for key, n in Counter((r["id"], r["revision"]) for r in records).items() if n > 1]
    assert not twice, f"{len(twice)} records written more than once"
    assert len(records) == SITES * PER_SITE


OPEN_STORE = (
    "import sys; from pathlib import Path; from malinews.pipelines.store import Store;"
    " Store(Path(sys.argv[1])).close()"
)


@pytest.mark.timeout(240)
def test_processes_started_together_on_a_new_folder_all_create_the_store(tmp_path: Path) -> None:
    """Each round, 8 processes at once open the store of the same new folder: one runs the
    first migration, none fails ("table articles already exists" before the fix)."""
    failures = []
    for round_ in range(3):
        folder = tmp_path / f"out{round_}"
        folder.mkdir()
        opening = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_STORE, str(folder)],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(8)
        ]
        failures += [err for code, _, err in map(finish, opening) if code != 0]
    assert not failures, failures[0]
