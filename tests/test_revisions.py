"""Revisits, edits and their diffs, through real crawls of a served copy of bamada.

The sample site is the project's own (synthetic copy of bamada.net pages); the tests edit its
files between crawls. Time passing is simulated by moving the stored times of the first crawl
back (the spider's clock is the real one): no test sleeps.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from malinews.pipelines.archive import Archive, Place
from malinews.pipelines.store import Store
from malinews.scheduler.demo import SiteServer, site_origin
from tests.conftest import BAMADA_TEMPLATE, read_jsonl, run_cli, run_main
from tests.test_incremental import ARTICLE_PATHS, generic_config

RULES = """
[[alerts]]
name = "coton"
keywords = ["coton"]
on = ["new", "edited"]
[[alerts]]
name = "estimation"
keywords = ["estimation révisée"]
"""


def age_store(output: Path, hours: float) -> None:
    """Make every stored check `hours` older, as if that time had passed since the crawl."""
    db = sqlite3.connect(output / "malinews.sqlite3")
    columns = ("first_seen", "last_checked", "missing_since")
    rows = db.execute(f"SELECT id, {', '.join(columns)} FROM checks").fetchall()
    with db:
        for ident, *times in rows:
            older = [
                (datetime.fromisoformat(t) - timedelta(hours=hours)).isoformat() if t else None
                for t in times
            ]
            db.execute(
                "UPDATE checks SET first_seen=?, last_checked=?, missing_since=? WHERE id=?",
                (*older, ident),
            )
    db.close()


def crawl_stats(output: Path) -> dict[str, int]:
    db = sqlite3.connect(output / "malinews.sqlite3")
    stats = db.execute("SELECT stats FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0]
    db.close()
    return {k.removeprefix("malinews/"): v for k, v in json.loads(stats).items()}


def edit(page: Path, old: str, new: str) -> None:
    html = page.read_text(encoding="utf-8")
    assert old in html
    page.write_text(html.replace(old, new), encoding="utf-8")


def test_an_edit_is_seen_while_the_article_stays_in_listing_and_feed(
    tmp_path: Path, site_copies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_copies / "bamada"
    out = tmp_path / "out"
    with SiteServer(site, site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(config.read_text() + RULES, encoding="utf-8")
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        # the article is edited in place: still on the home page and in the RSS feed, whose
        # entries carry no update date
        edit(
            site / BAMADA_TEMPLATE / "index.html",
            "700 000 tonnes",
            "750 000 tonnes, selon une estimation révisée,",
        )
        server.requests.clear()
        second = run_cli("crawl", "--config", str(config))  # at once: nothing is due yet
        assert second.returncode == 0, second.stderr
        assert not [p for p in server.requests if p in ARTICLE_PATHS]
        age_store(out, 2)  # two hours later: the 1h revisit of every article is due
        server.requests.clear()
        third = run_cli("crawl", "--config", str(config))
        assert third.returncode == 0, third.stderr
        revisited = [p for p in server.requests if p in ARTICLE_PATHS]
    assert sorted(revisited) == sorted(ARTICLE_PATHS)
    stats = crawl_stats(out)
    assert stats["revisits"] == len(ARTICLE_PATHS)
    assert stats["revisits_not_modified"] == len(ARTICLE_PATHS) - 1  # answered 304
    assert stats["updated"] == 1
    records = [r for r in read_jsonl(out / "articles.jsonl") if BAMADA_TEMPLATE in r["url"]]
    assert [r["revision"] for r in records] == [1, 2]
    assert records[0]["changes"] is None
    assert records[1]["changes"] == {
        "added": "750 000 tonnes, selon une estimation révisée,",
        "removed": "700 000 tonnes",
        "words_added": 6,
        "words_removed": 2,
    }
    # the edit made the article match "estimation" (a new alert), and "coton" asked for edits
    db = sqlite3.connect(out / "malinews.sqlite3")
    alerts = [json.loads(p) for (p,) in db.execute("SELECT payload FROM alerts ORDER BY id")]
    kinds = [
        (a["rule"], a.get("event", "new")) for a in alerts if a["article_id"] == records[0]["id"]
    ]
    assert sorted(kinds) == [("coton", "edited"), ("coton", "new"), ("estimation", "new")]
    edited = next(a for a in alerts if a.get("event") == "edited")
    assert edited["title"].startswith("(edited) ")
    assert edited["edited"]["added"] == records[1]["changes"]["added"]
    # malinews diff, by id or by URL: words removed and added, marked when not on a terminal
    code, shown, err = run_main(capsys, "diff", records[0]["id"], "--config", str(config))
    assert code == 0, err
    assert "[-700-] {+750+} 000 [-tonnes-] {+tonnes, selon une estimation révisée,+}" in shown
    assert "\n\nLe Mali espère" in shown  # the title, then the body
    assert shown.startswith("revision 1 -> 2 (")
    code, by_url, _ = run_main(capsys, "diff", records[0]["url"], "--config", str(config))
    assert code == 0 and by_url == shown
    code, _, err = run_main(capsys, "diff", "nope", "--config", str(config))
    assert (
        code == 2 and err.strip() == "malinews: error: nope: no stored article with this id or URL"
    )


def test_cosmetic_changes_are_no_revision_and_the_budget_holds(
    tmp_path: Path, site_copies: Path
) -> None:
    site = site_copies / "bamada"
    out = tmp_path / "out"
    with SiteServer(site, site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(
            config.read_text().replace(
                "autothrottle = false\n", "autothrottle = false\nmax_revisits = 2\n"
            ),
            encoding="utf-8",
        )
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        # new spacing and a new share counter: the page's bytes change (no 304), its text not
        edit(site / BAMADA_TEMPLATE / "index.html", "700 000 tonnes", "700 000\n   tonnes")
        age_store(out, 2)
        server.requests.clear()
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        revisited = [p for p in server.requests if p in ARTICLE_PATHS]
    assert len(revisited) == 2
    stats = crawl_stats(out)
    assert stats["revisits"] == 2 and stats.get("updated", 0) == 0
    assert len(read_jsonl(out / "articles.jsonl")) == len(ARTICLE_PATHS)


def test_revisits_are_due_at_the_configured_ages(tmp_path: Path, store_url: str | None) -> None:
    store = Store(tmp_path, store_url)
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with store.transaction() as conn:
        for n, seen in enumerate((start, start + timedelta(minutes=30))):
            conn.execute(
                "INSERT INTO checks (id, site, url, first_seen, last_checked) VALUES (?,?,?,?,?)",
                (f"a{n}", "s", f"https://s.ml/{n}", seen.isoformat(), seen.isoformat()),
            )
    ages = (3600.0, 6 * 3600.0)

    def due(hours: float, limit: int = 10) -> list[str]:
        now = start + timedelta(hours=hours)
        return [r["id"] for r in store.due_checks("s", ages, now, limit)]

    assert due(0.9) == []
    assert due(1.1) == ["a0"]
    assert due(1.6) == ["a0", "a1"]  # the longest overdue first
    assert due(1.6, limit=1) == ["a0"]
    assert store.due_checks("s", (), start + timedelta(days=9), 10) == []  # revisit = []
    store.checked("a0", (start + timedelta(hours=1.6)).isoformat())
    assert due(2) == ["a1"]
    store.checked("a1", (start + timedelta(hours=2)).isoformat())
    assert due(6.2) == ["a0"]  # a1's 6h age comes at 6.5
    assert due(7) == ["a0", "a1"]
    for ident in ("a0", "a1"):
        store.checked(ident, (start + timedelta(hours=7)).isoformat())
    assert due(24 * 30) == []  # past the last age: never again
    # fetched just before its last age (the database's pre-filter must not drop it)
    store.checked("a1", (start + timedelta(hours=6.5, seconds=-1)).isoformat())
    assert due(24 * 30) == ["a1"]
    # a takedown sign on an article past its last age: confirmed an hour later
    store.missing("a0", "gone", (start + timedelta(days=30)).isoformat())
    assert due(24 * 30 + 0.5) == ["a1"]
    assert due(24 * 30 + 1.1) == ["a1", "a0"]
    store.close()


NOT_FOUND_PAGE = """<!DOCTYPE html><html lang="fr-FR"><head><meta charset="UTF-8">
<title>Page introuvable – Bamada.net</title></head><body class="error404">
<header><a href="https://bamada.net/">Bamada.net</a></header>
<main><h1>Oups ! Cette page est introuvable.</h1>
<p>Cet article n'est plus disponible. Retrouvez toute l'actualité malienne sur notre page
d'accueil.</p></main></body></html>"""
GONE_RULE = """
[[alerts]]
name = "coton-gone"
keywords = ["coton"]
on = ["removed"]
"""
COTON = f"/{BAMADA_TEMPLATE}"
KIDAL = "/kidal-reprise-des-cours-dans-une-vingtaine-decoles"
SEGOU = "/segou-les-organisateurs-du-festival-sur-le-niger-devoilent-leur-programme"
CARBURANT = "/carburant-la-situation-sameliore-a-bamako-grace-aux-convois-escortes"


