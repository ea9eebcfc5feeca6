"""Site profiles: what the spider needs to know about one news site.

A profile is data only. Built-in profiles record what is known of the real Malian sites
(see docs/sites.md); a site configured with `name` and `start_urls` alone gets the generic
profile, which relies on feeds, metadata and generic extraction.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field


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
    title: str | None = None
    body: str | None = None
    date: str | None = None  # CSS: element with a datetime attribute or a visible date
    author: str | None = None
    source: str | None = None  # CSS: the original newspaper shown by the page
    drop: tuple[str, ...] = ()  # CSS: chrome inside the body container to remove
    boilerplate: tuple[str, ...] = ()  # site-specific phrases removed from bodies
    max_pages: int = 2  # listing pages followed per start URL
    interval: float | None = None  # seconds between scheduled crawls (None: global default)
    builtin: bool = False
    uses: tuple[str, ...] = field(default=("feed", "listing"))

    def article_url_re(self) -> re.Pattern[str] | None:
        return re.compile(self.article_url) if self.article_url else None

    def replace(self, **changes: object) -> SiteProfile:
        return dataclasses.replace(self, **changes)


WORDPRESS_DROP = (
    ".sharedaddy",
    ".jp-relatedposts",
    ".share",
    ".td-post-sharing",
    ".related-posts",
    ".yarpp-related",
    ".wp-block-buttons",
    "#comments",
    ".comment-respond",
    "form",
)

BUILTIN: dict[str, SiteProfile] = {
    profile.name: profile
    for profile in (
        SiteProfile(
            name="bamada",
            start_urls=("https://bamada.net/",),
            feeds=("/feed",),
            article_url=r"^/(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$",
            listing_links="h2.entry-title a, h3.entry-title a, .entry-title a",
            next_page="a.next, .nav-previous a, a[rel=next]",
            title="h1.entry-title",
            body="div.entry-content",
            date=".entry-meta .posted-on, .entry-date, .post-date",
            drop=WORDPRESS_DROP,
            builtin=True,
        ),
        SiteProfile(
            name="maliweb",
            start_urls=("https://www.maliweb.net/",),
            feeds=("/feed",),
            article_url=r"-\d{6,8}\.html$",
            listing_links="h3.entry-title a, .td-module-title a",
            next_page=".page-nav a.last, .page-nav a[aria-label=next-page], a[rel=next]",
            title="h1.entry-title",
            body="div.td-post-content",
            date=".td-post-header time.entry-date, article time.entry-date",
            author=".td-post-header .td-post-author-name a, .td-post-author-name a",
            drop=(*WORDPRESS_DROP, ".td-a-rec", ".td-post-featured-image"),
            builtin=True,
        ),
        SiteProfile(
            name="maliactu",
            start_urls=("https://maliactu.net/",),
            feeds=("/feed/",),
            article_url=r"^/(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$",
            listing_links="h2.entry-title a, h3.entry-title a, .entry-title a",
            next_page="a.next, a[rel=next]",
            title="h1.entry-title",
            body="div.entry-content",
            date="time.entry-date, .posted-on time",
            drop=WORDPRESS_DROP,
            boilerplate=(
                "Getting your Trinity Audio player ready...",
                "Corner TV – Orange Mali, contenus exclusifs et divertissement",
                "CAMON",
                "(link is external)",
            ),
            builtin=True,
        ),
    )
}


def generic_profile(name: str, start_urls: tuple[str, ...]) -> SiteProfile:
    """Profile of a site known only by its start URLs: feeds by autodiscovery and `/feed/`."""
    return SiteProfile(name=name, start_urls=start_urls, feeds=("/feed/",), drop=WORDPRESS_DROP)
