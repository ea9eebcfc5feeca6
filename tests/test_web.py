"""The web app and HTTP API (`malinews serve`) and `malinews articles`, end to end.

The store is filled by a real crawl of the bundled sample sites on loopback, then by the store's
own write API with synthetic articles written here: a hostile one (script tags, an onerror
attribute and a javascript: URL in stored fields), and a revised one. The app runs as the real
`malinews serve` command in a child process; pages are checked in headless Chromium.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from malinews.article import Article
from malinews.core.urls import article_id
from malinews.pipelines.store import MIGRATIONS, Store
from malinews.scheduler.demo import DEMO_SITES_DIR, demo_servers
from malinews.web.app import WEB_CONNECTIONS
from malinews.web.queries import (
    MARK_END,
    MARK_START,
    Filters,
    connect,
    fts_query,
    search,
    search_records,
)
from tests.conftest import REPO, read_jsonl, run_cli, write_config
from tests.test_queries import BAMEX_STORY, fill_store

CHROMIUM = Path(os.environ.get("MALINEWS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE_TITLE = '<script>alert("titre")</script><img src=x onerror=alert(1)> Bamako'
HOSTILE_URL = "javascript:alert(document.domain)"
RULES = """
[channels.hook]
type = "webhook"
url = "http://127.0.0.1:{dead_port}/hook"

[[alerts]]
name = "bamex"
keywords = ["Bamex"]
severity = "warning"
channels = ["hook"]

[[alerts]]
name = "defense"
keywords = ["Sadio Camara", ["FAMa", "Forces armées maliennes"]]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def synthetic_record(url: str, title: str, text: str, revision: int = 1, **extra: Any) -> dict:
    ident = article_id(url)
    return Article.of(
        url,
        "synth",
        title,
        id=ident,
        story_id=ident,
        text=text,
        revision=revision,
        published="2025-12-17T09:00:00+00:00",
        fetched_at=f"2026-01-0{revision}T00:00:00+00:00",
        keyword_hits=[],
        **extra,
    ).record()


def store_records(output: Path, *records: dict, url: str | None = None) -> None:
    """Save records through the store's write API, as the crawl's store stage does."""
    store = Store(output, url)
    try:
        with store.transaction():
            for record in records:
                store.save_article(record, f"hash-{record['id']}-{record['revision']}", [], [])
    finally:
        store.close()


@dataclass
class Served:
    url: str
    output: Path
    config: Path
    process: subprocess.Popen

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
        """Status, headers (names case-insensitive) and body of a GET."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    def json(self, path: str) -> Any:
        status, _, body = self.get(path)
        assert status == 200, body
        return json.loads(body)


def start_server(config: Path, env: dict[str, str] | None = None) -> tuple[str, subprocess.Popen]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "malinews.cli", "serve", "--config", str(config)]
        + ["--port", str(port)],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).read()
            return url, process
        except OSError:
            if process.poll() is not None:
                error = process.stderr.read() if process.stderr else "exited"
                raise AssertionError(error) from None
            time.sleep(0.2)
    process.kill()
    raise AssertionError("malinews serve did not answer /healthz")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The sample sites crawled once (alerts to a webhook that is down), plus synthetic
    articles, served by `malinews serve`."""
    root = tmp_path_factory.mktemp("web")
    sites = root / "sites"
    shutil.copytree(DEMO_SITES_DIR, sites)
    with ExitStack() as stack:
        servers = demo_servers(sites)
        for server in servers.values():
            stack.enter_context(server)
        config = write_config(root / "malinews.toml", servers, RULES.format(dead_port=free_port()))
        crawl = run_cli("crawl", "--config", str(config), timeout=240)
        assert crawl.returncode == 0, crawl.stderr
    output = root / "out"
    store_records(
        output,
        synthetic_record(
            HOSTILE_URL,
            HOSTILE_TITLE,
            'Premier paragraphe <script>document.title="pwned"</script>.\n\n'
            "<img src=x onerror=\"document.body.dataset.pwned='1'\"> second paragraphe.",
            author="<b onmouseover=alert(2)>Auteur</b>",
        ),
        synthetic_record(
            "https://synth.example/revue",
            "Tombouctou : premier bilan de la saison",
            "Le conseil communal publie un premier bilan.\n\nLa récolte est moyenne.",
        ),
    )
    store_records(
        output,
        synthetic_record(
            "https://synth.example/revue",
            "Tombouctou : bilan révisé de la saison",
            "Le conseil communal publie un bilan révisé.\n\nLa récolte est moyenne.",
            revision=2,
        ),
    )
    url, process = start_server(config)
    try:
        yield Served(url, output, config, process)
    finally:
        stop(process)


