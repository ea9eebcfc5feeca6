"""malinews: a scraper and monitor for the Malian press.

`malinews.extract(html, url)` is the public API for one saved page. Everything but the `Article`
record type is imported on the first call, so `import malinews` stays cheap for tools that only
need part of the package.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from malinews.article import Article

__all__ = ["Article", "extract"]


def extract(html: bytes | str, url: str, *, config: str | Path | None = None) -> Article | None:
    """The article of one page, after the same stages as `malinews extract PATH --url URL`
    (whose JSON is `extract(...).record()`), or None when the page is not an article.

    `html` is the page as fetched (bytes, decoded as a crawler would) or already decoded text.
    With `config` (a malinews.toml), the configured site matching the URL's host gives the
    profile and the alert rules; without it, the generic extraction path is used. A `url` that
    is not an http(s) URL raises ValueError, `html` of another type TypeError, as the command
    refuses them.
    """
    from malinews.core.urls import is_http_url
    from malinews.pipelines.chain import profile_for, read_page
    from malinews.scrapers.config import load_config

    if not isinstance(html, bytes | str):
        raise TypeError(f"html: bytes or str expected, got {type(html).__name__}")
    if not is_http_url(url):
        raise ValueError(f"url: not an http(s) URL: {url!r}")

    loaded = load_config(config) if config is not None else None
    body = html.encode("utf-8") if isinstance(html, str) else html
    profile = profile_for(url, loaded.sites if loaded else ())
    rules = loaded.alerts if loaded else ()
    return read_page(body, url, profile, rules=rules, now=datetime.now(UTC))
