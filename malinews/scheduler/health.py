"""Per-site crawl health and operator alerts (pure: no I/O).

`measure` turns one crawl's Scrapy stats and stored articles into a `SiteHealth`; `assess`
compares it with the site's own earlier records and names the active problems; `transitions`
turns the problems of two successive crawls into alerts: one when a problem starts, one when it
ends, none while it lasts. Every threshold is relative to the site's own history, except "down"
and "blocked", which need none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from functools import partial
from itertools import pairwise
from statistics import median
from typing import Any

STAT = "malinews/"
STATUS_STAT = "downloader/response_status_count/"
KINDS = ("down", "blocked", "layout", "silent")
COVERED_FIELDS = ("title", "text", "published", "author")
LAYOUT_FIELDS = ("text", "published")  # coverage collapses that mean the selectors broke
REFUSED_STATUSES = ("403", "429")

DOWN_CRAWLS = 2  # crawls in a row without a usable response before a site is "down"
BLOCK_SHARE = 0.5  # refused responses and block pages, as a share of all responses: "blocked"
BASELINE_CRAWLS = 10  # a site's usual values: the median of its last crawls with articles
LAYOUT_MIN_BASELINE = 3  # crawls with articles needed before any layout comparison
LAYOUT_MIN_ARTICLES = 3  # a smaller crawl's collapse must be confirmed by the crawl before
BODY_COLLAPSE = 0.4  # median body length below this fraction of the usual one
COVERAGE_DROP = 0.5  # text or date coverage at least this far below the usual share
FALLBACK_JUMP = 0.5  # share of fallback extraction at least this far above the usual share
FAILED_PAGES = 3  # article pages that gave no article, in a crawl that extracted none
SILENT_GAPS = 4  # silent after this many usual gaps between new articles...
SILENT_INTERVALS = 3  # ...and at least this many crawl intervals
SILENT_MIN_POINTS = 3  # crawls with new articles needed to know the usual gap


@dataclass(frozen=True)
class SiteHealth:
    """One crawl of one site, as measured after it ended."""

    site: str
    finished_at: str  # ISO 8601 UTC
    pages: int  # responses received, any status
    http_errors: dict[str, int]  # status code -> responses with that status (400 and above)
    errors: int  # requests that failed for good (HTTP error or no response)
    blocked: int  # block pages detected (extraction/blocks.py)
    challenges: int  # of which challenge pages
    new: int  # new articles stored
    extracted: int  # articles extracted from pages (new, known or duplicate)
    not_article: int  # article pages from which no article could be extracted
    articles: int  # records measured below
    coverage: dict[str, float]  # share of the records with a title, text, published, author
    median_body: int  # median len(text) of the records (0 if none)
    boilerplate_ratio: float  # removed chars / (removed + text chars) over the records
    fallback_share: float  # share of the records not extracted by the site profile
    last_new: str | None  # ISO time of the site's last new article (any crawl)

    @property
    def usable(self) -> int:
        """Responses that were not HTTP errors."""
        return self.pages - sum(self.http_errors.values())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SiteHealth:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Transition:
    kind: str  # one of KINDS
    state: str  # "started" or "recovered"
    detail: str


def measure(
    site: str,
    stats: Mapping[str, Any],
    articles: Sequence[Mapping[str, Any]],
    *,
    finished_at: datetime,
    last_new: str | None,
) -> SiteHealth:
    """The health of one crawl from its Scrapy stats and the records it stored."""

    def stat(key: str) -> int:
        return int(stats.get(key, 0))

    texts = [len(a.get("text") or "") for a in articles]
    removed = sum(len(r["line"]) for a in articles for r in a.get("removed") or ())
    finished = _utc(finished_at).isoformat(timespec="seconds")
    new = stat(STAT + "new")
    return SiteHealth(
        site=site,
        finished_at=finished,
        pages=stat("downloader/response_count"),
        http_errors=_http_errors(stats),
        errors=stat(STAT + "errors"),
        blocked=stat(STAT + "blocked"),
        challenges=stat(STAT + "blocked_challenge"),
        new=new,
        extracted=stat("item_scraped_count") + stat("item_dropped_count"),
        not_article=stat(STAT + "not_article"),
        articles=len(articles),
        coverage=_coverage(articles),
        median_body=int(median(texts)) if texts else 0,
        boilerplate_ratio=removed / (removed + sum(texts)) if removed else 0.0,
        fallback_share=_share(articles, lambda a: a.get("extraction") != "profile"),
        last_new=finished if new else last_new,
    )


def assess(
    current: SiteHealth, history: Sequence[SiteHealth], *, interval: float
) -> dict[str, str]:
    """Active problems of a site (kind -> one-line detail), in the order of KINDS.

    `history`: the site's earlier crawls, any order; it should reach back to its tenth last
    crawl with new articles. `interval`: seconds between crawls.
    """
    earlier = sorted(history, key=lambda h: h.finished_at)
    problems: dict[str, str | None] = {"blocked": _blocked(current)}
    problems["down"] = None if problems["blocked"] else _down(current, earlier)
    problems["layout"] = _layout(current, earlier)
    if not any(problems.values()):  # silence is news only when the site can be read
        problems["silent"] = _silent(current, earlier, interval)
    return {kind: problem for kind in KINDS if (problem := problems.get(kind))}


def transitions(previous: Mapping[str, str], current: Mapping[str, str]) -> list[Transition]:
    """Alerts between two successive assessments: problems that started, then those that ended."""
    started = [Transition(k, "started", d) for k, d in current.items() if k not in previous]
    ended = [Transition(k, "recovered", d) for k, d in previous.items() if k not in current]
    return started + ended


# -- measuring ----------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _time(iso: str) -> datetime:
    return _utc(datetime.fromisoformat(iso))


def _http_errors(stats: Mapping[str, Any]) -> dict[str, int]:
    """Responses by HTTP status, for statuses 400 and above."""
    codes = {
        key.removeprefix(STATUS_STAT): int(n)
        for key, n in stats.items()
        if key.startswith(STATUS_STAT)
    }
    return {code: n for code, n in sorted(codes.items()) if code.isdigit() and int(code) >= 400}


def _share(articles: Sequence[Mapping[str, Any]], test: Callable[[Mapping], bool]) -> float:
    return sum(1 for a in articles if test(a)) / len(articles) if articles else 0.0


def _has(name: str, article: Mapping[str, Any]) -> bool:
    return bool(article.get(name))


def _coverage(articles: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Share of the records that have each field ({} without records)."""
    if not articles:
        return {}
    return {name: _share(articles, partial(_has, name)) for name in COVERED_FIELDS}


