"""Every read query of the web app, the HTTP API and `malinews articles`, on a read-only store.

The store (pipelines/store.py, migration 3) keeps `article_fts`, an FTS5 index of titles and
bodies, and `article_log`, one row per stored revision in commit order, up to date with triggers.
Rules hit by a story are read from `alerts` (one row per rule and story, and one per edit or
takedown an alert was asked for, reached through its article; indexed).
"""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

from malinews.pipelines.store import DB_NAME, MIGRATIONS
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


def connect(output_dir: Path) -> sqlite3.Connection:
    """A read-only connection to the store of `output_dir`."""
    path = output_dir / DB_NAME
    if not path.is_file():
        raise StoreMissing(f"{path}: no state store; run `malinews crawl` or `malinews demo` first")
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")  # pages shared with the OS cache, no copy
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < len(MIGRATIONS):
        conn.close()
        raise StoreMissing(f"{path}: store schema {version} is older than {len(MIGRATIONS)}")
    return conn


# An alert about a later event of an article (edited, removed) is keyed "<article id>@<revision>"
# in alerts.story_id (one alert per event, pipelines/store.py); its story is its article's. The
# range reads those keys from the alerts_story index: revisions are digits, all below "~".
_EVENT_KEYS = "r.story_id BETWEEN a.id || '@' AND a.id || '@~'"
_ALERTED_STORIES = (  # (rule, story_id) of every alert, first alerts and event alerts alike
    "SELECT rule, story_id FROM alerts UNION ALL "
    "SELECT r.rule, a.story_id FROM alerts r JOIN articles a ON a.id = r.article_id "
    "WHERE r.story_id LIKE '%@%'"
)


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


def fts_query(text: str) -> str | None:
    """The FTS5 expression for what a user typed: every word required, "quoted" phrases kept.

    Words are cut like the index cuts them (apostrophes and dashes separate, so "l'Africa-Corps"
    is the phrase "l africa corps"), each quoted, so no user text is read as FTS5 syntax.
    None when nothing searchable is left.
    """
    text = unicodedata.normalize("NFKC", text).translate(_LIGATURES)
    terms = []
    for match in _PHRASE.finditer(text):
        words = _FTS_TOKEN.findall(match[1])
        if words:
            terms.append('"' + " ".join(words) + '"')
    for chunk in _PHRASE.sub(" ", text).split():
        words = _FTS_TOKEN.findall(chunk)
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " AND ".join(terms) or None


def _article_filters(filters: Filters, rowid: str) -> tuple[str, dict[str, Any]]:
    """SQL conditions (AND-ed, never empty) on the rowid of an article, and their parameters.

    Each filter is a set of rowids read from its own index (articles_site, alerts with
    articles_story, articles_crawled), so a list in another order (the log's, the search
    index's) checks membership instead of reading every article row it passes."""
    day = "substr(COALESCE(published, crawled_at), 1, 10)"
    sets = []
    if filters.site:
        sets.append("SELECT rowid FROM articles WHERE site = :site")
    if filters.rule:
        sets.append(
            "SELECT a.rowid FROM articles a WHERE a.story_id IN "
            f"(SELECT story_id FROM ({_ALERTED_STORIES}) WHERE rule = :rule)"
        )
    if filters.start:
        sets.append(f"SELECT rowid FROM articles WHERE {day} >= :start")
    if filters.end:
        sets.append(f"SELECT rowid FROM articles WHERE {day} <= :end")
    if filters.since:
        sets.append("SELECT rowid FROM articles WHERE crawled_at >= :since")
    clauses = ["1", *(f"{rowid} IN ({sql})" for sql in sets)]
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
_STORY_COLUMNS = (
    f"s.story_id, s.title, {_STORY_DATE} AS date, s.source, "
    "(SELECT group_concat(site, ' ') FROM (SELECT DISTINCT site FROM articles "
    " WHERE story_id = s.story_id ORDER BY site)) AS sites, "
    "(SELECT count(*) FROM articles WHERE story_id = s.story_id) AS copies, "
    "(SELECT group_concat(rule, ' ') FROM (SELECT rule FROM alerts "
    " WHERE story_id = s.story_id UNION SELECT rule FROM articles a JOIN alerts r"
    f" ON {_EVENT_KEYS} WHERE a.story_id = s.story_id ORDER BY rule)) AS rules"
)


def _story_row(row: sqlite3.Row) -> StoryRow:
    return StoryRow(
        story_id=row["story_id"],
        title=row["title"],
        date=row["date"],
        source=row["source"],
        sites=tuple((row["sites"] or "").split()),
        rules=tuple((row["rules"] or "").split()),
        copies=row["copies"],
    )


