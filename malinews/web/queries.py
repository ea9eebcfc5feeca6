"""Every read query of the web app, the HTTP API and `malinews articles`, on a read-only store.

One code path for both stores (core/db.py): portable SQL, except full-text search, whose match,
rank and highlighting each database spells its own way (`_SEARCH`). SQLite
(pipelines/store.py, migration 3) keeps `article_fts`, an FTS5 index of titles and bodies;
PostgreSQL keeps `articles.search`, a tsvector of the same words (`malinews_words`: accents
folded, compound words cut into their parts). Both keep `article_log`, one row per stored
revision in commit order, up to date with triggers. Rules hit by a story are read from `alerts`
(one row per rule and story, and one per edit or takedown an alert was asked for, reached
through its article; indexed).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from malinews.core.db import Connection, PgConnection, connect_sqlite, db_errors, error_text
from malinews.pipelines.store import DB_NAME, MIGRATIONS, schema_version, store_place
from malinews.scrapers.config import parse_interval

MARK_START, MARK_END = "\ue000", "\ue001"  # highlight markers, turned into <mark> after escaping
CHART_DAYS = 30
MMAP_BYTES = 1 << 30
SEARCH_CANDIDATES = 150  # newest matches a search ranks (BM25: 15-70 µs each, phrases most)
_FTS_TOKEN = re.compile(r"[^\W_]+")  # what unicode61 keeps: letters and digits
_PHRASE = re.compile(r'"([^"]*)"?')
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})  # as the index spells them


class StoreMissing(Exception):
    """No state store (or one too old) in the output folder; message is one line."""


class BadFilter(ValueError):
    """A filter value the user can fix; message is one line."""


def connect(output_dir: Path, url: str | None = None) -> Connection:
    """A read-only connection to the store: the PostgreSQL database at `url`, or else the SQLite
    file of `output_dir`."""
    where = store_place(output_dir, url)
    if url is not None:
        try:
            conn: Connection = PgConnection(url, read_only=True)
        except db_errors() as exc:
            raise StoreMissing(f"{where}: cannot connect: {error_text(exc)}") from None
    else:
        path = output_dir / DB_NAME
        if not path.is_file():
            raise StoreMissing(
                f"{path}: no state store; run `malinews crawl` or `malinews demo` first"
            )
        conn = connect_sqlite(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # pages shared with the OS cache, no copy
    try:
        version = schema_version(conn)
    except BaseException:
        conn.close()
        raise
    if version < len(MIGRATIONS):
        conn.close()
        if not version:
            raise StoreMissing(f"{where}: no state store; run `malinews crawl` first")
        raise StoreMissing(f"{where}: store schema {version} is older than {len(MIGRATIONS)}")
    return conn


@contextmanager
def _snapshot(conn: Connection) -> Iterator[None]:
    """One read transaction for several statements, so they all see the same commits."""
    begin = "BEGIN" if conn.dialect == "sqlite" else "BEGIN ISOLATION LEVEL REPEATABLE READ"
    conn.execute(begin)
    try:
        yield
    finally:
        conn.execute("COMMIT")


# An alert about a later event of an article (edited, removed) is keyed "<article id>@<revision>"
# in alerts.story_id (one alert per event, pipelines/store.py); its story is its article's. It is
# found by its article (alerts_article), not as a range of keys: a database sorting text the
# French way (ICU) puts "<id>@12" outside "<id>@" .. "<id>@~".
_EVENT_KEYS = "r.article_id = a.id AND r.story_id LIKE '%@%'"
_ALERTED_STORIES = (  # (rule, story_id) of every alert, first alerts and event alerts alike
    "SELECT rule, story_id FROM alerts UNION ALL "
    "SELECT r.rule, a.story_id FROM alerts r JOIN articles a ON a.id = r.article_id "
    "WHERE r.story_id LIKE '%@%'"
)
# an article's day: the stored times are ISO 8601 text on both stores
_DAY = "substr(COALESCE(published, crawled_at), 1, 10)"


# -- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What lists and searches can be narrowed to; dates are inclusive ISO days or times."""

    site: str | None = None
    rule: str | None = None
    start: str | None = None  # stories/articles dated on or after this
    end: str | None = None  # ... and on or before this day
    since: str | None = None  # articles stored at or after this time (API polling)


