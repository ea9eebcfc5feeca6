"""Word-level differences between two revisions of an article (record `changes`, `malinews diff`).

Texts are compared after cleaning, word by word: a change of spacing or line breaks alone is no
change. The record keeps a short summary; `malinews diff` shows the whole comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

SUMMARY_CHARS = 200  # per side of the record's `changes`
JOIN_WORDS = 3  # unchanged words between two changes that make them one passage
RED, GREEN, RESET = "\033[31m", "\033[32m", "\033[0m"


@dataclass(frozen=True)
class Chunk:
    """A run of words that both revisions share (`kind` "same"), or that one lacks."""

    kind: str  # "same", "added" or "removed"
    words: tuple[str, ...]


def _words(title: str, text: str) -> list[str]:
    return [*title.split(), "¶", *text.split()]  # ¶ keeps a title change apart from the body


def word_diff(old_title: str, old_text: str, new_title: str, new_text: str) -> list[Chunk]:
    """The new revision as chunks kept, added and removed, in reading order."""
    old, new = _words(old_title, old_text), _words(new_title, new_text)
    chunks: list[Chunk] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(Chunk("same", tuple(new[j1:j2])))
            continue
        if i2 > i1:
            chunks.append(Chunk("removed", tuple(old[i1:i2])))
        if j2 > j1:
            chunks.append(Chunk("added", tuple(new[j1:j2])))
    return chunks


def _short(pieces: list[str]) -> str:
    text = " … ".join(pieces)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1].rstrip() + "…"


def _passages(chunks: list[Chunk]) -> list[tuple[str, str]]:
    """The changed passages as (removed, added) texts; a change a few words after another
    continues it, with the words between on both sides ("700 000 tonnes" -> "750 000 ...")."""
    passages: list[tuple[list[str], list[str]]] = []
    open_ = False
    for n, chunk in enumerate(chunks):
        if chunk.kind == "same":
            joins = open_ and len(chunk.words) <= JOIN_WORDS and n + 1 < len(chunks)
            if joins:
                passages[-1][0].extend(chunk.words)
                passages[-1][1].extend(chunk.words)
            open_ = joins
            continue
        if not open_:
            passages.append(([], []))
            open_ = True
        passages[-1][chunk.kind == "added"].extend(chunk.words)
    return [(" ".join(removed), " ".join(added)) for removed, added in passages]


def summary(chunks: list[Chunk]) -> dict[str, str | int]:
    """The record's `changes`: the passages added and removed (short), and how many words."""
    passages = _passages(chunks)
    return {
        "added": _short([added for _, added in passages if added]),
        "removed": _short([removed for removed, _ in passages if removed]),
        "words_added": sum(len(c.words) for c in chunks if c.kind == "added"),
        "words_removed": sum(len(c.words) for c in chunks if c.kind == "removed"),
    }


def render(chunks: list[Chunk], *, color: bool, context: int = 8) -> str:
    """The comparison as text: removed words as [-...-], added as {+...+} (in red and green on
    a terminal); long unchanged runs shortened to `context` words on each side."""
    out: list[str] = []
    for chunk in chunks:
        words = list(chunk.words)
        if chunk.kind == "same":
            out.append(" ¶ ".join(_shorten(part, context) for part in " ".join(words).split("¶")))
        elif color:
            out.append((RED if chunk.kind == "removed" else GREEN) + " ".join(words) + RESET)
        else:
            mark = ("[-", "-]") if chunk.kind == "removed" else ("{+", "+}")
            out.append(mark[0] + " ".join(words) + mark[1])
    return "\n\n".join(part.strip() for part in " ".join(out).split("¶"))


def _shorten(text: str, context: int) -> str:
    words = text.split()
    if len(words) > 2 * context:
        words = [*words[:context], "…", *words[-context:]]
    return " ".join(words)
