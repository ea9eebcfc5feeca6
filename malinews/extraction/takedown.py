"""Signs that a stored article was taken down, read from the answer to its revisit.

One sign is not a takedown: the store confirms it after two checks in a row an hour apart
(Store.missing). A 5xx, a timeout or a block page is no sign at all: the site is unwell, the
article may be fine (those never reach this module).
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from malinews.core.text import fold

GONE = (404, 410)  # statuses a revisit reads as a takedown sign
# what a not-found page says, folded (lower case, no accents): French first, then English
NOT_FOUND_RE = re.compile(
    r"n.est plus disponible|n.est pas disponible|page introuvable|article introuvable"
    r"|page (?:non|pas) trouvee|n.existe plus|n.existe pas|a ete supprime"
    r"|erreur 404|page not found|404 not found|no longer available"
)


def takedown_reason(
    status: int, root: HtmlElement | None, *, redirected: bool, is_article: bool
) -> str | None:
    """Why the revisit answer looks like a takedown, or None.

    Reasons: `http_404` / `http_410`; `redirect` (sent to a page that is no article: the home
    page or a category); `not_found_page` (a soft 404: the site's not-found template served
    with 200, no article, saying so). A page that still reads as an article is never a
    takedown, whatever it says: an article may well be titled "... n'existe plus".
    """
    if status in GONE:
        return f"http_{status}"
    if is_article:
        return None
    if redirected:
        return "redirect"
    if root is not None and NOT_FOUND_RE.search(fold(root.text_content())):
        return "not_found_page"
    return None
