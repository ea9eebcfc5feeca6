"""Fixture crawls of the built-in site profiles, checked article by article and field by field.

Every site folder in scrapers/demo_sites/ with an EXPECTED.json is served alone on 127.0.0.1
(its real origin rewritten to the local one) and crawled by the real `malinews crawl` in a child
process. articles.jsonl must then hold exactly the expected articles, with the expected title,
author, source newspaper, publication date and body, without the site's boilerplate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from malinews.pipelines.boilerplate import GLOBAL_PHRASES
from malinews.scheduler.demo import DEMO_SITES_DIR, SiteServer, site_origin
from malinews.sites import BUILTIN
from tests.conftest import read_jsonl, run_cli, write_config

SITES = sorted(name for name in BUILTIN if (DEMO_SITES_DIR / name / "EXPECTED.json").is_file())
FIELDS = ("title", "author", "source", "published")

# (site, check) -> why the pipeline gets it wrong today; such a check is marked xfail (strict).
KNOWN_FAILURES: dict[tuple[str, str], str] = {}

Records = dict[str, dict[str, Any]]


def _params(checks: tuple[str, ...]) -> list[Any]:
    """(site, check) pairs, the known failures marked xfail."""
    return [
        pytest.param(
            site,
            check,
            id=f"{site}-{check}",
            marks=[pytest.mark.xfail(reason=KNOWN_FAILURES[site, check], strict=True)]
            if (site, check) in KNOWN_FAILURES
            else [],
        )
        for site in SITES
        for check in checks
    ]


def expected_articles(site: str) -> Records:
    rows = json.loads((DEMO_SITES_DIR / site / "EXPECTED.json").read_text(encoding="utf-8"))
    return {row["path"]: row for row in rows}


def _path(url: str) -> str:
    return unquote(urlsplit(url).path)


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[dict[str, Any]]]:
    """Crawl a fixture site once per test session; returns its articles.jsonl records."""
    done: dict[str, list[dict[str, Any]]] = {}

    def crawl(site: str) -> list[dict[str, Any]]:
        if site not in done:
            workdir: Path = tmp_path_factory.mktemp(site)
            with SiteServer(DEMO_SITES_DIR / site, site_origin(site)) as server:
                config = write_config(workdir / "malinews.toml", {site: server})
                result = run_cli("crawl", "--config", str(config))
            assert result.returncode == 0, result.stderr[-3000:]
            output = workdir / "out" / "articles.jsonl"
            done[site] = read_jsonl(output) if output.exists() else []
        return done[site]

    return crawl


def _by_path(records: list[dict[str, Any]], site: str) -> Records:
    """The crawled article of each expected path (missing ones left out)."""
    found = {_path(record["url"]): record for record in records}
    return {path: found[path] for path in expected_articles(site) if path in found}


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


@pytest.mark.parametrize(("site", "check"), _params(("articles",)))
def test_crawl_finds_exactly_the_articles(site: str, check: str, crawled: Callable) -> None:
    records = crawled(site)
    assert sorted(_path(record["url"]) for record in records) == sorted(expected_articles(site))


@pytest.mark.parametrize(("site", "check"), _params(FIELDS))
def test_article_field(site: str, check: str, crawled: Callable) -> None:
    got = _by_path(crawled(site), site)
    wrong = {
        path: {"got": got[path].get(check), "expected": row[check]}
        for path, row in expected_articles(site).items()
        if path in got and got[path].get(check) != row[check]
    }
    assert got and not wrong, wrong


@pytest.mark.parametrize(("site", "check"), _params(("text",)))
def test_article_text(site: str, check: str, crawled: Callable) -> None:
    got = _by_path(crawled(site), site)
    wrong = {
        path: (got[path]["text"][:70], got[path]["text"][-70:])
        for path, row in expected_articles(site).items()
        if path in got
        and not (
            got[path]["text"].startswith(row["text_starts"])
            and got[path]["text"].endswith(row["text_ends"])
        )
    }
    assert got and not wrong, wrong


@pytest.mark.parametrize(("site", "check"), _params(("boilerplate",)))
def test_no_boilerplate_left(site: str, check: str, crawled: Callable) -> None:
    phrases = (*BUILTIN[site].boilerplate, *GLOBAL_PHRASES)
    patterns = [re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.I) for phrase in phrases]
    left = {
        path: [p.pattern for p in patterns if p.search(record["text"])]
        for path, record in _by_path(crawled(site), site).items()
    }
    assert left and not any(left.values()), left


@pytest.mark.parametrize(("site", "check"), _params(("extraction",)))
def test_profile_selectors_extract_the_body(site: str, check: str, crawled: Callable) -> None:
    layers = {path: r["extraction"] for path, r in _by_path(crawled(site), site).items()}
    assert layers and set(layers.values()) == {"profile"}, layers
