"""The state store keeps the same guarantees on SQLite and on PostgreSQL.

Each test runs on both backends (`store_url`: SQLite in the output folder, or a new PostgreSQL
database; the PostgreSQL runs skip when MALINEWS_TEST_PG is unset). The articles are synthetic
(written for these tests) and stored by the functions a crawl uses: keywords, dedupe, then
`store_article` in one transaction (or the store stage itself, under a crawler whose spider is
reduced to its store and config).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.utils.test import get_crawler

from malinews.article import Article
from malinews.core.db import db_errors
from malinews.pipelines.dedupe import dedupe_item
from malinews.pipelines.keywords import KeywordMatcher, keywords_item
from malinews.pipelines.store import (
    MIGRATIONS,
    PG_FIRST_VERSION,
    PG_MIGRATIONS,
    Store,
    StoreError,
    StorePipeline,
    store_article,
)
from malinews.scrapers.config import Config, load_config

CONFIG = """
[output]
dir = "out"
[[sites]]
name = "bamada"
start_urls = ["http://127.0.0.1:9/"]
[[sites]]
name = "maliweb"
start_urls = ["http://127.0.0.1:9/"]
[[alerts]]
name = "coton"
keywords = ["coton"]
"""
TEXT = (
    "La campagne cotonnière a commencé dans la région de Sikasso. Les producteurs de coton "
    "attendent une récolte record, selon la compagnie malienne pour le développement des "
    "textiles, qui a distribué les semences et les engrais avant les premières pluies."
)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "malinews.toml").write_text(CONFIG, encoding="utf-8")
    return load_config(tmp_path / "malinews.toml")


def article(
    url: str, site: str, text: str = TEXT, at: str = "2026-12-01T10:00:00+00:00"
) -> Article:
    return Article.of(url, site, "Coton : une campagne record", text=text, fetched_at=at)


def store(config: Config, store: Store, item: Article) -> Article:
    """Keywords, dedupe and store, as the crawl's stages do."""
    found = dedupe_item(store, keywords_item(item, KeywordMatcher(config.alerts)))
    assert found is not None, "the article is new or changed"
    found.crawled_at = found.fetched_at
    store_article(store, config, found)
    return found


def count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_a_new_revision_keeps_the_history_and_is_exported_once(
    config: Config, store_url: str | None
) -> None:
    db = Store(config.output_dir, store_url)
    first = store(config, db, article("https://bamada.net/coton-2026", "bamada"))
    assert [r["revision"] for r in db.unexported()] == [1]
    db.mark_exported(db.unexported())
    assert db.unexported() == [] and [r["revision"] for r in db.exported()] == [1]

    edited = TEXT.replace("record", "moyenne")
    later = article("https://bamada.net/coton-2026", "bamada", edited, "2026-12-01T12:00:00+00:00")
    second = store(config, db, later)
    assert (second.id, second.revision, second.story_id) == (first.id, 2, first.story_id)
    assert [r["text"] for r in db.history(first.id)] == [TEXT, edited]
    assert [r["revision"] for r in db.unexported()] == [2]  # only the new revision is due
    assert [r["revision"] for r in db.exported()] == [1]
    assert [r["revision"] for r in db.all_revisions()] == [1, 2]
    db.mark_exported(db.unexported())
    assert db.unexported() == []
    assert count(db, "revisions") == 1 and count(db, "articles") == 1
    db.close()


def test_copies_on_two_sites_make_one_story_and_one_alert(
    config: Config, store_url: str | None
) -> None:
    db = Store(config.output_dir, store_url)
    first = store(config, db, article("https://bamada.net/coton-2026", "bamada"))
    copy = store(
        config,
        db,
        article("https://maliweb.net/coton-2026", "maliweb", at="2026-12-01T11:00:00+00:00"),
    )
    assert copy.story_id == first.story_id and copy.duplicate_of == first.id
    story = db.story(first.story_id)
    assert story is not None
    assert [c["site"] for c in story["copies"]] == ["bamada", "maliweb"]
    assert count(db, "stories") == 1 and count(db, "alerts") == 1
    db.close()


def test_copies_deduped_by_two_crawls_at_once_still_make_one_story(
    config: Config, store_url: str | None
) -> None:
    """Two crawls (two workers, two machines) each read the store before the other stored its
    copy: both copies look new to the dedupe stage. The store stage looks again under the write
    lock, so the second joins the first's story: one story, one alert. (Seen as an 11th alert
    for 10 stories in the three-worker test before the store stage looked again.)"""
    matcher = KeywordMatcher(config.alerts)
    first = article("https://bamada.net/coton-2026", "bamada")
    copy = article("https://maliweb.net/coton-2026", "maliweb", at="2026-12-01T10:00:05+00:00")
    bamada, maliweb = Store(config.output_dir, store_url), Store(config.output_dir, store_url)
    deduped = [
        dedupe_item(db, keywords_item(item, matcher))
        for db, item in ((bamada, first), (maliweb, copy))
    ]
    assert all(item is not None and item.duplicate_of is None for item in deduped)
    # the store stage of each crawl; its spider is reduced to what the stage reads
    stages = []
    for db in (bamada, maliweb):
        crawler = get_crawler()
        crawler.spider = SimpleNamespace(store=db, config=config)
        stages.append(StorePipeline(crawler))
    for stage, item in zip(stages, (first, copy), strict=True):
        stage.process_item(item)
    assert copy.story_id == first.id and copy.duplicate_of == first.id
    assert count(bamada, "stories") == 1 and count(bamada, "alerts") == 1
    # the maliweb crawl counts its article as a copy (the crawl summary, site health)
    assert [stage.crawler.stats.get_value("malinews/duplicates") for stage in stages] == [None, 1]
    assert [r["story_id"] for r in bamada.records(first.id)] == [first.id, first.id]
    bamada.close()
    maliweb.close()


