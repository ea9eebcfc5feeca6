"""The state store: the single source of truth (articles, stories, seen URLs, learned
boilerplate, HTTP validators, crawls, alerts). JSON files are exports of it.

It lives in SQLite in the output folder, or in a PostgreSQL database shared by several machines
(`[store] url_env`); the same SQL runs on both (core/db.py), only the schema is spelled twice."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from malinews.article import Article, Hit
from malinews.core.db import (
    Connection,
    PgConnection,
    connect_sqlite,
    db_errors,
    error_text,
)
from malinews.pipelines import neardup
from malinews.pipelines.alerts import add_copy, record_alert
from malinews.pipelines.archive import Place
from malinews.pipelines.stage import OutputError, Stage

DB_NAME = "malinews.sqlite3"
LEARN_MIN_ARTICLES = 3  # a line seen in this many articles of a site is boilerplate
CONFIRM_AFTER = timedelta(hours=1)  # a takedown is confirmed by a second sign this much later


def _indexed(row: str) -> str:
    """SQL for the title and text of an `articles` row as the search index holds them."""
    return ", ".join(
        f"replace(replace(replace(replace(json_extract({row}.record, '$.{name}'), "
        "'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'Æ', 'AE')"
        for name in ("title", "text")
    )


MIGRATIONS: tuple[str, ...] = (
    # 1: initial schema
    """
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        story_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        published TEXT,
        crawled_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        exported_revision INTEGER NOT NULL DEFAULT 0,
        record TEXT NOT NULL  -- the public record (JSON): the only copy of the text
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_site ON articles(site, crawled_at);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_unexported ON articles(crawled_at) WHERE exported_revision < revision;
    CREATE TABLE revisions (  -- records superseded by a later revision
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (id, revision)
    );
    CREATE TABLE stories (
        story_id TEXT PRIMARY KEY,
        first_site TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        earliest_published TEXT,
        source TEXT,
        title TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX stories_updated ON stories(updated_at);
    CREATE TABLE seen_urls (url TEXT PRIMARY KEY, article_id TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE lsh (
        band_key INTEGER NOT NULL,
        article INTEGER NOT NULL,  -- rowid of the article
        PRIMARY KEY (band_key, article)
    ) WITHOUT ROWID;
    CREATE TABLE line_counts (
        site TEXT NOT NULL,
        line_key TEXT NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (site, line_key)
    ) WITHOUT ROWID;
    CREATE TABLE http_validators (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT
    ) WITHOUT ROWID;
    CREATE TABLE crawls (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        stats TEXT NOT NULL
    );
    CREATE INDEX crawls_site ON crawls(site, finished_at);
    -- the alert outbox: recorded with the article (pipelines/alerts.py), delivered later
    CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY,
        rule TEXT NOT NULL,
        story_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (rule, story_id)
    );
    CREATE TABLE IF NOT EXISTS deliveries (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        channel TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'followup')),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        delivered_at TEXT,
        copies TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
    CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries (alert_id, channel);
    CREATE TABLE IF NOT EXISTS digests (
        channel TEXT PRIMARY KEY,
        last_sent_at TEXT NOT NULL
    );
    """,
    # 2: per-site health after each crawl (scheduler/health.py)
    """
    CREATE TABLE site_health (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        health TEXT NOT NULL,
        problems TEXT NOT NULL
    );
    CREATE INDEX site_health_site ON site_health(site, id);
    """,
    # 3: full-text search and a change log for the web app (malinews/web/queries.py). Triggers
    # keep both current in the writer's own transaction; unicode61 folds case and accents and
    # splits on apostrophes and dashes, like the keyword matcher ("l'Africa-Corps"), and the
    # indexed text spells œ/æ as oe/ae like it (same tokens, so highlights fall on the original).
    f"""
    CREATE VIEW article_text (rowid, title, text) AS
        SELECT rowid, json_extract(record, '$.title'), json_extract(record, '$.text')
        FROM articles;
    CREATE VIRTUAL TABLE article_fts USING fts5 (
        title, text, content='article_text', content_rowid='rowid',
        tokenize="unicode61 remove_diacritics 2"
    );
    INSERT INTO article_fts (article_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');  -- titles x4
    CREATE TABLE article_log (  -- one row per stored revision, in commit order: API cursors
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        article INTEGER NOT NULL,  -- rowid of the article
        revision INTEGER NOT NULL
    );
    CREATE TRIGGER article_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO article_fts (rowid, title, text) VALUES (new.rowid, {_indexed("new")});
        INSERT INTO article_log (article, revision) VALUES (new.rowid, new.revision);
    END;
    CREATE TRIGGER article_fts_update AFTER UPDATE OF record ON articles BEGIN
        INSERT INTO article_fts (article_fts, rowid, title, text)
            VALUES ('delete', old.rowid, {_indexed("old")});
        INSERT INTO article_fts (rowid, title, text) VALUES (new.rowid, {_indexed("new")});
        INSERT INTO article_log (article, revision) VALUES (new.rowid, new.revision);
    END;
    INSERT INTO article_fts (rowid, title, text) SELECT rowid, {_indexed("articles")} FROM articles;
    INSERT INTO article_log (article, revision)
        SELECT article, revision FROM (
            SELECT a.rowid AS article, r.revision, json_extract(r.record, '$.crawled_at') AS at
            FROM revisions r JOIN articles a ON a.id = r.id
            UNION ALL SELECT rowid, revision, crawled_at FROM articles
        ) ORDER BY at, article, revision;
    CREATE INDEX articles_crawled ON articles(crawled_at);
    CREATE INDEX stories_date ON stories(COALESCE(earliest_published, first_seen));
    CREATE INDEX alerts_story ON alerts(story_id);
    """,
    # 4: where each export file ended after its last committed append (pipelines/export.py)
    """
    CREATE TABLE export_files (
        name TEXT PRIMARY KEY,
        inode INTEGER NOT NULL,
        size INTEGER NOT NULL
    );
    """,
    # 5: deliveries may end `failed` (scheduler/outbox.py gives up after MAX_ATTEMPTS): SQLite
    # cannot change a CHECK, so the table is made again
    """
    ALTER TABLE deliveries RENAME TO deliveries_old;
    DROP INDEX deliveries_due;
    DROP INDEX deliveries_alert;
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        channel TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'followup')),
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        delivered_at TEXT,
        copies TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
    CREATE INDEX deliveries_alert ON deliveries (alert_id, channel);
    INSERT INTO deliveries SELECT * FROM deliveries_old;
    DROP TABLE deliveries_old;
    """,
    # 6: when each article is fetched again (revisit schedule) and whether it still exists
    """
    CREATE TABLE checks (
        id TEXT PRIMARY KEY,  -- the article
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_checked TEXT NOT NULL,
        missing_checks INTEGER NOT NULL DEFAULT 0,  -- takedown signs seen in a row
        missing_since TEXT,  -- the first of them
        removed_at TEXT  -- set once the takedown is confirmed
    );
    CREATE INDEX checks_site ON checks(site, last_checked);
    INSERT INTO checks (id, site, url, first_seen, last_checked)
        SELECT id, site, url, COALESCE(
            (SELECT json_extract(r.record, '$.crawled_at') FROM revisions r
             WHERE r.id = a.id AND r.revision = 1), crawled_at), crawled_at
        FROM articles a;
    """,
    # 7: where each archived response is (pipelines/archive.py)
    """
    CREATE TABLE archived (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,  -- canonical form of the URL that answered
        fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        file TEXT NOT NULL,  -- relative to the output folder
        offset INTEGER NOT NULL,
        length INTEGER NOT NULL
    );
    CREATE INDEX archived_site ON archived(site, fetched_at);
    CREATE INDEX archived_file ON archived(file);
    """,
    # 8: the alerts about an article's later events (web/queries.py), found by its id
    """
    CREATE INDEX alerts_article ON alerts(article_id);
    """,
)
# PostgreSQL came at schema 7: its first migration makes schema 7 at once, and each later
# migration is written in both lists (tests/test_store_backends.py checks they stay in step).
# Search: a weighted tsvector kept by a trigger, over unaccented text ('simple' parser: no
# stemming, like FTS5's unicode61); `article_log` gives API cursors their commit order.
PG_FIRST_VERSION = 7
PG_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE EXTENSION IF NOT EXISTS unaccent;
    CREATE TABLE articles (
        rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        story_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        published TEXT,
        crawled_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        exported_revision INTEGER NOT NULL DEFAULT 0,
        record TEXT NOT NULL,
        search TSVECTOR
    );
    CREATE INDEX articles_story ON articles(story_id);
    CREATE INDEX articles_site ON articles(site, crawled_at);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE INDEX articles_unexported ON articles(crawled_at) WHERE exported_revision < revision;
    CREATE INDEX articles_crawled ON articles(crawled_at);
    CREATE INDEX articles_search ON articles USING GIN (search);
    CREATE TABLE revisions (
        id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (id, revision)
    );
    CREATE TABLE stories (
        story_id TEXT PRIMARY KEY,
        first_site TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        earliest_published TEXT,
        source TEXT,
        title TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX stories_updated ON stories(updated_at);
    CREATE INDEX stories_date ON stories(COALESCE(earliest_published, first_seen));
    CREATE TABLE seen_urls (url TEXT PRIMARY KEY, article_id TEXT NOT NULL);
    CREATE TABLE lsh (
        band_key BIGINT NOT NULL,
        article BIGINT NOT NULL,
        PRIMARY KEY (band_key, article)
    );
    CREATE TABLE line_counts (
        site TEXT NOT NULL,
        line_key TEXT NOT NULL,
        articles INTEGER NOT NULL,
        PRIMARY KEY (site, line_key)
    );
    CREATE TABLE http_validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
    CREATE TABLE crawls (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        site TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        stats TEXT NOT NULL
    );
    CREATE INDEX crawls_site ON crawls(site, finished_at);
    CREATE TABLE alerts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        rule TEXT NOT NULL,
        story_id TEXT NOT NULL,
        article_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        UNIQUE (rule, story_id)
    );
    CREATE INDEX alerts_story ON alerts(story_id);
    CREATE TABLE deliveries (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        channel TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('alert', 'followup')),
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        delivered_at TEXT,
        copies TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
    CREATE INDEX deliveries_alert ON deliveries (alert_id, channel);
    CREATE TABLE digests (channel TEXT PRIMARY KEY, last_sent_at TEXT NOT NULL);
    CREATE TABLE site_health (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        site TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        health TEXT NOT NULL,
        problems TEXT NOT NULL
    );
    CREATE INDEX site_health_site ON site_health(site, id);
    CREATE TABLE article_log (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        article BIGINT NOT NULL,
        revision INTEGER NOT NULL
    );
    -- the words of the search index, cut like SQLite's unicode61 cuts them: a compound
    -- ("Africa-Corps") is its parts only, so phrases match across dashes and apostrophes;
    -- accents and ligatures folded (unaccent), case too (simple); the web's ts_headline
    -- marks the stored text with the same configuration
    CREATE TEXT SEARCH CONFIGURATION malinews_words (PARSER = default);
    ALTER TEXT SEARCH CONFIGURATION malinews_words ADD MAPPING FOR asciiword, word, numword,
        hword_asciipart, hword_part, hword_numpart, int, uint WITH unaccent, simple;
    CREATE FUNCTION malinews_index_article() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search :=
            setweight(to_tsvector('malinews_words', NEW.record::json ->> 'title'), 'A')
            || setweight(to_tsvector('malinews_words', NEW.record::json ->> 'text'), 'D');
        RETURN NEW;
    END $$;
    CREATE FUNCTION malinews_log_article() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO article_log (article, revision) VALUES (NEW.rowid, NEW.revision);
        RETURN NULL;
    END $$;
    CREATE TRIGGER articles_index BEFORE INSERT OR UPDATE OF record ON articles
        FOR EACH ROW EXECUTE FUNCTION malinews_index_article();
    CREATE TRIGGER articles_log AFTER INSERT OR UPDATE OF record ON articles
        FOR EACH ROW EXECUTE FUNCTION malinews_log_article();
    CREATE TABLE export_files (name TEXT PRIMARY KEY, inode BIGINT NOT NULL, size BIGINT NOT NULL);
    CREATE TABLE checks (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_checked TEXT NOT NULL,
        missing_checks INTEGER NOT NULL DEFAULT 0,
        missing_since TEXT,
        removed_at TEXT
    );
    CREATE INDEX checks_site ON checks(site, last_checked);
    CREATE TABLE archived (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        status INTEGER NOT NULL,
        file TEXT NOT NULL,
        "offset" BIGINT NOT NULL,
        length BIGINT NOT NULL
    );
    CREATE INDEX archived_site ON archived(site, fetched_at);
    CREATE INDEX archived_file ON archived(file);
    CREATE TABLE workers (  -- the `malinews run` workers sharing the store (scheduler/workers.py)
        id BIGINT PRIMARY KEY,  -- procrastinate's worker id
        name TEXT NOT NULL,  -- host:pid
        started_at TEXT NOT NULL
    );
    CREATE TABLE schema_version (version INTEGER NOT NULL);
    INSERT INTO schema_version VALUES (0);
    """,
    """
    CREATE INDEX alerts_article ON alerts(article_id);
    """,
)
EXPORTS = ("articles.jsonl", "alerts.jsonl")  # a store missing beside these was lost, not new


