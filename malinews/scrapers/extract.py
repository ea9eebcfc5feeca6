"""Page extraction: one HTML page + its URL -> a raw article, or the reason it is not one.

Pure functions, no network. Extraction falls back in layers: the site profile's selectors,
then JSON-LD / OpenGraph metadata, then generic main-content extraction.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape as html_escape
from itertools import islice
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import lxml.html

from malinews.pipelines.dates import date_from_url
from malinews.pipelines.urls import same_site
from malinews.scrapers.discovery import NOT_ARTICLE_PATH_RE
from malinews.scrapers.html import BLOCK_TAGS, block_lines, parse_html, select, squash
from malinews.scrapers.profiles import SiteProfile

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "blogposting",
    "report",
}
CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "nav",
    "aside",
    "button",
    "svg",
    "figcaption",
)
CHROME_CLASS_RE = re.compile(
    r"(^|[\s_-])(share|sharing|social|related|comments?|respond|newsletter|subscribe|sidebar|"
    r"breadcrumbs?|pagination|pager|pagenav|nav|menu|advert|ads|pub|tags|jp-relatedposts|"
    r"sharedaddy|article-info)($|[\s_-])"
    # "widget" only as a class of its own or a WordPress widget_* class: page builders call
    # every block "elementor-widget-…", the article included
    r"|(^|\s)widgets?($|[\s_-])",
    re.I,
)
# One class or id token of an ancestor that puts an element in the page chrome: sidebars,
# menus, WordPress widgets, the top bar with today's date. Checked only on ancestors that do
# not hold the article's title (Blogger wraps the whole post in "widget Blog").
CHROME_TOKEN_RE = re.compile(
    r"^widgets?(?:$|[_-])|^secondary$|(?:^|[_-])(?:sidebar|menu|top-?bar|site-header|"
    r"header-top|top-header|date-today|today-date|current-date)",
    re.I,
)
DATE_HINT_RE = re.compile(
    r"\b(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|il y a|hier|aujourd|"
    r"(janv|f(?:[ée\ufffd]|Ã©)v|mars|avr|mai|juin|juil|ao(?:[uû\ufffd]|Ã»)|sept|oct|nov|"
    r"d(?:[ée\ufffd]|Ã©)c|jan|feb|mar|apr|may|jun|jul|aug|sep|dec)[a-zéû.]*\b)",
    re.I,
)
# A date line labelled in words, whatever its markup: "Date : 27 mai 2012", "Publié le ...".
DATE_LABEL_RE = re.compile(r"^(date|publi[ée]|mis en ligne|posted on)\b\s*(le\b)?\s*:?", re.I)
UPDATE_LABEL_RE = re.compile(r"^(mis à jour|mise à jour|modifi[ée]|actualis[ée]|updated)\b", re.I)
# "Publié le 5 novembre 2025 | L'Essor": the newspaper after the date (aBamako, Abidjan.net).
SOURCE_AFTER_DATE_RE = re.compile(r"\|\s*([^\W\d][^|]{1,40}?)\s*$")
BYLINE_RE = re.compile(r"^(par|by)\b", re.I)
# A newspaper name: "L'Essor", "Le Républicain", "Info Matin", "AMAP" (not "Politique").
OUTLET_RE = re.compile(r"^(?:L['’]|Les?\s|La\s)\w|^[A-Z]{2,}$|^[A-ZÀ-Ý]\w*[\s-]+[A-ZÀ-Ý]")
SECTION_NAMES = frozenset(
    "a la une|actualite|actualites|afrique|breves|culture|diaspora|economie|education|"
    "environnement|faits divers|international|la une|monde|national|opinion|politique|regions|"
    "sante|securite|societe|sport|technologie|non classe|uncategorized".split("|")
)
DATE_CLASS_RE = re.compile(r"date|time|posted|published|publie|meta|byline", re.I)
# A complete date in words or digits, for unlabelled lines under the headline.
FULL_DATE_RE = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|"
    r"octobre|novembre|d[ée]cembre)\s+\d{4}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\b",
    re.I,
)
MACHINE_DATE_CSS = "time, [itemprop=datePublished]"
NEAR_TITLE = 3  # elements after the headline searched for an unlabelled date line
TITLE_SEPARATOR_RE = re.compile(r"\s+[|–—-]\s+")
AMP_SEGMENT_RE = re.compile(r"/amp(?=/|$)", re.I)
# Bylines in markup when the profile names none (Joomla "Écrit par", theme author spans).
AUTHOR_CSS = ".createdby, .author-name, [rel=author], [itemprop=author]"
# a cheap test on the page's text before the slow AUTHOR_CSS query
AUTHOR_MARKUP_RE = re.compile(r"createdby|author-name|rel=[\"']?author|itemprop=[\"']?author")
AUTHOR_PREFIX_RE = re.compile(r"^(?:(?:[ée]crit|publi[ée]|r[ée]dig[ée])\s+)?par\s+", re.I)
MAX_AUTHOR_WORDS = 6
MIN_BODY_CHARS = 250
MIN_PARAGRAPH_CHARS = 40


@dataclass(frozen=True)
class Extraction:
    """The result of reading one page: an article dict, or None and why not."""

    article: dict[str, Any] | None
    reason: str


def _json_ld(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph and lists flattened."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                yield node
                if isinstance(node.get("@graph"), list):
                    stack.extend(node["@graph"])


def _ld_article(root: lxml.html.HtmlElement) -> dict[str, Any]:
    for node in _json_ld(root):
        types = node.get("@type", [])
        types = types if isinstance(types, list) else [types]
        if any(isinstance(t, str) and t.lower() in ARTICLE_TYPES for t in types):
            return node
    return {}


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return squash(value) if isinstance(value, str) and value.strip() else None


def _meta(root: lxml.html.HtmlElement, *names: str) -> str | None:
    """Content of the first `<meta>` whose property, name or itemprop is one of `names`."""
    wanted = {n.lower() for n in names}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.lower() in wanted and (meta.get("content") or "").strip():
            return meta.get("content", "").strip()
    return None


def _first_text(root: lxml.html.HtmlElement, css: str | None) -> str | None:
    for element in select(root, css):
        text = squash(element.text_content())
        if text:
            return text
    return None


def _remove(elements: list[lxml.html.HtmlElement]) -> None:
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def _strip_chrome(container: lxml.html.HtmlElement, profile: SiteProfile) -> None:
    """Remove template chrome inside a body container, in place."""
    _remove([e for tag in CHROME_TAGS for e in container.iter(tag) if e is not container])
    if profile.drop:  # one query for all of them
        _remove([e for e in select(container, ", ".join(profile.drop)) if e is not container])
    _remove(
        [
            e
            for e in container.iter()
            if e is not container
            and isinstance(e.tag, str)
            and CHROME_CLASS_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
        ]
    )


def _text_blocks(root: lxml.html.HtmlElement) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    """(container, paragraph text) pairs: `<p>` children, `<div>`s holding only inline content
    (text pasted from Facebook: `<div dir="auto">`), and texts between `<br>`s."""
    for p in root.iter("p", "div"):
        parent = p.getparent()
        leaf = p.tag == "p" or not any(child.tag in BLOCK_TAGS for child in p)
        if parent is not None and leaf:
            yield parent, p.text_content()
    split: set[lxml.html.HtmlElement] = set()
    for br in root.iter("br"):
        parent = br.getparent()
        if parent is None or parent.tag == "p":
            continue
        if parent not in split:
            split.add(parent)
            yield parent, parent.text or ""
        yield parent, br.tail or ""


def _generic_container(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element whose paragraphs hold the most text (classic text density)."""
    scores: dict[lxml.html.HtmlElement, int] = {}
    for parent, text in _text_blocks(root):
        length = len(squash(text))
        if length >= MIN_PARAGRAPH_CHARS:
            scores[parent] = scores.get(parent, 0) + length
    if not scores:
        return None
    best, score = max(scores.items(), key=lambda item: item[1])
    return best if score >= MIN_BODY_CHARS else None