def parse_since(text: str, now: datetime | None = None) -> str:
    """`24h`, `7d`, `90m` (ago) or an ISO date/time, as an ISO UTC time comparable as text."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            seconds = parse_interval(text)
        except ValueError:
            raise BadFilter(f"since: expected 24h, 7d or an ISO date, got {text!r}") from None
        moment = (now or datetime.now(UTC)) - timedelta(seconds=seconds)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def parse_day(name: str, text: str) -> str:
    """An ISO day (YYYY-MM-DD), checked."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise BadFilter(f"{name}: expected a date YYYY-MM-DD, got {text!r}") from None


def _terms(text: str) -> list[list[str]]:
    """What a user typed as the terms a search requires, each a phrase of one or more words:
    "quoted" phrases, then every other word.

    Words are cut like the indexes cut them (apostrophes and dashes separate, so
    "l'Africa-Corps" is the phrase "l africa corps"); they hold only letters and digits, so no
    user text is read as search syntax."""
    text = unicodedata.normalize("NFKC", text).translate(_LIGATURES)
    chunks = [m[1] for m in _PHRASE.finditer(text)] + _PHRASE.sub(" ", text).split()
    return [words for chunk in chunks if (words := _FTS_TOKEN.findall(chunk))]


def fts_query(text: str) -> str | None:
    """The FTS5 expression (SQLite) for what a user typed: every term required, each a quoted
    phrase. None when nothing searchable is left."""
    return " AND ".join('"' + " ".join(words) + '"' for words in _terms(text)) or None


def ts_query(text: str) -> str | None:
    """The `to_tsquery` text (PostgreSQL) for what a user typed: every term required (`&`),
    the words of a phrase in a row (`<->`). None when nothing searchable is left."""
    return " & ".join(" <-> ".join(words) for words in _terms(text)) or None


def _article_filters(filters: Filters, rowid: str) -> tuple[str, dict[str, Any]]:
    """SQL conditions (AND-ed, never empty) on the rowid of an article, and their parameters.

    Each filter is a set of rowids read from its own index (articles_site, alerts with
    articles_story, articles_crawled), so a list in another order (the log's, the search
    index's) checks membership instead of reading every article row it passes."""
    sets = []
    if filters.site:
        sets.append("SELECT rowid FROM articles WHERE site = :site")
    if filters.rule:
        sets.append(
            "SELECT a.rowid FROM articles a WHERE a.story_id IN "
            f"(SELECT story_id FROM ({_ALERTED_STORIES}) AS alerted WHERE rule = :rule)"
        )
    if filters.start:
        sets.append(f"SELECT rowid FROM articles WHERE {_DAY} >= :start")
    if filters.end:
        sets.append(f"SELECT rowid FROM articles WHERE {_DAY} <= :end")
    if filters.since:
        sets.append("SELECT rowid FROM articles WHERE crawled_at >= :since")
    clauses = ["1 = 1", *(f"{rowid} IN ({sql})" for sql in sets)]
    params = {k: v for k, v in vars(filters).items() if v}
    return " AND ".join(clauses), params


# -- stories -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryRow:
    """One story in a list: its sites, earliest date, source and rules hit."""

    story_id: str
    title: str
    date: str
    source: str | None
    sites: tuple[str, ...]
    rules: tuple[str, ...]
    copies: int


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):  # noqa: UP046 (Python 3.11)
    """One page of a list and whether another follows."""

    rows: list[T]
    page: int
    has_next: bool


_STORY_DATE = "COALESCE(s.earliest_published, s.first_seen)"


