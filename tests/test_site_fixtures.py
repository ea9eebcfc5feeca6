"""Every built-in profile against its stored pages (tests/sites), in-process and without a crawl.

Each page must give exactly its stored record, every field included (`removed`, `date_source`,
`keyword_hits`...), with the clock frozen at the page's fetch time. A second test checks that
the stored records agree with what the page's author wrote down, so a regenerated record cannot
freeze a wrong value. All pages are synthetic (written by this project; tests/sites/README.md).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from malinews.pipelines.boilerplate import GLOBAL_PHRASES
from malinews.sites import BUILTIN
from tests.sites.fixtures import Fixture, disagreements, extract, fixtures

# fixture id -> why the extractor gets its (correct) expected record wrong today; xfail, strict.
KNOWN_FAILURES: dict[str, str] = {}

FIXTURES = fixtures()


def _params() -> list[Any]:
    return [
        pytest.param(
            fixture,
            id=fixture.id,
            marks=[pytest.mark.xfail(reason=KNOWN_FAILURES[fixture.id], strict=True)]
            if fixture.id in KNOWN_FAILURES
            else [],
        )
        for fixture in FIXTURES
    ]


def expected(fixture: Fixture) -> dict[str, Any] | None:
    return json.loads(fixture.expected_path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("site", sorted(BUILTIN))
def test_every_builtin_profile_has_stored_pages(site: str) -> None:
    assert [f for f in FIXTURES if f.site == site], f"tests/sites/{site}/ has no stored page"


@pytest.mark.parametrize("fixture", _params())
def test_page_gives_its_stored_record(fixture: Fixture) -> None:
    assert extract(fixture) == expected(fixture)


@pytest.mark.parametrize("fixture", _params())
def test_stored_record_is_what_the_page_shows(fixture: Fixture) -> None:
    """Title, author, source, date and body as written down; no boilerplate left; a sample-site
    page read by its profile's selectors (not a fallback)."""
    record = expected(fixture)
    assert record is not None and not disagreements(fixture, record)
    phrases = (*BUILTIN[fixture.site].boilerplate, *GLOBAL_PHRASES)
    left = [p for p in phrases if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", record["text"], re.I)]
    assert not left
    if fixture.origin.startswith("malinews/scrapers/demo_sites/"):
        assert record["extraction"] == "profile"