# -- search ----------------------------------------------------------------------------------


def titles(records: list[dict]) -> set[str]:
    return {r["title"] for r in records}


def test_search_folds_accents_case_and_elision_and_keeps_phrases(served: Served) -> None:
    by_accent = served.json("/api/articles?q=SECURITE")["records"]
    assert any("Sécurité alimentaire" in title for title in titles(by_accent))
    # "Africa Corps" finds "l’Africa Corps" (typographic apostrophe in the maliweb article)
    phrase = served.json("/api/articles?q=%22Africa%20Corps%22")["records"]
    assert len(phrase) == 1 and "l’Africa Corps" in phrase[0]["text"]
    assert served.json("/api/articles?q=%22Corps%20Africa%22")["records"] == []
    # every word must occur: Bamex and Tombouctou are never in the same article
    assert served.json("/api/articles?q=Bamex%20Tombouctou")["records"] == []


def bamex_stories(served: Served) -> int:
    """Stories the `bamex` rule fired on: the ones whose title or text names Bamex."""
    return len(served.json("/api/alerts?rule=bamex")["alerts"])


def test_search_page_ranks_stories_once_and_marks_matches(served: Served) -> None:
    articles = served.json("/api/articles?q=bamex")["records"]
    status, _, body = served.get("/search?q=bamex")
    page = body.decode()
    assert status == 200
    # one result per story, though one story has copies on three sites
    assert page.count('<li class="hit">') == bamex_stories(served) < len(articles)
    assert "<mark>Bamex</mark>" in page
    status, _, body = served.get("/search?q=bamex&site=bamada")
    assert body.decode().count('<li class="hit">') == 1


def test_stories_page_one_row_per_story_with_filters(served: Served) -> None:
    def rows(query: str) -> list[str]:
        """The story rows of every page of the list."""
        found, page = [], 1
        while True:
            status, _, body = served.get(f"/?page={page}&{query}")
            assert status == 200
            found += re.findall(r'<tr class="story">(.*?)</tr>', body.decode(), re.S)
            if 'rel="next"' not in body.decode():
                return found
            page += 1

    everything = rows("")
    assert len(everything) > 20  # more than one page
    stories = {r["story_id"] for r in served.json("/api/articles?limit=500")["records"]}
    assert len(everything) == len(stories)  # copies and revisions collapsed
    assert len(rows("rule=bamex")) == bamex_stories(served)
    maliweb = rows("site=maliweb")
    assert maliweb and all('<span class="tag site">maliweb</span>' in r for r in maliweb)
    day = rows("start=2025-12-16&end=2025-12-16")
    assert day and all('<td class="date">2025-12-16</td>' in r for r in day)
    assert served.get("/?start=hier")[0] == 400


def test_user_text_never_reaches_fts5_as_syntax() -> None:
    assert fts_query('NEAR(a b) OR "x* AND') == '"x AND" AND "NEAR a" AND "b" AND "OR"'
    assert fts_query("l'Africa-Corps") == '"l Africa Corps"'
    assert fts_query("*** ()") is None


def test_index_follows_a_revision_in_the_same_transaction(served: Served) -> None:
    revised = served.json("/api/articles?q=r%C3%A9vis%C3%A9")["records"]
    assert [r["revision"] for r in revised] == [2]
    assert served.json("/api/articles?q=%22premier%20bilan%22")["records"] == []
    story = served.json(f"/api/stories/{revised[0]['story_id']}")
    assert len(story["changes"]) == 1
    assert ["del", "Tombouctou : premier bilan de la saison"] in story["changes"][0]["lines"]