def stories(conn: Connection, filters: Filters, page: int, per_page: int) -> Page[StoryRow]:
    """Stories newest first (by earliest date), one row per story whatever its copies."""
    clauses, params = ["1 = 1"], {k: v for k, v in vars(filters).items() if v}
    if filters.site:
        clauses.append(
            "EXISTS (SELECT 1 FROM articles WHERE story_id = s.story_id AND site = :site)"
        )
    if filters.rule:
        clauses.append(
            f"s.story_id IN (SELECT story_id FROM ({_ALERTED_STORIES}) AS alerted "
            "WHERE rule = :rule)"
        )
    if filters.start:
        clauses.append(f"{_STORY_DATE} >= :start")
    if filters.end:  # any time of the end day: before the next day
        clauses.append(f"{_STORY_DATE} < :after_end")
        params["after_end"] = (date.fromisoformat(filters.end) + timedelta(days=1)).isoformat()
    ids = [  # the page's ids first: sorting whole rows would compute every row's columns
        r[0]
        for r in conn.execute(
            f"SELECT s.story_id FROM stories s WHERE {' AND '.join(clauses)} "
            f"ORDER BY {_STORY_DATE} DESC, s.story_id LIMIT :limit OFFSET :offset",
            {**params, "limit": per_page + 1, "offset": (page - 1) * per_page},
        )
    ]
    rows = _stories_by_id(conn, ids[:per_page])
    return Page([rows[i] for i in ids[:per_page] if i in rows], page, len(ids) > per_page)


# -- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """The best-ranked copy of a story matching a search, with its matches marked."""

    story: StoryRow
    article_id: str
    site: str
    url: str
    title: str  # with MARK_START/MARK_END around matches
    snippet: str  # likewise


class _Marked(NamedTuple):
    """A matching article with its matches marked (MARK_START/MARK_END)."""

    id: str
    site: str
    url: str
    title: str
    snippet: str


def _marked_fts5(conn: Connection, query: str, rids: list[int]) -> dict[int, _Marked]:
    marks = ",".join("?" * len(rids))
    rows = conn.execute(
        "SELECT f.rowid, a.id, a.site, a.url, highlight(article_fts, 0, ?, ?), "
        "snippet(article_fts, 1, ?, ?, '…', 32) FROM article_fts f "
        f"JOIN articles a ON a.rowid = f.rowid WHERE article_fts MATCH ? AND f.rowid IN ({marks})",
        (MARK_START, MARK_END, MARK_START, MARK_END, query, *rids),
    )
    return {r[0]: _Marked(*r[1:]) for r in rows}


_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}"  # `ts_headline` options


def _marked_tsvector(conn: Connection, query: str, rids: list[int]) -> dict[int, _Marked]:
    """`ts_headline` over the stored title (all of it) and text (about 32 words around the
    matches, '…' where text is left out, like FTS5's snippet)."""
    rows = conn.execute(
        "SELECT a.rowid, a.id, a.site, a.url, "
        "ts_headline('malinews_words', json_extract(a.record, '$.title'), q, :title), "
        "ts_headline('malinews_words', json_extract(a.record, '$.text'), q, :snippet), "
        "json_extract(a.record, '$.text') FROM articles a, "
        "to_tsquery('malinews_words', :query) AS q WHERE a.rowid = ANY(:rids)",
        {
            "query": query,
            "rids": rids,
            "title": f"{_HEADLINE}, HighlightAll=true",
            "snippet": f"{_HEADLINE}, MaxWords=32, MinWords=16",
        },
    )
    marked = {}
    for rowid, ident, site, url, title, snippet, text in rows:
        if snippet:
            plain = snippet.replace(MARK_START, "").replace(MARK_END, "")
            snippet = (
                ("" if text.startswith(plain) else "…")
                + snippet
                + ("" if text.endswith(plain) else "…")
            )
        marked[rowid] = _Marked(ident, site, url, title or "", snippet or "")
    return marked


class _Search(NamedTuple):
    """What a full-text search is in one database's spelling."""

    query: Callable[[str], str | None]  # what a user typed, as the database's query (:query)
    matching: str  # SQL: the rowids of the articles matching :query
    candidates: str  # SQL: (rid, story_id, score: lower is better), newest first; {where}
    marked: Callable[[Connection, str, list[int]], dict[int, _Marked]]


