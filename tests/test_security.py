"""Security: hostile article HTML, hostile rules, hostile XML, and where secrets may go."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import stat
from pathlib import Path

import lxml.html
from hypothesis import given
from hypothesis import strategies as st

from bench.measures import BACKTRACKING_TEXT, REGEX_LIKE_RULE, entity_bomb_feed
from malinews.extraction.discovery import feed_entries
from malinews.pipelines.export import feed_item, sanitize_html
from malinews.pipelines.keywords import AlertRule, KeywordMatcher
from tests import faultserver as fs
from tests.conftest import run_cli

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(2)">',
    '<a href="javascript:alert(3)">clic</a>',
    '<a href=" JaVaScRiPt:alert(4)">clic</a>',
    '<svg onload="alert(5)"></svg>',
    '<iframe src="https://pub.example/"></iframe>',
    '<p style="background:url(javascript:alert(6))" onclick="alert(7)">texte</p>',
]

PRINTABLE = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")))  # lxml refuses Cc


def assert_harmless(html: str) -> None:
    """No script, event handler or javascript: URL survives, parsed as a browser would."""
    root = lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div")
    for element in root.iter():
        assert element.tag not in ("script", "iframe", "svg", "style"), html
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), html
            assert "javascript:" not in value.lower().replace(" ", ""), html


@given(st.lists(st.one_of(st.sampled_from(HOSTILE), PRINTABLE), max_size=6))
def test_sanitised_html_is_harmless(parts: list[str]) -> None:
    assert_harmless(sanitize_html("".join(parts)))


@given(st.lists(st.one_of(st.sampled_from(HOSTILE), PRINTABLE), min_size=1))
def test_feed_content_html_of_hostile_text_is_harmless_and_keeps_the_words(
    paragraphs: list[str],
) -> None:
    text = "\n\n".join(paragraphs)
    record = {"url": "https://bamada.net/a", "title": "Titre", "text": text}
    story = {
        "story_id": "0123456789abcdef",
        "first_site": "bamada",
        "source": None,
        "earliest_published": None,
        "copies": [],
    }
    html = feed_item(story, [record])["content_html"]
    assert_harmless(html)
    if "<script>alert(1)</script>" in text:  # text that looks like a tag stays visible text
        assert "&lt;script&gt;" in html


def test_alert_keywords_are_words_not_regular_expressions() -> None:
    """(The time this takes has a target in the bench: "regex-like rule on a backtracking
    text".)"""
    matcher = KeywordMatcher([AlertRule.from_config(REGEX_LIKE_RULE)])
    assert matcher.match(title="", text=BACKTRACKING_TEXT, site="bamada") == []
    assert matcher.match(title="", text="Bamex 2026 et Bamex.* ", site="bamada") != []
    assert matcher.match(title="Bamex 2026", text="", site="bamada") == []


def test_xml_external_entities_are_never_read_or_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE-LOCAL", encoding="utf-8")
    with fs.FaultServer(max_requests=10, lifetime=30) as server:
        feed = (
            '<?xml version="1.0"?>'
            f'<!DOCTYPE rss [<!ENTITY local SYSTEM "file://{secret}">'
            f'<!ENTITY remote SYSTEM "{server.url}/dtd">]>'
            '<rss version="2.0"><channel><item><title>&local;&remote;</title>'
            "<link>https://bamada.net/a&local;</link></item></channel></rss>"
        ).encode()
        entries = feed_entries(feed, "https://bamada.net/")
        assert server.total() == 0
    assert entries is not None
    assert "MOT-DE-PASSE" not in repr(entries)


def test_entity_expansion_bombs_stay_small() -> None:
    """(The time this takes has a target in the bench: "entity-bomb feed".)"""
    entries = feed_entries(entity_bomb_feed(), "https://bamada.net/") or []
    assert all(len(entry.title) < 10_000 for entry in entries)


def test_secrets_stay_out_of_output_logs_and_store(tmp_path: Path) -> None:
    """A crawl with a webhook that fails: its secret (from the environment) and the token in
    its URL appear in no output file, no log line, no stored row; the store is owner-only."""
    secret, token = "S3CRET-WEBHOOK-7f1c", "T0KEN-PRIVE-91b2"
    os.umask(0o022)
    with fs.FaultServer(max_requests=50, lifetime=60) as server:
        body = fs.paragraphs(42) + ["Le salon Bamex 2026 ouvrira ses portes en novembre."]
        server.pages["/"] = fs.page(b'<html><body><a href="/actualite/bamex">Bamex</a></body>')
        server.pages["/actualite/bamex"] = fs.page(
            fs.article_html("Bamex 2026 : les préparatifs avancent", body).encode()
        )
        config = tmp_path / "malinews.toml"
        config.write_text(
            '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
            f'[[sites]]\nname = "secrets"\nstart_urls = ["{server.url}/"]\n'
            '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n'
            f'[channels.equipe]\ntype = "webhook"\nurl = "{server.url}/hooks/{token}"\n'
            'secret_env = "MALINEWS_TEST_WEBHOOK_SECRET"\n',
            encoding="utf-8",
        )
        os.environ["MALINEWS_TEST_WEBHOOK_SECRET"] = secret
        try:
            crawl = run_cli("crawl", "--config", str(config), "--log-level", "DEBUG")
            alerts = run_cli("alerts", "--config", str(config), "--json")
        finally:
            del os.environ["MALINEWS_TEST_WEBHOOK_SECRET"]
    assert crawl.returncode == 0 and alerts.returncode == 0, crawl.stderr
    out = tmp_path / "out"
    store = out / "malinews.sqlite3"
    with sqlite3.connect(store) as conn:
        failed = conn.execute("SELECT last_error FROM deliveries WHERE channel = 'equipe'")
        errors = [row[0] for row in failed]
        dump = "\n".join(conn.iterdump())
    assert errors and all(errors), "the webhook should have failed (the server has no POST)"
    texts = [crawl.stdout, crawl.stderr, alerts.stdout, dump]
    files = [p for p in out.rglob("*") if p.is_file() and p.suffix != ".sqlite3"]
    texts += [
        (gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()).decode(
            "utf-8", "replace"
        )
        for p in files
    ]
    # the failing webhook is announced by an ops alert, which must not leak either
    assert sorted(a["rule"] for a in json.loads(alerts.stdout)) == ["bamex", "ops:channel"]
    for text in texts:
        assert secret not in text and token not in text
    for path in out.glob("malinews.sqlite3*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path.name
