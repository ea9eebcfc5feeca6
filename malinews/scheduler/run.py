"""`malinews run`: re-crawl every site on its own interval, until SIGINT or SIGTERM.

Each crawl runs in a child process (`malinews crawl --site NAME`): Twisted's reactor cannot be
restarted, and a site that crashes its crawl cannot take the others down. On an SQLite store,
APScheduler decides when: one job per site (interval with jitter, a first run at start, missed
runs coalesced, never two crawls of one site at once) and one job that retries pending alert
deliveries. On a PostgreSQL store, several workers share the job: see scheduler/workers.py.
"""

from __future__ import annotations

import ctypes
import json
import logging
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler

from malinews.pipelines.store import Store
from malinews.scheduler.crawl import deliver
from malinews.scrapers.config import Config

log = logging.getLogger("malinews.run")
DELIVERY_INTERVAL = 30.0  # seconds between retries of pending alert deliveries
# what a crawl child reports for the operator (ops alerts, failed deliveries), in Scrapy's format
REPORTED_RE = re.compile(r"\[malinews\] (WARNING|ERROR): (.*)")
STOP_GRACE = 60.0  # seconds a crawl gets to finish after a stop signal
PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies


_PRCTL = ctypes.CDLL(None).prctl if sys.platform == "linux" else None  # looked up before fork


def _die_with_parent() -> None:
    """In a crawl child, before exec: die when the monitor dies, even by SIGKILL (Linux's
    PR_SET_PDEATHSIG), so a lost worker's crawl cannot go on beside the one taking it over.
    The parent is the thread that started the child: monitors start them from long-lived
    pool threads."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)


class Crawls:
    """The crawl child processes of one monitor (`malinews crawl --site NAME --json`)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.children: set[subprocess.Popen[str]] = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def run(self, site: str) -> None:
        """One crawl of one site in a child process; logs its figures."""
        if self.stopping.is_set():
            return
        command = [
            sys.executable,
            "-m",
            "malinews.cli",
            "crawl",
            "--config",
            str(self.config.path),
            "--output",
            str(self.config.output_dir),
            "--site",
            site,
            "--json",
        ]
        started = time.monotonic()
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_die_with_parent,
        )
        with self.lock:
            self.children.add(child)
        try:
            out, err = child.communicate()
        finally:
            with self.lock:
                self.children.discard(child)
        duration = time.monotonic() - started
        for line in err.splitlines():  # site down or up, a channel failing: the log shows it
            if reported := REPORTED_RE.search(line):
                level = logging.ERROR if reported[1] == "ERROR" else logging.WARNING
                log.log(level, "crawl %s: %s", site, reported[2])
        try:  # figures come even when every site failed (exit 1)
            rows = json.loads(out.strip().splitlines()[-1])
        except (IndexError, ValueError):
            rows = None
        if rows is None and self.stopping.is_set():  # stopped by us, maybe before it began
            log.info("crawl %s stopped after %.1fs (exit %s)", site, duration, child.returncode)
            return
        if rows is None:  # a killed or failed crawl: its last error line says why
            problem = (err.strip().splitlines() or ["no message"])[-1]
            log.error(
                "crawl %s failed after %.1fs (exit %s): %s",
                site,
                duration,
                child.returncode,
                problem,
            )
            return
        for row in rows:
            log.info(
                "crawl %s: %.1fs, %d pages, %d new, %d duplicates, %d alerts, %d errors",
                row["site"],
                duration,
                row["pages"],
                row["new"],
                row["duplicates"],
                row["alerts"],
                row["errors"],
            )

    def stop(self) -> None:
        """No new crawl; SIGTERM to each running one (it finishes its pipelines)."""
        self.stopping.set()
        with self.lock:
            for child in self.children:
                child.send_signal(signal.SIGTERM)

    def wait(self, grace: float = STOP_GRACE) -> None:
        """Wait up to `grace` seconds for the crawls to end, then kill the rest."""
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            with self.lock:
                if not self.children:
                    return
            time.sleep(0.2)
        with self.lock:
            for child in self.children:
                child.kill()


def deliver_pending(config: Config) -> None:
    """Retry pending alert deliveries (new alerts are sent by the crawl that found them)."""
    store = Store(config.output_dir, config.database_url)
    try:
        report = deliver(config, store)
    finally:
        store.close()
    if report.delivered or report.failed:
        log.info("alerts: %d delivered, %d failed", report.delivered, report.failed)


class Monitor:
    """The scheduler of one machine's crawls (SQLite store)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.crawls = Crawls(config)
        workers = max(1, min(config.concurrency, len(config.sites)))
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Stop scheduling; let running crawls finish their pipelines (SIGTERM to each)."""
        if self.crawls.stopping.is_set():
            return
        log.info("stopping on %s", signal.Signals(signum).name)
        self.crawls.stop()
        self.scheduler.shutdown(wait=False)

    def run(self) -> int:
        now = datetime.now(UTC)
        for site in self.config.sites:
            self.scheduler.add_job(
                self.crawls.run,
                "interval",
                args=[site.name],
                id=f"crawl-{site.name}",
                seconds=site.interval or self.config.crawl.interval,
                jitter=self.config.crawl.jitter,
                next_run_time=now,
            )
        self.scheduler.add_job(
            deliver_pending, "interval", args=[self.config], id="deliver", seconds=DELIVERY_INTERVAL
        )
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("monitoring %d sites; stop with Ctrl-C or SIGTERM", len(self.config.sites))
        self.scheduler.start()
        self.crawls.wait()
        log.info("stopped")
        return 0
