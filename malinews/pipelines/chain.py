"""The stages of the pipeline as plain functions, composed for one page without Scrapy.

The Scrapy item pipelines (one per module) call the same functions during a crawl;
`extract_page` runs them on a saved page for `malinews extract`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from malinews.pipelines.boilerplate import boilerplate_item
from malinews.pipelines.clean import clean_item
from malinews.pipelines.dates import date_item
from malinews.pipelines.keywords import AlertRule, KeywordMatcher
from malinews.pipelines.record import make_record
from malinews.pipelines.urls import article_id
from malinews.scrapers.extract import extract_article
from malinews.scrapers.html import decode_html
from malinews.scrapers.profiles import SiteProfile, generic_profile


def extract_page(
    body: bytes,
    url: str,
    profile: SiteProfile,
    *,
    rules: Sequence[AlertRule] = (),
    now: datetime,
    content_type: str | None = None,
) -> dict[str, Any] | None:
    """One saved page -> its article record (no store: no dedupe), or None if not an article."""
    extraction = extract_article(decode_html(body, content_type), url, profile)
    if extraction.article is None:
        return None
    item = extraction.article
    item["fetched_at"] = now.isoformat(timespec="seconds")
    item = date_item(boilerplate_item(clean_item(item), profile=profile, learned=()))
    item["id"] = item["story_id"] = article_id(item["canonical_url"])
    item["revision"] = 1
    hits = KeywordMatcher(rules).match(title=item["title"], text=item["text"], site=profile.name)
    item["keyword_hits"] = [hit.rule for hit in hits]
    return make_record(item)


def profile_for(url: str, sites: Sequence[SiteProfile] = ()) -> SiteProfile:
    """The site among `sites` whose start URL has the page's host (www. aside), else the
    generic profile: how `malinews extract` and `malinews.extract` pick a profile."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for site in sites:
        if any((urlsplit(u).hostname or "").removeprefix("www.") == host for u in site.start_urls):
            return site
    return generic_profile(host.replace(".", "-") or "page", (url,))
