"""Alert rules and the keyword matcher.

Matching works on tokens, never on regular expressions built from keywords. A token is a run
of letters/digits or a single punctuation sign; whitespace, dashes and apostrophes only separate
tokens, so "Africa Corps" finds "l’Africa-Corps" and "RT" does not find "ORTM". Tokens are
compared in their folded form (casefolded, accents removed): "securite" finds "Sécurité".

All keywords of all rules sit in one token trie, so matching an article costs about one dict
lookup per token whatever the number of rules.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from malinews.article import Article, Hit
from malinews.core.text import APOSTROPHES, DASHES, fold
from malinews.pipelines.stage import Stage

SEVERITIES = ("info", "warning", "critical")
SNIPPET_MAX = 300
EVENTS = ("new", "edited", "removed")  # what a rule's `on` may ask to be told of

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_SEPARATORS = re.escape(APOSTROPHES + DASHES)
_TOKEN = re.compile(rf"[\w{_MARKS}]+|[^\s\w{_MARKS}{_SEPARATORS}]")
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»”\"')]))\s+|\n\s*")
_RULE_NAME = re.compile(r"[a-z0-9_-]+")


class RuleError(ValueError):
    """Invalid rule; message names the rule and the key, one line."""


@lru_cache(maxsize=1 << 16)
def _fold_token(token: str) -> str:
    return fold(token)


def _words(text: str) -> list[str]:
    """Folded tokens of `text`, one per `_TOKEN` match (a token may fold to "")."""
    return [_fold_token(token) for token in _TOKEN.findall(text)]


def _spans(text: str, last: int) -> list[tuple[int, int]]:
    """Character spans of the tokens of `text`, up to token number `last`."""
    return [m.span() for m in islice(_TOKEN.finditer(text), last + 1)]


def keyword_tokens(keyword: str) -> tuple[str, ...]:
    """The folded tokens a keyword is matched by (empty: it can never match)."""
    return tuple(word for word in _words(keyword) if word)


Keyword = tuple[str, ...]  # one keyword: its spelling variants


@dataclass(frozen=True)
class AlertRule:
    """One alert: fires when a keyword occurs, every `all` keyword occurs and no `exclude` one."""

    name: str
    keywords: tuple[Keyword, ...]
    all: tuple[Keyword, ...] = ()
    exclude: tuple[Keyword, ...] = ()
    sites: tuple[str, ...] = ()
    severity: str = "info"
    channels: tuple[str, ...] = ()
    on: tuple[str, ...] = ("new",)  # events alerted: a new match, an edit, a takedown

    @classmethod
    def from_config(cls, table: dict) -> AlertRule:
        """From one [[alerts]] TOML table; raises RuleError naming the rule and the key."""
        if not isinstance(table, dict):
            raise RuleError(f"alert rule: must be a table, got {type(table).__name__}")
        name = table.get("name")
        prefix = f"alert rule {name!r}" if isinstance(name, str) else "alert rule (unnamed)"
        values: dict[str, Any] = {}
        for key, value in table.items():
            parse = _PARSERS.get(key)
            if parse is None:
                raise RuleError(f"{prefix}: unknown key {key!r}")
            try:
                values[key] = parse(value)
            except ValueError as exc:
                raise RuleError(f"{prefix}, key {key!r}: {exc}") from None
        for key in ("name", "keywords"):
            if key not in values:
                raise RuleError(f"{prefix}, key {key!r}: missing")
        return cls(**values)


def _parse_name(value: object) -> str:
    if not isinstance(value, str) or not _RULE_NAME.fullmatch(value):
        raise ValueError(f"must be a string of [a-z0-9_-], got {value!r}")
    return value


def _parse_severity(value: object) -> str:
    if value not in SEVERITIES:
        raise ValueError(f"must be one of {', '.join(SEVERITIES)}, got {value!r}")
    return str(value)


def _parse_strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"must be a list of strings, got {value!r}")
    return tuple(value)


def _parse_events(value: object) -> tuple[str, ...]:
    events = _parse_strings(value)
    for event in events:
        if event not in EVENTS:
            raise ValueError(f"must list events among {', '.join(EVENTS)}, got {event!r}")
    return events


def _parse_keyword(entry: object) -> Keyword:
    variants = [entry] if isinstance(entry, str) else entry
    if not isinstance(variants, list | tuple) or not variants:
        raise ValueError(f"a keyword must be a string or a list of variants, got {entry!r}")
    for variant in variants:
        if not isinstance(variant, str):
            raise ValueError(f"a keyword variant must be a string, got {variant!r}")
        if not keyword_tokens(variant):
            raise ValueError(f"empty keyword {variant!r}")
    return tuple(variants)


def _parse_keywords(value: object, *, required: bool = False) -> tuple[Keyword, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"must be a list of keywords, got {value!r}")
    if required and not value:
        raise ValueError("must list at least one keyword")
    return tuple(_parse_keyword(entry) for entry in value)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "name": _parse_name,
    "keywords": lambda value: _parse_keywords(value, required=True),
    "all": _parse_keywords,
    "exclude": _parse_keywords,
    "sites": _parse_strings,
    "severity": _parse_severity,
    "channels": _parse_strings,
    "on": _parse_events,
}


_KEYWORD, _ALL, _EXCLUDE = "keywords", "all", "exclude"


@dataclass(frozen=True)
class _Entry:
    """What a complete keyword in the trie stands for."""

    rule: int  # index of the rule in the matcher
    role: str  # _KEYWORD, _ALL or _EXCLUDE
    group: int  # index of the keyword in that role's list
    variant: str


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    entries: list[_Entry] = field(default_factory=list)


@dataclass(frozen=True)
class _Occurrence:
    source: str  # the title or the text
    start: int
    end: int
    variant: str


@dataclass
class _Evidence:
    """What one article contains, per rule."""

    first: dict[int, _Occurrence] = field(default_factory=dict)
    groups: set[tuple[int, int]] = field(default_factory=set)
    excluded: set[int] = field(default_factory=set)

    def record(self, entry: _Entry, occurrence: _Occurrence) -> None:
        if entry.role == _KEYWORD:
            self.first.setdefault(entry.rule, occurrence)
        elif entry.role == _ALL:
            self.groups.add((entry.rule, entry.group))
        else:
            self.excluded.add(entry.rule)


class KeywordMatcher:
    """Matches articles against many alert rules in one pass over the tokens."""

    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self._rules = tuple(rules)
        self._root = _Node()
        for index, rule in enumerate(self._rules):
            for role in (_KEYWORD, _ALL, _EXCLUDE):
                for group, variants in enumerate(getattr(rule, role)):
                    for variant in variants:
                        self._add(keyword_tokens(variant), _Entry(index, role, group, variant))

    def _add(self, tokens: tuple[str, ...], entry: _Entry) -> None:
        if not tokens:
            return
        node = self._root
        for token in tokens:
            node = node.children.setdefault(token, _Node())
        node.entries.append(entry)

    def match(self, *, title: str, text: str, site: str) -> list[Hit]:
        """One Hit per rule that fires (first hit, title checked before text)."""
        evidence = _Evidence()
        for source in (title, text):
            found = list(self._occurrences(_words(source)))
            if not found:
                continue
            spans = _spans(source, max(last for _, last, _ in found))  # only texts with hits
            for first, last, entry in found:
                start, end = spans[first][0], spans[last][1]
                evidence.record(entry, _Occurrence(source, start, end, entry.variant))
        return [
            self._hit(self._rules[index], occurrence)
            for index, occurrence in sorted(evidence.first.items())
            if self._fires(index, site, evidence)
        ]

    def _occurrences(self, words: list[str]) -> Iterator[tuple[int, int, _Entry]]:
        """(first token, last token, entry) of every keyword found; longest first per start."""
        for i, word in enumerate(words):
            # a token that folds to nothing (a lone combining mark) is skipped, as it is in
            # the keyword (`keyword_tokens`)
            node = self._root.children.get(word) if word else None
            found: list[tuple[int, list[_Entry]]] = []
            j = i
            while node is not None:
                if node.entries:
                    found.append((j, node.entries))
                j += 1
                while j < len(words) and not words[j]:
                    j += 1
                node = node.children.get(words[j]) if j < len(words) else None
            for last, entries in reversed(found):
                for entry in entries:
                    yield i, last, entry

    def _fires(self, index: int, site: str, evidence: _Evidence) -> bool:
        rule = self._rules[index]
        return (
            (not rule.sites or site in rule.sites)
            and index not in evidence.excluded
            and all((index, group) in evidence.groups for group in range(len(rule.all)))
        )

    @staticmethod
    def _hit(rule: AlertRule, occurrence: _Occurrence) -> Hit:
        source, start, end = occurrence.source, occurrence.start, occurrence.end
        return Hit(
            rule=rule.name,
            severity=rule.severity,
            keyword=occurrence.variant,
            matched=source[start:end],
            snippet=snippet(source, start, end),
        )


def snippet(source: str, start: int, end: int) -> str:
    """The sentence of `source` around `source[start:end]`, which is wrapped in ** **.

    A sentence longer than SNIPPET_MAX characters is cut to a window around the hit, with "…".
    """
    first, last = _sentence_bounds(source, start, end)
    cut_left = cut_right = False
    if last - first > SNIPPET_MAX:
        room = max(SNIPPET_MAX - (end - start), 0) // 2
        cut_left, cut_right = start - room > first, end + room < last
        if cut_left:
            space = source.find(" ", start - room, start)
            first = space + 1 if space != -1 else start - room
        if cut_right:
            space = source.rfind(" ", end, end + room)
            last = space if space != -1 else end + room
    before = ("…" if cut_left else "") + source[first:start].lstrip()
    after = source[end:last].rstrip() + ("…" if cut_right else "")
    return f"{before}**{source[start:end]}**{after}"


@lru_cache(maxsize=8)
def _sentence_breaks(source: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the sentence breaks of `source` (found once per text, not per hit)."""
    breaks = [m.span() for m in _SENTENCE_BREAK.finditer(source)]
    return [b[0] for b in breaks], [b[1] for b in breaks]


def _sentence_bounds(source: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around `source[start:end]`: from the last break before it to the next."""
    starts, ends = _sentence_breaks(source)
    before = bisect_right(ends, start) - 1
    after = bisect_left(starts, end)
    first = ends[before] if before >= 0 else 0
    last = starts[after] if after < len(starts) else len(source)
    return first, last


def keywords_item(item: Article, matcher: KeywordMatcher) -> Article:
    """Set `keyword_hits` (rule names) and the hits the store records as alerts."""
    item.hits = matcher.match(title=item.title, text=item.text, site=item.site)
    item.keyword_hits = [hit.rule for hit in item.hits]
    return item


class KeywordsPipeline(Stage):
    """Flag the alert rules an article hits (`keyword_hits`); the store records the alerts."""

    def open_spider(self) -> None:
        self.matcher = KeywordMatcher(self.spider.config.alerts)

    def process_item(self, item: Article) -> Article:
        return keywords_item(item, self.matcher)
