"""One pass over the configured sites in this process, then alert delivery and a summary."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess

from malinews.pipelines.alerts import record_alert
from malinews.pipelines.stage import OUTPUT_ERROR, OutputError
from malinews.pipelines.store import Store
from malinews.scheduler import health, outbox
from malinews.scheduler.channels import FileChannel, build_channels
from malinews.scrapers.config import Config
from malinews.scrapers.settings import crawl_settings
from malinews.scrapers.spiders.news import FAILED, STAT, NewsSpider
from malinews.sites.profile import SiteProfile

log = logging.getLogger("malinews")
OPS_FILE = "ops.jsonl"  # operator alerts: a site down, blocked, silent or changed
QUIET_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")
HEALTH_HISTORY = 200  # crawls of a site compared with the latest one
STOP_WAIT = 1.0  # seconds the pipelines get after Ctrl-C or SIGTERM before the crawl stops
INTERRUPTED = "interrupted"  # finish_reason of a crawl stopped by a signal

SUMMARY_COLUMNS = (
    ("pages", "downloader/response_count"),
    ("new", STAT + "new"),
    ("updated", STAT + "updated"),
    ("duplicates", STAT + "duplicates"),
    ("known", STAT + "skipped_known"),
    ("alerts", STAT + "alerts"),
    ("errors", STAT + "errors"),
)


@dataclass
class SiteResult:
    site: str
    stats: dict[str, Any]
    problems: dict[str, str] = field(default_factory=dict)  # health problems after this crawl

    def figure(self, key: str) -> int:
        return int(self.stats.get(key, 0))

    def row(self) -> dict[str, int]:
        return {name: self.figure(key) for name, key in SUMMARY_COLUMNS}

    @property
    def interrupted(self) -> bool:
        return self.stats.get("finish_reason") == INTERRUPTED

    @property
    def failed(self) -> bool:
        """No usable response at all (every request failed or got an HTTP error)."""
        now = datetime.now(UTC)
        return health.measure(self.site, self.stats, [], finished_at=now, last_new=None).usable == 0

    def progress(self) -> str:
        """One line for the operator when the site's crawl ends."""
        row = self.row()
        reason = self.stats.get("finish_reason", "finished")
        figures = f"{row['pages']} pages, {row['new']} new, {row['errors']} errors"
        return f"{self.site}: {figures} ({reason})"


def run_crawls(
    config: Config,
    sites: tuple[SiteProfile, ...],
    *,
    on_site_done: Callable[[SiteResult], None] | None = None,
    **overrides: Any,
) -> list[SiteResult]:
    """Crawl the sites concurrently (one Scrapy crawler each) and record each crawl.

    `on_site_done` sees each site's figures as soon as its crawl ends. Ctrl-C or SIGTERM stops
    every crawl within about STOP_WAIT seconds (see `_Interrupt`); the crawls are then recorded
    as interrupted, and neither their health nor alert delivery is checked."""
    # a damaged or unreachable store stops us here, in one line (StoreError)
    Store(config.output_dir, config.database_url).close()
    process = AsyncCrawlerProcess(crawl_settings(config, **overrides))
    for name in QUIET_LOGGERS:  # the spider logs each failure in one line of its own
        logging.getLogger(name).setLevel(logging.CRITICAL)
    crawlers = []
    starts = []
    reported: set[str] = set()
    for site in sites:
        crawler = process.create_crawler(NewsSpider)
        starts.append(process.crawl(crawler, site=site, config=config))
        crawlers.append((site, crawler))
        if on_site_done is not None:
            closed = _reporter(on_site_done, reported)
            crawler.signals.connect(closed, signals.spider_closed, weak=False)
    with _Interrupt(process) as interrupt:
        process.start(install_signal_handlers=False)
    for start in starts:
        # a store lost after the check above fails a spider as it opens, before it has stats
        # (a crawl a stop cut short may not be done)
        if start.done() and not start.cancelled():
            failure = start.exception()
            if isinstance(failure, OutputError):
                raise failure
    results = [
        SiteResult(site.name, _plain(crawler.stats.get_stats())) for site, crawler in crawlers
    ]
    if interrupt.signum is not None:
        for result in results:
            if result.site not in reported:
                result.stats["finish_reason"] = INTERRUPTED
                if on_site_done is not None:
                    on_site_done(result)
    failures = [r.stats[OUTPUT_ERROR] for r in results if OUTPUT_ERROR in r.stats]
    if failures:
        raise OutputError(failures[0])
    store = Store(config.output_dir, config.database_url)
    try:
        with store.transaction():
            for (site, _), result in zip(crawlers, results, strict=True):
                store.record_crawl(
                    result.site,
                    result.stats.get("start_time", ""),
                    result.stats.get("finish_time", ""),
                    result.stats,
                )
                if interrupt.signum is None:
                    result.problems = check_health(
                        config, store, site, result.stats, now=datetime.now(UTC)
                    )
        if interrupt.signum is None:
            deliver(config, store)
    finally:
        store.close()
    return results


def _reactor() -> Any:
    """The running Twisted reactor (imported late: importing it installs the default one)."""
    from twisted.internet import reactor

    return reactor