_SEARCH = {
    "sqlite": _Search(  # the index's rank: BM25, titles weighing 4 times the body (migration 3)
        fts_query,
        "SELECT rowid FROM article_fts WHERE article_fts MATCH :query",
        "SELECT a.rowid AS rid, a.story_id, article_fts.rank AS score "
        "FROM article_fts JOIN articles a ON a.rowid = article_fts.rowid "
        "WHERE article_fts MATCH :query AND {where} "
        "ORDER BY article_fts.rowid DESC LIMIT :candidates",
        _marked_fts5,
    ),
    "postgresql": _Search(  # ts_rank: title words (weight A) count 10 times body words (D)
        ts_query,
        "SELECT rowid FROM articles WHERE search @@ to_tsquery('malinews_words', :query)",
        "SELECT rowid AS rid, story_id, -ts_rank(search, to_tsquery('malinews_words', :query)) "
        "AS score FROM (SELECT a.rowid, a.story_id, a.search FROM articles a "
        "WHERE a.search @@ to_tsquery('malinews_words', :query) AND {where} "
        "ORDER BY a.rowid DESC LIMIT :candidates) AS newest",
        _marked_tsvector,
    ),
}


def _candidates(spelling: _Search, query: str, filters: Filters) -> tuple[str, dict[str, Any]]:
    """SQL for the newest SEARCH_CANDIDATES articles matching `query` and the filters:
    (rid, story_id, score). Ranking only these keeps a search on a word found in most articles
    as fast as a rare one; the index returns them newest first without scoring the rest."""
    where, params = _article_filters(filters, "a.rowid")
    sql = spelling.candidates.format(where=where)
    return sql, {**params, "query": query, "candidates": SEARCH_CANDIDATES}


def search(
    conn: Connection, text: str, filters: Filters, page: int, per_page: int
) -> Page[SearchHit]:
    """Stories whose title or body match `text`, best first (each database's rank, titles
    weighing more, see `_SEARCH`), among the newest SEARCH_CANDIDATES matching articles."""
    spelling = _SEARCH[conn.dialect]
    query = spelling.query(text)
    if query is None:
        return Page([], page, False)
    candidates, params = _candidates(spelling, query, filters)
    best = conn.execute(  # each story's best copy
        f"WITH hits AS ({candidates}), ranked AS (SELECT rid, story_id, score, "
        "row_number() OVER (PARTITION BY story_id ORDER BY score, rid) AS n FROM hits) "
        "SELECT rid, story_id FROM ranked WHERE n = 1 "
        "ORDER BY score, story_id LIMIT :limit OFFSET :offset",
        {**params, "limit": per_page + 1, "offset": (page - 1) * per_page},
    ).fetchall()
    has_next = len(best) > per_page
    best = best[:per_page]
    if not best:
        return Page([], page, False)
    marked = spelling.marked(conn, query, [r["rid"] for r in best])
    story_rows = _stories_by_id(conn, [r["story_id"] for r in best])
    hits = [
        SearchHit(
            story=story_rows[story_id],
            article_id=hit.id,
            site=hit.site,
            url=hit.url,
            title=hit.title,
            snippet=hit.snippet,
        )
        for rid, story_id in best
        if (hit := marked.get(rid)) and story_id in story_rows
    ]
    return Page(hits, page, has_next)


def _stories_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, StoryRow]:
    """The list rows of these stories; their sites and rules gathered here, in name order."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    sites: dict[str, list[str]] = {i: [] for i in ids}
    for story_id, site in conn.execute(
        f"SELECT DISTINCT story_id, site FROM articles WHERE story_id IN ({marks}) ORDER BY site",
        ids,
    ):
        sites[story_id].append(site)
    rules: dict[str, list[str]] = {i: [] for i in ids}
    for story_id, rule in conn.execute(
        f"SELECT story_id, rule FROM alerts WHERE story_id IN ({marks}) UNION "
        f"SELECT a.story_id, r.rule FROM articles a JOIN alerts r ON {_EVENT_KEYS} "
        f"WHERE a.story_id IN ({marks}) ORDER BY 2",
        [*ids, *ids],
    ):
        rules[story_id].append(rule)
    rows = conn.execute(
        f"SELECT s.story_id, s.title, {_STORY_DATE} AS date, s.source, "
        "(SELECT count(*) FROM articles WHERE story_id = s.story_id) AS copies "
        f"FROM stories s WHERE s.story_id IN ({marks})",
        ids,
    )
    return {
        r["story_id"]: StoryRow(
            story_id=r["story_id"],
            title=r["title"],
            date=r["date"],
            source=r["source"],
            sites=tuple(sites[r["story_id"]]),
            rules=tuple(rules[r["story_id"]]),
            copies=r["copies"],
        )
        for r in rows
    }


# -- one story -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What changed from one revision of an article to the next: unified diff lines."""

    article_id: str
    site: str
    old_revision: int
    new_revision: int
    lines: list[tuple[str, str]]  # ("add" | "del" | "ctx" | "hunk", text)