def test_index_spells_ligatures_like_the_matcher_and_covers_older_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str | None
) -> None:
    if store_url is None:  # an SQLite store from before the index (PostgreSQL's starts with it)
        monkeypatch.setattr("malinews.pipelines.store.MIGRATIONS", MIGRATIONS[:2])
    first = synthetic_record("https://synth.example/c", "Au cœur", "L’Œuvre.")
    store_records(tmp_path, first, url=store_url)
    monkeypatch.undo()  # the next open migrates the store and indexes what it holds
    second = synthetic_record("https://synth.example/d", "Sœur", "Bamako.")
    store_records(tmp_path, second, url=store_url)
    conn = connect(tmp_path, store_url)
    try:
        for query, title in [
            ("coeur", "Au cœur"),
            ("CŒUR", "Au cœur"),
            ("oeuvre", "Au cœur"),
            ("soeur", "Sœur"),
        ]:
            assert titles(search_records(conn, query, Filters(), 10)) == {title}, query
        page = search(conn, "coeur", Filters(), 1, 10)
        assert page.rows[0].title == f"Au {MARK_START}cœur{MARK_END}"
    finally:
        conn.close()


# -- records API -------------------------------------------------------------------------------


def test_cursor_polls_every_record_once_in_the_order_of_articles_jsonl(served: Served) -> None:
    seen, cursor = [], "0"
    while True:
        answer = served.json(f"/api/articles?limit=4&cursor={cursor}")
        seen += [(r["id"], r["revision"]) for r in answer["records"]]
        if answer["next_cursor"] == cursor:
            break
        cursor = answer["next_cursor"]
    crawled = [(r["id"], r["revision"]) for r in read_jsonl(served.output / "articles.jsonl")]
    assert seen[: len(crawled)] == crawled  # the crawl's records, in the file's order
    assert len(seen) == len(set(seen)) == len(crawled) + 3  # then the synthetic revisions
    store_records(served.output, synthetic_record("https://synth.example/new", "Neuf", "Texte."))
    news = served.json(f"/api/articles?cursor={cursor}")
    assert [r["title"] for r in news["records"]] == ["Neuf"]
    assert served.json(f"/api/articles?cursor={news['next_cursor']}")["records"] == []


def test_bad_parameters_get_one_line_and_400(served: Served) -> None:
    for path in ("/api/articles?limit=0", "/api/articles?cursor=x", "/api/alerts?since=hier"):
        status, _, body = served.get(path)
        assert status == 400
        assert "\n" not in json.loads(body)["error"]
    assert served.get("/api/stories/nope")[0] == 404


# -- feeds -------------------------------------------------------------------------------------


def test_json_feed_and_atom_are_filterable_and_newest_first(served: Served) -> None:
    feed = served.json("/feed.json")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == served.url + "/feed.json"
    assert feed["home_page_url"] == served.url + "/"
    dates = [item["date_published"] for item in feed["items"] if "date_published" in item]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 10
    bamex = served.json("/feed.json?rule=bamex")
    assert len(bamex["items"]) == bamex_stories(served)
    assert all("bamex" in item["_malinews"]["keyword_hits"] for item in bamex["items"])
    maliweb = served.json("/feed.json?site=maliweb")["items"]
    assert maliweb and all(
        any(c["site"] == "maliweb" for c in item["_malinews"]["copies"]) for item in maliweb
    )
    status, headers, body = served.get("/feed.atom?rule=bamex")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    atom = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = atom.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == [i["title"] for i in bamex["items"]]
    assert atom.find("a:link[@rel='self']", ns).get("href") == served.url + "/feed.atom?rule=bamex"


def test_lists_and_feeds_have_etags_and_gzip(served: Served) -> None:
    for path in ("/feed.json", "/feed.atom", "/api/articles", "/api/alerts", "/"):
        status, headers, body = served.get(path, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers.get("Content-Encoding") == "gzip", path
        assert gzip.decompress(body)
        etag = headers["ETag"]
        assert served.get(path, {"If-None-Match": etag})[0] == 304, path


# -- alerts, sites -----------------------------------------------------------------------------


def test_alerts_show_each_channels_delivery_state(served: Served) -> None:
    everything = served.json("/api/alerts")["alerts"]
    # the webhook is down; the ops alert saying so never goes through the failing channel
    ops = [a for a in everything if a["rule"].startswith("ops:")]
    assert all(d["channel"] != "hook" for a in ops for d in a["deliveries"])
    alerts = [a for a in everything if a not in ops]
    assert len([a for a in alerts if a["rule"] == "bamex"]) == bamex_stories(served) >= 2
    assert all([d["channel"] for d in a["deliveries"]] == ["hook", "jsonl"] for a in alerts)
    assert all(a["deliveries"][1]["state"] == "delivered" for a in alerts)
    # the sends tried failed and will be tried again; the others wait for the next run
    hook = [a["deliveries"][0] for a in alerts]
    retrying = [d for d in hook if d["state"] == "retrying"]
    assert retrying and all("cannot reach 127.0.0.1" in d["error"] for d in retrying)
    assert {d["state"] for d in hook} == {"retrying", "pending"}
    page = served.get("/alerts")[2].decode()
    assert page.count('class="delivery retrying"') == len(retrying)
    assert page.count('class="delivery pending"') == len(hook) - len(retrying)
    delivered = sum(d["state"] == "delivered" for a in everything for d in a["deliveries"])
    assert page.count('class="delivery delivered"') == delivered


def test_openapi_documents_every_api_route(served: Served) -> None:
    schema = served.json("/api/openapi.json")
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/articles",
        "/api/stories/{story_id}",
        "/api/alerts",
        "/feed.json",
        "/feed.atom",
        "/healthz",
    ):
        assert "get" in schema["paths"][path], path


