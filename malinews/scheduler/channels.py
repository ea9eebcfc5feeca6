"""Alert channels (JSON lines file, webhook, SMTP email) and their construction from the config.

A channel receives a list of alert dicts (the alert payload plus `alert_id`, `created_at`, `kind`;
follow-ups add `new_copies`) and a message kind: "alert", "followup" or "digest". It raises
`DeliveryError` when the message may not have arrived; the outbox then retries later.
Secrets (webhook key, SMTP password) come from environment variables named in the config and
never appear in reprs or error messages.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from malinews.core.jsonl import jsonl_line

SIGNATURE_HEADER = "X-Malinews-Signature"
DIGESTS = ("hourly", "daily")
BUILTIN_CHANNEL = "jsonl"


class DeliveryError(Exception):
    """A message could not be delivered; it will be retried."""


class Channel(Protocol):
    name: str
    digest: str | None  # "hourly", "daily" or None (send at once)

    def send(self, alerts: list[dict], kind: str) -> None:
        """Deliver one message made of `alerts`; raise DeliveryError on failure."""


def summary_line(alert: Mapping[str, Any]) -> str:
    """Slack-style one-liner: "[severity] rule: title — site url" (follow-ups name the copies)."""
    head = f"[{alert.get('severity', 'info')}] {alert['rule']}: {alert['title']}"
    if alert.get("kind") == "followup":
        copies = ", ".join(f"{c['site']} {c['url']}" for c in alert.get("new_copies", []))
        return f"{head} — also republished by {copies}"
    return f"{head} — {alert['site']} {alert['url']}"


def slack_escape(text: str) -> str:
    """Text with no Slack control sequence: `<!channel>`, `<url|label>` and `&` entities are
    shown as typed (Slack's escaping: &amp; &lt; &gt;)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _host(url: str) -> str:
    """The host (and port) of a URL, all that may be logged: its path or query may hold a token."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    except ValueError:
        return "an invalid host"


def alert_text(alert: Mapping[str, Any]) -> str:
    """Plain-text description of an alert for email bodies."""
    lines = [summary_line(alert), ""]
    for label, key in (
        ("Title", "title"),
        ("Site", "site"),
        ("URL", "url"),
        ("Published", "published"),
        ("Source", "source"),
    ):
        if alert.get(key):
            lines.append(f"{label}: {alert[key]}")
    if alert.get("snippet"):
        lines += ["", alert["snippet"]]
    if alert.get("copies"):
        lines += ["", "Also republished by:"]
        for copy in alert["copies"]:
            lines.append(f"- {copy['site']} {copy['url']} ({copy.get('published') or '?'})")
    return "\n".join(lines)


@dataclass
class FileChannel:
    """Appends one JSON line per alert; each line is one write, then the file is fsynced."""

    name: str
    path: Path
    digest: str | None = None

    def send(self, alerts: list[dict], kind: str) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o644)
            with open(fd, "ab", buffering=0) as out:
                for alert in alerts:
                    out.write(jsonl_line(alert, sort_keys=True))
                os.fsync(out.fileno())
        except OSError as exc:
            raise DeliveryError(f"file {self.name}: {exc}") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be re-sent as a bodiless GET: treat redirects as failures."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass
class WebhookChannel:
    """POSTs {"text", "kind", "alerts"} as JSON, optionally signed with HMAC-SHA256."""

    name: str
    url: str = field(repr=False)  # may embed a token, like the secret
    secret: str | None = field(default=None, repr=False)
    digest: str | None = None
    timeout: float = 10.0

    def send(self, alerts: list[dict], kind: str) -> None:
        text = "\n".join(slack_escape(summary_line(alert)) for alert in alerts)
        body = json.dumps({"text": text, "kind": kind, "alerts": alerts}, ensure_ascii=False)
        raw = body.encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "malinews"}
        if self.secret:
            digest = hmac.new(self.secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()
            headers[SIGNATURE_HEADER] = f"sha256={digest}"
        # Errors name only the host: webhook URLs often embed a token in their path, and the
        # text of some errors (InvalidURL) quotes the whole URL.
        host = _host(self.url)
        try:
            request = urllib.request.Request(self.url, data=raw, headers=headers, method="POST")
            with _OPENER.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"webhook {self.name}: HTTP {exc.code} from {host}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason if isinstance(exc.reason, OSError) else "bad URL"
            raise DeliveryError(f"webhook {self.name}: cannot reach {host}: {reason}") from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            # a broken answer (IncompleteRead, BadStatusLine) or a URL http.client refuses
            problem = type(exc).__name__
            raise DeliveryError(f"webhook {self.name}: failed with {host}: {problem}") from None


@dataclass
class EmailChannel:
    """Sends one plain-text email per alert, or one per digest, over SMTP (STARTTLS by default)."""

    name: str
    host: str
    port: int
    sender: str
    recipients: list[str]
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    digest: str | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)
    timeout: float = 10.0

    def send(self, alerts: list[dict], kind: str) -> None:
        if kind == "digest":
            messages = [self._message(self._digest_subject(alerts), _join_blocks(alerts))]
        else:
            messages = [self._message(self._subject(a), alert_text(a)) for a in alerts]
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=self.ssl_context or ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                for message in messages:
                    smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"email {self.name}: {type(exc).__name__}: {exc}") from None
        except ValueError as exc:  # UnicodeEncodeError: a non-ASCII password; never show it
            raise DeliveryError(
                f"email {self.name}: {type(exc).__name__} talking to {self.host} "
                "(is the user name or password plain ASCII?)"
            ) from None

    def _message(self, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate()
        message.set_content(body)
        return message

    @staticmethod
    def _subject(alert: Mapping[str, Any]) -> str:
        subject = f"[malinews] {alert['rule']}: {alert['title']}"
        return f"Re: {subject}" if alert.get("kind") == "followup" else subject

    @staticmethod
    def _digest_subject(alerts: list[dict]) -> str:
        rules = ", ".join(dict.fromkeys(alert["rule"] for alert in alerts))
        return f"[malinews] digest: {len(alerts)} alerts ({rules})"


def _join_blocks(alerts: list[dict]) -> str:
    return "\n\n----\n\n".join(alert_text(alert) for alert in alerts)


def build_channels(section: Mapping[str, Any], *, output_dir: Path) -> dict[str, Channel]:
    """Channels from the `[channels.<name>]` tables, plus the built-in "jsonl" channel.

    Raises ValueError("channels.<name>.<key>: <problem>") on a bad table or a missing env var.
    """
    channels: dict[str, Channel] = {
        BUILTIN_CHANNEL: FileChannel(BUILTIN_CHANNEL, output_dir / "alerts.jsonl")
    }
    for name, data in section.items():
        if name == BUILTIN_CHANNEL:
            raise ValueError(f"channels.{name}: name reserved for the built-in alerts.jsonl")
        if not isinstance(data, Mapping):
            raise ValueError(f"channels.{name}: expected a table")
        table = _Table(name, data)
        kind = table.get("type", str)
        if kind not in _BUILDERS:
            raise table.error("type", f"unknown type {kind!r} (file, webhook or email)")
        table.check_keys(_TYPE_KEYS[kind])
        digest = table.get("digest", str, None)
        if digest is not None and digest not in DIGESTS:
            raise table.error("digest", f"expected hourly or daily, got {digest!r}")
        channels[name] = _BUILDERS[kind](table, digest, output_dir)
    return channels


_REQUIRED = object()


class _Table:
    """One `[channels.<name>]` table with typed access and config-path error messages."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        self.name = name
        self.data = data

    def error(self, key: str, problem: str) -> ValueError:
        return ValueError(f"channels.{self.name}.{key}: {problem}")

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed | {"type", "digest"}:
                raise self.error(key, f"unknown key (expected one of {', '.join(sorted(allowed))})")

    def get(self, key: str, kind: type, default: Any = _REQUIRED) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                raise self.error(key, "missing")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(key, f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def env(self, key: str) -> str | None:
        """The value of the environment variable named by `key`, None when `key` is absent."""
        variable = self.get(key, str, None)
        if variable is None:
            return None
        value = os.environ.get(variable)
        if not value:
            raise self.error(key, f"environment variable {variable} is not set or empty")
        return value

    def address(self, key: str) -> str:
        value = self.get(key, str)
        if "@" not in value:
            raise self.error(key, f"expected an email address, got {value!r}")
        return value

    def address_list(self, key: str) -> list[str]:
        value = self.get(key, object)
        addresses = [value] if isinstance(value, str) else value
        if not isinstance(addresses, list) or not addresses:
            raise self.error(key, "expected an email address or a list of them")
        for address in addresses:
            if not isinstance(address, str) or "@" not in address:
                raise self.error(key, f"expected an email address, got {address!r}")
        return addresses


def _file_channel(table: _Table, digest: str | None, output_dir: Path) -> FileChannel:
    path = table.get("path", str)
    inside = (output_dir / path).resolve()
    if not inside.is_relative_to(output_dir.resolve()) or inside == output_dir.resolve():
        raise table.error("path", f"{path!r} must name a file inside the output folder")
    return FileChannel(table.name, output_dir / path, digest)


def _webhook_channel(table: _Table, digest: str | None, output_dir: Path) -> WebhookChannel:
    if ("url" in table.data) == ("url_env" in table.data):
        raise table.error("url", "give either url or url_env (a variable holding the URL)")
    url = table.env("url_env") or table.get("url", str)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise table.error("url", "expected an http:// or https:// URL")
    return WebhookChannel(table.name, url, table.env("secret_env"), digest)


def _email_channel(table: _Table, digest: str | None, output_dir: Path) -> EmailChannel:
    starttls = table.get("starttls", bool, True)
    username, password = table.env("username_env"), table.env("password_env")
    if (username is None) != (password is None):
        raise table.error("password_env", "username_env and password_env go together")
    cafile = table.get("cafile", str, None)
    return EmailChannel(
        name=table.name,
        host=table.get("host", str),
        port=table.get("port", int, 587 if starttls else 25),
        sender=table.address("from"),
        recipients=table.address_list("to"),
        starttls=starttls,
        username=username,
        password=password,
        digest=digest,
        ssl_context=_ssl_context(table, cafile) if cafile else None,
    )


def _ssl_context(table: _Table, cafile: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise table.error("cafile", f"cannot load {cafile}: {exc}") from None


_BUILDERS: dict[str, Callable[[_Table, str | None, Path], Channel]] = {
    "file": _file_channel,
    "webhook": _webhook_channel,
    "email": _email_channel,
}
_TYPE_KEYS = {
    "file": {"path"},
    "webhook": {"url", "url_env", "secret_env"},
    "email": {"host", "port", "starttls", "from", "to", "username_env", "password_env", "cafile"},
}
