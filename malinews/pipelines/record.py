"""The public record of an article: the schema of articles.jsonl (README "Output")."""

from __future__ import annotations

import json
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


def jsonl_line(record: dict[str, Any], *, sort_keys: bool = False) -> bytes:
    """One JSON Lines line. U+2028, U+2029 and U+0085 are escaped: some readers split lines on
    them, which would cut a record in two."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=sort_keys)
    for char in ("\u2028", "\u2029", "\u0085"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return (text + "\n").encode("utf-8")
