"""Body extraction on public pages nobody here wrote: malinews' generic path vs trafilatura.

`python -m bench.public_articles [--shared PATH]` reads `<PATH>/articles/` (default
`../shared/extraction-dev` beside the repository: real news pages with their `articleBody`,
scrapinghub's article-extraction-benchmark) and prints one table. When the folder is absent it
says so in one line and exits 0: the set is not shipped with the project.

The metric is the benchmark's own (its README): `\\w+` tokens, multisets of 4-token shingles,
precision = mean over pages with a non-empty prediction, recall = mean over pages with a
non-empty truth, F1 = harmonic mean of the two means. The malinews body is the record's `text`
(the title is a separate field and the truth excludes the headline).

Three tools run in the same process on the same decoded bytes: malinews as `malinews extract`
runs it on a site without a profile, trafilatura `extract(with_metadata=True)`, and the same
with `favor_precision=True`. Speed is pages per second of each tool's own call on gzip-decoded
bytes (each does its own character decoding, as a crawler hands it the response body), after
one warm-up call. Timings on a shared machine vary by tens of percent from run to run.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trafilatura

from malinews.pipelines.chain import extract_page, profile_for

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "extraction-dev"
TOKEN_RE = re.compile(r"\w+")
SHINGLE = 4
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of a text (a shorter text is one shingle)."""
    tokens = TOKEN_RE.findall(text)
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_scores(predicted: str, truth: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where the benchmark leaves the page out."""
    got, want = shingles(predicted), shingles(truth)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else None
    recall = common / sum(want.values()) if want else None
    return precision, recall


def corpus_scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Precision and recall averaged over pages, F1 = harmonic mean of those means."""
    scores = [page_scores(p, t) for p, t in pairs]
    precisions = [p for p, _ in scores if p is not None]
    recalls = [
        r if r is not None else 0.0
        for (_, r), (_, t) in zip(scores, pairs, strict=True)
        if t.strip()
    ]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def load_pages(articles_dir: Path) -> list[dict[str, Any]]:
    """Ground truth entries, each with its gzip-decoded page bytes under "page"."""
    truth = json.loads((articles_dir / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth):
        entry = dict(truth[key], id=key)
        entry["page"] = gzip.decompress((articles_dir / entry["file"]).read_bytes())
        pages.append(entry)
    return pages


def malinews_body(page: dict[str, Any]) -> str:
    """The body text `malinews extract` gives on a site with no profile ("" when refused)."""
    record = extract_page(page["page"], page["url"], profile_for(page["url"]), now=NOW)
    return record["text"] if record else ""


def trafilatura_body(page: dict[str, Any], *, favor_precision: bool = False) -> str:
    """trafilatura's main text, metadata on (its usual mode), comments off. `bare_extraction`,
    not `extract`: with metadata, `extract` prepends a YAML header that is not body text."""
    document = trafilatura.bare_extraction(
        page["page"],
        url=page["url"],
        with_metadata=True,
        include_comments=False,
        favor_precision=favor_precision,
    )
    if document is None:
        return ""
    found = document if isinstance(document, dict) else document.as_dict()
    return found.get("text") or ""


TOOLS: dict[str, Callable[[dict[str, Any]], str]] = {
    "malinews generic": malinews_body,
    "trafilatura metadata": trafilatura_body,
    "trafilatura favor_precision": lambda page: trafilatura_body(page, favor_precision=True),
}


def run(shared_dir: Path) -> dict[str, Any]:
    """Scores and speed of every tool on `<shared_dir>/articles`, plus per-page misses."""
    pages = load_pages(shared_dir / "articles")
    results: dict[str, Any] = {"set": "public articles (not written by this project)"}
    results["pages"] = len(pages)
    for name, tool in TOOLS.items():
        tool(pages[0])  # warm-up: imports and first-call set-up are not per-page costs
        start = time.perf_counter()
        bodies = [tool(page) for page in pages]
        seconds = time.perf_counter() - start
        scores: dict[str, Any] = corpus_scores(
            [(b, p["articleBody"]) for b, p in zip(bodies, pages, strict=True)]
        )
        scores["empty"] = sum(not b.strip() for b in bodies)
        scores["pages_per_s"] = len(pages) / seconds
        per_page = {
            page["id"][:12]: page_scores(body, page["articleBody"])
            for page, body in zip(pages, bodies, strict=True)
        }
        scores["per_page"] = per_page
        scores["worst"] = sorted((round(_f1(p, r), 3), key) for key, (p, r) in per_page.items())[:5]
        results[name] = scores
    return results


def _f1(precision: float | None, recall: float | None) -> float:
    return 2 * precision * recall / (precision + recall) if precision and recall else 0.0


def page_table(results: dict[str, Any]) -> str:
    """Per page, lowest malinews F1 first: P / R of each tool, to see where a tool loses."""
    per_tool = [results[name]["per_page"] for name in TOOLS]
    ours = per_tool[0]
    rows = [f"{'page':<14}" + "".join(f"{name:>30}" for name in TOOLS)]
    for key in sorted(ours, key=lambda key: _f1(*ours[key])):
        cells = (
            f"P {p or 0:.3f} R {r or 0:.3f} F1 {_f1(p, r):.3f}"
            for p, r in (t[key] for t in per_tool)
        )
        rows.append(f"{key:<14}" + "".join(f"{cell:>30}" for cell in cells))
    return "\n".join(rows)


def table(results: dict[str, Any]) -> str:
    """One row per tool: P / R / F1, empty pages, pages/s and its ratio to trafilatura."""
    reference = results["trafilatura metadata"]["pages_per_s"]
    rows = [
        f"{results['set']}: {results['pages']} pages, body by 4-token shingles",
        f"{'tool':<30}{'P':>7}{'R':>7}{'F1':>7}{'empty':>7}{'pages/s':>9}{'x traf':>8}",
    ]
    for name in TOOLS:
        s = results[name]
        rows.append(
            f"{name:<30}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f"{s['empty']:>7}{s['pages_per_s']:>9.1f}{s['pages_per_s'] / reference:>8.2f}"
        )
    return "\n".join(rows)


ABSENT = f"public articles set not found at {DEFAULT_SHARED}/articles: skipped"


def present(shared_dir: Path = DEFAULT_SHARED) -> bool:
    return (shared_dir / "articles" / "ground-truth.json").is_file()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.public_articles", description=__doc__)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="extraction-dev dir")
    parser.add_argument("--misses", action="store_true", help="also print the worst pages")
    parser.add_argument("--pages", action="store_true", help="also print P / R of every page")
    args = parser.parse_args(argv)
    if not present(args.shared):
        print(f"public articles set not found at {args.shared}/articles: skipped")
        return 0
    results = run(args.shared)
    print(table(results))
    if args.misses:
        for name in TOOLS:
            print(name, results[name]["worst"])
    if args.pages:
        print(page_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
