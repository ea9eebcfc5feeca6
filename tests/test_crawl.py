"""End to end: the demo and `malinews crawl` over the bundled sample sites, checked against
scrapers/demo_sites/EXPECTED.md; `malinews extract` on the seed articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from malinews.scheduler.demo import DEMO_SITES_DIR
from malinews.sites import BUILTIN
from tests.conftest import DEMO_PORT, REPO, SEEDS, read_jsonl, run_cli, run_main, write_config

# path -> (title, author, source, published); from EXPECTED.md
EXPECTED = {
    "/salon-de-la-defense-sadio-camara-lance-les-preparatifs-de-bamex-2026": (
        "Salon de la défense : Sadio Camara lance les préparatifs de Bamex 2026",
        "Fatoumata Coulibaly",
        "L'Essor",
        "2025-12-16T14:05:00+00:00",
    ),
    "/securite-alimentaire-12-000-menages-de-tombouctou-recoivent-des-vivres": (
        "Sécurité alimentaire : 12 000 ménages de Tombouctou reçoivent des vivres",
        None,
        "AMAP",
        "2025-12-14T12:30:00+00:00",
    ),
    "/carburant-la-situation-sameliore-a-bamako-grace-aux-convois-escortes": (
        "Carburant : la situation s’améliore à Bamako grâce aux convois escortés",
        "Bakary Samaké",
        "LE COMBAT",
        "2025-12-13T08:45:00+00:00",
    ),
    "/kidal-reprise-des-cours-dans-une-vingtaine-decoles": (
        "Kidal : reprise des cours dans une vingtaine d’écoles",
        None,
        "ORTM",
        "2025-12-12T17:20:00+00:00",
    ),
    "/coton-le-mali-vise-une-production-record-pour-la-campagne-2025-2026": (
        "Coton : le Mali vise une production record pour la campagne 2025-2026",
        None,
        "TV5",
        "2025-12-11T00:00:00+00:00",
    ),
    "/segou-les-organisateurs-du-festival-sur-le-niger-devoilent-leur-programme": (
        "Ségou : les organisateurs du Festival sur le Niger dévoilent leur programme",
        "Oumar Sanogo",
        "Le Républicain",
        "2025-12-10T00:00:00+00:00",
    ),
    "/politique/bamex-2026-le-comite-dorganisation-installe-par-le-ministre-sadio-camara-3212345.html": (  # noqa: E501
        "Bamex 2026 : le comité d’organisation installé par le ministre Sadio Camara",
        "Fatoumata Coulibaly",
        "L'Essor",
        "2025-12-16T10:20:00+00:00",
    ),
    "/politique/confederation-aes-la-force-unifiee-passe-a-la-vitesse-superieure-3211402.html": (
        "Confédération AES : la force unifiée passe à la vitesse supérieure",
        "Y. Doumbia",
        "Le Challenger",
        "2025-12-15T08:40:00+00:00",
    ),
    # maliweb's own staff: the site itself is not recorded as a source newspaper.
    "/sport/ligue-1-le-stade-malien-de-bamako-simpose-face-au-djoliba-ac-3210598.html": (
        "Ligue 1 : le Stade malien de Bamako s’impose face au Djoliba AC",
        "La Rédaction",
        None,
        "2025-12-14T18:10:00+00:00",
    ),
    "/insecurite/approvisionnement-en-carburant-les-convois-escortes-par-les-fama-soulagent-bamako-3208810.html": (  # noqa: E501
        "Approvisionnement en carburant : les convois escortés par les FAMa soulagent Bamako",
        "Bakary Samaké",
        "Le Combat",
        "2025-12-12T09:05:00+00:00",
    ),
    "/economie/office-du-niger-la-campagne-de-contre-saison-lancee-a-niono-3207233.html": (
        "Office du Niger : la campagne de contre-saison lancée à Niono",
        "HAMIDOU TOGO",
        "Info-Matin",
        "2025-12-11T07:30:00+00:00",
    ),
    "/mali-bamex-2026-un-comite-de-42-membres-pour-preparer-le-salon-de-la-defense": (
        "Mali : Bamex 2026, un comité de 42 membres pour préparer le salon de la défense",
        "Fatoumata Coulibaly",
        "L'Essor",
        "2025-12-16T16:40:00+00:00",
    ),
    "/mali-le-salon-bamex-2026-veut-souvrir-davantage-aux-entreprises-locales": (
        "Mali : le salon Bamex 2026 veut s’ouvrir davantage aux entreprises locales",
        "Adama Diarra",
        "Studio Tamani",
        "2025-12-15T19:30:00+00:00",
    ),
    "/mali-distribution-de-vivres-aux-menages-vulnerables-de-tombouctou": (
        "Mali : distribution de vivres aux ménages vulnérables de Tombouctou",
        None,
        "AMAP",
        "2025-12-14T10:15:00+00:00",
    ),
    "/mali-a-segou-les-eleveurs-reclament-plus-de-vaccins-pour-leur-betail": (
        "Mali : à Ségou, les éleveurs réclament plus de vaccins pour leur bétail",
        "Aminata Dembélé",
        "L'Essor",
        "2025-12-13T11:00:00+00:00",
    ),
    "/mali-le-cnt-adopte-le-budget-detat-2026": (
        "Mali : le CNT adopte le budget d’État 2026",
        None,
        "Studio Tamani",
        "2025-12-10T15:00:00+00:00",
    ),
}
STORIES = {  # story letter -> paths (EXPECTED.md "Story groups")
    "A": [
        "/politique/bamex-2026-le-comite-dorganisation-installe-par-le-ministre-sadio-camara-3212345.html",  # noqa: E501
        "/salon-de-la-defense-sadio-camara-lance-les-preparatifs-de-bamex-2026",
        "/mali-bamex-2026-un-comite-de-42-membres-pour-preparer-le-salon-de-la-defense",
    ],
    "B": [
        "/insecurite/approvisionnement-en-carburant-les-convois-escortes-par-les-fama-soulagent-bamako-3208810.html",  # noqa: E501
        "/carburant-la-situation-sameliore-a-bamako-grace-aux-convois-escortes",
    ],
    "C": [
        "/mali-distribution-de-vivres-aux-menages-vulnerables-de-tombouctou",
        "/securite-alimentaire-12-000-menages-de-tombouctou-recoivent-des-vivres",
    ],
}
BOILERPLATE = (
    "Suivez-nous",
    "Ecoutez les radios",
    "ORTM en direct",
    "Commentaires via Facebook",
    "Trinity Audio",
    "Corner TV",
    "Partager",
    "Leave a Reply",
    "RADIO FM MALI",
    "Source",
    "(link is external)",
    "A60P6882",
)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of `malinews demo` (the README's first command) into a temporary folder."""
    out = tmp_path_factory.mktemp("demo")
    result = run_cli("demo", "--output", str(out), "--port", str(DEMO_PORT))
    assert result.returncode == 0, result.stderr
    return {
        "out": out,
        "stdout": result.stdout,
        "articles": read_jsonl(out / "articles.jsonl"),
        "alerts": read_jsonl(out / "alerts.jsonl"),
        "feed": json.loads((out / "feed.json").read_text(encoding="utf-8")),
    }


