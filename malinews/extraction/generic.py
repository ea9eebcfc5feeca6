"""Body of a page without a working profile: candidates from several extractors, one chosen on
evidence.

Three candidates, each a list of body lines:
- "metadata": the JSON-LD `articleBody` the page declares;
- "generic": malinews' own text-density container (it keeps the short lines a French news page
  ends with: the signature, "Source: LE COMBAT", the social prompts the boilerplate stage
  removes and learns from);
- "trafilatura": trafilatura's main text (`favor_precision`, its fast mode, no metadata), a
  decade of heuristics for split articles, comment threads, related lists and footers.

The choice, in `choose_body`: the page's own text and trafilatura must agree for the own
container to win (it then carries the provenance lines trafilatura drops); when they disagree,
trafilatura's text wins. A JSON-LD body is kept unless it is a teaser of the page's text.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import takewhile

import lxml.html

from malinews.extraction.html import squash

WORD_RE = re.compile(r"\w+")
# The own container wins only when it holds nearly all of trafilatura's words ...
MIN_AGREEMENT = 0.9
# Of its lines trafilatura left out, it keeps the few short paragraphs of its own right after
# the body: the signature, "Source: LE COMBAT", the prompts the boilerplate stage removes and
# learns from (not the lines of a card or widget nested after the body).
SHORT_TAIL = 12
MAX_TAIL = 6
# A JSON-LD body shorter than this share of the page's text, and contained in it, is a teaser.
TEASER_SHARE = 0.7


@dataclass(frozen=True)
class Candidate:
    """One extractor's body lines, and the layer name recorded in the article's `extraction`."""

    layer: str
    lines: list[str]
    # Lines of blocks nested in the container (a card, a widget, a list of links): the short
    # lines after the body are its tail only when they are the container's own paragraphs.
    nested: frozenset[str] = frozenset()

    def words(self) -> Counter[str]:
        return Counter(WORD_RE.findall(" ".join(self.lines).casefold()))


def trafilatura_lines(root: lxml.html.HtmlElement) -> list[str]:
    """trafilatura's main text as lines. It cleans the tree it reads, so it reads a copy; it is
    imported on the first page that needs it, to keep `import malinews` cheap."""
    import trafilatura

    text = trafilatura.extract(
        copy.deepcopy(root),
        favor_precision=True,
        include_comments=False,
        with_metadata=False,
        fast=True,
    )
    return [line for line in (squash(raw) for raw in (text or "").splitlines()) if line]


def _share(part: Counter[str], whole: Counter[str]) -> float:
    """How much of `part` (multiset of words) is found in `whole`."""
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def choose_body(candidates: Sequence[Candidate]) -> Candidate | None:
    """The best of the non-empty candidates ("metadata", "generic", "trafilatura" by layer)."""
    found = {c.layer: c for c in candidates if c.lines}
    own, traf, declared = found.get("generic"), found.get("trafilatura"), found.get("metadata")
    page = _page_body(own, traf)
    if declared is not None and (page is None or not _is_teaser(declared, page)):
        return declared
    return page


def _page_body(own: Candidate | None, traf: Candidate | None) -> Candidate | None:
    """The own container, without the lines trafilatura found no body in, when it holds nearly
    all of trafilatura's text; else trafilatura's text."""
    if own is None or traf is None:
        return own or traf
    if _laid_out_in_tables(traf):
        return own
    if _share(traf.words(), own.words()) < MIN_AGREEMENT:
        return traf
    traf_phrases = _Ngrams(traf.lines)
    in_body = [traf_phrases.contains(line) for line in own.lines]
    last = max((i for i, found in enumerate(in_body) if found), default=-1)
    tail = list(
        takewhile(
            lambda line: len(line.split()) <= SHORT_TAIL and line not in own.nested,
            own.lines[last + 1 :],
        )
    )
    kept = [line for i, line in enumerate(own.lines[: last + 1]) if in_body[i]]
    kept += tail[:MAX_TAIL]
    if kept == own.lines:
        return own
    return Candidate(own.layer, kept, own.nested)


def _laid_out_in_tables(traf: Candidate) -> bool:
    """Most of trafilatura's lines are table rows: a page laid out in tables, whose cells it
    reads as the body, menus and all."""
    return sum(line.startswith("|") for line in traf.lines) * 2 > len(traf.lines)


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


class _Ngrams:
    """The word n-grams (n = 1 to 3) of a text, to tell whether a line's phrases occur in it:
    word bags are too lenient (a caption shares its words with the article, not its phrases)."""

    def __init__(self, lines: Sequence[str]) -> None:
        words = WORD_RE.findall(" ".join(lines).casefold())
        self.grams = [set(), *(_ngrams(words, n) for n in (1, 2, 3))]

    def contains(self, line: str) -> bool:
        """Most of the line's trigrams (of its words, for a line of one or two) occur."""
        words = WORD_RE.findall(line.casefold())
        n = min(len(words), 3)
        grams = _ngrams(words, n)
        return bool(grams) and len(grams & self.grams[n]) * 2 >= len(grams)


def _is_teaser(declared: Candidate, page: Candidate) -> bool:
    """A declared body that is a short part of the page's text (an excerpt, a summary)."""
    declared_words, page_words = declared.words(), page.words()
    shorter = sum(declared_words.values()) < TEASER_SHARE * sum(page_words.values())
    return shorter and _share(declared_words, page_words) >= MIN_AGREEMENT
