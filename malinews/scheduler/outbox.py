"""Transactional outbox for keyword alerts: recorded with the article, delivered with retries.

An alert is recorded once per (rule, story_id) inside the caller's transaction, as one pending
delivery per channel. `deliver_pending` sends due deliveries and commits each one right after its
send succeeds, so a crash re-sends at most the message in flight and never loses one.

Later copies of an alerted story (another site republishing it) are appended to the alert; a
channel that already received the alert gets one follow-up, which absorbs further copies until it
is sent, and at most one follow-up per alert per channel per `FOLLOWUP_INTERVAL`.

Times are stored as fixed-width ISO 8601 UTC strings, so SQL can compare them as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any, NamedTuple

from malinews.scheduler.channels import Channel, DeliveryError

BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
FOLLOWUP_INTERVAL = timedelta(hours=1)
DIGEST_PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
MAX_ERROR_CHARS = 500


@dataclass
class DeliveryReport:
    """What one `deliver_pending` run did."""

    messages: int = 0  # messages handed to channels successfully
    delivered: int = 0  # deliveries marked delivered
    failed: int = 0  # deliveries whose send failed (retried later)
    unconfigured: int = 0  # due deliveries whose channel is not configured any more
    errors: list[str] = field(default_factory=list)


class _Due(NamedTuple):
    """A due pending delivery joined with its alert."""

    id: int
    channel: str
    kind: str
    attempts: int
    copies: str
    alert_id: int
    alert_created_at: str
    payload: str


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 30 s, 60 s, 120 s... at most 1 h."""
    return min(BASE_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def record_alert(
    conn: sqlite3.Connection,
    alert: Mapping[str, Any],
    channels: Sequence[str],
    now: datetime,
    key: str | None = None,
) -> bool:
    """Record `alert` as pending for each channel unless its (rule, key) exists; True if new.

    The key is the story (one alert per rule and story) unless given: an edit or a takedown
    alerts once per event. Does not commit: the caller's transaction stores the article and
    its alert together.
    """
    created = _iso(now)
    cursor = conn.execute(
        "INSERT INTO alerts (rule, story_id, article_id, created_at, payload)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (rule, story_id) DO NOTHING",
        (
            alert["rule"],
            key or alert["story_id"],
            alert["article_id"],
            created,
            _dumps(dict(alert)),
        ),
    )
    if cursor.rowcount == 0:
        return False
    conn.executemany(
        "INSERT INTO deliveries (alert_id, channel, kind, created_at, next_attempt_at)"
        " VALUES (?, ?, 'alert', ?, ?)",
        [(cursor.lastrowid, channel, created, created) for channel in dict.fromkeys(channels)],
    )
    return True


def add_copy(
    conn: sqlite3.Connection, rule: str, story_id: str, copy: Mapping[str, Any], now: datetime
) -> bool:
    """Append a later copy ({site, url, published}) of an alerted story and queue follow-ups.

    Returns False when no alert exists for (rule, story_id) or the copy's URL is already known.
    Channels still waiting for the alert itself need no follow-up: the alert is sent with its
    copies. Does not commit.
    """
    row = conn.execute(
        "SELECT id, payload FROM alerts WHERE rule = ? AND story_id = ?", (rule, story_id)
    ).fetchone()
    if row is None:
        return False
    alert_id, payload = row[0], json.loads(row[1])
    known_urls = {payload.get("url")} | {c.get("url") for c in payload.get("copies", [])}
    if copy.get("url") in known_urls:
        return False
    payload["copies"] = [*payload.get("copies", []), dict(copy)]
    conn.execute("UPDATE alerts SET payload = ? WHERE id = ?", (_dumps(payload), alert_id))
    for (channel,) in conn.execute(
        "SELECT channel FROM deliveries WHERE alert_id = ? AND kind = 'alert'"
        " AND status = 'delivered'",
        (alert_id,),
    ).fetchall():
        _queue_followup(conn, alert_id, channel, dict(copy), now)
    return True


def deliver_pending(
    conn: sqlite3.Connection, channels: Mapping[str, Channel], now: datetime
) -> DeliveryReport:
    """Send every due pending delivery, committing after each message.

    Commits the connection: call it outside the crawl's transactions. A channel that fails is not
    tried again in the same run. Digest channels send all their due deliveries in one message once
    their period has elapsed since their last digest (or since their oldest pending delivery).
    """
    report = DeliveryReport()
    rows = conn.execute(
        "SELECT d.id, d.channel, d.kind, d.attempts, d.copies, a.id, a.created_at, a.payload"
        " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.channel, d.id",
        (_iso(now),),
    ).fetchall()
    due = [_Due(*row) for row in rows]
    for name, group in groupby(due, key=lambda item: item.channel):
        items = list(group)
        channel = channels.get(name)
        if channel is None:
            report.unconfigured += len(items)
        elif channel.digest is None:
            for item in items:
                if not _send(conn, channel, [item], item.kind, now, report):
                    break
        elif _digest_due(conn, channel, now):
            _send(conn, channel, items, "digest", now, report)
    return report


def recent_alerts(
    conn: sqlite3.Connection,
    *,
    rule: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Newest alerts first, optionally of one rule and recorded at or after `since`.

    Each alert is its payload plus `alert_id`, `created_at` and `deliveries` ({channel: status}).
    """
    rows = conn.execute(
        "SELECT id, created_at, payload FROM alerts"
        " WHERE (:rule IS NULL OR rule = :rule) AND (:since IS NULL OR created_at >= :since)"
        " ORDER BY created_at DESC, id DESC LIMIT :limit",
        {"rule": rule, "since": since and _iso(since), "limit": limit},
    ).fetchall()
    return [
        {
            **json.loads(payload),
            "alert_id": alert_id,
            "created_at": created_at,
            "deliveries": dict(
                conn.execute(
                    "SELECT channel, status FROM deliveries WHERE alert_id = ? AND kind = 'alert'",
                    (alert_id,),
                ).fetchall()
            ),
        }
        for alert_id, created_at, payload in rows
    ]


def _queue_followup(
    conn: sqlite3.Connection, alert_id: int, channel: str, copy: dict, now: datetime
) -> None:
    """Add `copy` to the pending follow-up of (alert, channel), or queue a new follow-up."""
    pending = conn.execute(
        "SELECT id, copies FROM deliveries WHERE alert_id = ? AND channel = ?"
        " AND kind = 'followup' AND status = 'pending'",
        (alert_id, channel),
    ).fetchone()
    if pending is not None:
        copies = [*json.loads(pending[1]), copy]
        conn.execute("UPDATE deliveries SET copies = ? WHERE id = ?", (_dumps(copies), pending[0]))
        return
    (last_sent,) = conn.execute(
        "SELECT max(delivered_at) FROM deliveries WHERE alert_id = ? AND channel = ?"
        " AND kind = 'followup'",
        (alert_id, channel),
    ).fetchone()
    due = _utc(now) if last_sent is None else max(_utc(now), _parse(last_sent) + FOLLOWUP_INTERVAL)
    conn.execute(
        "INSERT INTO deliveries (alert_id, channel, kind, created_at, next_attempt_at, copies)"
        " VALUES (?, ?, 'followup', ?, ?, ?)",
        (alert_id, channel, _iso(now), _iso(due), _dumps([copy])),
    )


def _digest_due(conn: sqlite3.Connection, channel: Channel, now: datetime) -> bool:
    """Whether the digest period has elapsed since the last digest or the oldest pending item."""
    if channel.digest is None:  # not a digest channel
        return False
    (start,) = conn.execute(
        "SELECT coalesce((SELECT last_sent_at FROM digests WHERE channel = :name),"
        " (SELECT min(created_at) FROM deliveries WHERE channel = :name AND status = 'pending'))",
        {"name": channel.name},
    ).fetchone()
    return start is not None and _utc(now) >= _parse(start) + DIGEST_PERIODS[channel.digest]


def _send(
    conn: sqlite3.Connection,
    channel: Channel,
    items: list[_Due],
    kind: str,
    now: datetime,
    report: DeliveryReport,
) -> bool:
    """Send one message made of `items`, record the outcome and commit; True on success."""
    try:
        channel.send([_message_item(item) for item in items], kind)
    except DeliveryError as exc:
        error = str(exc)[:MAX_ERROR_CHARS]
        conn.executemany(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
            " WHERE id = ?",
            [(error, _iso(now + backoff(item.attempts + 1)), item.id) for item in items],
        )
        conn.commit()
        report.failed += len(items)
        report.errors.append(f"{channel.name}: {error}")
        return False
    conn.executemany(
        "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,"
        " delivered_at = ? WHERE id = ?",
        [(_iso(now), item.id) for item in items],
    )
    if kind == "digest":
        conn.execute(
            "INSERT INTO digests (channel, last_sent_at) VALUES (?, ?)"
            " ON CONFLICT (channel) DO UPDATE SET last_sent_at = excluded.last_sent_at",
            (channel.name, _iso(now)),
        )
    conn.commit()
    report.messages += 1
    report.delivered += len(items)
    return True


def _message_item(item: _Due) -> dict[str, Any]:
    """The alert as channels receive it; a follow-up lists the copies it announces."""
    message = {
        **json.loads(item.payload),
        "alert_id": item.alert_id,
        "created_at": item.alert_created_at,
        "kind": item.kind,
    }
    if item.kind == "followup":
        message["new_copies"] = json.loads(item.copies)
    return message


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601 text, comparable as a string."""
    return _utc(moment).isoformat(timespec="microseconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
