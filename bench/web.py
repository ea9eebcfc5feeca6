"""`python -m bench.web`: the web app's list, search and feed endpoints on a large store.

Fills a store with synthetic articles (the bench mirror's text generator, `bench.textgen`)
through the store's own write API, serves it with the real app under uvicorn on loopback, and
times HTTP requests. Also reports the search index's size per article and what the index
triggers add to storing one article. Targets (issue 15): p95 < 50 ms per endpoint with
100,000 articles; index update < 1 ms per stored article.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvicorn

from bench.textgen import Writer
from malinews.article import Article
from malinews.core.urls import article_id
from malinews.pipelines.alerts import record_alert
from malinews.pipelines.store import Store
from malinews.web.app import create_app

SITES = ("bamada", "maliweb", "maliactu", "malijet", "studiotamani")
RULE, RULE_SHARE = "bamex", 0.05  # share of the stories that hit the rule
COPY_SHARE = 0.2  # share of the articles that are another site's copy of a recent story
BATCH = 1000
REQUESTS = 60  # timed requests per endpoint (after 5 warm-up ones)
TRIGGER_SAMPLE = 2000


class _Hit:
    """What the store records of a keyword hit (see keywords.py)."""

    def __init__(self, snippet: str) -> None:
        self.rule, self.severity, self.snippet = RULE, "warning", snippet


def synthetic_records(count: int, seed: int = 21) -> list[dict[str, Any]]:
    """`count` article records: text remixed from generated paragraphs, 5 sites, 90 days."""
    writer, rng = Writer(seed), random.Random(seed)
    originals = [writer.article() for _ in range(2000)]
    paragraphs = [p for a in originals for p in a.paragraphs]
    epoch = datetime(2026, 3, 1, tzinfo=UTC)
    records: list[dict[str, Any]] = []
    for n in range(count):
        source = originals[n % len(originals)]
        site = SITES[n % len(SITES)]
        url = f"https://{site}.example/article-{n}"
        text = "\n\n".join(rng.sample(paragraphs, 5))
        hit = rng.random() < RULE_SHARE
        if hit:
            text += f"\n\nLe salon Bamex {2026 + n % 3} réunira les exposants à Bamako."
        story = article_id(url)
        if records and rng.random() < COPY_SHARE:
            story = records[rng.randrange(max(0, len(records) - 500), len(records))]["story_id"]
        published = epoch - timedelta(minutes=90 * 24 * 60 * (count - n) / count)
        item = Article.of(
            url,
            site,
            f"{source.title} ({n})",
            id=article_id(url),
            story_id=story,
            text=text,
            author=source.author,
            source=source.source,
            published=published.isoformat(),
            revision=1,
            keyword_hits=[RULE] if hit else [],
            fetched_at=(published + timedelta(minutes=30)).isoformat(),
        )
        records.append(item.record())
    return records


def fill(store: Store, records: list[dict[str, Any]]) -> float:
    """Store the records in batches as the crawl does; seconds taken."""
    start = time.perf_counter()
    now = datetime.now(UTC)
    for i in range(0, len(records), BATCH):
        with store.transaction():
            for record in records[i : i + BATCH]:
                store.save_article(record, f"h{record['id']}", [], [record["url"]])
                if record["keyword_hits"]:
                    story = store.story(record["story_id"]) or {"copies": []}
                    payload = {
                        **record,
                        "rule": RULE,
                        "severity": "warning",
                        "article_id": record["id"],
                        "snippet": "**Bamex**",
                        "copies": story["copies"],
                    }
                    record_alert(store.conn, payload, ["jsonl"], now)
    return time.perf_counter() - start


def trigger_cost_ms(store: Store, records: list[dict[str, Any]]) -> float:
    """What the index and log triggers add per stored article: their statements, timed on the
    full store inside a transaction that is rolled back."""
    rowid = store.conn.execute("SELECT MAX(rowid) FROM articles").fetchone()[0]
    start = time.perf_counter()
    store.conn.execute("BEGIN IMMEDIATE")
    try:
        for n, record in enumerate(records, start=rowid + 1):
            store.conn.execute(
                "INSERT INTO article_fts (rowid, title, text) VALUES (?, ?, ?)",
                (n, record["title"], record["text"]),
            )
            store.conn.execute("INSERT INTO article_log (article, revision) VALUES (?, 1)", (n,))
        elapsed = time.perf_counter() - start
    finally:
        store.conn.execute("ROLLBACK")
    return 1000 * elapsed / len(records)


def index_bytes(store: Store) -> int:
    """Bytes of the FTS5 index's shadow tables (the text itself stays in `articles`)."""
    return store.conn.execute(
        "SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'article_fts%'"
    ).fetchone()[0]


