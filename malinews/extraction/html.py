"""Small HTML helpers shared by discovery and extraction: decoding, parsing, block text."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

# The charset a page declares: `<meta charset>`, `<meta http-equiv content="...; charset=">`,
# or the XML declaration of an XHTML page `<?xml version="1.0" encoding="..."?>`.
META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)"""
    rb"""|^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.I,
)
XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
UTF16_SNIFF = 512  # bytes looked at for the zero bytes of UTF-16 text without a BOM
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


def _utf16_without_bom(body: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the page starts like ASCII markup stored in UTF-16
    (every other byte zero), which no 8-bit page does."""
    head = body[:UTF16_SNIFF]
    even, odd = head[0::2], head[1::2]
    if len(head) < 8:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Bytes of a page -> text, trusting the bytes over the labels.

    A BOM, then UTF-16 recognised by its zero bytes; valid UTF-8 is read as UTF-8 whatever the
    header says (the common lie); otherwise the charset declared in a `<meta>` tag or an XML
    declaration, then the HTTP header, then windows-1252. (bs4's UnicodeDammit was measured
    against this on the project's pages and the public set: same text on the public set, but
    twice slower, and it reads ISO-8859-1 labels strictly, turning the cp1252 quotes of Malian
    pages into control characters.)
    """
    for bom, bom_codec in BOMS:
        if body.startswith(bom):
            return body.decode(bom_codec, errors="replace")
    if utf16 := _utf16_without_bom(body):
        return body.decode(utf16, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = META_CHARSET_RE.search(body[:4096])
    label = (match[1] or match[2]).decode("ascii", "ignore") if match else None
    codec = _codec(label) or _codec(declared)
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
    """Parse a page; None when there is nothing to parse. An XHTML page's XML declaration is
    dropped: the text is decoded already, and lxml refuses a str that declares an encoding."""
    text = XML_DECLARATION_RE.sub("", text).strip()
    if not text:
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


@lru_cache(maxsize=512)
def _compiled(css: str) -> CSSSelector:
    """A CSS selector compiled once (compiling costs more than matching). Selectors are checked
    where they are written (built-in profiles at import, the config when loaded), so an
    invalid one here is a bug: it raises."""
    return CSSSelector(css, translator="html")


def select(root: lxml.html.HtmlElement, css: str | None) -> list[lxml.html.HtmlElement]:
    """Elements matching a CSS selector; [] for no selector."""
    return _compiled(css)(root) if css else []


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
