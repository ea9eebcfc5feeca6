"""Extraction quality on the Malian gold set (tests/gold), for malinews and for trafilatura.

Run `python -m bench.eval`: prints one table and writes bench/eval_results.json; then, when
`../shared/extraction-dev` is beside the repository, the public articles table of
`bench.public_articles` (pages nobody here wrote), under "public_articles" in the JSON too.

Each page goes through malinews exactly as `malinews extract` runs it
(`pipelines.chain.extract_page`, with the site's built-in profile if there is one, else the
generic profile) and through `trafilatura.bare_extraction` (metadata on, comments off, dates
capped at the fetch day). A third column runs malinews with the generic profile on every site,
to show what does not depend on the built-in profiles.

Metrics (every text comparison uses folded text: casefolded, accents and punctuation removed):

- body precision / recall / F1: bag-of-words overlap between the predicted text and the gold body
  paragraphs, per article, then macro-averaged over the gold articles. A gold article the tool
  did not return counts 0 for all three.
- date day-accuracy: share of gold articles whose predicted publication day (UTC) is the gold day;
  no prediction is wrong. `future_dates` counts predictions later than the fetch day.
- author / source accuracy: share of gold articles whose predicted value equals the gold value
  (null = null counts as right). trafilatura has no source field: its source is always null.
- boilerplate lines, micro-averaged over the gold articles the tool returned. The lines of the
  article area are the gold body paragraphs and the gold boilerplate lines; a line is "removed"
  when it is absent from the output. A boilerplate line is present when an output line equals it,
  starts with it or ends with it (glued signatures and image names count as present); a body
  paragraph is present when it occurs anywhere in the output.
  recall = removed boilerplate lines / gold boilerplate lines;
  precision = removed boilerplate lines / all removed lines (boilerplate + body paragraphs).
- article detection precision / recall over all pages: malinews detects an article when it returns
  a record; trafilatura when it returns at least 250 characters of text.
- title accuracy (extra): predicted title equals the gold title.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from pathlib import Path
from statistics import fmean
from typing import Any
from urllib.parse import urlsplit

import trafilatura

from bench import public_articles
from malinews.core.text import fold as core_fold
from malinews.pipelines.chain import extract_page
from malinews.sites import BUILTIN, generic_profile

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
RESULTS_PATH = Path(__file__).resolve().parent / "eval_results.json"
TRAFILATURA_MIN_CHARS = 250
TARGETS = {
    "body_f1": 0.97,
    "date_day_accuracy": 0.97,
    "author_accuracy": 0.95,
    "source_accuracy": 0.95,
    "boilerplate_recall": 0.98,
    "boilerplate_precision": 0.99,
    "article_precision": 1.0,
    "article_recall": 0.95,
}
"""The issue's targets for malinews (future_dates must be 0)."""


@dataclass(frozen=True)
class Prediction:
    """What one tool made of one page."""

    is_article: bool
    text: str = ""
    title: str | None = None
    author: str | None = None
    source: str | None = None
    published: date | None = None


def fold(text: str | None) -> str:
    """Casefolded, accent-free words separated by single spaces."""
    bare = core_fold(text or "")
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def load_gold(gold_dir: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """The annotations, each with its page bytes under "page"."""
    pages = json.loads((gold_dir / "annotations.json").read_text(encoding="utf-8"))
    for gold in pages:
        gold["page"] = (gold_dir / "pages" / f"{gold['name']}.html").read_bytes()
    return pages


def _day(value: str | None) -> date | None:
    return datetime.fromisoformat(value).date() if value else None


def malinews(gold: dict[str, Any], *, builtin: bool = True) -> Prediction:
    """malinews on one page, as `malinews extract` runs it (`builtin=False`: generic profile)."""
    site = gold["site"]
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(gold["url"]))
    profile = (builtin and BUILTIN.get(site)) or generic_profile(site, (origin,))
    now = datetime.fromisoformat(gold["fetched_at"])
    record = extract_page(gold["page"], gold["url"], profile, now=now)
    if record is None:
        return Prediction(False)
    return Prediction(
        True,
        record["text"],
        record["title"],
        record["author"],
        record["source"],
        _day(record["published"]),
    )


