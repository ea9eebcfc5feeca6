"""Dedupe stage: one id per canonical URL, one story per text republished across sites."""

from __future__ import annotations

import hashlib

from malinews.article import Article
from malinews.core import diff
from malinews.core.urls import article_id, canonical_url
from malinews.pipelines import neardup
from malinews.pipelines.stage import Stage, drop_item
from malinews.pipelines.store import Store


def content_hash(text: str) -> str:
    """Hash of the cleaned body (titles differ between copies, so they are left out)."""
    digest = hashlib.sha256(" ".join(text.casefold().split()).encode("utf-8"))
    return digest.hexdigest()[:16]  # 64 bits: a collision among 10^6 bodies is ~1 in 10^7


def dedupe_item(store: Store, item: Article) -> Article | None:
    """Give the item its id, revision and story; None when it is already stored unchanged."""
    item.id = ident = article_id(item.canonical_url)
    item.content_hash = content_hash(item.text)
    item.band_keys = neardup.band_keys(neardup.signature(item.text))
    existing, match = store.lookup(item)
    if existing is not None:
        unchanged = (
            existing["content_hash"] == item.content_hash and existing["title"] == item.title
        )
        if unchanged and existing["removed_at"] is None:  # a page back after a takedown is news
            return None
        item.revision = existing["revision"] + 1
        item.story_id = existing["story_id"]
        item.modified = item.modified or item.fetched_at
        chunks = diff.word_diff(existing["title"], existing["text"], item.title, item.text)
        item.changes = diff.summary(chunks)
    else:
        item.revision = 1
        item.story_id = match["story_id"] if match is not None else ident
    item.duplicate_of = item.story_id if item.story_id != ident else None
    item.urls = {canonical_url(item.url), canonical_url(item.canonical_url)}
    return item


class DedupePipeline(Stage):
    def process_item(self, item: Article) -> Article:
        result = dedupe_item(self.spider.store, item)
        if result is None:
            self.count("unchanged")
            drop_item(f"already stored: {item.url}")
        if (result.revision or 1) > 1:
            self.count("revisions")
        elif result.duplicate_of:
            self.count("duplicates")
        return result
