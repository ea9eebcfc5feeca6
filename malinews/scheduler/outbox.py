"""Transactional outbox for keyword alerts: delivered with retries.

Alerts and follow-ups are recorded with the article that raised them (`pipelines/alerts.py`).
`deliver_pending` sends due deliveries and commits each one right after its send succeeds, so a
crash re-sends at most the message in flight and never loses one.

A delivery that failed `MAX_ATTEMPTS` times (about 5 hours of retries) becomes `failed` and is
not tried again. When a channel starts failing, an ops alert (rule `ops:channel`) says so.

Times are stored as fixed-width ISO 8601 UTC strings, so SQL can compare them as text.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any, NamedTuple

from malinews.core.db import Connection
from malinews.pipelines.alerts import iso, record_alert, utc
from malinews.scheduler.channels import Channel, DeliveryError

BASE_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
DIGEST_PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
MAX_ERROR_CHARS = 500
MAX_ATTEMPTS = 12  # 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: given up after about 5 hours
log = logging.getLogger("malinews")


@dataclass
class DeliveryReport:
    """What one `deliver_pending` run did."""

    messages: int = 0  # messages handed to channels successfully
    delivered: int = 0  # deliveries marked delivered
    failed: int = 0  # deliveries whose send failed (retried later, or given up)
    given_up: int = 0  # deliveries that became `failed` after MAX_ATTEMPTS tries
    ops_alerts: int = 0  # channels that started failing, announced to the ops channels
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


def deliver_pending(
    conn: Connection,
    channels: Mapping[str, Channel],
    now: datetime,
    ops: Sequence[str] = (),
) -> DeliveryReport:
    """Send every due pending delivery, committing after each message.

    Commits the connection: call it outside the crawl's transactions. A channel that fails is not
    tried again in the same run, and never stops the others. Digest channels send all their due
    deliveries in one message once their period has elapsed since their last digest (or since
    their oldest pending delivery). A channel that starts failing is announced to the `ops`
    channels, in the same run.
    """
    report = DeliveryReport()
    _deliver_due(conn, channels, now, ops, report)
    if report.ops_alerts:
        _deliver_due(conn, channels, now, (), report)
    return report


def _deliver_due(
    conn: Connection,
    channels: Mapping[str, Channel],
    now: datetime,
    ops: Sequence[str],
    report: DeliveryReport,
) -> None:
    rows = conn.execute(
        "SELECT d.id, d.channel, d.kind, d.attempts, d.copies, a.id, a.created_at, a.payload"
        " FROM deliveries d JOIN alerts a ON a.id = d.alert_id"
        " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.channel, d.id",
        (iso(now),),
    ).fetchall()
    due = [_Due(*row) for row in rows]
    for name, group in groupby(due, key=lambda item: item.channel):
        items = list(group)
        channel = channels.get(name)
        if channel is None:
            report.unconfigured += len(items)
        elif channel.digest is None:
            for item in items:
                if not _send(conn, channel, [item], item.kind, now, ops, report):
                    break
        elif _digest_due(conn, channel, now):
            _send(conn, channel, items, "digest", now, ops, report)


def recent_alerts(
    conn: Connection,
    *,
    rule: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Newest alerts first, optionally of one rule and recorded at or after `since`.

    Each alert is its payload plus `alert_id`, `created_at`, `deliveries` ({channel: status})
    and `errors` ({channel: last error} of the deliveries not delivered after a failure).
    """
    rows = conn.execute(
        "SELECT id, created_at, payload FROM alerts"
        " WHERE (CAST(:rule AS TEXT) IS NULL OR rule = :rule)"
        " AND (CAST(:since AS TEXT) IS NULL OR created_at >= :since)"
        " ORDER BY created_at DESC, id DESC LIMIT :limit",
        {"rule": rule, "since": since and iso(since), "limit": limit},
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
            "errors": dict(
                conn.execute(
                    "SELECT channel, last_error FROM deliveries WHERE alert_id = ?"
                    " AND kind = 'alert' AND status != 'delivered' AND last_error IS NOT NULL",
                    (alert_id,),
                ).fetchall()
            ),
        }
        for alert_id, created_at, payload in rows
    ]


