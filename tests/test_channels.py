"""Channels against real peers: an HTTP receiver and an aiosmtpd SMTP server on 127.0.0.1.

The SMTP server requires STARTTLS (throwaway self-signed certificate made with `cryptography`)
and AUTH, so every delivered email also proves the channel upgraded to TLS and logged in.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from malinews.pipelines.alerts import record_alert
from malinews.scheduler.channels import (
    SIGNATURE_HEADER,
    DeliveryError,
    EmailChannel,
    FileChannel,
    WebhookChannel,
    build_channels,
)
from malinews.scheduler.outbox import deliver_pending, recent_alerts
from tests.test_outbox import T0, make_alert, make_copy, open_db

SECRET = "s3cret-de-test-ne-pas-divulguer"
SMTP_USER, SMTP_PASSWORD = "veille@malinews.ml", "mot-de-passe-smtp"


# --- HTTP receiver ---------------------------------------------------------------------------


class Receiver(ThreadingHTTPServer):
    """Records every POST and answers with the scripted statuses, then 200."""

    request_queue_size = 64
    daemon_threads = True

    def __init__(self, statuses: Sequence[int]) -> None:
        super().__init__(("127.0.0.1", 0), RecordingHandler)
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    def url(self, path: str = "/hooks/alertes") -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class RecordingHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            status = self.server.statuses.pop(0) if self.server.statuses else 200
            self.server.requests.append({"headers": self.headers, "body": body, "status": status})
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def start_receiver():
    servers: list[Receiver] = []

    def start(statuses: Sequence[int] = ()) -> Receiver:
        server = Receiver(list(statuses))
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


# --- SMTP server -----------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping each accepted message and whether its session was logged in."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.authenticated: list[bool] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.authenticated.append(session.authenticated)
        return "250 Message accepted"


def check_login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    valid = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=valid)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    directory = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_smtp(certificate):
    """Starts an SMTP server requiring STARTTLS and AUTH on a given port; returns its Inbox."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(*certificate)
    controllers: list[Controller] = []

    def start(port: int) -> Inbox:
        inbox = Inbox()
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=tls,
            require_starttls=True,
            authenticator=check_login,
        )
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def email_config(certificate, monkeypatch):
    """Builds the `[channels.mail]` table for an SMTP server on `port`."""
    monkeypatch.setenv("MALINEWS_SMTP_USER", SMTP_USER)
    monkeypatch.setenv("MALINEWS_SMTP_PASSWORD", SMTP_PASSWORD)

    def config(port: int, **extra) -> dict:
        return {
            "type": "email",
            "host": "127.0.0.1",
            "port": port,
            "from": "veille@malinews.ml",
            "to": ["analystes@malinews.ml", "redaction@malinews.ml"],
            "username_env": "MALINEWS_SMTP_USER",
            "password_env": "MALINEWS_SMTP_PASSWORD",
            "cafile": str(certificate[0]),
            **extra,
        }

    return config


# --- webhook ---------------------------------------------------------------------------------


def test_webhook_alert_is_delivered_once_after_two_server_errors(
    tmp_path, start_receiver, monkeypatch
):
    receiver = start_receiver([500, 500])
    monkeypatch.setenv("MALINEWS_WEBHOOK_SECRET", SECRET)
    section = {
        "hook": {"type": "webhook", "url": receiver.url(), "secret_env": "MALINEWS_WEBHOOK_SECRET"}
    }
    channels = build_channels(section, output_dir=tmp_path)
    conn = open_db(tmp_path)
    record_alert(conn, make_alert(), ["hook"], T0)
    conn.commit()

    attempts_at = [T0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=30)]
    attempts_at += [T0 + timedelta(seconds=89), T0 + timedelta(seconds=90), T0 + timedelta(hours=2)]
    reports = [deliver_pending(conn, channels, moment) for moment in attempts_at]

    assert [r.failed for r in reports] == [1, 0, 1, 0, 0, 0]
    assert [r.delivered for r in reports] == [0, 0, 0, 0, 1, 0]
    assert [request["status"] for request in receiver.requests] == [500, 500, 200]
    assert recent_alerts(conn)[0]["deliveries"] == {"hook": "delivered"}
    delivered = receiver.requests[-1]
    body = json.loads(delivered["body"])
    assert body["text"] == (
        "[high] securite-nord: Kidal : l'armée repousse une attaque contre un poste avancé"
        " — maliweb https://www.maliweb.net/securite/article-0.html"
    )
    assert [alert["story_id"] for alert in body["alerts"]] == ["story-0"]
    expected = hmac.new(SECRET.encode(), delivered["body"], hashlib.sha256).hexdigest()
    assert delivered["headers"][SIGNATURE_HEADER] == f"sha256={expected}"


