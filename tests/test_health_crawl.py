"""Site health through real crawls: a layout change and a block each raise one operator alert
when they start and one when they end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from malinews.pipelines.store import Store
from malinews.scheduler.crawl import SiteResult, check_health, deliver, format_summary
from malinews.scheduler.demo import SiteServer, site_origin
from malinews.scrapers.config import load_config
from tests.conftest import add_bamada_article, read_jsonl, run_cli, run_main, write_config

SITE = '[[sites]]\nname = "bamada"\nstart_urls = ["http://127.0.0.1:9/"]\n'

WORDS = (
    "Le conseil communal de {town} a adopté mardi son budget pour l’année prochaine, après un "
    "long débat sur la priorité à donner aux écoles, aux centres de santé et aux pistes rurales. "
    "Le maire a rappelé que les recettes fiscales restent faibles et que l’appui de l’État sera "
    "déterminant pour achever les chantiers engagés depuis deux ans dans les quartiers nord."
)
TOWNS = [
    "Kati",
    "Koulikoro",
    "Ségou",
    "Sikasso",
    "Mopti",
    "Kayes",
    "Gao",
    "Tombouctou",
    "Bougouni",
    "Kita",
    "Nioro",
    "San",
    "Djenné",
    "Bandiagara",
    "Koutiala",
]


def publish(site_copies: Path, batch: int, broken: bool = False) -> None:
    """Three new bamada articles; `broken` moves their body out of div.entry-content."""
    for i in range(3):
        town = TOWNS[batch * 3 + i]
        slug = f"{town.lower().replace('é', 'e')}-le-conseil-communal-adopte-son-budget-{batch}{i}"
        path = add_bamada_article(
            site_copies,
            slug,
            f"{town} : le conseil communal adopte son budget",
            [WORDS.format(town=town), f"Les élus de {town} se réuniront de nouveau en janvier."],
        )
        if broken:
            page = site_copies / "bamada" / path.strip("/") / "index.html"
            html = page.read_text(encoding="utf-8").replace(
                'class="entry-content"', 'class="article-body-v2"'
            )
            page.write_text(html, encoding="utf-8")


def ops_alerts(out: Path) -> list[tuple[str, str]]:
    path = out / "ops.jsonl"
    if not path.exists():
        return []
    return [(a["rule"], a["title"].rsplit(" ", 1)[1]) for a in read_jsonl(path)]


def test_layout_change_and_block_raise_one_alert_each_way(
    tmp_path: Path, site_copies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = write_config(tmp_path / "malinews.toml", {"bamada": server})
        out = tmp_path / "out"

        def crawl(code: int = 0) -> None:
            result = run_cli("crawl", "--config", str(config))
            assert result.returncode == code, result.stderr

        crawl()  # the site's existing articles
        for batch in range(2):  # with it, the 3 healthy crawls a layout comparison needs
            publish(site_copies, batch)
            crawl()
        assert ops_alerts(out) == []

        publish(site_copies, 2, broken=True)
        crawl()
        assert ops_alerts(out) == [("ops:layout", "started")]
        publish(site_copies, 3, broken=True)
        crawl()  # still broken: no second alert
        assert ops_alerts(out) == [("ops:layout", "started")]

        server.override = (403, b"<html><title>403 Forbidden</title><body>Forbidden</body></html>")
        crawl(1)  # every site failed: the exit code says so
        crawl(1)
        server.override = None
        crawl()
    alerts = ops_alerts(out)
    assert alerts[1:] == [("ops:blocked", "started"), ("ops:blocked", "recovered")]
    code, status, _ = run_main(capsys, "status", "--config", str(config))
    assert code == 0 and "layout" in status
    assert not (out / "alerts.jsonl").exists() or all(
        not a["rule"].startswith("ops:") for a in read_jsonl(out / "alerts.jsonl")
    )


CHALLENGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<div id='challenge-form'>Checking your browser before accessing bamada.net.</div>"
    b"<script>window._cf_chl_opt={cvId: '3'};</script></body></html>"
)


def test_a_challenge_page_is_a_block_never_an_article(tmp_path: Path, site_copies: Path) -> None:
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = write_config(tmp_path / "malinews.toml", {"bamada": server})
        publish(site_copies, 0)
        server.override = (200, CHALLENGE)  # some walls answer 200
        result = run_cli("crawl", "--config", str(config))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert ops_alerts(out) == [("ops:blocked", "started")]
    assert not (out / "articles.jsonl").exists() or not read_jsonl(out / "articles.jsonl")
    assert "bamada: blocked:" in result.stdout


def test_a_source_that_stops_publishing_is_silent(tmp_path: Path) -> None:
    """Crawled hourly, the site publishes at each of five crawls, then stops: once the quiet
    lasts four of its usual gaps (and three intervals), one "silent" alert, shown in the crawl
    summary and sent to the operators. The crawls' end times are injected (no waiting); the
    store, the health checks and the delivery are the real ones."""
    path = tmp_path / "malinews.toml"
    path.write_text('[output]\ndir = "out"\n[crawl]\ninterval = "1h"\n' + SITE, encoding="utf-8")
    config = load_config(path)
    site = config.sites[0]
    store = Store(config.output_dir)
    start = datetime(2025, 12, 1, 8, tzinfo=UTC)

    def crawl(hour: int, new: int) -> SiteResult:
        stats = {"downloader/response_count": 6, "malinews/new": new}
        result = SiteResult(site.name, stats)
        with store.transaction():
            result.problems = check_health(
                config, store, site, stats, now=start + timedelta(hours=hour)
            )
        return result

    try:
        published = [crawl(hour, new=3) for hour in range(5)]
        quiet = [crawl(hour, new=0) for hour in range(5, 9)]  # 4 h quiet: not yet 4 gaps
        silent = crawl(9, new=0)
        still = crawl(10, new=0)  # still silent: no second alert
        deliver(config, store)
    finally:
        store.close()
    assert not any(r.problems for r in published + quiet)
    assert silent.problems == {"silent": "no new article for 5.0 h, usually one every 1.0 h"}
    assert "bamada: silent: no new article for 5.0 h" in format_summary([silent])
    assert still.problems == {"silent": "no new article for 6.0 h, usually one every 1.0 h"}
    assert ops_alerts(config.output_dir) == [("ops:silent", "started")]
