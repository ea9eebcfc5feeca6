"""The one profile-driven spider: feeds and listing pages -> article pages -> raw articles."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import exceptions, signals
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from malinews.article import Article
from malinews.core.db import db_errors
from malinews.core.urls import canonical_url
from malinews.extraction import discovery, takedown
from malinews.extraction.blocks import block_reason
from malinews.extraction.extract import extract_article
from malinews.extraction.html import decode_html, parse_html, too_complex
from malinews.pipelines.archive import FOLDER as ARCHIVE_FOLDER
from malinews.pipelines.archive import Archive
from malinews.pipelines.dates import parse_date
from malinews.pipelines.stage import OUTPUT_ERROR, stop_on_write_error
from malinews.pipelines.store import Store, record_removal
from malinews.scrapers.config import Config, load_config
from malinews.sites.profile import SiteProfile

STAT = "malinews/"
FAILED = "failed/"  # stats key prefix of each failure kind: malinews/failed/timeout
MAX_RETRY_AFTER = 30.0  # seconds; a server asking for a longer pause is tried again next crawl
FAILURE_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (exceptions.DownloadTimeoutError, "timeout"),
    (exceptions.DownloadCancelledError, "too_large"),  # over DOWNLOAD_MAXSIZE
    (exceptions.ResponseDataLossError, "truncated"),
    (exceptions.CannotResolveHostError, "dns"),
    (exceptions.DownloadConnectionRefusedError, "connection"),
    (exceptions.DownloadFailedError, "connection"),
    (twisted_error.ConnectionDone, "connection"),
    (twisted_error.ConnectionLost, "connection"),
    (twisted_error.ConnectError, "connection"),
)


class KeptRobots(ProtegoRobotParser):
    """Scrapy's robots.txt parser (ROBOTSTXT_PARSER), keeping the text: the spider reads its
    `Sitemap:` lines from the robots.txt Scrapy fetched to obey it, not from a second fetch."""

    def __init__(self, robotstxt_body: bytes, spider: Any) -> None:
        super().__init__(robotstxt_body, spider)
        self.text = robotstxt_body.decode("utf-8", errors="replace")


class PageRefused(exceptions.IgnoreRequest):
    """A request the crawl refuses to make; `kind` names why (a stats key)."""

    def __init__(self, kind: str, url: str) -> None:
        super().__init__(f"{kind}: {url}")
        self.kind = kind


class OverBudget(exceptions.IgnoreRequest):
    """The crawl made its `max_pages` requests: the rest waits for the next crawl."""


class Stopping(exceptions.IgnoreRequest):
    """The crawl is stopping (Ctrl-C, SIGTERM, its deadline): no new request goes out, even
    while the downloads it cancels free their slots for the queued ones."""


class NewsSpider(scrapy.Spider):
    """Crawl one configured site. Spider arguments: `site` (name) and `config` (path)."""

    name = "news"
    # set by from_crawler, once the config is known
    site: SiteProfile
    config: Config
    store: Store
    known: dict[str, str]  # stored canonical URL -> when its article was last fetched
    requested: set[str]  # feeds and listings asked for in this crawl
    scheduled: set[str]  # canonical URLs of the article pages asked for or yielded
    validators: dict[str, tuple[str | None, str | None]]  # URL -> ETag, Last-Modified seen
    archive: Archive | None  # where responses are kept, unless `archive = false`

    def __init__(
        self,
        site: SiteProfile | str,
        config: Config | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._site = site
        self._config = config

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = spider._config or crawler.settings.get("MALINEWS_CONFIG")
        if isinstance(config, str) or config is None:
            config = load_config(config or "malinews.toml")
        spider.config = config
        site = spider._site
        spider.site = site if isinstance(site, SiteProfile) else config.site(site)
        spider.name = spider.site.name
        spider.store = store = Store(config.output_dir, config.database_url)
        spider.archive = Archive(config.output_dir) if config.archive else None
        try:  # an error here fails the crawl before it has stats: run_crawls reports it
            spider.known = store.known_urls()
            if spider.archive is not None and config.archive_days:
                pruned = spider.archive.prune(datetime.now(UTC), config.archive_days)
                store.forget_archive_files(pruned)
        except db_errors() as exc:
            store.close()
            raise store.error(exc) from None
        spider.requested = set()
        spider.scheduled = set()
        spider.validators = {}
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._robots_parsed, signal=signals.robots_parsed)
        return spider

    def _closed(self, reason: str) -> None:
        """Store the feeds' and listings' validators only after a whole crawl: after one that
        was interrupted, cut by its budget or failed on a page, a 304 next time would hide the
        links it did not reach, for as long as the listing does not change."""
        stats = self.crawler.stats
        whole = reason == "finished" and not any(
            stats.get_value(STAT + key) for key in ("errors", "over_budget")
        )
        try:
            if whole and self.validators:
                with self.store.transaction():
                    for url, (etag, modified) in self.validators.items():
                        self.store.save_validators(url, etag, modified)
        except db_errors() as exc:  # the next crawl fetches them whole: nothing is lost
            self.logger.warning("validators not saved: %s", exc)
        finally:
            self.store.close()

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(STAT + key, n)

    def on_site(self, url: str) -> bool:
        """True when `url` is an http(s) URL on the host (and port) of a start URL, `www.` and
        host aliases (core/urls.py) aside."""
        hosts = {site_host(start) for start in self.site.start_urls}
        return site_host(url) in hosts - {None}

    def _off_site(self, url: str) -> bool:
        """Count and refuse a link to another host (or a private address, or a non-http URL)."""
        if self.on_site(url):
            return False
        self.count("offsite_links")
        return True

    # -- requests -------------------------------------------------------------------------

    def _conditional(self, url: str, callback: Any, **meta: Any) -> scrapy.Request | None:
        """A feed or listing request: fetched on every crawl (once per crawl), with the
        ETag / Last-Modified validators of the previous crawl."""
        if url in self.requested or self._off_site(url):
            return None
        self.requested.add(url)
        etag, modified = self.store.validators(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            dont_filter=True,
            priority=10,
            meta={"handle_httpstatus_list": [304], **meta},
        )

    def _revisits(self, now: datetime) -> list[scrapy.Request]:
        """Stored articles due for a revisit, at most `max_revisits`: conditional requests
        queued after new articles (lower priority), under the site's politeness."""
        due = self.store.due_checks(
            self.site.name, self.config.revisit(self.site), now, self.config.crawl.max_revisits
        )
        requests = []
        for row in due:
            self.scheduled.add(canonical_url(row["url"]))
            etag, modified = self.store.validators(row["url"])
            if row["missing_checks"] or row["removed_at"]:  # a page back as it was is news
                etag = modified = None
            headers = {"If-None-Match": etag, "If-Modified-Since": modified}
            requests.append(
                scrapy.Request(
                    row["url"],
                    callback=self.parse_article,
                    errback=self.on_error,
                    headers={k: v for k, v in headers.items() if v},
                    dont_filter=True,
                    priority=-10,
                    meta={
                        "handle_httpstatus_list": [304, *takedown.GONE],
                        "revisit": row["id"],
                    },
                )
            )
        self.count("revisits", len(requests))
        return requests

    def _article_request(
        self, url: str, feed_date: str | None = None, updated: str | None = None
    ) -> scrapy.Request | None:
        """An article request, unless the URL is off the site, already requested in this crawl
        (in any of its variants), or stored and not updated since."""
        key = canonical_url(url)
        if key in self.scheduled or self._off_site(url):
            return None
        self.scheduled.add(key)
        revisit = key in self.known and self._updated_since(updated, self.known[key])
        if key in self.known and not revisit:
            self.count("skipped_known")
            return None
        meta: dict[str, Any] = {"feed_date": feed_date}
        if revisit:  # its check time moves on, so the same feed date asks no second time
            meta["revisit"] = self.store.article_of(key)
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            dont_filter=revisit,
            meta=meta,
        )

    def _updated_since(self, updated: str | None, stored: str | None) -> bool:
        """True when a feed or sitemap says the article changed after the stored date."""
        if not updated or not stored:
            return False
        now = datetime.now(UTC)
        changed = parse_date(updated, now=now)
        return changed is not None and changed > datetime.fromisoformat(stored)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The start pages, and the feeds and sitemaps the profile `uses`."""
        origins = list(dict.fromkeys(urljoin(url, "/") for url in self.site.start_urls))
        requests = [
            self._conditional(url, self.parse_listing, page=1) for url in self.site.start_urls
        ]
        uses = self.site.uses
        for origin in origins:
            requests += [
                self._conditional(urljoin(origin, feed), self.parse_feed, optional=True)
                for feed in (self.site.feeds if "feed" in uses else ())
            ]
            if "sitemap" in uses and not self.settings.getbool("ROBOTSTXT_OBEY"):
                robots = urljoin(origin, "/robots.txt")  # for its Sitemap: lines
                requests.append(
                    scrapy.Request(
                        robots,
                        callback=self.parse_robots,
                        errback=self.on_error,
                        dont_filter=True,
                        meta={"optional": True},
                    )
                )
        requests += self._revisits(datetime.now(UTC))
        for request in requests:
            if request is not None:
                yield request

    def _remember(self, response: Response) -> None:
        """A page's validators (feed, listing or article), stored when the crawl ends whole."""
        self.validators[response.url] = (
            _header(response, "ETag"),
            _header(response, "Last-Modified"),
        )

    # -- callbacks ------------------------------------------------------------------------

    def _page(self, response: Response) -> str | None:
        """The page's text, or None for a block page (challenge, captcha, censorship notice)
        or a page too costly to parse (a hostile one), each counted and never read."""
        html = decode_html(response.body, (response.headers.get("Content-Type") or b"").decode())
        hostile = too_complex(html)
        if hostile is not None:
            self.count("errors")
            self.count(FAILED + "too_complex")
            self.logger.warning("%s: too_complex (%s): not parsed", response.url, hostile)
            return None
        reason = block_reason(response.status, html)
        if reason is None:
            return html
        self.count("blocked")
        self.count(f"blocked_{reason}")
        self.logger.warning("%s: block page (%s)", response.url, reason)
        return None

    def parse_listing(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self.count("not_modified")
            return
        html = self._page(response)
        if html is None:
            return
        self._remember(response)
        root = parse_html(html)
        if root is None:
            self.count("empty_pages")
            return
        # links first: extraction reads the same tree and strips its chrome
        requests: list[scrapy.Request | None] = []
        if "feed" in self.site.uses:
            requests += [
                self._conditional(feed, self.parse_feed, optional=True)
                for feed in discovery.feed_links(root, response.url)
            ]
        if "listing" in self.site.uses:
            requests += [
                self._article_request(link)
                for link in discovery.candidate_article_links(root, response.url, self.site)
            ]
            page = response.meta.get("page", 1)
            following = discovery.next_page(root, response.url, self.site)
            if following and page < self.site.max_pages:
                requests.append(self._conditional(following, self.parse_listing, page=page + 1))
        extraction = extract_article(html, response.url, self.site, root=root)
        if extraction.article is not None:
            yield self._item(extraction.article, _now())
        yield from (r for r in requests if r is not None)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        if response.status == 304:
            self.count("not_modified")
            return
        entries = discovery.feed_entries(response.body, response.url)
        if entries is None:
            self.count("feed_unreadable")
            return
        self._remember(response)
        self.count("feeds_read")
        if any(entry.sitemap for entry in entries):
            requests = [
                self._conditional(e.url, self.parse_feed, optional=True) for e in entries[:20]
            ]
        else:
            requests = [
                self._article_request(e.url, e.published or None, e.updated or None)
                for e in entries
            ]
        yield from (r for r in requests if r is not None)

    def parse_robots(self, response: Response) -> Iterator[Any]:
        yield from self._sitemaps(response.body.decode("utf-8", errors="replace"), response.url)

    def _robots_parsed(self, robotparser: Any, request: scrapy.Request) -> None:
        """The robots.txt Scrapy fetched before the first request to a host: its sitemaps."""
        robots = urljoin(request.url, "/robots.txt")
        wanted = "sitemap" in self.site.uses and self.on_site(robots)
        if wanted and isinstance(robotparser, KeptRobots):
            for sitemap in self._sitemaps(robotparser.text, robots):
                self.crawler.engine.crawl(sitemap)

    def _sitemaps(self, text: str, robots_url: str) -> Iterator[scrapy.Request]:
        """Requests for the (first five) sitemaps a robots.txt names."""
        sitemaps = discovery.sitemaps_from_robots(text, robots_url)[:5]
        requests = [self._conditional(url, self.parse_feed, optional=True) for url in sitemaps]
        yield from (r for r in requests if r is not None)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """The article of a page, after its archive record, revisit check or takedown sign are
        written; a failed write (disk full) stops the crawl with one line, like the stages'."""
        if self.crawler.stats.get_value(OUTPUT_ERROR) is not None:
            return
        try:
            article = self._read_article(response)
        except db_errors(OSError) as exc:
            archive = self.config.output_dir / ARCHIVE_FOLDER
            stop_on_write_error(
                self.crawler, self.store.path if isinstance(exc, db_errors()) else archive, exc
            )
            return
        except Exception as exc:  # a page extraction cannot read: counted, the crawl goes on
            self.count("errors")
            self.count(FAILED + "extraction")
            self.logger.error(
                "%s: extraction failed: %s: %s", response.url, type(exc).__name__, exc
            )
            return
        if article is not None:
            yield article

    def _read_article(self, response: Response) -> Article | None:
        revisit: str | None = response.meta.get("revisit")
        if response.status == 304:  # only revisits ask for it: the article is as stored
            self.count("revisits_not_modified")
            self.store.checked(response.meta["revisit"], _now())
            return None
        fetched = _now()  # one clock per page: its archive record, checks and article agree
        self._archive(response, fetched)
        html = self._page(response) if response.status not in takedown.GONE else ""
        if html is None:  # a block page: no sign of anything, checked again later
            return None
        root = parse_html(html)
        extraction = extract_article(
            html, response.url, self.site, feed_date=response.meta.get("feed_date"), root=root
        )
        if revisit:
            reason = takedown.takedown_reason(
                response.status,
                root,
                redirected=bool(response.meta.get("redirect_urls")),
                is_article=extraction.article is not None,
            )
            if reason is not None:
                self._missing(revisit, reason, fetched)
                return None
            self.store.checked(revisit, fetched)
        self._remember(response)
        if extraction.article is None:
            self.count("not_article")
            self.logger.debug("%s: not an article (%s)", response.url, extraction.reason)
            return None
        return self._item(extraction.article, fetched)

    def _archive(self, response: Response, fetched: str) -> None:
        """Keep the response as served in the WARC archive, and its place in the store."""
        if self.archive is None:
            return
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, values in response.headers.items()
            for value in values
        ]
        known = response.status in HTTPStatus._value2member_map_  # a server may make one up
        status = f"{response.status} {HTTPStatus(response.status).phrase if known else ''}"
        when = datetime.fromisoformat(fetched)
        place = self.archive.write(
            self.site.name, response.url, status, headers, response.body, when
        )
        url = canonical_url(response.url)
        self.store.save_archived(self.site.name, url, fetched, response.status, place)
        self.count("archived")

    def _missing(self, article_id: str, reason: str, now: str) -> None:
        """A takedown sign on a revisit; the second in a row, an hour after the first, makes
        the article `removed` (a record line and the `on = ["removed"]` alerts)."""
        self.count("takedown_signs")
        if self.store.missing(article_id, reason, now):
            alerts = record_removal(self.store, self.config, article_id, reason, now)
            self.count("removed")
            self.count("alerts", alerts)
            self.logger.info("%s: removed (%s)", article_id, reason)

    def _item(self, article: Article, fetched_at: str) -> Article:
        """The article as an item; its URLs count as asked for in this crawl, so a later link
        to either is not fetched again."""
        self.scheduled.update(map(canonical_url, (article.url, article.canonical_url)))
        article.fetched_at = fetched_at
        if article.extraction != "profile":
            self.count(f"extraction_{article.extraction}")
        return article

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
        if isinstance(failure.value, OverBudget):
            self.count("over_budget")
            return
        if isinstance(failure.value, Stopping):
            return
        response = getattr(failure.value, "response", None)
        if request.meta.get("optional") and response is not None and response.status == 404:
            self.count("feed_missing")
            return
        kind = failure_kind(failure)
        self.count("errors")
        self.count(FAILED + kind)
        self.logger.warning("%s: %s (%s)", request.url, kind, failure.getErrorMessage())


