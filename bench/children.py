"""Crawls in child processes (Twisted's reactor cannot be restarted), timed, with their peak RSS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ChildRun:
    seconds: float
    peak_rss_mb: float
    output: Any  # the JSON the child printed


def run_child(args: list[str], log: Path) -> ChildRun:
    """Run `python ARGS`, wait for it with wait4 (its own rusage), parse its JSON stdout."""
    with tempfile.TemporaryFile() as out, log.open("ab") as err:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, *args], stdout=out, stderr=err, cwd=REPO)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise RuntimeError(f"python {' '.join(args)}: exit {process.returncode}, see {log}")
        out.seek(0)
        return ChildRun(seconds, usage.ru_maxrss / 1024, json.loads(out.read()))


def malinews_crawl(config: Path, output: Path, log: Path) -> ChildRun:
    """`malinews crawl --json` on a config: the real command, spiders and pipelines."""
    args = ["-m", "malinews.cli", "crawl", "--config", str(config), "--output", str(output)]
    return run_child([*args, "--json", "--log-level", "ERROR"], log)


def bare_crawl(config: Path, output: Path, log: Path) -> ChildRun:
    """The bare Scrapy spider (bench/bare.py) on the same sites and settings."""
    return run_child(["-m", "bench.bare", str(config), str(output)], log)


def total(rows: list[dict[str, int]], key: str) -> int:
    return sum(int(row.get(key, 0)) for row in rows)
