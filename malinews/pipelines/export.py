"""Exports of the state store: append-only `articles.jsonl` and the JSON Feed `feed.json`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nh3

from malinews.article import Article
from malinews.pipelines.stage import Stage
from malinews.pipelines.store import Store

ARTICLES = "articles.jsonl"
FEED = "feed.json"
FEED_SIZE = 100
TAIL_BYTES = 1 << 20  # how far back a crash can have left an unmarked record


def append_lines(path: Path, records: list[dict[str, Any]]) -> None:
    """Append records as JSON lines, each line in one write() so a reader never sees half."""
    if not records:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        for record in records:
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def repair_tail(path: Path) -> None:
    """Cut a partial last line left by a crash in the middle of a write."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        data = handle.read()
        if data.endswith(b"\n"):
            return
        handle.truncate(data.rfind(b"\n") + 1)


def _tail_records(path: Path, size: int = TAIL_BYTES) -> list[dict[str, Any]]:
    """The whole records in the last `size` bytes of a JSON Lines file."""
    if not path.exists():
        return []
    offset = max(0, path.stat().st_size - size)
    with path.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().split(b"\n")
    records = []
    for line in lines[1:] if offset else lines:  # the first line may start mid-record
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def export_pending(store: Store, output_dir: Path, *, after_crash: bool = False) -> int:
    """Append every stored revision not yet in articles.jsonl; returns how many.

    Each record is appended after the store committed it, then marked exported. A crash between
    the two leaves a record in the file but unmarked: `after_crash` (at the start of a crawl)
    first marks the records found at the end of the file, so no line is ever written twice.
    """
    path = output_dir / ARTICLES
    if after_crash:
        repair_tail(path)
        with store.transaction():
            store.mark_exported(
                r
                for r in _tail_records(path)
                if isinstance(r, dict) and {"id", "revision"} <= r.keys()
            )
    records = store.unexported()
    append_lines(path, records)
    with store.transaction():
        store.mark_exported(records)
    return len(records)


def sanitize_html(html: str) -> str:
    """Article HTML safe to embed: no scripts, event handlers or javascript: URLs."""
    return nh3.clean(html, url_schemes={"http", "https", "mailto"})


def feed_item(story: dict[str, Any], records: list[dict[str, Any]]) -> dict[str, Any]:
    """One JSON Feed item per story, from its first copy; copies in `_malinews`."""
    first = records[0]
    hits = sorted({hit for r in records for hit in r.get("keyword_hits") or []})
    item: dict[str, Any] = {
        "id": story["story_id"],
        "url": first["url"],
        "title": first["title"],
        "content_text": first["text"],
        "content_html": sanitize_html(
            "".join(f"<p>{nh3.clean_text(p)}</p>" for p in first["text"].split("\n\n"))
        ),
        "summary": first["text"][:280],
        "language": "fr",
        "_malinews": {
            "story_id": story["story_id"],
            "first_site": story["first_site"],
            "source": story["source"],
            "earliest_published": story["earliest_published"],
            "keyword_hits": hits,
            "copies": story["copies"],
            # copies taken down since (404, redirect, not-found page): when and why
            "removed": [
                {"url": r["url"], "removed_at": r["removed_at"], "reason": r["removed_reason"]}
                for r in records
                if r.get("removed_at")
            ],
        },
    }
    if story["earliest_published"]:
        item["date_published"] = story["earliest_published"]
    if first.get("modified"):
        item["date_modified"] = first["modified"]
    if first.get("author"):
        item["authors"] = [{"name": first["author"]}]
    return item


def write_feed(store: Store, output_dir: Path, title: str = "malinews") -> Path:
    """Rebuild feed.json (JSON Feed 1.1) from the store, atomically."""
    items = [
        feed_item(story, store.records(story["story_id"]))
        for story in store.latest_stories(FEED_SIZE)
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "description": "Articles of the Malian press, one item per story",
        "language": "fr",
        "items": items,
    }
    path = output_dir / FEED
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(feed, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return path


class ExportPipeline(Stage):
    """Append each stored article to articles.jsonl; rebuild feed.json at the end."""

    def open_spider(self) -> None:
        output = self.spider.config.output_dir
        with self.writing(output / ARTICLES, item=False):
            export_pending(self.spider.store, output, after_crash=True)

    def process_item(self, item: Article) -> Article:
        output = self.spider.config.output_dir
        with self.writing(output / ARTICLES):
            export_pending(self.spider.store, output)
        return item

    def close_spider(self) -> None:
        output = self.spider.config.output_dir
        if not self.output_failed:  # takedowns are stored by the spider, not as items
            with self.writing(output / ARTICLES, item=False):
                export_pending(self.spider.store, output)
            with self.writing(output / FEED, item=False):
                write_feed(self.spider.store, output)
