"""Page extraction: one HTML page + its URL -> a raw article, or the reason it is not one.

Pure functions, no network. Extraction falls back in layers: the site profile's selectors,
then JSON-LD / OpenGraph metadata, then generic main-content extraction.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import htmldate
import lxml.html

from malinews.article import Article
from malinews.core.dates import PUBLISHED_LABELS
from malinews.core.text import fold
from malinews.core.urls import date_in_path, same_site
from malinews.extraction.discovery import NOT_ARTICLE_PATH_RE
from malinews.extraction.generic import Candidate, choose_body, trafilatura_lines
from malinews.extraction.html import BLOCK_TAGS, block_lines, parse_html, select, squash
from malinews.sites.profile import SiteProfile

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
    r"(^|[\s_-])(share|sharing|partage|social|related|comments?|respond|newsletter|subscribe|sidebar|"
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
    r"\b(\d{1,2}[/.-]\s?\d{1,2}[/.-]\s?\d{2,4}|\d{4}-\d{2}-\d{2}|il y a|hier|aujourd|"
    r"(janv|f(?:[ée\ufffd]|Ã©)v|mars|avr|mai|juin|juil|ao(?:[uû\ufffd]|Ã»)|sept|oct|nov|"
    r"d(?:[ée\ufffd]|Ã©)c|jan|feb|mar|apr|may|jun|jul|aug|sep|dec)[a-zéû.]*\b|"
    # a day next to a word and a year, in any language: "20. März 2021", "17 de marzo de 2020"
    r"\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?,?\s+(?:de\s+)?(?:19|20)\d{2}\b)",
    re.I,
)
# A date line labelled in words, whatever its markup: "Date : 27 mai 2012", "Publié le ...",
# "Published on", "Veröffentlicht am", "Erschienen am", "Publicado el", "Pubblicato il".
DATE_LABEL_RE = re.compile(rf"^(date|{PUBLISHED_LABELS})\b\s*((?:le|on|am|el|il)\b)?\s*:?", re.I)
UPDATE_LABEL_RE = re.compile(
    r"^(mis à jour|mise à jour|modifi[ée]|actualis[ée]|updated|last updated|aktualisiert|"
    r"zuletzt|ge[äa]ndert|actualizado|aggiornato)\b",
    re.I,
)
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
# Dates that are not the article's: a clock or "today" widget, a comment, a forum's last post.
NOT_PUBLISHED_RE = re.compile(
    r"^(?:aktuelle zeit|current time|heure actuelle|nous sommes le|today is|heute ist|"
    r"kommentar|comments?|commentaires?|antworten|replies|r[ée]ponses?|letzter beitrag|last post)\b"
    r"|^(?:aujourd'?hui|hier|today|yesterday|heute|gestern)$",
    re.I,
)
# A class or id of a live clock: the line holding one shows the current time, not the article's.
CLOCK_RE = re.compile(r"clock|horloge|uhrzeit|orologio|reloj", re.I)
# One class or id token of an ancestor holding comments or links to other articles.
NOT_ARTICLE_TOKEN_RE = re.compile(
    r"^(?:comments?|commentlist|comment-(?:list|body|content|\d+)|kommentare?|replies|"
    r"related(?:[_-]\w+)?)$",
    re.I,
)
DATE_CLASS_RE = re.compile(r"date|time|posted|published|publie|meta|byline", re.I)
# A complete date in words or digits, for unlabelled lines under the headline.
FULL_DATE_RE = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|"
    r"octobre|novembre|d[ée]cembre)\s+\d{4}\b|\b\d{1,2}[/.-]\s?\d{1,2}[/.-]\s?\d{4}\b",
    re.I,
)
JSON = json.JSONDecoder()
MACHINE_DATE_CSS = "time, [itemprop=datePublished]"
NEAR_TITLE = 3  # elements after the headline searched for an unlabelled date line
TITLE_SEPARATOR_RE = re.compile(r"\s+[|–—-]\s+")
# Where a page shows its own name, not an article's: the logo, the masthead, the header.
SITE_NAME_TOKEN_RE = re.compile(r"logo|brand|masthead|navbar|site-?(?:title|name|header)", re.I)
SITE_SEPARATOR_RE = re.compile(r"\s+[|–—:-]\s+")
AMP_SEGMENT_RE = re.compile(r"/amp(?=/|$)", re.I)
# Bylines in markup when the profile names none (Joomla "Écrit par", theme author spans).
AUTHOR_CSS = ".createdby, .author-name, [rel=author], [itemprop=author]"
# a cheap test on the page's text before the slow AUTHOR_CSS query
AUTHOR_MARKUP_RE = re.compile(r"createdby|author-name|rel=[\"']?author|itemprop=[\"']?author")
AUTHOR_PREFIX_RE = re.compile(r"^(?:(?:[ée]crit|publi[ée]|r[ée]dig[ée])\s+)?par\s+", re.I)
MAX_AUTHOR_WORDS = 6
MARKUP_RE = re.compile(r"</?(?:p|div|br|body|h\d|ul|li)\b[^>]*>", re.I)
MIN_BODY_CHARS = 250
MIN_PARAGRAPH_CHARS = 40
# A body "in paragraphs" (an article even without markup): this many paragraphs of prose...
PROSE_PARAGRAPHS = 3
PROSE_CHARS = 100
PROSE_BODY_CHARS = 600  # ... and this much text in all


@dataclass(frozen=True)
class Extraction:
    """The result of reading one page: an article, or None and why not."""

    article: Article | None
    reason: str


def _json_ld(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph and lists flattened."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:  # the first value: a block with a stray closing brace after it is still read
            data, _ = JSON.raw_decode(script.text.strip())
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
            _whole_block(e, container)
            for e in container.iter()
            if e is not container
            and isinstance(e.tag, str)
            and CHROME_CLASS_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
        ]
    )


def _whole_block(
    element: lxml.html.HtmlElement, container: lxml.html.HtmlElement
) -> lxml.html.HtmlElement:
    """The block a chrome element heads, when that block holds nothing but it and links: the
    "À lire aussi" label and its headlines go together, or the headlines stay in the body."""
    block = element.getparent()
    if block is None or block is container:
        return element
    links = [a for a in block.iter("a") if a not in set(element.iter())]
    rest = len(squash(block.text_content())) - len(squash(element.text_content()))
    linked = sum(len(squash(a.text_content())) for a in links)
    return block if len(links) >= 2 and rest - linked <= len(links) * 2 else element


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


def _nested_lines(container: lxml.html.HtmlElement) -> frozenset[str]:
    """Lines of the container's children that are blocks of blocks (a card, a widget, a list),
    as opposed to its own paragraphs."""
    return frozenset(
        line
        for child in container
        if child.tag in BLOCK_TAGS and child.tag != "p" and _holds_blocks(child)
        for line in block_lines(child)
    )


def _holds_blocks(element: lxml.html.HtmlElement) -> bool:
    return any(e.tag in BLOCK_TAGS for e in element.iterdescendants())


def _title(root: lxml.html.HtmlElement, profile: SiteProfile, ld: dict[str, Any], url: str) -> str:
    for candidate in (
        _first_text(root, profile.title),
        _ld_name(ld.get("headline")),
        _headline_h1(root),
        _meta(root, "og:title", "twitter:title"),
    ):
        if candidate:
            return candidate
    return _title_from_head(root, _without_site_name(squash(root.findtext(".//title")), root, url))


def _without_site_name(title: str, root: lxml.html.HtmlElement, url: str) -> str:
    """`<title>` without a site name before or after a separator, colon included ("Bamako
    Infos : Bamex 2026 : ..."): a side that folds to og:site_name or to the host's name."""
    host = (urlsplit(url).hostname or "").removeprefix("www.").split(".")[0]
    names = {fold(host), fold(_meta(root, "og:site_name", "application-name") or "")} - {""}
    separators = list(SITE_SEPARATOR_RE.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    if fold(title[: first.start()]).replace(" ", "") in names:
        return title[first.end() :]
    if fold(title[last.end() :]).replace(" ", "") in names:
        return title[: last.start()]
    return title


def _headline_h1(root: lxml.html.HtmlElement) -> str | None:
    """The text of the first <h1> that is not the site's name in the header or logo."""
    for element in root.iter("h1"):
        text = squash(element.text_content())
        if text and not _names_site(element):
            return text
    return None


def _names_site(element: lxml.html.HtmlElement) -> bool:
    """The element shows the site's name: it sits in a header, a navigation bar or a logo."""
    for node in (element, *element.iterancestors()):
        if node.tag in ("header", "nav"):
            return True
        tokens = f"{node.get('class', '')} {node.get('id', '')}"
        if SITE_NAME_TOKEN_RE.search(tokens):
            return True
    return False


def _title_from_head(root: lxml.html.HtmlElement, title: str) -> str:
    """`<title>` without the site name ("Titre - Site" or "Site - Titre"): the side that
    og:site_name names is cut; else the side the page shows as text outside its header and
    logo (a side shown only there is the site's name); else the longer side."""
    separators = list(TITLE_SEPARATOR_RE.finditer(title))
    if not separators:
        return title
    first, last = separators[0], separators[-1]
    head, tail = title[: last.start()], title[first.end() :]
    site = squash(_meta(root, "og:site_name", "application-name")).casefold()
    if site:
        if title[last.end() :].casefold() == site:
            return head
        if title[: first.start()].casefold() == site:
            return tail
    body = root.find("body")
    shown: dict[str, bool] = {}  # text -> shown somewhere outside the header and logo
    for element in body.iter() if body is not None else ():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            text = squash(element.text)
            shown[text] = shown.get(text, False) or not _names_site(element)
    as_content = [side for side in (head, tail) if shown.get(side)]
    if len(as_content) == 1:
        return as_content[0]
    as_name = [side for side in (head, tail) if side in shown and not shown[side]]
    if len(as_name) == 1:
        return tail if as_name[0] == head else head
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
) -> tuple[list[str], str]:
    """Body lines and which layer gave them: the profile's container when it holds a body,
    else the best of the generic candidates (see `extraction.generic`)."""
    container = _profile_container(root, profile)
    if container is not None:
        _strip_chrome(container, profile)
        lines = block_lines(container)
        if _long_enough(lines):
            return lines, "profile"
    # JSON-LD is read by now: script and style text must not count as body text
    _remove(list(root.iter("script", "style", "noscript")))
    candidates = [_metadata_candidate(ld)]
    candidates.append(Candidate("trafilatura", trafilatura_lines(root)))  # before stripping
    own = _generic_container(root)
    if own is not None:
        _strip_chrome(own, profile)
        candidates.append(Candidate("generic", block_lines(own), _nested_lines(own)))
    chosen = choose_body([c for c in candidates if _long_enough(c.lines)])
    return (chosen.lines, chosen.layer) if chosen else ([], "none")


def _long_enough(lines: list[str]) -> bool:
    return sum(len(line) for line in lines) >= MIN_BODY_CHARS


def _profile_container(
    root: lxml.html.HtmlElement, profile: SiteProfile
) -> lxml.html.HtmlElement | None:
    found = select(root, profile.body)
    return found[0] if found else None


def _metadata_candidate(ld: dict[str, Any]) -> Candidate:
    """JSON-LD `articleBody`, one line per paragraph (some sites put HTML in it)."""
    article_body = ld.get("articleBody")
    text = article_body.strip() if isinstance(article_body, str) else ""
    if MARKUP_RE.search(text):
        lines = block_lines(lxml.html.fragment_fromstring(text, create_parent="div"))
    else:
        lines = [squash(p) for p in re.split(r"\n\s*\n|\r?\n", text) if p.strip()]
    return Candidate("metadata", lines)


def date_evidence(
    root: lxml.html.HtmlElement, url: str, profile: SiteProfile
) -> tuple[list[list[str]], list[list[str]]]:
    """Published and modified date candidates of any page, article or not: what the date stage
    would get, for pages `extract_article` refuses (the date benchmark scores those too)."""
    ld = _ld_article(root)
    title = _title(root, profile, ld, url)
    heading = _title_element(root, title) if title else None
    return _date_candidates(root, url, profile, ld, None, heading)


def page_language(root: lxml.html.HtmlElement) -> str | None:
    """The language the page declares (`<html lang="de-DE">`), to read its month names."""
    lang = (root.get("lang") or root.get("xml:lang") or "").strip()
    return lang or None


def _date_candidates(
    root: lxml.html.HtmlElement,
    url: str,
    profile: SiteProfile,
    ld: dict[str, Any],
    feed_date: str | None,
    heading: lxml.html.HtmlElement | None,
) -> tuple[list[list[str]], list[list[str]]]:
    """Published and modified date evidence, in order of trust, the site's own date in the URL
    last. The elements that hold the headline `heading` are never taken for chrome."""
    article = frozenset([heading, *heading.iterancestors()]) if heading is not None else frozenset()
    published: list[list[str]] = []
    modified: list[list[str]] = []
    dated_ld = _ld_dated(ld)
    for key, target in (("datePublished", published), ("dateModified", modified)):
        if isinstance(dated_ld.get(key), str):
            target.append(["jsonld", dated_ld[key]])
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
    if profile.url_date and (in_url := profile.url_date(url)):
        published.append(["url", in_url.isoformat()])
    if found := _htmldate(root, dated=bool(published)):
        published.append(["htmldate", found])
    return published, modified


def _ld_dated(ld: dict[str, Any]) -> dict[str, Any]:
    """The JSON-LD node holding the article's dates: the article, else the WebPage it names as
    `mainEntityOfPage` (some sites nest the headline and dates there)."""
    page = ld.get("mainEntityOfPage")
    if "datePublished" not in ld and isinstance(page, dict) and "datePublished" in page:
        return page
    return ld


def _htmldate(root: lxml.html.HtmlElement, dated: bool) -> str | None:
    """htmldate's publication day: its many known markups, and on a page where neither it nor
    we found a date (`dated`), its search of the whole text. That search is slow (it may call
    dateparser in every language: seconds the first time in a process), so it is kept for
    pages that need it. htmldate's latest date is today; the date stage caps it at the fetch."""
    try:
        found = htmldate.find_date(root, extensive_search=False, original_date=True)
        if found is None and not dated:
            found = htmldate.find_date(root, extensive_search=True, original_date=True)
    except Exception:  # a third-party heuristic: a failure there must cost the candidate only
        return None
    return found


def _machine_date(
    root: lxml.html.HtmlElement,
    date_elements: list[lxml.html.HtmlElement],
    article: frozenset[lxml.html.HtmlElement],
) -> str | None:
    """The first machine-readable date outside the chrome: the profile's date element, else
    `<time datetime>` or microdata `itemprop="datePublished"` (Blogger's `<abbr title>`)."""
    for element in date_elements or select(root, MACHINE_DATE_CSS):
        if element.tag == "meta" or _in_chrome(element, article) or _in_comments(element):
            continue
        value = element.get("datetime") or element.get("content")
        if not value and element.get("itemprop") == "datePublished":
            # microdata's value is the text when no attribute holds it: "06 Dicembre 2020"
            value = element.get("title") or squash(element.text_content())[:100]
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
        if ancestor.tag == "nav":
            return True
        # a footer, header or aside is the article's own when inside an <article>
        inside_article = next(ancestor.iterancestors("article"), None) is not None
        if ancestor.tag in ("footer", "header", "aside") and not inside_article:
            return True
        if ancestor in article:
            continue
        tokens = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".split()
        if any(CHROME_TOKEN_RE.search(token) for token in tokens):
            return True
    return False


def _in_comments(element: lxml.html.HtmlElement) -> bool:
    """True inside the comments or a list of related articles: their dates are not the page's."""
    return any(
        NOT_ARTICLE_TOKEN_RE.match(token)
        for ancestor in element.iterancestors()
        for token in f"{ancestor.get('class', '')} {ancestor.get('id', '')}".split()
    )


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
        text = _with_labelled_value(element, squash(element.text_content()))
        if not 4 <= len(text) <= 100 or not DATE_HINT_RE.search(text):
            continue
        if UPDATE_LABEL_RE.match(text) or NOT_PUBLISHED_RE.match(text) or _holds_clock(element):
            continue
        if not _in_chrome(element, article) and not _in_comments(element):
            dated[element] = text
    return list(dict.fromkeys(dated[e] for e in _innermost(list(dated))))[:3]


def _holds_clock(element: lxml.html.HtmlElement) -> bool:
    """A date line with a live clock in it ("Domenica 06 Dicembre 2020 | 00:36" and a
    `<span class="ora_attuale_clock">`): a header showing today, whatever its labels."""
    return any(
        CLOCK_RE.search(f"{e.get('class', '')} {e.get('id', '')}")
        for e in element.iter()
        if isinstance(e.tag, str)
    )


def _with_labelled_value(element: lxml.html.HtmlElement, text: str) -> str:
    """A label alone in its element ("Erschienen am:") followed by the date in the next one:
    the two texts as one line; any other text as it is."""
    follower = next((e for e in element.itersiblings() if isinstance(e.tag, str)), None)
    if DATE_LABEL_RE.match(text) and not DATE_HINT_RE.search(text) and follower is not None:
        return f"{text} {squash(follower.text_content())}"
    return text


def _dates_under_title(heading: lxml.html.HtmlElement) -> list[str]:
    """An unlabelled date line among the few elements right after the headline (or after its
    wrapper): "Mercredi, 12 Novembre 2025 – Rubrique Interview"."""
    level: lxml.html.HtmlElement | None = heading
    while level is not None and level.tag not in ("body", "html"):
        for sibling in islice(level.itersiblings(), NEAR_TITLE):
            # one line per block: "Familie" and "17/02/2022" in two <div>s do not run together
            text = " ".join(block_lines(sibling)) if isinstance(sibling.tag, str) else ""
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
    folded = fold(name)
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


def _teasers(root: lxml.html.HtmlElement, profile: SiteProfile) -> list[lxml.html.HtmlElement]:
    """Teaser blocks of a listing: `<article>` elements and the profile's teaser blocks."""
    return [*root.iter("article"), *select(root, profile.teasers)]


def _is_listing(
    root: lxml.html.HtmlElement, profile: SiteProfile, lines: list[str], markers: list[str]
) -> bool:
    """A home, category or search page: the body is mostly teaser text, spread over two
    teasers or more; or the body sits in one of many teasers while the page has no article
    metadata and no body in paragraphs. (Teasers outside the body are related articles.)"""
    teasers = _innermost(_teasers(root, profile))
    paragraphs = [line for line in lines if len(line) >= MIN_PARAGRAPH_CHARS]
    held = [
        sum(line in text for line in paragraphs)
        for text in (squash(teaser.text_content()) for teaser in teasers)
    ]
    if not any(held):
        return False
    in_teasers = sum(held) * 2 >= len(paragraphs)
    if in_teasers and sum(count > 0 for count in held) >= 2 and max(held) * 2 <= len(paragraphs):
        return True
    declared = "jsonld" in markers or "og:type" in markers
    return len(teasers) >= 4 and not declared and not _substantial(lines)


def _substantial(lines: list[str]) -> bool:
    """A body in paragraphs: a few paragraphs of prose, not a list of headlines or excerpts."""
    paragraphs = [line for line in lines if len(line) >= PROSE_CHARS]
    return len(paragraphs) >= PROSE_PARAGRAPHS and sum(map(len, lines)) >= PROSE_BODY_CHARS


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


def _article_markers(
    root: lxml.html.HtmlElement,
    url: str,
    profile: SiteProfile,
    ld: dict[str, Any],
    dated: bool,
    now: datetime,
    lines: list[str],
) -> list[str]:
    markers = []
    if ld:
        markers.append("jsonld")
    if (_meta(root, "og:type") or "").lower() == "article":
        markers.append("og:type")
    if profile.article_url_match(urlsplit(url).path):
        markers.append("url")
    path_day = date_in_path(url)
    url_time = profile.url_date(url) if profile.url_date else None
    if (path_day and path_day <= now.date()) or (url_time and url_time <= now):
        markers.append("url-date")
    if dated:
        markers.append("date")
    if any(FULL_DATE_RE.search(line) for line in lines):
        markers.append("body-date")
    if _substantial(lines):
        markers.append("body")
    return markers


def extract_article(
    html: str,
    url: str,
    profile: SiteProfile,
    *,
    feed_date: str | None = None,
    fetched_at: datetime | None = None,
    root: lxml.html.HtmlElement | None = None,
) -> Extraction:
    """Read one page. Returns the raw article (see docs/architecture.md) or why it is not one.

    `fetched_at` (default: now) picks the site's layout of that time (`SiteProfile.at`), and a
    date in the URL after it is no date; `root` is the page already parsed, if it was
    (extraction modifies it)."""
    profile = profile.at(fetched_at)
    root = parse_html(html) if root is None else root
    if root is None:
        return Extraction(None, "empty page")
    path = AMP_SEGMENT_RE.sub("", urlsplit(url).path)  # an AMP copy is still the article
    if path in ("", "/") or NOT_ARTICLE_PATH_RE.search(path):
        return Extraction(None, "not an article URL")
    ld = _ld_article(root)
    title = _title(root, profile, ld, url)
    if not title:
        return Extraction(None, "no title")
    # dates and byline first: body extraction removes the article-info block that holds them
    published, modified = _date_candidates(
        root, url, profile, ld, feed_date, _title_element(root, title)
    )
    author = (
        _first_text(root, profile.author)
        or _ld_name(ld.get("author"))
        or (_markup_author(root) if AUTHOR_MARKUP_RE.search(html) else None)
    )
    source = _first_text(root, profile.source)  # before the body: its element may be dropped
    lines, layer = _body(root, profile, ld)
    if not lines:
        return Extraction(None, "no body text")
    if _is_static_page(root):
        return Extraction(None, "static page")
    dated = any(source != "htmldate" for source, _ in published)  # htmldate guesses on any page
    now = fetched_at or datetime.now(UTC)
    markers = _article_markers(root, url, profile, ld, dated, now, lines)
    if not markers:
        return Extraction(None, "no article marker")
    if _is_listing(root, profile, lines, markers):
        return Extraction(None, "listing page")
    if fold(title) in SECTION_NAMES:  # "Actualités", "Politique": a section's page
        return Extraction(None, "listing page")
    article = Article(
        url=url,
        canonical_url=_canonical(root, url),
        site=profile.name,
        title=title,
        paragraphs=lines,
        date_candidates=published,
        lang=page_language(root),
        modified_candidates=modified,
        author_hint=author,
        source_hint=source
        or _source_after_date([raw for kind, raw in published if kind == "visible"]),
        extraction=layer,
    )
    return Extraction(article, "article")