class _Interrupt:
    """Ctrl-C or SIGTERM during the crawls: no new request is sent, the pipelines get
    STOP_WAIT seconds, then the reactor stops without waiting for pages still downloading
    (Scrapy's own first Ctrl-C waits for them: 5.6 s with 5 s pages). Each item is stored and
    exported synchronously, so stopping between two callbacks loses nothing."""

    def __init__(self, process: AsyncCrawlerProcess) -> None:
        self.process = process
        self.signum: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Interrupt:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self.previous[signum] = signal.signal(signum, self._received)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _received(self, signum: int, frame: Any) -> None:
        reactor = _reactor()
        if self.signum is None:  # a signal handler may not log: the reactor does the rest
            self.signum = signum
            reactor.callFromThread(self._stop)

    def _stop(self) -> None:
        reactor = _reactor()
        asyncio.ensure_future(self.process.stop())
        reactor.callLater(STOP_WAIT, self._halt)

    @staticmethod
    def _halt() -> None:
        """Stop the event loop now: `reactor.stop()` would first wait for Scrapy's shutdown
        trigger, which waits for every download in flight. What that shutdown would also do,
        and the process needs to exit, is done here: stop the reactor's thread pool."""
        reactor = _reactor()
        if reactor.running:
            reactor.crash()
            if reactor.threadpool is not None:
                reactor.threadpool.stop()


def _reporter(done: Callable[[SiteResult], None], reported: set[str]) -> Callable[[Any, str], None]:
    """A spider_closed handler passing the site's figures to `done` (and noting the site)."""

    def closed(spider: Any, reason: str) -> None:
        reported.add(spider.name)
        stats = _plain(spider.crawler.stats.get_stats())
        done(SiteResult(spider.name, {**stats, "finish_reason": reason}))

    return closed


def check_health(
    config: Config, store: Store, site: SiteProfile, stats: dict[str, Any], *, now: datetime
) -> dict[str, str]:
    """Measure a crawl that ended at `now`, compare it with the site's history, and record
    operator alerts when a problem starts or ends (caller's transaction). Returns the active
    problems."""
    history = store.health_history(site.name, HEALTH_HISTORY)
    previous_problems = history[0][1] if history else {}
    last_new = history[0][0]["last_new"] if history else None
    current = health.measure(
        site.name,
        stats,
        store.articles_crawled(site.name, stats.get("start_time", now.isoformat())[:19]),
        finished_at=now,
        last_new=last_new,
    )
    earlier = [health.SiteHealth.from_json(h) for h, _ in history]
    interval = site.interval or config.crawl.interval
    problems = health.assess(current, earlier, interval=interval)
    for change in health.transitions(previous_problems, problems):
        alert: dict[str, Any] = {
            "rule": f"ops:{change.kind}",
            "severity": "warning" if change.kind in ("layout", "silent") else "critical",
            "story_id": f"ops:{site.name}:{change.kind}:{change.state}:{current.finished_at}",
            "article_id": "",
            "url": site.start_urls[0],
            "title": f"{site.name}: {change.kind} {change.state}",
            "site": site.name,
            "published": current.finished_at,
            "snippet": change.detail if change.state == "started" else "",
            "source": None,
            "copies": [],
        }
        record_alert(store.conn, alert, ["ops", *config.ops_channels], now)
        if change.state == "started":
            log.warning("%s: %s started (%s)", site.name, change.kind, change.detail)
        else:  # the reason it had is stale now
            log.warning("%s: %s recovered", site.name, change.kind)
    store.save_health(site.name, current.finished_at, current.to_json(), problems)
    return problems


def deliver(config: Config, store: Store) -> outbox.DeliveryReport:
    """Send pending alerts through their channels (retried later on failure).

    The store's `delivery` lock keeps two processes (two site crawls ending together, or two
    machines) from sending the same alert twice.
    """
    channels = build_channels(config.channels, output_dir=config.output_dir)
    channels["ops"] = FileChannel("ops", config.output_dir / OPS_FILE)
    with store.exclusive("delivery"):
        return outbox.deliver_pending(
            store.conn, channels, datetime.now(UTC), ops=["ops", *config.ops_channels]
        )


def _plain(stats: dict[str, Any]) -> dict[str, Any]:
    """Stats as JSON-friendly values."""
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in stats.items()
        if isinstance(value, int | float | str | datetime)
    }


def format_summary(results: list[SiteResult]) -> str:
    """A table: one line per site, then the totals."""
    names = [name for name, _ in SUMMARY_COLUMNS]
    width = max([len("site"), len("total"), *(len(r.site) for r in results)])
    lines = [f"{'site':<{width}}  " + "  ".join(f"{n:>10}" for n in names)]
    totals = dict.fromkeys(names, 0)
    for result in results:
        row = result.row()
        for name in names:
            totals[name] += row[name]
        lines.append(f"{result.site:<{width}}  " + "  ".join(f"{row[n]:>10}" for n in names))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{totals[n]:>10}" for n in names))
    for result in results:
        errors = {
            k.removeprefix(STAT + FAILED): v
            for k, v in result.stats.items()
            if k.startswith(STAT + FAILED)
        }
        if errors:
            lines.append(
                f"{result.site}: errors: " + ", ".join(f"{k} {v}" for k, v in errors.items())
            )
        for kind, detail in result.problems.items():
            lines.append(f"{result.site}: {kind}: {detail}")
    return "\n".join(lines)
