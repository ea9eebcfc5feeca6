"""Canonical URLs and stable article ids: one article, one id."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from malinews.sites import HOST_ALIASES

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "amp", "noamp", "mc_cid", "mc_eid"}
TRACKING_PREFIXES = ("utm_",)
DATED_PATH = re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/|$)")


def is_http_url(url: object) -> bool:
    """An absolute http(s) URL with a host: what a page's address must be."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def is_postgres_url(url: str) -> bool:
    """A PostgreSQL connection URL: what a shared store's address must be."""
    return url.startswith(("postgresql://", "postgres://"))


def canonical_url(url: str) -> str:
    """Normalise a URL so that every variant of one article gives the same string.

    https, lower-case host without `www.` (a site's host alias replaced by its host), no
    default port, no fragment, no tracking or AMP parameters, no `/amp/` suffix, no trailing
    slash, sorted query.
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return url.strip()
    host = host.removeprefix("www.")
    host = HOST_ALIASES.get(host, host)
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    for suffix in ("/amp/", "/amp"):
        if path.endswith(suffix):
            path = path[: -len(suffix) + 1]
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    scheme = "https" if parts.scheme in ("http", "https") else parts.scheme
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def article_id(url: str) -> str:
    """Stable id of an article: 16 hex digits of the SHA-256 of its canonical URL."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def same_site(url: str, base: str) -> bool:
    """True when `url` is on the host of `base` (ignoring `www.` and the scheme)."""
    try:
        a, b = urlsplit(url), urlsplit(base)
        host_a = (a.hostname or "").removeprefix("www.")
        host_b = (b.hostname or "").removeprefix("www.")
        return a.scheme in ("http", "https") and host_a == host_b and a.port == b.port
    except ValueError:
        return False


def date_in_path(url: str) -> date | None:
    """The day of a dated permalink ("/2025/11/05/<slug>/", the WordPress setting), if any."""
    found = DATED_PATH.search(url)
    if found is None:
        return None
    try:
        return date(int(found["year"]), int(found["month"]), int(found["day"]))
    except ValueError:
        return None
