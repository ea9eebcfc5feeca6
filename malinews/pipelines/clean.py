"""Text normalisation: HTML entities, mojibake, Unicode NFC and whitespace.

Malian sites serve entity-encoded text, UTF-8 read as Latin-1 ("accompagnÃ©"), NFKD text (malijet)
and hard-wrapped lines inside sentences (L'Essor). Every later stage (boilerplate phrases, dedupe,
keywords) compares strings, so they all start from the output of `normalize_text`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from malinews.article import Article
from malinews.pipelines.stage import Stage

# Characters that carry no text: zero-width space and joiners, soft hyphen, byte-order mark.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u00ad\ufeff]")
# Month names whose accented letter was lost to U+FFFD (malijet's "ao�t", "d�cembre"): the only
# words where the missing letter is certain.
_BROKEN_MONTHS = {"ao\ufffdt": "août", "f\ufffdvrier": "février", "d\ufffdcembre": "décembre"}
_BROKEN_MONTH = re.compile("|".join(_BROKEN_MONTHS), re.IGNORECASE)
# What UTF-8 read as windows-1252 or Latin-1 looks like: a C1 control, or a lead byte's letter
# (Â Ã Ä Å â ï) before a continuation byte's character ("Ã©", "â€™", "Ã "). ftfy is slow; it
# only runs on text showing one of these.
_MOJIBAKE_HINT = re.compile(
    "[\u0080-\u009f]|[\u00c2-\u00c5\u00e2\u00ef]"
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


def _repair_month(match: re.Match[str]) -> str:
    month = _BROKEN_MONTHS[match.group().lower()]
    return month.capitalize() if match.group()[0].isupper() else month


def normalize_text(text: str) -> str:
    """One clean line: entities decoded, mojibake repaired (also "ao�t" in month names), NFC,
    all whitespace runs → one space.

    Typographic apostrophes and guillemets are kept as written; no-break spaces become spaces.
    """
    text = html.unescape(text)
    if _MOJIBAKE_HINT.search(text):
        import ftfy  # on first use: most pages never need it, and it costs ~0.07 s to import

        text = ftfy.fix_text(text, unescape_html=False, uncurl_quotes=False)
    text = _BROKEN_MONTH.sub(_repair_month, text)
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return " ".join(text.split())  # str.split() also splits on no-break spaces (U+00A0, U+202F)


def normalize_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """`normalize_text` on each paragraph, dropping those left empty."""
    return [clean for clean in map(normalize_text, paragraphs) if clean]


def clean_item(item: Article) -> Article:
    """Normalise the title, body paragraphs and markup hints of an item."""
    item.title = normalize_text(item.title)
    item.paragraphs = normalize_paragraphs(item.paragraphs)
    item.author_hint = normalize_text(item.author_hint or "") or None
    item.source_hint = normalize_text(item.source_hint or "") or None
    return item


class CleanPipeline(Stage):
    def process_item(self, item: Article) -> Article:
        return clean_item(item)