def stories(conn: sqlite3.Connection, filters: Filters, page: int, per_page: int) -> Page[StoryRow]:
    """Stories newest first (by earliest date), one row per story whatever its copies."""
    clauses, params = ["1"], {k: v for k, v in vars(filters).items() if v}
    if filters.site:
        clauses.append(
            "EXISTS (SELECT 1 FROM articles WHERE story_id = s.story_id AND site = :site)"
        )
    if filters.rule:
        clauses.append(
            f"s.story_id IN (SELECT story_id FROM ({_ALERTED_STORIES}) WHERE rule = :rule)"
        )
    if filters.start:
        clauses.append(f"{_STORY_DATE} >= :start")
    if filters.end:
        clauses.append(f"{_STORY_DATE} < date(:end, '+1 day')")
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


def _candidates(query: str, filters: Filters) -> tuple[str, dict[str, Any]]:
    """SQL for the newest SEARCH_CANDIDATES articles matching an FTS5 `query` and the filters:
    (rid, story_id, score). Ranking only these keeps a search on a word found in most articles
    as fast as a rare one; the index returns them newest first without scoring the rest."""
    where, params = _article_filters(filters, "a.rowid")
    sql = (
        "SELECT a.rowid AS rid, a.story_id, article_fts.rank AS score "
        "FROM article_fts JOIN articles a ON a.rowid = article_fts.rowid "
        f"WHERE article_fts MATCH :query AND {where} "
        "ORDER BY article_fts.rowid DESC LIMIT :candidates"
    )
    return sql, {**params, "query": query, "candidates": SEARCH_CANDIDATES}


def search(
    conn: sqlite3.Connection, text: str, filters: Filters, page: int, per_page: int
) -> Page[SearchHit]:
    """Stories whose title or body match `text`, best first (the index's rank: BM25 with
    titles weighing 4 times the body, set by the store's migration), among the newest
    SEARCH_CANDIDATES matching articles."""
    query = fts_query(text)
    if query is None:
        return Page([], page, False)
    candidates, params = _candidates(query, filters)
    best = conn.execute(
        f"WITH hits AS ({candidates}) "
        "SELECT rid, story_id, min(score) AS score FROM hits GROUP BY story_id "
        "ORDER BY score, story_id LIMIT :limit OFFSET :offset",
        {**params, "limit": per_page + 1, "offset": (page - 1) * per_page},
    ).fetchall()
    has_next = len(best) > per_page
    best = best[:per_page]
    if not best:
        return Page([], page, False)
    rids = [r["rid"] for r in best]
    marks = ",".join("?" * len(rids))
    marked = {
        r["rowid"]: r
        for r in conn.execute(
            f"SELECT f.rowid, highlight(article_fts, 0, ?, ?) AS title, "
            f"snippet(article_fts, 1, ?, ?, '…', 32) AS snippet, a.id, a.site, a.url "
            f"FROM article_fts f JOIN articles a ON a.rowid = f.rowid "
            f"WHERE article_fts MATCH ? AND f.rowid IN ({marks})",
            (MARK_START, MARK_END, MARK_START, MARK_END, query, *rids),
        )
    }
    story_rows = _stories_by_id(conn, [r["story_id"] for r in best])
    hits = [
        SearchHit(
            story=story_rows[r["story_id"]],
            article_id=marked[r["rid"]]["id"],
            site=marked[r["rid"]]["site"],
            url=marked[r["rid"]]["url"],
            title=marked[r["rid"]]["title"],
            snippet=marked[r["rid"]]["snippet"],
        )
        for r in best
        if r["rid"] in marked and r["story_id"] in story_rows
    ]
    return Page(hits, page, has_next)


def _stories_by_id(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, StoryRow]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT {_STORY_COLUMNS} FROM stories s WHERE s.story_id IN ({marks})", ids
    )
    return {r["story_id"]: _story_row(r) for r in rows}


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


def story(conn: sqlite3.Connection, story_id: str) -> StoryView | None:
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


def _changes(conn: sqlite3.Connection, records: list[dict[str, Any]]) -> list[Change]:
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
    conn: sqlite3.Connection, text: str | None, filters: Filters, cursor: int, limit: int
) -> RecordPage:
    """Stored revisions after `cursor`, in commit order (`article_log`), so polling with the
    returned cursor never misses nor repeats a record."""
    where, params = _article_filters(filters, "l.article")
    query = fts_query(text) if text else None
    if text and query is None:
        return RecordPage([], cursor)
    match = (  # the index holds current texts: a search returns current revisions only
        "AND l.revision = a.revision "
        "AND l.article IN (SELECT rowid FROM article_fts WHERE article_fts MATCH :query)"
    )
    conn.execute("BEGIN")  # one snapshot: the last seq read belongs to the same state
    try:
        rows = conn.execute(
            "SELECT l.seq, COALESCE(r.record, a.record) AS record FROM article_log l "
            "JOIN articles a ON a.rowid = l.article "
            "LEFT JOIN revisions r ON r.id = a.id AND r.revision = l.revision "
            f"WHERE l.seq > :cursor AND {where} {match if query else ''} "
            "ORDER BY l.seq LIMIT :limit",
            {**params, "query": query, "cursor": cursor, "limit": limit},
        ).fetchall()
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM article_log").fetchone()[0]
    finally:
        conn.execute("COMMIT")
    next_cursor = rows[-1]["seq"] if len(rows) == limit else max(last, cursor)
    return RecordPage([r["record"] for r in rows], next_cursor)