def _title(root: lxml.html.HtmlElement, profile: SiteProfile, ld: dict[str, Any]) -> str:
    for candidate in (
        _first_text(root, profile.title),
        _ld_name(ld.get("headline")),
        _first_text(root, "h1"),
        _meta(root, "og:title", "twitter:title"),
    ):
        if candidate:
            return candidate
    return _title_from_head(root, squash(root.findtext(".//title")))


def _title_from_head(root: lxml.html.HtmlElement, title: str) -> str:
    """`<title>` without the site name ("Titre - Site" or "Site - Titre"): the side the page
    also shows as text, else the side left when the site name (og:site_name, else the shorter
    end part) is cut off."""
    separators = list(TITLE_SEPARATOR_RE.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    head, tail = title[: last.start()], title[first.end() :]
    body = root.find("body")
    shown = {squash(e.text) for e in body.iter() if e.text} if body is not None else set()
    on_page = [side for side in (head, tail) if side in shown]
    if len(on_page) == 1:  # when both are shown, one of them is the logo: decide below
        return on_page[0]
    site = squash(_meta(root, "og:site_name", "application-name")).casefold()
    if site:
        if title[last.end() :].casefold() == site:
            return head
        if title[: first.start()].casefold() == site:
            return tail
    return tail if first.start() < len(title) - last.end() else head


def _markup_author(root: lxml.html.HtmlElement) -> str | None:
    """A byline in common markup outside the chrome, "Écrit par" and the like cut off."""
    for element in select(root, AUTHOR_CSS):
        name = AUTHOR_PREFIX_RE.sub("", squash(element.text_content()))
        plausible = 1 <= len(name.split()) <= MAX_AUTHOR_WORDS
        if plausible and not any(char.isdigit() for char in name) and not _in_chrome(element):
            return name
    return None


def _title_element(root: lxml.html.HtmlElement, title: str) -> lxml.html.HtmlElement | None:
    """The heading that shows the title, if any."""
    for heading in root.iter("h1", "h2", "h3"):
        if squash(heading.text_content()) == title:
            return heading
    return None


def _body(
    root: lxml.html.HtmlElement, profile: SiteProfile, ld: dict[str, Any]
) -> tuple[list[str], str, str]:
    """Body lines, the container's HTML, and which layer gave them."""
    layers: tuple[tuple[str, Callable[[], lxml.html.HtmlElement | None]], ...] = (
        ("profile", lambda: _profile_container(root, profile)),
        ("metadata", lambda: _metadata_container(ld)),
        ("generic", lambda: _generic_container(root)),
    )
    for layer, find in layers:
        container = find()  # each layer is only computed if the one before failed
        if container is None:
            continue
        _strip_chrome(container, profile)
        lines = block_lines(container)
        if sum(len(line) for line in lines) >= MIN_BODY_CHARS:
            return lines, lxml.html.tostring(container, encoding="unicode"), layer
    return [], "", "none"


def _profile_container(
    root: lxml.html.HtmlElement, profile: SiteProfile
) -> lxml.html.HtmlElement | None:
    found = select(root, profile.body)
    return found[0] if found else None


def _metadata_container(ld: dict[str, Any]) -> lxml.html.HtmlElement | None:
    """JSON-LD `articleBody` as paragraphs."""
    article_body = ld.get("articleBody")
    if not isinstance(article_body, str) or len(article_body) < MIN_BODY_CHARS:
        return None
    paragraphs = [squash(p) for p in re.split(r"\n\s*\n|\r?\n", article_body) if p.strip()]
    html = "".join(f"<p>{html_escape(p)}</p>" for p in paragraphs)
    return lxml.html.fragment_fromstring(html, create_parent="div")


def _date_candidates(
    root: lxml.html.HtmlElement,
    profile: SiteProfile,
    ld: dict[str, Any],
    feed_date: str | None,
    heading: lxml.html.HtmlElement | None,
) -> tuple[list[list[str]], list[list[str]]]:
    """Published and modified date evidence, in order of trust. The elements that hold the
    headline `heading` are never taken for chrome."""
    article = frozenset([heading, *heading.iterancestors()]) if heading is not None else frozenset()
    published: list[list[str]] = []
    modified: list[list[str]] = []
    for key, target in (("datePublished", published), ("dateModified", modified)):
        if isinstance(ld.get(key), str):
            target.append(["jsonld", ld[key]])
    meta_published = _meta(
        root,
        "article:published_time",
        "datePublished",
        "pubdate",
        "publishdate",
        "dc.date.issued",
        "dc.date",
        "date",
    )
    if meta_published:
        published.append(["meta", meta_published])
    meta_modified = _meta(root, "article:modified_time", "dateModified", "og:updated_time")
    if meta_modified:
        modified.append(["meta", meta_modified])
    date_elements = select(root, profile.date)  # the profile's date element, used twice
    if machine := _machine_date(root, date_elements, article):
        published.append(["time", machine])
    if feed_date:
        published.append(["feed", feed_date])
    visible = _visible_dates(root, date_elements, article)
    if not visible and heading is not None:
        visible = _dates_under_title(heading)
    published.extend(["visible", text] for text in visible)
    return published, modified


def _machine_date(
    root: lxml.html.HtmlElement,
    date_elements: list[lxml.html.HtmlElement],
    article: frozenset[lxml.html.HtmlElement],
) -> str | None:
    """The first machine-readable date outside the chrome: the profile's date element, else
    `<time datetime>` or microdata `itemprop="datePublished"` (Blogger's `<abbr title>`)."""
    for element in date_elements or select(root, MACHINE_DATE_CSS):
        if element.tag == "meta" or _in_chrome(element, article):
            continue
        value = element.get("datetime") or element.get("content")
        if not value and element.get("itemprop") == "datePublished":
            value = element.get("title")
        if value:
            return value
    return None


def _in_chrome(
    element: lxml.html.HtmlElement, article: frozenset[lxml.html.HtmlElement] = frozenset()
) -> bool:
    """True inside the page header, footer, navigation or a sidebar (never inside `article`,
    the elements holding the headline, whatever their class)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):  # body classes describe the layout, not chrome
            break
        if ancestor.tag in ("footer", "nav", "aside"):
            return True
        if ancestor.tag == "header" and next(ancestor.iterancestors("article"), None) is None:
            return True
        if ancestor in article:
            continue
        tokens = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".split()
        if any(CHROME_TOKEN_RE.search(token) for token in tokens):
            return True
    return False


def _looks_dated(element: lxml.html.HtmlElement) -> bool:
    """A date-like class or id, or text that opens with a date label ("Date :", "Publié le")."""
    if not isinstance(element.tag, str) or element.tag in ("html", "body"):
        return False
    if DATE_CLASS_RE.search(f"{element.get('class', '')} {element.get('id', '')}"):
        return True
    return bool(DATE_LABEL_RE.match((element.text or "").strip()))


def _innermost(elements: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """The elements that contain none of the others ("posted-on", not the whole "entry-meta"),
    in document order."""
    chosen = set(elements)
    outer = {a for e in elements for a in e.iterancestors() if a in chosen}
    return [e for e in elements if e not in outer]


def _visible_dates(
    root: lxml.html.HtmlElement,
    date_elements: list[lxml.html.HtmlElement],
    article: frozenset[lxml.html.HtmlElement],
) -> list[str]:
    """Short texts near the article that look like dates (at most three)."""
    elements = date_elements or [e for e in root.iter() if _looks_dated(e)]
    dated: dict[lxml.html.HtmlElement, str] = {}
    for element in elements:
        text = squash(element.text_content())
        if not 4 <= len(text) <= 100 or not DATE_HINT_RE.search(text):
            continue
        if not UPDATE_LABEL_RE.match(text) and not _in_chrome(element, article):
            dated[element] = text
    return list(dict.fromkeys(dated[e] for e in _innermost(list(dated))))[:3]


def _dates_under_title(heading: lxml.html.HtmlElement) -> list[str]:
    """An unlabelled date line among the few elements right after the headline (or after its
    wrapper): "Mercredi, 12 Novembre 2025 – Rubrique Interview"."""
    level: lxml.html.HtmlElement | None = heading
    while level is not None and level.tag not in ("body", "html"):
        for sibling in islice(level.itersiblings(), NEAR_TITLE):
            text = squash(sibling.text_content()) if isinstance(sibling.tag, str) else ""
            if len(text) <= 100 and FULL_DATE_RE.search(text):
                return [text]
        if next(level.itersiblings(), None) is not None:
            return []
        level = level.getparent()
    return []


def _source_after_date(date_texts: list[str]) -> str | None:
    """The newspaper named after a labelled date: "Publié le 5 novembre 2025 | L'Essor"."""
    for text in date_texts:
        found = SOURCE_AFTER_DATE_RE.search(text) if DATE_LABEL_RE.match(text) else None
        name = found[1] if found else ""
        if name and not DATE_HINT_RE.search(name) and not BYLINE_RE.match(name):
            return squash(name) if _is_outlet(squash(name)) else None
    return None


def _is_outlet(name: str) -> bool:
    """A short name that reads like a newspaper or agency, not like a section of the site."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii())
    if folded in SECTION_NAMES or len(name.split()) > 6:
        return False
    return bool(OUTLET_RE.match(name))


def _is_static_page(root: lxml.html.HtmlElement) -> bool:
    """A WordPress page (about, advertising, contact), told apart from posts by its body class."""
    body = root.find("body")
    classes = set((body.get("class") or "").split()) if body is not None else set()
    is_page = "page-template-default" in classes or any(c.startswith("page-id-") for c in classes)
    return is_page and "single" not in classes


def _canonical(root: lxml.html.HtmlElement, url: str) -> str:
    """`rel=canonical` or `og:url` when it is on the same site, else the URL fetched."""
    for link in root.iter("link"):
        if link.get("rel", "").lower() == "canonical" and link.get("href"):
            candidate = urljoin(url, link.get("href", ""))
            if same_site(candidate, url):
                return _url_safe(candidate)
    og_url = _meta(root, "og:url")
    if og_url and same_site(urljoin(url, og_url), url):
        return _url_safe(urljoin(url, og_url))
    return url


_URL_UNSAFE = frozenset('"<>\\^`{|}')


def _url_safe(url: str) -> str:
    """The page's own URL, percent-encoded where a consumer could be fooled: quotes and angle
    brackets (`"><script>`), spaces, control characters and line separators such as U+2028.
    Printable non-ASCII letters stay, as in the sites' own links."""
    return "".join(
        quote(char, safe="")
        if char in _URL_UNSAFE or unicodedata.category(char)[0] in "CZ"
        else char
        for char in url
    )


def _is_listing(root: lxml.html.HtmlElement) -> bool:
    """Several teaser blocks: a home, category or search page."""
    teasers = len(root.findall(".//article")) + len(select(root, ".td_module_wrap, .post-item"))
    return teasers >= 4


def _article_markers(
    root: lxml.html.HtmlElement, url: str, profile: SiteProfile, ld: dict[str, Any], dated: bool
) -> list[str]:
    markers = []
    if ld:
        markers.append("jsonld")
    if (_meta(root, "og:type") or "").lower() == "article":
        markers.append("og:type")
    if profile.article_url_match(urlsplit(url).path):
        markers.append("url")
    if date_from_url(url, now=datetime.now(UTC)):
        markers.append("url-date")
    if dated:
        markers.append("date")
    return markers


def extract_article(
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    feed_date: str | None = None,
) -> Extraction:
    """Read one page. Returns the raw article (see docs/architecture.md) or why it is not one."""
    root = parse_html(html)
    if root is None:
        return Extraction(None, "empty page")
    path = AMP_SEGMENT_RE.sub("", urlsplit(url).path)  # an AMP copy is still the article
    if path in ("", "/") or NOT_ARTICLE_PATH_RE.search(path):
        return Extraction(None, "not an article URL")
    ld = _ld_article(root)
    title = _title(root, profile, ld)
    if not title:
        return Extraction(None, "no title")
    # dates and byline first: body extraction removes the article-info block that holds them
    published, modified = _date_candidates(
        root, profile, ld, feed_date, _title_element(root, title)
    )
    author = (
        _first_text(root, profile.author)
        or _ld_name(ld.get("author"))
        or (_markup_author(root) if AUTHOR_MARKUP_RE.search(html) else None)
    )
    lines, body_html, layer = _body(root, profile, ld)
    if not lines:
        return Extraction(None, "no body text")
    if _is_static_page(root):
        return Extraction(None, "static page")
    markers = _article_markers(root, url, profile, ld, bool(published))
    if not markers:
        return Extraction(None, "no article marker")
    if "jsonld" not in markers and "og:type" not in markers and _is_listing(root):
        return Extraction(None, "listing page")
    article = {
        "url": url,
        "canonical_url": _canonical(root, url),
        "site": profile.name,
        "title": title,
        "paragraphs": lines,
        "html": body_html,
        "date_candidates": published,
        "modified_candidates": modified,
        "author_hint": author,
        "source_hint": _first_text(root, profile.source)
        or _source_after_date([raw for kind, raw in published if kind == "visible"]),
        "extraction": layer,
    }
    return Extraction(article, "article")
