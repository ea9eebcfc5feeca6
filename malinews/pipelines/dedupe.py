"""Dedupe stage: one id per canonical URL, one story per text republished across sites."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from malinews.pipelines import neardup
from malinews.pipelines.stage import Stage, drop_item
from malinews.pipelines.store import Store
from malinews.pipelines.urls import article_id, canonical_url


def content_hash(text: str) -> str:
    """Hash of the cleaned body (titles differ between copies, so they are left out)."""
    digest = hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8"))
    return digest.hexdigest()[:16]  # 64 bits: a collision among 10^6 bodies is ~1 in 10^7


def find_story(store: Store, item: dict[str, Any], keys: list[int]) -> sqlite3.Row | None:
    """The stored article this one is a copy of: same body hash, else a confirmed LSH match."""
    exact = store.by_hash(item["_content_hash"])
    if exact is not None and exact["id"] != item["id"]:
        return exact
    for candidate in store.lsh_candidates(keys, exclude=item["id"]):
        if neardup.is_copy(candidate["title"], candidate["text"], item["title"], item["text"]):
            return candidate
    return None


def dedupe_item(store: Store, item: dict[str, Any]) -> dict[str, Any] | None:
    """Give the item its id, revision and story; None when it is already stored unchanged."""
    item["id"] = article_id(item["canonical_url"])
    item["_content_hash"] = content_hash(item["text"])
    item["_band_keys"] = neardup.band_keys(neardup.signature(item["text"]))
    existing = store.article(item["id"])
    if existing is not None:
        if existing["content_hash"] == item["_content_hash"] and existing["title"] == item["title"]:
            return None
        item["revision"] = existing["revision"] + 1
        item["story_id"] = existing["story_id"]
        item["modified"] = item.get("modified") or item["fetched_at"]
    else:
        item["revision"] = 1
        match = find_story(store, item, item["_band_keys"])
        item["story_id"] = match["story_id"] if match is not None else item["id"]
    item["duplicate_of"] = item["story_id"] if item["story_id"] != item["id"] else None
    item["_urls"] = {canonical_url(item["url"]), canonical_url(item["canonical_url"])}
    return item


class DedupePipeline(Stage):
    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        result = dedupe_item(self.spider.store, item)
        if result is None:
            self.count("unchanged")
            drop_item(f"already stored: {item['url']}")
        if result["revision"] > 1:
            self.count("revisions")
        elif result["duplicate_of"]:
            self.count("duplicates")
        return result
