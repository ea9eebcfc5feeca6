"""The store's read queries of the web app and `malinews articles`, on a real store (SQLite and
PostgreSQL, one code path) filled through its write API with synthetic articles written here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from malinews.article import Article, Hit
from malinews.core.db import Connection
from malinews.core.urls import article_id
from malinews.pipelines.alerts import record_alert
from malinews.pipelines.store import Store, alert_payload
from malinews.web import queries
from malinews.web.queries import (
    MARK_END,
    MARK_START,
    Filters,
    article_records,
    connect,
    latest_records,
    search,
    search_records,
)

SAME_SECOND = "2026-12-01T10:00:00+00:00"
BAMEX_STORY = "story-bamex"
# (site, slug, title, text, published day, story): stored in this order, one second apart
ARTICLES = [
    (
        "bamada",
        "bamex",
        "Le Bamex ouvre ses portes",
        "La foire de Bamako accueille 300 exposants.",
        "2025-12-15",
        BAMEX_STORY,
    ),
    (
        "maliweb",
        "bamex",
        "Le Bamex ouvre ses portes",
        "La foire de Bamako accueille 300 exposants.",
        "2025-12-15",
        BAMEX_STORY,
    ),
    (
        "sahelien",
        "bamex",
        "Le Bamex ouvre ses portes",
        "La foire de Bamako accueille 300 exposants.",
        "2025-12-16",
        BAMEX_STORY,
    ),
    (
        "maliweb",
        "securite",
        "Sécurité alimentaire : un plan pour Mopti",
        "Le gouvernement annonce un plan.\n\nLes récoltes sont moyennes.",
        "2025-12-16",
        None,
    ),
    (
        "maliweb",
        "corps",
        "Retrait des troupes russes",
        "Le départ de l’Africa-Corps est annoncé à Kidal.",
        "2025-12-17",
        None,
    ),
    (
        "lessor",
        "foire",
        "Une foire très suivie",  # names the Bamex in its text only, stored last
        "Des milliers de visiteurs au Bamex, dit-on à Bamako.",
        "2025-12-17",
        None,
    ),
    (
        "lessor",
        "hostile",
        "<script>alert(1)</script> Ségou",
        'Premier paragraphe <script>document.title="x"</script> à Ségou.',
        "2025-12-17",
        None,
    ),
]


def _record(
    site: str,
    slug: str,
    title: str,
    text: str,
    day: str,
    story: str | None,
    second: int,
    revision: int = 1,
) -> dict:
    url = f"https://{site}.example/{slug}"
    ident = article_id(url)
    return Article.of(
        url,
        site,
        title,
        id=ident,
        story_id=story or ident,
        text=text,
        revision=revision,
        published=f"{day}T09:00:00+00:00",
        fetched_at=f"2026-01-01T00:00:{second:02d}+00:00",
        keyword_hits=["bamex"] if "Bamex" in title + text else [],
    ).record()


def fill_store(output: Path, url: str | None) -> list[dict]:
    """Store ARTICLES, a revision of the first maliweb article, a `bamex` alert and a crawl;
    the records in the order stored."""
    records = [_record(*article, second=n) for n, article in enumerate(ARTICLES)]
    first = records[3]
    revised = _record(
        "maliweb",
        "securite",
        "Sécurité alimentaire : le plan révisé",
        first["text"],
        "2025-12-16",
        None,
        second=len(records),
        revision=2,
    )
    store = Store(output, url)
    try:
        for record in [*records, revised]:
            with store.transaction():
                store.save_article(record, f"hash-{record['id']}-{record['revision']}", [], [])
        with store.transaction():
            hit = Hit("bamex", "warning", "Bamex", "Bamex", "Le **Bamex** ouvre ses portes")
            story = store.story(BAMEX_STORY)
            assert story is not None
            payload = alert_payload(records[0], hit, story)
            record_alert(store.conn, payload, ["jsonl"], datetime(2026, 1, 1, tzinfo=UTC))
            store.record_crawl("bamada", SAME_SECOND, SAME_SECOND, {"pages": 7})
    finally:
        store.close()
    return [*records, revised]


@pytest.fixture
def filled(tmp_path: Path, store_url: str | None) -> Iterator[tuple[Connection, list[dict]]]:
    """A read-only connection to a filled store of either kind, and the records stored."""
    stored = fill_store(tmp_path, store_url)
    conn = connect(tmp_path, store_url)
    try:
        yield conn, stored
    finally:
        conn.close()


def titles(records: list[dict]) -> list[str]:
    return [r["title"] for r in records]


def test_articles_stored_in_the_same_second_keep_one_order_with_or_without_a_filter(
    tmp_path: Path, store_url: str | None
) -> None:
    """Found by a new-user trial: `articles --site bamada --limit 1` named another article
    than the first bamada line of the unfiltered list (ties on the crawl time)."""
    store = Store(tmp_path, store_url)
    with store.transaction():
        for number, site in enumerate(["bamada", "maliweb", "bamada", "bamada", "maliweb"]):
            url = f"https://{site}.example/a-{number}"
            item = Article.of(url, site, f"Titre {number}", id=f"id{number}", story_id=f"s{number}")
            item.revision, item.fetched_at, item.text = 1, SAME_SECOND, "Texte."
            store.save_article(item.record(), f"hash{number}", [], [url])
    store.close()
    conn = connect(tmp_path, store_url)
    try:
        everything = [r["id"] for r in latest_records(conn, Filters(), 10)]
        bamada = [r["id"] for r in latest_records(conn, Filters(site="bamada"), 1)]
    finally:
        conn.close()
    assert everything == ["id4", "id3", "id2", "id1", "id0"]  # the last stored first
    assert bamada == ["id3"]


def test_search_folds_accents_case_and_elision_and_keeps_phrases(
    filled: tuple[Connection, list[dict]],
) -> None:
    conn, _ = filled

    def found(text: str) -> list[str]:
        return titles(search_records(conn, text, Filters(), 10))

    assert found("SECURITE") == ["Sécurité alimentaire : le plan révisé"]
    assert found("révisé") == found("REVISE") == ["Sécurité alimentaire : le plan révisé"]
    # "l’Africa-Corps" (typographic apostrophe, dash) found by other spellings of the phrase
    assert found("l'Africa Corps") == found('"Africa Corps"') == ["Retrait des troupes russes"]
    assert found('"Corps Africa"') == []
    assert found("Bamex Kidal") == []  # every word must occur
    assert found("*** ()") == []


def test_search_ranks_title_matches_first_one_hit_per_story_and_marks_matches(
    filled: tuple[Connection, list[dict]],
) -> None:
    conn, _ = filled
    page = search(conn, "bamex", Filters(), 1, 10)
    # the three copies are one story; the article naming Bamex in its title ranks above the
    # newer one naming it in its text only
    assert [hit.story.story_id for hit in page.rows][:1] == [BAMEX_STORY]
    assert [hit.title for hit in page.rows] == [
        f"Le {MARK_START}Bamex{MARK_END} ouvre ses portes",
        "Une foire très suivie",
    ]
    assert page.rows[0].story.copies == 3
    assert page.rows[0].story.sites == ("bamada", "maliweb", "sahelien")
    assert page.rows[0].story.rules == ("bamex",)
    assert f"{MARK_START}Bamex{MARK_END}" in page.rows[1].snippet
    assert not page.has_next
    revised = search(conn, "REVISE", Filters(), 1, 10).rows  # marked whatever the accents
    assert [hit.title for hit in revised] == [
        f"Sécurité alimentaire : le plan {MARK_START}révisé{MARK_END}"
    ]
    only_lessor = search(conn, "bamex", Filters(site="lessor"), 1, 10)
    assert [hit.site for hit in only_lessor.rows] == ["lessor"]
    paged = search(conn, "bamako", Filters(), 1, 1)
    assert len(paged.rows) == 1 and paged.has_next
    assert search(conn, "bamako", Filters(), 2, 1).rows[0].story != paged.rows[0].story
    # stored markup comes back as text, for the page to escape
    hostile = search(conn, "paragraphe", Filters(), 1, 10).rows
    assert [hit.title for hit in hostile] == ["<script>alert(1)</script> Ségou"]
    assert f"{MARK_START}paragraphe{MARK_END}" in hostile[0].snippet.lower()


def test_records_page_with_a_cursor_in_the_order_stored(
    filled: tuple[Connection, list[dict]],
) -> None:
    conn, stored = filled
    seen, cursor = [], 0
    while True:
        page = article_records(conn, None, Filters(), cursor, 3)
        seen += [(r["id"], r["revision"]) for r in page.records]
        if page.next_cursor == cursor:
            break
        cursor = page.next_cursor
    assert seen == [(r["id"], r["revision"]) for r in stored]
    # a search returns current revisions only
    searched = article_records(conn, "alimentaire", Filters(), 0, 10).records
    assert [(r["title"], r["revision"]) for r in searched] == [
        ("Sécurité alimentaire : le plan révisé", 2)
    ]
    assert (
        article_records(conn, "bamex", Filters(site="sahelien"), 0, 10).records[0]["site"]
        == "sahelien"
    )


def test_lists_filters_alerts_sites_and_charts(filled: tuple[Connection, list[dict]]) -> None:
    conn, _ = filled
    everything = queries.stories(conn, Filters(), 1, 50).rows
    assert len(everything) == 5  # seven articles, the three Bamex copies one story
    dates = [row.date for row in everything]
    assert dates == sorted(dates, reverse=True)
    assert [r.story_id for r in queries.stories(conn, Filters(rule="bamex"), 1, 50).rows] == [
        BAMEX_STORY
    ]
    day = queries.stories(conn, Filters(start="2025-12-16", end="2025-12-16"), 1, 50).rows
    assert [row.title for row in day] == ["Sécurité alimentaire : un plan pour Mopti"]
    assert all(
        "lessor" in r.sites for r in queries.stories(conn, Filters(site="lessor"), 1, 50).rows
    )
    assert queries.stories(conn, Filters(), 1, 2).has_next
    view = queries.story(conn, BAMEX_STORY)
    assert view is not None and view.rules == ("bamex",) and len(view.records) == 3
    assert queries.story(conn, "nope") is None
    alerts = queries.alerts(conn, None, None, 10)
    assert [(a.rule, [d.state for d in a.deliveries]) for a in alerts] == [("bamex", ["pending"])]
    assert queries.alerts(conn, "other", None, 10) == []
    assert queries.alerts(conn, None, "2026-02-01T00:00:00+00:00", 10) == []
    assert queries.rule_names(conn) == ["bamex"]
    assert queries.site_names(conn) == ["bamada", "lessor", "maliweb", "sahelien"]
    bamada = queries.sites(conn, ["bamada"])[0]
    assert (bamada.articles, bamada.last_crawl) == (1, SAME_SECOND)
    per_site = {s.name: s for s in queries.articles_per_day(conn)}
    assert per_site["lessor"].days[-1] == "2025-12-17" and per_site["lessor"].counts[-1] == 2
    mentions = queries.mentions_per_day(conn)
    assert [(s.name, sum(s.counts)) for s in mentions] == [("bamex", 4)]
    assert queries.feed_state(conn)[1] == 1
    assert [story["story_id"] for story, _ in queries.feed_stories(conn, Filters(), 2)] == [
        row.story_id for row in everything[:2]
    ]