def test_demo_prints_a_summary_per_site_and_where_the_files_are(demo: dict[str, Any]) -> None:
    lines = demo["stdout"].splitlines()
    rows = {
        line.split()[0]: line.split()[1:]
        for line in lines
        if line.split()[:1] and line.split()[0] in ("bamada", "maliweb", "maliactu", "total")
    }
    assert set(rows) == {"bamada", "maliweb", "maliactu", "total"}
    assert rows["total"][1] == "16"  # new articles
    assert rows["total"][3] == "4"  # story copies
    assert rows["total"][6] == "0"  # errors
    for name in ("articles.jsonl", "alerts.jsonl", "feed.json"):
        assert any(line.strip().endswith(name) for line in lines)


def test_every_article_field_by_field(demo: dict[str, Any]) -> None:
    by_path = {path_of(a["url"]): a for a in demo["articles"]}
    assert set(by_path) == set(EXPECTED)
    for path, (title, author, source, published) in EXPECTED.items():
        article = by_path[path]
        got = (article["title"], article["author"], article["source"], article["published"])
        assert got == (title, author, source, published), path
        assert article["extraction"] == "profile", path
        for phrase in BOILERPLATE:
            assert phrase not in article["text"], (path, phrase)
        assert title not in article["text"]
        if author:
            assert author not in article["text"], path


