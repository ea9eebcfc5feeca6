"""`malinews serve`: check the store and the port, then run the app under uvicorn."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import uvicorn

from malinews.pipelines.store import PG_STORE, Store, store_exists, store_place
from malinews.scrapers.config import Config
from malinews.web.app import create_app


class ServeError(Exception):
    """Why the server cannot start, as one line."""


def api_token(config: Config) -> str | None:
    """The bearer token named by `[serve] token_env`; an error when it names an unset variable."""
    if config.token_env is None:
        return None
    token = os.environ.get(config.token_env, "").strip()
    if not token:
        raise ServeError(f"{config.path}: [serve] token_env: ${config.token_env} is not set")
    return token


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or one clear line when the address is taken or unusable."""
    if not 0 < port < 65536:
        raise ServeError(f"--port: expected 1-65535, got {port}")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        raise ServeError(f"{host}:{port}: cannot listen: {exc.strerror or exc}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = "port already in use" if exc.errno == 98 else exc.strerror
        raise ServeError(f"{host}:{port}: cannot listen: {reason}") from None
    return sock


def serve(config: Config, host: str, port: int) -> None:
    """Serve the store (`config.database_url`, or else the one in `config.output_dir`) on
    host:port until interrupted.

    The store's schema is brought up to date first (the search index is a migration); the app
    itself only reads."""
    if not store_exists(config.output_dir, config.database_url):
        where = store_place(config.output_dir, config.database_url)
        raise ServeError(f"{where}: no state store; run `malinews crawl` or `malinews demo` first")
    Store(config.output_dir, config.database_url).close()
    token = api_token(config)
    names = [site.name for site in config.sites]
    app = create_app(config.output_dir, token, names, config.database_url)
    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    served = PG_STORE if config.database_url else Path(config.output_dir)
    print(f"malinews: serving {served} on http://{shown}:{port}/", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", proxy_headers=False))
    server.run(sockets=[sock])
