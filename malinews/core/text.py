"""Text folding: the one accent- and case-insensitive form every comparison starts from."""

from __future__ import annotations

import unicodedata

APOSTROPHES = "'’‘ʼ`´′"
DASHES = "-‐‑‒–—―−"
_UNIFY = str.maketrans(
    {**dict.fromkeys(APOSTROPHES, "'"), **dict.fromkeys(DASHES, "-"), "œ": "oe", "æ": "ae"}
)


def fold(text: str) -> str:
    """`text` casefolded, accents (combining marks) removed, apostrophes and dashes unified,
    ligatures spelt out: "L’Œuvre — Décès" -> "l'oeuvre - deces".

    Callers refine it to their own matching form (tokens, words, ASCII letters).
    """
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_UNIFY)
