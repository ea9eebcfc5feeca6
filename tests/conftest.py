"""Shared test helpers: fixture sites served on 127.0.0.1 and the real `malinews` command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from scheduler.demo import DEMO_SITES_DIR, SiteServer, demo_servers

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run `malinews ARGS` in a child process (Twisted's reactor cannot restart in-process)."""
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args],
        cwd=cwd or REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


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
