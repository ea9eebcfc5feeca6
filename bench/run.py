"""The bench run: build the mirrors, crawl them, measure, compare with the baselines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import children, measures
from bench.mirror import Mirror, build_mirror, crawl_config_text, serve
from bench.report import Figure

KEYWORD_RULES = (10, 100, 1000)
CRAWL_RULES = 10  # alert rules in the crawled config


@dataclass(frozen=True)
class Sizes:
    sites: int
    crawl_articles: int  # the crawl comparisons and the pipeline/baseline measures
    rss_articles: int  # the crawl whose peak RSS has a target (0: the crawl above)
    store_sizes: tuple[int, ...]
    lookups: int  # dedupe lookups timed at each store size
    keyword_texts: int


QUICK = Sizes(2, 20, 0, (50, 100, 200), 10, 20)
DEFAULT = Sizes(6, 1_000, 10_000, (1_000, 10_000, 100_000), 200, 500)
FULL = Sizes(6, 10_000, 0, (1_000, 10_000, 100_000), 1_000, 2_000)


def _rules_toml(count: int) -> str:
    """[[alerts]] tables for the crawled config: the bench's analyst rules."""
    parts = []
    for table in measures.ANALYST_RULES[:count]:
        lines = [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in table.items()]
        parts.append("[[alerts]]\n" + "\n".join(lines) + "\n")
    return "\n" + "\n".join(parts)


class Bench:
    """One run: `log` prints progress; measures accumulate in `details`."""

    def __init__(self, sizes: Sizes, work: Path, log: Callable[[str], None]) -> None:
        self.sizes, self.work, self.log = sizes, work, log
        self.details: dict[str, Any] = {"sizes": sizes.__dict__}

    def step(self, name: str, func: Callable[..., Any], *args: Any) -> Any:
        start = time.perf_counter()
        result = func(*args)
        self.log(f"  {name}: {time.perf_counter() - start:.1f} s")
        return result

    def mirror(self, articles: int) -> Mirror:
        root = self.work / f"mirror-{articles}"
        return self.step(
            f"mirror of {articles} articles", build_mirror, root, self.sizes.sites, articles
        )

    def crawls(self, mirror: Mirror, *, compare: bool) -> dict[str, Any]:
        """First crawl, re-crawl, and (if `compare`) the bare spider, on the served mirror."""
        name = f"crawl-{mirror.articles}"
        config, log = self.work / f"{name}.toml", self.work / f"{name}.log"
        result: dict[str, Any] = {}
        with serve(mirror) as servers:
            config.write_text(crawl_config_text(mirror, servers, _rules_toml(CRAWL_RULES)))
            output = self.work / f"{name}-output"
            for run in ("first", "again"):
                child = self.step(
                    f"malinews crawl ({run})", children.malinews_crawl, config, output, log
                )
                result[run] = {
                    "seconds": child.seconds,
                    "peak_rss_mb": child.peak_rss_mb,
                    "sites": child.output,
                }
            if compare:
                child = self.step(
                    "bare Scrapy spider",
                    children.bare_crawl,
                    config,
                    self.work / f"{name}-bare",
                    log,
                )
                result["bare"] = {
                    "seconds": child.seconds,
                    "peak_rss_mb": child.peak_rss_mb,
                    "sites": child.output,
                }
        return result

    def run(self) -> list[Figure]:
        sizes = self.sizes
        mirror = self.mirror(sizes.crawl_articles)
        crawl = self.details["crawl"] = self.crawls(mirror, compare=True)
        self.details["copies_planted"] = mirror.copies
        self.details["stages"] = self.step(
            "pipeline stages",
            measures.pipeline_stages,
            mirror,
            self.work / "stages",
            measures.make_rules(CRAWL_RULES),
        )
        self.details["trafilatura"] = self.step("trafilatura", measures.trafilatura_seconds, mirror)
        self.details["lxml"] = self.step("lxml parse", measures.lxml_seconds, mirror)
        if sizes.rss_articles:
            big = self.mirror(sizes.rss_articles)
            self.details["rss_crawl"] = self.crawls(big, compare=False)
        else:
            self.details["rss_crawl"] = crawl
        self.details["store"] = self.step(
            "store scaling",
            measures.store_scaling,
            self.work / "store",
            sizes.store_sizes,
            sizes.lookups,
        )
        self.details["keywords"] = self.step(
            "keyword rules", measures.keyword_scaling, mirror, KEYWORD_RULES, sizes.keyword_texts
        )
        self.details["hostile"] = self.step("hostile inputs", measures.hostile_inputs)
        return figures(self.details)


def _per_article(run: dict[str, Any], key: str) -> float:
    return run["seconds"] / max(1, children.total(run["sites"], key))


