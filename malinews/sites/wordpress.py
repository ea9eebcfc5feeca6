"""WordPress conventions shared by the built-in profiles of WordPress sites.

Not a site: the stock markup of WordPress and of the themes seen on Malian sites (classic
`entry-*` classes and the tagDiv "Newspaper" theme's `td-*` classes).
"""

from __future__ import annotations

from malinews.sites.profile import SiteProfile

DROP = (
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
TAGDIV_DROP = (*DROP, ".td-a-rec", ".td-post-featured-image")
TAGDIV_TEASERS = ".td_module_wrap"  # one teaser block of a tagDiv listing page

SLUG = r"^/(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$"
PERMALINK = (  # "/<slug>/" or "/YYYY/MM/DD/<slug>/": the two common WordPress settings
    r"^/(?:\d{4}/\d{2}/(?:\d{2}/)?)?(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$"
)


def wordpress(name: str, origin: str, **fields: object) -> SiteProfile:
    """A built-in profile for a WordPress site: stock theme markup unless `fields` say otherwise.

    The defaults cover both theme families, so a theme change degrades to another known
    layout first.
    """
    defaults: dict[str, object] = {
        "feeds": ("/feed/",),
        "article_url": PERMALINK,
        "listing_links": "h2.entry-title a, h3.entry-title a, .td-module-title a",
        "next_page": "a.next, .nav-previous a, .page-nav a[aria-label=next-page], a[rel=next]",
        "teasers": TAGDIV_TEASERS,
        "title": "h1.entry-title, h1.tdb-title-text",
        "body": "div.entry-content, div.td-post-content",
        "date": "time.entry-date, .entry-meta time, .td-post-date time",
        "author": ".entry-meta .author a, .byline .author a, .td-post-author-name a",
        "drop": DROP,
        "builtin": True,
    }
    return SiteProfile(name=name, start_urls=(f"{origin}/",), **{**defaults, **fields})  # type: ignore[arg-type]
