"""strip_boilerplate: furniture, signatures and source lines out, real body paragraphs kept."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from malinews.article import Article
from malinews.pipelines.boilerplate import (
    GLOBAL_PHRASES,
    boilerplate_item,
    line_key,
    strip_boilerplate,
)
from malinews.pipelines.clean import normalize_paragraphs
from malinews.pipelines.store import LEARN_MIN_ARTICLES, Store
from malinews.sites import generic_profile

SEEDS = Path(__file__).resolve().parent / "seeds"
TITLE_004 = (
    "Conférence de Moscou sur la sécurité internationale: Le Colonel Sadio Camara "
    "pourra-t-il décrocher un partenariat avec la Russie ?"
)
BODY = [
    "Le ministre de l’Agriculture a lancé hier à Sikasso la campagne agricole 2025-2026.",
    "Les producteurs de coton attendent des engrais subventionnés avant les premières pluies.",
]


def seed_paragraphs(prefix: str) -> list[str]:
    """A seed file split on newlines, as the extractor hands paragraphs over."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return normalize_paragraphs(path.read_text(encoding="utf-8").splitlines())


def reasons(removed: list[dict]) -> list[tuple[str, str]]:
    return [(entry["line"], entry["reason"]) for entry in removed]


def test_seed_004_keeps_the_body_and_finds_author_and_source() -> None:
    result = strip_boilerplate(seed_paragraphs("004"), title=TITLE_004)

    assert (result.author, result.source) == ("Bourama Kéïta", "LE COMBAT")
    assert len(result.paragraphs) == 10
    assert result.paragraphs[0].startswith("La 9e Conférence de Moscou sur la sécurité")
    assert result.paragraphs[-1].startswith("Pour rappel, des manifestations ont eu lieu à Bamako")
    for unwanted in ("Suivez-nous", "Ecoutez les radios", "ORTM en direct", "Source", "Bourama"):
        assert not any(unwanted in paragraph for paragraph in result.paragraphs), unwanted
    assert TITLE_004 not in result.paragraphs
    facebook = "Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne"
    assert reasons(result.removed) == [
        (facebook, "phrase"),
        (TITLE_004, "title"),
        ("Bourama Kéïta", "signature"),
        ("Source: LE COMBAT", "source"),
        (facebook, "phrase"),
        ("Ecoutez les radios du Mali sur vos mobiles et tablettes", "phrase"),
        ("ORTM en direct Finance", "phrase"),
    ]


def test_seed_000_signed_by_initial_without_source() -> None:
    paragraphs = seed_paragraphs("000")
    result = strip_boilerplate(paragraphs[1:], title=paragraphs[0])

    assert (result.author, result.source) == ("F. Sissoko", None)
    assert result.paragraphs == paragraphs[1:-1]


@pytest.mark.parametrize(
    ("signature", "author"),
    [
        ("Bourama Kéïta", "Bourama Kéïta"),
        ("F. Sissoko", "F. Sissoko"),
        ("A. B. Traoré", "A. B. Traoré"),
        ("Mariam F. Diallo", "Mariam F. Diallo"),
        ("Khaly-Moustapha LEYE", "Khaly-Moustapha LEYE"),
        ("A.B.D", "A.B.D"),
        ("MS", "MS"),
        ("M .Keita", "M .Keita"),
        ("PAR SIKOU BAH", "SIKOU BAH"),
        ("Par Fatoumata Coulibaly", "Fatoumata Coulibaly"),
        ("Par ABH (Ben Junior)", "ABH (Ben Junior)"),
        ("Propos recueillis par Ousmane Tangara", "Ousmane Tangara"),
        ("S. Guindo/Malijet.com", "S. Guindo"),
        ("Zana/Malijet.com", "Zana"),
        ("La Rédaction", "La Rédaction"),
        ("Rédaction Lessor", "Rédaction Lessor"),
        ("Stagiaire Alassane AHAMADOU", "Alassane AHAMADOU"),
        ("Broulaye Koné, Stagiaire", "Broulaye Koné"),
        ("Oumar Ould Mohamed", "Oumar Ould Mohamed"),
    ],
)
def test_trailing_signature_shapes(signature: str, author: str) -> None:
    result = strip_boilerplate([*BODY, signature])

    assert result.author == author
    assert result.paragraphs == BODY
    assert reasons(result.removed) == [(signature, "signature")]