def figures(d: dict[str, Any]) -> list[Figure]:
    """The figures of one run, with their baselines and targets."""
    crawl, stages = d["crawl"], d["stages"]
    first, again, bare = crawl["first"], crawl["again"], crawl["bare"]
    pages = children.total(first["sites"], "pages")
    bare_pages = children.total(bare["sites"], "downloader/response_count")
    articles = stages["articles"]
    pipeline_ms = 1000 * sum(stages["seconds"].values()) / articles
    traf_pages, traf_seconds = d["trafilatura"]
    lxml_pages, lxml_seconds = d["lxml"]
    ours_per_article = _per_article(first, "new")
    bare_per_article = _per_article(bare, "item_scraped_count")
    again_requests = children.total(again["sites"], "pages")
    rss = d["rss_crawl"]["first"]
    rss_articles = children.total(d["rss_crawl"]["first"]["sites"], "new")
    largest = str(max(int(size) for size in d["store"]))
    kw = d["keywords"]
    found = children.total(first["sites"], "duplicates")
    result = [
        Figure(
            "crawl pages/s",
            pages / first["seconds"],
            "pages/s",
            bare_pages / bare["seconds"],
            "bare Scrapy",
        ),
        Figure(
            "crawl time per article",
            1000 * ours_per_article,
            "ms",
            1000 * bare_per_article,
            "bare Scrapy",
            "ratio ≤ 3",
            ours_per_article <= 3 * bare_per_article,
        ),
        Figure(
            "pipeline time per article",
            pipeline_ms,
            "ms",
            1000 * traf_seconds / traf_pages,
            "trafilatura+metadata",
            "ratio ≤ 0.33",
            3 * pipeline_ms <= 1000 * traf_seconds / traf_pages,
        ),
        Figure(
            "pipeline vs lxml parse",
            pipeline_ms,
            "ms",
            1000 * lxml_seconds / lxml_pages,
            "lxml parse",
        ),
    ]
    result += [
        Figure(f"stage {stage}", articles / seconds, "articles/s")
        for stage, seconds in stages["seconds"].items()
    ]
    result += [
        Figure(
            f"peak RSS, {children.total(first['sites'], 'new')}-article crawl",
            first["peak_rss_mb"],
            "MB",
            bare["peak_rss_mb"],
            "bare Scrapy",
        ),
        Figure(
            f"peak RSS, {rss_articles}-article crawl",
            rss["peak_rss_mb"],
            "MB",
            target="< 300 MB",
            passed=rss["peak_rss_mb"] < 300,
        ),
        Figure(
            "re-crawl requests",
            again_requests,
            "requests",
            pages,
            "first crawl",
            "ratio < 0.05",
            again_requests < 0.05 * pages,
        ),
        Figure("re-crawl time", again["seconds"], "s", first["seconds"], "first crawl"),
        Figure("copies found by the crawl", found, "articles", d["copies_planted"], "planted"),
    ]
    for size, s in d["store"].items():
        target = ("< 2 ms", s["lookup_ms_mean"] < 2) if size == largest else ("", None)
        result.append(
            Figure(f"dedupe lookup at {size}", s["lookup_ms_mean"], "ms", None, "", *target)
        )
        result.append(Figure(f"store size at {size}", s["store_mb"], "MB"))
    smallest = min(d["store"], key=int)
    first_export = d["store"][smallest]["export_ms_mean"]
    for size, s in d["store"].items():
        ms = s["export_ms_mean"]
        target = ("ratio < 2", ms < 2 * first_export) if size == largest else ("", None)
        baseline = (first_export, f"at {smallest}") if size != smallest else (None, "")
        result.append(Figure(f"export of a new article at {size}", ms, "ms", *baseline, *target))
    for size, s in d["store"].items():  # grows with the archive: the database reads each row
        result.append(Figure(f"revisits chosen at {size}", s["revisit_ms_mean"], "ms"))
    low, high = str(min(KEYWORD_RULES)), str(max(KEYWORD_RULES))
    for count, ms in kw.items():
        target = ("ratio < 2", ms < 2 * kw[low]) if count == high else ("", None)
        baseline = (kw[low], f"{low} rules") if count != low else (None, "")
        result.append(Figure(f"keywords, {count} rules", ms, "ms/article", *baseline, *target))
    hostile = d["hostile"]
    result += [
        Figure(
            "regex-like rule on a backtracking text",
            hostile["keywords"],
            "ms",
            target="< 1000 ms",
            passed=hostile["keywords"] < 1000,
        ),
        Figure(
            "entity-bomb feed",
            hostile["feed"],
            "ms",
            target="< 2000 ms",
            passed=hostile["feed"] < 2000,
        ),
    ]
    return result
