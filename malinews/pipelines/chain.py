"""The stages in order (`STAGES`), and that order run on one saved page without Scrapy.

The Scrapy settings (`ITEM_PIPELINES`), `read_page` (`malinews.extract`; `extract_page`, its
record, for `malinews extract`) and the bench all take their stage order from `STAGES`. Each
stage's item pipeline calls the same plain function that `read_page` runs; the stages that need
the state store or the output folder are left out of it (no dedupe against earlier crawls,
nothing written).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from malinews.article import Article
from malinews.core.urls import article_id
from malinews.extraction.extract import extract_article
from malinews.extraction.html import decode_html
from malinews.pipelines.boilerplate import boilerplate_item
from malinews.pipelines.clean import clean_item
from malinews.pipelines.dates import date_item
from malinews.pipelines.keywords import AlertRule, KeywordMatcher, keywords_item
from malinews.sites import generic_profile
from malinews.sites.profile import SiteProfile


@dataclass(frozen=True)
class Offline:
    """What the stages need when no crawl is running."""

    profile: SiteProfile
    matcher: KeywordMatcher
    learned: frozenset[str] = frozenset()  # the site's learned boilerplate lines (reprocess)


def _alone(item: Article, _: Offline) -> Article:
    """Dedupe without a store: the article is its own story, first revision."""
    item.id = item.story_id = article_id(item.canonical_url)
    item.revision = 1
    return item


@dataclass(frozen=True)
class StageSpec:
    name: str
    # The item pipeline's class by its dotted path, which Scrapy imports: `malinews extract`
    # does not pay for the store, the outbox and the feed sanitiser it never runs.
    pipeline: str
    offline: Callable[[Article, Offline], Article] | None  # None: needs the store or output


STAGES: tuple[StageSpec, ...] = (
    StageSpec("clean", "malinews.pipelines.clean.CleanPipeline", lambda item, _: clean_item(item)),
    StageSpec(
        "boilerplate",
        "malinews.pipelines.boilerplate.BoilerplatePipeline",
        lambda item, run: boilerplate_item(item, profile=run.profile, learned=run.learned),
    ),
    StageSpec("date", "malinews.pipelines.dates.DatePipeline", lambda item, _: date_item(item)),
    StageSpec("dedupe", "malinews.pipelines.dedupe.DedupePipeline", _alone),
    StageSpec(
        "keywords",
        "malinews.pipelines.keywords.KeywordsPipeline",
        lambda item, run: keywords_item(item, run.matcher),
    ),
    StageSpec("store", "malinews.pipelines.store.StorePipeline", None),
    StageSpec("export", "malinews.pipelines.export.ExportPipeline", None),
)


def item_pipelines() -> dict[str, int]:
    """Scrapy's ITEM_PIPELINES setting: every stage, in the order of `STAGES`."""
    return {stage.pipeline: 100 * number for number, stage in enumerate(STAGES, start=1)}


def read_page(
    body: bytes,
    url: str,
    profile: SiteProfile,
    *,
    rules: Sequence[AlertRule] = (),
    now: datetime,
    content_type: str | None = None,
) -> Article | None:
    """One saved page -> its article after every offline stage (no store: no dedupe), or None
    if it is not an article (`malinews.extract`)."""
    extraction = extract_article(decode_html(body, content_type), url, profile, fetched_at=now)
    if extraction.article is None:
        return None
    item = extraction.article
    item.fetched_at = now.isoformat(timespec="seconds")
    return run_offline(item, Offline(profile, KeywordMatcher(rules)))


def run_offline(item: Article, run: Offline) -> Article:
    """`item` through every stage that needs neither the store nor the output folder."""
    for stage in STAGES:
        if stage.offline is not None:
            item = stage.offline(item, run)
    return item


def extract_page(
    body: bytes,
    url: str,
    profile: SiteProfile,
    *,
    rules: Sequence[AlertRule] = (),
    now: datetime,
    content_type: str | None = None,
) -> dict[str, Any] | None:
    """One saved page -> its article record, or None if not an article (`malinews extract`)."""
    article = read_page(body, url, profile, rules=rules, now=now, content_type=content_type)
    return article.record() if article is not None else None


def profile_for(url: str, sites: Sequence[SiteProfile] = ()) -> SiteProfile:
    """The site among `sites` whose start URL has the page's host (www. aside), else the
    generic profile: how `malinews extract` and `malinews.extract` pick a profile."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for site in sites:
        if any((urlsplit(u).hostname or "").removeprefix("www.") == host for u in site.start_urls):
            return site
    return generic_profile(host.replace(".", "-") or "page", (url,))
