"""Bamada.net: WordPress with a classic theme, slug permalinks."""

from malinews.sites import wordpress
from malinews.sites.profile import SiteProfile

PROFILE = SiteProfile(
    name="bamada",
    start_urls=("https://bamada.net/",),
    feeds=("/feed",),
    article_url=wordpress.SLUG,
    listing_links="h2.entry-title a, h3.entry-title a, .entry-title a",
    next_page="a.next, .nav-previous a, a[rel=next]",
    title="h1.entry-title",
    body="div.entry-content",
    date=".entry-meta .posted-on, .entry-date, .post-date",
    drop=wordpress.DROP,
    builtin=True,
)
