"""Alert delivery against faulty peers: each channel fails alone, with a clear, counted error
that names the channel and host only; retries end; channels receive no markup or control
characters they would act on.

Peers are real and on 127.0.0.1: raw TCP servers answering broken HTTP, the recording webhook
receiver and the aiosmtpd server of tests/test_channels.py. Alerts are synthetic
(tests/test_outbox.py).
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from malinews.pipelines.alerts import record_alert
from malinews.scheduler.channels import FileChannel, WebhookChannel, build_channels
from malinews.scheduler.outbox import MAX_ATTEMPTS, deliver_pending, recent_alerts
from tests import test_channels
from tests.test_channels import free_port
from tests.test_outbox import T0, make_alert, open_db

# the real webhook receiver and SMTP server of tests/test_channels.py
certificate = test_channels.certificate
email_config = test_channels.email_config
start_receiver = test_channels.start_receiver
start_smtp = test_channels.start_smtp

TOKEN = "T0KEN-SECRET-42"


def read_request(conn: socket.socket) -> None:
    """Reads a whole request, body included. Closing a socket with unread bytes in it sends a
    reset, and the client would then see ConnectionResetError instead of the broken answer."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    missing = int(length.group(1)) - len(body) if length else 0
    while missing > 0:
        chunk = conn.recv(65536)
        if not chunk:
            return
        missing -= len(chunk)


class BrokenHttp:
    """Answers every connection with the same raw bytes, then closes it."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.connections = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/services/{TOKEN}"

    def serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    read_request(conn)
                    conn.sendall(self.answer)
                except OSError:
                    pass

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def broken() -> Iterator[dict[str, BrokenHttp]]:
    servers = {
        # Content-Length promises 500 bytes, 10 come: http.client.IncompleteRead
        "cut": BrokenHttp(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n0123456789"),
        # not an HTTP status line: http.client.BadStatusLine
        "garbled": BrokenHttp(b"HELLO THERE\r\n\r\n"),
    }
    yield servers
    for server in servers.values():
        server.stop()


def test_each_faulty_channel_fails_alone_with_a_counted_line(
    tmp_path: Path, broken: dict[str, BrokenHttp], start_smtp, email_config, monkeypatch, caplog
) -> None:
    port = free_port()
    inbox = start_smtp(port)
    monkeypatch.setenv("MALINEWS_SMTP_PASSWORD", "mot-de-passe-été")  # not ASCII
    section = {
        "cut": {"type": "webhook", "url": broken["cut"].url()},
        "garbled": {"type": "webhook", "url": broken["garbled"].url()},
        "spaced": {"type": "webhook", "url": f"http://127.0.0.1:{port}/hooks/{TOKEN} x"},
        "mail": email_config(port),
    }
    channels = build_channels(section, output_dir=tmp_path)
    conn = open_db(tmp_path)
    record_alert(conn, make_alert(), ["jsonl", *section], T0)
    conn.commit()

    with caplog.at_level(logging.WARNING, logger="malinews"):
        report = deliver_pending(conn, channels, T0)
        again = deliver_pending(conn, channels, T0 + timedelta(seconds=5))

    assert (report.delivered, report.failed) == (1, 4)
    assert json.loads((tmp_path / "alerts.jsonl").read_text())["story_id"] == "story-0"
    by_channel = {error.split(":")[0]: error for error in report.errors}
    assert sorted(by_channel) == ["cut", "garbled", "mail", "spaced"]
    assert "IncompleteRead" in by_channel["cut"] and "BadStatusLine" in by_channel["garbled"]
    assert "127.0.0.1" in by_channel["spaced"] and "UnicodeEncodeError" in by_channel["mail"]
    for text in [*report.errors, caplog.text]:
        assert TOKEN not in text and "/hooks" not in text and "été" not in text
    assert len([r for r in caplog.records if r.name.startswith("malinews")]) == 4
    # backing off: nothing is sent again to the faulty peers five seconds later
    assert (again.delivered, again.failed) == (0, 0)
    assert [s.connections for s in broken.values()] == [1, 1] and not inbox.messages
    assert recent_alerts(conn)[0]["deliveries"] == {
        "jsonl": "delivered",
        "cut": "pending",
        "garbled": "pending",
        "spaced": "pending",
        "mail": "pending",
    }


def test_webhook_text_shows_slack_controls_as_typed(tmp_path: Path, start_receiver) -> None:
    receiver = start_receiver()
    alert = {**make_alert(), "title": "Alerte <!channel> & <https://pirate.example|cliquez ici>"}
    WebhookChannel("hook", receiver.url()).send([alert], "alert")
    body = json.loads(receiver.requests[0]["body"])
    assert "<" not in body["text"] and ">" not in body["text"]
    assert "&lt;!channel&gt; &amp; &lt;https://pirate.example|cliquez ici&gt;" in body["text"]
    assert body["alerts"][0]["title"] == alert["title"]  # the data itself is unchanged


def test_json_lines_never_hold_a_raw_line_separator(tmp_path: Path) -> None:
    title = "Un\u2028titre\u2029coupé\u0085en trois"
    channel = FileChannel("jsonl", tmp_path / "alerts.jsonl")
    channel.send([{**make_alert(), "title": title}], "alert")
    raw = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8")
    assert not {"\u2028", "\u2029", "\u0085"} & set(raw)
    assert raw.splitlines()[0] and json.loads(raw.splitlines()[0])["title"] == title
    assert len(raw.splitlines()) == 1


def test_a_failing_channel_is_given_up_and_announced_once(tmp_path: Path) -> None:
    channels = {
        "jsonl": FileChannel("jsonl", tmp_path / "alerts.jsonl"),
        "ops": FileChannel("ops", tmp_path / "ops.jsonl"),
        "hook": WebhookChannel("hook", f"http://127.0.0.1:{free_port()}/x"),
    }
    conn = open_db(tmp_path)
    record_alert(conn, make_alert(), ["jsonl", "hook"], T0)
    conn.commit()
    reports = [
        deliver_pending(conn, channels, T0 + timedelta(hours=2 * n), ops=["ops"])
        for n in range(MAX_ATTEMPTS + 2)
    ]
    assert [r.failed for r in reports] == [1] * MAX_ATTEMPTS + [0, 0]
    assert sum(r.given_up for r in reports) == 1 and sum(r.ops_alerts for r in reports) == 1
    ops = [json.loads(line) for line in (tmp_path / "ops.jsonl").read_text().splitlines()]
    assert [(o["rule"], o["title"]) for o in ops] == [("ops:channel", "alert channel hook failing")]
    listed = [a for a in recent_alerts(conn) if a["rule"] == "securite-nord"][0]
    assert listed["deliveries"] == {"jsonl": "delivered", "hook": "failed"}
    assert "cannot reach 127.0.0.1" in listed["errors"]["hook"]