def test_one_alert_per_rule_and_story_when_copies_are_stored_at_once(
    config: Config, store_url: str | None
) -> None:
    """Four workers, each with its own connection, store four copies of one story at the
    same moment: the store's write lock and the (rule, story) key leave one alert."""
    sites = ("bamada", "maliweb", "bamada", "maliweb")
    items = [article(f"https://{site}.net/coton-{n}", site) for n, site in enumerate(sites)]
    db = Store(config.output_dir, store_url)  # the schema, before the race
    for item in items:  # dedupe as if the first copy were already stored: one story
        dedupe_item(db, keywords_item(item, KeywordMatcher(config.alerts)))
        item.story_id = items[0].id
        item.crawled_at = item.fetched_at
    db.close()
    start = threading.Barrier(len(items))
    alerts: list[int] = []
    errors: list[BaseException] = []

    def worker(item: Article) -> None:
        db = Store(config.output_dir, store_url)
        try:
            start.wait()
            alerts.append(store_article(db, config, item))
        except BaseException as exc:  # reported below: a thread's exception is lost otherwise
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(alerts) == [0, 0, 0, 1]
    db = Store(config.output_dir, store_url)
    assert count(db, "alerts") == 1 and count(db, "articles") == 4
    story = db.story(items[0].id)
    assert story is not None and len(story["copies"]) == 4
    db.close()


def test_a_statement_failing_late_in_a_transaction_leaves_nothing_behind(
    config: Config, store_url: str | None
) -> None:
    """On PostgreSQL the inserts of a write transaction travel together and a failing one is
    reported at COMMIT, after the statements that followed it: the whole transaction is still
    rolled back, the error is the database's, and the same store goes on storing."""
    db = Store(config.output_dir, store_url)
    first = store(config, db, article("https://bamada.net/coton", "bamada"))
    other = "Les éleveurs de Ségou ont vacciné leurs troupeaux avant la transhumance. " * 4
    second = article("https://maliweb.net/betail", "maliweb", text=other)
    with pytest.raises(db_errors()):
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO checks (id, site, url, first_seen, last_checked) VALUES (?,?,?,?,?)",
                ("x1", "maliweb", "https://maliweb.net/x", "t", "t"),
            )
            conn.execute(  # a second story with the first one's id
                "INSERT INTO stories (story_id, first_site, first_seen, title, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (first.story_id, "maliweb", "2026-12-01T11:00:00+00:00", "Coton", "t"),
            )
            conn.execute("DELETE FROM articles WHERE id = ?", (first.id,))
    assert count(db, "checks") == 1 and count(db, "articles") == 1
    assert db.article(first.id) is not None
    stored = store(config, db, second)
    assert count(db, "articles") == 2 and stored.story_id == second.id
    db.close()


def test_a_line_seen_in_three_articles_is_learned(config: Config, store_url: str | None) -> None:
    db = Store(config.output_dir, store_url)
    lines = ["Suivez-nous sur Facebook", "Lire aussi"]
    for n in range(3):
        item = article(f"https://bamada.net/coton-{n}", "bamada", f"{TEXT} Article {n}.")
        item.line_keys = lines[: 1 if n else 2]  # the second line is in one article only
        store(config, db, item)
    assert db.learned_lines("bamada") == {"Suivez-nous sur Facebook"}
    assert db.learned_lines("maliweb") == set()
    db.close()


def test_exclusive_lets_one_holder_at_a_time(config: Config, store_url: str | None) -> None:
    holder = Store(config.output_dir, store_url)
    events: list[str] = []

    def second_holder() -> None:
        other = Store(config.output_dir, store_url)
        with other.exclusive("crawl-bamada"):
            events.append("second holds")
        other.close()

    with holder.exclusive("crawl-bamada"):
        thread = threading.Thread(target=second_holder)
        thread.start()
        time.sleep(0.5)  # time enough for the second holder to take the lock, were it free
        events.append("first releases")
    thread.join(timeout=30)
    assert events == ["first releases", "second holds"]
    holder.close()


def test_a_second_store_does_not_run_the_migrations_again(
    config: Config, store_url: str | None
) -> None:
    first = Store(config.output_dir, store_url)
    assert first.version() == len(MIGRATIONS)
    stored = store(config, first, article("https://bamada.net/coton-2026", "bamada"))
    first.close()
    again = Store(config.output_dir, store_url)  # a migration run again would fail or empty it
    assert again.version() == len(MIGRATIONS)
    assert again.current_record(str(stored.id)) is not None
    again.close()


def test_postgresql_schema_is_at_the_sqlite_version() -> None:
    """A migration added to one list must be added to the other."""
    assert PG_FIRST_VERSION + len(PG_MIGRATIONS) - 1 == len(MIGRATIONS)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://malinews:s3cr3t-pw@127.0.0.1:1/malinews",  # nothing listens on port 1
        "postgresql://malinews:s3cr3t-pw@127.0.0.1:notaport/malinews",
        "postgresql://malinews:s3cr3t-pw@127.0.0.1/malinews?sslmode=bogus",
    ],
)
def test_a_bad_url_is_one_line_without_the_password(tmp_path: Path, url: str) -> None:
    with pytest.raises(StoreError) as raised:
        Store(tmp_path, url)
    message = str(raised.value)
    assert "\n" not in message and "s3cr3t-pw" not in message
    assert message.startswith("the PostgreSQL store: cannot use the state store: ")
