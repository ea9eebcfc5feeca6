"""Site profiles: what the spider needs to know about one news site.

A profile is data only. Built-in profiles record what is known of the real Malian sites
(see docs/sites.md); a site configured with `name` and `start_urls` alone gets the generic
profile, which relies on feeds, metadata and generic extraction.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field

import regex

log = logging.getLogger("malinews")
ARTICLE_PATH_MAX = 512  # characters of a URL path that `article_url` is matched against
ARTICLE_URL_BUDGET = 0.05  # seconds one match may take (regex checks it every ~0.2 s)
_SLOW_PATTERNS: set[str] = set()  # article_url patterns that ran out of time


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
    # where article links come from, best first: "feed" (RSS/Atom), "sitemap", "listing"
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

WORDPRESS_SLUG = r"^/(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$"
WORDPRESS_PERMALINK = (  # "/<slug>/" or "/YYYY/MM/DD/<slug>/": the two common WordPress settings
    r"^/(?:\d{4}/\d{2}/(?:\d{2}/)?)?(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$"
)
STUDIO_TAMANI_AUDIO = (
    "Ci-dessous, écoutez le développement de ces titres dans nos journaux en français et en "
    "langues nationales :",
    "Ci-dessous écoutez le magazine en français et en langues nationales :",
    "Ci-dessous écoutez le magazine en intégralité :",
    "Le Magazine: Télécharger",
    *(
        f"{kind} en {language}:"
        for kind in ("Journal", "Magazine")
        for language in ("français", "bambara", "peulh", "sonrhaï", "tamasheq")
    ),
)


def wordpress(name: str, origin: str, **fields: object) -> SiteProfile:
    """A built-in profile for a WordPress site: stock theme markup unless `fields` say otherwise.

    The defaults cover the themes seen on Malian sites (classic `entry-*` classes and tagDiv
    "Newspaper" `td-*` classes), so a theme change degrades to another known layout first.
    """
    defaults: dict[str, object] = {
        "feeds": ("/feed/",),
        "article_url": WORDPRESS_PERMALINK,
        "listing_links": "h2.entry-title a, h3.entry-title a, .td-module-title a",
        "next_page": "a.next, .nav-previous a, .page-nav a[aria-label=next-page], a[rel=next]",
        "title": "h1.entry-title, h1.tdb-title-text",
        "body": "div.entry-content, div.td-post-content",
        "date": "time.entry-date, .entry-meta time, .td-post-date time",
        "author": ".entry-meta .author a, .byline .author a, .td-post-author-name a",
        "drop": WORDPRESS_DROP,
        "builtin": True,
    }
    return SiteProfile(name=name, start_urls=(f"{origin}/",), **{**defaults, **fields})


BUILTIN: dict[str, SiteProfile] = {
    profile.name: profile
    for profile in (
        SiteProfile(
            name="bamada",
            start_urls=("https://bamada.net/",),
            feeds=("/feed",),
            article_url=WORDPRESS_SLUG,
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
            # maliweb's WordPress author is the newspaper it republishes, not the journalist.
            source=".td-post-header .td-post-author-name a, .td-post-author-name a",
            drop=(*WORDPRESS_DROP, ".td-a-rec", ".td-post-featured-image"),
            builtin=True,
        ),
        SiteProfile(
            name="maliactu",
            start_urls=("https://maliactu.net/",),
            feeds=("/feed/",),
            article_url=WORDPRESS_SLUG,
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
        # Custom PHP site (Bootstrap cards), not WordPress. Feeds: "/rss" (reported reachable)
        # and the 2018 "feed/index.rss". Article pages name the source newspaper in the first
        # `h5` of `div.bas_articles` and the date in the second ("Date : 15 décembre 2025"),
        # whose month name may be Latin-1 bytes inside a UTF-8 page.
        SiteProfile(
            name="malijet",
            start_urls=("https://malijet.com/",),
            feeds=("/rss", "/feed/index.rss"),
            article_url=r"^/[a-z_/-]+/\d{4,7}-[^/]+\.html$",
            listing_links="#v_container .card-header a, #v_container h5.card-title a",
            next_page="ul.pagination a[rel=next], ul.pagination li.next a",
            title="h1.page_title, .card-header h1",
            body="div#article_body, div#card_img_jt",
            date="div.bas_articles h5 + h5, span.story_date",
            author="span.story_author",
            source="div.bas_articles h5:first-child, span.story_source",
            drop=(".image_caption",),
            boilerplate=("NB: Le titre est de la rédaction",),
            builtin=True,
        ),
        # WordPress; dated permalinks "/YYYY/MM/DD/<slug>/"; Yoast sitemaps as a second source.
        wordpress(
            "journaldumali",
            "https://www.journaldumali.com",
            feeds=("/feed/", "/sitemap_index.xml"),
            article_url=r"^/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/?$",
            uses=("feed", "sitemap", "listing"),
        ),
        # WordPress since about 2020 (Joomla before); URLs "/<post id>-<slug>"; news bulletins
        # end with audio players in French and national languages.
        wordpress(
            "studiotamani",
            "https://www.studiotamani.org",
            article_url=r"^/\d{3,7}-[a-z0-9-]+/?$",
            drop=(*WORDPRESS_DROP, ".wp-block-audio", "audio"),
            boilerplate=STUDIO_TAMANI_AUDIO,
        ),
        # Classic ASP (Weblogy network, like Abidjan.net), ISO-8859-1 declared in a meta tag only.
        # Titles come from og:title (no headline element); `div.FontArticleSource` holds
        # "Publié le <date> | <newspaper>".
        SiteProfile(
            name="abamako",
            start_urls=("http://news.abamako.com/",),
            feeds=("/rss/rss.xml",),
            article_url=r"^/h/\d+\.html$",
            listing_links="a.LnkTitreArticle, .titreArticle a",
            body="span.FullArticleTexte",
            date="div.FontArticleSource",
            source="div.FontArticleSource a.LnkSource",
            builtin=True,
        ),
        # WordPress, tagDiv "Newspaper" theme (seen: `?filter_by=` listing URLs); French at
        # "/<slug>/", English at "/en/<slug>/".
        wordpress(
            "sahelien",
            "https://sahelien.com",
            article_url=r"^/(?:en/)?(?!(?:category|tag|author|page|feed|wp-)\b)[a-z0-9-]{12,}/?$",
            drop=(*WORDPRESS_DROP, ".td-a-rec", ".td-post-featured-image"),
        ),
        # L'Essor's current site is custom (not WordPress) and has no known feed: listing only.
        # URLs "/posts/<slug>-<uniqid>"; the uniqid's first 8 hex digits are the publish time.
        SiteProfile(
            name="lessor",
            start_urls=("https://www.lessor.ml/",),
            article_url=r"^/posts/[a-z0-9-]+-[0-9a-f]{13}$",
            listing_links=".post-item h3 a, .post-item h2 a",
            next_page="ul.pagination a[rel=next]",
            title="h1",
            body="div.article-content",
            date="div.post-date",
            drop=(".post-share",),
            builtin=True,
            uses=("listing",),
        ),
        # Not in the catalogue beyond its feed URL: WordPress conventions (assumed).
        # Signatures are upper case at the end of the body ("PAR SIKOU BAH").
        wordpress("infomatin", "https://www.info-matin.ml", feeds=("/feed",)),
        # Malikilé publishes a PDF daily; this profile reads the articles it also posts on its
        # website, assumed WordPress (nothing is known of its markup). PDF issues are not read.
        wordpress(
            "malikile",
            "https://malikile.com",
            drop=(*WORDPRESS_DROP, ".wp-block-file"),
            boilerplate=("L'information est l'oxygène des temps modernes",),
        ),
        # Nothing known of niarela.net's markup: WordPress conventions (assumed).
        wordpress("niarela", "https://niarela.net"),
    )
}


def generic_profile(name: str, start_urls: tuple[str, ...]) -> SiteProfile:
    """Profile of a site known only by its start URLs: feeds (autodiscovery and `/feed/`),
    the sitemaps named in robots.txt, and its listing pages."""
    return SiteProfile(
        name=name,
        start_urls=start_urls,
        feeds=("/feed/",),
        drop=WORDPRESS_DROP,
        uses=("feed", "sitemap", "listing"),
    )
