"""The pages' words, in French (the default) and English."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("fr", "en")

_EN = {
    "Articles": "Stories",
    "Recherche": "Search",
    "Alertes": "Alerts",
    "Sites": "Sites",
    "Site": "Site",
    "Règle": "Rule",
    "Du": "From",
    "Au": "To",
    "Filtrer": "Filter",
    "Chercher": "Search",
    "tous": "all",
    "toutes": "all",
    "Date": "Date",
    "Titre": "Title",
    "Source": "Source",
    "Règles": "Rules",
    "Copies": "Copies",
    "Page suivante": "Next page",
    "Page précédente": "Previous page",
    "Aucun résultat.": "No results.",
    "Auteur": "Author",
    "Lignes retirées (boilerplate)": "Removed lines (boilerplate)",
    "Modifications": "Changes",
    "révision": "revision",
    "Gravité": "Severity",
    "Extrait": "Snippet",
    "Envois": "Deliveries",
    "en attente": "pending",
    "envoyé": "delivered",
    "nouvel essai prévu": "retrying",
    "abandonné": "failed (given up)",
    "Dernière exploration": "Last crawl",
    "Dernier article": "Last article",
    "Problèmes": "Problems",
    "Couverture": "Coverage",
    "aucun": "none",
    "Articles par jour et par site": "Articles per day per site",
    "Mentions par jour de chaque règle": "Mentions per day of each alert rule",
    "jamais": "never",
    "Introuvable": "Not found",
    "Requête invalide": "Bad request",
    "Base indisponible": "Store unavailable",
    "Recherche plein texte : mots, « phrase entre guillemets »": (
        'Full-text search: words, "a quoted phrase"'
    ),
    "Histoire": "Story",
    "Publié": "Published",
    "Collecté": "Stored",
    "Texte": "Text",
}

_TEXTS = {"fr": {}, "en": _EN}


def translator(lang: str) -> Callable[[str], str]:
    """`_("mot")`: the French text itself, or its English version."""
    table = _TEXTS.get(lang, {})
    return lambda text: table.get(text, text)
