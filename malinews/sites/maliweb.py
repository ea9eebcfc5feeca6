"""Maliweb.net: WordPress, tagDiv "Newspaper" theme; URLs end in "-<post id>.html"."""

from malinews.sites import wordpress
from malinews.sites.profile import SiteProfile

PROFILE = SiteProfile(
    name="maliweb",
    start_urls=("https://www.maliweb.net/",),
    feeds=("/feed",),
    article_url=r"-\d{6,8}\.html$",
    listing_links="h3.entry-title a, .td-module-title a",
    next_page=".page-nav a.last, .page-nav a[aria-label=next-page], a[rel=next]",
    teasers=wordpress.TAGDIV_TEASERS,
    title="h1.entry-title",
    body="div.td-post-content",
    date=".td-post-header time.entry-date, article time.entry-date",
    # maliweb's WordPress author is the newspaper it republishes, not the journalist.
    source=".td-post-header .td-post-author-name a, .td-post-author-name a",
    drop=wordpress.TAGDIV_DROP,
    builtin=True,
)
