"""Copy a SQLite state store into an empty PostgreSQL one (`malinews migrate --to URL`).

Every table is copied as it is, ids included (alerts keep their deliveries, API cursors keep
their place in `article_log`), in one PostgreSQL transaction: a failed copy leaves the target
empty. The source is read in one SQLite snapshot, so a crawl writing to it meanwhile cannot
tear the copy (what it writes after the snapshot is not copied: stop the crawlers first)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from malinews.core.db import PgConnection
from malinews.pipelines.store import Store, StoreError

# Every table of the schema, parents before the tables that reference them (deliveries →
# alerts). `articles` is read with its rowid: `lsh` and `article_log` point at articles by it.
TABLES = (
    "articles",
    "revisions",
    "stories",
    "seen_urls",
    "lsh",
    "line_counts",
    "http_validators",
    "crawls",
    "alerts",
    "deliveries",
    "digests",
    "site_health",
    "article_log",
    "export_files",
    "checks",
    "archived",
)
# filled by a trigger as articles are inserted: emptied, then copied with the source's order
TRIGGER_FILLED = "article_log"


@dataclass(frozen=True)
class Migrated:
    counts: dict[str, int]  # rows per table, the same on both sides
    seconds: float


def migrate(source: Store, target: Store) -> Migrated:
    """Copy SQLite store `source` into PostgreSQL store `target`, which must hold no rows.

    Raises StoreError (one line) when the target is not empty or the copy's counts differ."""
    if source.shared or not target.shared:
        raise StoreError("migrate copies a SQLite store into a PostgreSQL one")
    start = time.monotonic()
    source.conn.execute("BEGIN")  # one snapshot of every table
    try:
        with target.transaction():
            _refuse_not_empty(target)
            for table in TABLES:
                _copy_table(source, target, table)
            _move_sequences(target)
            counts = _compare_counts(source, target)
    finally:
        source.conn.execute("ROLLBACK")  # read only: nothing to keep
    return Migrated(counts, time.monotonic() - start)


def _count(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _refuse_not_empty(target: Store) -> None:
    held = [table for table in TABLES if _count(target, table)]
    if held:
        raise StoreError(
            f"the target PostgreSQL database is not empty ({_count(target, 'articles')} "
            f"articles; {len(held)} tables hold rows): migrate into a new, empty database"
        )


def _copy_table(source: Store, target: Store, table: str) -> None:
    """Stream one table into PostgreSQL with COPY (one round trip instead of one per row)."""
    if table == TRIGGER_FILLED:
        target.conn.execute(f"DELETE FROM {table}")
    select = "SELECT rowid, * FROM articles" if table == "articles" else f"SELECT * FROM {table}"
    rows = source.conn.execute(select)
    columns = ", ".join(f'"{column[0]}"' for column in rows.description)
    assert isinstance(target.conn, PgConnection)
    with target.conn.unpipelined(), target.conn.raw.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(row))


def _move_sequences(target: Store) -> None:
    """Each identity column's next value comes after the copied ids (a new alert must not
    collide with a copied one)."""
    identities = target.conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    ).fetchall()
    for table, column in identities:
        target.conn.execute(
            f'SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX("{column}"), 0) + 1, '
            f"false) FROM {table}",
            (table, column),
        )


def _compare_counts(source: Store, target: Store) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in TABLES:
        copied, held = _count(source, table), _count(target, table)
        if copied != held:
            raise StoreError(
                f"{table}: {copied} rows in SQLite but {held} in PostgreSQL after the copy: "
                "nothing was migrated"
            )
        counts[table] = held
    return counts
