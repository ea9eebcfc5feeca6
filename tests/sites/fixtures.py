"""The stored pages of tests/sites and the one call that extracts them (see README.md)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from malinews.pipelines.chain import extract_page
from malinews.scheduler.demo import DEMO_SITES_DIR
from malinews.sites import BUILTIN
from tests.test_crawl import EXPECTED as EXPECTED_MD  # demo_sites/EXPECTED.md as a table

SITES_DIR = Path(__file__).resolve().parent
GOLD_DIR = SITES_DIR.parent / "gold"


@dataclass(frozen=True)
class Fixture:
    """One stored page: where it was fetched from, when, and the record expected of it."""

    site: str
    page: Path  # <n>.html, or <n>.html.gz for a large real page
    url: str
    now: datetime  # the frozen clock: the record's fetched_at, and "today" for relative dates
    origin: str  # where the page comes from (repository path, or the real URL for a copy)
    synthetic: bool  # written by this project (True) or a copy of a real page

    @property
    def id(self) -> str:
        return f"{self.site}-{self.page.name.split('.')[0]}"

    @property
    def expected_path(self) -> Path:
        return self.page.with_name(self.page.name.split(".")[0] + ".json")

    def body(self) -> bytes:
        data = self.page.read_bytes()
        return gzip.decompress(data) if self.page.suffix == ".gz" else data


def fixtures(site: str | None = None) -> list[Fixture]:
    """Every stored page (of one site), in site then page order."""
    found = []
    for manifest in sorted(SITES_DIR.glob(f"{site or '*'}/pages.json")):
        for row in json.loads(manifest.read_text(encoding="utf-8")):
            found.append(
                Fixture(
                    site=manifest.parent.name,
                    page=manifest.parent / row["page"],
                    url=row["url"],
                    now=datetime.fromisoformat(row["now"]),
                    origin=row["from"],
                    synthetic=row["synthetic"],
                )
            )
    return sorted(found, key=lambda f: (f.site, int(f.page.name.split(".")[0])))


def extract(fixture: Fixture) -> dict[str, Any] | None:
    """The record `malinews extract` prints for the page, with the site's built-in profile.

    The only place the tests call the extraction: a change of its return type is fixed here.
    """
    return extract_page(fixture.body(), fixture.url, BUILTIN[fixture.site], now=fixture.now)


def written_down(fixture: Fixture) -> dict[str, Any]:
    """What the page's author wrote down for the record (a subset of its fields).

    Gold pages: their annotation. Sample-site pages: the site's EXPECTED.json, or for the three
    first sample sites (bamada, maliweb, maliactu) the table of demo_sites/EXPECTED.md that
    tests/test_crawl.py holds (their body starts and ends were checked by reading).
    """
    if fixture.origin.startswith("tests/gold/"):
        name = Path(fixture.origin).stem
        gold = json.loads((GOLD_DIR / "annotations.json").read_text(encoding="utf-8"))
        g = next(g for g in gold if g["name"] == name)
        return {
            "title": g["title"],
            "author": g["author"],
            "source": g["source"],
            "published day": g["published"],
            "text": "\n\n".join(g["body"]),
        }
    path = urlsplit(fixture.url).path
    expected = DEMO_SITES_DIR / fixture.site / "EXPECTED.json"
    if not expected.is_file():
        fields = ("title", "author", "source", "published")
        return dict(zip(fields, EXPECTED_MD[path], strict=True))
    row = next(r for r in json.loads(expected.read_text(encoding="utf-8")) if r["path"] == path)
    return {
        **{k: row[k] for k in ("title", "author", "source", "published")},
        "text starts": row["text_starts"],
        "text ends": row["text_ends"],
    }


def disagreements(fixture: Fixture, record: dict[str, Any] | None) -> dict[str, Any]:
    """Fields where `record` differs from what the page's author wrote down: field -> both."""
    if record is None:
        return {"record": "not an article"}
    written = written_down(fixture)
    text = record["text"]
    got = {
        **record,
        "published day": (record["published"] or "")[:10] or None,
        "text starts": text[: len(written.get("text starts", ""))],
        "text ends": text[len(text) - len(written.get("text ends", "")) :],
    }
    return {
        key: {"got": got[key], "written": want} for key, want in written.items() if got[key] != want
    }
