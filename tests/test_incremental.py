"""Incremental crawls and revisions, through real crawls of a served copy of bamada."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from malinews.scheduler.demo import SiteServer, site_origin
from tests.conftest import BAMADA_TEMPLATE, read_jsonl, run_cli, run_main
from tests.test_crawl import EXPECTED

BAMADA = Path(__file__).resolve().parents[1] / "malinews" / "scrapers" / "demo_sites" / "bamada"
ARTICLE_PATHS = {
    "/" + p.name
    for p in BAMADA.iterdir()
    if p.is_dir() and (p / "index.html").exists() and p.name not in ("page", "feed", "comments")
}


def generic_config(tmp_path: Path, server: SiteServer) -> Path:
    """bamada configured by its start URL alone (no built-in profile)."""
    path = tmp_path / "malinews.toml"
    path.write_text(
        '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
        f'[[sites]]\nname = "bamadaweb"\nstart_urls = ["{server.url}/"]\n',
        encoding="utf-8",
    )
    return path


def write_sitemap(site: Path, lastmods: dict[str, str]) -> None:
    urls = "".join(
        f"<url><loc>https://bamada.net{path}</loc><lastmod>{lastmod}</lastmod></url>"
        for path, lastmod in lastmods.items()
    )
    (site / "wp-sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        encoding="utf-8",
    )
    robots = site / "robots.txt"
    robots.write_text(
        robots.read_text() + "\nSitemap: https://bamada.net/wp-sitemap.xml\n", encoding="utf-8"
    )


def test_recrawl_with_nothing_new_requests_no_article_page(
    tmp_path: Path, site_copies: Path
) -> None:
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        first = run_cli("crawl", "--config", str(config))
        assert first.returncode == 0, first.stderr
        fetched_first = [p for p in server.requests if p in ARTICLE_PATHS]
        server.requests.clear()
        second = run_cli("crawl", "--config", str(config))
        assert second.returncode == 0, second.stderr
        fetched_second = list(server.requests)
    articles = read_jsonl(tmp_path / "out" / "articles.jsonl")
    assert len(articles) == len(ARTICLE_PATHS) == len(set(fetched_first))
    # configured by its start URL alone, the site still comes out field by field
    for article in articles:
        title, author, source, published = EXPECTED["/" + article["url"].split("/", 3)[3]]
        got = (article["title"], article["author"], article["source"], article["published"])
        assert got == (title, author, source, published)
        assert "Suivez-nous" not in article["text"] and article["extraction"] == "generic"
    assert not [p for p in fetched_second if p in ARTICLE_PATHS], fetched_second
    # robots.txt once (Scrapy's fetch serves its Sitemap: lines too), home, feed, sitemap
    assert fetched_second.count("/robots.txt") == 1 and len(fetched_second) <= 4, fetched_second
    summary = second.stdout.splitlines()[1].split()
    assert summary[0] == "bamadaweb" and summary[2] == "0"  # no new article


def test_a_changed_article_becomes_a_revision(
    tmp_path: Path, site_copies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_copies / "bamada"
    write_sitemap(site, {f"/{BAMADA_TEMPLATE}": "2025-12-11T09:00:00+00:00"})
    with SiteServer(site, site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        page = site / BAMADA_TEMPLATE / "index.html"
        html = page.read_text(encoding="utf-8")
        page.write_text(
            html.replace("700 000 tonnes", "750 000 tonnes, selon une estimation révisée,"),
            encoding="utf-8",
        )
        # the page changed one second after the first crawl fetched it (no waiting: a date up
        # to an hour ahead of the crawler's clock is accepted as clock skew)
        first = read_jsonl(tmp_path / "out" / "articles.jsonl")
        fetched = next(r["crawled_at"] for r in first if BAMADA_TEMPLATE in r["url"])
        changed_at = (datetime.fromisoformat(fetched) + timedelta(seconds=1)).isoformat()
        write_sitemap(site, {f"/{BAMADA_TEMPLATE}": changed_at})
        server.requests.clear()
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        refetched = [p for p in server.requests if p in ARTICLE_PATHS]
        server.requests.clear()  # the same sitemap date again: already fetched since
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        assert not [p for p in server.requests if p in ARTICLE_PATHS]
    assert refetched == [f"/{BAMADA_TEMPLATE}"]
    records = [r for r in read_jsonl(tmp_path / "out" / "articles.jsonl") if "coton" in r["url"]]
    assert [r["revision"] for r in records] == [1, 2]
    assert records[0]["id"] == records[1]["id"]
    assert "750 000 tonnes" in records[1]["text"] and "700 000" in records[0]["text"]
    assert records[1]["modified"] is not None
    db = sqlite3.connect(tmp_path / "out" / "malinews.sqlite3")
    rows = db.execute("SELECT revision FROM articles WHERE url LIKE '%coton%'").fetchall()
    superseded = db.execute("SELECT revision FROM revisions WHERE id=?", (records[0]["id"],))
    assert rows == [(2,)] and superseded.fetchall() == [(1,)]
    # articles.jsonl is an export of the store: lost, it is rebuilt with every revision.
    jsonl = tmp_path / "out" / "articles.jsonl"
    written = jsonl.read_text(encoding="utf-8")
    jsonl.unlink()
    code, _, err = run_main(capsys, "export", "--config", str(config), "--rebuild")
    assert code == 0, err
    assert sorted(jsonl.read_text(encoding="utf-8").splitlines()) == sorted(written.splitlines())


def test_a_crawl_cut_short_does_not_hide_its_listing_next_time(
    tmp_path: Path, site_copies: Path
) -> None:
    """A crawl cut by its page budget reads the listing but not all its links; the next crawl
    must not get a 304 for that listing and miss them (found by a new-user trial)."""
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = generic_config(tmp_path, server)
        whole = config.read_text(encoding="utf-8")
        config.write_text(whole.replace("[crawl]\n", "[crawl]\nmax_pages = 4\n"), encoding="utf-8")
        assert run_cli("crawl", "--config", str(config)).returncode == 0
        articles = tmp_path / "out" / "articles.jsonl"
        first = len(read_jsonl(articles)) if articles.exists() else 0
        assert first < len(ARTICLE_PATHS)  # the budget did cut the crawl
        config.write_text(whole, encoding="utf-8")
        second = run_cli("crawl", "--config", str(config))
        assert second.returncode == 0, second.stderr
        paths = {"/" + r["url"].split("/", 3)[3] for r in read_jsonl(articles)}
        assert paths == ARTICLE_PATHS
