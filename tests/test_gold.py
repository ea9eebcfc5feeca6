"""The Malian gold set (tests/gold): malinews must stay above the issue's targets on it.

The evaluation runs once per session, in-process; each floor is its own test so a failure names
the metric that dropped. The floors are the issue's targets (all reached on the gold set).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.eval import TARGETS, evaluate
from tests.gold.make_gold import build

GOLD_DIR = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return evaluate(GOLD_DIR)


def test_gold_set_covers_the_issue(results: dict[str, Any]) -> None:
    assert results["articles"] >= 60
    assert results["templates"] >= 8
    assert results["pages"] - results["articles"] >= 15


def test_gold_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    build(tmp_path)
    assert (tmp_path / "annotations.json").read_bytes() == (
        GOLD_DIR / "annotations.json"
    ).read_bytes()
    written = sorted(p.name for p in (tmp_path / "pages").iterdir())
    assert written == sorted(p.name for p in (GOLD_DIR / "pages").iterdir())
    for name in written:
        assert (tmp_path / "pages" / name).read_bytes() == (GOLD_DIR / "pages" / name).read_bytes()


@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_malinews_meets_the_floor(results: dict[str, Any], metric: str) -> None:
    measured = results["malinews"][metric]
    pages = [m["page"] for m in results["malinews_misses"]]
    assert measured >= TARGETS[metric], f"{metric} = {measured:.3f}; pages off gold: {pages}"


def test_malinews_never_dates_an_article_after_its_fetch(results: dict[str, Any]) -> None:
    assert results["malinews"]["future_dates"] == 0


def test_malinews_body_beats_trafilatura_on_the_same_pages(results: dict[str, Any]) -> None:
    assert results["malinews"]["body_f1"] > results["trafilatura"]["body_f1"]
