"""The alert outbox: once per rule and story, follow-ups for copies, deliveries never lost.

Deliveries go through real FileChannels; the only stand-in is a channel that "crashes" the process.
"""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from malinews.pipelines.alerts import add_copy, record_alert
from malinews.pipelines.store import DB_NAME, Store
from malinews.scheduler.channels import FileChannel
from malinews.scheduler.outbox import backoff, deliver_pending, recent_alerts

T0 = datetime(2026, 1, 3, 10, 0, tzinfo=UTC)

TITLES = [
    "Kidal : l'armée repousse une attaque contre un poste avancé",
    "Mopti : les écoles de Bandiagara rouvrent après trois mois de fermeture",
    "Bamako : la CMDT annonce une campagne cotonnière record",
]


def make_alert(n: int = 0, rule: str = "securite-nord") -> dict:
    """A realistic alert for story number `n` first seen on maliweb."""
    return {
        "rule": rule,
        "severity": "high",
        "story_id": f"story-{n}",
        "article_id": f"article-{n}",
        "url": f"https://www.maliweb.net/securite/article-{n}.html",
        "title": TITLES[n % len(TITLES)],
        "site": "maliweb",
        "published": "2026-01-03T09:15:00+00:00",
        "snippet": "Les Forces armées maliennes ont repoussé une attaque dans la nuit de vendredi.",
        "source": "L'Essor",
        "copies": [],
    }


def make_copy(site: str, n: int = 0) -> dict:
    return {
        "site": site,
        "url": f"https://{site}.example.ml/actu/article-{n}",
        "published": "2026-01-03T11:00:00+00:00",
    }


def open_db(directory: Path) -> sqlite3.Connection:
    """A plain connection (implicit transactions) to a state store whose migrations ran."""
    Store(directory).close()
    return sqlite3.connect(directory / DB_NAME)


def read_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def conn(tmp_path):
    connection = open_db(tmp_path)
    yield connection
    connection.close()


@pytest.fixture
def files(tmp_path) -> dict[str, FileChannel]:
    return {
        "jsonl": FileChannel("jsonl", tmp_path / "alerts.jsonl"),
        "archive": FileChannel("archive", tmp_path / "archive.jsonl"),
    }


def test_an_alert_is_recorded_once_per_rule_and_story(conn, files):
    alert = make_alert()
    assert record_alert(conn, alert, ["jsonl"], T0) is True
    assert record_alert(conn, alert, ["jsonl"], T0 + timedelta(minutes=5)) is False
    copy_seen_later = {**alert, "article_id": "article-on-malijet", "site": "malijet"}
    assert record_alert(conn, copy_seen_later, ["jsonl"], T0 + timedelta(hours=2)) is False
    assert record_alert(conn, make_alert(rule="economie"), ["jsonl"], T0) is True
    conn.commit()

    deliver_pending(conn, files, T0 + timedelta(hours=3))
    deliver_pending(conn, files, T0 + timedelta(hours=4))

    lines = read_lines(files["jsonl"].path)
    assert sorted((line["rule"], line["story_id"]) for line in lines) == [
        ("economie", "story-0"),
        ("securite-nord", "story-0"),
    ]
    assert lines[0]["site"] == "maliweb"


def test_record_alert_stays_in_the_callers_transaction(conn, tmp_path):
    record_alert(conn, make_alert(0), ["jsonl"], T0)
    conn.rollback()
    assert recent_alerts(conn) == []

    record_alert(conn, make_alert(1), ["jsonl"], T0)
    other = sqlite3.connect(tmp_path / DB_NAME)
    assert recent_alerts(other) == []
    conn.commit()
    assert [a["story_id"] for a in recent_alerts(other)] == ["story-1"]
    other.close()


def test_copies_after_delivery_give_one_followup_per_channel(conn, files):
    record_alert(conn, make_alert(), ["jsonl", "archive"], T0)
    conn.commit()
    deliver_pending(conn, files, T0)

    later = T0 + timedelta(minutes=20)
    assert add_copy(conn, "securite-nord", "story-0", make_copy("malijet"), later)
    assert add_copy(conn, "securite-nord", "story-0", make_copy("bamada"), later)
    assert not add_copy(conn, "securite-nord", "story-0", make_copy("bamada"), later)
    conn.commit()
    deliver_pending(conn, files, later)
    deliver_pending(conn, files, later + timedelta(minutes=5))

    for channel in files.values():
        alert, followup = read_lines(channel.path)
        assert (alert["kind"], followup["kind"]) == ("alert", "followup")
        assert [c["site"] for c in followup["new_copies"]] == ["malijet", "bamada"]
        assert [c["site"] for c in followup["copies"]] == ["malijet", "bamada"]


def test_followups_are_at_most_hourly_per_alert_and_channel(conn, files):
    record_alert(conn, make_alert(), ["jsonl"], T0)
    conn.commit()
    deliver_pending(conn, files, T0)
    add_copy(conn, "securite-nord", "story-0", make_copy("malijet"), T0)
    conn.commit()
    deliver_pending(conn, files, T0)

    add_copy(conn, "securite-nord", "story-0", make_copy("bamada"), T0 + timedelta(minutes=10))
    add_copy(conn, "securite-nord", "story-0", make_copy("mali24"), T0 + timedelta(minutes=40))
    conn.commit()
    deliver_pending(conn, files, T0 + timedelta(minutes=50))
    assert len(read_lines(files["jsonl"].path)) == 2

    deliver_pending(conn, files, T0 + timedelta(minutes=60))
    *_, last = read_lines(files["jsonl"].path)
    assert [c["site"] for c in last["new_copies"]] == ["bamada", "mali24"]
    assert len(read_lines(files["jsonl"].path)) == 3


