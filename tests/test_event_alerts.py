"""An alert about a later event of an article (here a takedown) is found by the web app's rule
filters like a story's first alert: it is keyed "<article id>@<revision>" in the outbox.

The article is synthetic (written for this test); the store is a real SQLite or PostgreSQL one
(one of them sorting text the French way), written by the same functions a crawl uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from malinews.article import Article
from malinews.pipelines.dedupe import dedupe_item
from malinews.pipelines.keywords import KeywordMatcher, keywords_item
from malinews.pipelines.store import Store, record_removal, store_article
from malinews.scrapers.config import load_config
from malinews.web import queries
from malinews.web.queries import Filters

CONFIG = """
[output]
dir = "out"
[[sites]]
name = "bamada"
start_urls = ["http://127.0.0.1:9/"]
[[alerts]]
name = "coton-gone"
keywords = ["coton"]
on = ["removed"]
[[alerts]]
name = "coton"
keywords = ["coton"]
on = ["new", "removed"]
[[alerts]]
name = "riz"
keywords = ["riz"]
"""


@pytest.fixture(params=["sqlite", "postgresql", "postgresql-fr"])
def url(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None
    found: str = request.getfixturevalue("pg_url_fr" if "fr" in request.param else "pg_url")
    return found


def test_a_takedown_alert_is_found_by_its_rule(tmp_path: Path, url: str | None) -> None:
    (tmp_path / "malinews.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(tmp_path / "malinews.toml")
    store = Store(config.output_dir, url)
    stored = []
    for slug, text in (("coton", "La récolte de coton"), ("riz", "La récolte de riz")):
        item = Article.of(
            f"https://bamada.net/{slug}-2026",
            "bamada",
            f"Campagne agricole : {slug}",
            text=f"{text} a commencé dans la région de Ségou, selon les techniciens.",
            fetched_at="2026-12-01T10:00:00+00:00",
        )
        item = keywords_item(item, KeywordMatcher(config.alerts))
        item = dedupe_item(store, item)
        assert item is not None
        store_article(store, config, item)
        stored.append(item)
    coton, riz = stored
    assert record_removal(store, config, coton.id, "http_410", "2026-12-01T12:00:00+00:00") == 2
    store.close()

    conn = queries.connect(config.output_dir, url)
    for rule, item, rules in (
        ("coton-gone", coton, ("coton", "coton-gone")),  # takedown alert only, and both kinds
        ("riz", riz, ("riz",)),
    ):
        listed = queries.stories(conn, Filters(rule=rule), 1, 20).rows
        assert [(s.story_id, s.rules) for s in listed] == [(item.story_id, rules)]
        view = queries.story(conn, item.story_id)
        assert view is not None and view.rules == rules
        records = queries.article_records(conn, None, Filters(rule=rule), 0, 20).records
        assert {r["id"] for r in records} == {item.id}
