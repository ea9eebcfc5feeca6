"""The served feeds: JSON Feed 1.1 (items as in the exported feed.json) and Atom 1.0."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from malinews.core.db import Connection
from malinews.pipelines.export import FEED_SIZE, feed_item
from malinews.web.queries import Filters, feed_stories

ATOM = "http://www.w3.org/2005/Atom"
TITLE = "malinews"


def json_feed(
    conn: Connection, filters: Filters, home_page_url: str, feed_url: str
) -> dict[str, Any]:
    """The JSON Feed of the latest stories, newest first, narrowed by site and rule."""
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": TITLE,
        "home_page_url": home_page_url,
        "feed_url": feed_url,
        "description": "Articles of the Malian press, one item per story",
        "language": "fr",
        "items": [
            feed_item(story, records) for story, records in feed_stories(conn, filters, FEED_SIZE)
        ],
    }


def atom_feed(feed: dict[str, Any]) -> bytes:
    """The same items as an Atom 1.0 document (ElementTree escapes every text)."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "fr"})
    add(root, "title", feed["title"])
    add(root, "id", feed["feed_url"])
    add(root, "link", rel="self", href=feed["feed_url"])
    add(root, "link", rel="alternate", href=feed["home_page_url"])
    dates = [_when(item) for item in feed["items"]]
    add(root, "updated", max(dates, default=datetime.now(UTC).isoformat()))
    add(add(root, "author"), "name", TITLE)
    for item, when in zip(feed["items"], dates, strict=True):
        entry = add(root, "entry")
        add(entry, "id", f"urn:malinews:story:{item['id']}")
        add(entry, "title", item["title"])
        add(entry, "link", rel="alternate", href=item["url"])
        add(entry, "updated", when)
        if item.get("date_published"):
            add(entry, "published", item["date_published"])
        for author in item.get("authors", []):
            add(add(entry, "author"), "name", author["name"])
        add(entry, "summary", item["summary"])
        add(entry, "content", item["content_text"], type="text")
        for rule in item["_malinews"]["keyword_hits"]:
            add(entry, "category", term=rule)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _when(item: dict[str, Any]) -> str:
    """An entry's Atom `updated`: modified, else published, else when it was first stored."""
    copies = item["_malinews"]["copies"]
    return (
        item.get("date_modified")
        or item.get("date_published")
        or (copies[0]["crawled_at"] if copies else datetime.now(UTC).isoformat())
    )