@dataclass(frozen=True)
class StoryView:
    """A story with its copies' records (first copy first) and the changes between revisions."""

    story: dict[str, Any]  # the stories row plus `copies` ({id, site, url, published, ...})
    records: list[dict[str, Any]]
    rules: tuple[str, ...]
    changes: list[Change] = field(default_factory=list)


def story(conn: Connection, story_id: str) -> StoryView | None:
    row = conn.execute("SELECT * FROM stories WHERE story_id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    articles = conn.execute(
        "SELECT id, site, url, published, crawled_at, revision, record FROM articles "
        "WHERE story_id = ? ORDER BY crawled_at, id",
        (story_id,),
    ).fetchall()
    copies = [{k: a[k] for k in ("id", "site", "url", "published", "crawled_at")} for a in articles]
    records = [json.loads(a["record"]) for a in articles]
    rules = tuple(
        r[0]
        for r in conn.execute(
            "SELECT rule FROM alerts WHERE story_id = :story UNION SELECT rule FROM articles a "
            f"JOIN alerts r ON {_EVENT_KEYS} WHERE a.story_id = :story ORDER BY rule",
            {"story": story_id},
        )
    )
    return StoryView({**dict(row), "copies": copies}, records, rules, _changes(conn, records))


def _changes(conn: Connection, records: list[dict[str, Any]]) -> list[Change]:
    """Diffs between consecutive revisions of each copy that has more than one."""
    changes = []
    for current in records:
        if current["revision"] <= 1:
            continue
        older = [
            json.loads(r[0])
            for r in conn.execute(
                "SELECT record FROM revisions WHERE id = ? ORDER BY revision", (current["id"],)
            )
        ]
        versions = [*older, current]
        for old, new in zip(versions, versions[1:], strict=False):
            changes.append(
                Change(
                    current["id"],
                    current["site"],
                    old["revision"],
                    new["revision"],
                    _diff(old, new),
                )
            )
    return changes


def _diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    def lines(record: dict[str, Any]) -> list[str]:
        return [record["title"] or "", *(record["text"] or "").split("\n\n")]

    kinds = {"+": "add", "-": "del", " ": "ctx", "@": "hunk"}
    return [
        (kinds[line[0]], line[1:] if line[0] != "@" else line)
        for line in difflib.unified_diff(lines(old), lines(new), n=1, lineterm="")
        if not line.startswith(("---", "+++"))
    ]


# -- records for the API and the terminal --------------------------------------------------------


@dataclass(frozen=True)
class RecordPage:
    """Records as in articles.jsonl, and the cursor to ask for the ones stored after them."""

    lines: list[str]  # each record's JSON as stored (the API sends it without re-encoding)
    next_cursor: int

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


def article_records(
    conn: Connection, text: str | None, filters: Filters, cursor: int, limit: int
) -> RecordPage:
    """Stored revisions after `cursor`, in commit order (`article_log`), so polling with the
    returned cursor never misses nor repeats a record."""
    where, params = _article_filters(filters, "l.article")
    spelling = _SEARCH[conn.dialect]
    query = spelling.query(text) if text else None
    if text and query is None:
        return RecordPage([], cursor)
    # the index holds current texts: a search returns current revisions only
    match = f"AND l.revision = a.revision AND l.article IN ({spelling.matching})"
    with _snapshot(conn):  # the last seq read belongs to the same state
        rows = conn.execute(
            "SELECT l.seq, COALESCE(r.record, a.record) AS record FROM article_log l "
            "JOIN articles a ON a.rowid = l.article "
            "LEFT JOIN revisions r ON r.id = a.id AND r.revision = l.revision "
            f"WHERE l.seq > :cursor AND {where} {match if query else ''} "
            "ORDER BY l.seq LIMIT :limit",
            {**params, "query": query, "cursor": cursor, "limit": limit},
        ).fetchall()
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM article_log").fetchone()[0]
    next_cursor = rows[-1]["seq"] if len(rows) == limit else max(last, cursor)
    return RecordPage([r["record"] for r in rows], next_cursor)


