"""`malinews reprocess`: extraction and the stages run again on archived pages, no fetching.

After an upgrade or a profile fix, each stored article's last archived answer is read again.
A record changes only where the output changed: then it gets a new revision whose `changes`
says `reprocessed`; the others are left alone. Rule matches go through the alert outbox like a
crawl's, so a story already alerted is not alerted again, and no `edited` alert is sent: the
site changed nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context
from typing import Any

from malinews.article import RECORD_FIELDS, Article
from malinews.core import diff
from malinews.core.urls import canonical_url
from malinews.extraction.extract import extract_article
from malinews.extraction.html import decode_html
from malinews.pipelines import neardup
from malinews.pipelines.archive import Archive, Place
from malinews.pipelines.chain import Offline, run_offline
from malinews.pipelines.dedupe import content_hash
from malinews.pipelines.keywords import KeywordMatcher
from malinews.pipelines.store import Store, store_article
from malinews.sites.profile import SiteProfile

log = logging.getLogger("malinews")
# what extraction and the stages decide; the rest is bookkeeping of the store
BOOKKEEPING = ("id", "story_id", "duplicate_of", "revision", "changes", "modified", "crawled_at")
COMPARED = tuple(
    name for name in RECORD_FIELDS if name not in (*BOOKKEEPING, "removed_at", "removed_reason")
)


@dataclass
class Report:
    read: int = 0
    unchanged: int = 0
    changed: list[dict[str, Any]] = field(default_factory=list)  # the new records
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many
    alerts: int = 0
    seconds: float = 0.0

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


def reprocess(
    config: Any, store: Store, *, site: str | None, since: datetime, workers: int = 0
) -> Report:
    """Read again the last archived answer of each stored article fetched since `since` (of
    one site, or all); store the records whose output changed. `config` is a Config.

    Pages are read and extracted by `workers` processes (default: one per core); only the
    store is written by this one."""
    started = time.perf_counter()
    report = Report()
    profiles = {profile.name: profile for profile in config.sites}
    jobs: list[tuple[dict[str, Any], dict[str, Any], frozenset[str]]] = []
    learned: dict[str, frozenset[str]] = {}
    for found in store.latest_archived(site, since.isoformat(timespec="seconds")):
        current = store.current_record(found["id"])
        name = found["site"]
        if name not in profiles:
            report.skip("site_not_configured")
        elif current is None or current["removed_at"]:
            report.skip("removed")  # its last page is no longer what the site serves
        else:
            if name not in learned:
                learned[name] = frozenset(store.learned_lines(name))
            jobs.append((dict(found), current, learned[name]))
    _WORKER.update(archive=Archive(config.output_dir), profiles=profiles)
    _WORKER.update(matcher=KeywordMatcher(config.alerts))
    processes = min(workers or os.cpu_count() or 1, max(1, len(jobs) // CHUNK))
    results: Iterator[Article | str]
    with ExitStack() as stack:
        if processes > 1:  # forked: the workers inherit the profiles and rules above
            pool = stack.enter_context(get_context("fork").Pool(processes))
            results = pool.imap(_extract, jobs, chunksize=CHUNK)
        else:
            results = map(_extract, jobs)
        for (row, current, _), result in zip(jobs, results, strict=True):
            if isinstance(result, str):
                report.skip(result)
                if result == "archive_unreadable":
                    log.warning("%s: archive record unreadable", row["file"])
                continue
            report.read += 1
            if not _revise(result, current):
                report.unchanged += 1
                continue
            report.alerts += store_article(store, config, result, reprocessed=True)
            report.changed.append(result.record())
    report.seconds = time.perf_counter() - started
    return report


_WORKER: dict[str, Any] = {}  # what every job needs: set before the workers fork
CHUNK = 32  # pages per job batch sent to a worker


def _extract(job: tuple[dict[str, Any], dict[str, Any], frozenset[str]]) -> Article | str:
    """One archived page through extraction and the stages (no store): the item, or why not."""
    row, current, learned = job
    profile = _WORKER["profiles"][row["site"]]
    try:
        answer = _WORKER["archive"].read(Place(row["file"], row["offset"], row["length"]))
    except (OSError, ValueError, StopIteration):
        return "archive_unreadable"
    item = _article(answer.url, answer.body, answer.headers, row, profile, current)
    if item is None:
        return "not_article"
    item = run_offline(item, Offline(profile, _WORKER["matcher"], learned))
    return item if item.text else "empty"


def _article(
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    row: Any,
    profile: SiteProfile,
    current: dict[str, Any],
) -> Article | None:
    """The archived page extracted as at its fetch (the feed date it had, if it came from the
    feed: the archive holds the page, not the feed)."""
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    feed_date = current["published"] if current["date_source"] == "feed" else None
    fetched = datetime.fromisoformat(row["fetched_at"])
    html = decode_html(body, content_type)
    extraction = extract_article(html, url, profile, feed_date=feed_date, fetched_at=fetched)
    if extraction.article is not None:
        extraction.article.fetched_at = row["fetched_at"]
    return extraction.article


def _revise(item: Article, current: dict[str, Any]) -> bool:
    """Make `item` the next revision of the stored `current` record; False when its output is
    the same (nothing to store)."""
    item.id, item.story_id = current["id"], current["story_id"]
    item.duplicate_of = current["duplicate_of"]
    item.modified = item.modified or current["modified"]
    fresh = item.record()
    if all(fresh[name] == current[name] for name in COMPARED):
        return False
    item.revision = current["revision"] + 1
    chunks = diff.word_diff(current["title"], current["text"], item.title, item.text)
    item.changes = {**diff.summary(chunks), "reprocessed": True}
    item.content_hash = content_hash(item.text)
    item.band_keys = neardup.band_keys(neardup.signature(item.text))
    item.urls = {canonical_url(item.url), canonical_url(item.canonical_url)}
    return True
