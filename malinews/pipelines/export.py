"""Exports of the state store: append-only `articles.jsonl` and the JSON Feed `feed.json`."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import nh3

from malinews.article import Article
from malinews.core.jsonl import jsonl_line
from malinews.pipelines.stage import Stage
from malinews.pipelines.store import Store

ARTICLES = "articles.jsonl"
FEED = "feed.json"
FEED_SIZE = 100
log = logging.getLogger("malinews")


def append_lines(path: Path, records: list[dict[str, Any]]) -> None:
    """Append records as JSON lines, each line in one write() so a reader never sees half."""
    if not records:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        for record in records:
            os.write(fd, jsonl_line(record))
    finally:
        os.close(fd)


def repair_tail(path: Path, chunk: int = 1 << 16) -> None:
    """Cut a partial last line left by a crash in the middle of a write. Reads back from the
    end only, `chunk` bytes at a time: it runs before every append, and the file only grows."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as handle:
        end = handle.seek(0, os.SEEK_END)
        handle.seek(end - 1)
        if handle.read(1) == b"\n":
            return
        while end > 0:
            start = max(0, end - chunk)
            handle.seek(start)
            newline = handle.read(end - start).rfind(b"\n")
            if newline >= 0:
                handle.truncate(start + newline + 1)
                return
            end = start
        handle.truncate(0)


def _records_from(path: Path, offset: int) -> list[dict[str, Any]]:
    """The article records of a JSON Lines file from byte `offset` (a line start) on."""
    with path.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().split(b"\n")
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and {"id", "revision"} <= record.keys():
            records.append(record)
    return records


def _reconcile(store: Store, path: Path) -> None:
    """Bring the store in line with articles.jsonl before appending (caller's transaction).

    The store keeps where the file ended after the last committed append. Lines beyond it were
    appended by a process that died before its commit: they are marked exported, whatever the
    size of that batch. A file cut short gets its lost records back; a missing one is reported.
    """
    end_inode, end_size = store.export_end(ARTICLES) or (None, 0)
    if not path.exists() or path.stat().st_size == 0:
        if end_size:
            log.warning(
                "%s: missing or empty, though records were written to it: new records start a "
                "new file; `malinews export --rebuild` writes every record again",
                path,
            )
        return
    repair_tail(path)
    stat = path.stat()
    same_file = end_inode == stat.st_ino
    cut = same_file and stat.st_size < end_size
    if cut:
        log.warning(
            "%s: shorter than malinews left it (%d bytes, was %d): the records cut out are not "
            "written again; `malinews export --rebuild` writes every record",
            path,
            stat.st_size,
            end_size,
        )
    found = _records_from(path, end_size if same_file and not cut else 0)
    store.mark_exported(found)
    if cut:
        present = {(r["id"], r["revision"]) for r in found}
        lost = [r for r in store.exported() if (r["id"], r["revision"]) not in present]
        log.warning("%s: cut short: %d lost records written again", path, len(lost))
        append_lines(path, lost)


def _save_end(store: Store, path: Path) -> None:
    stat = path.stat() if path.exists() else None
    store.set_export_end(ARTICLES, stat.st_ino if stat else 0, stat.st_size if stat else 0)


def export_pending(store: Store, output_dir: Path) -> int:
    """Append every stored revision not yet in articles.jsonl; returns how many.

    The whole export runs in one store transaction: its write lock makes this process the only
    one appending (crawls of several sites share the folder), and the records are marked and
    the file's new end saved only once they are written, so a crash never loses a record and
    the next export finds the unmarked lines (`_reconcile`).
    """
    path = output_dir / ARTICLES
    with store.transaction():
        _reconcile(store, path)
        records = store.unexported()
        append_lines(path, records)
        store.mark_exported(records)
        _save_end(store, path)
    return len(records)


def rebuild(store: Store, output_dir: Path) -> int:
    """Write articles.jsonl again with every stored revision; returns how many.

    The records go to a new file that replaces the old one only when whole, inside the store
    transaction that marks them: interrupted, or with the store busy, the old file stays.
    """
    path = output_dir / ARTICLES
    tmp = path.with_name(ARTICLES + ".tmp")
    with store.transaction():
        records = store.all_revisions()
        tmp.unlink(missing_ok=True)
        append_lines(tmp, records)
        tmp.touch()
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        store.mark_exported(records)
        os.replace(tmp, path)
        _save_end(store, path)
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
    # a new file of its own (O_EXCL: never through a planted symlink, never another writer's),
    # which replaces the feed only when whole: commands running at once each write a whole feed
    fd, tmp = tempfile.mkstemp(prefix=".feed-", suffix=".tmp", dir=output_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(feed, handle, ensure_ascii=False, indent=1)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class ExportPipeline(Stage):
    """Append each stored article to articles.jsonl; rebuild feed.json at the end."""

    def open_spider(self) -> None:
        output = self.spider.config.output_dir
        with self.writing(output / ARTICLES, item=False):
            export_pending(self.spider.store, output)

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