def search_records(
    conn: Connection, text: str, filters: Filters, limit: int
) -> list[dict[str, Any]]:
    """Current records matching `text`, best first among the newest SEARCH_CANDIDATES (the
    terminal's `malinews articles --q`)."""
    spelling = _SEARCH[conn.dialect]
    query = spelling.query(text)
    if query is None:
        return []
    candidates, params = _candidates(spelling, query, filters)
    rows = conn.execute(
        f"WITH hits AS ({candidates}) SELECT a.record FROM hits "
        "JOIN articles a ON a.rowid = hits.rid ORDER BY hits.score, hits.rid DESC LIMIT :limit",
        {**params, "limit": limit},
    )
    return [json.loads(r[0]) for r in rows]


def latest_records(conn: Connection, filters: Filters, limit: int) -> list[dict[str, Any]]:
    """Current records, most recently stored first."""
    where, params = _article_filters(filters, "a.rowid")
    rows = conn.execute(
        f"SELECT a.record FROM articles a WHERE {where} "
        "ORDER BY a.crawled_at DESC, a.rowid DESC LIMIT :limit",  # same second: last stored first
        {**params, "limit": limit},
    )
    return [json.loads(r[0]) for r in rows]


# -- feeds ---------------------------------------------------------------------------------------


def feed_state(conn: Connection) -> tuple[int, int]:
    """Changes whenever a feed's content can: a stored revision (stories follow articles) or a
    new alert (the rule filter)."""
    row = conn.execute(
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM article_log), "
        "(SELECT COALESCE(MAX(id), 0) FROM alerts)"
    ).fetchone()
    return row[0], row[1]


def feed_stories(
    conn: Connection, filters: Filters, limit: int
) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The latest stories (newest first) with their records, as `export.feed_item` takes them."""
    ids = [row.story_id for row in stories(conn, filters, 1, limit).rows]
    return [(view.story, view.records) for i in ids if (view := story(conn, i)) and view.records]


# -- alerts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    channel: str
    state: str  # pending, retrying (its last try failed), delivered or failed (given up)
    attempts: int
    error: str | None
    delivered_at: str | None


@dataclass(frozen=True)
class AlertView:
    alert_id: int
    rule: str
    created_at: str
    payload: dict[str, Any]  # see store.alert_payload: title, url, snippet, severity, copies...
    deliveries: list[Delivery]


def alerts(conn: Connection, rule: str | None, since: str | None, limit: int) -> list[AlertView]:
    """Newest alerts first, with the state of the alert's delivery on each channel."""
    rows = conn.execute(
        "SELECT id, rule, created_at, payload FROM alerts "
        "WHERE (CAST(:rule AS TEXT) IS NULL OR rule = :rule) "
        "AND (CAST(:since AS TEXT) IS NULL OR created_at >= :since) "
        "ORDER BY created_at DESC, id DESC LIMIT :limit",
        {"rule": rule, "since": since, "limit": limit},
    ).fetchall()
    ids = [r["id"] for r in rows]
    deliveries: dict[int, list[Delivery]] = {i: [] for i in ids}
    marks = ",".join("?" * len(ids)) or "NULL"  # `IN ()` is SQLite's only
    for d in conn.execute(
        "SELECT alert_id, channel, status, attempts, last_error, delivered_at FROM deliveries "
        f"WHERE kind = 'alert' AND alert_id IN ({marks}) ORDER BY channel",
        ids,
    ):
        state = "retrying" if d["status"] == "pending" and d["last_error"] else d["status"]
        deliveries[d["alert_id"]].append(
            Delivery(d["channel"], state, d["attempts"], d["last_error"], d["delivered_at"])
        )
    return [
        AlertView(
            r["id"], r["rule"], r["created_at"], json.loads(r["payload"]), deliveries[r["id"]]
        )
        for r in rows
    ]