# -- security ----------------------------------------------------------------------------------


def test_every_response_has_a_strict_csp_and_no_cors_and_nothing_writes(served: Served) -> None:
    for path in ("/", "/api/articles", "/feed.json", "/nope"):
        _, headers, _ = served.get(path, {"Origin": "https://evil.example"})
        assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'none'
        assert headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert "Access-Control-Allow-Origin" not in headers
    for method in ("POST", "PUT", "DELETE"):
        request = urllib.request.Request(served.url + "/api/articles", method=method, data=b"{}")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 405


def test_pages_escape_stored_content(served: Served) -> None:
    story = served.json("/api/articles?q=Bamako%20paragraphe")["records"][0]
    page = served.get(f"/stories/{story['story_id']}")[2].decode()
    assert "<script>" not in page and "<img" not in page and "<b " not in page
    assert "&lt;script&gt;alert(&#34;titre&#34;)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    listing = served.get("/search?q=paragraphe")[2].decode()
    assert "<script>" not in listing and "&lt;script&gt;" in listing


def test_token_guards_api_and_pages_but_not_the_probe(served: Served, tmp_path: Path) -> None:
    config = tmp_path / "guarded.toml"
    text = served.config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('dir = "out"', f'dir = "{served.output}"')
        + '\n[serve]\ntoken_env = "MALINEWS_TEST_TOKEN"\n',
        encoding="utf-8",
    )
    url, process = start_server(config, {"MALINEWS_TEST_TOKEN": "s3cret-token"})
    guarded = Served(url, served.output, config, process)
    try:
        status, headers, _ = guarded.get("/api/articles")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert guarded.get("/", {"Authorization": "Bearer wrong"})[0] == 401
        assert guarded.get("/api/articles", {"Authorization": "Bearer s3cret-token"})[0] == 200
        status, headers, _ = guarded.get("/sites")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Basic")
        basic = "Basic " + base64.b64encode(b"any:s3cret-token").decode()
        assert guarded.get("/sites", {"Authorization": basic})[0] == 200
        assert guarded.get("/healthz")[0] == 200
    finally:
        stop(process)
    logged = (process.stdout.read() if process.stdout else "") + (
        process.stderr.read() if process.stderr else ""
    )
    assert "s3cret-token" not in logged


def test_serve_refuses_with_one_line(served: Served, tmp_path: Path) -> None:
    port = served.url.rsplit(":", 1)[1]
    taken = run_cli("serve", "--config", str(served.config), "--port", port, timeout=60)
    assert taken.returncode == 2
    assert taken.stderr.strip().splitlines() == [
        f"malinews: error: 127.0.0.1:{port}: cannot listen: port already in use"
    ]
    bad_port = run_cli("serve", "--config", str(served.config), "--port", "99999")
    assert bad_port.returncode == 2
    assert bad_port.stderr == "malinews: error: --port: expected 1-65535, got 99999\n"
    empty = run_cli("serve", "--config", str(served.config), "--output", str(tmp_path / "none"))
    assert empty.returncode == 2 and len(empty.stderr.strip().splitlines()) == 1
    assert "no state store" in empty.stderr
    config = tmp_path / "token.toml"
    config.write_text(
        served.config.read_text(encoding="utf-8") + '\n[serve]\ntoken_env = "MALINEWS_UNSET_X"\n',
        encoding="utf-8",
    )
    unset = run_cli("serve", "--config", str(config), "--output", str(served.output))
    assert unset.returncode == 2 and "MALINEWS_UNSET_X is not set" in unset.stderr
    assert "Traceback" not in taken.stderr + empty.stderr + unset.stderr


