"""L'Essor (lessor.ml): custom site (not WordPress), no known feed: listing pages only.

URLs are "/posts/<slug>-<uniqid>": the uniqid's first 8 hex digits are the publication time
(a Unix timestamp). The same articles are served on journalessor.ml.
"""

import re
from datetime import UTC, datetime

from malinews.sites.profile import SiteProfile

UNIQID = re.compile(r"/posts/[^/?#]*-(?P<stamp>[0-9a-f]{8})[0-9a-f]{5}(?:[/?#]|$)")


def url_date(url: str) -> datetime | None:
    """The publication time in an article URL's uniqid, if it has one."""
    found = UNIQID.search(url)
    return datetime.fromtimestamp(int(found["stamp"], 16), UTC) if found else None


PROFILE = SiteProfile(
    name="lessor",
    start_urls=("https://www.lessor.ml/",),
    article_url=r"^/posts/[a-z0-9-]+-[0-9a-f]{13}$",
    listing_links=".post-item h3 a, .post-item h2 a",
    next_page="ul.pagination a[rel=next]",
    teasers=".post-item",
    title="h1",
    body="div.article-content",
    date="div.post-date",
    drop=(".post-share",),
    url_date=url_date,
    host_aliases=("journalessor.ml",),
    builtin=True,
    uses=("listing",),
)
