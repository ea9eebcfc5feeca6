"""Publication-day accuracy on public pages nobody here wrote: malinews' generic path against
htmldate and trafilatura, in one run.

`python -m bench.public_dates [--shared PATH] [--wrong]` reads `dates/` of the public extraction
set (default `../shared/extraction-dev` beside the repository; one line and exit 0 when absent)
and prints a table; `--wrong` also lists every page malinews dates wrongly, with its evidence.

Protocol (htmldate's, as in the set's README): the right day is a TP, a wrong day an FP, no date
an FN; accuracy is the share of pages right, "no date" being right only when the truth is null.

Pages are decoded as the crawler does (`decode_html`: gzip removed here, bytes over labels). The
malinews column is the generic path (no site profile) as `malinews extract` runs it; a page that
`extract_article` refuses is still dated from its date evidence (`date_evidence`), and the number
refused is reported. Its day is the day written in `published`, i.e. the page's local day.
The "malinews dates" row times the date work alone (parsing the page, `date_evidence`,
`resolve_date`, no body extraction): the figure to compare with htmldate's speed.

Fetch time: the pages' real fetch times are unknown, so each subset gets the earliest fetch time
consistent with its ground truth: the day after its newest true date (mediacloud2020: collected
during 2020; bbaw: up to 2023-11-09). A date after it is a date after the fetch. malinews gets it
as `fetched_at`; htmldate and trafilatura run with their defaults (today as the latest date),
except htmldate's `original_date=True`, the setting of its published evaluation (0.901 here).
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import htmldate
import trafilatura

from malinews.extraction.extract import date_evidence, page_language
from malinews.extraction.html import decode_html, parse_html
from malinews.pipelines.chain import extract_page, profile_for
from malinews.pipelines.dates import resolve_date

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "extraction-dev"
FETCHED = {
    "mediacloud2020": datetime(2021, 1, 1, tzinfo=UTC),
    "bbaw": datetime(2023, 11, 10, tzinfo=UTC),
}


@dataclass(frozen=True)
class Page:
    """One page of the set and its truth."""

    name: str
    url: str
    truth: str | None
    subset: str
    body: bytes

    @property
    def fetched(self) -> datetime:
        return FETCHED[self.subset]


@dataclass
class Score:
    """Counts for one tool on some pages."""

    pages: int = 0
    right: int = 0
    wrong: int = 0
    missed: int = 0
    after_fetch: int = 0
    seconds: float = 0.0
    wrong_pages: list[tuple[str, str | None, str | None, str]] = field(default_factory=list)

    def add(self, page: Page, found: str | None, evidence: str) -> None:
        self.pages += 1
        if found == page.truth:
            self.right += 1
        elif found is None:
            self.missed += 1
        else:
            self.wrong += 1
        if found and date.fromisoformat(found) > page.fetched.date():
            self.after_fetch += 1
        if found != page.truth:
            self.wrong_pages.append((page.name, page.truth, found, evidence))

    def figures(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "accuracy": round(self.right / self.pages, 3) if self.pages else None,
            "wrong_day": self.wrong,
            "no_date": self.missed,
            "after_fetch": self.after_fetch,
            "pages_per_s": round(self.pages / self.seconds, 1) if self.seconds else None,
        }


def load_pages(dates_dir: Path) -> list[Page]:
    truth = json.loads((dates_dir / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            name=name,
            url=entry["url"],
            truth=entry["date"],
            subset=entry["subset"],
            body=gzip.decompress((dates_dir / entry["file"]).read_bytes()),
        )
        for name, entry in sorted(truth.items())
    ]


def _day(value: str | None) -> str | None:
    """The day written in an ISO string ("2020-02-14T07:00:00+09:00" -> "2020-02-14")."""
    return value[:10] if value else None


def malinews_date(page: Page) -> tuple[str | None, str, bool]:
    """(day, evidence, refused) from the generic path."""
    record = extract_page(page.body, page.url, profile_for(page.url), now=page.fetched)
    if record is not None:
        return _day(record["published"]), str(record["date_source"]), False
    day, source = dates_only(page)
    return day, f"{source} (refused)", True


def dates_only(page: Page) -> tuple[str | None, str]:
    """(day, evidence) from the page's date evidence alone, without extracting its body."""
    root = parse_html(decode_html(page.body))
    if root is None:
        return None, "empty"
    published, modified = date_evidence(root, page.url, profile_for(page.url))
    result = resolve_date(
        [(source, raw) for source, raw in published],
        url=page.url,
        text="",
        fetched_at=page.fetched,
        modified_candidates=[(source, raw) for source, raw in modified],
        lang=page_language(root),
    )
    day = result.published.date().isoformat() if result.published else None
    return day, str(result.source)


