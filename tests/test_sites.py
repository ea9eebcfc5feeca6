"""End-to-end crawls of the built-in site profiles: discovery, and the same records as offline.

Every site folder in scrapers/demo_sites/ with an EXPECTED.json is served on 127.0.0.1 (its real
origin rewritten to the local one) and all are crawled together by one real `malinews crawl` in a
child process. articles.jsonl must then hold exactly the expected articles of each site, each
with the record its stored page gives offline (tests/sites, checked field by field against
EXPECTED.json by tests/test_site_fixtures.py).
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, site_origin
from malinews.sites import BUILTIN
from tests.conftest import read_jsonl, run_cli, write_config
from tests.sites.fixtures import fixtures

SITES = sorted(name for name in BUILTIN if (DEMO_SITES_DIR / name / "EXPECTED.json").is_file())
# what differs between a crawl on 127.0.0.1 and the offline extraction at the real URL
CRAWL_DEPENDENT = ("id", "story_id", "url", "canonical_url", "crawled_at")


def expected_paths(site: str) -> list[str]:
    rows = json.loads((DEMO_SITES_DIR / site / "EXPECTED.json").read_text(encoding="utf-8"))
    return sorted(row["path"] for row in rows)


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """One crawl of every fixture site; each site's articles.jsonl records."""
    workdir: Path = tmp_path_factory.mktemp("sites")
    with ExitStack() as stack:
        servers = {
            site: stack.enter_context(SiteServer(DEMO_SITES_DIR / site, site_origin(site)))
            for site in SITES
        }
        config = write_config(workdir / "malinews.toml", servers)
        result = run_cli("crawl", "--config", str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    records = read_jsonl(workdir / "out" / "articles.jsonl")
    return {site: [r for r in records if r["site"] == site] for site in SITES}


def test_fixture_sites_cover_the_new_profiles() -> None:
    assert {
        "malijet",
        "journaldumali",
        "studiotamani",
        "abamako",
        "sahelien",
        "lessor",
        "infomatin",
        "malikile",
        "niarela",
    } <= set(SITES)


@pytest.mark.parametrize("site", SITES)
def test_crawl_finds_exactly_the_articles(site: str, crawled: dict[str, list]) -> None:
    assert sorted(_path(record["url"]) for record in crawled[site]) == expected_paths(site)


@pytest.mark.parametrize("site", SITES)
def test_crawl_gives_the_records_of_the_stored_pages(site: str, crawled: dict[str, list]) -> None:
    """Title, author, source, dates, body, removed lines, layer: as extracted offline (the
    date's evidence may be the feed the crawl found the article in)."""
    stored = {}
    for fixture in fixtures(site):
        if fixture.origin.startswith(f"malinews/scrapers/demo_sites/{site}/"):
            record = json.loads(fixture.expected_path.read_text(encoding="utf-8"))
            stored[_path(fixture.url)] = record
    assert sorted(stored) == expected_paths(site)
    wrong = {}
    for record in crawled[site]:
        want = stored[_path(record["url"])]
        diff = {
            key: (record[key], want[key])
            for key in want
            if key not in CRAWL_DEPENDENT and record[key] != want[key]
        }
        if diff.get("date_source", ("",))[0] == "feed":
            del diff["date_source"]  # same date, read from the feed the crawl came through
        if diff:
            wrong[_path(record["url"])] = diff
    assert crawled[site] and not wrong, wrong
