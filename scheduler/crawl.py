"""One pass over the configured sites in this process, then alert delivery and a summary."""

from __future__ import annotations

import fcntl
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess

from pipelines.store import Store
from scheduler import outbox
from scheduler.channels import build_channels
from scrapers.config import Config
from scrapers.profiles import SiteProfile
from scrapers.settings import crawl_settings
from scrapers.spiders.news import STAT, NewsSpider

log = logging.getLogger("malinews")
DELIVERY_LOCK = ".delivery.lock"

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

    def figure(self, key: str) -> int:
        return int(self.stats.get(key, 0))

    def row(self) -> dict[str, int]:
        return {name: self.figure(key) for name, key in SUMMARY_COLUMNS}


def run_crawls(
    config: Config, sites: tuple[SiteProfile, ...], **overrides: Any
) -> list[SiteResult]:
    """Crawl the sites concurrently (one Scrapy crawler each) and record each crawl."""
    process = AsyncCrawlerProcess(crawl_settings(config, **overrides))
    crawlers = []
    for site in sites:
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, site=site, config=config)
        crawlers.append((site, crawler))
    process.start()
    results = [
        SiteResult(site.name, _plain(crawler.stats.get_stats())) for site, crawler in crawlers
    ]
    store = Store(config.output_dir)
    try:
        with store.transaction():
            for result in results:
                store.record_crawl(
                    result.site,
                    result.stats.get("start_time", ""),
                    result.stats.get("finish_time", ""),
                    result.stats,
                )
        deliver(config, store)
    finally:
        store.close()
    return results


def deliver(config: Config, store: Store) -> outbox.DeliveryReport:
    """Send pending alerts through their channels (retried later on failure).

    A lock file keeps two processes (two site crawls ending together) from sending the same
    alert twice.
    """
    channels = build_channels(config.channels, output_dir=config.output_dir)
    with (config.output_dir / DELIVERY_LOCK).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return outbox.deliver_pending(store.conn, channels, datetime.now(UTC))


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
    return "\n".join(lines)
