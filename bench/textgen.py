"""Synthetic French news articles for the bench: varied enough that unrelated articles share
almost no 5-word shingles (as real ones), with signatures, sources and republished copies."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

PEOPLE = (
    "Sadio Camara", "Abdoulaye Diop", "Aminata Dembélé", "Moussa Traoré", "Fatoumata Coulibaly",
    "Issa Konaté", "Mariam Sangaré", "Oumar Maïga", "Boubacar Keïta", "Awa Diarra",
    "Bakary Samaké", "Hamidou Togo", "Kadiatou Sidibé", "Youssouf Cissé", "Salif Doumbia",
)  # fmt: skip
PLACES = (
    "Bamako", "Kayes", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Koulikoro",
    "Niono", "Bougouni", "Kati", "Djenné", "San", "Koutiala", "Nioro du Sahel",
    "Ménaka", "Bandiagara",
)  # fmt: skip
ACTORS = (
    "le gouvernement", "le ministère de l'Agriculture", "la mairie", "le gouverneur de la région",
    "le préfet", "une ONG partenaire", "la Banque mondiale", "le collectif des éleveurs",
    "l'association des commerçants", "le syndicat des enseignants", "l'armée malienne",
    "la chambre de commerce", "la coordination des femmes", "l'Office du Niger", "le CNT",
    "la protection civile", "le syndicat des transporteurs", "la direction régionale de la santé",
)  # fmt: skip
ACTIONS = (
    "a annoncé", "a lancé", "prévoit", "a inauguré", "réclame", "a financé", "a présenté",
    "dénonce", "a validé", "étudie", "a reporté", "soutient", "a distribué", "évalue",
)  # fmt: skip
NOUNS = (
    "un programme", "la réhabilitation", "une campagne", "un plan", "la construction", "un projet",
    "un fonds", "un atelier", "des kits", "un dispositif", "la rénovation", "un chantier",
    "une enquête", "un budget", "un partenariat", "une mission", "un recensement", "un appel",
)  # fmt: skip
COMPLEMENTS = (
    "de forages", "de vaccination", "d'irrigation", "scolaire", "de vivres", "solaire", "routier",
    "sanitaire", "de formation", "de sécurité", "agricole", "pastoral", "d'urgence", "numérique",
    "culturel", "hydraulique", "de reboisement", "minier", "électrique", "foncier",
)  # fmt: skip
DETAILS = (
    "pour un coût de {n} millions de FCFA", "au profit de {n} ménages", "dans {n} communes",
    "avec {n} agents mobilisés", "sur une durée de {n} mois", "pour {n} bénéficiaires",
    "avant la fin du mois de {month}", "depuis le {day} {month}", "à hauteur de {n} tonnes",
)  # fmt: skip
COMMENTS = (
    "« Nous attendons {n} résultats concrets », a déclaré {person}.",
    "Selon {person}, les effets seront visibles dès {month} {year}.",
    "Les habitants de {place} saluent l'initiative, {person} reste prudent.",
    "{person} a rappelé que {n} familles attendent depuis {month}.",
    "Une réunion est prévue à {place} le {day} {month}.",
    "{person} juge le calendrier de {month} ambitieux.",
    "À {place}, {n} habitants réclament davantage de moyens.",
    "Le bilan sera présenté à {place} le {day} {month} par {person}.",
)  # fmt: skip
WHEN = (
    "Le {day} {month}", "Depuis {n} jours", "Lundi {day} {month}", "Vendredi {day} {month}",
    "Dès le {day} {month}", "En {month} {year}", "Au bout de {n} semaines", "Le {day}/{m}",
)  # fmt: skip
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip
SOURCES = ("L'Essor", "LE COMBAT", "L'Indépendant", "Le Républicain", "Info-Matin", "AMAP")
TITLE_PREFIXES = ("Mali : ", "", "Région : ", "")


@dataclass(frozen=True)
class Article:
    """One synthetic article: what a page shows, before templating."""

    slug: str
    number: int  # maliweb-style numeric suffix
    title: str
    paragraphs: tuple[str, ...]
    author: str
    source: str | None
    published: datetime
    copy_of: str | None = None  # slug of the original when this is a republished copy


class Writer:
    """Deterministic generator of articles (same seed, same articles)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self.epoch = datetime(2026, 3, 1, tzinfo=UTC)

    def _fill(self, pattern: str) -> str:
        rng = self.rng
        return pattern.format(
            n=rng.randint(2, 9999),
            day=rng.randint(1, 28),
            month=rng.choice(MONTHS),
            m=rng.randint(1, 12),
            year=rng.randint(2019, 2026),
            person=rng.choice(PEOPLE),
            place=rng.choice(PLACES),
        )

    def sentence(self) -> str:
        rng = self.rng
        actor, action = rng.choice(ACTORS), rng.choice(ACTIONS)
        thing = f"{rng.choice(NOUNS)} {rng.choice(COMPLEMENTS)}"
        detail = self._fill(rng.choice(DETAILS))
        when = self._fill(rng.choice(WHEN))
        text = f"{when}, à {rng.choice(PLACES)}, {actor} {action} {thing} {detail}."
        if rng.random() < 0.5:
            text += " " + self._fill(rng.choice(COMMENTS))
        return text

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))

    def title(self) -> str:
        rng = self.rng
        return (
            f"{rng.choice(TITLE_PREFIXES)}{rng.choice(PLACES)} : {rng.choice(ACTORS)} "
            f"{rng.choice(ACTIONS)} {rng.choice(NOUNS)} {rng.choice(COMPLEMENTS)}"
        )

    def article(self) -> Article:
        """A new, original article."""
        self.count += 1
        title = self.title()
        return Article(
            slug=f"{_slugify(title)}-{self.count}",
            number=3_200_000 + self.count,
            title=title,
            paragraphs=tuple(self.paragraph() for _ in range(self.rng.randint(4, 7))),
            author=self.rng.choice(PEOPLE),
            source=self.rng.choice(SOURCES) if self.rng.random() < 0.6 else None,
            published=self.epoch - timedelta(minutes=self.rng.randint(0, 60 * 24 * 90)),
        )

    def copy(self, original: Article) -> Article:
        """A republished copy: another title, the last paragraph cut or one added, later date."""
        self.count += 1
        paragraphs = list(original.paragraphs)
        if self.rng.random() < 0.5:
            paragraphs.pop()
        else:
            paragraphs.append(self.paragraph())
        title = self.rng.choice(("Mali : ", "Actualité : ", "")) + original.title.lower()
        return replace(
            original,
            slug=f"{_slugify(title)}-{self.count}",
            number=3_200_000 + self.count,
            title=title,
            paragraphs=tuple(paragraphs),
            published=original.published + timedelta(hours=self.rng.randint(1, 48)),
            copy_of=original.slug,
        )


_ASCII = str.maketrans("àâäéèêëîïôöùûüçœ'’", "aaaeeeeiioouuucoee")


def _slugify(text: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in text.lower().translate(_ASCII)).split()
    return "-".join(words)[:70].strip("-")
