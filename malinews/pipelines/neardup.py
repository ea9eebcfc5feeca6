"""Near-duplicate detection across sites: MinHash fingerprints, LSH band keys, copy confirmation.

Pure and stateless. The store keeps `band_keys(signature(text))` per article, looks up the ids
sharing a key with a new article, then calls `is_copy` on each candidate's stored title and text.

The signature is a one-permutation MinHash (one hash per shingle, put in one of `NUM_PERM` bins,
minimum per bin, empty bins filled by a fixed pseudo-random probe order). Two texts agree on a bin
with probability close to the Jaccard similarity of their shingle sets, as with `NUM_PERM`
independent permutations, at the cost of a single hash per shingle (pure Python, ~1 ms/article).
"""

import hashlib
import random
import re
from collections.abc import Sequence, Set
from functools import lru_cache

from malinews.core.text import fold

NUM_PERM = 120
"""Signature length (bins)."""
ROWS = 3
"""Signature values per band."""
BANDS = NUM_PERM // ROWS
"""40 bands of 3 rows: a pair becomes a candidate with probability 1 - (1 - J**3) ** 40, i.e.
0.99 at Jaccard 0.5 (a copy cut to 60% plus another site's boilerplate), 0.93 at 0.4, 0.04 at 0.1.
On tests/corpus.py (312 copy pairs, 48k other pairs): 40 x 3 finds all copy pairs with 43 other
candidates; 30 x 4 misses 4 copy pairs; 60 x 2 makes 1,100 other pairs candidates."""
SHINGLE_WORDS = 5
"""Words per shingle: 5 words rarely recur between different texts on the same topic."""

SHORT_CHARS = 150
"""Bodies shorter than this (both) are compared by exact folded text only."""
MIN_SHINGLES = 50
"""Containment denominator floor when one text is longer: a shared block of a few lines (site
boilerplate, a stray paragraph) does not make a short text a copy of a long one."""
COPY_SIMILARITY = 0.5
"""Body similarity at or above which two texts are copies whatever their titles."""
TIEBREAK_SIMILARITY = 0.4
"""Between this and COPY_SIMILARITY, similar titles decide. Different articles on the same event
reach 0.32 on the test corpus (shared names and roles); copies score 0.74 or more."""
TITLE_SIMILARITY = 0.5
"""Word Jaccard of the folded titles needed in the tiebreak zone."""

_EMPTY = (1 << 64) - 1
_WORD = re.compile(r"[^\W_]+")


def _probe_orders() -> tuple[tuple[int, ...], ...]:
    """For each bin, the fixed order in which other bins are tried when it is empty."""
    rng = random.Random(20260101)
    orders = []
    for index in range(NUM_PERM):
        others = [b for b in range(NUM_PERM) if b != index]
        rng.shuffle(others)
        orders.append(tuple(others))
    return tuple(orders)


_PROBES = _probe_orders()


def _hash64(data: str) -> int:
    """Unsigned 64-bit hash, stable across processes (unlike `hash()`)."""
    return int.from_bytes(hashlib.blake2b(data.encode(), digest_size=8).digest())


def fold_words(text: str) -> list[str]:
    """Words of `text` casefolded, without accents or punctuation."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=1024)
def shingles(text: str) -> frozenset[int]:
    """Hashed word 5-shingles of the folded text (the whole text as one if shorter)."""
    words = fold_words(text)
    if len(words) <= SHINGLE_WORDS:
        return frozenset({_hash64(" ".join(words))} if words else ())
    return frozenset(
        _hash64(" ".join(words[i : i + SHINGLE_WORDS]))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    )


def _min_per_bin(hashes: Set[int]) -> list[int]:
    """Smallest hash per bin, the bin being the hash modulo NUM_PERM (`_EMPTY` if none)."""
    mins = [_EMPTY] * NUM_PERM
    for value in hashes:
        index = value % NUM_PERM
        if value < mins[index]:
            mins[index] = value
    return mins


def signature(text: str) -> tuple[int, ...]:
    """MinHash signature of `text`, NUM_PERM unsigned 64-bit values."""
    mins = _min_per_bin(shingles(text))
    if _EMPTY not in mins or min(mins) == _EMPTY:  # full, or no words at all
        return tuple(mins)
    return tuple(
        value if value != _EMPTY else next(mins[b] for b in _PROBES[i] if mins[b] != _EMPTY)
        for i, value in enumerate(mins)
    )


def band_keys(sig: Sequence[int]) -> list[int]:
    """One signed 64-bit key per band (fits SQLite INTEGER); the band index is part of the key.

    A text without words has no keys, so empty bodies are never candidates of each other.
    """
    if min(sig, default=_EMPTY) == _EMPTY:
        return []
    keys = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(
            b"".join(v.to_bytes(8) for v in rows), digest_size=8, salt=band.to_bytes(16)
        ).digest()
        keys.append(int.from_bytes(digest, signed=True))
    return keys


def _containment(a: Set[int], b: Set[int]) -> float:
    """|A ∩ B| / min(|A|, |B|), the denominator floored at MIN_SHINGLES (or the larger size)."""
    if not a or not b:
        return 0.0
    small, large = sorted((len(a), len(b)))
    return len(a & b) / max(small, min(MIN_SHINGLES, large))


def similarity(a_text: str, b_text: str) -> float:
    """Body similarity in 0..1: shingle containment, so a truncated or extended copy scores high."""
    return _containment(shingles(a_text), shingles(b_text))


def _title_similarity(a_title: str, b_title: str) -> float:
    """Jaccard similarity of the folded title words."""
    a, b = set(fold_words(a_title)), set(fold_words(b_title))
    return len(a & b) / len(a | b) if a and b else 0.0


def is_copy(a_title: str, a_text: str, b_title: str, b_text: str) -> bool:
    """True if one article is a copy of the other, possibly edited, cut, extended or retitled."""
    if len(a_text) < SHORT_CHARS and len(b_text) < SHORT_CHARS:
        a_words = fold_words(a_text)
        return bool(a_words) and a_words == fold_words(b_text)
    body = similarity(a_text, b_text)
    if body >= COPY_SIMILARITY:
        return True
    return body >= TIEBREAK_SIMILARITY and _title_similarity(a_title, b_title) >= TITLE_SIMILARITY