@pytest.mark.parametrize(
    "last_line",
    [
        "Affaire à suivre.",
        "Le gouvernement a démenti.",
        "À suivre",
        "Qui vivra verra !",
        "Merci.",
        # Rule for place names: a line starting with an article ("Le Mali", "La Russie") is never a
        # signature (only newsrooms: "La Rédaction"), and a lone word needs "Par", an outlet or
        # initials, so "Bamako" stays. "Sadio Camara" alone would be read as a signature.
        "Le Mali",
        "La Russie",
        "Bamako",
        "Les autorités de la Transition",
    ],
)
def test_short_last_sentences_are_not_authors(last_line: str) -> None:
    result = strip_boilerplate([*BODY, last_line])

    assert result.author is None
    assert result.paragraphs == [*BODY, last_line]
    assert result.removed == []


def test_byline_as_first_paragraph() -> None:
    result = strip_boilerplate(["Par Fatoumata Coulibaly", *BODY])

    assert result.author == "Fatoumata Coulibaly"
    assert result.paragraphs == BODY


def test_paragraph_opening_with_par_is_not_a_byline() -> None:
    opening = "Par ailleurs, le ministre a annoncé une hausse du prix du coton graine."
    assert strip_boilerplate([opening, *BODY]).paragraphs == [opening, *BODY]


@pytest.mark.parametrize(
    ("tail", "author", "source"),
    [
        (["Source : L'Essor."], None, "L'Essor"),
        (["Mariam F. Diallo", "Source: Studio Tamani"], "Mariam F. Diallo", "Studio Tamani"),
        (["Source: TV5", "Moussa Dagnoko"], "Moussa Dagnoko", "TV5"),
        (["AMAP"], None, "AMAP"),
        (["(AFP)"], None, "AFP"),
        (["……..Agence Anadolu"], None, "Agence Anadolu"),
    ],
)
def test_source_lines_and_wire_tags(tail: list[str], author: str | None, source: str) -> None:
    result = strip_boilerplate([*BODY, *tail])

    assert (result.author, result.source) == (author, source)
    assert result.paragraphs == BODY


def test_source_line_far_from_the_end_is_body_text() -> None:
    quote = "Source : un rapport du ministère"
    paragraphs = [quote, *BODY, BODY[0] + " Encore.", BODY[1] + " Toujours."]
    assert strip_boilerplate(paragraphs).source is None


def test_signature_glued_after_the_last_sentence() -> None:
    last = "La question est de savoir si le Colonel pourra obtenir son retrait ? Bourama Kéïta"
    result = strip_boilerplate([BODY[0], last])

    assert result.author == "Bourama Kéïta"
    assert (
        result.paragraphs[-1]
        == "La question est de savoir si le Colonel pourra obtenir son retrait ?"
    )
    assert reasons(result.removed) == [("Bourama Kéïta", "signature")]


@pytest.mark.parametrize(
    "last",
    [
        "Le ministre a été reçu hier au palais par M. Moussa Traoré",
        "Les supporters se sont donné rendez-vous au stade. Coupe du Monde",
        "Le ministre a remercié les partenaires techniques. Il a ensuite quitté la salle",
    ],
)
def test_capitalised_endings_that_are_not_glued_signatures(last: str) -> None:
    result = strip_boilerplate([BODY[0], last])

    assert result.author is None
    assert result.paragraphs == [BODY[0], last]


@pytest.mark.parametrize(
    "line",
    [
        "ORTM en direct Finance",
        "Africable en direct",
        "Partager :",
        "Partager sur Facebook",
        "Your email address will not be published. Required fields are marked *",
        "Getting your Trinity Audio player ready...",
        "RADIO FM MALI : ECOUTER LIVE !",
        "Commentaires via Facebook :",
        "NB: Le titre est de la rédaction",
        "© 2025 Maliweb.net. Tous droits réservés.",
        "Copyright 2022 - All Right Reserved. Designed and Developed by PenciDesign",
        "SUIVEZ-NOUS SUR FACEBOOK POUR NE RIEN RATER DE L’ACTUALITÉ MALIENNE",
    ],
)
def test_furniture_lines_are_removed_as_phrases(line: str) -> None:
    result = strip_boilerplate([BODY[0], line, BODY[1]])

    assert result.paragraphs == BODY
    assert reasons(result.removed) == [(line, "phrase")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Partager sur Facebook ses photos de vacances est devenu un réflexe chez les jeunes.",
        "Le match sera retransmis sur ORTM en direct depuis le stade du 26 Mars.",
        "Partager le pouvoir",
        # over 40 words: never removed for a phrase prefix, even one made of phrases
        " ".join(["Suivez-nous sur Facebook pour ne rien rater de l'actualité malienne"] * 4)
        + " et ailleurs",
    ],
)
def test_phrases_inside_real_text_do_not_remove_it(sentence: str) -> None:
    assert strip_boilerplate([*BODY, sentence, BODY[0] + " Fin."]).paragraphs[2] == sentence


