"""The store's read queries of the web app and `malinews articles`, on a real SQLite store
filled through its write API with synthetic articles."""

from __future__ import annotations

from pathlib import Path

from malinews.article import Article
from malinews.pipelines.store import Store
from malinews.web.queries import Filters, connect, latest_records

SAME_SECOND = "2026-12-01T10:00:00+00:00"


def test_articles_stored_in_the_same_second_keep_one_order_with_or_without_a_filter(
    tmp_path: Path,
) -> None:
    """Found by a new-user trial: `articles --site bamada --limit 1` named another article
    than the first bamada line of the unfiltered list (ties on the crawl time)."""
    store = Store(tmp_path)
    with store.transaction():
        for number, site in enumerate(["bamada", "maliweb", "bamada", "bamada", "maliweb"]):
            url = f"https://{site}.example/a-{number}"
            item = Article.of(url, site, f"Titre {number}", id=f"id{number}", story_id=f"s{number}")
            item.revision, item.fetched_at, item.text = 1, SAME_SECOND, "Texte."
            store.save_article(item.record(), f"hash{number}", [], [url])
    store.close()
    conn = connect(tmp_path)
    try:
        everything = [r["id"] for r in latest_records(conn, Filters(), 10)]
        bamada = [r["id"] for r in latest_records(conn, Filters(site="bamada"), 1)]
    finally:
        conn.close()
    assert everything == ["id4", "id3", "id2", "id1", "id0"]  # the last stored first
    assert bamada == ["id3"]
