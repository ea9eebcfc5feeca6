"""Alerts recorded with the article that raised them, as pending deliveries (the outbox's
writing side; `scheduler/outbox.py` delivers them).

An alert is recorded once per (rule, story_id), in the caller's transaction, as one pending
delivery per channel. A later copy of an alerted story (another site republishing it) is
appended to the alert; a channel that already received the alert gets one follow-up, which
absorbs further copies until it is sent, at most one per alert and channel per
`FOLLOWUP_INTERVAL`. Times are stored as fixed-width ISO 8601 UTC strings, so SQL can compare
them as text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from malinews.core.db import Connection

FOLLOWUP_INTERVAL = timedelta(hours=1)


def record_alert(
    conn: Connection,
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
    created = iso(now)
    cursor = conn.execute(
        "INSERT INTO alerts (rule, story_id, article_id, created_at, payload)"
        " VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (rule, story_id) DO NOTHING RETURNING id",
        (alert["rule"], key or alert["story_id"], alert["article_id"], created, dumps(dict(alert))),
    )
    inserted = cursor.fetchone()
    if inserted is None:
        return False
    conn.executemany(
        "INSERT INTO deliveries (alert_id, channel, kind, created_at, next_attempt_at)"
        " VALUES (?, ?, 'alert', ?, ?)",
        [(inserted[0], channel, created, created) for channel in dict.fromkeys(channels)],
    )
    return True


def add_copy(
    conn: Connection, rule: str, story_id: str, copy: Mapping[str, Any], now: datetime
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
    conn.execute("UPDATE alerts SET payload = ? WHERE id = ?", (dumps(payload), alert_id))
    for (channel,) in conn.execute(
        "SELECT channel FROM deliveries WHERE alert_id = ? AND kind = 'alert'"
        " AND status = 'delivered'",
        (alert_id,),
    ).fetchall():
        _queue_followup(conn, alert_id, channel, dict(copy), now)
    return True


def _queue_followup(
    conn: Connection, alert_id: int, channel: str, copy: dict, now: datetime
) -> None:
    """Add `copy` to the pending follow-up of (alert, channel), or queue a new follow-up."""
    pending = conn.execute(
        "SELECT id, copies FROM deliveries WHERE alert_id = ? AND channel = ?"
        " AND kind = 'followup' AND status = 'pending'",
        (alert_id, channel),
    ).fetchone()
    if pending is not None:
        copies = [*json.loads(pending[1]), copy]
        conn.execute("UPDATE deliveries SET copies = ? WHERE id = ?", (dumps(copies), pending[0]))
        return
    (last_sent,) = conn.execute(
        "SELECT max(delivered_at) FROM deliveries WHERE alert_id = ? AND channel = ?"
        " AND kind = 'followup'",
        (alert_id, channel),
    ).fetchone()
    due = (
        utc(now)
        if last_sent is None
        else max(utc(now), datetime.fromisoformat(last_sent) + FOLLOWUP_INTERVAL)
    )
    conn.execute(
        "INSERT INTO deliveries (alert_id, channel, kind, created_at, next_attempt_at, copies)"
        " VALUES (?, ?, 'followup', ?, ?, ?)",
        (alert_id, channel, iso(now), iso(due), dumps([copy])),
    )


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Fixed-width UTC ISO 8601 text, comparable as a string."""
    return utc(moment).isoformat(timespec="microseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