def test_webhook_followup_names_the_new_copies(tmp_path, start_receiver):
    receiver = start_receiver()
    channels = {"hook": WebhookChannel("hook", receiver.url())}
    followup = {**make_alert(), "kind": "followup", "new_copies": [make_copy("malijet")]}

    channels["hook"].send([followup], "followup")

    body = json.loads(receiver.requests[0]["body"])
    assert body["kind"] == "followup"
    assert body["text"].endswith(
        "— also republished by malijet https://malijet.example.ml/actu/article-0"
    )
    assert SIGNATURE_HEADER not in receiver.requests[0]["headers"]


def test_webhook_errors_reveal_neither_the_secret_nor_the_url_token(start_receiver):
    receiver = start_receiver([503])
    hook = WebhookChannel("hook", receiver.url("/services/T0KEN-PRIVE"), secret=SECRET)

    with pytest.raises(DeliveryError) as server_error:
        hook.send([make_alert()], "alert")
    with pytest.raises(DeliveryError) as unreachable:
        WebhookChannel("hook", f"http://127.0.0.1:{free_port()}/services/T0KEN-PRIVE").send(
            [make_alert()], "alert"
        )

    assert "HTTP 503" in str(server_error.value)
    assert "cannot reach" in str(unreachable.value)
    for text in (str(server_error.value), str(unreachable.value), repr(hook)):
        assert SECRET not in text and "T0KEN" not in text


# --- file ------------------------------------------------------------------------------------


def test_file_channel_appends_one_whole_json_line_per_alert(tmp_path):
    channel = build_channels({}, output_dir=tmp_path / "out")["jsonl"]
    channel.send([make_alert(0)], "alert")
    channel.send([make_alert(1), make_alert(2)], "digest")

    path = tmp_path / "out" / "alerts.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["story_id"] for line in lines] == ["story-0", "story-1", "story-2"]
    assert "Bandiagara rouvrent après trois mois" in lines[1]


# --- email -----------------------------------------------------------------------------------


def test_email_sends_one_message_per_alert_over_starttls_with_login(
    tmp_path, start_smtp, email_config
):
    port = free_port()
    inbox = start_smtp(port)
    channels = build_channels({"mail": email_config(port)}, output_dir=tmp_path)
    conn = open_db(tmp_path)
    alert = {**make_alert(0), "copies": [make_copy("malijet")]}
    record_alert(conn, alert, ["mail"], T0)
    record_alert(conn, make_alert(1), ["mail"], T0)
    conn.commit()

    report = deliver_pending(conn, channels, T0)

    assert (report.messages, report.delivered) == (2, 2)
    assert [m["Subject"] for m in inbox.messages] == [
        f"[malinews] securite-nord: {title}" for title in (alert["title"], make_alert(1)["title"])
    ]
    assert inbox.authenticated == [True, True]
    first = inbox.messages[0]
    assert first["To"] == "analystes@malinews.ml, redaction@malinews.ml"
    body = first.get_content()
    for expected in (
        "Site: maliweb",
        "URL: https://www.maliweb.net/securite/article-0.html",
        "Published: 2026-01-03T09:15:00+00:00",
        "Source: L'Essor",
        "ont repoussé une attaque dans la nuit de vendredi",
        "- malijet https://malijet.example.ml/actu/article-0",
    ):
        assert expected in body


def test_email_digest_groups_three_alerts_into_one_message(tmp_path, start_smtp, email_config):
    port = free_port()
    inbox = start_smtp(port)
    config = email_config(port, digest="hourly")
    channels = build_channels({"mail": config}, output_dir=tmp_path)
    conn = open_db(tmp_path)
    for n in range(3):
        record_alert(conn, make_alert(n), ["mail"], T0 + timedelta(minutes=5 * n))
    conn.commit()

    assert deliver_pending(conn, channels, T0 + timedelta(minutes=30)).messages == 0
    report = deliver_pending(conn, channels, T0 + timedelta(minutes=60))

    assert (report.messages, report.delivered) == (1, 3)
    (digest,) = inbox.messages
    assert digest["Subject"] == "[malinews] digest: 3 alerts (securite-nord)"
    body = digest.get_content()
    assert all(make_alert(n)["title"] in body for n in range(3))


def test_smtp_server_down_then_up_loses_no_alert(tmp_path, start_smtp, email_config):
    port = free_port()
    channels = build_channels({"mail": email_config(port)}, output_dir=tmp_path)
    conn = open_db(tmp_path)
    for n in range(2):
        record_alert(conn, make_alert(n), ["mail"], T0)
    conn.commit()

    down = deliver_pending(conn, channels, T0)
    inbox = start_smtp(port)
    up = deliver_pending(conn, channels, T0 + timedelta(seconds=30))
    later = deliver_pending(conn, channels, T0 + timedelta(hours=1))

    assert (down.failed, down.delivered) == (1, 0)
    assert down.errors[0].startswith("mail: email mail: ConnectionRefusedError")
    assert (up.delivered, later.delivered) == (2, 0)
    assert sorted(m["Subject"] for m in inbox.messages) == sorted(
        f"[malinews] securite-nord: {make_alert(n)['title']}" for n in range(2)
    )


