"""A damaged, emptied or busy state store, and a damaged articles.jsonl: each is noticed with one
clear line, no record is lost or written twice, and no past alert is sent again.

The crawled site is synthetic (tests/faultserver.py, pages written by this project), served on
127.0.0.1; every command runs as a real `malinews` process.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from malinews.pipelines.export import repair_tail
from tests import faultserver as fs
from tests.conftest import REPO, read_jsonl, run_cli

ARTICLES = 12


@pytest.fixture
def site() -> Iterator[fs.FaultServer]:
    """A home page linking ARTICLES articles; every third one mentions Bamex."""
    with fs.FaultServer() as server:
        links = []
        for i in range(ARTICLES):
            body = fs.paragraphs(500 + i)
            if i % 3 == 0:
                body.append(f"Le salon Bamex ouvrira son pavillon numéro {i} demain matin.")
            title = f"Dépêche {i} : {fs.SUBJECTS[i % 12]} {fs.VERBS[i % 10]} {fs.OBJECTS[i % 12]}"
            server.pages[f"/actualite/d-{i}"] = fs.page(
                fs.article_html(title, body, seed=i).encode()
            )
            links.append(f'<a href="/actualite/d-{i}">{title}</a>')
        server.pages["/"] = fs.page(f"<html><body>{''.join(links)}</body></html>".encode())
        yield server


@pytest.fixture
def crawled(tmp_path: Path, site: fs.FaultServer) -> Path:
    """The config of a folder where one crawl stored every article and its alerts."""
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
        f'[[sites]]\nname = "fixture"\nstart_urls = ["{site.url}/"]\n'
        '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n',
        encoding="utf-8",
    )
    done = run_cli("crawl", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert len(read_jsonl(tmp_path / "out" / "articles.jsonl")) == ARTICLES
    assert len(read_jsonl(tmp_path / "out" / "alerts.jsonl")) == 4
    return config


def one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_an_emptied_store_is_refused_and_no_alert_is_sent_again(crawled: Path) -> None:
    out = crawled.parent / "out"
    (out / "malinews.sqlite3").write_bytes(b"")
    for name in ("malinews.sqlite3-wal", "malinews.sqlite3-shm"):
        (out / name).unlink(missing_ok=True)
    for command in ("crawl", "status", "export"):
        one_line_error(run_cli(command, "--config", str(crawled)), "empty", "backup")
    assert len(read_jsonl(out / "alerts.jsonl")) == 4
    assert len(read_jsonl(out / "articles.jsonl")) == ARTICLES


@pytest.mark.parametrize("damage", ["garbage", "half"])
def test_a_damaged_store_is_refused_in_one_line(crawled: Path, damage: str) -> None:
    out = crawled.parent / "out"
    store = out / "malinews.sqlite3"
    sqlite3.connect(store).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = store.read_bytes()
    store.write_bytes(b"not a database, " * 4096 if damage == "garbage" else data[: len(data) // 2])
    for command in ("crawl", "alerts", "export"):
        one_line_error(run_cli(command, "--config", str(crawled)), "damaged", "backup")
    assert len(read_jsonl(out / "alerts.jsonl")) == 4


def test_a_deleted_articles_file_is_noticed_and_rebuilt(crawled: Path) -> None:
    out = crawled.parent / "out"
    (out / "articles.jsonl").unlink()
    again = run_cli("export", "--config", str(crawled))
    assert again.returncode == 0 and "missing" in again.stderr and "--rebuild" in again.stderr
    rebuilt = run_cli("export", "--config", str(crawled), "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"{ARTICLES} article records written" in rebuilt.stdout
    assert len({r["id"] for r in read_jsonl(out / "articles.jsonl")}) == ARTICLES


def test_a_cut_last_record_is_repaired(crawled: Path) -> None:
    path = crawled.parent / "out" / "articles.jsonl"
    whole = read_jsonl(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 100])  # the last record loses its end
    again = run_cli("export", "--config", str(crawled))
    assert again.returncode == 0 and "cut short" in again.stderr, again.stderr
    assert sorted(r["id"] for r in read_jsonl(path)) == sorted(r["id"] for r in whole)


@pytest.mark.parametrize(
    "tail",
    [
        b"",  # whole: left as it is
        b'{"id": "half',  # cut inside a short line
        b'{"id": "' + b"x" * 50,  # a partial line longer than the chunk read back
    ],
)
def test_repair_tail_cuts_only_a_partial_last_line(tmp_path: Path, tail: bytes) -> None:
    """The repair reads the file back from its end, a chunk at a time (16 bytes here, so the
    search for the last line end crosses chunks)."""
    path = tmp_path / "articles.jsonl"
    lines = b"".join(b'{"id": "%d", "body": "%s"}\n' % (n, b"y" * 30) for n in range(3))
    path.write_bytes(lines + tail)
    repair_tail(path, chunk=16)
    assert path.read_bytes() == lines


def test_repair_tail_empties_a_file_with_no_whole_line(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    path.write_bytes(b'{"id": "' + b"z" * 40)
    repair_tail(path, chunk=16)
    assert path.read_bytes() == b""


def test_a_file_cut_by_whole_records_is_noticed_and_rebuilt(crawled: Path) -> None:
    """Found by a new-user trial: a file cut from 12 to 6 lines by hand was not noticed."""
    path = crawled.parent / "out" / "articles.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[: len(lines) // 2]))
    again = run_cli("export", "--config", str(crawled))
    assert again.returncode == 0 and "shorter than malinews left it" in again.stderr
    assert "--rebuild" in again.stderr
    assert run_cli("export", "--config", str(crawled), "--rebuild").returncode == 0
    assert len(read_jsonl(path)) == len(lines)


@pytest.mark.timeout(120)
def test_rebuild_with_the_store_busy_keeps_the_file(crawled: Path) -> None:
    """Another process holds the store's write lock longer than the store waits (30 s)."""
    out = crawled.parent / "out"
    before = (out / "articles.jsonl").read_bytes()
    holder = sqlite3.connect(out / "malinews.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        result = run_cli("export", "--config", str(crawled), "--rebuild")
        assert time.monotonic() - started < 60
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_line_error(result, "busy")
    assert (out / "articles.jsonl").read_bytes() == before
    assert run_cli("export", "--config", str(crawled)).stdout.startswith("0 article records")


def test_rebuild_killed_midway_writes_no_record_twice(crawled: Path) -> None:
    """A rebuild killed after its new file replaced the old one, before its commit."""
    out = crawled.parent / "out"
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from malinews.pipelines import export\n"
        "from malinews.pipelines.store import Store\n"
        "real = os.replace\n"
        "def replace_then_die(src, dst):\n"
        "    real(src, dst)\n"
        "    os._exit(9)\n"
        "export.os.replace = replace_then_die\n"
        "export.rebuild(Store(Path(sys.argv[1])), Path(sys.argv[1]))\n"
    )
    killed = subprocess.run([sys.executable, "-c", script, str(out)], cwd=REPO, timeout=60)
    assert killed.returncode == 9
    assert run_cli("export", "--config", str(crawled)).returncode == 0
    ids = [r["id"] for r in read_jsonl(out / "articles.jsonl")]
    assert len(ids) == len(set(ids)) == ARTICLES


