"""A fixture news site on 127.0.0.1 whose pages misbehave: one fault per path.

The home page links to every page below; each fault path answers the same way on every
request (or fails a set number of times, then serves its article). The server is bounded: after
`max_requests` requests it answers 503 to everything, and it stops by itself after `lifetime`
seconds, so a crawl that loops cannot keep it (or the test) alive.
"""

from __future__ import annotations

import random
import socket
import struct
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SUBJECTS = [
    "Le maire de Ségou",
    "La direction de l'hydraulique",
    "Les éleveurs de Nioro",
    "Le gouverneur de Mopti",
    "Une coopérative de Sikasso",
    "Les enseignants de Kayes",
    "Le préfet de Bougouni",
    "Une association de Koutiala",
    "Les commerçants de Gao",
    "Le conseil communal",
    "La chambre d'agriculture",
    "Les jeunes de Kati",
]
VERBS = [
    "a annoncé",
    "a présenté",
    "a dénoncé",
    "prépare",
    "réclame",
    "a lancé",
    "soutient",
    "a inauguré",
    "conteste",
    "finance",
]
OBJECTS = [
    "un forage",
    "des semences",
    "un marché couvert",
    "le curage des caniveaux",
    "une école",
    "des vaccins",
    "une piste rurale",
    "un centre de santé",
    "des bourses",
    "un périmètre maraîcher",
    "la clôture du stade",
    "un pont",
]
PLACES = [
    "à Bla",
    "près du fleuve",
    "dans le cercle de Tominian",
    "avant l'hivernage",
    "au quartier Médine",
    "à San",
    "cette semaine",
    "depuis janvier",
    "à Diré",
    "pour la rentrée",
    "dans la commune de Fana",
    "au bord du Bani",
]

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="fr"><head>{meta}<title>{title}</title>
<meta property="og:type" content="article">
</head><body>
<header><nav><a href="/">Accueil</a> <a href="/category/societe/">Société</a></nav></header>
<main><article>
<h1 class="entry-title">{title}</h1>
<time class="entry-date" datetime="2026-01-{day:02d}T09:00:00+00:00">{day} janvier 2026</time>
<div class="entry-content">
{body}
</div></article></main>
<footer><p>© 2026 Fixture Info</p></footer>
</body></html>
"""


def paragraphs(seed: int, count: int = 3) -> list[str]:
    """French paragraphs, different for each seed (articles that are not copies of each other)."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        sentences = [
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(PLACES)}, {rng.choice(PLACES)}."
            for _ in range(3)
        ]
        sentences.append(
            f"Le montant retenu atteint {rng.randrange(2, 900)} millions de francs CFA."
        )
        result.append(" ".join(sentences))
    return result


def article_html(
    title: str, body: list[str], *, seed: int = 0, charset: str | None = "utf-8"
) -> str:
    """A news article page: og:type article, a date, the body in `div.entry-content`."""
    meta = f'<meta charset="{charset}">' if charset else ""
    text = "\n".join(f"<p>{p}</p>" for p in body)
    return ARTICLE_PAGE.format(meta=meta, title=title, body=text, day=seed % 28 + 1)


Reply = Callable[[BaseHTTPRequestHandler, int], None]
"""A fault: answers one request, given the number of this request to the path (1, 2...)."""


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Close the socket with a TCP RST (SO_LINGER 0) before any answer."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


class FaultServer:
    """The fault site on 127.0.0.1 (see the module docstring).

    `pages` maps a path to a reply; `hits` counts requests per path and `times` keeps when they
    came. Use as a context manager.
    """

    def __init__(
        self, max_requests: int = 1000, lifetime: float = 180.0, host: str = "127.0.0.1"
    ) -> None:
        self.max_requests = max_requests
        self.pages: dict[str, Reply] = {}
        self.hits: Counter[str] = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), self._handler())
        self.url = f"http://{host}:{self._httpd.server_address[1]}"
        # polling every 0.05 s (not 0.5 s), the server stops without slowing each test
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._stopped = False

    def __enter__(self) -> FaultServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving (idempotent; called by the lifetime timer too)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._timer.cancel()
        self._httpd.shutdown()
        self._httpd.server_close()

    def total(self) -> int:
        return sum(self.hits.values())

    def _count(self, path: str) -> int:
        with self._lock:
            self.hits[path] += 1
            self.times[path].append(time.monotonic())
            return self.hits[path] if self.total() <= self.max_requests else 0

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?", 1)[0]
                number = server._count(path)
                reply = server.pages.get(path)
                if number == 0:
                    send(self, 503, b"request budget spent")
                elif reply is None:
                    send(self, 404, b"not found")
                else:
                    try:
                        reply(self, number)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections under Scrapy's concurrency

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up (a killed crawler, an abandoned download)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


# -- replies: each returns a Reply for `FaultServer.pages` ------------------------------------


def page(
    body: bytes,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Reply:
    """The same answer every time."""
    return lambda handler, number: send(handler, status, body, content_type, headers)


def fail_first(
    times: int, status: int, then: Reply, headers: dict[str, str] | None = None
) -> Reply:
    """`status` (with `headers`) for the first `times` requests, then `then`."""

    def reply(handler: BaseHTTPRequestHandler, number: int) -> None:
        if number <= times:
            send(handler, status, f"erreur {status}".encode(), headers=headers)
        else:
            then(handler, number)

    return reply


def silent(seconds: float) -> Reply:
    """No answer at all for `seconds`, then a closed connection."""

    def reply(handler: BaseHTTPRequestHandler, number: int) -> None:
        time.sleep(seconds)
        handler.close_connection = True

    return reply


def slow_body(seconds: float, size: int = 20_000) -> Reply:
    """Headers and the first bytes at once, the rest of the body never comes within `seconds`."""

    def reply(handler: BaseHTTPRequestHandler, number: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        handler.wfile.write(b"<html><body><p>" + b"lent " * 20)
        handler.wfile.flush()
        time.sleep(seconds)
        handler.close_connection = True

    return reply


def reset() -> Reply:
    """A TCP reset instead of an answer."""
    return lambda handler, number: reset_connection(handler)


def truncated(body: bytes) -> Reply:
    """Half of `body` under a Content-Length announcing all of it, then the connection closes."""

    def reply(handler: BaseHTTPRequestHandler, number: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.close_connection = True

    return reply


def huge(size: int, *, declared: bool) -> Reply:
    """A `size`-byte page of paragraphs, its length announced or not (then ended by a close).

    Stops writing as soon as the client hangs up.
    """
    chunk = b"<p>" + b"Texte de remplissage. " * 3000 + b"</p>\n"

    def reply(handler: BaseHTTPRequestHandler, number: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if declared:
            handler.send_header("Content-Length", str(size))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        sent = 0
        while sent < size:
            part = chunk[: size - sent]
            handler.wfile.write(part)
            sent += len(part)

    return reply


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to `location` (a path or a full URL)."""
    return lambda handler, number: send(handler, status, headers={"Location": location})


def delayed(reply: Reply, seconds: float) -> Reply:
    """`reply` after `seconds` (a slow but healthy server)."""

    def wait_then(handler: BaseHTTPRequestHandler, number: int) -> None:
        time.sleep(seconds)
        reply(handler, number)

    return wait_then