def _now() -> str:
    """The crawl's clock as stored: ISO 8601 UTC to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def site_host(url: str) -> str | None:
    """The host[:port] of an http(s) URL as canonicalised for ids, else None."""
    try:
        if urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
            return None
        return urlsplit(canonical_url(url)).netloc or None
    except ValueError:
        return None


def failure_kind(failure: Failure) -> str:
    """The stats key of a failed request: `http_503`, `timeout`, `too_large`, `truncated`,
    `connection`, `dns`, `offsite_redirect`, `redirect_loop`, else `error_<exception type>`."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"http_{response.status}"
    if isinstance(failure.value, PageRefused):
        return failure.value.kind
    for kind_type, kind in FAILURE_KINDS:
        if isinstance(failure.value, kind_type):
            return kind
    return f"error_{failure.type.__name__ if failure.type else 'unknown'}"


class SiteGuardMiddleware:
    """Downloader middleware: keep each crawl on its site and wait as servers ask.

    Refuses requests off the site (a redirect to another host or a private address), redirect
    loops and over-long redirect chains; before a 429/503 is retried, waits the `Retry-After`
    delay, or gives up until the next crawl when that delay exceeds MAX_RETRY_AFTER. Every
    request that reaches the network (retries, redirects and robots.txt included) is counted
    against `max_pages`; past it, requests are dropped (counted `over_budget`).
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")
        self.max_retries = crawler.settings.getint("RETRY_TIMES")
        self.budget = crawler.settings.getint("MALINEWS_MAX_REQUESTS")
        self.spent = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: scrapy.Request) -> None:
        if not self.crawler.crawling:
            raise Stopping(request.url)
        spider = self.crawler.spider
        if isinstance(spider, NewsSpider) and not spider.on_site(request.url):
            raise PageRefused("offsite_redirect", request.url)
        self.spent += 1
        if self.spent > self.budget:
            if self.spent == self.budget + 1:
                spider.logger.warning("max_pages reached (%d requests)", self.budget)
            raise OverBudget(request.url)

    async def process_response(self, request: scrapy.Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            self._check_redirect(request, urljoin(request.url, location.decode("latin-1")))
        elif response.status in (429, 503):
            await self._retry_after(request, response)
        return response

    def _check_redirect(self, request: scrapy.Request, target: str) -> None:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        # exact URLs: http -> https and /a -> /a/ are normal redirects, not loops
        if target.split("#", 1)[0] in chain:
            raise PageRefused("redirect_loop", request.url)
        if len(chain) > self.max_redirects:
            raise PageRefused("too_many_redirects", request.url)

    async def _retry_after(self, request: scrapy.Request, response: Response) -> None:
        delay = retry_after(response)
        if delay is None or request.meta.get("retry_times", 0) >= self.max_retries:
            return
        if delay > MAX_RETRY_AFTER:
            request.meta["dont_retry"] = True
            return
        await asyncio.sleep(delay)


def retry_after(response: Response) -> float | None:
    """Seconds the `Retry-After` header asks to wait (a number or an HTTP date), or None."""
    value = _header(response, "Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