def test_related_block_removes_up_to_three_headlines() -> None:
    headlines = [
        "Mali : la campagne cotonnière démarre à Koutiala",
        "Sikasso : les producteurs réclament des engrais",
        "CAN 2025 : les Aigles en stage à Bamako",
    ]
    after = "Hausse des prix"  # a fourth short line is no longer part of the block
    result = strip_boilerplate([BODY[0], "À lire aussi", *headlines, after, BODY[1]])

    assert result.paragraphs == [BODY[0], after, BODY[1]]
    assert [entry["reason"] for entry in result.removed] == ["phrase"] * 4


def test_related_block_stops_at_a_real_sentence() -> None:
    result = strip_boilerplate([BODY[0], "Lire aussi : Le coton en hausse", *BODY])
    assert result.paragraphs == [BODY[0], *BODY]


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("A60P6882-660x380En écoutant les producteurs, le ministre a promis.", "En écoutant"),
        ("IMG_2024_0512.jpgLe préfet a visité le chantier.", "Le préfet a visité"),
        ("Le président a salué la victoire pic.twitter.com/Ab12Cd34", "Le président a salué"),
        ("## Les enjeux de la conférence", "Les enjeux de la conférence"),
    ],
)
def test_residue_glued_to_text_is_cut(line: str, kept: str) -> None:
    result = strip_boilerplate([line, *BODY])

    assert result.paragraphs[0].startswith(kept)
    assert len(result.paragraphs) == 3
    assert [entry["reason"] for entry in result.removed] == ["residue"]
    assert result.removed[0]["line"] not in result.paragraphs[0]


@pytest.mark.parametrize(
    "line",
    [
        "pic.twitter.com/Ab12Cd34",
        "@malijet",
        "17",
        "—",
        "###",
        "* * *",
        "https://www.facebook.com/primature.mali/posts/2800731780195723",
        "https://www.youtube.com/watch?v=Xy12ab34Cd5",
        "https://example.org/wp-content/uploads/2025/12/ministre-sikasso.jpg",
    ],
)
def test_residue_lines_are_removed(line: str) -> None:
    result = strip_boilerplate([BODY[0], line, BODY[1]])

    assert result.paragraphs == BODY
    assert [entry["reason"] for entry in result.removed] == ["residue"]


@pytest.mark.parametrize(
    "link", ["http://amzn.to/2iJFhRj", "https://www.sgg-mali.ml/JO/2025/mali-jo-2025-21.pdf"]
)
def test_a_link_the_article_gives_on_its_own_line_is_kept(link: str) -> None:
    """Only embeds and media files left as addresses are residue, not the article's links."""
    lines = [BODY[0], "Le décret est publié au Journal officiel :", link, BODY[1]]

    result = strip_boilerplate(lines)

    assert result.paragraphs == lines
    assert result.removed == []


def test_lessor_teasers_after_the_signature_are_cut() -> None:
    teasers = [
        "Koulikoro : la foire agricole ouvre ses portes",
        "Le gouverneur a présidé hier la cérémonie d’ouverture de la foire régionale..",
        "Les cotonculteurs de Fana ont reçu leurs premiers intrants de la saison..",
    ]
    result = strip_boilerplate([*BODY, "Aboubacar TRAORE", *teasers])

    assert result.author == "Aboubacar TRAORE"
    assert result.paragraphs == BODY
    assert [entry["reason"] for entry in result.removed] == ["signature"] + ["teaser"] * 3


def test_ellipsis_ending_without_signature_is_kept() -> None:
    last = "Et la suite ne dépend plus que des autorités de la Transition.."
    assert strip_boilerplate([*BODY, last]).paragraphs == [*BODY, last]


