"""normalize_text: entities, mojibake, NFC and whitespace, without touching correct French."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from malinews.pipelines.clean import normalize_paragraphs, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Le ministre était accompagnÃ© de son homologue.",
            "Le ministre était accompagné de son homologue.",
        ),
        ("Bamako, le 12 aoÃ»t 2025", "Bamako, le 12 août 2025"),
        ("la s&eacute;curit&eacute;", "la sécurité"),
        ("la s&#233;curit&#233;", "la sécurité"),
        ("l&rsquo;arm&eacute;e", "l’armée"),
        ("A\u0300 Kati, les travaux avancent", "À Kati, les travaux avancent"),
        ("12\xa0000 tonnes de coton", "12 000 tonnes de coton"),
        ("Il a dit\u202f: «\u202fnon\u202f»", "Il a dit : « non »"),
        (
            "La délégation\n  est arrivée\thier   à Ségou.",
            "La délégation est arrivée hier à Ségou.",
        ),
        ("  Sécu\u00adrité\u200b \ufeff", "Sécurité"),
    ],
)
def test_repairs_what_sites_serve(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "french",
    [
        "L’ambassadeur de la Russie au Mali a apporté l’invitation au ministre.",
        "« Les participants examineront les questions de sécurité », a-t-il déclaré.",
        "Le cœur de l’œuvre : Ségou, Kéïta, Choïgou… et l’Été — c’est tout !",
        "Qu'en pense l'opposition ? « Rien », répond-elle.",
    ],
)
def test_leaves_correct_french_alone(french: str) -> None:
    assert normalize_text(french) == french


def test_normalize_paragraphs_drops_empty_ones_and_keeps_order() -> None:
    raw = ["Premier\nparagraphe.", " \xa0 ", "", "Second&nbsp;paragraphe."]
    assert normalize_paragraphs(raw) == ["Premier paragraphe.", "Second paragraphe."]


@given(st.text())
def test_output_is_one_nfc_line_with_single_spaces(text: str) -> None:
    clean = normalize_text(text)
    assert clean == clean.strip()
    assert "  " not in clean
    assert all(char == " " or not char.isspace() for char in clean)
    assert unicodedata.is_normalized("NFC", clean)
