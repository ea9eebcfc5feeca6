"""In-process measures: pipeline stages without network, parsing baselines, the store at scale,
keyword matching, and the cost of hostile inputs."""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import lxml.html

from bench.mirror import Mirror
from bench.textgen import Article as TextArticle
from bench.textgen import Writer
from malinews.article import Article
from malinews.core.urls import article_id
from malinews.extraction.discovery import feed_entries
from malinews.extraction.extract import extract_article
from malinews.extraction.html import decode_html
from malinews.pipelines.boilerplate import boilerplate_item
from malinews.pipelines.chain import STAGES
from malinews.pipelines.clean import clean_item
from malinews.pipelines.dates import date_item
from malinews.pipelines.dedupe import content_hash, dedupe_item
from malinews.pipelines.export import export_pending
from malinews.pipelines.keywords import AlertRule, KeywordMatcher, keywords_item
from malinews.pipelines.store import Store


class Clock:
    """Seconds spent per named step."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def run(self, name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.seconds[name] += time.perf_counter() - start
        return result


def _store_item(store: Store, item: Article) -> Article:
    """What StorePipeline does for a new article, without the alert outbox."""
    item.crawled_at = item.fetched_at
    with store.transaction():
        store.save_article(item.record(), item.content_hash, item.band_keys, item.urls)
        store.count_lines(item.site, item.line_keys)
    return item


def pipeline_stages(mirror: Mirror, store_dir: Path, rules: list[AlertRule]) -> dict[str, Any]:
    """Every article page of the mirror through every stage, as a crawl would; seconds per stage."""
    clock, matcher, store = Clock(), KeywordMatcher(rules), Store(store_dir)
    fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
    articles = 0
    try:
        for site in mirror.sites:
            profile, learned = site.profile(), store.learned_lines(site.name)
            runs: dict[str, Callable[[Article], Any]] = {  # the export stage is not measured
                "clean": clean_item,
                "boilerplate": partial(boilerplate_item, profile=profile, learned=learned),
                "date": date_item,
                "dedupe": partial(dedupe_item, store),
                "keywords": partial(keywords_item, matcher=matcher),
                "store": partial(_store_item, store),
            }
            for url, file in site.pages():
                body = file.read_bytes()
                html = clock.run("extract", decode_html, body, "text/html")
                item = clock.run("extract", extract_article, html, url, profile).article
                item.fetched_at = fetched_at
                for stage in STAGES:
                    if stage.name in runs:
                        item = clock.run(stage.name, runs[stage.name], item)
                articles += 1
    finally:
        store.close()
    names = ["extract", *(stage.name for stage in STAGES if stage.name in clock.seconds)]
    return {"articles": articles, "seconds": {name: clock.seconds[name] for name in names}}


def _page_texts(mirror: Mirror, limit: int | None) -> list[tuple[str, bytes]]:
    pages = [(url, file.read_bytes()) for site in mirror.sites for url, file in site.pages()]
    return pages[:limit]


def trafilatura_seconds(mirror: Mirror, limit: int | None = None) -> tuple[int, float]:
    """trafilatura.extract with metadata (dates included) on the mirror's article pages."""
    import trafilatura

    pages = _page_texts(mirror, limit)
    start = time.perf_counter()
    for url, body in pages:
        trafilatura.extract(body.decode("utf-8"), url=url, with_metadata=True)
    return len(pages), time.perf_counter() - start


def lxml_seconds(mirror: Mirror) -> tuple[int, float]:
    """A plain lxml parse of each article page: the floor of parsing."""
    pages = _page_texts(mirror, None)
    start = time.perf_counter()
    for _, body in pages:
        lxml.html.fromstring(body)
    return len(pages), time.perf_counter() - start


# -- the store at scale -----------------------------------------------------------------------


