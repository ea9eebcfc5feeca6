"""Shared test helpers: fixture sites served on 127.0.0.1 and the real `malinews` command."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from malinews.cli import main
from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, demo_servers

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "seeds"
# The demo's first port, one range per test process (below the ephemeral ports): two suites,
# or two workers of one suite, never serve the sample sites on the same ports.
DEMO_PORT = 10000 + os.getpid() % 2000 * 10


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `malinews ARGS` in a child process (Twisted's reactor cannot restart in-process)."""
    return subprocess.run(
        [sys.executable, "-m", "malinews.cli", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`malinews ARGS` in-process (commands that start no crawl): exit code, stdout, stderr."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_config(path: Path, servers: dict[str, SiteServer], extra: str = "") -> Path:
    """A config crawling the served sites without politeness delay, output next to it."""
    lines = [
        "[output]",
        'dir = "out"',
        "[crawl]",
        "download_delay = 0",
        "autothrottle = false",
    ]
    for name, server in servers.items():
        lines += ["[[sites]]", f'name = "{name}"', f'start_urls = ["{server.url}/"]']
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@pytest.fixture
def site_copies(tmp_path: Path) -> Path:
    """A writable copy of the bundled sample sites (tests may add or change pages)."""
    root = tmp_path / "sites"
    shutil.copytree(DEMO_SITES_DIR, root)
    return root


@pytest.fixture
def servers(site_copies: Path) -> Iterator[dict[str, SiteServer]]:
    """The sample sites, each served on its own port on 127.0.0.1."""
    with ExitStack() as stack:
        running = demo_servers(site_copies)
        for server in running.values():
            stack.enter_context(server)
        yield running


BAMADA_TEMPLATE = "coton-le-mali-vise-une-production-record-pour-la-campagne-2025-2026"


def add_bamada_article(root: Path, slug: str, title: str, paragraphs: list[str]) -> str:
    """Publish a new article on a served copy of bamada (page + link on the home page).

    Returns its path. The page is the bamada template with a new title and body, so it
    keeps the site's real boilerplate around the body.
    """
    site = root / "bamada"
    page = (site / BAMADA_TEMPLATE / "index.html").read_text(encoding="utf-8")
    page = page.replace(BAMADA_TEMPLATE, slug)
    page = re.sub(r'(<h1 class="entry-title">).*?(</h1>)', rf"\g<1>{title}\g<2>", page)
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    page = re.sub(
        r"(Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne</a></strong></p>)"
        r".*?(<p><strong>)",
        lambda m: m[1] + "\n" + body + m[2],
        page,
        count=1,
        flags=re.S,
    )
    (site / slug).mkdir()
    (site / slug / "index.html").write_text(page, encoding="utf-8")
    index = site / "index.html"
    teaser = (
        f'<article><header class="entry-header"><h2 class="entry-title">'
        f'<a href="https://bamada.net/{slug}" rel="bookmark">{title}</a></h2></header></article>'
    )
    home = index.read_text(encoding="utf-8").replace(
        '<main id="main" class="site-main" role="main">',
        '<main id="main" class="site-main" role="main">' + teaser,
    )
    index.write_text(home, encoding="utf-8")
    return f"/{slug}"


PG_ADMIN_ENV = "MALINEWS_TEST_PG"  # a PostgreSQL URL whose role may create databases


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped after it: its URL.

    `.ci/run` starts Debian's PostgreSQL and sets MALINEWS_TEST_PG; elsewhere the PostgreSQL
    tests skip, saying so, unless CI is set (then they fail: a CI run must test both stores)."""
    yield from _pg_database("")


@pytest.fixture
def pg_url_fr() -> Iterator[str]:
    """Like pg_url, in a database that sorts text the French way (ICU), as one created on a
    machine whose locale is French would: '@' and '~' weigh nothing there."""
    yield from _pg_database(" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'fr'")


def _pg_database(options: str) -> Iterator[str]:
    import uuid

    import psycopg

    admin = os.environ.get(PG_ADMIN_ENV)
    if not admin:
        message = f"{PG_ADMIN_ENV} is not set: no PostgreSQL server to test against"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"malinews_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}{options}")
    base, _, _ = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest) -> str | None:
    """Each store test runs on both backends: None (SQLite in the output folder) or a URL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url