def search_records(
    conn: sqlite3.Connection, text: str, filters: Filters, limit: int
) -> list[dict[str, Any]]:
    """Current records matching `text`, best first among the newest SEARCH_CANDIDATES (the
    terminal's `malinews articles --q`)."""
    query = fts_query(text)
    if query is None:
        return []
    candidates, params = _candidates(query, filters)
    rows = conn.execute(
        f"WITH hits AS ({candidates}) SELECT a.record FROM hits "
        "JOIN articles a ON a.rowid = hits.rid ORDER BY hits.score LIMIT :limit",
        {**params, "limit": limit},
    )
    return [json.loads(r[0]) for r in rows]


def latest_records(conn: sqlite3.Connection, filters: Filters, limit: int) -> list[dict[str, Any]]:
    """Current records, most recently stored first."""
    where, params = _article_filters(filters, "a.rowid")
    rows = conn.execute(
        f"SELECT a.record FROM articles a WHERE {where} "
        "ORDER BY a.crawled_at DESC, a.rowid DESC LIMIT :limit",  # same second: last stored first
        {**params, "limit": limit},
    )
    return [json.loads(r[0]) for r in rows]


# -- feeds ---------------------------------------------------------------------------------------


def feed_state(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes whenever a feed's content can: a stored revision (stories follow articles) or a
    new alert (the rule filter)."""
    row = conn.execute(
        "SELECT (SELECT COALESCE(MAX(seq), 0) FROM article_log), "
        "(SELECT COALESCE(MAX(id), 0) FROM alerts)"
    ).fetchone()
    return row[0], row[1]


def feed_stories(
    conn: sqlite3.Connection, filters: Filters, limit: int
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


def alerts(
    conn: sqlite3.Connection, rule: str | None, since: str | None, limit: int
) -> list[AlertView]:
    """Newest alerts first, with the state of the alert's delivery on each channel."""
    rows = conn.execute(
        "SELECT id, rule, created_at, payload FROM alerts "
        "WHERE (:rule IS NULL OR rule = :rule) AND (:since IS NULL OR created_at >= :since) "
        "ORDER BY created_at DESC, id DESC LIMIT :limit",
        {"rule": rule, "since": since, "limit": limit},
    ).fetchall()
    ids = [r["id"] for r in rows]
    deliveries: dict[int, list[Delivery]] = {i: [] for i in ids}
    marks = ",".join("?" * len(ids))
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


def rule_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT rule FROM alerts ORDER BY rule")]


def site_names(conn: sqlite3.Connection) -> list[str]:
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


def sites(conn: sqlite3.Connection, names: Iterable[str]) -> list[SiteView]:
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


def _last_days(conn: sqlite3.Connection, days: int) -> list[str]:
    """The `days` days ending today, or at the last day with an article if that is earlier."""
    today = datetime.now(UTC).date()
    row = conn.execute(
        "SELECT MAX(substr(COALESCE(published, crawled_at), 1, 10)) FROM articles"
    ).fetchone()
    try:
        end = min(today, date.fromisoformat(row[0])) if row[0] else today
    except ValueError:
        end = today
    return [(end - timedelta(days=days - 1 - i)).isoformat() for i in range(days)]


def articles_per_day(conn: sqlite3.Connection, days: int = CHART_DAYS) -> list[Series]:
    """Articles per publication day (stored day when undated) of each site."""
    window = _last_days(conn, days)
    counts: dict[str, dict[str, int]] = {}
    for site, day, n in conn.execute(
        "SELECT site, substr(COALESCE(published, crawled_at), 1, 10) AS day, count(*) "
        "FROM articles WHERE day BETWEEN ? AND ? GROUP BY site, day",
        (window[0], window[-1]),
    ):
        counts.setdefault(site, {})[day] = n
    return [Series(s, window, [c.get(d, 0) for d in window]) for s, c in sorted(counts.items())]


def mentions_per_day(conn: sqlite3.Connection, days: int = CHART_DAYS) -> list[Series]:
    """Articles hitting each alert rule (`keyword_hits`), per publication day."""
    window = _last_days(conn, days)
    counts: dict[str, dict[str, int]] = {}
    for rule, day, n in conn.execute(
        "SELECT hit.value, substr(COALESCE(a.published, a.crawled_at), 1, 10) AS day, count(*) "
        "FROM articles a, json_each(a.record, '$.keyword_hits') hit "
        "WHERE day BETWEEN ? AND ? GROUP BY hit.value, day",
        (window[0], window[-1]),
    ):
        counts.setdefault(rule, {})[day] = n
    return [Series(r, window, [c.get(d, 0) for d in window]) for r, c in sorted(counts.items())]
