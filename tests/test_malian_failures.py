"""The Malian failures of issue 12 (part 5), each on a page of its own through the generic path
(`malinews extract` on a site without a profile) unless a built-in profile is named.

The pages in tests/malian are synthetic (written by this project, see its README); the seeds
(tests/seeds) are real article texts wrapped in the bamada demo template.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from malinews.pipelines.chain import extract_page
from malinews.pipelines.keywords import AlertRule
from malinews.sites import BUILTIN, generic_profile
from malinews.sites.profile import SiteProfile
from tests.conftest import SEEDS
from tests.test_crawl import wrap_seed

PAGES = Path(__file__).resolve().parent / "malian"
NOW = datetime(2025, 12, 17, 12, 0, tzinfo=UTC)
LAST_PARAGRAPH = "partenariats industriels entre les nations."


def _extract(name: str, url: str, profile: SiteProfile | None = None, **kw: Any) -> dict:
    site = profile or generic_profile("site", (url,))
    record = extract_page((PAGES / name).read_bytes(), url, site, now=NOW, **kw)
    assert record is not None, f"{name} refused"
    return record


def test_the_site_name_is_cut_from_a_title_taken_from_the_title_tag() -> None:
    record = _extract(
        "title-site-prefix.html", "https://www.bamakoinfos.com/bamex-2026-les-diplomates-invites"
    )
    assert record["title"] == "Bamex 2026 : les diplomates invités à mobiliser leurs gouvernements"
    assert record["author"] == "Moussa Traoré"


def test_share_bars_after_the_body_are_not_body_text() -> None:
    record = _extract("share-bar-end.html", "https://lereporter.ml/bamex-2026-diplomates-mobilises")
    assert record["text"].endswith(LAST_PARAGRAPH), record["text"][-200:]
    assert "Facebook" not in record["text"] and "Partager" not in record["text"]
    assert record["author"] == "Aminata Diarra"


def test_a_signature_after_the_source_line_is_the_author() -> None:
    """The lede sits in a block before the body's: the article is kept whole, and the
    signature and source that trafilatura's reading leaves out are still found."""
    record = _extract("signature-after-source.html", "https://maliactualites.net/bamex-2026-diplo")
    assert record["text"].startswith("Le ministre des Affaires étrangères a réuni hier lundi")
    assert record["source"] == "LE COMBAT"
    assert record["author"] == "Bourama Kéïta"
    assert record["text"].endswith(LAST_PARAGRAPH)


def test_a_page_dated_only_in_its_body_is_an_article() -> None:
    record = _extract("date-in-body-only.html", "https://www.lecitoyen.ml/index.php?id=2218")
    assert record["title"] == "Bamex 2026 : les diplomates mobilisés"
    assert record["published"].startswith("2025-12-16")
    assert record["author"] == "Fatoumata Coulibaly"


def test_the_bamada_seed_order_comes_out_clean_without_the_bamada_profile(tmp_path: Path) -> None:
    page, url, _ = wrap_seed("bamada", SEEDS / "004_dd029ab39c040a3e.txt")
    record = extract_page(page, url, generic_profile("bamada", ("https://bamada.net/",)), now=NOW)
    assert record is not None
    assert record["author"] == "Bourama Kéïta" and record["source"] == "LE COMBAT"
    assert record["text"].startswith("La 9e Conférence de Moscou")
    assert record["text"].endswith("remplacer la France qui annonce son retrait ?")
    removed = [entry["line"] for entry in record["removed"]]
    assert "Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne" in removed


MALIJET_URL = "https://malijet.com/a_la_une_du_mali/301390-hivernage--les-armees-preparent-les.html"
AES = AlertRule.from_config({"name": "aes", "keywords": ["AES"]})


def test_malijet_2024_source_is_the_first_line_of_the_card_body() -> None:
    record = _extract("malijet-2024.html", MALIJET_URL, BUILTIN["malijet"])
    assert record["source"] == "L'Indépendant"
    assert record["published"].startswith("2025-12-12")
    assert record["text"].startswith("Les chefs d’état-major")
    assert "L'Indépendant" not in record["text"] and "Date :" not in record["text"]


def test_malijet_related_block_is_removed_whole_and_raises_no_alert() -> None:
    record = _extract("malijet-2024.html", MALIJET_URL, BUILTIN["malijet"], rules=(AES,))
    for headline in ("AES : la force unifiée", "Bamex 2026 : le ministre", "Kati : un camion"):
        assert headline not in record["text"]
    assert record["keyword_hits"] == []
    assert record["text"].endswith("avant la fin du premier trimestre.")
