"""Block pages: a response that stands in for the content (bot challenge, captcha, censorship).

`block_reason` runs on every fetched page, so it reads only the first `SCAN_CHARS` of markup and
returns at once for an ordinary page. Two kinds of evidence:

- strong: a challenge page's `<title>` ("Just a moment...") or the identifiers its scripts and
  forms carry (`_cf_chl_opt`, `cf-browser-verification`). Prose never contains these.
- weak: words such as "captcha" or "bloqué". A news article may use them, so they count only on
  a thin page (little visible text), which a block page always is and an article page never is.
"""

from __future__ import annotations

import html as html_lib
import re

from malinews.core.text import fold
from malinews.extraction.html import block_lines, parse_html, squash

SCAN_CHARS = 5_000  # markup read from the start of the page (title, head, top of the body)
THIN_TEXT_CHARS = 600  # visible text below this: a bare notice (block pages: 150-400), not content

HTTP_BLOCKS = {403: "http-403", 429: "http-429"}

TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title", re.S)
# Titles of challenge pages (folded form): Cloudflare in English and French, DDoS-Guard.
CHALLENGE_TITLE_RE = re.compile(
    r"^(just a moment|un instant|one more step)\W*$"
    r"|attention required!? \| cloudflare|ddos-guard|checking your browser"
)
# Identifiers in the scripts and forms of challenge pages (lower case). Substring tests: a
# case-insensitive regular expression would take ~0.5 ms on 5 KB.
CHALLENGE_MARKUP = (
    "_cf_chl_opt",
    "cf-browser-verification",
    "cf-challenge",
    'id="challenge-form"',
    "/ddos-guard/",
)
# Cheap test for the weak evidence, on the lower-cased markup; the precise patterns follow.
WEAK_WORDS = (
    "captcha",
    "bloqu",
    "restreint",
    "suspendu",
    "blocked",
    "restricted",
    "browser",
    "navigateur",
)
CHALLENGE_TEXT_RE = re.compile(
    r"checking (your browser|if the site connection is secure)"
    r"|verification (de votre navigateur|que vous etes humain)"
    r"|enable javascript and cookies to continue"
)
CAPTCHA_MARKUP_RE = re.compile(
    r"class=[\"'][^\"']*\b(g-recaptcha|h-captcha)\b|data-sitekey="
    r"|(name|id)=[\"'][^\"']*captcha|<img\b[^>]*captcha"
)
# Notices of an ISP or a regulator, in folded form: they speak of "this site".
CENSORSHIP_RE = re.compile(
    r"\b(ce|cet) (site|service|contenu)( web| internet)? (a ete|est) "
    r"(bloque|restreint|suspendu|inaccessible)"
    r"|acces a (ce|cet) (site|service|contenu)( web| internet)? (a ete|est) "
    r"(bloque|restreint|limite|suspendu)"
    r"|\bthis (web)?site (has been|is) (blocked|restricted)"
    r"|access to this (web)?site (has been|is) (blocked|restricted)"
    r"|suspendu sur decision"
)


def block_reason(status: int, html: str) -> str | None:
    """Why a response is a block page rather than content, or None.

    Reasons: "challenge", "captcha", "censorship" (from the page), else "http-403" and
    "http-429" (from the status alone).
    """
    head = html[:SCAN_CHARS].lower()
    title = _title(head)
    if CHALLENGE_TITLE_RE.search(title) or _contains(head, CHALLENGE_MARKUP):
        return "challenge"
    return _thin_page_reason(head, title, html) or HTTP_BLOCKS.get(status)


def _contains(text: str, needles: tuple[str, ...]) -> bool:
    return any(needle in text for needle in needles)


def _title(head: str) -> str:
    """Folded text of the page's `<title>` ("" without one)."""
    match = TITLE_RE.search(head)
    return fold(squash(html_lib.unescape(match[1]))) if match else ""


def _thin_page_reason(head: str, title: str, html: str) -> str | None:
    """The reason given by the weak evidence, which counts only on a thin page."""
    if not _contains(head, WEAK_WORDS):
        return None
    text = _visible_text(html)
    if text is None or len(text) >= THIN_TEXT_CHARS:
        return None
    words = fold(f"{title} {text}")
    if CHALLENGE_TEXT_RE.search(words):
        return "challenge"
    if CAPTCHA_MARKUP_RE.search(head) or "captcha" in words:
        return "captcha"
    if CENSORSHIP_RE.search(words):
        return "censorship"
    return None


def _visible_text(html: str) -> str | None:
    """The text a reader sees (no scripts, styles or forms); None for an empty page."""
    root = parse_html(html)
    return None if root is None else " ".join(block_lines(root))
