"""`malinews run` on a shared PostgreSQL store: any number of workers, on any machines, one job.

The coordination is procrastinate's, a maintained task queue that lives in the same PostgreSQL
database (jobs are taken with `FOR UPDATE SKIP LOCKED`; no broker to run, nothing of our own on
the wire). Each site has one crawl job at a time: the job's `lock` (the site) keeps two workers
from crawling it at once, its `queueing_lock` keeps one waiting at most, and the job defers the
site's next crawl when it ends. Workers send heartbeats; every worker also watches the others:
one silent for `lost_after` seconds is lost, its jobs are handed back to the queue (another
worker takes them) and an ops alert says so. Why this engine: docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import procrastinate
import psycopg
from procrastinate import exceptions as queue_errors
from procrastinate.jobs import Status
from procrastinate.schema import SchemaManager
from procrastinate.worker import Worker
from psycopg_pool import PoolTimeout

from malinews.core.db import error_text
from malinews.pipelines.alerts import iso, record_alert
from malinews.pipelines.store import Store, StoreError, has_table
from malinews.scheduler.run import DELIVERY_INTERVAL, Crawls, deliver_pending
from malinews.scrapers.config import Config

log = logging.getLogger("malinews.run")
TASK = "malinews.crawl"
WATCH_LOCK = 0x6D616C6A  # the advisory lock of the one watcher at work at a time


def prepare(store: Store) -> None:
    """Create procrastinate's tables in the store's database on first use (under the store's
    write lock: several workers may start at once)."""
    with store.transaction():
        if not has_table(store.conn, "procrastinate_jobs"):
            store.conn.execute(SchemaManager.get_schema())


class SharedMonitor:
    """One worker: crawls the sites it takes from the shared queue, and watches the others."""

    def __init__(self, config: Config) -> None:
        assert config.database_url is not None, "workers share a PostgreSQL store"
        self.config = config
        self.crawls = Crawls(config)
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        for name in ("procrastinate", "psycopg.pool"):  # their failures end in our one line
            logging.getLogger(name).setLevel(logging.CRITICAL)
        # a worker without its store for `lost_after` is lost to the others: it stops too
        connector = procrastinate.PsycopgConnector(
            conninfo=config.database_url, timeout=config.lost_after
        )
        self.app = procrastinate.App(connector=connector)
        self.task = self.app.task(name=TASK)(self._crawl)
        self.worker: Worker | None = None
        self.stopping = False  # set once the worker knows why it stops

    async def _crawl(self, site: str) -> None:
        """The crawl job: crawl the site, then queue its next crawl after its interval."""
        await asyncio.to_thread(self.crawls.run, site)
        profile = self.config.site(site)
        interval = profile.interval or self.config.crawl.interval
        await self._queue(site, interval + random.uniform(0, self.config.crawl.jitter))

    async def _queue(self, site: str, delay: float) -> None:
        """Queue a crawl of `site` in `delay` seconds, unless one is already waiting."""
        job = self.task.configure(
            lock=f"site:{site}",
            queueing_lock=f"site:{site}",
            schedule_at=datetime.now(UTC) + timedelta(seconds=delay),
        )
        try:
            await job.defer_async(site=site)
        except queue_errors.AlreadyEnqueued:
            pass

    async def _watch(self) -> None:
        """Every heartbeat: name this worker; then, one worker at a time (a session lock: a
        watcher that dies lets go of it), take over lost workers' sites and queue a crawl for
        every site with none queued or running; now and then retry pending alert deliveries.
        One store connection serves the whole watch (its calls run in a thread)."""
        named = False
        last_delivery = 0.0
        loop = asyncio.get_running_loop()
        store = await asyncio.to_thread(Store, self.config.output_dir, self.config.database_url)
        try:
            while True:
                if not named and self.worker is not None and self.worker.worker_id is not None:
                    await asyncio.to_thread(self._name, store, self.worker.worker_id)
                    named = True
                if await asyncio.to_thread(_advisory, store, "pg_try_advisory_lock"):
                    try:
                        await asyncio.to_thread(self._alert_lost, store)
                        await self._take_over()
                        await self._queue_missing()
                    finally:
                        await asyncio.to_thread(_advisory, store, "pg_advisory_unlock")
                if loop.time() - last_delivery >= DELIVERY_INTERVAL:
                    last_delivery = loop.time()
                    await asyncio.to_thread(deliver_pending, self.config)
                await asyncio.sleep(self.config.heartbeat)
        finally:
            store.close()

    def _name(self, store: Store, worker_id: int) -> None:
        with store.transaction():
            store.conn.execute(
                "INSERT INTO workers (id, name, started_at) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (worker_id, self.name, iso(datetime.now(UTC))),
            )

    async def _take_over(self) -> None:
        """Hand the jobs of workers silent for `lost_after` back to the queue, where the others
        take them."""
        manager = self.app.job_manager
        await manager.prune_stalled_workers(self.config.lost_after)
        stalled = await manager.get_stalled_jobs(
            task_name=TASK, seconds_since_heartbeat=self.config.lost_after
        )
        for job in stalled:
            site = job.task_kwargs["site"]
            try:
                await manager.retry_job(job)
            except queue_errors.UniqueViolation:
                # its worker died after queueing the site's next crawl: the crawl was done, the
                # next one stands; left open, this job would hold the site's lock for ever
                await manager.finish_job(job, Status.SUCCEEDED, delete_job=True)
                log.warning("%s: a lost worker's crawl had ended; its next one stands", site)
                continue
            except queue_errors.ConnectorException:  # it ended meanwhile: slow, not lost
                continue
            log.warning("taking over %s from a lost worker", site)

    def _alert_lost(self, store: Store) -> None:
        """One ops alert per named worker that is gone without signing off (its heartbeat is
        stale, or procrastinate pruned it); the name is deleted in the same transaction."""
        now = datetime.now(UTC)
        with store.transaction():
            lost = store.conn.execute(
                "SELECT n.id, n.name FROM workers n "
                "LEFT JOIN procrastinate_workers w ON w.id = n.id "
                "WHERE w.id IS NULL OR w.last_heartbeat < now() - make_interval(secs => ?)",
                (self.config.lost_after,),
            ).fetchall()
            for worker, name in lost:
                held = [
                    row[0]
                    for row in store.conn.execute(
                        "SELECT args ->> 'site' FROM procrastinate_jobs "
                        "WHERE status = 'doing' AND worker_id = ? ORDER BY 1",
                        (worker,),
                    )
                ]
                detail = f"no heartbeat for {self.config.lost_after:g}s; " + (
                    f"its sites go to the other workers: {', '.join(held)}"
                    if held
                    else "its crawls go back to the queue"
                )
                log.warning("worker %s lost: %s", name, detail)
                record_alert(store.conn, _lost_alert(name, worker, detail, now), self._ops, now)
                store.conn.execute("DELETE FROM workers WHERE id = ?", (worker,))

    def _sign_off(self) -> None:
        """A clean stop: this worker's name goes first, so nobody takes the stop for a loss."""
        if self.worker is None or self.worker.worker_id is None:
            return
        with closing(Store(self.config.output_dir, self.config.database_url)) as store:
            with store.transaction():
                store.conn.execute("DELETE FROM workers WHERE id = ?", (self.worker.worker_id,))

    @property
    def _ops(self) -> list[str]:
        return ["ops", *self.config.ops_channels]

    async def _queue_missing(self) -> None:
        """Queue a crawl now for every site with none queued or running (first start, a config
        that gained a site, a job that failed before it queued the next). Only the watcher
        holding WATCH_LOCK does this, and a crawl queues its successor while it still runs, so
        a site seen with no job has none: no site gets two."""
        manager = self.app.job_manager
        busy = {
            job.task_kwargs["site"]
            for status in ("todo", "doing")
            for job in await manager.list_jobs_async(task=TASK, status=status)
        }
        for site in self.config.sites:
            if site.name not in busy:
                await self._queue(site.name, 0)

    async def _main(self) -> str | None:
        """Run the worker and the watch until a stop signal, or until either fails (the store
        lost, most likely): then the reason, in one line."""
        async with self.app.open_async():
            self.worker = Worker(
                self.app,
                name=self.name,
                concurrency=self.config.concurrency,
                delete_jobs="successful",
                install_signal_handlers=False,
                update_heartbeat_interval=self.config.heartbeat,
                stalled_worker_timeout=self.config.lost_after,
                fetch_job_polling_interval=min(5.0, self.config.heartbeat),
            )
            worker = asyncio.create_task(self.worker.run())
            watch = asyncio.create_task(self._watch())
            loop = asyncio.get_running_loop()
            loop.set_exception_handler(self._task_failed)
            stopped = asyncio.Event()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, self._stop, signum, stopped)
            await asyncio.wait(
                [worker, watch, asyncio.create_task(stopped.wait())],
                return_when=asyncio.FIRST_COMPLETED,
            )
            self.stopping = True
            failures = [t.exception() for t in (worker, watch) if t.done() and not t.cancelled()]
            error = next((_one_line(e) for e in failures if e is not None), None)
            watch.cancel()
            if error is None:
                try:
                    await asyncio.to_thread(self._sign_off)
                except StoreError as exc:
                    error = str(exc)
            self.crawls.stop()
            worker.cancel()  # procrastinate waits for the running jobs: the crawls end
            await asyncio.gather(worker, watch, return_exceptions=True)
        return error

    def _task_failed(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio's report of a failed task no one awaited (procrastinate's, when the store is
        lost), in one line instead of a traceback. Once the worker stops, at debug level: such
        failures follow from the reason it stops, and its last line must say that reason (a
        task is reported when collected, which may come after that line)."""
        error = context.get("exception")
        level = logging.DEBUG if self.stopping else logging.WARNING
        log.log(level, "worker: %s", _one_line(error) if error else context.get("message"))

    def _stop(self, signum: int, stopped: asyncio.Event) -> None:
        if not stopped.is_set():
            log.info("stopping on %s", signal.Signals(signum).name)
            stopped.set()

    def run(self) -> int:
        store = Store(self.config.output_dir, self.config.database_url)
        try:
            prepare(store)
        finally:
            store.close()
        log.info(
            "worker %s: monitoring %d sites with the other workers of this store; "
            "stop with Ctrl-C or SIGTERM",
            self.name,
            len(self.config.sites),
        )
        error = asyncio.run(self._main())
        self.crawls.wait()
        if error is not None:  # exit 1: a service manager restarts the worker
            log.error("worker stopped: %s", error)
            return 1
        log.info("stopped")
        return 0


def _one_line(error: BaseException) -> str:
    """What stopped a worker, in one line: the database's own message where there is one (it
    names host and database, never the password)."""
    if isinstance(error, queue_errors.ConnectorException) and error.__cause__ is not None:
        error = error.__cause__  # procrastinate's wrapper says only "Database error"
    detail = error_text(error)
    if isinstance(error, psycopg.Error | PoolTimeout | queue_errors.ConnectorException):
        return f"the PostgreSQL store: {detail}"
    return detail


def _advisory(store: Store, function: str) -> bool:
    """Take (`pg_try_advisory_lock`) or give back (`pg_advisory_unlock`) the watch's turn, on
    the store's session."""
    return bool(store.conn.execute(f"SELECT {function}(?)", (WATCH_LOCK,)).fetchone()[0])


