"""The offline demo: bundled sample pages of Malian sites served on 127.0.0.1, crawled for real.

`SiteServer` is also what the tests use to serve fixture sites.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from malinews.sites import BUILTIN

DEMO_SITES_DIR = Path(__file__).resolve().parent.parent / "scrapers" / "demo_sites"
DEMO_CONFIG = Path(__file__).resolve().parent / "demo.toml"
POLL_SECONDS = 0.05  # how soon a stopped server notices (the default 0.5 s slows every test)
CONTENT_TYPES = {".xml": "application/rss+xml", ".txt": "text/plain", ".json": "application/json"}


def site_origin(name: str) -> str:
    """The real origin of a built-in site, as written in its sample pages."""
    parts = urlsplit(BUILTIN[name].start_urls[0])
    return f"{parts.scheme}://{parts.netloc}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connections under Scrapy's concurrency


class SiteServer:
    """Serve one site folder on 127.0.0.1, with its real origin rewritten to the local one.

    A URL path maps to a file: `/` -> `index.html`, `/a/b/` -> `a/b/index.html`, `/a/b` -> the
    file `a/b`, else `a/b/index.html`, else `a/b/index.xml`. ETag and Last-Modified are sent
    and honoured (304), as real WordPress servers do.
    """

    def __init__(self, root: Path, origin: str, port: int = 0) -> None:
        """`port` 0 takes any free port; a fixed port that is busy falls back to that."""
        self.root = root
        self.origin = origin
        self.requests: list[str] = []
        self.access: list[tuple[float, str, str]] = []  # (time, User-Agent, path) of each GET
        self.override: tuple[int, bytes] | None = None  # (status, body) answered to every request
        # path -> (status, Location) answered instead of the file: a 410, a redirect home...
        self.routes: dict[str, tuple[int, str]] = {}
        try:
            self._httpd = _Server(("127.0.0.1", port), self._handler())
        except OSError:
            self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(POLL_SECONDS,), daemon=True
        )

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def resolve(self, path: str) -> Path | None:
        relative = unquote(path).lstrip("/")
        base = (self.root / relative).resolve()
        if not base.is_relative_to(self.root.resolve()):
            return None
        for candidate in (base, base / "index.html", base / "index.xml"):
            if candidate.is_file():
                return candidate
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = urlsplit(self.path).path
                server.requests.append(path)
                server.access.append((time.time(), self.headers.get("User-Agent", ""), path))
                if server.override is not None:
                    status, page = server.override
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                if path in server.routes:
                    status, location = server.routes[path]
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                file = server.resolve(path)
                if file is None:
                    self.send_error(404)
                    return
                body = file.read_bytes().replace(server.origin.encode(), server.url.encode())
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = formatdate(file.stat().st_mtime, usegmt=True)
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", CONTENT_TYPES.get(file.suffix, "text/html"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def demo_config_text(servers: dict[str, SiteServer], output_dir: Path) -> str:
    """scheduler/demo.toml with each site's start URL set to its local server."""
    lines = [f"[output]\ndir = {json.dumps(str(output_dir.resolve()))}"]
    for line in DEMO_CONFIG.read_text(encoding="utf-8").splitlines():
        lines.append(line)
        name = re.fullmatch(r'name = "([a-z0-9_-]+)"', line.strip())
        if name and name[1] in servers:
            lines.append(f'start_urls = ["{servers[name[1]].url}/"]')
    return "\n".join(lines) + "\n"


def demo_servers(root: Path = DEMO_SITES_DIR, first_port: int = 0) -> dict[str, SiteServer]:
    """One server per bundled site folder; with `first_port`, on fixed ports from it (so the
    demo's URLs, and the article ids made from them, stay the same from one run to the next)."""
    folders = [f for f in sorted(root.iterdir()) if f.is_dir() and f.name in BUILTIN]
    return {
        folder.name: SiteServer(folder, site_origin(folder.name), first_port and first_port + i)
        for i, folder in enumerate(folders)
    }
