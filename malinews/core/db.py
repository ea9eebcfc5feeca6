"""The two databases the state store runs on, behind one connection interface.

SQLite is the embedded default (nothing to install); PostgreSQL is shared by several machines.
The store's SQL is written once, in SQLite's spelling (`?` and `:name` parameters,
`json_extract(column, '$.key')`), and `PgConnection` runs it on PostgreSQL, translating those
spellings. What the two cannot share (schema, full-text search) is chosen by `dialect`.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol


def db_errors(*others: type[Exception]) -> tuple[type[Exception], ...]:
    """What a store may raise (with `others`): sqlite3's errors, and psycopg's once a
    PostgreSQL store was opened. psycopg is imported only then: it would add ~0.13 s to every
    command's start (`malinews extract` included)."""
    psycopg = sys.modules.get("psycopg")
    pg = (psycopg.Error,) if psycopg is not None else ()
    return (sqlite3.Error, *pg, *others)


def error_text(error: BaseException) -> str:
    """A store error's message in one line (PostgreSQL's span several; it names host and
    database, never the password), or its type when it has none."""
    return " ".join(str(error).split()) or type(error).__name__


# the one write lock of a PostgreSQL store (pg_advisory_xact_lock), like SQLite's: writers
# take turns, so every read-then-write the store does (alerts, stories, exports) stays atomic
WRITE_LOCK = 0x6D616C69  # "mali"


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store, the outbox and the web queries use of a connection."""

    dialect: str

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...

    def begin_write(self) -> None: ...

    def end_write(self, commit: bool) -> None: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


class SqliteConnection(sqlite3.Connection):
    """sqlite3's connection, in autocommit mode (transactions are explicit)."""

    dialect = "sqlite"

    def begin_write(self) -> None:
        self.execute("BEGIN IMMEDIATE")

    def end_write(self, commit: bool) -> None:
        self.execute("COMMIT" if commit else "ROLLBACK")


def connect_sqlite(path: str, *, timeout: float = 30, uri: bool = False) -> SqliteConnection:
    conn = sqlite3.connect(
        path, timeout=timeout, isolation_level=None, factory=SqliteConnection, uri=uri
    )
    conn.row_factory = sqlite3.Row
    return conn


class Row(tuple[Any, ...]):
    """A result row read by position or by column name, like sqlite3.Row."""

    names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row.names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self.names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self.names)


def _row_factory(cursor: Any) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class PgConnection:
    """A psycopg 3 connection that runs the store's SQLite-spelled SQL (see `to_postgres`)."""

    dialect = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        import psycopg

        self.raw = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        self.pipeline: Any = None  # psycopg's, while a write transaction is open
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        if parameters:
            return self.raw.execute(to_postgres(sql), _params(parameters))
        with self.unpipelined():  # sent as is: a migration script holds several statements
            return self.raw.execute(to_postgres(sql, bound=False))

    def executemany(self, sql: str, parameters: Iterable[Any]) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(to_postgres(sql), [_params(p) for p in parameters])
        return cursor

    def begin_write(self) -> None:
        """A write transaction in pipeline mode: the statements whose results nobody reads
        (inserts, updates) travel with the next one that is read, or with the COMMIT. A round
        trip costs ~0.25 ms on loopback, more between machines (docs/architecture.md)."""
        self.pipeline = self.raw.pipeline()
        self.pipeline.__enter__()
        self.raw.execute("BEGIN")
        self.raw.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    def end_write(self, commit: bool) -> None:
        """COMMIT (a queued statement's error is raised here), or ROLLBACK after an error."""
        pipeline, self.pipeline = self.pipeline, None
        if commit:
            self.raw.execute("COMMIT")
            pipeline.__exit__(None, None, None)
            return
        if pipeline is not None:
            import psycopg

            try:
                pipeline.__exit__(None, None, None)
            except psycopg.Error:  # the error being rolled back, told already
                pass
        self.raw.execute("ROLLBACK")

    @contextmanager
    def unpipelined(self) -> Iterator[None]:
        """Leave pipeline mode for statements that cannot travel in one (a script, COPY)."""
        if self.pipeline is None:
            yield
            return
        self.pipeline.__exit__(None, None, None)
        try:
            yield
        finally:
            self.pipeline = self.raw.pipeline()
            self.pipeline.__enter__()

    def commit(self) -> None:
        from psycopg.pq import TransactionStatus

        if self.raw.info.transaction_status != TransactionStatus.IDLE:
            self.raw.execute("COMMIT")

    def close(self) -> None:
        self.raw.close()


def _params(parameters: Any) -> Any:
    return parameters if isinstance(parameters, dict) else tuple(parameters)


_JSON_FIELD = re.compile(r"json_extract\(([\w.]+), '\$\.(\w+)'\)")
_JULIANDAY = re.compile(r"julianday\(([\w.]+)\)")
_NAME = re.compile(r"[A-Za-z_]\w*")


@lru_cache(maxsize=512)
def to_postgres(sql: str, *, bound: bool = True) -> str:
    """SQLite-spelled SQL as psycopg runs it: `?` → `%s`, `:name` → `%(name)s`, a literal `%`
    doubled (when parameters are bound), `json_extract(col, '$.key')` →
    `(col::json ->> 'key')` (both keep records as JSON text), and `julianday(col)` of an ISO
    time → the same day number, from its epoch (both keep times as ISO text)."""
    sql = _JSON_FIELD.sub(r"(\1::json ->> '\2')", sql)
    sql = _JULIANDAY.sub(r"(extract(epoch from \1::timestamptz) / 86400 + 2440587.5)", sql)
    out: list[str] = []
    i = 0
    while i < len(sql):
        char = sql[i]
        if char == "'":  # a string literal, copied whole
            end = i + 1
            while end < len(sql) and not (sql[end] == "'" and sql[end + 1 : end + 2] != "'"):
                end += 2 if sql[end] == "'" else 1
            literal = sql[i : end + 1]
            out.append(literal.replace("%", "%%") if bound else literal)
            i = end + 1
            continue
        if char == ":" and sql[i + 1 : i + 2] == ":":  # a cast
            out.append("::")
            i += 2
            continue
        if char == ":" and (name := _NAME.match(sql, i + 1)):
            out.append(f"%({name[0]})s")
            i = name.end()
            continue
        out.append({"?": "%s", "%": "%%" if bound else "%"}.get(char, char))
        i += 1
    return "".join(out)
