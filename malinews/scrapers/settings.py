"""Scrapy settings for malinews crawls: polite by default."""

from __future__ import annotations

from typing import Any

from malinews.pipelines.chain import item_pipelines
from malinews.scrapers.config import Config

BOT_NAME = "malinews"
SPIDER_MODULES = ["malinews.scrapers.spiders"]
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
ITEM_PIPELINES = item_pipelines()  # the stages, in the order of pipelines.chain.STAGES
# After the redirect (600) and retry (550) middlewares in the request path, before them in the
# response path: it sees every redirected request and every 3xx/429/503 response first.
DOWNLOADER_MIDDLEWARES = {"malinews.scrapers.spiders.news.SiteGuardMiddleware": 650}
MAX_PAGE_BYTES = 8 * 1024 * 1024  # larger responses are abandoned (counted `too_large`)


def crawl_settings(config: Config, **overrides: Any) -> dict[str, Any]:
    """Settings of one site crawl from the config ([crawl] table)."""
    crawl = config.crawl
    settings: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "SPIDER_MODULES": SPIDER_MODULES,
        "TWISTED_REACTOR": TWISTED_REACTOR,
        "ITEM_PIPELINES": ITEM_PIPELINES,
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "USER_AGENT": crawl.user_agent,
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "ROBOTSTXT_PARSER": "malinews.scrapers.spiders.news.KeptRobots",
        # one site per crawler: a higher total would only pass more requests through the
        # middlewares (counted against max_pages) to wait in the site's download slot, and
        # send them when a stop cancels the downloads in flight
        "CONCURRENT_REQUESTS": crawl.concurrent_per_host,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_host,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "MALINEWS_MAX_REQUESTS": crawl.max_pages,  # enforced by SiteGuardMiddleware
        "CLOSESPIDER_TIMEOUT": crawl.max_duration,
        "DOWNLOAD_TIMEOUT": 30,
        "DOWNLOAD_MAXSIZE": MAX_PAGE_BYTES,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": 2,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "REDIRECT_MAX_TIMES": 5,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG",  # unchanged pages are normal, not warnings
        "MALINEWS_CONFIG": config,
    }
    settings.update(overrides)
    return settings
