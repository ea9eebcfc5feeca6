"""Maliactu.net: WordPress, slug permalinks, audio-player and advertising lines in bodies."""

from malinews.sites import wordpress
from malinews.sites.profile import SiteProfile

PROFILE = SiteProfile(
    name="maliactu",
    start_urls=("https://maliactu.net/",),
    feeds=("/feed/",),
    article_url=wordpress.SLUG,
    listing_links="h2.entry-title a, h3.entry-title a, .entry-title a",
    next_page="a.next, a[rel=next]",
    title="h1.entry-title",
    body="div.entry-content",
    date="time.entry-date, .posted-on time",
    drop=wordpress.DROP,
    boilerplate=(
        "Getting your Trinity Audio player ready...",
        "Corner TV – Orange Mali, contenus exclusifs et divertissement",
        "CAMON",
        "(link is external)",
    ),
    builtin=True,
)