# -- assessing ----------------------------------------------------------------------------


def _blocked(current: SiteHealth) -> str | None:
    if current.challenges:
        return f"{current.challenges} challenge page(s) in {current.pages} responses"
    refused = {f"HTTP {code}": current.http_errors.get(code, 0) for code in REFUSED_STATUSES}
    refused["block pages"] = current.blocked
    total = sum(refused.values())
    if not total or total < BLOCK_SHARE * current.pages:
        return None
    parts = ", ".join(f"{name} x{n}" for name, n in refused.items() if n)
    return f"{parts} in {current.pages} responses"


def _down(current: SiteHealth, earlier: Sequence[SiteHealth]) -> str | None:
    crawls = [*earlier, current][-DOWN_CRAWLS:]
    if len(crawls) < DOWN_CRAWLS or any(h.usable > 0 for h in crawls):
        return None
    statuses = ", ".join(f"HTTP {code} x{n}" for code, n in current.http_errors.items())
    return f"no usable response in {DOWN_CRAWLS} crawls ({statuses or 'connections failed'})"


def _layout(current: SiteHealth, earlier: Sequence[SiteHealth]) -> str | None:
    """A layout break, judged on the latest crawl that stored articles (or on failed pages)."""
    with_articles = [h for h in earlier if h.articles]
    if not current.articles:
        if with_articles and not current.extracted and current.not_article >= FAILED_PAGES:
            return f"{current.not_article} article pages gave no article"
        if not with_articles:
            return None
        current, with_articles = with_articles[-1], with_articles[:-1]
    baseline = with_articles[-BASELINE_CRAWLS:]
    if len(baseline) < LAYOUT_MIN_BASELINE:
        return None
    problem = _collapse(current, baseline)
    if problem and current.articles < LAYOUT_MIN_ARTICLES:
        return problem if _collapse(baseline[-1], baseline) else None
    return problem


def _collapse(crawl: SiteHealth, baseline: Sequence[SiteHealth]) -> str | None:
    """What in a crawl's articles fell far from the site's usual values."""
    problems = []
    body = median(h.median_body for h in baseline)
    if crawl.median_body < BODY_COLLAPSE * body:
        problems.append(f"median body {crawl.median_body} chars, usually {body:.0f}")
    for name in LAYOUT_FIELDS:
        usual = median(h.coverage.get(name, 0.0) for h in baseline)
        share = crawl.coverage.get(name, 0.0)
        if usual - share >= COVERAGE_DROP:
            problems.append(f"{name} found in {share:.0%} of articles, usually {usual:.0%}")
    usual = median(h.fallback_share for h in baseline)
    if crawl.fallback_share - usual >= FALLBACK_JUMP:
        problems.append(
            f"fallback extraction for {crawl.fallback_share:.0%} of articles, usually {usual:.0%}"
        )
    return "; ".join(problems) or None


def _silent(current: SiteHealth, earlier: Sequence[SiteHealth], interval: float) -> str | None:
    if current.last_new is None:
        return None
    found = sorted({_time(h.finished_at) for h in [*earlier, current] if h.new})
    if len(found) < SILENT_MIN_POINTS:
        return None
    usual = median((b - a).total_seconds() for a, b in pairwise(found))
    quiet = (_time(current.finished_at) - _time(current.last_new)).total_seconds()
    if quiet <= max(SILENT_GAPS * usual, SILENT_INTERVALS * interval):
        return None
    return f"no new article for {_hours(quiet)}, usually one every {_hours(usual)}"


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"
