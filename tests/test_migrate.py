"""`malinews migrate --to URL`: a crawled SQLite store copied into PostgreSQL gives the same
exports, status and alerts, and a crawl on PostgreSQL afterwards goes on from where SQLite was.

The sites are the bundled sample sites served on 127.0.0.1 (the demo's), crawled by the real
`malinews crawl`; the article added for the second crawl is synthetic (tests/conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from malinews.pipelines.migrate import TABLES
from malinews.pipelines.store import Store
from malinews.scheduler.demo import SiteServer, demo_config_text
from tests.conftest import add_bamada_article, run_cli, run_main

PG_STORE = '[store]\nurl_env = "MALINEWS_DATABASE_URL"\n'


def outputs(capsys: pytest.CaptureFixture[str], config: Path) -> tuple[bytes, str, list]:
    """What a user reads of a store: the rebuilt articles.jsonl, `status` and `alerts`."""
    code, _, err = run_main(capsys, "export", "--rebuild", "--config", str(config))
    assert code == 0, err
    articles = (config.parent / "out" / "articles.jsonl").read_bytes()
    code, status, err = run_main(capsys, "status", "--config", str(config))
    assert code == 0, err
    code, alerts, err = run_main(capsys, "alerts", "--json", "--config", str(config))
    assert code == 0, err
    return articles, status, json.loads(alerts)


def test_a_migrated_store_reads_and_crawls_on_as_the_sqlite_one(
    tmp_path: Path,
    site_copies: Path,
    servers: dict[str, SiteServer],
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqlite_config = tmp_path / "malinews.toml"
    sqlite_config.write_text(demo_config_text(servers, tmp_path / "out"), encoding="utf-8")
    crawl = run_cli("crawl", "--config", str(sqlite_config))
    assert crawl.returncode == 0, crawl.stderr
    before = outputs(capsys, sqlite_config)
    assert before[2], "the demo's rules alert on the sample sites"

    code, out, err = run_main(capsys, "migrate", "--to", pg_url, "--config", str(sqlite_config))
    assert code == 0, err
    log = "SELECT seq, article, revision FROM article_log ORDER BY seq"
    sqlite, pg = Store(tmp_path / "out"), Store(tmp_path / "out", pg_url)
    expected = {t: sqlite.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
    # API cursors keep their place; every article is found by search (filled by the trigger)
    assert [tuple(r) for r in pg.conn.execute(log)] == [tuple(r) for r in sqlite.conn.execute(log)]
    assert pg.conn.execute("SELECT COUNT(*) FROM articles WHERE search IS NULL").fetchone()[0] == 0
    sqlite.close()
    pg.close()
    lines = out.splitlines()
    assert {line.split()[0]: int(line.split()[1]) for line in lines[:-1]} == expected
    assert lines[-1].startswith(
        f"migrated: {expected['articles']} articles, {expected['revisions']} revisions, "
        f"{expected['stories']} stories, {expected['alerts']} alerts"
    )
    assert expected["articles"] > 10 and expected["lsh"] > 0

    pg_config = tmp_path / "pg.toml"
    pg_config.write_text(PG_STORE + sqlite_config.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("MALINEWS_DATABASE_URL", pg_url)
    assert outputs(capsys, pg_config) == before

    # a second migration into the same database is refused, and leaves it as it was
    code, out, err = run_main(capsys, "migrate", "--to", pg_url, "--config", str(sqlite_config))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "is not empty" in err

    # crawling on PostgreSQL: nothing known is fetched or alerted again, a new story alerts once
    # (with the next alert id: the sequences were moved past the copied ones)
    add_bamada_article(
        site_copies,
        "bamex-nouvelle-usine-2026",
        "Bamex : une nouvelle usine à Bamako",
        ["La société Bamex ouvre une nouvelle usine à Bamako, a annoncé son directeur."] * 3,
    )
    crawl = run_cli("crawl", "--config", str(pg_config))
    assert crawl.returncode == 0, crawl.stderr
    articles, _, alerts = outputs(capsys, pg_config)
    assert articles.startswith(before[0])
    assert [json.loads(line)["title"] for line in articles[len(before[0]) :].splitlines()] == [
        "Bamex : une nouvelle usine à Bamako"
    ]
    assert alerts[1:] == before[2]
    assert alerts[0]["title"] == "Bamex : une nouvelle usine à Bamako"
    assert alerts[0]["alert_id"] == max(a["alert_id"] for a in before[2]) + 1


def test_migrate_refuses_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pg_url: str
) -> None:
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[[sites]]\nname = "bamada"\nstart_urls = ["http://127.0.0.1:9/"]\n',
        encoding="utf-8",
    )
    code, _, err = run_main(capsys, "migrate", "--to", pg_url, "--config", str(config))
    assert code == 2 and err.count("\n") == 1 and "no state store (crawl first)" in err

    Store(tmp_path / "out").close()
    unreachable = "postgresql://malinews:s3cr3t-pw@127.0.0.1:1/malinews"
    code, _, err = run_main(capsys, "migrate", "--to", unreachable, "--config", str(config))
    assert code == 1 and err.count("\n") == 1 and "cannot use the state store" in err
    assert "s3cr3t-pw" not in err

    code, _, err = run_main(capsys, "migrate", "--to", "mysql://x", "--config", str(config))
    assert code == 2 and "not a postgresql:// URL" in err


def test_the_copy_covers_every_table_and_column(tmp_path: Path, pg_url: str) -> None:
    """A table or column added by a later migration must be copied too."""
    sqlite, pg = Store(tmp_path), Store(tmp_path, pg_url)
    internal = ("sqlite_%", "article_fts%")  # SQLite's own tables and the FTS5 index
    sqlite_tables = {
        name: {c[1] for c in sqlite.conn.execute(f"PRAGMA table_info({name})")}
        for (name,) in sqlite.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' "
            "AND name NOT LIKE ? AND name NOT LIKE ?",
            internal,
        )
    }
    sqlite_tables["articles"].add("rowid")
    pg_tables: dict[str, set[str]] = {}
    for table, column in pg.conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() "
        "AND table_name NOT IN ('schema_version', 'workers')"  # workers: PostgreSQL's only
    ):
        pg_tables.setdefault(table, set()).add(column)
    pg_tables["articles"].discard("search")  # filled by its trigger
    assert set(TABLES) == set(sqlite_tables) == set(pg_tables)
    assert sqlite_tables == pg_tables
    sqlite.close()
    pg.close()
