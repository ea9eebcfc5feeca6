"""Article detection on pages without article markup (synthetic pages, written here): a body in
paragraphs is an article; teasers are a listing only when the body is made of them. The
project's other non-article pages (home, category, tag, author, search, contact, 404, video,
listing) are checked in tests/test_trial.py and the gold set."""

from __future__ import annotations

from malinews.extraction.extract import extract_article
from malinews.sites import generic_profile

PROFILE = generic_profile("segouinfos", ("https://segouinfos.org/",))
PROSE = (
    "Le gouverneur de la région de Ségou a présidé jeudi la cérémonie de remise de cinq cents "
    "tonnes de semences de riz aux exploitants de l'Office du Niger, en présence des services.",
    "Les producteurs ont salué un geste attendu depuis la dernière campagne, marquée par des "
    "pluies tardives et des inondations dans plusieurs villages du cercle de Macina.",
    "Le directeur régional de l'agriculture a rappelé que les semences seront distribuées par "
    "les coopératives, sur présentation de la carte de membre, avant la fin du mois.",
    "Une seconde livraison est annoncée pour le mois prochain dans les cercles de Niono et de "
    "San, où les besoins ont été recensés par les chambres d'agriculture.",
)
TEASERS = "".join(
    f'<article class="teaser"><h2><a href="/fr/{i}">Titre {i}</a></h2>'
    f'<time datetime="2025-11-0{i + 5}T09:15:00+00:00">0{i + 5}/11/2025</time>'
    f"<p>{text}</p></article>"
    for i, text in enumerate(PROSE[:2])
)
RELATED = "".join(
    f'<article class="mini"><h3><a href="/fr/autre-{i}">Autre article {i}</a></h3></article>'
    for i in range(5)
)


def _page(title: str, body: str) -> str:
    return f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def test_a_body_in_paragraphs_is_an_article_without_any_markup() -> None:
    body = '<div class="texte">' + "".join(f"<p>{p}</p>" for p in PROSE) + "</div>"
    result = extract_article(
        _page("Semences de riz pour l'Office du Niger", body + RELATED),
        "https://segouinfos.org/fr/index.php?id=118",
        PROFILE,
    )
    assert result.article is not None, result.reason
    assert result.article.paragraphs == list(PROSE)


def test_a_page_made_of_teasers_is_a_listing_whatever_its_title() -> None:
    """Dated teasers (an article marker) whose excerpts make the body."""
    result = extract_article(
        _page("Les dernières nouvelles de Ségou", TEASERS),
        "https://segouinfos.org/fr/dernieres-nouvelles-de-segou",
        PROFILE,
    )
    assert (result.article, result.reason) == (None, "listing page")
