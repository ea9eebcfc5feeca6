"""Crash safety: SIGKILL the crawler (or the whole monitor) at random moments, then check that
nothing was lost, nothing duplicated and no file was left half-written.

A fixture site publishes 16 more articles before each crawl (320 for the 20 kills of CI, 3,200
with `MALINEWS_CRASH_KILLS=200`); one article in ten mentions Bamex, which an alert rule
watches. Each crawl is killed once the site has served a random number of its article pages
(seeded), a random fraction of a page later, so kills follow the crawl's progress whatever the
machine's speed; a reader tails articles.jsonl meanwhile, and a last crawl runs to the end.
A file size limit (RLIMIT_FSIZE) stands in for a full disk.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import faultserver as fs
from tests.conftest import REPO, read_jsonl, run_cli

KILLS = int(os.environ.get("MALINEWS_CRASH_KILLS", "20"))
RUN_KILLS = max(3, KILLS // 5)  # kills of `malinews run` (parent and crawl child)
BATCH = 16  # articles published before each crawl
ARTICLES = BATCH * KILLS
ALERT_EVERY = 10  # articles 0, 10, 20... mention Bamex
FULL_DISK_ARTICLES = 64
LATENCY = 0.1  # seconds per article page
KILL_WAIT = 30.0  # seconds a run may take to reach the page where it is killed
SEED = 20261127
LONG = pytest.mark.timeout(120 + 10 * KILLS)  # about 3 s per kill, with room to spare


def slug(i: int) -> str:
    return f"/actualite/depeche-{i:03d}"


def article_page(i: int) -> bytes:
    body = fs.paragraphs(1000 + i)
    if i % ALERT_EVERY == 0:
        body.append(f"Les exposants du salon Bamex 2026 seront reçus au pavillon numéro {i}.")
    title = f"Dépêche {i} : {fs.SUBJECTS[i % 12]} {fs.VERBS[i % 10]} {fs.OBJECTS[i % 12]}"
    return fs.article_html(title, body, seed=i).encode("utf-8")


class CrashSite:
    """The fixture site on a FaultServer; `published` articles are in its sitemap."""

    def __init__(self, server: fs.FaultServer) -> None:
        self.server = server
        self.published = 0
        server.pages.update(
            {slug(i): fs.delayed(fs.page(article_page(i)), LATENCY) for i in range(ARTICLES)}
        )
        server.pages["/"] = fs.page(b"<html><head><title>Crash Info</title></head><body></body>")
        server.pages["/robots.txt"] = fs.page(
            f"User-agent: *\nAllow: /\nSitemap: {server.url}/sitemap.xml\n".encode(),
            content_type="text/plain",
        )
        server.pages["/sitemap.xml"] = lambda handler, number: fs.send(
            handler, 200, self.sitemap(), "application/xml"
        )

    def sitemap(self) -> bytes:
        urls = "".join(
            f"<url><loc>{self.server.url}{slug(i)}</loc></url>" for i in range(self.published)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def publish(self, count: int) -> None:
        self.published = min(ARTICLES, self.published + count)


class Tail(threading.Thread):
    """Follows articles.jsonl like `tail -f` while crawls write it; keeps every bad line seen."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.bad: list[str] = []
        self.lines = 0
        self.done = threading.Event()

    def run(self) -> None:
        offset, pending = 0, b""
        while not self.done.wait(0.01):
            try:
                with self.path.open("rb") as handle:
                    if handle.seek(0, 2) < offset:  # cut by a crash repair: start again there
                        offset, pending = handle.tell(), b""
                    handle.seek(offset)
                    data = handle.read()
            except FileNotFoundError:
                continue
            offset += len(data)
            *complete, pending = (pending + data).split(b"\n")  # the rest is unfinished
            self.lines += len(complete)
            for line in complete:
                try:
                    json.loads(line)
                except ValueError:
                    self.bad.append(line.decode("utf-8", "replace")[:200])


@pytest.fixture
def site() -> Iterator[CrashSite]:
    with fs.FaultServer(max_requests=100_000, lifetime=1800) as server:
        yield CrashSite(server)


def write_config(tmp_path: Path, site: CrashSite, interval: str = "1h") -> Path:
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n'
        f"[crawl]\ndownload_delay = 0\nautothrottle = false\nconcurrent_per_host = 2\n"
        f'max_pages = 5000\ninterval = "{interval}"\njitter = "0s"\n'
        f'[[sites]]\nname = "crash"\nstart_urls = ["{site.server.url}/"]\n'
        '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n',
        encoding="utf-8",
    )
    return config


def article_hits(site: CrashSite) -> int:
    return sum(n for path, n in site.server.hits.items() if path.startswith("/actualite/"))


