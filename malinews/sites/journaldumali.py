"""Journal du Mali: WordPress, dated permalinks "/YYYY/MM/DD/<slug>/", Yoast sitemaps."""

from malinews.sites.wordpress import wordpress

PROFILE = wordpress(
    "journaldumali",
    "https://www.journaldumali.com",
    feeds=("/feed/", "/sitemap_index.xml"),
    article_url=r"^/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/?$",
    uses=("feed", "sitemap", "listing"),
)