def test_a_store_gone_while_serving_is_one_line_not_a_traceback(
    served: Served, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    shutil.copytree(served.output, output)
    config = tmp_path / "gone.toml"
    config.write_text(
        served.config.read_text(encoding="utf-8").replace('dir = "out"', f'dir = "{output}"'),
        encoding="utf-8",
    )
    url, process = start_server(config)
    try:
        for name in ("malinews.sqlite3", "malinews.sqlite3-wal", "malinews.sqlite3-shm"):
            (output / name).unlink(missing_ok=True)
        gone = Served(url, output, config, process)
        status, _, body = gone.get("/api/articles")
        assert status == 503 and "no state store" in json.loads(body)["error"]
        assert gone.get("/")[0] == 503
    finally:
        stop(process)
    logged = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in logged and "no state store" in logged


# -- the terminal twin -------------------------------------------------------------------------


def test_articles_command_uses_the_same_search(served: Served) -> None:
    found = run_cli("articles", "--config", str(served.config), "--q", "Africa Corps", "--json")
    assert found.returncode == 0, found.stderr
    records = json.loads(found.stdout)
    assert [r["site"] for r in records] == ["maliweb"]
    text = run_cli("articles", "--config", str(served.config), "--q", "bamex", "--site", "bamada")
    assert text.returncode == 0 and text.stdout.count("\n") == 2 and "Bamex" in text.stdout
    bad = run_cli("articles", "--config", str(served.config), "--since", "hier")
    assert bad.returncode == 2 and bad.stderr.startswith("malinews: error: since:")


# -- on PostgreSQL -----------------------------------------------------------------------------


def test_serve_and_the_articles_command_read_a_postgresql_store(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same app on a PostgreSQL store, filled through the store's write API with the
    synthetic articles of tests/test_queries.py (a crawl is not needed to read it)."""
    output = tmp_path / "out"
    stored = fill_store(output, pg_url)
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[store]\nurl_env = "MALINEWS_DATABASE_URL"\n'
        '[[sites]]\nname = "bamada"\nstart_urls = ["https://bamada.net/"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MALINEWS_DATABASE_URL", pg_url)  # the children's environment too
    url, process = start_server(config)
    served = Served(url, output, config, process)
    try:
        page = served.get("/search?q=Bamex")[2].decode()
        assert page.count('<li class="hit">') == 2  # three copies of one story, one other
        assert "<mark>Bamex</mark>" in page
        feed = served.json("/feed.json?rule=bamex")
        assert [item["title"] for item in feed["items"]] == ["Le Bamex ouvre ses portes"]
        assert len(feed["items"][0]["_malinews"]["copies"]) == 3
        seen, cursor = [], "0"
        while True:
            answer = served.json(f"/api/articles?limit=3&cursor={cursor}")
            seen += [(r["id"], r["revision"]) for r in answer["records"]]
            if answer["next_cursor"] == cursor:
                break
            cursor = answer["next_cursor"]
        assert seen == [(r["id"], r["revision"]) for r in stored]
        hostile = served.get("/search?q=paragraphe")[2].decode()
        assert "<script>" not in hostile and "&lt;script&gt;" in hostile
        assert "<mark>paragraphe</mark>" in hostile.lower()
        for path in ("/", "/?rule=bamex", "/sites", "/alerts", "/feed.atom", "/api/alerts"):
            assert served.get(path)[0] == 200, path
        assert served.json(f"/api/stories/{BAMEX_STORY}")["rules"] == ["bamex"]
    finally:
        stop(process)
    assert not (output / "malinews.sqlite3").exists()
    logged = process.stderr.read() if process.stderr else ""
    assert "Traceback" not in logged and pg_url not in logged
    found = run_cli("articles", "--config", str(config), "--q", "l'Africa-Corps", "--json")
    assert found.returncode == 0, found.stderr
    assert [r["title"] for r in json.loads(found.stdout)] == ["Retrait des troupes russes"]


def test_many_readers_at_once_hold_a_bounded_number_of_postgresql_connections(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PostgreSQL server admits ~100 connections, shared with the workers: one app must not
    take one per thread of its pool (40) when many analysts read at once."""
    import psycopg

    fill_store(tmp_path / "out", pg_url)
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[store]\nurl_env = "MALINEWS_DATABASE_URL"\n'
        '[[sites]]\nname = "bamada"\nstart_urls = ["https://bamada.net/"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MALINEWS_DATABASE_URL", pg_url)
    url, process = start_server(config)
    served = Served(url, tmp_path / "out", config, process)
    database = pg_url.rsplit("/", 1)[1]
    most = 0
    try:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            for turn in range(5):
                readers = [
                    threading.Thread(target=served.get, args=(f"/search?q=Bamex&n={turn}-{i}",))
                    for i in range(60)
                ]
                for reader in readers:
                    reader.start()
                for reader in readers:
                    reader.join(60)
                count = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                most = max(most, admin.execute(count, (database,)).fetchone()[0] - 1)
            assert served.get("/search?q=Bamex")[0] == 200
    finally:
        stop(process)
    assert 1 <= most <= WEB_CONNECTIONS


def test_an_unreachable_postgresql_store_is_one_line_without_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[output]\ndir = "out"\n[store]\nurl_env = "MALINEWS_DATABASE_URL"\n'
        '[[sites]]\nname = "bamada"\nstart_urls = ["https://bamada.net/"]\n',
        encoding="utf-8",
    )
    dead = f"postgresql://malinews:s3cret-pw@127.0.0.1:{free_port()}/malinews"
    monkeypatch.setenv("MALINEWS_DATABASE_URL", dead)
    refused = run_cli("articles", "--config", str(config), "--q", "bamex")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith("malinews: error: the PostgreSQL store: cannot connect:")
    assert len(refused.stderr.splitlines()) == 1 and "s3cret-pw" not in refused.stderr


# -- in a real browser -------------------------------------------------------------------------


def _browser_or_skip() -> Any:
    """Playwright's sync API, or a skip when Chromium is absent (a failure under CI=true)."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} not installed (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "playwright not installed (pip install playwright)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return sync_playwright


def test_pages_in_chromium(served: Served) -> None:
    """Search Bamex, open the story, check its copies, the charts and a hostile title.

    MALINEWS_SCREENSHOTS=DIR saves a screenshot of each page there (docs/ in the README)."""
    sync_playwright = _browser_or_skip()
    shots = os.environ.get("MALINEWS_SCREENSHOTS")
    dialogs: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            def shot(name: str) -> None:
                if shots:
                    page.screenshot(path=str(Path(shots) / f"web-{name}.png"), full_page=True)

            page.goto(served.url + "/")
            assert page.locator("tr.story").count() >= 10
            assert page.get_by_text(HOSTILE_TITLE).count() == 1  # shown as text
            shot("stories")
            page.click("text=Recherche")
            page.fill("input[name=q]", "Bamex")
            page.click("button[type=submit]")
            assert page.locator("li.hit").count() == bamex_stories(served)
            assert page.locator("li.hit mark").first.inner_text() == "Bamex"
            shot("search")
            page.locator("li.hit", has_text="maliweb").locator("a.title").click()
            copies = page.locator("tr.copy")
            assert copies.count() == 3
            assert sorted(copies.locator("td:first-child").all_inner_texts()) == [
                "bamada",
                "maliactu",
                "maliweb",
            ]
            shot("story")
            page.goto(served.url + "/alerts")
            retrying = page.locator("li.delivery.retrying .error")
            assert retrying.count() >= 1
            assert "cannot reach 127.0.0.1" in retrying.first.inner_text()
            shot("alerts")
            page.goto(served.url + "/sites?lang=en")
            assert page.locator("figcaption").first.inner_text().startswith("Articles per day")
            for kind in ("sites", "rules"):
                lines = page.locator(f"figure[data-chart={kind}] polyline.series")
                assert lines.count() >= 2
                box = lines.first.bounding_box()
                assert box and box["width"] > 100  # drawn across the 30 days
            shot("sites")
            hostile = served.json("/api/articles?q=Bamako%20paragraphe")["records"][0]
            page.goto(f"{served.url}/stories/{hostile['story_id']}")
            assert page.locator("h1").inner_text() == HOSTILE_TITLE
            assert page.title() != "pwned"
            assert page.locator("body").get_attribute("data-pwned") is None
            assert page.locator("main script, main img").count() == 0
            assert page.locator("td code", has_text=HOSTILE_URL).count() == 1  # not a link
        finally:
            browser.close()
    assert dialogs == []
