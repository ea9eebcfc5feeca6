"""What the crawler needs to know about one news site: the `SiteProfile` record.

A profile is data plus a few hooks (plain values or functions) that generic code calls
instead of naming sites: a date carried in the URL, host aliases, boilerplate lines and
residue, teaser blocks of listing pages, and dated layout versions.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from cssselect import GenericTranslator, SelectorError

log = logging.getLogger("malinews")
ARTICLE_PATH_MAX = 512  # characters of a URL path that `article_url` is matched against
ARTICLE_URL_BUDGET = 0.05  # seconds one match may take (regex checks it every ~0.2 s)
_SLOW_PATTERNS: set[str] = set()  # article_url patterns that ran out of time

SELECTOR_FIELDS = (
    "listing_links",
    "next_page",
    "title",
    "body",
    "date",
    "author",
    "source",
    "teasers",
)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: `changes` is a dict
class Layout:
    """A past layout of a site: the profile fields that differ, for pages served before
    `valid_until` (so stored pages of the old layout still parse)."""

    valid_until: date
    changes: Mapping[str, object]


@dataclass(frozen=True)
class SiteProfile:
    """How to discover and read the articles of one site.

    Paths in `feeds` are relative to each start URL's origin. CSS selectors are optional:
    when one matches nothing, extraction falls back to metadata and generic extraction.
    """

    name: str
    start_urls: tuple[str, ...]
    feeds: tuple[str, ...] = ()
    article_url: str | None = None  # regex on the URL path of article pages
    listing_links: str | None = None  # CSS: article links on listing pages
    next_page: str | None = None  # CSS: pagination link on listing pages
    teasers: str | None = None  # CSS: teaser blocks that make a page a listing
    title: str | None = None
    body: str | None = None
    date: str | None = None  # CSS: element with a datetime attribute or a visible date
    author: str | None = None
    source: str | None = None  # CSS: the original newspaper shown by the page
    drop: tuple[str, ...] = ()  # CSS: chrome inside the body container to remove
    boilerplate: tuple[str, ...] = ()  # site-specific phrases removed from bodies
    boilerplate_lines: re.Pattern[str] | None = None  # whole lines that are site furniture
    residue: re.Pattern[str] | None = None  # site debris glued at the start of a paragraph
    url_date: Callable[[str], datetime | None] | None = None  # publication time in the URL
    host_aliases: tuple[str, ...] = ()  # other hosts serving the same articles
    versions: tuple[Layout, ...] = ()  # past layouts, oldest first
    max_pages: int = 2  # listing pages followed per start URL
    interval: float | None = None  # seconds between scheduled crawls (None: global default)
    revisit: tuple[float, ...] | None = None  # revisit ages in seconds (None: global default)
    builtin: bool = False
    # where article links come from: "feed" (RSS/Atom), "sitemap" (robots.txt), "listing"
    # (links and pagination of the start pages); the start pages are always fetched
    uses: tuple[str, ...] = field(default=("feed", "listing"))

    def article_url_match(self, path: str) -> bool | None:
        """Whether a URL path matches `article_url` (None: no usable pattern).

        The pattern may come from the user: it runs on a bounded path with a time budget (the
        `regex` module can stop a match, `re` cannot). A pattern that runs out of time once
        (backtracking without end) is dropped for the rest of the process, with a warning, and
        links are judged as for a site without one.
        """
        if not self.article_url or self.article_url in _SLOW_PATTERNS:
            return None
        import regex  # imported here: a profile without `article_url` never needs it

        try:
            found = regex.search(
                self.article_url, path[:ARTICLE_PATH_MAX], timeout=ARTICLE_URL_BUDGET
            )
        except TimeoutError:
            _SLOW_PATTERNS.add(self.article_url)
            log.warning("%s: article_url took too long on %.80s: pattern ignored", self.name, path)
            return None
        return found is not None

    def replace(self, **changes: object) -> SiteProfile:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def at(self, when: datetime | None) -> SiteProfile:
        """The profile for a page served at `when`: the first layout still valid then, else
        the current one (also for None: a page fetched now)."""
        if when is None:
            return self
        for layout in self.versions:
            if when.date() < layout.valid_until:
                return self.replace(**layout.changes)
        return self

    def selectors(self) -> list[str]:
        """Every CSS selector of the profile and of its past layouts."""
        found = [getattr(self, name) for name in SELECTOR_FIELDS] + list(self.drop)
        for layout in self.versions:
            found += [str(v) for k, v in layout.changes.items() if k in SELECTOR_FIELDS]
        return [css for css in found if css]


def check_css(selector: str) -> str:
    """`selector` if it is valid CSS, else ValueError with a one-line message."""
    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {selector!r}: {exc}") from None
    return selector
