"""`python -m bench.workers`: several `malinews run` workers on one PostgreSQL store.

1. Articles per minute with 1 and then 3 workers on one machine, over 30 loopback sites with
   politeness on (a delay between two requests to a site, so waiting dominates): the time from
   the workers' start until every site's first crawl is recorded. Target: 3 workers ≥ 2.5×.
2. The item pipeline's cost per article on PostgreSQL against SQLite, in this process: the
   same synthetic articles through the stages a crawl runs, each article through both stores
   in turn. Target: ≤ 1.5×.

Needs a PostgreSQL role that may create databases, in MALINEWS_BENCH_PG or MALINEWS_TEST_PG
(as `.ci/run` sets it); without one it says so and stops. The sites are the bundled sample
sites (synthetic), each folder served three times under three names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg

from bench.measures import _article_item
from bench.textgen import Writer
from malinews.article import Article
from malinews.pipelines.boilerplate import boilerplate_item
from malinews.pipelines.chain import Offline
from malinews.pipelines.clean import clean_item
from malinews.pipelines.dates import date_item
from malinews.pipelines.dedupe import dedupe_item
from malinews.pipelines.export import export_pending
from malinews.pipelines.keywords import KeywordMatcher, keywords_item
from malinews.pipelines.store import Store, store_article
from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, site_origin
from malinews.scrapers.config import load_config
from malinews.sites import generic_profile

SITES = 30
DELAY = 2.0  # seconds between two requests to one site (polite crawling: waiting dominates)
CONCURRENCY = 2  # sites each worker crawls at once: 15 rounds of crawls for one, 5 for three
REPO = Path(__file__).resolve().parents[1]


@contextmanager
def database(admin: str) -> Iterator[str]:
    """A new database for one run, dropped after it: its URL."""
    name = f"malinews_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{admin.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def served_sites(stack: ExitStack) -> dict[str, SiteServer]:
    folders = sorted(p for p in DEMO_SITES_DIR.iterdir() if p.is_dir())
    servers = {}
    for i in range(SITES):
        folder = folders[i % len(folders)]
        server = SiteServer(folder, site_origin(folder.name))
        servers[f"{folder.name}{i // len(folders) + 1}"] = stack.enter_context(server)
    return servers


def write_config(path: Path, servers: dict[str, SiteServer]) -> Path:
    lines = [
        "[output]",
        f"dir = {json.dumps(str(path.parent / 'out'))}",
        '[store]\nurl_env = "MALINEWS_DATABASE_URL"',
        "[crawl]",
        f"download_delay = {DELAY}",
        "autothrottle = false",
        'interval = "1h"',
        f"[workers]\nconcurrency = {CONCURRENCY}",
    ]
    for name, server in servers.items():
        profile = name.rstrip("0123456789")
        lines += [
            "[[sites]]",
            f'name = "{name}"',
            f'profile = "{profile}"',
            f'start_urls = ["{server.url}/"]',
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def articles_per_minute(admin: str, servers: dict[str, SiteServer], workers: int) -> float:
    with database(admin) as url, tempfile.TemporaryDirectory() as work:
        config = write_config(Path(work) / "malinews.toml", servers)
        env = {**os.environ, "MALINEWS_DATABASE_URL": url}
        command = [sys.executable, "-m", "malinews.cli", "run", "--config", str(config)]
        started = time.monotonic()
        children = [
            subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
            for _ in range(workers)
        ]
        try:
            while True:
                time.sleep(1)
                try:
                    with psycopg.connect(url) as conn:
                        crawled, articles = conn.execute(
                            "SELECT (SELECT count(DISTINCT site) FROM crawls), "
                            "(SELECT count(*) FROM articles)"
                        ).fetchone()
                except psycopg.Error:  # the first worker is still creating the schema
                    continue
                if crawled == len(servers):
                    break
            elapsed = time.monotonic() - started
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait()
        print(f"  {workers} worker(s): {articles} articles in {elapsed:.1f} s", file=sys.stderr)
        return articles / elapsed * 60


def pipeline_cost(admin: str, articles: int = 400) -> dict[str, float]:
    """Milliseconds per article through the item pipeline a crawl runs (clean, boilerplate,
    date, dedupe, keywords, store, export), on SQLite and on PostgreSQL, and through the
    stages that use the store (dedupe, store, export) alone. Each article goes through both
    stores in turn, so a busy moment of the machine weighs on both alike. Half the articles
    are copies of earlier ones, as aggregators make them; the demo's alert rules run on them."""
    config = load_config(REPO / "malinews" / "scheduler" / "demo.toml", tempfile.mkdtemp())
    offline = Offline(
        generic_profile("bench", ("https://bench.example/",)), KeywordMatcher(config.alerts)
    )
    writer = Writer(seed=16)
    originals = [writer.article() for _ in range(articles // 2)]
    batch = originals + [writer.copy(original) for original in originals]

    def one(store: Store, out: Path, url: str, article: Article) -> tuple[float, float]:
        """(whole pipeline, its store stages) in seconds for one article."""
        started = time.perf_counter()
        item: Article | None = _article_item(url, article)
        item = date_item(boilerplate_item(clean_item(item), profile=offline.profile, learned=()))
        before_store = time.perf_counter()
        item = dedupe_item(store, item)
        after_dedupe = time.perf_counter()
        if item is not None:
            item = keywords_item(item, offline.matcher)
            after_keywords = time.perf_counter()
            store_article(store, config, item)
            export_pending(store, out)
        else:
            after_keywords = time.perf_counter()
        ended = time.perf_counter()
        return ended - started, (after_dedupe - before_store) + (ended - after_keywords)

    with database(admin) as url:
        outs = {"sqlite": Path(tempfile.mkdtemp()), "postgresql": Path(tempfile.mkdtemp())}
        stores = {"sqlite": Store(outs["sqlite"]), "postgresql": Store(outs["postgresql"], url)}
        totals = {f"{name}{part}": 0.0 for name in stores for part in ("_ms", "_store_ms")}
        try:
            for i, article in enumerate(batch):
                for name, store in stores.items():
                    whole, stored = one(store, outs[name], f"https://bench.example/{i}", article)
                    totals[f"{name}_ms"] += whole
                    totals[f"{name}_store_ms"] += stored
        finally:
            for store in stores.values():
                store.close()
    return {key: value / len(batch) * 1000 for key, value in totals.items()}


def main() -> int:
    admin = os.environ.get("MALINEWS_BENCH_PG") or os.environ.get("MALINEWS_TEST_PG")
    if not admin:
        print(
            "bench.workers: skipped: set MALINEWS_BENCH_PG to a PostgreSQL URL whose role may "
            "create databases"
        )
        return 0
    cost = pipeline_cost(admin)
    print(
        f"item pipeline per article: SQLite {cost['sqlite_ms']:.2f} ms, PostgreSQL "
        f"{cost['postgresql_ms']:.2f} ms: {cost['postgresql_ms'] / cost['sqlite_ms']:.2f}x "
        f"(target <= 1.5x); its store stages (dedupe, store, export) alone: "
        f"{cost['sqlite_store_ms']:.2f} ms and {cost['postgresql_store_ms']:.2f} ms: "
        f"{cost['postgresql_store_ms'] / cost['sqlite_store_ms']:.2f}x"
    )
    with ExitStack() as stack:
        servers = served_sites(stack)
        one = articles_per_minute(admin, servers, 1)
        for server in servers.values():
            server.access.clear()
        three = articles_per_minute(admin, servers, 3)
    print(
        f"articles per minute over {SITES} sites, {DELAY:g} s between requests: 1 worker "
        f"{one:.0f}, 3 workers {three:.0f}: {three / one:.2f}x (target >= 2.5x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
