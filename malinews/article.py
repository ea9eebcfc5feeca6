"""The article as it moves through malinews: one typed record from extraction to the store.

Extraction fills the first group of fields (what the page says), each stage the next ones
(see docs/architecture.md); `record()` gives the public record, the schema of articles.jsonl.
The working fields at the end are what the stages hand each other for the store; they are
never exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

SCHEMA_VERSION = 1
RECORD_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "site",
    "title",
    "text",
    "author",
    "source",
    "published",
    "modified",
    "date_source",
    "story_id",
    "duplicate_of",
    "revision",
    "changes",
    "removed_at",
    "removed_reason",
    "keyword_hits",
    "removed",
    "extraction",
    "crawled_at",
)


@dataclass(frozen=True)
class Hit:
    """The first occurrence of a rule's keyword in an article."""

    rule: str
    severity: str
    keyword: str  # the variant as written in the rule
    matched: str  # the text as it appears in the article
    snippet: str  # the sentence around the hit, hit highlighted as **...**


DateEvidence = list[list[str]]  # [[source, raw text]...], in order of trust


@dataclass
class Article:
    """One article page and what the stages made of it."""

    # extraction (extraction/extract.py)
    url: str  # URL fetched
    canonical_url: str  # rel=canonical / og:url on the same site, else `url`
    site: str  # site name from the config
    title: str
    paragraphs: list[str]  # body paragraphs in order, boilerplate still in
    date_candidates: DateEvidence  # jsonld, meta, time, feed, visible, url, htmldate
    modified_candidates: DateEvidence
    author_hint: str | None  # byline from markup
    source_hint: str | None  # source newspaper from markup
    extraction: str  # layer that gave the body: profile, metadata, generic or trafilatura
    lang: str | None = None  # the page's language (<html lang>), for month names in dates
    fetched_at: str = ""  # ISO 8601 UTC, set by whoever fetched the page
    # clean + boilerplate
    text: str = ""
    author: str | None = None
    source: str | None = None
    removed: list[dict[str, str]] = field(default_factory=list)
    # date
    published: str | None = None
    date_source: str | None = None
    modified: str | None = None
    # dedupe
    id: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    revision: int | None = None
    # words added and removed since the last revision; "reprocessed": true when the new revision
    # comes from `malinews reprocess` rather than from the site
    changes: dict[str, str | int | bool] | None = None
    # takedowns (scrapers/spiders/news.py): set on the record of a removed article
    removed_at: str | None = None
    removed_reason: str | None = None
    # keywords
    keyword_hits: list[str] | None = None
    # store
    crawled_at: str | None = None
    # working fields, never exported
    line_keys: list[str] = field(default_factory=list)  # short lines, for learned boilerplate
    content_hash: str = ""
    band_keys: list[int] = field(default_factory=list)  # LSH keys of the body
    urls: set[str] = field(default_factory=set)  # canonical forms of url and canonical_url
    hits: list[Hit] = field(default_factory=list)

    @classmethod
    def of(cls, url: str, site: str, title: str, **fields: Any) -> Article:
        """An article made from its fields rather than read from a page (the bench's and the
        tests' synthetic articles); unknown field names raise TypeError."""
        bare = cls(url, url, site, title, [], [], [], None, None, "generic")
        return replace(bare, **fields)

    def record(self) -> dict[str, Any]:
        """The public record (the schema of articles.jsonl, README "Output")."""
        record = {name: getattr(self, name) for name in RECORD_FIELDS}
        record["crawled_at"] = self.crawled_at or self.fetched_at
        record["schema"] = SCHEMA_VERSION
        return record