def test_a_store_missing_a_table_is_one_line_in_any_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store someone altered by hand (a table dropped): the command that meets it says so in
    one line and exits 1, whichever store and command (here SQLite and `articles`)."""
    from malinews.pipelines.store import Store
    from tests.conftest import run_main

    config = tmp_path / "malinews.toml"
    config.write_text('[output]\ndir = "out"\n[[sites]]\nname = "bamada"\n', encoding="utf-8")
    store = Store(tmp_path / "out")
    store.conn.execute("DROP TABLE articles")
    store.close()
    code, out, err = run_main(capsys, "articles", "--config", str(config))
    assert code == 1 and out == ""
    assert err == "malinews: error: the state store: no such table: articles\n"


def test_a_store_failing_as_the_spider_opens_is_one_line(tmp_path: Path) -> None:
    """The store opens for the crawl's first check but fails when the spider reads it (here a
    table dropped by hand; in life a PostgreSQL server lost in between): one line, exit 1."""
    from malinews.pipelines.store import Store

    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[[sites]]\nname = "bamada"\nstart_urls = ["http://127.0.0.1:9/"]\n',
        encoding="utf-8",
    )
    store = Store(tmp_path / "out")
    store.conn.execute("DROP TABLE seen_urls")
    store.close()
    # a child process, as users run it: a crawl in-process would leave Scrapy's logging set up
    crawled = run_cli("crawl", "--config", str(config))
    code, out, err = crawled.returncode, crawled.stdout, crawled.stderr
    assert code == 1 and out == ""
    assert err == (
        f"malinews: error: {tmp_path / 'out' / 'malinews.sqlite3'}: cannot use the state store: "
        "no such table: seen_urls\n"
    )