def test_a_copy_found_before_delivery_travels_with_the_alert(conn, files):
    record_alert(conn, make_alert(), ["jsonl"], T0)
    assert add_copy(conn, "securite-nord", "story-0", make_copy("malijet"), T0)
    assert not add_copy(conn, "autre-regle", "story-0", make_copy("bamada"), T0)
    conn.commit()
    deliver_pending(conn, files, T0)

    (line,) = read_lines(files["jsonl"].path)
    assert line["kind"] == "alert"
    assert [c["site"] for c in line["copies"]] == ["malijet"]


class CrashingChannel(FileChannel):
    """Writes like a FileChannel, but the process "dies" before the third message."""

    def send(self, alerts: list[dict], kind: str) -> None:
        if len(read_lines(self.path)) == 2:
            raise KeyboardInterrupt
        super().send(alerts, kind)


def test_deliveries_are_committed_one_by_one(tmp_path):
    conn = open_db(tmp_path)
    for n in range(3):
        record_alert(conn, make_alert(n), ["jsonl"], T0)
    conn.commit()
    path = tmp_path / "alerts.jsonl"
    with pytest.raises(KeyboardInterrupt):
        deliver_pending(conn, {"jsonl": CrashingChannel("jsonl", path)}, T0)
    conn.close()

    restarted = open_db(tmp_path)
    statuses = [a["deliveries"]["jsonl"] for a in recent_alerts(restarted)]
    assert sorted(statuses) == ["delivered", "delivered", "pending"]
    deliver_pending(restarted, {"jsonl": FileChannel("jsonl", path)}, T0 + timedelta(minutes=1))
    assert sorted(line["story_id"] for line in read_lines(path)) == [
        "story-0",
        "story-1",
        "story-2",
    ]


def test_a_failing_channel_backs_off_without_blocking_the_others(conn, files, tmp_path):
    broken = FileChannel("archive", tmp_path)  # a directory: every write fails
    for n in range(2):
        record_alert(conn, make_alert(n), ["jsonl", "archive", "retired"], T0)
    conn.commit()

    report = deliver_pending(conn, {"jsonl": files["jsonl"], "archive": broken}, T0)

    assert (report.delivered, report.failed, report.unconfigured) == (2, 1, 2)
    assert report.errors[0].startswith("archive: file archive:")
    rows = conn.execute(
        "SELECT attempts, next_attempt_at, last_error IS NOT NULL FROM deliveries"
        " WHERE channel = 'archive' ORDER BY id"
    ).fetchall()
    assert rows == [
        (1, (T0 + timedelta(seconds=30)).isoformat(timespec="microseconds"), 1),
        (0, T0.isoformat(timespec="microseconds"), 0),
    ]

    assert deliver_pending(conn, files, T0 + timedelta(seconds=29)).delivered == 1
    assert deliver_pending(conn, files, T0 + timedelta(seconds=30)).delivered == 1
    assert len(read_lines(files["archive"].path)) == 2


def test_backoff_doubles_from_30_seconds_up_to_one_hour():
    delays = [backoff(attempts).total_seconds() for attempts in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_digest_waits_for_its_window_since_the_last_digest(conn, tmp_path):
    hourly = {"jsonl": FileChannel("jsonl", tmp_path / "digest.jsonl", digest="hourly")}
    record_alert(conn, make_alert(0), ["jsonl"], T0)
    record_alert(conn, make_alert(1), ["jsonl"], T0 + timedelta(minutes=10))
    conn.commit()

    assert deliver_pending(conn, hourly, T0 + timedelta(minutes=59)).messages == 0
    assert deliver_pending(conn, hourly, T0 + timedelta(minutes=60)).delivered == 2

    record_alert(conn, make_alert(2), ["jsonl"], T0 + timedelta(minutes=65))
    conn.commit()
    assert deliver_pending(conn, hourly, T0 + timedelta(minutes=90)).messages == 0
    assert deliver_pending(conn, hourly, T0 + timedelta(minutes=120)).delivered == 1
    assert [line["story_id"] for line in read_lines(hourly["jsonl"].path)] == [
        "story-0",
        "story-1",
        "story-2",
    ]


def test_recent_alerts_filters_by_rule_and_time_newest_first(conn, files):
    record_alert(conn, make_alert(0, rule="securite-nord"), ["jsonl"], T0)
    record_alert(conn, make_alert(1, rule="economie"), ["jsonl"], T0 + timedelta(hours=1))
    record_alert(conn, make_alert(2, rule="securite-nord"), ["jsonl"], T0 + timedelta(hours=2))
    conn.commit()
    deliver_pending(conn, files, T0 + timedelta(minutes=30))

    def stories(**filters) -> list[str]:
        return [alert["story_id"] for alert in recent_alerts(conn, **filters)]

    assert stories() == ["story-2", "story-1", "story-0"]
    assert stories(rule="securite-nord") == ["story-2", "story-0"]
    assert stories(since=T0 + timedelta(hours=1)) == ["story-2", "story-1"]
    assert stories(rule="securite-nord", limit=1) == ["story-2"]
    oldest = recent_alerts(conn)[-1]
    assert oldest["title"] == TITLES[0]
    assert oldest["deliveries"] == {"jsonl": "delivered"}
    assert recent_alerts(conn)[0]["deliveries"] == {"jsonl": "pending"}