def test_takedowns_after_two_checks_an_hour_apart_and_a_reappearance(
    tmp_path: Path, site_copies: Path
) -> None:
    site = site_copies / "bamada"
    out = tmp_path / "out"

    def removed() -> dict[str, str]:
        return {
            "/" + r["url"].split("/", 3)[3]: r["removed_reason"]
            for r in read_jsonl(out / "articles.jsonl")
            if r["removed_at"]
        }

    with SiteServer(site, site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(config.read_text() + GONE_RULE, encoding="utf-8")
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        server.routes[COTON] = (410, "")
        server.routes[KIDAL] = (301, f"{server.url}/")  # sent to the home page
        (site / SEGOU.strip("/") / "index.html").write_text(NOT_FOUND_PAGE, encoding="utf-8")
        server.routes[CARBURANT] = (503, "")  # the server is unwell: no sign of anything
        age_store(out, 2)
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        assert removed() == {}  # one sign is not a takedown
        stats = crawl_stats(out)
        assert stats["takedown_signs"] == 3 and stats["failed/http_503"] == 1
        age_store(out, 0.5)  # half an hour later: too soon to confirm
        server.requests.clear()
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        assert CARBURANT in server.requests and COTON not in server.requests
        age_store(out, 1)  # an hour after the signs, they are checked again
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        assert removed() == {COTON: "http_410", KIDAL: "redirect", SEGOU: "not_found_page"}
        # the feed says so, and the rule that asked for takedowns (only) alerted
        feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
        gone = {
            r["url"].split("/", 3)[3]: r["reason"]
            for item in feed["items"]
            for r in item["_malinews"]["removed"]
        }
        assert gone == {COTON[1:]: "http_410", KIDAL[1:]: "redirect", SEGOU[1:]: "not_found_page"}
        alerts = read_jsonl(out / "alerts.jsonl")
        assert [(a["rule"], a["event"], a["removed"]) for a in alerts] == [
            ("coton-gone", "removed", "http_410")
        ]
        # the 410 was a mistake: the article is back, as it was
        del server.routes[COTON]
        age_store(out, 3)  # its 6h revisit
        assert run_cli("crawl", "--config", str(config)).returncode == 0
    coton = [r for r in read_jsonl(out / "articles.jsonl") if BAMADA_TEMPLATE in r["url"]]
    assert [(r["revision"], r["removed_reason"]) for r in coton] == [
        (1, None),
        (2, "http_410"),
        (3, None),
    ]
    assert coton[2]["text"] == coton[0]["text"]


def test_the_archive_holds_the_exact_bytes_served_and_is_bounded(
    tmp_path: Path, site_copies: Path
) -> None:
    site = site_copies / "bamada"
    out = tmp_path / "out"
    old_month = out / "archive" / "bamadaweb" / "2020-01.warc.gz"
    old_month.parent.mkdir(parents=True)
    old_month.write_bytes(b"")  # a month long past, beyond archive_days
    with SiteServer(site, site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(
            config.read_text().replace('dir = "out"', 'dir = "out"\narchive_days = 30'),
            encoding="utf-8",
        )
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        served = {
            path: (site / path.strip("/") / "index.html")
            .read_bytes()
            .replace(site_origin("bamada").encode(), server.url.encode())
            for path in ARTICLE_PATHS
        }
    assert not old_month.exists()
    files = list((out / "archive" / "bamadaweb").glob("*.warc.gz"))
    assert len(files) == 1 and files[0].name == f"{datetime.now(UTC):%Y-%m}.warc.gz"
    with files[0].open("rb") as handle:  # read by warcio alone, record after record
        bodies = {
            "/" + r.rec_headers.get_header("WARC-Target-URI").split("/", 3)[3]: (
                r.http_headers.get_header("ETag"),
                r.content_stream().read(),
            )
            for r in ArchiveIterator(handle)
            if r.rec_type == "response"
        }
    assert {path: body for path, (_, body) in bodies.items()} == served
    assert all(etag for etag, _ in bodies.values())  # the headers as served
    # the store points to each record, read back alone
    store = Store(out)
    rows = store.latest_archived("bamadaweb", "2000-01-01")
    archive = Archive(out)
    assert len(rows) == len(served)
    for row in rows:
        answer = archive.read(Place(row["file"], row["offset"], row["length"]))
        assert answer.status == 200 and answer.body == served["/" + answer.url.split("/", 3)[3]]
    store.close()
    size = files[0].stat().st_size / len(served)
    assert size < 15_000, size


def test_no_archive_when_turned_off(tmp_path: Path, site_copies: Path) -> None:
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(
            config.read_text().replace('dir = "out"', 'dir = "out"\narchive = false'),
            encoding="utf-8",
        )
        assert run_cli("crawl", "--config", str(config)).returncode == 0
    assert len(read_jsonl(tmp_path / "out" / "articles.jsonl")) == len(ARTICLE_PATHS)
    assert not (tmp_path / "out" / "archive").exists()


def test_reprocess_after_a_boilerplate_change_updates_only_the_affected_articles(
    tmp_path: Path, site_copies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        config.write_text(config.read_text() + GONE_RULE + RULES, encoding="utf-8")
        assert run_cli("crawl", "--config", str(config)).returncode == 0
    # the server is gone: reprocessing reads the archive only
    before = read_jsonl(out / "articles.jsonl")
    code, shown, err = run_main(capsys, "reprocess", "--config", str(config))
    assert code == 0, err
    assert shown.startswith(f"{len(ARTICLE_PATHS)} archived articles read (")
    assert f"0 changed, {len(ARTICLE_PATHS)} unchanged, 0 new alerts" in shown
    assert read_jsonl(out / "articles.jsonl") == before
    # a profile fix: a paragraph of the Kidal article is the site's furniture after all
    kidal = next(r for r in before if KIDAL in r["url"])
    phrase = kidal["text"].split("\n\n")[2]
    config.write_text(
        config.read_text().replace(
            "[[alerts]]", f"boilerplate = [{json.dumps(phrase, ensure_ascii=False)}]\n[[alerts]]", 1
        ),
        encoding="utf-8",
    )
    code, shown, err = run_main(
        capsys, "reprocess", "--config", str(config), "--site", "bamadaweb", "--since", "1d"
    )
    assert code == 0, err
    assert f"1 changed, {len(ARTICLE_PATHS) - 1} unchanged, 0 new alerts" in shown
    after = read_jsonl(out / "articles.jsonl")
    assert after[: len(before)] == before and len(after) == len(before) + 1
    (new,) = after[len(before) :]
    old = next(r for r in before if r["id"] == new["id"])
    assert new["revision"] == 2 and KIDAL in new["url"]
    assert phrase not in new["text"] and phrase in old["text"]
    assert new["changes"]["reprocessed"] is True and new["changes"]["removed"].startswith("Dans la")
    assert {
        k: v for k, v in new.items() if k not in ("text", "revision", "changes", "removed")
    } == {k: v for k, v in old.items() if k not in ("text", "revision", "changes", "removed")}
    assert f"{new['id']}  revision 2" in shown
    # the stories alerted at the crawl were not alerted again
    db = sqlite3.connect(out / "malinews.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM alerts").fetchone()[0] == 1  # coton, new
    db.close()
    code, _, err = run_main(capsys, "reprocess", "--config", str(config), "--site", "nope")
    assert code == 2 and "no site named 'nope'" in err