class StoreError(OutputError):
    """The state store cannot be used as it is (damaged, emptied, busy); says what to do."""


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of a script, one by one (so a migration runs in our transaction:
    `executescript` would commit it first)."""
    statement = ""
    for part in script.split(";"):
        statement += part + ";"
        if sqlite3.complete_statement(statement):
            if statement.strip(" \n;"):
                yield statement
            statement = ""


def has_table(conn: Connection, name: str) -> bool:
    """Whether a PostgreSQL store has table `name`, as its catalog says now: a table scan, not
    `to_regclass`, whose cached answer can miss a table another process just created (seen
    when several workers created one store at once)."""
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = ?)",
            (name,),
        ).fetchone()[0]
    )


def schema_version(conn: Connection) -> int:
    """The schema version a store is at (0: none yet), on either database."""
    if conn.dialect == "sqlite":
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    if not has_table(conn, "schema_version"):
        return 0
    return int(conn.execute("SELECT version FROM schema_version").fetchone()[0])


PG_STORE = "the PostgreSQL store"  # how messages name it: never by its URL (the password)


def store_place(output_dir: Path, url: str | None = None) -> str:
    """How messages name the store: its SQLite file, or PG_STORE."""
    return PG_STORE if url is not None else str(output_dir / DB_NAME)


def store_exists(output_dir: Path, url: str | None = None) -> bool:
    """Whether a crawl created the store yet, without creating it: commands that only read it
    say so instead. Raises StoreError (one line) when PostgreSQL cannot be reached."""
    if url is None:
        return (output_dir / DB_NAME).is_file()
    try:
        conn = PgConnection(url, read_only=True)
        try:
            return schema_version(conn) > 0
        finally:
            conn.close()
    except db_errors() as exc:
        raise unusable(PG_STORE, exc) from None


def unusable(where: str, exc: Exception) -> StoreError:
    """The one line for a store that cannot be used (`where`: its path, or PG_STORE)."""
    return StoreError(f"{where}: cannot use the state store: {error_text(exc)}")


class Store:
    """One connection to the state store: the SQLite file in an output folder, or the
    PostgreSQL database at `url` (several machines share it; exports stay in the folder)."""

    def __init__(self, output_dir: Path, url: str | None = None) -> None:
        output_dir.mkdir(parents=True, exist_ok=True)
        self.output_dir = output_dir
        self.conn: Connection
        self.path = store_place(output_dir, url)
        if url is not None:
            try:
                self.conn = PgConnection(url)
                self._migrate()
            except db_errors() as exc:
                raise self.error(exc) from None
            return
        path = Path(self.path)
        fresh = not path.exists() or path.stat().st_size == 0
        if fresh:
            self._refuse_lost(output_dir)
        try:
            self.conn = connect_sqlite(self.path)
            if fresh:
                os.chmod(self.path, 0o600)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
            self.conn.execute("PRAGMA quick_check(1)").fetchone()
        except db_errors() as exc:
            raise self.error(exc) from None

    @property
    def shared(self) -> bool:
        """Several machines may use this store at once (PostgreSQL)."""
        return self.conn.dialect == "postgresql"

    def _refuse_lost(self, output_dir: Path) -> None:
        """A new store beside exports of an old one would alert on every article again."""
        for name in EXPORTS:
            export = output_dir / name
            if export.exists() and export.stat().st_size:
                raise StoreError(
                    f"{self.path}: the state store is missing or empty but {name} holds records: "
                    "restore the store from a backup, or move the output files away to start "
                    "afresh (a new store would alert on every article again)"
                )

    def error(self, exc: Exception) -> StoreError:
        """One line for a store error, saying what to do."""
        if not isinstance(exc, sqlite3.Error):  # psycopg's
            return unusable(self.path, exc)
        kind = getattr(exc, "sqlite_errorname", "")
        if kind in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return StoreError(
                f"{self.path}: the state store is damaged ({exc}): restore it from a backup, "
                "or move the output files away to start afresh"
            )
        if kind.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"{self.path}: the state store is busy (another malinews process holds it "
                "too long): try again later"
            )
        return unusable(self.path, exc)

    def version(self) -> int:
        return schema_version(self.conn)

    def _migrate(self) -> None:
        """Bring the schema up to date; the version is read under the write lock, so two
        processes creating one store at once do not both run the first migration."""
        if self.version() == len(MIGRATIONS):
            return
        with self.transaction():
            version = self.version()
            if self.shared:
                first = PG_FIRST_VERSION - 1 if version == 0 else version
                for number, script in enumerate(
                    PG_MIGRATIONS[first - PG_FIRST_VERSION + 1 :], start=first + 1
                ):
                    self.conn.execute(script)
                    self.conn.execute("UPDATE schema_version SET version = ?", (number,))
                return
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction (SQLite's BEGIN IMMEDIATE, or PostgreSQL's with the store's one
        write lock), rolled back on error. On PostgreSQL its statements are pipelined: one that
        fails may be reported at the next read or at COMMIT, and all of it is rolled back."""
        self.conn.begin_write()
        try:
            yield self.conn
            self.conn.end_write(commit=True)
        except BaseException:
            self.conn.end_write(commit=False)
            raise

    @contextmanager
    def exclusive(self, name: str) -> Iterator[None]:
        """Hold the store-wide lock `name` (one holder across every process and machine using
        the store), released when the holder ends or dies: a lock file beside SQLite, a
        session advisory lock on PostgreSQL."""
        if not self.shared:
            with (self.output_dir / f".{name}.lock").open("a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                yield
            return
        key = zlib.crc32(name.encode())
        self.conn.execute("SELECT pg_advisory_lock(?)", (key,))
        try:
            yield
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(?)", (key,))

    # -- articles -------------------------------------------------------------------------

    def known_urls(self) -> dict[str, str]:
        """Every stored URL with the time its article was last fetched."""
        rows = self.conn.execute(
            "SELECT s.url, COALESCE(c.last_checked, a.crawled_at) FROM seen_urls s "
            "JOIN articles a ON a.id = s.article_id LEFT JOIN checks c ON c.id = a.id"
        )
        return dict(rows.fetchall())

    def due_checks(self, site: str, ages: Sequence[float], now: datetime, limit: int) -> list[Any]:
        """The site's articles due for a revisit at `now`, at most `limit`, the longest overdue
        first. One is due when an age of `ages` (seconds after it was first seen) has passed
        since its last fetch, or an hour after a takedown sign, to confirm it."""
        if not ages or limit < 1:
            return []
        # due_at decides, in Python; the database leaves out the articles whose last revisit is
        # done (fetched after the oldest age, with a second of slack): most of an old archive
        rows = self.conn.execute(
            "SELECT id, url, first_seen, last_checked, missing_checks, removed_at FROM checks "
            "WHERE site=? AND (missing_checks > 0 AND removed_at IS NULL "
            "OR julianday(last_checked) < julianday(first_seen) + ?)",
            (site, (max(ages) + 1) / 86400),
        ).fetchall()
        due = [(when, row) for row in rows if (when := due_at(row, ages, now)) is not None]
        return [row for _, row in sorted(due, key=lambda pair: pair[0])[:limit]]

    def article_of(self, url: str) -> str | None:
        """The id of the stored article a canonical URL belongs to."""
        row = self.conn.execute("SELECT article_id FROM seen_urls WHERE url=?", (url,)).fetchone()
        return row[0] if row else None

    def track(self, record: dict[str, Any]) -> None:
        """Schedule the revisits of a newly stored article; a later revision was fetched at its
        `crawled_at` (caller's transaction)."""
        self.conn.execute(
            "INSERT INTO checks (id, site, url, first_seen, last_checked) VALUES (?,?,?,?,?) "
            "ON CONFLICT (id) DO UPDATE SET "
            "last_checked = CASE WHEN excluded.last_checked > checks.last_checked "
            "THEN excluded.last_checked ELSE checks.last_checked END",
            (
                record["id"],
                record["site"],
                record["url"],
                record["crawled_at"],
                record["crawled_at"],
            ),
        )

    def checked(self, article_id: str, when: str) -> None:
        """The article was just fetched and found (or found unchanged): not missing."""
        self.conn.execute(
            "UPDATE checks SET last_checked=?, missing_checks=0, missing_since=NULL, "
            "removed_at=NULL WHERE id=?",
            (when, article_id),
        )

    def missing(self, article_id: str, reason: str, when: str) -> bool:
        """Count a takedown sign; True when it confirms a takedown: a second sign in a row, at
        least CONFIRM_AFTER after the first, of an article not yet removed."""
        self.conn.execute(
            "UPDATE checks SET last_checked=?, missing_checks=missing_checks+1, "
            "missing_since=COALESCE(missing_since, ?) WHERE id=?",
            (when, when, article_id),
        )
        row = self.conn.execute(
            "SELECT missing_checks, missing_since, removed_at FROM checks WHERE id=?",
            (article_id,),
        ).fetchone()
        return (
            row["removed_at"] is None
            and row["missing_checks"] >= 2
            and datetime.fromisoformat(when) - datetime.fromisoformat(row["missing_since"])
            >= CONFIRM_AFTER
        )

    def remove(self, article_id: str, reason: str, when: str) -> dict[str, Any]:
        """Store the takedown as a new revision of the article's record (`removed_at`,
        `removed_reason`), to be exported like any revision (caller's transaction)."""
        current = self.article(article_id)
        assert current is not None, "only a stored article is checked"
        row = self.conn.execute("SELECT record FROM articles WHERE id=?", (article_id,))
        record = {
            **json.loads(row.fetchone()[0]),
            "revision": current["revision"] + 1,
            "changes": None,
            "removed_at": when,
            "removed_reason": reason,
            "crawled_at": when,
        }
        keys = neardup.band_keys(neardup.signature(record["text"]))
        self.save_article(record, current["content_hash"], keys, ())
        self.conn.execute("UPDATE checks SET removed_at=? WHERE id=?", (when, article_id))
        return record

    ARTICLE_COLUMNS = (
        "a.rowid, a.id, a.story_id, a.content_hash, a.revision, a.crawled_at, "
        "json_extract(a.record, '$.title') AS title, json_extract(a.record, '$.text') AS text, "
        "json_extract(a.record, '$.removed_at') AS removed_at"
    )

    def article(self, article_id: str) -> Any:
        return self.conn.execute(
            f"SELECT {self.ARTICLE_COLUMNS} FROM articles a WHERE a.id=?", (article_id,)
        ).fetchone()

    def current_record(self, article_id: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT record FROM articles WHERE id=?", (article_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def history(self, article_id: str) -> list[dict[str, Any]]:
        """Every stored revision of an article, first to last."""
        rows = self.conn.execute(
            "SELECT revision, record FROM revisions WHERE id=? "
            "UNION ALL SELECT revision, record FROM articles WHERE id=? ORDER BY 1",
            (article_id, article_id),
        )
        return [json.loads(r[1]) for r in rows]

    def lookup(self, item: Article) -> tuple[Any, Any]:
        """(the stored article with `item`'s id, else None; the stored article `item` is a copy
        of, else None) for an item with its id, hash and band keys, in one query: a round trip
        counts on PostgreSQL. A copy has the same body hash (the oldest wins), else is the
        oldest confirmed match among the articles sharing an LSH band."""
        assert item.id is not None, "the dedupe stage gave the item its id"
        keys = list(item.band_keys)
        marks = ",".join("?" * len(keys))
        near = f" OR a.rowid IN (SELECT article FROM lsh WHERE band_key IN ({marks}))"
        rows = self.conn.execute(
            f"SELECT {self.ARTICLE_COLUMNS} FROM articles a "
            f"WHERE a.id = ? OR a.content_hash = ?{near if keys else ''} "
            "ORDER BY CASE WHEN a.content_hash = ? THEN 0 ELSE 1 END, a.crawled_at",
            (item.id, item.content_hash, *keys, item.content_hash),
        ).fetchall()
        existing = next((row for row in rows if row["id"] == item.id), None)
        if existing is not None:
            return existing, None
        for row in rows:
            if row["content_hash"] == item.content_hash:
                return None, row
            if neardup.is_copy(row["title"], row["text"], item.title, item.text):
                return None, row
        return None, None

    def save_article(
        self,
        record: dict[str, Any],
        content_hash: str,
        band_keys: Sequence[int],
        urls: Iterable[str],
    ) -> None:
        """Insert a new article, or a new revision of a known one (caller's transaction).

        A new revision replaces the article's record; the record it replaces moves to
        `revisions`."""
        row = (
            record["site"],
            record["url"],
            record["story_id"],
            content_hash,
            record["published"],
            record["crawled_at"],
            record["revision"],
            json.dumps(record, ensure_ascii=False),
            record["id"],
        )
        if record["revision"] == 1:
            self.conn.execute(
                "INSERT INTO articles (site, url, story_id, content_hash, published, crawled_at, "
                "revision, record, id) VALUES (?,?,?,?,?,?,?,?,?)",
                row,
            )
        else:
            previous = self.article(record["id"])
            assert previous is not None, "a later revision replaces a stored article"
            old_keys = neardup.band_keys(neardup.signature(previous["text"]))
            self.conn.executemany(  # found from the old text: lsh needs no index on articles
                "DELETE FROM lsh WHERE band_key=? AND article=?",
                [(key, previous["rowid"]) for key in old_keys],
            )
            self.conn.execute(
                "INSERT INTO revisions (id, revision, record) "
                "SELECT id, revision, record FROM articles WHERE id=?",
                (record["id"],),
            )
            self.conn.execute(
                "UPDATE articles SET site=?, url=?, story_id=?, content_hash=?, published=?, "
                "crawled_at=?, revision=?, record=? WHERE id=?",
                row,
            )
        if band_keys:  # one statement, and the rowid read in it: nothing waits for a reply
            keys = ",".join(["(?)"] * len(band_keys))
            self.conn.execute(
                f"INSERT INTO lsh (band_key, article) SELECT k.column1, a.rowid "
                f"FROM (VALUES {keys}) AS k, articles a WHERE a.id=? ON CONFLICT DO NOTHING",
                (*band_keys, record["id"]),
            )
        self.conn.executemany(
            "INSERT INTO seen_urls (url, article_id) VALUES (?,?) ON CONFLICT DO NOTHING",
            [(url, record["id"]) for url in set(urls)],
        )
        self._update_story(record)

    def _update_story(self, record: dict[str, Any]) -> None:
        story = self.conn.execute(
            "SELECT * FROM stories WHERE story_id=?", (record["story_id"],)
        ).fetchone()
        published = record["published"]
        if story is None:
            self.conn.execute(
                "INSERT INTO stories (story_id, first_site, first_seen, earliest_published, "
                "source, title, updated_at) VALUES (?,?,?,?,?,?,?)",
                (
                    record["story_id"],
                    record["site"],
                    record["crawled_at"],
                    published,
                    record["source"],
                    record["title"],
                    record["crawled_at"],
                ),
            )
            return
        earliest = (
            # by instant, not as text: dates keep the offset of the page that gave them
            min(
                (p for p in (story["earliest_published"], published) if p),
                key=datetime.fromisoformat,
            )
            if (story["earliest_published"] or published)
            else None
        )
        self.conn.execute(
            "UPDATE stories SET earliest_published=?, source=COALESCE(source, ?), updated_at=? "
            "WHERE story_id=?",
            (earliest, record["source"], record["crawled_at"], record["story_id"]),
        )

    def story(self, story_id: str) -> dict[str, Any] | None:
        """A story with its copies (site, url, published, crawled_at), first copy first."""
        row = self.conn.execute("SELECT * FROM stories WHERE story_id=?", (story_id,)).fetchone()
        if row is None:
            return None
        copies = [
            {
                "id": r["id"],
                "site": r["site"],
                "url": r["url"],
                "published": r["published"],
                "crawled_at": r["crawled_at"],
            }
            for r in self.conn.execute(
                "SELECT id, site, url, published, crawled_at FROM articles WHERE story_id=? "
                "ORDER BY crawled_at, id",
                (story_id,),
            )
        ]
        return {**dict(row), "copies": copies}

    def latest_stories(self, limit: int) -> list[dict[str, Any]]:
        ids = [
            r[0]
            for r in self.conn.execute(
                "SELECT story_id FROM stories ORDER BY updated_at DESC LIMIT ?", (limit,)
            )
        ]
        return [story for story_id in ids if (story := self.story(story_id))]

    def records(self, story_id: str) -> list[dict[str, Any]]:
        return [
            json.loads(r[0])
            for r in self.conn.execute(
                "SELECT record FROM articles WHERE story_id=? ORDER BY crawled_at, id", (story_id,)
            )
        ]

    # -- exports --------------------------------------------------------------------------

    def unexported(self) -> list[dict[str, Any]]:
        """Article revisions not yet appended to articles.jsonl, in crawl order. Found through
        the index of articles with an unexported revision: an export follows every stored
        article, and must not read the whole table each time."""
        return self._revisions("> a.exported_revision", "a.exported_revision < a.revision AND ")

    def exported(self) -> list[dict[str, Any]]:
        """Article revisions already appended to articles.jsonl, in crawl order."""
        return self._revisions("<= a.exported_revision")

    def all_revisions(self) -> list[dict[str, Any]]:
        """Every article revision, in crawl order."""
        return self._revisions("> 0")

    def _revisions(self, condition: str, among: str = "") -> list[dict[str, Any]]:
        """Records of the revisions whose number meets `condition`, current and superseded, of
        the articles that meet `among` (a condition ending in AND)."""
        rows = self.conn.execute(
            "SELECT a.crawled_at, r.id, r.revision, r.record FROM articles a JOIN revisions r "
            f"ON r.id = a.id WHERE {among}r.revision {condition} "
            "UNION ALL "
            "SELECT a.crawled_at, a.id, a.revision, a.record FROM articles a "
            f"WHERE {among}a.revision {condition} "
            "ORDER BY 1, 2, 3"
        )
        return [json.loads(r[3]) for r in rows]

    def mark_exported(self, records: Iterable[dict[str, Any]]) -> None:
        self.conn.executemany(
            "UPDATE articles SET exported_revision=? WHERE id=? AND exported_revision < ?",
            [(r["revision"], r["id"], r["revision"]) for r in records],
        )

    def export_end(self, name: str) -> tuple[int, int] | None:
        """(inode, size) of export file `name` after its last committed append."""
        row = self.conn.execute(
            "SELECT inode, size FROM export_files WHERE name=?", (name,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_export_end(self, name: str, inode: int, size: int) -> None:
        self.conn.execute(
            "INSERT INTO export_files (name, inode, size) VALUES (?,?,?) ON CONFLICT (name) "
            "DO UPDATE SET inode=excluded.inode, size=excluded.size",
            (name, inode, size),
        )

    # -- raw archive ----------------------------------------------------------------------

    def save_archived(
        self, site: str, url: str, fetched_at: str, status: int, place: Place
    ) -> None:
        self.conn.execute(
            'INSERT INTO archived (site, url, fetched_at, status, file, "offset", length) '
            "VALUES (?,?,?,?,?,?,?)",
            (site, url, fetched_at, status, place.file, place.offset, place.length),
        )

    def latest_archived(self, site: str | None, since: str) -> list[Any]:
        """The last archived answer (status 200) of each stored article fetched at or after
        `since`, with the article's id: what `malinews reprocess` reads again."""
        return self.conn.execute(
            'SELECT id, site, url, fetched_at, file, "offset", length FROM ('
            'SELECT s.article_id AS id, a.site, a.url, a.fetched_at, a.file, a."offset", '
            "a.length, ROW_NUMBER() OVER (PARTITION BY s.article_id "
            "ORDER BY a.fetched_at DESC, a.id DESC) AS latest "
            "FROM archived a JOIN seen_urls s ON s.url = a.url "
            "WHERE a.status = 200 AND a.fetched_at >= ? AND (CAST(? AS TEXT) IS NULL OR a.site = ?)"
            ") last WHERE latest = 1 ORDER BY fetched_at, id",
            (since, site, site),
        ).fetchall()

    def forget_archive_files(self, files: Iterable[str]) -> None:
        """Drop the places of the records of deleted archive files."""
        self.conn.executemany("DELETE FROM archived WHERE file=?", [(f,) for f in files])

    # -- learned boilerplate --------------------------------------------------------------

    def learned_lines(self, site: str) -> set[str]:
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT line_key FROM line_counts WHERE site=? AND articles>=?",
                (site, LEARN_MIN_ARTICLES),
            )
        }

    def count_lines(self, site: str, keys: Iterable[str]) -> None:
        """Count each distinct short line of one article (caller's transaction)."""
        self.conn.executemany(
            "INSERT INTO line_counts (site, line_key, articles) VALUES (?,?,1) "
            "ON CONFLICT (site, line_key) DO UPDATE SET articles = line_counts.articles + 1",
            [(site, key) for key in set(keys)],
        )

    # -- HTTP validators and crawls -------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.conn.execute(
            "SELECT etag, last_modified FROM http_validators WHERE url=?", (url,)
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.conn.execute(
            "INSERT INTO http_validators (url, etag, last_modified) VALUES (?,?,?) "
            "ON CONFLICT (url) DO UPDATE SET etag=excluded.etag, "
            "last_modified=excluded.last_modified",
            (url, etag, last_modified),
        )

    def record_crawl(self, site: str, started: str, finished: str, stats: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO crawls (site, started_at, finished_at, stats) VALUES (?,?,?,?)",
            (site, started, finished, json.dumps(stats)),
        )

    def crawls(self, site: str, limit: int = 20) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT started_at, finished_at, stats FROM crawls WHERE site=? "
            "ORDER BY id DESC LIMIT ?",
            (site, limit),
        )
        return [{"started_at": r[0], "finished_at": r[1], "stats": json.loads(r[2])} for r in rows]

    def articles_crawled(self, site: str, since: str) -> list[dict[str, Any]]:
        """Records of a site's articles stored at or after `since` (ISO time)."""
        rows = self.conn.execute(
            "SELECT record FROM articles WHERE site=? AND crawled_at>=?", (site, since)
        )
        return [json.loads(r[0]) for r in rows]

    def health_history(self, site: str, limit: int) -> list[tuple[dict[str, Any], dict[str, str]]]:
        """The site's last health records, newest first: (health, active problems)."""
        rows = self.conn.execute(
            "SELECT health, problems FROM site_health WHERE site=? ORDER BY id DESC LIMIT ?",
            (site, limit),
        )
        return [(json.loads(h), json.loads(p)) for h, p in rows]

    def save_health(
        self, site: str, finished_at: str, health: dict[str, Any], problems: dict[str, str]
    ) -> None:
        self.conn.execute(
            "INSERT INTO site_health (site, finished_at, health, problems) VALUES (?,?,?,?)",
            (site, finished_at, json.dumps(health), json.dumps(problems)),
        )

    def last_article(self, site: str) -> str | None:
        row = self.conn.execute(
            "SELECT MAX(crawled_at) FROM articles WHERE site=?", (site,)
        ).fetchone()
        return row[0]


def due_at(row: Any, ages: Sequence[float], now: datetime) -> datetime | None:
    """When the revisit an article is due for at `now` was scheduled, or None when none is:
    the latest age passed since `first_seen`, if not fetched since; after a takedown sign, an
    hour after it."""
    last = datetime.fromisoformat(row["last_checked"])
    if row["missing_checks"] and row["removed_at"] is None:
        return last + CONFIRM_AFTER if last + CONFIRM_AFTER <= now else None
    first = datetime.fromisoformat(row["first_seen"])
    passed = [first + timedelta(seconds=age) for age in ages]
    passed = [when for when in passed if when <= now]
    if passed and max(passed) > last:
        return max(passed)
    return None


def alert_payload(record: dict[str, Any], hit: Any, story: dict[str, Any]) -> dict[str, Any]:
    """What an alert carries (see pipelines/alerts.py)."""
    return {
        "rule": hit.rule,
        "severity": hit.severity,
        "story_id": record["story_id"],
        "article_id": record["id"],
        "url": record["url"],
        "title": record["title"],
        "site": record["site"],
        "published": record["published"],
        "snippet": hit.snippet,
        "source": story.get("source") or record["source"],
        "copies": [
            {"site": c["site"], "url": c["url"], "published": c["published"]}
            for c in story["copies"]
        ],
    }


def event_payload(payload: dict[str, Any], event: str, detail: Any) -> dict[str, Any]:
    """An alert about a later event of an article (edited, removed): its title says which."""
    return {**payload, "title": f"({event}) {payload['title']}", "event": event, event: detail}


def record_removal(store: Store, config: Any, article_id: str, reason: str, now: str) -> int:
    """Store a confirmed takedown and alert the rules the article hit that asked to be told
    (`on = ["removed"]`); returns how many alerts. `config` is the crawl's Config."""
    rules = {rule.name: rule for rule in config.alerts}
    alerts = 0
    with store.transaction():
        record = store.remove(article_id, reason, now)
        story = store.story(record["story_id"]) or {"copies": []}
        for name in record["keyword_hits"] or []:
            rule = rules.get(name)  # a rule taken out of the config since has no say
            if rule is None or "removed" not in rule.on:
                continue
            hit = Hit(rule.name, rule.severity, "", "", "")
            payload = event_payload(alert_payload(record, hit, story), "removed", reason)
            key = f"{article_id}@{record['revision']}"
            channels = config.alert_channels(name)
            alerts += record_alert(store.conn, payload, channels, datetime.fromisoformat(now), key)
    return alerts


def store_article(store: Store, config: Any, item: Article, *, reprocessed: bool = False) -> int:
    """Save the article, its story and its alerts in one transaction; returns how many alerts.

    `config` is the crawl's Config (alert rules and channels). A reprocessed article (read
    again from the archive) was not edited by its site: no `edited` alert, and its lines were
    counted for learned boilerplate when it was fetched."""
    now = datetime.fromisoformat(item.fetched_at)  # one clock per page: the fetch's
    alerts = 0
    with store.transaction():
        if item.revision == 1 and item.duplicate_of is None:
            # another crawl (a process, a machine) may have stored a copy since the dedupe
            # stage looked: look again under the write lock, or the story would be split in
            # two and alerted twice
            _, match = store.lookup(item)
            if match is not None:
                item.story_id = item.duplicate_of = match["story_id"]
        record = item.record()
        store.save_article(record, item.content_hash, item.band_keys, item.urls)
        store.track(record)
        if not reprocessed:
            store.count_lines(record["site"], item.line_keys)
        story = (store.story(record["story_id"]) if item.hits else None) or {"copies": []}
        for hit in item.hits:
            rule_channels = config.alert_channels(hit.rule)
            events = config.rule(hit.rule).on
            payload = alert_payload(record, hit, story)
            if "new" in events and record_alert(store.conn, payload, rule_channels, now):
                alerts += 1  # a new story, or an edit that made the article match
            elif record["revision"] > 1 and "edited" in events and not reprocessed:
                edited = event_payload(payload, "edited", record["changes"])
                key = f"{record['id']}@{record['revision']}"
                alerts += record_alert(store.conn, edited, rule_channels, now, key)
            elif record["revision"] == 1:
                copy = {
                    "site": record["site"],
                    "url": record["url"],
                    "published": record["published"],
                }
                add_copy(store.conn, hit.rule, record["story_id"], copy, now)
    return alerts


class StorePipeline(Stage):
    """Save the article, its story and its alerts in one transaction."""

    def process_item(self, item: Article) -> Article:
        store: Store = self.spider.store
        item.crawled_at = item.fetched_at
        looked_new = item.duplicate_of is None
        with self.writing(store.path):
            alerts = store_article(store, self.spider.config, item)
        self.count("alerts", alerts)
        self.count("new" if item.revision == 1 else "updated")
        if looked_new and item.duplicate_of is not None:  # a copy stored since dedupe looked
            self.count("duplicates")
        return item