def _serve(output: Path, sock: socket.socket) -> None:
    uvicorn.Server(uvicorn.Config(create_app(output), log_level="warning")).run(sockets=[sock])


def serve(output: Path) -> tuple[str, multiprocessing.Process]:
    """The app on a loopback port, in a child process so the timing client does not share its
    interpreter lock."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    child = multiprocessing.get_context("fork").Process(target=_serve, args=(output, sock))
    child.start()
    sock.close()
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=5).read()
            return url, child
        except OSError:
            if time.monotonic() > deadline:
                child.terminate()
                raise
            time.sleep(0.1)


def timed(url: str, paths: list[str]) -> dict[str, float]:
    """p50/p95/max in ms of GETs cycling through `paths` (gzip asked, as clients do)."""

    def get(path: str) -> float:
        request = urllib.request.Request(url + path, headers={"Accept-Encoding": "gzip"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200, path
        return 1000 * (time.perf_counter() - start)

    for path in paths[:5]:
        get(path)
    times = [get(paths[i % len(paths)]) for i in range(REQUESTS)]
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": statistics.quantiles(times, n=20)[-1],
        "max_ms": max(times),
    }


def endpoints(rng: random.Random, total: int) -> dict[str, list[str]]:
    """Each endpoint's request paths, with varied parameters."""
    words = ["Bamako", "Kidal", "ministre", "coopérative", "securite", "bamex", "hivernage"]
    phrases = ['"salon Bamex"', '"Office du Niger"', '"centre de santé"']
    return {
        "stories page": ["/", "/?page=3", f"/?site={SITES[1]}", f"/?rule={RULE}"],
        "search page": [f"/search?q={w}" for w in words + phrases],
        "search page, filtered": [f"/search?q={w}&site={rng.choice(SITES)}" for w in words],
        "api/articles": [f"/api/articles?cursor={rng.randrange(total)}" for _ in range(20)],
        "api/articles?q=": [f"/api/articles?q={w}" for w in words],
        "api/articles?site=&rule=": [f"/api/articles?site={s}&rule={RULE}" for s in SITES],
        "feed.json": ["/feed.json", f"/feed.json?site={SITES[2]}", f"/feed.json?rule={RULE}"],
        "feed.atom": ["/feed.atom", f"/feed.atom?rule={RULE}"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--reuse", action="store_true", help="time the store kept by an earlier --keep run"
    )
    args = parser.parse_args(argv)
    if args.reuse and args.keep is None:
        parser.error("--reuse needs --keep DIR")
    work = args.keep or Path(tempfile.mkdtemp(prefix="malinews-bench-web-"))
    try:
        store = Store(work)
        if args.reuse:
            stored_count = store.conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            sample = synthetic_records(TRIGGER_SAMPLE, seed=22)
            fill_seconds = float("nan")
        else:
            records = synthetic_records(args.articles + TRIGGER_SAMPLE)
            stored, sample = records[: args.articles], records[args.articles :]
            fill_seconds = fill(store, stored)
            stored_count = args.articles
        figures: dict[str, Any] = {
            "articles": stored_count,
            "store_ms_per_article": 1000 * fill_seconds / stored_count,
            "fts_update_ms_per_article": trigger_cost_ms(store, sample),
            "index_bytes_per_article": index_bytes(store) / stored_count,
        }
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        url, child = serve(work)
        try:
            rng = random.Random(5)
            figures["endpoints"] = {
                name: timed(url, [quote(p, safe="/?=&") for p in paths])
                for name, paths in endpoints(rng, stored_count).items()
            }
        finally:
            child.terminate()
            child.join(timeout=10)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{figures['articles']} articles stored in the bench store")
    print(f"  store, per article        {figures['store_ms_per_article']:.3f} ms")
    print(f"  FTS update, per article   {figures['fts_update_ms_per_article']:.3f} ms (target < 1)")
    print(f"  search index, per article {figures['index_bytes_per_article']:.0f} bytes")
    figures["load_average"] = os.getloadavg()[0]  # other jobs on the machine skew the times
    print(f"  load average during the run {figures['load_average']:.1f} on {os.cpu_count()} CPUs")
    print(f"{'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  (target p95 < 50)")
    for name, t in figures["endpoints"].items():
        print(f"{name:<28} {t['p50_ms']:>8.1f} {t['p95_ms']:>8.1f} {t['max_ms']:>8.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
