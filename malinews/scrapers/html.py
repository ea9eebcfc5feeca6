"""Small HTML helpers shared by discovery and extraction: decoding, parsing, block text."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
BR = "\u2028"  # marks a <br> inside a paragraph until lines are split
BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre div section article header footer "
    "table tr td th tbody thead figure figcaption main aside nav form hr center".split()
)
SKIP_TAGS = frozenset(
    "script style noscript iframe form button svg select textarea template".split()
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read ISO-8859-1 and ASCII as windows-1252; so do we.
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Bytes of a page -> text, trusting the bytes over the labels.

    Valid UTF-8 is read as UTF-8 whatever the header says (the common lie); otherwise the
    charset declared in a `<meta>` tag, then the HTTP header, then windows-1252.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = META_CHARSET_RE.search(body[:4096])
    codec = _codec(match[1].decode("ascii", "ignore") if match else None) or _codec(declared)
    if codec in (None, "utf-8"):
        codec = "cp1252"
    return body.decode(codec, errors="replace")


MAX_ELEMENTS = 100_000  # tags in a page: news pages have a few thousand
MAX_TAG_CHARS = 20_000  # characters in one tag: lxml's cost grows with the square of its
# attributes (20,000 attributes in one tag: 0.5 s; 200,000: over a minute)
_LONG_TAG_RE = re.compile(rf"<[A-Za-z][^<>]{{{MAX_TAG_CHARS}}}")


def too_complex(text: str) -> str | None:
    """Why a page would cost too much to parse, checked in linear time before parsing; None
    for a normal page."""
    elements = text.count("<")
    if elements > MAX_ELEMENTS:
        return f"{elements} tags (at most {MAX_ELEMENTS})"
    if _LONG_TAG_RE.search(text):
        return f"a tag longer than {MAX_TAG_CHARS} characters"
    return None


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """Parse a page; None when there is nothing to parse."""
    text = text.strip()
    if not text:
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


@lru_cache(maxsize=512)
def _compiled(css: str) -> CSSSelector | None:
    """A CSS selector compiled once (compiling costs more than matching); None if invalid."""
    try:
        return CSSSelector(css, translator="html")
    except Exception:  # cssselect raises several parse error types
        return None


def select(root: lxml.html.HtmlElement, css: str | None) -> list[lxml.html.HtmlElement]:
    """Elements matching a CSS selector; [] for no selector or an invalid one."""
    selector = _compiled(css) if css else None
    return selector(root) if selector is not None else []


def squash(text: str | None) -> str:
    """Collapse whitespace."""
    return " ".join((text or "").split())


def block_lines(element: lxml.html.HtmlElement) -> list[str]:
    """Text of an element as lines: one per block element and per `<br>`, whitespace collapsed."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        for line in "".join(buffer).split(BR):
            line = squash(line)
            if line:
                lines.append(line)
        buffer.clear()

    def walk(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS:
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            buffer.append(BR)
        elif tag:
            buffer.append(node.text or "")
            for child in node:
                walk(child)
                buffer.append(child.tail or "")
        if block:
            flush()

    walk(element)
    flush()
    return lines
