"""The web app and HTTP API (Starlette, Jinja2 pages rendered on the server), read-only.

Each worker thread keeps one read-only connection to the store (a new read transaction per
query sees the latest commits), in WEB_CONNECTIONS threads at most. Pages and API share the
queries of `malinews.web.queries`; nothing here writes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sqlite3
import threading
from base64 import b64decode
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import anyio.to_thread
import jinja2
import psycopg
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from malinews.core.db import Connection, error_text
from malinews.pipelines.store import DB_NAME
from malinews.web import charts, queries
from malinews.web.feeds import atom_feed, json_feed
from malinews.web.i18n import LANGUAGES, translator
from malinews.web.openapi import OPENAPI
from malinews.web.queries import BadFilter, Filters

HERE = Path(__file__).parent
LOG = logging.getLogger("malinews.web")
STORE_ERRORS = (sqlite3.Error, psycopg.Error)  # serve may read either store
PER_PAGE = 20
WEB_CONNECTIONS = 8  # requests read at once, each thread with its store connection
API_LIMIT, API_MAX_LIMIT = 100, 500
FEED_CACHE = 32  # encoded feeds kept (per URL and store state)
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
OPEN_PATHS = ("/healthz", "/static/")  # reachable without the token (probes, the stylesheet)


class _Recent:
    """The last few values by key (thread-safe: sync endpoints run in a thread pool)."""

    def __init__(self, size: int) -> None:
        self.size, self.values, self.lock = size, OrderedDict[Any, bytes](), threading.Lock()

    def get(self, key: Any) -> bytes | None:
        with self.lock:
            if key in self.values:
                self.values.move_to_end(key)
            return self.values.get(key)

    def put(self, key: Any, value: bytes) -> None:
        with self.lock:
            self.values[key] = value
            while len(self.values) > self.size:
                self.values.popitem(last=False)


class NotFound(Exception):
    """The thing a URL names is not in the store."""


def _marked(text: str | None) -> Markup:
    """Escaped text whose FTS highlight markers become <mark> elements."""
    safe = str(escape(text or ""))
    return Markup(safe.replace(queries.MARK_START, "<mark>").replace(queries.MARK_END, "</mark>"))


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _alert_snippet(text: str | None) -> Markup:
    """An alert snippet, escaped, with the keyword the matcher put in **bold** marked."""
    return Markup(_BOLD.sub(r"<mark>\1</mark>", str(escape(text or ""))))


def _web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) link, else None (a javascript: URL never becomes a link)."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["marked"] = _marked
    env.filters["web_url"] = _web_url
    env.filters["alert_snippet"] = _alert_snippet
    env.filters["day"] = lambda value: (value or "")[:10]
    env.filters["when"] = lambda value: (value or "")[:16].replace("T", " ")
    env.filters["percent"] = lambda value: f"{100 * value:.0f} %"
    return env


def _etag_response(request: Request, body: bytes, media_type: str) -> Response:
    """`body` with an ETag, or 304 when the client already holds it."""
    etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'  # weak: gzip changes the bytes
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    wanted = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in wanted or "*" in wanted:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _json(request: Request, value: Any) -> Response:
    body = json.dumps(value, ensure_ascii=False, default=_plain).encode("utf-8")
    return _etag_response(request, body, "application/json")


def _plain(value: Any) -> Any:
    """JSON for the query records (dataclasses)."""
    return asdict(value)


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadFilter(f"{name}: expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise BadFilter(f"{name}: must be between {low} and {high}, got {value}")
    return value


def _filters(request: Request) -> Filters:
    params = request.query_params
    start, end, since = params.get("start"), params.get("end"), params.get("since")
    return Filters(
        site=params.get("site") or None,
        rule=params.get("rule") or None,
        start=queries.parse_day("start", start) if start else None,
        end=queries.parse_day("end", end) if end else None,
        since=queries.parse_since(since) if since else None,
    )


def create_app(
    output_dir: Path,
    token: str | None = None,
    site_names: Sequence[str] = (),
    database_url: str | None = None,
) -> Starlette:
    """The app serving the store (the PostgreSQL database at `database_url`, or else the SQLite
    file of `output_dir`); `token`, when given, guards all but probes.

    `site_names` (the configured sites) are listed on the sites page even before their first
    crawl; without them, the sites found in the store are."""
    env = _environment()

    local = threading.local()  # one connection per worker thread, kept: its page cache too

    @contextmanager
    def store() -> Iterator[Connection]:
        conn = getattr(local, "conn", None)
        if conn is None or (database_url is None and not (output_dir / DB_NAME).exists()):
            if conn is not None:
                conn.close()
            local.conn = None
            conn = local.conn = queries.connect(output_dir, database_url)
        try:
            yield conn
        except STORE_ERRORS:
            local.conn = None
            conn.close()
            raise

    def page(request: Request, template: str, **context: Any) -> Response:
        lang = request.query_params.get("lang") or request.cookies.get("lang") or "fr"
        lang = lang if lang in LANGUAGES else "fr"
        query = {k: v for k, v in request.query_params.items() if k not in ("page", "lang")}
        html = env.get_template(template).render(
            _=translator(lang),
            lang=lang,
            path=request.url.path,
            query=query,
            with_query=lambda **extra: "?" + urlencode({**query, **extra}),
            **context,
        )
        response = _etag_response(request, html.encode("utf-8"), "text/html; charset=utf-8")
        if "lang" in request.query_params:
            response.set_cookie("lang", lang, samesite="strict", httponly=True)
        return response

    def choices(conn: Connection) -> dict[str, Any]:
        return {"sites": queries.site_names(conn), "rules": queries.rule_names(conn)}

    def stories_page(request: Request) -> Response:
        filters, number = _filters(request), _int(request, "page", 1, 1, 10_000)
        with store() as conn:
            result = queries.stories(conn, filters, number, PER_PAGE)
            return page(request, "stories.html", result=result, **choices(conn))

    def search_page(request: Request) -> Response:
        filters, number = _filters(request), _int(request, "page", 1, 1, 10_000)
        text = request.query_params.get("q", "")
        with store() as conn:
            result = queries.search(conn, text, filters, number, PER_PAGE)
            return page(request, "search.html", q=text, result=result, **choices(conn))

    def story_page(request: Request) -> Response:
        with store() as conn:
            view = queries.story(conn, request.path_params["story_id"])
        if view is None:
            raise NotFound(request.path_params["story_id"])
        return page(request, "story.html", view=view)

    def alerts_page(request: Request) -> Response:
        params = request.query_params
        since = queries.parse_since(params["since"]) if params.get("since") else None
        with store() as conn:
            found = queries.alerts(conn, params.get("rule") or None, since, 200)
            return page(request, "alerts.html", alerts=found, **choices(conn))

    def sites_page(request: Request) -> Response:
        with store() as conn:
            views = queries.sites(conn, site_names or queries.site_names(conn))
            per_site = charts.line_chart(queries.articles_per_day(conn))
            per_rule = charts.line_chart(queries.mentions_per_day(conn))
        return page(request, "sites.html", sites=views, per_site=per_site, per_rule=per_rule)

    feeds = _Recent(FEED_CACHE)

    def feed(request: Request, encode: Callable[[dict[str, Any]], bytes]) -> bytes:
        """The encoded feed for this URL, built again only when the store's content changed."""
        filters = Filters(
            site=request.query_params.get("site") or None,
            rule=request.query_params.get("rule") or None,
        )
        query = f"?{request.url.query}" if request.url.query else ""
        with store() as conn:
            key = (str(request.url), queries.feed_state(conn))
            body = feeds.get(key)
            if body is None:
                body = encode(
                    json_feed(
                        conn,
                        filters,
                        home_page_url=str(request.url_for("stories")) + query,
                        feed_url=str(request.url),
                    )
                )
                feeds.put(key, body)
        return body

    def feed_json(request: Request) -> Response:
        body = feed(request, lambda f: json.dumps(f, ensure_ascii=False).encode("utf-8"))
        return _etag_response(request, body, "application/feed+json")

    def feed_atom(request: Request) -> Response:
        return _etag_response(request, feed(request, atom_feed), "application/atom+xml")

    def api_articles(request: Request) -> Response:
        filters = _filters(request)
        cursor = _int(request, "cursor", 0, 0, 2**62)
        limit = _int(request, "limit", API_LIMIT, 1, API_MAX_LIMIT)
        with store() as conn:
            result = queries.article_records(
                conn, request.query_params.get("q"), filters, cursor, limit
            )
        records = ",".join(result.lines)  # stored JSON, not decoded and encoded again
        body = f'{{"records": [{records}], "next_cursor": "{result.next_cursor}"}}'
        return _etag_response(request, body.encode("utf-8"), "application/json")

    def api_story(request: Request) -> Response:
        with store() as conn:
            view = queries.story(conn, request.path_params["story_id"])
        if view is None:
            raise NotFound(request.path_params["story_id"])
        return _json(
            request,
            {**view.story, "rules": view.rules, "records": view.records, "changes": view.changes},
        )

    def api_alerts(request: Request) -> Response:
        params = request.query_params
        since = queries.parse_since(params["since"]) if params.get("since") else None
        limit = _int(request, "limit", API_LIMIT, 1, API_MAX_LIMIT)
        with store() as conn:
            found = queries.alerts(conn, params.get("rule") or None, since, limit)
        return _json(request, {"alerts": found})

    def openapi(request: Request) -> Response:
        return _json(request, OPENAPI)

    def healthz(request: Request) -> Response:
        with store() as conn:
            conn.execute("SELECT 1 FROM articles LIMIT 1").fetchall()
        return JSONResponse({"status": "ok"})

    async def bad_filter(request: Request, exc: Exception) -> Response:
        return error(request, 400, "Requête invalide", str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return error(request, 404, "Introuvable", f"not found: {request.url.path}")

    async def store_error(request: Request, exc: Exception) -> Response:
        reason = error_text(exc)
        LOG.error("%s: %s", request.url.path, reason)
        return error(request, 503, "Base indisponible", f"store unavailable: {reason}")

    def error(request: Request, status: int, title: str, detail: str) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/feed"):
            return JSONResponse({"error": detail}, status_code=status)
        response = page(request, "error.html", title=title, detail=detail)
        response.status_code = status
        return response

    routes = [
        Route("/", stories_page, name="stories"),
        Route("/search", search_page, name="search"),
        Route("/stories/{story_id}", story_page, name="story"),
        Route("/alerts", alerts_page, name="alerts"),
        Route("/sites", sites_page, name="sites"),
        Route("/feed.json", feed_json),
        Route("/feed.atom", feed_atom),
        Route("/api/articles", api_articles),
        Route("/api/stories/{story_id}", api_story),
        Route("/api/alerts", api_alerts),
        Route("/api/openapi.json", openapi),
        Route("/healthz", healthz),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(BaseHTTPMiddleware, dispatch=_guard(token)),
        Middleware(GZipMiddleware, minimum_size=500, compresslevel=5),  # 9 is 3x slower
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=_bounded_threads,
        exception_handlers={
            BadFilter: bad_filter,
            NotFound: not_found,
            404: not_found,
            **dict.fromkeys(STORE_ERRORS, store_error),
            queries.StoreMissing: store_error,
        },
    )


@asynccontextmanager
async def _bounded_threads(app: Starlette) -> AsyncIterator[None]:
    """At most WEB_CONNECTIONS requests read at once (anyio's default is 40 threads), so the
    app holds at most that many store connections: a PostgreSQL server admits ~100 in all,
    the workers' included. Requests beyond wait for a thread."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = WEB_CONNECTIONS
    yield


Handler = Callable[[Request], Awaitable[Response]]


def _guard(token: str | None) -> Callable[[Request, Handler], Awaitable[Response]]:
    """Security headers on every response; the token checked on all but OPEN_PATHS.

    The API takes `Authorization: Bearer TOKEN`; a browser gets a Basic prompt whose password
    is the token (any user name), so pages need no login form and no script.
    """

    async def dispatch(request: Request, call_next: Handler) -> Response:
        path = request.url.path
        if token and not path.startswith(OPEN_PATHS) and not _authorized(request, token):
            api = path.startswith("/api/") or path.startswith("/feed")
            response: Response = JSONResponse(
                {"error": "missing or wrong token"},
                status_code=401,
                headers={
                    "WWW-Authenticate": 'Bearer realm="malinews"'
                    if api
                    else 'Basic realm="malinews", charset="UTF-8"'
                },
            )
        else:
            response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    return dispatch


def _authorized(request: Request, token: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        given = value.strip()
    elif scheme.lower() == "basic":
        try:
            given = b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except ValueError:
            return False
    else:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))
