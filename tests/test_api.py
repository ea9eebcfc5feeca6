"""The public Python API: `malinews.extract(html, url)` gives the typed `Article` whose record is
what `malinews extract` prints, and `import malinews` stays cheap. Pages: the tester's trial
pages (synthetic, tests/trial)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import malinews
from tests.conftest import run_cli

TRIAL = Path(__file__).resolve().parent / "trial"
EXPECTED = json.loads((TRIAL / "expected.json").read_text())


def _without_clock(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "crawled_at"}


def test_extract_gives_what_the_command_prints(tmp_path: Path) -> None:
    """Run where no malinews.toml is: both use the generic path."""
    name = "a13-cp1252.html"  # windows-1252 bytes: the API decodes them like the command
    page, url = TRIAL / "pages" / name, EXPECTED[name]["url"]
    printed = run_cli("extract", str(page), "--url", url, cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    article = malinews.extract(page.read_bytes(), url)
    assert isinstance(article, malinews.Article)
    assert article.title == EXPECTED[name]["title"]
    assert article.text and article.published and article.extraction
    assert _without_clock(article.record()) == _without_clock(json.loads(printed.stdout))


def test_extract_takes_text_and_says_none_for_other_pages() -> None:
    name = "a01-jannah.html"
    text = (TRIAL / "pages" / name).read_bytes().decode("utf-8")
    article = malinews.extract(text, EXPECTED[name]["url"])
    assert article is not None and article.title == EXPECTED[name]["title"]
    listing = (TRIAL / "pages" / "n02-category.html").read_bytes()
    assert malinews.extract(listing, EXPECTED["n02-category.html"]["url"]) is None


def test_import_malinews_loads_no_parser_nor_crawler() -> None:
    code = (
        "import sys, malinews; print(sorted({'lxml', 'scrapy', 'trafilatura'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"


def test_extract_refuses_what_the_command_refuses() -> None:
    """Found by a new-user trial: a URL that is not http(s) gave an article, None a
    traceback deep inside."""
    with pytest.raises(ValueError, match="not an http"):
        malinews.extract("<html><body><p>texte</p></body></html>", "notaurl")
    with pytest.raises(TypeError, match="bytes or str"):
        malinews.extract(None, "https://bamada.net/a")  # type: ignore[arg-type]
