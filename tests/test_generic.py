"""The choice between body candidates on a page without a working profile (synthetic pages,
written here): JSON-LD `articleBody`, the own density container, trafilatura's main text.
(A page laid out in tables is tests/trial a07-phptables.)"""

from __future__ import annotations

import json

from malinews.extraction.extract import extract_article
from malinews.sites import generic_profile

URL = "https://www.exemple-mali.net/2025/11/12/campagne-agricole-lancee-a-segou/"
PROFILE = generic_profile("exemple-mali", ("https://www.exemple-mali.net/",))
PARAS = [
    "Le ministre de l'Agriculture a lancé lundi à Ségou la campagne agricole 2025-2026 devant "
    "les représentants des producteurs de coton et de riz de la région.",
    "Selon les services techniques, les superficies emblavées devraient progresser de huit pour "
    "cent grâce aux engrais subventionnés distribués avant l'hivernage.",
    "Les producteurs ont salué la mesure mais réclament un meilleur accès au crédit et des pistes "
    "rurales praticables pour écouler leurs récoltes vers Bamako.",
    "Le ministre a promis une rallonge budgétaire pour les pistes de la zone Office du Niger, "
    "dont les travaux doivent commencer avant les premières pluies de juin.",
]


def _page(body: str, article_body: str | None = None) -> str:
    ld = ""
    if article_body is not None:
        data = {
            "@type": "NewsArticle",
            "headline": "Campagne agricole",
            "articleBody": article_body,
        }
        ld = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return (
        f"<html><head><title>Campagne agricole</title>{ld}</head><body>"
        f"<h1>Campagne agricole</h1>{body}</body></html>"
    )


def _paragraphs(html: str) -> tuple[list[str], str]:
    result = extract_article(html, URL, PROFILE)
    assert result.article is not None, result.reason
    return result.article.paragraphs, result.article.extraction


BODY = '<div class="texte">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"


def test_a_json_ld_body_that_is_a_teaser_of_the_page_loses() -> None:
    paragraphs, layer = _paragraphs(_page(BODY, article_body=" ".join(PARAS[:2])))
    assert layer != "metadata"
    assert paragraphs == PARAS


def test_a_full_json_ld_body_is_kept_and_its_html_read_as_text() -> None:
    html_body = "".join(f"<p>{p}</p>" for p in PARAS)
    paragraphs, layer = _paragraphs(_page("<p>Abonnez-vous.</p>", article_body=html_body))
    assert layer == "metadata"
    assert paragraphs == PARAS


def test_script_text_never_counts_as_body_text() -> None:
    script = '<div class="app"><script>var t = "' + "x " * 3000 + '";</script></div>'
    paragraphs, _ = _paragraphs(_page(script + BODY))
    assert paragraphs == PARAS


def test_the_body_keeps_its_own_short_closing_lines_not_a_card_nested_after_it() -> None:
    """The signature and source after the body are the container's own paragraphs and stay (the
    boilerplate stage takes them out as author and source); a support card nested after them
    is another block, however short its lines."""
    closing = ["Amadou Sidibé", "Source: L'Essor"]
    card = (
        '<div class="zone-apres"><div class="carte"><div class="entete"><div><span>Exemple Mali'
        "</span></div><div><span>Depuis 1994</span></div></div><div><h5>Un mot à nos lecteurs"
        "</h5><div><span>Soutenez notre rédaction</span></div></div></div></div>"
    )
    body = "".join(f"<p>{line}</p>" for line in PARAS + closing)
    paragraphs, layer = _paragraphs(_page(f'<div class="texte">{body}{card}</div>'))
    assert layer == "generic"
    assert paragraphs == PARAS + closing
