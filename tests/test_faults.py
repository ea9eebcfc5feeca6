"""A crawl through a site whose pages fail in every way a real server can.

One crawl of the fault site (tests/faultserver.py) with a 2-second download timeout; the tests
check what a user would: retries where they help, each failure counted by kind for the site in
the crawl summary, the stored crawl stats and `malinews status`, nothing stored from a failed
page, no request to another host, and the good pages stored as usual.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import faultserver as fs
from tests.conftest import REPO, read_jsonl, run_cli

TIMEOUT = 2  # DOWNLOAD_TIMEOUT of this crawl (30 s by default)
DRIVER = (
    "import sys\n"
    "from malinews.scrapers.config import load_config\n"
    "from malinews.scheduler.crawl import format_summary, run_crawls\n"
    "config = load_config(sys.argv[1])\n"
    f"results = run_crawls(config, config.sites, DOWNLOAD_TIMEOUT={TIMEOUT})\n"
    "print(format_summary(results))\n"
)
SITE = "fautes"


def article(title: str, seed: int, **kwargs: Any) -> bytes:
    return fs.article_html(title, fs.paragraphs(seed), seed=seed, **kwargs).encode("utf-8")


def good(seed: int) -> fs.Reply:
    return fs.page(article(f"Article {seed} : {fs.SUBJECTS[seed % 12]} s'explique", seed))


STORED = {  # path -> reply: pages that end up stored, possibly after retries
    "/actualite/bonne-nouvelle-1": good(1),
    "/actualite/bonne-nouvelle-2": good(2),
    "/actualite/bonne-nouvelle-3": good(3),
    "/actualite/indisponible-deux-fois": fs.fail_first(2, 503, good(4)),
    "/actualite/revenez-dans-une-seconde": fs.fail_first(
        1, 503, good(5), headers={"Retry-After": "1"}
    ),
    "/actualite/trop-de-requetes": fs.fail_first(1, 429, good(6), {"Retry-After": "1"}),
    "/actualite/charset-faux": fs.page(
        fs.article_html(
            "Hôpital de Sikasso : les médecins réclament des équipements",
            fs.paragraphs(7),
            seed=7,
            charset=None,
        ).encode("cp1252"),
        content_type="text/html; charset=utf-8",
    ),
    "/actualite/sans-charset": fs.page(
        article("Kayes : la fête de l'indépendance célébrée", 8, charset=None),
        content_type="text/html",
    ),
    "/actualite/utf8-invalide": fs.page(
        article("Mopti : un pont réhabilité", 9).replace(b"millions", b"mil\xff\xfelions", 1)
    ),
    "/actualite/html-casse": fs.page(
        article("Gao : les commerçants en grève", 10)
        .replace(b"</p>", b"", 2)
        .replace(b'<div class="entry-content">', b'<div class="entry-content"><b><i>x</b></i>')
        .replace(b"</article>", b"</span></div></table>")
    ),
    "/actualite/seulement-dans-le-flux": good(11),
}
RESET_REQUESTS = 6  # 3 attempts; Twisted repeats a request once when a kept-alive socket resets
FAILING = {  # path -> (reply, stats key of its failure, requests the crawl should make at most)
    "/actualite/erreur-500": (fs.page(b"erreur", 500), "http_500", 3),
    "/actualite/erreur-502": (fs.page(b"erreur", 502), "http_502", 3),
    "/actualite/revenez-dans-une-heure": (
        fs.page(b"maintenance", 503, headers={"Retry-After": "3600"}),
        "http_503",
        1,
    ),
    "/actualite/sans-reponse": (fs.silent(TIMEOUT + 3), "timeout", 3),
    "/actualite/corps-lent": (fs.slow_body(TIMEOUT + 3), "timeout", 3),
    "/actualite/connexion-coupee": (fs.reset(), "connection", RESET_REQUESTS),
    "/actualite/tronquee": (fs.truncated(article("Article tronqué", 12)), "truncated", 3),
    "/actualite/page-10-mo": (fs.huge(10_000_000, declared=True), "too_large", 1),
    "/actualite/page-100-mo": (fs.huge(100_000_000, declared=False), "too_large", 1),
    "/actualite/boucle": (fs.redirect("/actualite/boucle-bis"), "redirect_loop", 1),
    "/actualite/chaine-0": (fs.redirect("/actualite/chaine-1"), "too_many_redirects", 1),
}
SLASH = "/actualite/avec-barre"  # redirects to itself plus "/", as WordPress does: no loop
CHAIN = {f"/actualite/chaine-{i}": fs.redirect(f"/actualite/chaine-{i + 1}") for i in range(1, 9)}
NOT_ARTICLES = {
    "/actualite/vide": fs.page(b""),
    "/actualite/sans-texte": fs.page(b"<html><head><title>Rien</title></head><body></body></html>"),
}


def home(links: list[str]) -> bytes:
    anchors = "\n".join(f'<li><a href="{href}">Lien {i}</a></li>' for i, href in enumerate(links))
    return f"<html><head><title>Fixture Info</title></head><body><ul>{anchors}</ul>".encode()


@dataclass
class Crawl:
    """What one crawl of the fault site left behind."""

    summary: str
    status: str
    stats: dict[str, Any]
    articles: list[dict[str, Any]]
    hits: dict[str, int]
    times: dict[str, list[float]]
    trap_hits: int
    output: Path


def build_site(server: fs.FaultServer, trap: str) -> None:
    """The fault site: a home page linking to every page, a broken feed and sitemap."""
    offsite = [f"{trap}/lien-piege", "http://10.0.0.1/intranet", "http://192.168.1.1/admin"]
    odd = ["javascript:alert(1)", "mailto:redaction@example.org", "tel:+22320000000"]
    paths = [p for p in [*STORED, *FAILING, *NOT_ARTICLES] if "flux" not in p]
    paths += ["/actualite/ailleurs", "/actualite/vers-le-reseau-prive", SLASH]
    server.pages.update({path: reply for path, (reply, _, _) in FAILING.items()})
    server.pages.update(STORED)
    server.pages.update(NOT_ARTICLES)
    server.pages.update(CHAIN)
    server.pages[SLASH] = fs.redirect(SLASH + "/", 301)
    server.pages[SLASH + "/"] = good(12)
    server.pages["/actualite/boucle-bis"] = fs.redirect("/actualite/boucle")
    server.pages["/actualite/ailleurs"] = fs.redirect(f"{trap}/redirection-piege")
    server.pages["/actualite/vers-le-reseau-prive"] = fs.redirect("http://10.0.0.1/admin")
    server.pages["/"] = fs.page(home([*paths, *offsite, *odd]))
    server.pages["/robots.txt"] = fs.page(
        f"User-agent: *\nAllow: /\nSitemap: {server.url}/sitemap.xml\n"
        f"Sitemap: {trap}/sitemap-piege.xml\n".encode(),
        content_type="text/plain",
    )
    server.pages["/sitemap.xml"] = fs.page(b"<<<ceci n'est pas du XML", content_type="text/xml")
    server.pages["/feed/"] = fs.page(
        (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Fixture & Info</title>'
            f"<item><title>Flux</title><link>{server.url}/actualite/seulement-dans-le-flux</link>"
            f"</item><item><title>Ailleurs</title><link>{trap}/flux-piege</link></item>"
            "<item><title>Intranet</title><link>http://192.168.1.20/flux</link></item>"
            "<item><title>Coupé"
        ).encode(),
        content_type="application/rss+xml",
    )


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    tmp = tmp_path_factory.mktemp("faults")
    with (
        fs.FaultServer(host="127.0.0.2", lifetime=120) as trap,
        fs.FaultServer(max_requests=300, lifetime=120) as server,
    ):
        build_site(server, trap.url)
        config = tmp / "malinews.toml"
        config.write_text(
            '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
            f'concurrent_per_host = 8\n[[sites]]\nname = "{SITE}"\n'
            f'start_urls = ["{server.url}/"]\n',
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-c", DRIVER, str(config)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        hits, times, trap_hits = dict(server.hits), dict(server.times), trap.total()
    status = run_cli("status", "--config", str(config))
    assert status.returncode == 0, status.stderr
    output = tmp / "out"
    with sqlite3.connect(output / "malinews.sqlite3") as conn:
        (stats,) = conn.execute("SELECT stats FROM crawls WHERE site = ?", (SITE,)).fetchone()
    return Crawl(
        done.stdout,
        status.stdout,
        json.loads(stats),
        read_jsonl(output / "articles.jsonl"),
        hits,
        times,
        trap_hits,
        output,
    )


def stored_paths(crawl: Crawl) -> set[str]:
    return {"/" + a["url"].split("/", 3)[3] for a in crawl.articles}


def test_good_pages_are_stored_and_failed_pages_are_not(crawl: Crawl) -> None:
    assert stored_paths(crawl) == {*STORED, SLASH + "/"}
    titles = " ".join(a["title"] for a in crawl.articles)
    assert "tronqué" not in titles and "Rien" not in titles


@pytest.mark.parametrize("path", sorted(FAILING))
def test_each_failure_is_retried_only_where_it_helps(crawl: Crawl, path: str) -> None:
    _, _, requests = FAILING[path]
    made = crawl.hits.get(path, 0)
    assert made == requests or (requests == RESET_REQUESTS and 3 <= made <= requests)


def test_each_failure_is_counted_by_kind_for_the_site(crawl: Crawl) -> None:
    expected: dict[str, int] = {}
    for _, kind, _ in FAILING.values():
        expected[kind] = expected.get(kind, 0) + 1
    expected["offsite_redirect"] = 2  # to another host, to a private address
    counted = {
        key.removeprefix("malinews/failed/"): value
        for key, value in crawl.stats.items()
        if key.startswith("malinews/failed/")
    }
    assert counted == expected
    assert crawl.stats["malinews/errors"] == sum(expected.values())


def test_summary_and_status_show_the_errors(crawl: Crawl) -> None:
    errors = crawl.stats["malinews/errors"]
    header, row = crawl.summary.splitlines()[:2]
    columns = dict(zip(header.split(), row.split(), strict=True))
    assert columns["site"] == SITE and int(columns["errors"]) == errors
    assert int(columns["new"]) == len(STORED) + 1
    by_kind = next(
        line for line in crawl.summary.splitlines() if line.startswith(f"{SITE}: errors:")
    )
    assert "timeout" in by_kind and "offsite_redirect 2" in by_kind
    status_row = next(line for line in crawl.status.splitlines() if line.startswith(SITE))
    assert status_row.split()[4] == str(errors)


def test_server_errors_are_retried_until_the_page_comes(crawl: Crawl) -> None:
    assert crawl.hits["/actualite/indisponible-deux-fois"] == 3


@pytest.mark.parametrize(
    "path", ["/actualite/revenez-dans-une-seconde", "/actualite/trop-de-requetes"]
)
def test_retry_after_is_waited_for(crawl: Crawl, path: str) -> None:
    first, second = crawl.times[path]
    assert second - first >= 1.0


def test_no_request_leaves_the_site(crawl: Crawl) -> None:
    assert crawl.trap_hits == 0
    # 2 in the feed, 1 sitemap in robots.txt (discovery drops the home page's links itself)
    assert crawl.stats["malinews/offsite_links"] == 3
    assert not [p for p in crawl.hits if p.startswith(("/intranet", "/admin"))]


def test_pages_that_are_not_articles_are_counted_not_stored(crawl: Crawl) -> None:
    assert crawl.hits["/actualite/vide"] == 1 and crawl.hits["/actualite/sans-texte"] == 1
    assert crawl.stats["malinews/not_article"] >= 2
    assert crawl.stats["malinews/feed_unreadable"] >= 1  # the sitemap that is not XML


def test_wrong_missing_or_broken_charsets_still_give_french(crawl: Crawl) -> None:
    by_path = {"/" + a["url"].split("/", 3)[3]: a for a in crawl.articles}
    assert by_path["/actualite/charset-faux"]["title"].startswith("Hôpital de Sikasso : les méd")
    assert (
        by_path["/actualite/sans-charset"]["title"] == "Kayes : la fête de l'indépendance célébrée"
    )
    assert "Mopti : un pont réhabilité" == by_path["/actualite/utf8-invalide"]["title"]
    broken = by_path["/actualite/html-casse"]["text"].split("\n\n")
    assert broken[-1] == fs.paragraphs(10)[-1]
    for record in by_path.values():
        assert "Ã" not in record["title"] + record["text"]
