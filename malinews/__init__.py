"""malinews: a scraper and monitor for the Malian press.

`malinews.extract(html, url)` is the public API for one saved page. Everything is imported on
the first call, so `import malinews` stays cheap for tools that only need part of the package.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def extract(
    html: bytes | str, url: str, *, config: str | Path | None = None
) -> dict[str, Any] | None:
    """The article record of one page, as `malinews extract PATH --url URL` prints it, or None
    when the page is not an article.

    `html` is the page as fetched (bytes, decoded as a crawler would) or already decoded text.
    With `config` (a malinews.toml), the configured site matching the URL's host gives the
    profile and the alert rules; without it, the generic extraction path is used.
    """
    from malinews.pipelines.chain import extract_page, profile_for
    from malinews.scrapers.config import load_config

    loaded = load_config(config) if config is not None else None
    body = html.encode("utf-8") if isinstance(html, str) else html
    profile = profile_for(url, loaded.sites if loaded else ())
    rules = loaded.alerts if loaded else ()
    return extract_page(body, url, profile, rules=rules, now=datetime.now(UTC))