class _Filler:
    """Cheap stored articles: pooled paragraphs and random LSH band keys (unrelated texts have
    distinct keys, so random keys load the index as real ones would)."""

    def __init__(self, writer: Writer, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = [writer.paragraph() for _ in range(400)]
        self.titles = [writer.title() for _ in range(400)]
        self.count = 0

    def records(self, n: int) -> Iterator[tuple[dict[str, Any], str, list[int], list[str]]]:
        rng = self.rng
        for _ in range(n):
            self.count += 1
            url = f"https://filler.example/article-{self.count}"
            text = "\n\n".join(rng.sample(self.pool, 5)) + f"\n\nDépêche numéro {self.count}."
            keys = [rng.getrandbits(64) - (1 << 63) for _ in range(40)]
            yield _record(url, rng.choice(self.titles), text), content_hash(text), keys, [url]


def _record(url: str, title: str, text: str) -> dict[str, Any]:
    ident = article_id(url)
    item = _item(url, "filler", title, text, "2026-03-01T00:00:00+00:00")
    item.id = item.story_id = ident
    item.revision = 1
    return item.record()


def _item(url: str, site: str, title: str, text: str, fetched_at: str) -> Article:
    """An article as the stages before dedupe leave it (no markup evidence)."""
    return Article(
        url=url,
        canonical_url=url,
        site=site,
        title=title,
        paragraphs=text.split("\n\n"),
        date_candidates=[],
        modified_candidates=[],
        author_hint=None,
        source_hint=None,
        extraction="profile",
        fetched_at=fetched_at,
        text=text,
    )


def _article_item(url: str, article: TextArticle) -> Article:
    text = "\n\n".join(article.paragraphs)
    return _item(url, "bench", article.title, text, "2026-03-02T00:00:00+00:00")


REVISIT_AGES = (3600.0, 86400.0, 7 * 86400.0)  # the default `revisit`
REVISITED = "2026-03-09T00:00:00+00:00"  # filler articles, seen on 03-01: every revisit done
NOW = datetime(2026, 12, 1, tzinfo=UTC)  # the revisit selection is timed at this date


def _insert(store: Store, rows: Iterator[tuple[dict[str, Any], str, list[int], list[str]]]) -> None:
    """Store the filler records as a crawl would, with their revisits done."""
    batch = list(rows)
    with store.transaction():
        for record, digest, keys, urls in batch:
            store.save_article(record, digest, keys, urls)
            store.track(record)
            store.checked(record["id"], REVISITED)


def _size_mb(store: Store) -> float:
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Path(store.path).stat().st_size / 1e6


EXPORTS = 20  # exports of one new article timed at each store size


def store_scaling(store_dir: Path, sizes: tuple[int, ...], lookups: int) -> dict[str, Any]:
    """Grow a store to each size; time `dedupe_item` (hash, signature, band keys, LSH candidates,
    copy confirmation) on `lookups` new articles, half of them copies of stored ones, the
    export of one new article to an articles.jsonl holding every stored one, and the choice of
    the articles due for a revisit (none: an old archive, every revisit done)."""
    writer = Writer(seed=11)
    filler = _Filler(writer, seed=12)
    store = Store(store_dir)
    originals = [writer.article() for _ in range(lookups // 2)]
    results: dict[str, Any] = {}
    try:
        with store.transaction():
            for i, original in enumerate(originals):
                item = dedupe_item(store, _article_item(f"https://orig.example/{i}", original))
                assert item is not None, "the originals are all new"
                store.save_article(item.record(), item.content_hash, item.band_keys, item.urls)
        stored = len(originals)
        for size in sorted(sizes):
            while stored < size:
                step = min(1000, size - stored)
                _insert(store, filler.records(step))
                export_pending(store, store_dir)  # articles.jsonl grows with the store
                stored += step
            exports = []
            for row in filler.records(EXPORTS):  # the export that follows each stored article
                _insert(store, iter([row]))
                start = time.perf_counter()
                export_pending(store, store_dir)
                exports.append(time.perf_counter() - start)
            stored += EXPORTS
            revisits = []
            for _ in range(EXPORTS):
                start = time.perf_counter()
                store.due_checks("filler", REVISIT_AGES, NOW, 200)
                revisits.append(time.perf_counter() - start)
            queries = [writer.copy(o) for o in originals] + [
                writer.article() for _ in range(lookups - len(originals))
            ]
            times, found = [], 0
            for i, article in enumerate(queries):
                item = _article_item(f"https://query.example/{size}/{i}", article)
                start = time.perf_counter()
                item = dedupe_item(store, item)
                times.append(time.perf_counter() - start)
                found += bool(item and item.duplicate_of)
            results[str(size)] = {
                "lookup_ms_mean": 1000 * statistics.fmean(times),
                "lookup_ms_p95": 1000 * statistics.quantiles(times, n=20)[-1],
                "copies_found": found,
                "copies_planted": len(originals),
                "export_ms_mean": 1000 * statistics.fmean(exports),
                "revisit_ms_mean": 1000 * statistics.fmean(revisits),
                "store_mb": _size_mb(store),
            }
    finally:
        store.close()
    return results


# -- keywords ---------------------------------------------------------------------------------


ANALYST_RULES: tuple[dict[str, Any], ...] = (
    {"name": "defense", "keywords": ["Sadio Camara", ["FAMa", "armée malienne"]]},
    {"name": "nord", "keywords": ["Kidal", ["Tombouctou", "Timbuktu"], "Ménaka", "Gao"]},
    {"name": "agriculture", "keywords": ["Office du Niger", "irrigation", "semences"]},
    {"name": "sante", "keywords": ["vaccination", "centre de santé"], "all": ["Mopti"]},
    {"name": "bailleurs", "keywords": ["Banque mondiale", "ONG"], "exclude": ["football"]},
    {"name": "bamex", "keywords": ["Bamex"], "severity": "warning"},
    {"name": "ecoles", "keywords": ["scolaire", "enseignants"]},
    {"name": "energie", "keywords": ["solaire", "électrique"]},
    {"name": "ministre", "keywords": ["Abdoulaye Diop"], "sites": ["bamada"]},
    {"name": "cnt", "keywords": ["CNT", "Conseil national de Transition"]},
)
COMMON_STARTS = ("la", "de", "le", "Bamako", "projet", "ministre", "mot")


def make_rules(count: int) -> list[AlertRule]:
    """Ten analyst rules that hit the articles, then rules on entities the articles do not name,
    half of them starting with a word the articles use a lot (the matcher's trie walks them):
    more rules, not more hits, as when a newsroom watches many names."""
    rules = [AlertRule.from_config(table) for table in ANALYST_RULES[:count]]
    for n in range(count - len(rules)):
        start = COMMON_STARTS[n % len(COMMON_STARTS)] if n % 2 else f"entite{n}"
        rules.append(
            AlertRule.from_config({"name": f"veille-{n}", "keywords": [f"{start} clé{n}"]})
        )
    return rules


def keyword_scaling(mirror: Mirror, counts: tuple[int, ...], texts: int) -> dict[str, float]:
    """Milliseconds per article of KeywordMatcher.match with each number of rules."""
    pool = [a for site in mirror.sites for a in site.articles][:texts]
    articles = [(a.title, "\n\n".join(a.paragraphs)) for a in pool]
    result = {}
    for count in counts:
        matcher = KeywordMatcher(make_rules(count))
        for title, text in articles[:10]:  # warm the token cache, as a running crawl has
            matcher.match(title=title, text=text, site="x")
        start = time.perf_counter()
        for title, text in articles:
            matcher.match(title=title, text=text, site="x")
        result[str(count)] = 1000 * (time.perf_counter() - start) / len(articles)
    return result


# -- hostile inputs ---------------------------------------------------------------------------

REGEX_LIKE_RULE = {"name": "piege", "keywords": ["(a+)+$", "Bamex.*"]}
BACKTRACKING_TEXT = "a" * 50_000 + "!"  # the text that makes "(a+)+$" take exponential time


def entity_bomb_feed(levels: int = 10) -> bytes:
    """An RSS feed whose title expands to 10**(levels-1) copies of "ha" ("billion laughs")."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        f"<item><title>&a{levels - 1};</title><link>https://bamada.net/a</link></item>"
        "</channel></rss>"
    ).encode()


def hostile_inputs() -> dict[str, float]:
    """Milliseconds to match a regex-like rule on a backtracking text, and to read a feed that
    is an entity-expansion bomb: both must stay bounded (no regex, no entity expansion)."""
    matcher = KeywordMatcher([AlertRule.from_config(REGEX_LIKE_RULE)])
    start = time.perf_counter()
    matcher.match(title="", text=BACKTRACKING_TEXT, site="bamada")
    keywords = time.perf_counter() - start
    start = time.perf_counter()
    feed_entries(entity_bomb_feed(), "https://bamada.net/")
    feed = time.perf_counter() - start
    return {"keywords": 1000 * keywords, "feed": 1000 * feed}
