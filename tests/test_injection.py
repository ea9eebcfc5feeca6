"""Scraped text cannot inject into what malinews writes or prints: URLs are percent-encoded,
terminal output has no control characters. Pages and alerts here are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

from malinews.pipelines.alerts import record_alert
from malinews.pipelines.store import Store
from tests.conftest import run_cli
from tests.test_outbox import T0, make_alert

HOSTILE_CANONICAL = """<html><head><meta charset="utf-8"><meta property="og:type" content="article">
<link rel="canonical" href="https://www.maliweb.net/x/article-1.html?a=&quot;&gt;&lt;script&gt;\
alert(1)&lt;/script&gt;&#x2028;b c">
<meta property="article:published_time" content="2026-11-20T10:00:00+00:00"></head>
<body><article><h1>Le maire de Ségou a inauguré un forage</h1><div class="entry-content">
<p>Le maire de Ségou a inauguré un forage à Markala, en présence des chefs de village. Le montant
retenu atteint 120 millions de francs CFA, selon la mairie.</p>
<p>Les travaux ont duré trois mois et ont employé une quarantaine de jeunes de la commune. Le
forage alimentera deux quartiers et une école.</p>
<p>Le maire a annoncé un second forage pour l'année prochaine, si le financement de l'État est
confirmé par la direction de l'hydraulique.</p>
</div></article></body></html>"""


def test_a_hostile_canonical_url_is_percent_encoded(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HOSTILE_CANONICAL, encoding="utf-8")
    result = run_cli("extract", str(page), "--url", "https://www.maliweb.net/x/article-1.html")
    assert result.returncode == 0, result.stderr
    canonical = json.loads(result.stdout)["canonical_url"]
    assert not set('"<> \u2028') & set(canonical)
    assert canonical.endswith("?a=%22%3E%3Cscript%3Ealert(1)%3C/script%3E%E2%80%A8b%20c")


def test_alerts_print_no_terminal_escape_sequence(tmp_path: Path) -> None:
    out = tmp_path / "out"
    store = Store(out)
    with store.transaction():
        title = "Titre \x1b]0;pwned\x07\x1b[2J effacé"
        record_alert(store.conn, {**make_alert(), "title": title}, ["jsonl"], T0)
    store.close()
    config = tmp_path / "malinews.toml"
    config.write_text(
        f'[output]\ndir = "{out}"\n[[sites]]\nname = "s"\nstart_urls = ["http://127.0.0.1:9/"]\n'
    )
    result = run_cli("alerts", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Titre ]0;pwned[2J effacé" in result.stdout
