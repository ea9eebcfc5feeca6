"""Smoke tests of the bench: the mirror it generates and one tiny run (no timing assertions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.__main__ import main
from bench.mirror import build_mirror
from malinews.pipelines.chain import extract_page

EXPECTED_FIGURES = {
    "crawl pages/s",
    "crawl time per article",
    "pipeline time per article",
    "pipeline vs lxml parse",
    "re-crawl requests",
    "re-crawl time",
    "copies found by the crawl",
    "keywords, 10 rules",
    "keywords, 100 rules",
    "keywords, 1000 rules",
    "regex-like rule on a backtracking text",
    "entity-bomb feed",
    *(
        f"stage {s}"
        for s in ("extract", "clean", "boilerplate", "date", "dedupe", "keywords", "store")
    ),
    *(f"dedupe lookup at {n}" for n in (50, 100, 200)),
    *(f"store size at {n}" for n in (50, 100, 200)),
}


def test_mirror_pages_read_as_articles_of_their_profile(tmp_path: Path) -> None:
    mirror = build_mirror(tmp_path, sites=3, articles=30)
    assert [site.name for site in mirror.sites] == ["bamada", "maliweb", "maliactu"]
    assert mirror.articles == 30 and 0 < mirror.copies < 20
    for site in mirror.sites:
        articles = {a.title: a for a in site.articles}
        for url, file in site.pages():
            record = extract_page(file.read_bytes(), url, site.profile(), now=datetime.now(UTC))
            assert record is not None and record["extraction"] == "profile"
            article = articles[record["title"]]
            assert record["text"] == "\n\n".join(article.paragraphs)  # boilerplate all removed
            assert record["published"] == article.published.isoformat()
        assert (site.root / "robots.txt").is_file()
        assert (site.root / "index.html").is_file()


def test_quick_run_writes_every_figure(tmp_path: Path, capsys) -> None:
    results = tmp_path / "results.json"
    assert main(["--quick", "--results", str(results)]) == 0
    data = json.loads(results.read_text(encoding="utf-8"))
    assert EXPECTED_FIGURES <= set(data["figures"])
    assert any(name.startswith("peak RSS") for name in data["figures"])
    assert data["machine"]["cores"] >= 1
    assert (
        data["figures"]["copies found by the crawl"]["value"] == data["details"]["copies_planted"]
    )
    crawl = data["details"]["crawl"]
    assert sum(row["new"] for row in crawl["first"]["sites"]) == 20
    assert sum(row["new"] for row in crawl["again"]["sites"]) == 0
    assert "crawl time per article" in capsys.readouterr().out
