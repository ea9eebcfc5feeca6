"""Canonical URLs and stable article ids: one article, one id."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "msclkid", "amp", "noamp", "mc_cid", "mc_eid"}
TRACKING_PREFIXES = ("utm_",)
# L'Essor serves the same article on several host names.
HOST_ALIASES = {"journalessor.ml": "lessor.ml"}


def canonical_url(url: str) -> str:
    """Normalise a URL so that every variant of one article gives the same string.

    https, lower-case host without `www.`, no default port, no fragment, no tracking or AMP
    parameters, no `/amp/` suffix, no trailing slash, sorted query.
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