def rule_names(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT rule FROM alerts ORDER BY rule")]


def site_names(conn: Connection) -> list[str]:
    """Sites crawled or stored; the stored ones found by hopping through articles_site, one
    lookup per site instead of a scan of every article."""
    return [
        r[0]
        for r in conn.execute(
            "WITH RECURSIVE stored (site) AS (SELECT MIN(site) FROM articles UNION ALL "
            "SELECT (SELECT MIN(site) FROM articles WHERE site > stored.site) FROM stored "
            "WHERE stored.site IS NOT NULL) "
            "SELECT site FROM stored WHERE site IS NOT NULL UNION SELECT site FROM crawls "
            "ORDER BY 1"
        )
    ]


# -- sites and charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteView:
    name: str
    last_crawl: str | None
    articles: int
    last_article: str | None
    health: dict[str, Any] | None  # the last scheduler/health.py record, if any
    problems: dict[str, str]


def sites(conn: Connection, names: Iterable[str]) -> list[SiteView]:
    views = []
    for name in names:
        crawl = conn.execute("SELECT MAX(finished_at) FROM crawls WHERE site = ?", (name,))
        count, last = conn.execute(
            "SELECT count(*), MAX(crawled_at) FROM articles WHERE site = ?", (name,)
        ).fetchone()
        health = conn.execute(
            "SELECT health, problems FROM site_health WHERE site = ? ORDER BY id DESC LIMIT 1",
            (name,),
        ).fetchone()
        views.append(
            SiteView(
                name=name,
                last_crawl=crawl.fetchone()[0],
                articles=count,
                last_article=last,
                health=json.loads(health[0]) if health else None,
                problems=json.loads(health[1]) if health else {},
            )
        )
    return views


@dataclass(frozen=True)
class Series:
    """Daily counts of one site or rule over `days`."""

    name: str
    days: list[str]
    counts: list[int]


def _last_days(conn: Connection, days: int) -> list[str]:
    """The `days` days ending today, or at the last day with an article if that is earlier."""
    today = datetime.now(UTC).date()
    row = conn.execute(f"SELECT MAX({_DAY}) FROM articles").fetchone()
    try:
        end = min(today, date.fromisoformat(row[0])) if row[0] else today
    except ValueError:
        end = today
    return [(end - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]


def articles_per_day(conn: Connection, days: int = CHART_DAYS) -> list[Series]:
    """Articles per publication day (stored day when undated) of each site."""
    window = _last_days(conn, days)
    counts: dict[str, dict[str, int]] = {}
    for site, day, n in conn.execute(
        f"SELECT site, {_DAY}, count(*) FROM articles WHERE {_DAY} BETWEEN ? AND ? GROUP BY 1, 2",
        (window[0], window[-1]),
    ):
        counts.setdefault(site, {})[day] = n
    return [Series(s, window, [c.get(d, 0) for d in window]) for s, c in sorted(counts.items())]


_EACH_HIT = {  # the rules an article hit (`keyword_hits`, a JSON list or null), one row each
    "sqlite": "json_each(a.record, '$.keyword_hits') AS hit",
    "postgresql": "json_array_elements_text(CASE json_typeof(a.record::json -> 'keyword_hits') "
    "WHEN 'array' THEN a.record::json -> 'keyword_hits' END) AS hit (value)",
}


def mentions_per_day(conn: Connection, days: int = CHART_DAYS) -> list[Series]:
    """Articles hitting each alert rule (`keyword_hits`), per publication day."""
    window = _last_days(conn, days)
    counts: dict[str, dict[str, int]] = {}
    for rule, day, n in conn.execute(
        f"SELECT hit.value, {_DAY}, count(*) FROM articles a, {_EACH_HIT[conn.dialect]} "
        f"WHERE {_DAY} BETWEEN ? AND ? GROUP BY 1, 2",
        (window[0], window[-1]),
    ):
        counts.setdefault(rule, {})[day] = n
    return [Series(r, window, [c.get(d, 0) for d in window]) for r, c in sorted(counts.items())]