def test_site_phrases_and_learned_lines() -> None:
    learned = {line_key("Retrouvez nos émissions sur notre chaîne YouTube")}
    paragraphs = [
        "CAMON",
        BODY[0],
        "Retrouvez nos émissions sur notre chaîne YouTube",
        BODY[1],
    ]
    result = strip_boilerplate(paragraphs, site_phrases=("CAMON",), learned=learned)

    assert result.paragraphs == BODY
    assert [entry["reason"] for entry in result.removed] == ["site-phrase", "learned"]


def test_line_key_folds_case_accents_punctuation_and_apostrophes() -> None:
    assert line_key("  À lire aussi : ") == "a lire aussi"
    assert line_key("l’actualité MALIENNE") == line_key("l'actualite malienne")
    assert line_key("A\u0300 Kati") == line_key("À Kati") == "a kati"


FRENCH_WORDS = (
    "le ministre a présidé hier à Bamako la cérémonie de lancement des travaux du nouveau "
    "pont sur le fleuve Niger en présence des autorités régionales et des partenaires"
).split()
LONG_PARAGRAPH = st.lists(st.sampled_from(FRENCH_WORDS), min_size=41, max_size=70).map(
    lambda words: " ".join(words).capitalize() + "."
)
FURNITURE = st.sampled_from(
    GLOBAL_PHRASES
    + ("Bourama Kéïta", "F. Sissoko", "Source: LE COMBAT", "AMAP", "17", "@malijet", "x..")
)
PARAGRAPHS = st.lists(st.one_of(LONG_PARAGRAPH, FURNITURE, st.text(max_size=80)), max_size=14)


@given(PARAGRAPHS, st.text(max_size=40))
def test_never_raises_never_grows_and_keeps_long_unique_paragraphs(
    paragraphs: list[str], title: str
) -> None:
    result = strip_boilerplate(paragraphs, title=title)

    assert sum(map(len, result.paragraphs)) <= sum(map(len, paragraphs))
    phrase_keys = [line_key(phrase) for phrase in GLOBAL_PHRASES]
    for paragraph in paragraphs:
        is_long = len(paragraph.split()) > 40
        has_phrase = any(key in line_key(paragraph) for key in phrase_keys)
        if is_long and paragraphs.count(paragraph) == 1 and not has_phrase:
            assert paragraph in result.paragraphs


def test_english_read_more_and_dont_miss_blocks_are_removed() -> None:
    """Sahelien's English edition and wire copy carry the same related blocks in English."""
    english = [
        "The ministers of the Alliance of Sahel States met in Bamako on Monday.",
        "They agreed on the statutes of a confederal bank, to open next year.",
    ]
    related = [
        "READ MORE: Niger bans cattle exports to protect its market",
        "DON'T MISS",
        "Burkina Faso reopens the Ouagadougou road [NEWS]",
        "Mali: schools reopen in Kidal [INSIGHT]",
    ]
    result = strip_boilerplate([english[0], *related, english[1]])

    assert result.paragraphs == english
    assert [entry["line"] for entry in result.removed] == related


def test_a_recurring_signature_and_source_are_never_learned(tmp_path: Path) -> None:
    """A journalist signs every article and a paper is credited on each: after many articles
    of one site with the same byline and source line, both are still read, not removed as
    learned boilerplate. The recurring prompt line is learned. (Synthetic paragraphs.)"""
    profile = generic_profile("journal", ("https://journal.example.ml/",))
    store = Store(tmp_path)
    try:
        for number in range(LEARN_MIN_ARTICLES + 2):
            paragraphs = [
                "PAR OUMAR MAÏGA",
                f"{BODY[0]} ({number})",
                f"{BODY[1]} ({number})",
                "Source : L'Essor",
                "Abonnez-vous à notre lettre du matin",
            ]
            item = Article.of(
                f"https://journal.example.ml/a-{number}", "journal", "Titre", paragraphs=paragraphs
            )
            item = boilerplate_item(item, profile=profile, learned=store.learned_lines("journal"))
            assert (item.author, item.source) == ("OUMAR MAÏGA", "L'Essor"), number
            with store.transaction():
                store.count_lines("journal", item.line_keys)
        assert store.learned_lines("journal") == {line_key("Abonnez-vous à notre lettre du matin")}
    finally:
        store.close()