def test_record_schema(demo: dict[str, Any]) -> None:
    keys = {
        "id",
        "url",
        "canonical_url",
        "site",
        "title",
        "text",
        "author",
        "source",
        "published",
        "modified",
        "date_source",
        "story_id",
        "duplicate_of",
        "revision",
        "changes",
        "removed_at",
        "removed_reason",
        "keyword_hits",
        "removed",
        "extraction",
        "crawled_at",
        "schema",
    }
    for article in demo["articles"]:
        assert set(article) == keys
        assert len(article["id"]) == 16 and article["revision"] == 1
        assert article["published"].endswith("+00:00") and article["crawled_at"].endswith("+00:00")
        assert all(set(r) == {"line", "reason"} for r in article["removed"])
        assert "\n\n" in article["text"] or article["site"] == "bamada"


def test_the_windows_1252_page_comes_out_as_french(demo: dict[str, Any]) -> None:
    segou = next(a for a in demo["articles"] if "festival-sur-le-niger" in a["url"])
    assert "dévoilent" in segou["title"]
    assert "\ufffd" not in segou["text"] and "Ã" not in segou["text"]
    assert "’" in segou["text"]


def test_copies_share_one_story_and_same_event_articles_do_not(demo: dict[str, Any]) -> None:
    by_path = {path_of(a["url"]): a for a in demo["articles"]}
    story_ids = {}
    for letter, paths in STORIES.items():
        ids = {by_path[p]["story_id"] for p in paths}
        assert len(ids) == 1, letter
        story_ids[letter] = ids.pop()
        firsts = [by_path[p] for p in paths if by_path[p]["duplicate_of"] is None]
        assert len(firsts) == 1 and firsts[0]["id"] == story_ids[letter]
    other_bamex = by_path[
        "/mali-le-salon-bamex-2026-veut-souvrir-davantage-aux-entreprises-locales"
    ]
    assert other_bamex["story_id"] not in story_ids.values()
    assert len({a["story_id"] for a in demo["articles"]}) == 12


def test_one_alert_per_rule_per_story(demo: dict[str, Any]) -> None:
    alerts = demo["alerts"]
    keys = [(a["rule"], a["story_id"]) for a in alerts if a.get("kind", "alert") == "alert"]
    assert len(keys) == len(set(keys))
    by_path = {path_of(a["url"]): a for a in demo["articles"]}
    story_a = by_path[STORIES["A"][0]]["story_id"]
    bamex = [a for a in alerts if a["rule"] == "bamex" and a["story_id"] == story_a]
    assert len(bamex) == 1
    assert "**Bamex**" in bamex[0]["snippet"] or "**BAMEX**" in bamex[0]["snippet"]
    assert {
        "rule",
        "severity",
        "story_id",
        "article_id",
        "url",
        "title",
        "site",
        "published",
        "snippet",
    } <= set(bamex[0])
    hits = {a["story_id"] for a in demo["articles"] if "bamex" in a["keyword_hits"]}
    assert hits == {a["story_id"] for a in alerts if a["rule"] == "bamex"}


def test_feed_is_json_feed_1_1_with_one_item_per_story(demo: dict[str, Any]) -> None:
    feed = demo["feed"]
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
    items = feed["items"]
    assert len(items) == 12 == len({i["id"] for i in items})
    for item in items:
        assert item["id"] and item["url"].startswith("http") and item["content_text"]
        assert "<script" not in item["content_html"]
    by_path = {path_of(a["url"]): a for a in demo["articles"]}
    story_a = next(i for i in items if i["id"] == by_path[STORIES["A"][0]]["story_id"])
    ext = story_a["_malinews"]
    assert {path_of(c["url"]) for c in ext["copies"]} == set(STORIES["A"])
    assert ext["source"] == "L'Essor"
    assert ext["earliest_published"] == "2025-12-16T10:20:00+00:00"
    assert story_a["date_published"] == "2025-12-16T10:20:00+00:00"


def test_the_same_article_crawled_twice_is_stored_once(
    tmp_path: Path, servers: dict[str, Any]
) -> None:
    config = write_config(tmp_path / "malinews.toml", servers)
    assert run_cli("crawl", "--config", str(config)).returncode == 0
    first = (tmp_path / "out" / "articles.jsonl").read_text()
    for server in servers.values():
        server.requests.clear()
    again = run_cli("crawl", "--config", str(config), "--site", "bamada", "maliweb")
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "out" / "articles.jsonl").read_text() == first
    assert "maliactu" not in again.stdout
    article_paths = set(EXPECTED)
    assert not [p for s in servers.values() for p in s.requests if p in article_paths]