def _digest_due(conn: Connection, channel: Channel, now: datetime) -> bool:
    """Whether the digest period has elapsed since the last digest or the oldest pending item."""
    if channel.digest is None:  # not a digest channel
        return False
    (start,) = conn.execute(
        "SELECT coalesce((SELECT last_sent_at FROM digests WHERE channel = :name),"
        " (SELECT min(created_at) FROM deliveries WHERE channel = :name AND status = 'pending'))",
        {"name": channel.name},
    ).fetchone()
    return (
        start is not None
        and utc(now) >= datetime.fromisoformat(start) + DIGEST_PERIODS[channel.digest]
    )


def _send(
    conn: Connection,
    channel: Channel,
    items: list[_Due],
    kind: str,
    now: datetime,
    ops: Sequence[str],
    report: DeliveryReport,
) -> bool:
    """Send one message made of `items`, record the outcome and commit; True on success."""
    try:
        channel.send([_message_item(item) for item in items], kind)
    except DeliveryError as exc:
        _failed(conn, channel.name, items, str(exc)[:MAX_ERROR_CHARS], now, ops, report)
        return False
    except Exception as exc:  # a channel's bug must not stop the others; its text may hold a secret
        error = f"{channel.name}: unexpected {type(exc).__name__}"
        _failed(conn, channel.name, items, error, now, ops, report)
        return False
    conn.executemany(
        "UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_error = NULL,"
        " delivered_at = ? WHERE id = ?",
        [(iso(now), item.id) for item in items],
    )
    if kind == "digest":
        conn.execute(
            "INSERT INTO digests (channel, last_sent_at) VALUES (?, ?)"
            " ON CONFLICT (channel) DO UPDATE SET last_sent_at = excluded.last_sent_at",
            (channel.name, iso(now)),
        )
    conn.commit()
    report.messages += 1
    report.delivered += len(items)
    return True


def _failed(
    conn: Connection,
    channel: str,
    items: list[_Due],
    error: str,
    now: datetime,
    ops: Sequence[str],
    report: DeliveryReport,
) -> None:
    """Record a failed send: retry later, or give up after MAX_ATTEMPTS; commit."""
    (already_failing,) = conn.execute(
        "SELECT count(*) FROM deliveries WHERE channel = ? AND status = 'pending' AND attempts > 0",
        (channel,),
    ).fetchone()
    rows = [
        (
            "failed" if item.attempts + 1 >= MAX_ATTEMPTS else "pending",
            error,
            iso(now + backoff(item.attempts + 1)),
            item.id,
        )
        for item in items
    ]
    conn.executemany(
        "UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?,"
        " next_attempt_at = ? WHERE id = ?",
        rows,
    )
    given_up = sum(row[0] == "failed" for row in rows)
    told = [name for name in ops if name != channel]
    if not already_failing and told:
        record_alert(conn, _channel_alert(channel, error, now), told, now)
        report.ops_alerts += 1
    conn.commit()
    report.failed += len(items)
    report.given_up += given_up
    report.errors.append(f"{channel}: {error}")
    log.warning(
        "alert delivery through %s failed%s: %s",
        channel,
        f" ({given_up} given up after {MAX_ATTEMPTS} tries)" if given_up else "",
        error,
    )


def _channel_alert(channel: str, error: str, now: datetime) -> dict[str, Any]:
    """The ops alert saying that `channel` started failing."""
    return {
        "rule": "ops:channel",
        "severity": "critical",
        "story_id": f"ops:channel:{channel}:{iso(now)}",
        "article_id": "",
        "url": "",
        "title": f"alert channel {channel} failing",
        "site": "",
        "published": iso(now),
        "snippet": error,
        "source": None,
        "copies": [],
    }


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