def _htmldate(extensive: bool) -> Callable[[Page], str | None]:
    def find(page: Page) -> str | None:
        return htmldate.find_date(
            decode_html(page.body), url=page.url, extensive_search=extensive, original_date=True
        )

    return find


def trafilatura_date(page: Page) -> str | None:
    document = trafilatura.bare_extraction(
        decode_html(page.body), url=page.url, with_metadata=True, include_comments=False
    )
    return _day(getattr(document, "date", None)) if document else None


def run(shared_dir: Path) -> dict[str, Any]:
    """Score every tool on `shared_dir/dates`; per tool: all pages and each subset."""
    pages = load_pages(shared_dir / "dates")
    subsets = sorted({page.subset for page in pages})
    tools: dict[str, Callable[[Page], tuple[str | None, str]]] = {
        "malinews dates": dates_only,
        "htmldate extensive": lambda p: (_htmldate(True)(p), ""),
        "htmldate fast": lambda p: (_htmldate(False)(p), ""),
        "trafilatura": lambda p: (trafilatura_date(p), ""),
    }
    scores: dict[str, dict[str, Score]] = {}
    refused = 0
    for name in ("malinews", *tools):
        by_subset = scores[name] = {key: Score() for key in ("all", *subsets)}
        for page in pages:
            start = time.perf_counter()
            if name == "malinews":
                found, evidence, was_refused = malinews_date(page)
                refused += was_refused
            else:
                found, evidence = tools[name](page)
            elapsed = time.perf_counter() - start
            for key in ("all", page.subset):
                by_subset[key].add(page, found, evidence)
                by_subset[key].seconds += elapsed
    return {
        "tools": {
            name: {key: score.figures() for key, score in by_subset.items()}
            for name, by_subset in scores.items()
        },
        "malinews_refused": refused,
        "malinews_wrong": scores["malinews"]["all"].wrong_pages,
    }


def table(results: dict[str, Any]) -> str:
    header = f"{'tool':<20} {'subset':<15} {'pages':>5} {'acc':>6} {'wrong':>5} {'none':>5}"
    lines = [header + f" {'>fetch':>6} {'pages/s':>8}"]
    for name, by_subset in results["tools"].items():
        for key, f in by_subset.items():
            lines.append(
                f"{name:<20} {key:<15} {f['pages']:>5} {f['accuracy']:>6.3f} {f['wrong_day']:>5}"
                f" {f['no_date']:>5} {f['after_fetch']:>6} {f['pages_per_s']:>8}"
            )
    lines.append(f"malinews refused {results['malinews_refused']} pages as not articles")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.public_dates", description=__doc__)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="public set folder")
    parser.add_argument("--wrong", action="store_true", help="list malinews' wrong pages")
    args = parser.parse_args(argv)
    if not (args.shared / "dates" / "ground-truth.json").is_file():
        print(f"public dates set not found at {args.shared / 'dates'}: skipped")
        return 0
    results = run(args.shared)
    print(table(results))
    if args.wrong:
        for name, truth, found, evidence in results["malinews_wrong"]:
            print(f"{name:<45} truth {truth}  got {found}  from {evidence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