def kill_midway(command: list[str], site: CrashSite, pages: int, extra: float) -> bool:
    """Start `command` in its own process group; SIGKILL the group once the site has served
    `pages` more article pages, `extra` seconds later (so kills land while a page is parsed,
    stored or exported). Kills follow the crawl's progress, not the machine's speed.

    Returns True if it was killed, False if it had finished by then.
    """
    served = article_hits(site)
    process = subprocess.Popen(
        command,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + KILL_WAIT
        while article_hits(site) - served < pages and time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            time.sleep(0.01)
        time.sleep(extra)
        return process.poll() is None
    finally:  # also when the test itself is interrupted: leave no crawl behind
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def crash_loop(
    tmp_path: Path, site: CrashSite, command: list[str], kills: int
) -> tuple[int, int, Tail]:
    """Publish a batch, run `command`, kill it at a random moment; until `kills` kills.

    Checks after each run that articles.jsonl ends with a whole line. Returns the kills, how many
    of them left published articles not yet exported (the crawl had work in flight), and the
    reader that tailed articles.jsonl.
    """
    rng = random.Random(SEED + kills)
    articles = tmp_path / "out" / "articles.jsonl"
    tail = Tail(articles)
    tail.start()
    killed = midway = runs = 0
    try:
        while killed < kills:
            runs += 1
            assert runs <= 3 * kills, f"only {killed} kills in {runs} runs: crawls end too soon"
            site.publish(math.ceil(ARTICLES / kills))
            if kill_midway(command, site, rng.randint(1, BATCH), rng.uniform(0, LATENCY)):
                killed += 1
                midway += lines(articles) < site.published
            if articles.exists() and articles.stat().st_size:
                assert articles.read_bytes().endswith(b"\n"), "a partial line after a kill"
    finally:
        tail.done.set()
        tail.join()
    return killed, midway, tail


def check_invariants(tmp_path: Path, site: CrashSite) -> None:
    """After a final complete crawl: every published article and alert exactly once, all
    delivered."""
    out = tmp_path / "out"
    expected_urls = {site.server.url + slug(i) for i in range(site.published)}
    records = read_jsonl(out / "articles.jsonl")
    assert Counter(r["id"] for r in records).most_common(1)[0][1] == 1, "an article twice"
    assert {r["url"] for r in records} == expected_urls and len(records) == site.published
    with sqlite3.connect(out / "malinews.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT url, revision, exported_revision FROM articles").fetchall()
        alerts = conn.execute("SELECT rule, article_id FROM alerts").fetchall()
        pending = conn.execute("SELECT count(*) FROM deliveries WHERE status != 'delivered'")
        assert pending.fetchone()[0] == 0, "an alert never delivered"
    assert sorted(u for u, _, _ in stored) == sorted(expected_urls)
    assert {(rev, exported) for _, rev, exported in stored} == {(1, 1)}
    alerting = {r["id"] for r in records if "Bamex" in r["text"]}
    assert len(alerting) == math.ceil(site.published / ALERT_EVERY)
    assert sorted(a for _, a in alerts) == sorted(alerting), "an alert missing or recorded twice"
    delivered = {a["article_id"] for a in read_jsonl(out / "alerts.jsonl")}
    assert delivered == alerting


def finish(config: Path) -> None:
    final = run_cli("crawl", "--config", str(config), timeout=300)
    assert final.returncode == 0, final.stderr


@LONG
def test_killed_crawls_lose_and_duplicate_nothing(tmp_path: Path, site: CrashSite) -> None:
    config = write_config(tmp_path, site)
    command = [sys.executable, "-m", "malinews.cli", "crawl", "--config", str(config)]
    killed, midway, tail = crash_loop(tmp_path, site, command, KILLS)
    finish(config)
    assert killed == KILLS and midway >= KILLS // 2, f"{midway} kills with work in flight"
    assert tail.lines > 0 and tail.bad == []
    check_invariants(tmp_path, site)


@LONG
def test_killed_monitor_and_its_crawl_lose_and_duplicate_nothing(
    tmp_path: Path, site: CrashSite
) -> None:
    config = write_config(tmp_path, site)
    command = [sys.executable, "-m", "malinews.cli", "run", "--config", str(config)]
    killed, midway, tail = crash_loop(tmp_path, site, command, RUN_KILLS)
    finish(config)
    assert killed == RUN_KILLS and midway >= 1, f"{midway} kills with work in flight"
    assert tail.bad == []
    check_invariants(tmp_path, site)


def limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def crawl_on_a_full_disk(config: Path) -> subprocess.CompletedProcess:
    """`malinews crawl` with files limited to 256 KiB, which the store outgrows mid-crawl."""
    return subprocess.run(
        [sys.executable, "-m", "malinews.cli", "crawl", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: limit_file_size(256 * 1024),
    )


def test_a_full_disk_corrupts_nothing_and_the_next_crawl_recovers(
    tmp_path: Path, site: CrashSite
) -> None:
    config = write_config(tmp_path, site)
    site.publish(FULL_DISK_ARTICLES)
    crawl_on_a_full_disk(config)
    out = tmp_path / "out"
    with sqlite3.connect(out / "malinews.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored < FULL_DISK_ARTICLES  # the limit did bite
    articles = out / "articles.jsonl"
    assert not articles.exists() or articles.read_bytes().endswith(b"\n")
    finish(config)
    check_invariants(tmp_path, site)


def test_a_full_disk_is_one_clear_error(tmp_path: Path, site: CrashSite) -> None:
    config = write_config(tmp_path, site)
    site.publish(FULL_DISK_ARTICLES)
    result = crawl_on_a_full_disk(config)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    progress = "crash: "  # the site's line when its crawl ends, then the error
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith(progress)]
    assert len(lines) == 1 and lines[0].startswith("malinews: error: "), result.stderr[-500:]
    assert "malinews.sqlite3" in lines[0]