def wrap_seed(site: str, seed: Path) -> tuple[bytes, str, str | None]:
    """A seed article (title, then body lines as served) inside one of the site's pages.

    Returns the page, its URL, and the source newspaper the page's markup names (maliweb's
    WordPress author), if any."""
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    profile = BUILTIN[site]
    title_index = 1 if lines[0].startswith("Suivez-nous") else 0
    title, body = lines[title_index], lines[:title_index] + lines[title_index + 1 :]
    template = next(
        p
        for p in sorted((DEMO_SITES_DIR / site).rglob("*.html"))
        if "index.html" != p.name or p.parent != DEMO_SITES_DIR / site
    )
    root = lxml.html.fromstring(template.read_bytes())
    root.cssselect(profile.title)[0].text = title
    container = root.cssselect(profile.body)[0]
    for child in list(container):
        container.remove(child)
    container.text = None
    for line in body:
        paragraph = lxml.html.Element("p")
        paragraph.text = line
        container.append(paragraph)
    url = root.cssselect("link[rel=canonical]")[0].get("href")
    paper = root.cssselect(profile.source)[0].text_content().strip() if profile.source else None
    return lxml.html.tostring(root, encoding="utf-8"), url, paper


@pytest.mark.parametrize("site", ["bamada", "maliweb", "maliactu"])
def test_seeds_come_out_clean_through_extract(
    tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`malinews extract` in-process, with the repository's malinews.toml (its alert rules)."""
    monkeypatch.chdir(REPO)
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 2, f"seed documents missing in {SEEDS}"
    outputs = []
    for seed in seeds:
        page, url, paper = wrap_seed(site, seed)
        (tmp_path / "page.html").write_bytes(page)
        code, out, err = run_main(capsys, "extract", str(tmp_path / "page.html"), "--url", url)
        assert code == 0, err
        outputs.append(json.loads(out))
    bamex, moscow = outputs
    assert moscow["source"] == "LE COMBAT"
    assert moscow["author"] == "Bourama Kéïta"
    for phrase in ("Suivez-nous", "Ecoutez les radios", "ORTM en direct", "Bourama", "Source"):
        assert phrase not in moscow["text"]
    assert moscow["text"].startswith("La 9e Conférence de Moscou")
    assert moscow["text"].endswith("remplacer la France qui annonce son retrait ?")
    assert bamex["author"] == "F. Sissoko" and bamex["source"] == paper
    assert bamex["text"].endswith("délégations officielles de haut niveau.")
    assert "bamex" in bamex["keyword_hits"]


def test_alerts_status_and_sites_commands_read_the_store(
    demo: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    out = str(demo["out"])
    code, listed, err = run_main(capsys, "alerts", "--output", out, "--rule", "bamex", "--json")
    assert code == 0, err
    alerts = json.loads(listed)
    assert {a["rule"] for a in alerts} == {"bamex"}
    assert len(alerts) == len([a for a in demo["alerts"] if a["rule"] == "bamex"])
    assert all(set(a["deliveries"].values()) == {"delivered"} for a in alerts)
    code, status, _ = run_main(capsys, "status", "--output", out)
    assert code == 0
    rows = {line.split()[0]: line.split() for line in status.splitlines()[1:]}
    assert set(rows) == {"bamada", "maliweb", "maliactu"}
    assert rows["bamada"][3] == "6" and rows["bamada"][4] == "0"  # new, errors
    code, sites, _ = run_main(capsys, "sites")
    assert code == 0 and "maliweb" in sites and "feed" in sites


def test_running_the_demo_again_finds_nothing_new(demo: dict[str, Any]) -> None:
    before = (demo["out"] / "articles.jsonl").read_text(encoding="utf-8")
    again = run_cli("demo", "--output", str(demo["out"]), "--port", str(DEMO_PORT))
    assert again.returncode == 0, again.stderr
    total = next(line for line in again.stdout.splitlines() if line.startswith("total"))
    assert total.split()[2] == "0"  # no new article
    assert (demo["out"] / "articles.jsonl").read_text(encoding="utf-8") == before
