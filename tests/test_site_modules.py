"""Site modules: each site's rules reached through its profile's hooks, never by name.

Pages here are synthetic (written for these tests), in the markup each profile describes.
"""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from malinews.core.text import fold
from malinews.extraction.extract import extract_article
from malinews.extraction.html import select
from malinews.pipelines.boilerplate import strip_boilerplate
from malinews.pipelines.chain import extract_page
from malinews.sites import BUILTIN, HOST_ALIASES, checked
from tests.conftest import run_cli

PACKAGE = Path(__file__).resolve().parents[1] / "malinews"
BODY = [
    "Les producteurs de riz de l’Office du Niger ont entamé la récolte dans de bonnes conditions "
    "cette année, selon les techniciens de la zone de Niono.",
    "La pluviométrie a été régulière et les attaques d’oiseaux granivores limitées, ce qui laisse "
    "espérer des rendements supérieurs à ceux de la campagne précédente.",
]
OG_ARTICLE = '<meta property="og:type" content="article">'


def _names_in_code(path: Path) -> set[str]:
    """Identifiers and string constants of a module, docstrings and comments left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.add(node.value.casefold())
        elif isinstance(node, ast.Name):
            found.add(node.id.casefold())
        elif isinstance(node, ast.Attribute):
            found.add(node.attr.casefold())
    return found


def test_generic_modules_name_no_site() -> None:
    sites = [*BUILTIN, *HOST_ALIASES, "tagdiv", "td_module"]
    offenders = [
        f"{path.relative_to(PACKAGE)}: {site}"
        for path in PACKAGE.rglob("*.py")
        if "sites" not in path.relative_to(PACKAGE).parts
        for text in _names_in_code(path)
        for site in sites
        if site in text
    ]
    assert offenders == []


def test_an_invalid_builtin_selector_fails_when_the_profile_is_registered() -> None:
    with pytest.raises(ValueError, match="invalid CSS selector"):
        checked(BUILTIN["bamada"].replace(body="div.entry-content["))
    with pytest.raises(ValueError, match="invalid CSS selector"):  # also in a past layout
        checked(BUILTIN["studiotamani"].replace(versions=(), title="h2.itemTitle >"))
    root = lxml.html.fromstring("<div><p>x</p></div>")
    with pytest.raises(Exception):  # noqa: B017 - cssselect's parse errors have no common base
        select(root, "p[")


JOOMLA_PAGE = (  # Studio Tamani before 2020: Joomla with the K2 component
    "<html><head><title>Riz : bonne récolte à Niono - Studio Tamani</title>"
    f'{OG_ARTICLE}</head><body><div class="itemView">'
    '<h2 class="itemTitle">Riz : bonne récolte à Niono</h2>'
    '<span class="itemDateCreated">Mercredi, 14 novembre 2018 10:12</span>'
    '<div class="itemFullText">' + "".join(f"<p>{p}</p>" for p in BODY) + "</div>"
    '<div class="itemSocialSharing">Partager sur Facebook</div></div></body></html>'
)
JOOMLA_URL = "https://www.studiotamani.org/index.php/economie/18123-riz-bonne-recolte-a-niono"


def test_a_past_layout_reads_pages_served_before_the_change() -> None:
    """An archived page of the old layout is read with the old selectors; the current
    WordPress profile falls back to generic extraction on it."""
    profile = BUILTIN["studiotamani"]
    archived = extract_article(
        JOOMLA_PAGE, JOOMLA_URL, profile, fetched_at=datetime(2019, 3, 1, tzinfo=UTC)
    )
    current = extract_article(
        JOOMLA_PAGE, JOOMLA_URL, profile, fetched_at=datetime(2025, 3, 1, tzinfo=UTC)
    )

    assert archived.article is not None and current.article is not None
    assert archived.article.extraction == "profile"
    assert archived.article.title == "Riz : bonne récolte à Niono"
    assert archived.article.paragraphs == BODY
    assert current.article.extraction == "generic"


def test_lessor_publication_time_comes_from_the_url_through_its_hook() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    html = (
        f"<html><head><title>Office du Niger</title>{OG_ARTICLE}</head><body>"
        "<h1>Office du Niger : la récolte commence</h1>"
        f'<div class="article-content">{paragraphs}</div></body></html>'
    )
    url = "https://www.lessor.ml/posts/office-du-niger-la-recolte-commence-68ff3bd69b349"
    record = extract_page(
        html.encode(), url, BUILTIN["lessor"], now=datetime(2025, 12, 1, tzinfo=UTC)
    )
    assert record is not None
    assert (record["published"], record["date_source"]) == ("2025-10-27T09:31:02+00:00", "url")
    elsewhere = extract_page(
        html.encode(), url, BUILTIN["bamada"], now=datetime(2025, 12, 1, tzinfo=UTC)
    )
    assert elsewhere is not None and elsewhere["published"] is None  # another site's rule


def test_site_boilerplate_rules_apply_to_their_site_only() -> None:
    tamani, malijet = BUILTIN["studiotamani"], BUILTIN["malijet"]
    audio = "Journal en sonrhaï: Télécharger"
    glued = f"malijet 65a1b2c3d4e5f.jpg {BODY[0]}"

    on_site = strip_boilerplate(
        [glued, BODY[1], audio],
        site_lines=tamani.boilerplate_lines,
        site_residue=malijet.residue,
    )
    assert on_site.paragraphs == BODY
    assert {"line": audio, "reason": "site-phrase"} in on_site.removed

    elsewhere = strip_boilerplate([BODY[0], BODY[1], audio])
    assert elsewhere.paragraphs == [*BODY, audio]


def test_one_fold_for_every_comparison() -> None:
    assert fold("L’Œuvre — DÉCÈS à Ségou") == "l'oeuvre - deces a segou"


def test_malinews_extract_reads_a_saved_page_with_the_layout_of_its_fetch_time(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "page.html"
    saved.write_text(JOOMLA_PAGE, encoding="utf-8")
    config = tmp_path / "malinews.toml"
    config.write_text('[[sites]]\nname = "studiotamani"\n', encoding="utf-8")
    args = ("extract", str(saved), "--url", JOOMLA_URL, "--config", str(config))

    archived = run_cli(*args, "--fetched-at", "2019-03-01")
    assert archived.returncode == 0, archived.stderr
    record = json.loads(archived.stdout)
    assert (record["extraction"], record["title"]) == ("profile", "Riz : bonne récolte à Niono")
    assert record["published"] == "2018-11-14T10:12:00+00:00"

    wrong = run_cli(*args, "--fetched-at", "l'an dernier")
    assert wrong.returncode == 2
    assert "not an ISO 8601 time" in wrong.stderr and "Traceback" not in wrong.stderr
