"""`python -m bench.workers`: several `malinews run` workers on one PostgreSQL store.

1. Articles per minute with 1 and then 3 workers on one machine, over 30 loopback sites with
   politeness on (a delay between two requests to a site, so waiting dominates): the time from
   the workers' start until every site's first crawl is recorded. Target: 3 workers ≥ 2.5×.
2. The store stage's cost per article on PostgreSQL against SQLite, in this process: the same
   synthetic articles stored through `store_article`. Target: ≤ 1.5×.

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
from malinews.pipelines.dedupe import dedupe_item
from malinews.pipelines.store import Store, store_article
from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, site_origin
from malinews.scrapers.config import load_config

SITES = 30
DELAY = 1.0  # seconds between two requests to one site
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


def store_cost(admin: str, articles: int = 400) -> tuple[float, float]:
    """Seconds per article through the stages that use the store (dedupe: hash and LSH lookups;
    store: the article, its story and alerts in one transaction), on SQLite then PostgreSQL.
    Half the articles are copies of earlier ones, as aggregators make them."""
    config = load_config(REPO / "malinews" / "scheduler" / "demo.toml", tempfile.mkdtemp())
    writer = Writer(seed=16)
    originals = [writer.article() for _ in range(articles // 2)]
    batch = originals + [writer.copy(original) for original in originals]

    def timed(url: str | None) -> float:
        store = Store(Path(tempfile.mkdtemp()), url)
        started = time.perf_counter()
        for i, article in enumerate(batch):
            item = dedupe_item(store, _article_item(f"https://bench.example/{i}", article))
            if item is not None:
                store_article(store, config, item)
        elapsed = time.perf_counter() - started
        store.close()
        return elapsed / len(batch)

    with database(admin) as url:
        return timed(None), timed(url)


def main() -> int:
    admin = os.environ.get("MALINEWS_BENCH_PG") or os.environ.get("MALINEWS_TEST_PG")
    if not admin:
        print(
            "bench.workers: skipped: set MALINEWS_BENCH_PG to a PostgreSQL URL whose role may "
            "create databases"
        )
        return 0
    sqlite, postgres = store_cost(admin)
    print(
        f"store stage per article: SQLite {sqlite * 1000:.2f} ms, PostgreSQL "
        f"{postgres * 1000:.2f} ms: {postgres / sqlite:.2f}x (target <= 1.5x)"
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
