"""aBamako (news.abamako.com): classic ASP (Weblogy network, like Abidjan.net).

ISO-8859-1 declared in a meta tag only. Titles come from og:title (no headline element);
`div.FontArticleSource` holds "Publié le <date> | <newspaper>".
"""

from malinews.sites.profile import SiteProfile

PROFILE = SiteProfile(
    name="abamako",
    start_urls=("http://news.abamako.com/",),
    feeds=("/rss/rss.xml",),
    article_url=r"^/h/\d+\.html$",
    listing_links="a.LnkTitreArticle, .titreArticle a",
    body="span.FullArticleTexte",
    date="div.FontArticleSource",
    source="div.FontArticleSource a.LnkSource",
    builtin=True,
)
