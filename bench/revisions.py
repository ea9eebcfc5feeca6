"""`python -m bench.revisions`: what revisits, the archive and reprocessing cost.

On the sample sites (malinews/scrapers/demo_sites, served on 127.0.0.1, no politeness delay):
requests of a re-crawl with nothing due and with every article's 1h revisit due (time is moved
by shifting the store's check times back, as the tests do), and archive bytes per article.
On the bench mirror (`--articles` synthetic articles in the built-in templates): `reprocess`
speed over the archive, unchanged pages, with 1 and 2 worker processes (pages/s, and CPU ms
per page, which other jobs on the cores do not change). Targets (issue 14):
archive <= 15 KB per article, reprocess >= 200 archived articles/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.mirror import build_mirror, crawl_config_text, serve
from malinews.pipelines.reprocess import reprocess
from malinews.pipelines.store import Store
from malinews.scheduler.demo import DEMO_SITES_DIR, demo_servers
from malinews.scrapers.config import load_config

REPO = Path(__file__).resolve().parents[1]


def crawl(config: Path, servers: dict[str, Any]) -> tuple[int, int]:
    """One `malinews crawl` in a child process: (requests served, revisits asked)."""
    for server in servers.values():
        server.requests.clear()
    done = subprocess.run(
        [sys.executable, "-m", "malinews.cli", "crawl", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"bench.revisions: crawl failed: {done.stderr.strip().splitlines()[-1:]}")
    db = sqlite3.connect(load_config(config).output_dir / "malinews.sqlite3")
    rows = db.execute(
        "SELECT stats FROM crawls WHERE id IN (SELECT MAX(id) FROM crawls GROUP BY site)"
    )
    revisits = sum(int(json.loads(stats).get("malinews/revisits", 0)) for (stats,) in rows)
    db.close()
    return sum(len(s.requests) for s in servers.values()), revisits


def shift_checks(output: Path, hours: float) -> None:
    db = sqlite3.connect(output / "malinews.sqlite3")
    with db:
        for ident, first, last in db.execute("SELECT id, first_seen, last_checked FROM checks"):
            back = [
                (datetime.fromisoformat(t) - timedelta(hours=hours)).isoformat()
                for t in (first, last)
            ]
            db.execute("UPDATE checks SET first_seen=?, last_checked=? WHERE id=?", (*back, ident))
    db.close()


def sample_sites(root: Path) -> dict[str, Any]:
    """Revisit requests and archive size on the sample sites."""
    shutil.copytree(DEMO_SITES_DIR, root / "sites")
    with ExitStack() as stack:
        servers = demo_servers(root / "sites")
        for server in servers.values():
            stack.enter_context(server)
        lines = ["[output]", 'dir = "out"', "[crawl]", "download_delay = 0", "autothrottle = false"]
        for name, server in servers.items():
            lines += ["[[sites]]", f'name = "{name}"', f'start_urls = ["{server.url}/"]']
        config = root / "malinews.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        first, _ = crawl(config, servers)
        quiet, _ = crawl(config, servers)
        shift_checks(root / "out", 2)
        due, revisits = crawl(config, servers)
    store = Store(root / "out")
    articles = store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    first_fetches = store.conn.execute(
        "SELECT SUM(length) FROM archived WHERE id IN (SELECT MIN(id) FROM archived GROUP BY url)"
    ).fetchone()[0]
    store.close()
    return {
        "sample sites": len(servers),
        "sample articles": articles,
        "first crawl requests": first,
        "re-crawl requests, nothing due": quiet,
        "re-crawl requests, every 1h revisit due": due,
        "revisits in that crawl": revisits,
        "archive bytes per article (gzip WARC)": round(first_fetches / articles),
    }


def mirror_reprocess(root: Path, articles: int) -> dict[str, Any]:
    """Reprocess speed over the archive of a crawled bench mirror."""
    mirror = build_mirror(root / "mirror", sites=3, articles=articles)
    config = root / "mirror.toml"
    with serve(mirror) as servers:
        config.write_text(crawl_config_text(mirror, servers), encoding="utf-8")
        crawl(config, servers)
    loaded = load_config(config)
    store = Store(loaded.output_dir)
    # the first pass stores what changed since the crawl (lines learned as boilerplate since)
    first = reprocess(loaded, store, site=None, since=datetime.min)
    figures: dict[str, Any] = {"records changed by a first reprocess": len(first.changed)}
    for workers in (1, 2):
        cpu = _cpu_seconds()
        report = reprocess(loaded, store, site=None, since=datetime.min, workers=workers)
        cpu = _cpu_seconds() - cpu
        assert not report.changed, "a second reprocess must change nothing"
        figures[f"reprocess, {workers} process(es): pages"] = report.read
        figures[f"reprocess, {workers} process(es): pages/s"] = round(report.read / report.seconds)
        figures[f"reprocess, {workers} process(es): CPU ms/page"] = round(
            1000 * cpu / report.read, 2
        )
    figures["load average (1 min) after reprocess"] = round(os.getloadavg()[0], 1)
    store.close()
    return figures


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the reprocess workers): unlike
    pages/s, it does not depend on what else the shared cores are running."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.revisions", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, help="bench mirror size")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "a").mkdir()
        (Path(tmp) / "b").mkdir()
        figures = sample_sites(Path(tmp) / "a") | mirror_reprocess(Path(tmp) / "b", args.articles)
    for name, value in figures.items():
        print(f"{name:<45} {value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