def trafilatura_tool(gold: dict[str, Any], *, favor_precision: bool = False) -> Prediction:
    """trafilatura on one page: metadata on, comments off, no date after the fetch day."""
    fetched = gold["fetched_at"][:10]
    document = trafilatura.bare_extraction(
        gold["page"],
        url=gold["url"],
        with_metadata=True,
        favor_precision=favor_precision,
        include_comments=False,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "max_date": fetched,
        },
    )
    if document is None:
        return Prediction(False)
    found = document.as_dict()
    text = found.get("text") or ""
    return Prediction(
        len(text) >= TRAFILATURA_MIN_CHARS,
        text,
        found.get("title"),
        found.get("author"),
        None,
        _day(found.get("date")),
    )


TOOLS: dict[str, Callable[[dict[str, Any]], Prediction]] = {
    "malinews": malinews,
    "trafilatura": trafilatura_tool,
    "generic": partial(malinews, builtin=False),
    "trafilatura_precision": partial(trafilatura_tool, favor_precision=True),
}


def body_scores(predicted: str, gold_paragraphs: Iterable[str]) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of folded tokens."""
    got = Counter(fold(predicted).split())
    want = Counter(fold(" ".join(gold_paragraphs)).split())
    common = sum((got & want).values())
    if not common:
        return 0.0, 0.0, 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _line_present(line: str, output_lines: list[str]) -> bool:
    key = fold(line)
    return any(
        out == key or out.startswith(key + " ") or out.endswith(" " + key) for out in output_lines
    )


def boilerplate_counts(predicted: str, gold: dict[str, Any]) -> tuple[int, int, int]:
    """(gold boilerplate lines, of them removed, gold body paragraphs removed)."""
    output_lines = [fold(line) for line in predicted.splitlines() if fold(line)]
    joined = f" {' '.join(output_lines)} "
    lines = gold["boilerplate"]
    removed = sum(not _line_present(line, output_lines) for line in lines)
    lost = sum(f" {fold(p)} " not in joined for p in gold["body"])
    return len(lines), removed, lost


def _same(predicted: str | None, wanted: str | None) -> bool:
    return fold(predicted) == fold(wanted)


def _ratio(numerator: float, denominator: float, empty: float = 1.0) -> float:
    return numerator / denominator if denominator else empty


def score(pages: list[dict[str, Any]], predictions: list[Prediction]) -> dict[str, Any]:
    """Every metric of one tool over the gold set."""
    articles = [(g, p) for g, p in zip(pages, predictions, strict=True) if g["is_article"]]
    bodies = [
        body_scores(p.text, g["body"]) if p.is_article else (0.0, 0.0, 0.0) for g, p in articles
    ]
    found = [(g, p) for g, p in articles if p.is_article]
    counts = [boilerplate_counts(p.text, g) for g, p in found]
    lines, removed, lost = (sum(column) for column in zip(*counts, strict=True))
    detected = [(g["is_article"], p.is_article) for g, p in zip(pages, predictions, strict=True)]
    true_positives = sum(want and got for want, got in detected)
    return {
        "body_precision": fmean(b[0] for b in bodies),
        "body_recall": fmean(b[1] for b in bodies),
        "body_f1": fmean(b[2] for b in bodies),
        "date_day_accuracy": fmean(p.published == _day(g["published"]) for g, p in articles),
        "future_dates": sum(
            bool(p.published and p.published > _day(g["fetched_at"])) for g, p in articles
        ),
        "author_accuracy": fmean(_same(p.author, g["author"]) for g, p in articles),
        "source_accuracy": fmean(_same(p.source, g["source"]) for g, p in articles),
        "boilerplate_recall": _ratio(removed, lines),
        "boilerplate_precision": _ratio(removed, removed + lost),
        "article_precision": _ratio(true_positives, sum(got for _, got in detected)),
        "article_recall": _ratio(true_positives, sum(want for want, _ in detected)),
        "title_accuracy": fmean(_same(p.title, g["title"]) for g, p in articles),
    }


def misses(pages: list[dict[str, Any]], predictions: list[Prediction]) -> list[dict[str, Any]]:
    """Per-page disagreements with the gold, to see what to fix."""
    found = []
    for gold, got in zip(pages, predictions, strict=True):
        wrong: dict[str, Any] = {}
        if got.is_article != gold["is_article"]:
            wrong["is_article"] = got.is_article
        elif gold["is_article"]:
            f1 = body_scores(got.text, gold["body"])[2]
            if f1 < 0.99:
                wrong["body_f1"] = round(f1, 3)
            for key in ("author", "source"):
                if not _same(getattr(got, key), gold[key]):
                    wrong[key] = [getattr(got, key), gold[key]]
            if got.published != _day(gold["published"]):
                wrong["published"] = [str(got.published), gold["published"]]
            lines, removed, lost = boilerplate_counts(got.text, gold)
            if removed < lines or lost:
                wrong["boilerplate"] = {"kept": lines - removed, "body_lost": lost}
        if wrong:
            found.append({"page": gold["name"], **wrong})
    return found


def evaluate(gold_dir: Path = GOLD_DIR) -> dict[str, Any]:
    """Run every tool on every gold page; metrics and speed per tool, and the pages each got
    wrong."""
    pages = load_gold(gold_dir)
    results: dict[str, Any] = {
        "pages": len(pages),
        "articles": sum(g["is_article"] for g in pages),
        "templates": len({g["site"] for g in pages if g["is_article"]}),
        "body_average": "macro over gold articles",
        "boilerplate_average": "micro over detected gold articles",
        "targets": TARGETS,
    }
    for name, tool in TOOLS.items():
        tool(pages[0])  # warm-up: imports and first-call set-up are not per-page costs
        start = time.perf_counter()
        predictions = [tool(gold) for gold in pages]
        pages_per_s = len(pages) / (time.perf_counter() - start)
        results[name] = {**score(pages, predictions), "pages_per_s": pages_per_s}
        results[f"{name}_misses"] = misses(pages, predictions)
    return results


def table(results: dict[str, Any]) -> str:
    """Both tools side by side, with the malinews targets."""
    rows = [
        f"{'metric':<24}{'malinews':>10}{'trafilatura':>13}{'target':>9}{'generic':>10}"
        f"{'traf-prec':>11}"
    ]
    for metric, value in results["malinews"].items():
        target = TARGETS.get(metric, 0 if metric == "future_dates" else None)
        shown = "" if target is None else f"{target:g}"
        other, generic = results["trafilatura"][metric], results["generic"][metric]
        precise = results["trafilatura_precision"][metric]
        rows.append(  # pages_per_s: speed of each tool on the same pages, in one process
            f"{metric:<24}{value:>10.3f}{other:>13.3f}{shown:>9}{generic:>10.3f}{precise:>11.3f}"
        )
    header = (
        f"Gold set (tests/gold, written by this project): {results['pages']} pages, "
        f"{results['articles']} articles, {results['templates']} templates (body: "
        f"{results['body_average']}; boilerplate: {results['boilerplate_average']}); generic = "
        "malinews with the generic profile on every site; traf-prec = trafilatura with "
        "favor_precision"
    )
    return "\n".join([header, *rows])


def main() -> None:
    results = evaluate()
    public = (
        public_articles.run(public_articles.DEFAULT_SHARED) if public_articles.present() else None
    )
    results["public_articles"] = public
    RESULTS_PATH.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    print(table(results))
    print()
    print(public_articles.table(public) if public else public_articles.ABSENT)


if __name__ == "__main__":
    main()
