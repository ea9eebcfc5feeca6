"""The public record of an article: the schema of articles.jsonl (README "Output")."""

from __future__ import annotations

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
    "keyword_hits",
    "removed",
    "extraction",
    "crawled_at",
)


def make_record(item: dict[str, Any]) -> dict[str, Any]:
    """The public record of an article (the schema of articles.jsonl, README "Output")."""
    record = {name: item.get(name) for name in RECORD_FIELDS}
    record["crawled_at"] = item.get("crawled_at") or item["fetched_at"]
    record["schema"] = SCHEMA_VERSION
    return record