def test_email_password_stays_out_of_repr_and_errors(tmp_path, email_config):
    channel = build_channels({"mail": email_config(free_port())}, output_dir=tmp_path)["mail"]
    assert isinstance(channel, EmailChannel)
    with pytest.raises(DeliveryError) as error:
        channel.send([make_alert()], "alert")
    assert SMTP_PASSWORD not in repr(channel) and SMTP_PASSWORD not in str(error.value)


# --- configuration ---------------------------------------------------------------------------


def test_build_channels_reads_each_type(tmp_path, monkeypatch):
    monkeypatch.setenv("MALINEWS_WEBHOOK_SECRET", SECRET)
    section = {
        "archive": {"type": "file", "path": "archive/alerts.jsonl", "digest": "daily"},
        "slack": {
            "type": "webhook",
            "url": "https://hooks.example.org/services/abc",
            "secret_env": "MALINEWS_WEBHOOK_SECRET",
        },
        "mail": {"type": "email", "host": "smtp.example.org", "from": "a@b.ml", "to": "c@d.ml"},
    }

    channels = build_channels(section, output_dir=tmp_path)

    assert sorted(channels) == ["archive", "jsonl", "mail", "slack"]
    assert channels["jsonl"] == FileChannel("jsonl", tmp_path / "alerts.jsonl")
    assert channels["archive"] == FileChannel("archive", tmp_path / "archive/alerts.jsonl", "daily")
    assert (channels["slack"].secret, channels["slack"].digest) == (SECRET, None)
    mail = channels["mail"]
    assert (mail.port, mail.starttls, mail.recipients, mail.username) == (
        587,
        True,
        ["c@d.ml"],
        None,
    )


WEBHOOK = {"type": "webhook", "url": "https://hooks.example.org/x"}
EMAIL = {"type": "email", "host": "smtp.example.org", "from": "a@b.ml", "to": "c@d.ml"}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"type": "sms"}, "channels.x.type: unknown type 'sms'"),
        ({"url": "https://hooks.example.org/x"}, "channels.x.type: missing"),
        ({"type": "webhook"}, "channels.x.url: give either url or url_env"),
        ({**WEBHOOK, "url": "hooks.example.org/x"}, "channels.x.url: expected an http://"),
        ({**WEBHOOK, "token": "abc"}, "channels.x.token: unknown key"),
        ({**WEBHOOK, "digest": "weekly"}, "channels.x.digest: expected hourly or daily"),
        ({**EMAIL, "port": "587"}, "channels.x.port: expected int, got str"),
        ({**EMAIL, "to": []}, "channels.x.to: expected an email address"),
        ({**EMAIL, "from": "veille"}, "channels.x.from: expected an email address"),
        ({**EMAIL, "cafile": "/nonexistent/ca.pem"}, "channels.x.cafile: cannot load"),
        (
            {**WEBHOOK, "secret_env": "MALINEWS_TEST_UNSET_SECRET"},
            "channels.x.secret_env: environment variable MALINEWS_TEST_UNSET_SECRET is not set",
        ),
    ],
)
def test_build_channels_rejects_bad_tables(tmp_path, monkeypatch, table, message):
    monkeypatch.delenv("MALINEWS_TEST_UNSET_SECRET", raising=False)
    with pytest.raises(ValueError) as error:
        build_channels({"x": table}, output_dir=tmp_path)
    assert str(error.value).startswith(message)


def test_missing_password_variable_is_named_without_leaking_values(tmp_path, monkeypatch):
    monkeypatch.setenv("MALINEWS_SMTP_USER", SMTP_USER)
    monkeypatch.delenv("MALINEWS_SMTP_PASSWORD", raising=False)
    table = {
        **EMAIL,
        "username_env": "MALINEWS_SMTP_USER",
        "password_env": "MALINEWS_SMTP_PASSWORD",
    }

    with pytest.raises(ValueError) as error:
        build_channels({"mail": table}, output_dir=tmp_path)

    assert "channels.mail.password_env" in str(error.value)
    assert "MALINEWS_SMTP_PASSWORD" in str(error.value)
    assert SMTP_USER not in str(error.value)


def test_the_builtin_channel_name_is_reserved(tmp_path):
    with pytest.raises(ValueError, match="channels.jsonl: name reserved"):
        build_channels({"jsonl": {"type": "file", "path": "x.jsonl"}}, output_dir=tmp_path)


def test_webhook_url_can_come_from_the_environment(tmp_path, monkeypatch) -> None:
    """A Slack-style URL holds a token: it may live in an environment variable."""
    monkeypatch.setenv("MALINEWS_TEST_HOOK", "https://hooks.example.org/T0/B0/secret-token")
    channels = build_channels(
        {"team": {"type": "webhook", "url_env": "MALINEWS_TEST_HOOK"}}, output_dir=tmp_path
    )
    assert "secret-token" not in repr(channels["team"])
    with pytest.raises(ValueError, match="channels.team.url: give either url or url_env"):
        build_channels({"team": {"type": "webhook"}}, output_dir=tmp_path)
