"""Page bytes -> text as a crawler receives them: XHTML with an XML declaration, UTF-16 without a
BOM. The pages are synthetic (written here), in the shape of a Malian article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from malinews.extraction.html import decode_html
from malinews.pipelines.chain import extract_page
from malinews.sites import generic_profile

URL = "https://www.exemple-mali.net/2025/11/12/kidal-reprise-des-cours-dans-les-ecoles/"
PROFILE = generic_profile("exemple-mali", ("https://www.exemple-mali.net/",))
TITLE = "Kidal : reprise des cours dans une vingtaine d’écoles"
PARAGRAPHS = (
    "Après plusieurs années de fermeture, une vingtaine d’écoles de la région de Kidal ont "
    "rouvert leurs portes ce lundi, selon l’académie d’enseignement.",
    "Les enseignants redéployés ont été accueillis par les autorités intérimaires et les "
    "parents d’élèves, qui réclamaient depuis longtemps le retour des classes.",
    "Le ministère de l’Éducation annonce des cantines scolaires et des kits pour les élèves "
    "des villages les plus éloignés de Kidal avant la fin du premier trimestre.",
)


def _page(head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'{head}<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{TITLE}</title>'
        '<meta property="og:type" content="article"/></head>'
        f'<body><h1>{TITLE}</h1><div class="entry">{body}</div></body></html>'
    )


def _record(body: bytes) -> dict | None:
    return extract_page(body, URL, PROFILE, now=datetime(2025, 11, 13, tzinfo=UTC))


@pytest.mark.parametrize("encoding", ["iso-8859-1", "utf-8"])
def test_an_xhtml_page_with_an_xml_declaration_is_read(encoding: str) -> None:
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>\n'
    html = _page(declaration).replace("’", "'")  # ISO-8859-1 has no curly quote
    record = _record(html.encode(encoding))
    assert record is not None, "refused"
    assert record["title"] == TITLE.replace("’", "'")
    assert "vingtaine d'écoles de la région de Kidal" in record["text"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_bom_is_read(encoding: str) -> None:
    text = decode_html(_page().encode(encoding))
    assert TITLE in text and "\x00" not in text
    record = _record(_page().encode(encoding))
    assert record is not None and record["title"] == TITLE
    assert PARAGRAPHS[2] in record["text"]


def test_an_8bit_page_is_not_taken_for_utf16() -> None:
    assert decode_html(_page().encode("cp1252")) == _page()