def status_lines(store: Store, lost_after: float) -> list[str]:
    """`malinews status` on a shared store: each worker, its last heartbeat and the sites it
    is crawling now (nothing before a worker first ran)."""
    if not has_table(store.conn, "procrastinate_workers"):
        return []
    rows = store.conn.execute(
        "SELECT n.id, n.name, w.last_heartbeat, "
        "EXTRACT(EPOCH FROM now() - w.last_heartbeat) FROM workers n "
        "LEFT JOIN procrastinate_workers w ON w.id = n.id ORDER BY n.name"
    ).fetchall()
    held: dict[int, list[str]] = {}
    for worker, site in store.conn.execute(
        "SELECT worker_id, args ->> 'site' FROM procrastinate_jobs "
        "WHERE status = 'doing' AND task_name = ? ORDER BY 2",
        (TASK,),
    ):
        held.setdefault(worker, []).append(site)
    lines = [f"{'worker':<28} {'last heartbeat':<26} {'state':<6} crawling"]
    for worker, name, beat, age in rows:
        state = "lost" if beat is None or age > lost_after else "up"
        when = beat.astimezone(UTC).isoformat(timespec="seconds") if beat else "-"
        sites = ", ".join(held.get(worker, [])) or "-"
        lines.append(f"{name:<28} {when:<26} {state:<6} {sites}")
    if not rows:
        lines.append("(no worker running)")
    return lines


def _lost_alert(name: str, worker: int, detail: str, now: datetime) -> dict[str, Any]:
    """The ops alert for a lost worker (the same shape as a site's, scheduler/crawl.py)."""
    return {
        "rule": "ops:worker",
        "severity": "critical",
        "story_id": f"ops:worker:{worker}:lost",
        "article_id": "",
        "url": "",
        "title": f"worker {name} lost",
        "site": "",
        "published": iso(now),
        "snippet": detail,
        "source": None,
        "copies": [],
    }
