"""Where the articles are: links from feeds, sitemaps and listing pages (pure functions)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from malinews.core.urls import same_site
from malinews.extraction.html import select, squash
from malinews.sites.profile import SiteProfile

NOT_ARTICLE_PATH_RE = re.compile(
    r"/(category|categorie|categories|rubrique|rubriques|tag|tags|author|auteur|page|search|"
    r"recherche|contact|contactez-nous|about|a-propos|qui-sommes-nous|publicite|advertising|"
    r"mentions-legales|feed|rss|wp-login\.php|wp-admin|wp-json|comments|amp)(/|$)",
    re.I,
)
STATIC_RE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|mp3|mp4|zip|css|js|ico|xml)$", re.I)
NEXT_TEXTS = {
    "page suivante",
    "suivant",
    "suivante",
    "articles plus anciens",
    "articles précédents",
    "next",
    "older posts",
    "»",
    "›",
    "next »",
    "suivant »",
}
PAGE_RE = re.compile(r"(/page/|[?&]page=|/index\.)(\d+)")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str = ""
    published: str = ""
    updated: str = ""  # Atom <updated> or sitemap <lastmod>: when the article last changed
    sitemap: bool = False  # an entry of a sitemap index: a sitemap, not an article


def _local(tag: object) -> str:
    return tag.split("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_xml(body: bytes) -> etree._Element | None:
    """Parse an XML document safely (no external entities, no network); None if unreadable."""
    try:
        return etree.fromstring(body.strip(), XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def feed_entries(body: bytes, base_url: str) -> list[FeedEntry] | None:
    """Items of an RSS or Atom feed, or of a sitemap; None when the document is not one."""
    root = parse_xml(body)
    if root is None:
        return None
    kind = _local(root.tag)
    entries: list[FeedEntry] = []
    if kind in ("rss", "rdf", "feed"):
        for item in root.iter():
            if _local(item.tag) not in ("item", "entry"):
                continue
            fields: dict[str, str] = {}
            for child in item:
                name = _local(child.tag)
                if name == "link" and child.get("href"):
                    if child.get("rel", "alternate") == "alternate":
                        fields.setdefault("link", child.get("href", ""))
                elif name in ("link", "title", "pubdate", "published", "updated", "date"):
                    fields.setdefault(name, squash(child.text))
            link = fields.get("link")
            if link:
                published = (
                    fields.get("pubdate")
                    or fields.get("published")
                    or fields.get("date")
                    or fields.get("updated", "")
                )
                title, updated = fields.get("title", ""), fields.get("updated", "")
                entries.append(FeedEntry(urljoin(base_url, link), title, published, updated))
        return entries
    if kind in ("urlset", "sitemapindex"):
        for node in root:
            fields = {_local(c.tag): squash(c.text) for c in node}
            if fields.get("loc"):
                lastmod = fields.get("lastmod", "")
                url = urljoin(base_url, fields["loc"])
                entries.append(FeedEntry(url, updated=lastmod, sitemap=kind == "sitemapindex"))
        return entries
    return None


def sitemaps_from_robots(text: str, base_url: str) -> list[str]:
    """`Sitemap:` lines of a robots.txt."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return found


def feed_links(root: lxml.html.HtmlElement, base_url: str) -> list[str]:
    """Feeds announced by `<link rel="alternate">` on the same host (comment feeds skipped)."""
    links = []
    for link in root.iter("link"):
        if link.get("rel", "").lower() != "alternate":
            continue
        if (link.get("type") or "").lower() not in FEED_TYPES:
            continue
        href = urljoin(base_url, link.get("href", ""))
        if same_site(href, base_url) and "comment" not in href.lower():
            links.append(href)
    return links


def _clean_link(href: str | None, base_url: str) -> str | None:
    if not href:
        return None
    href = href.strip()
    if href.lower().startswith(("javascript:", "mailto:", "tel:", "data:", "#")):
        return None
    url = urljoin(base_url, href).split("#", 1)[0]
    return url if same_site(url, base_url) else None


def candidate_article_links(
    root: lxml.html.HtmlElement, base_url: str, profile: SiteProfile
) -> list[str]:
    """Links of a listing page that may be articles, in page order, without repeats.

    The profile's listing selector is used when it matches; otherwise every same-site link
    whose path could be an article (not a category, tag, author, page or static file).
    """
    anchors = select(root, profile.listing_links) or list(root.iter("a"))
    seen: dict[str, None] = {}
    for anchor in anchors:
        url = _clean_link(anchor.get("href"), base_url)
        if not url or url in seen:
            continue
        path = urlsplit(url).path
        matched = profile.article_url_match(path)
        if matched is not None:
            if not matched:
                continue
        elif len(path) < 8 or NOT_ARTICLE_PATH_RE.search(path) or STATIC_RE.search(path):
            continue
        seen[url] = None
    return list(seen)


def next_page(root: lxml.html.HtmlElement, base_url: str, profile: SiteProfile) -> str | None:
    """The next listing page: profile selector, `rel=next`, a "Page suivante" link, or page N+1."""
    for anchor in select(root, profile.next_page):
        url = _clean_link(anchor.get("href"), base_url)
        if url:
            return url
    current = PAGE_RE.search(base_url)
    wanted = int(current[2]) + 1 if current else 2
    fallback = None
    for anchor in root.iter("a", "link"):
        url = _clean_link(anchor.get("href"), base_url)
        if not url or url == base_url:
            continue
        if "next" in (anchor.get("rel") or "").lower().split():
            return url
        text = squash(anchor.text_content()).lower() if anchor.tag == "a" else ""
        if text in NEXT_TEXTS:
            return url
        page = PAGE_RE.search(url)
        if fallback is None and page and int(page[2]) == wanted:
            fallback = url
    return fallback
