"""Alert rules and keyword matching as analysts rely on them."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from malinews.article import Hit
from malinews.pipelines.keywords import AlertRule, KeywordMatcher, RuleError, fold

SEEDS = Path(__file__).resolve().parent / "seeds"


def rule(*keywords: str | tuple[str, ...], **options) -> AlertRule:
    """A rule named "r" whose keywords are given as strings or tuples of variants."""
    groups = tuple((k,) if isinstance(k, str) else k for k in keywords)
    return AlertRule(name="r", keywords=groups, **options)


def hits(r: AlertRule, text: str, *, title: str = "", site: str = "maliweb") -> list[Hit]:
    return KeywordMatcher([r]).match(title=title, text=text, site=site)


FIRES = [
    # case and accents
    ("securite", "La Sécurité avant tout.", "Sécurité"),
    ("BAMEX", "Le salon Bamex a fermé ses portes.", "Bamex"),
    ("Goita", "Le président Assimi Goïta a reçu les diplomates.", "Goïta"),
    ("Goïta", "LE GÉNÉRAL GOITA", "GOITA"),
    ("Ménaka", "Retour au calme à MENAKA.", "MENAKA"),
    ("Œuvre", "Une oeuvre collective.", "oeuvre"),
    # French elision, both apostrophes
    ("Africa Corps", "Les hommes de l'Africa Corps sont arrivés.", "Africa Corps"),
    ("Africa Corps", "Les hommes de l’Africa Corps sont arrivés.", "Africa Corps"),
    ("Essor", "Selon L'Essor, la réunion a eu lieu.", "Essor"),
    ("AES", "Les ministres d’AES se réunissent.", "AES"),
    ("L'Essor", "Selon L’Essor, la réunion a eu lieu.", "L’Essor"),
    # multi-word keywords across whitespace and hyphens
    ("Sadio Camara", "Le ministre Sadio  Camara était présent.", "Sadio  Camara"),
    ("Sadio Camara", "Le ministre Sadio\nCamara était présent.", "Sadio\nCamara"),
    ("Sadio Camara", "Le ministre Sadio-Camara était présent.", "Sadio-Camara"),
    ("sécurité alimentaire", "Plan de Sécurité Alimentaire 2026.", "Sécurité Alimentaire"),
    ("Bamex 2025", "Le BAMEX 2025 a réuni 60 pays.", "BAMEX 2025"),
    ("Bamex-2025", "Le Bamex 2025 a réuni 60 pays.", "Bamex 2025"),
    # whole tokens next to punctuation
    ("Kidal", "Kidal, le 3 mars (AMAP).", "Kidal"),
    ("Tombouctou", "Direction Tombouctou.", "Tombouctou"),
    # regex metacharacters are literal
    ("(a+)+$", "Le motif (a+)+$ est cité tel quel.", "(a+)+$"),
    ("C++", "Un cours de C++ à Bamako.", "C++"),
    ("a.c", "Le sigle a.c figure au texte.", "a.c"),
]


@pytest.mark.parametrize(("keyword", "text", "matched"), FIRES)
def test_keyword_fires(keyword: str, text: str, matched: str) -> None:
    [hit] = hits(rule(keyword), text)
    assert (hit.keyword, hit.matched) == (keyword, matched)


DOES_NOT_FIRE = [
    ("RT", "Le journal de l'ORTM de 20 heures."),
    ("AES", "Un discours de Caesar."),
    ("Kidal", "Les Kidaliens sont rentrés."),
    ("Mali", "La Somalie et le Soudan."),
    ("Sadio Camara", "Il a vu Sadio, Camara est resté."),
    ("Sadio Camara", "Il a vu Sadio. Camara est resté."),
    ("sécurité alimentaire", "La sécurité et l'aide alimentaire."),
    ("Bamex 2025", "Le Bamex 20250."),
    ("Bamex 2025", "Le Bamex 2026 se prépare."),
    ("(a+)+$", "a" * 40 + "b"),
    ("a.c", "Le mot abc."),
    ("C++", "Un cours de C à Bamako."),
]


@pytest.mark.parametrize(("keyword", "text"), DOES_NOT_FIRE)
def test_keyword_does_not_fire(keyword: str, text: str) -> None:
    assert hits(rule(keyword), text) == []


def test_fold() -> None:
    assert fold("Sécurité ALIMENTAIRE") == "securite alimentaire"
    assert fold("L’Essor — Mali–Niger") == "l'essor - mali-niger"
    assert fold("Goïta, Türkiye, Œuvre") == "goita, turkiye, oeuvre"


def test_variants_report_the_variant_found() -> None:
    r = rule(("Türkiye", "Turquie"), ("Wagner", "Africa Corps"))
    [hit] = hits(r, "La Turquie livre des drones; Wagner devient Africa Corps.")
    assert (hit.keyword, hit.matched) == ("Turquie", "Turquie")


def test_first_hit_in_text_order_and_one_hit_per_rule() -> None:
    r = rule("Kidal", "Ménaka")
    [hit] = hits(r, "À Ménaka puis à Kidal. Encore Kidal.")
    assert hit.keyword == "Ménaka"


def test_title_is_checked_before_text() -> None:
    [hit] = hits(rule("Kidal"), "Le convoi a quitté Kidal hier.", title="Retour à Kidal")
    assert hit.snippet == "Retour à **Kidal**"


def test_longest_keyword_wins_at_the_same_position() -> None:
    [hit] = hits(rule("Bamex", "Bamex 2025"), "Le Bamex 2025 est clos.")
    assert hit.matched == "Bamex 2025"


ALL_EXCLUDE = rule("Bamex", all=(("Russie", "Moscou"),), exclude=(("football",),))


@pytest.mark.parametrize(
    ("title", "text", "fires"),
    [
        ("", "Le Bamex accueille la Russie.", True),
        ("", "Le Bamex accueille une délégation de Moscou.", True),
        ("Russie : visite", "Le Bamex accueille une délégation.", True),
        ("", "Le Bamex accueille une délégation.", False),
        ("", "Le Bamex accueille la Russie avant le match de football.", False),
        ("Football", "Le Bamex accueille la Russie.", False),
    ],
)
def test_all_and_exclude(title: str, text: str, fires: bool) -> None:
    assert bool(hits(ALL_EXCLUDE, text, title=title)) is fires


def test_every_all_group_must_occur() -> None:
    r = rule("Bamex", all=(("Russie",), ("Türkiye",)))
    assert hits(r, "Bamex : la Russie et la Türkiye.")
    assert not hits(r, "Bamex : la Russie seule.")


@pytest.mark.parametrize(("site", "fires"), [("maliweb", True), ("malijet", False)])
def test_sites_restrict_a_rule(site: str, fires: bool) -> None:
    r = rule("Kidal", sites=("maliweb", "lessor"))
    assert bool(hits(r, "Kidal sous tension.", site=site)) is fires


def test_several_rules_each_give_one_hit() -> None:
    rules = [
        AlertRule("bamex", (("Bamex",),), severity="warning"),
        AlertRule("russie", (("Russie",),)),
        AlertRule("kidal", (("Kidal",),)),
    ]
    found = KeywordMatcher(rules).match(
        title="Bamex 2026", text="La Russie et le Bamex. Encore la Russie.", site="x"
    )
    assert [(h.rule, h.severity) for h in found] == [("bamex", "warning"), ("russie", "info")]


def test_snippet_is_the_original_sentence_highlighted() -> None:
    text = (
        "Premier point. Le ministre de la Sécurité a parlé à Bamako, hier. Autre phrase ici !\n"
        "Un second paragraphe."
    )
    [hit] = hits(rule("securite"), text)
    assert hit.snippet == "Le ministre de la **Sécurité** a parlé à Bamako, hier."


def test_snippet_of_a_long_sentence_is_a_window() -> None:
    before = "Selon plusieurs sources locales jointes par téléphone " * 6
    after = " où les habitants attendent toujours le retour des services de l'État " * 6
    [hit] = hits(rule("kidal"), f"Introduction. {before}à Kidal{after}. Fin.")
    assert "à **Kidal** où" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 310


def test_snippet_on_a_seed_article() -> None:
    title, _, text = (SEEDS / "000_d4f505b761f521f8.txt").read_text().partition("\n")
    [hit] = hits(rule(("Turquie", "Türkiye")), text, title=title)
    assert hit.snippet == (
        "Il a adressé une mention spéciale à la **Türkiye** qui était le partenaire principal "
        "et la Russie."
    )


CONFIG = """
[[alerts]]
name = "sahel-defense"
keywords = ["Bamex", ["Türkiye", "Turquie"], ["Wagner", "Africa Corps"]]
all = [["Mali"]]
exclude = ["football"]
sites = ["maliweb", "lessor"]
severity = "critical"
channels = ["webhook-ops", "mail"]
"""


def test_from_config_reads_a_toml_table() -> None:
    [table] = tomllib.loads(CONFIG)["alerts"]
    assert AlertRule.from_config(table) == AlertRule(
        name="sahel-defense",
        keywords=(("Bamex",), ("Türkiye", "Turquie"), ("Wagner", "Africa Corps")),
        all=(("Mali",),),
        exclude=(("football",),),
        sites=("maliweb", "lessor"),
        severity="critical",
        channels=("webhook-ops", "mail"),
    )


def test_from_config_defaults() -> None:
    r = AlertRule.from_config({"name": "kidal", "keywords": ["Kidal"]})
    assert (r.severity, r.sites, r.channels, r.all, r.exclude) == ("info", (), (), (), ())


@pytest.mark.parametrize(
    ("table", "rule_label", "key"),
    [
        ({"keywords": ["Kidal"]}, "(unnamed)", "name"),
        ({"name": "Kidal Nord", "keywords": ["Kidal"]}, "'Kidal Nord'", "name"),
        ({"name": 7, "keywords": ["Kidal"]}, "(unnamed)", "name"),
        ({"name": "kidal"}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": []}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": "Kidal"}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": ["Kidal", ""]}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": ["Kidal", " – "]}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": [["Kidal", "  "]]}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": [[]]}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": [3]}, "'kidal'", "keywords"),
        ({"name": "kidal", "keywords": ["Kidal"], "all": [["Mali", 2]]}, "'kidal'", "all"),
        ({"name": "kidal", "keywords": ["Kidal"], "exclude": "sport"}, "'kidal'", "exclude"),
        ({"name": "kidal", "keywords": ["Kidal"], "sites": "maliweb"}, "'kidal'", "sites"),
        ({"name": "kidal", "keywords": ["Kidal"], "channels": [1]}, "'kidal'", "channels"),
        ({"name": "kidal", "keywords": ["Kidal"], "severity": "urgent"}, "'kidal'", "severity"),
        ({"name": "kidal", "keywords": ["Kidal"], "keyword": ["x"]}, "'kidal'", "keyword"),
        ({"name": "kidal\nnord", "keywords": ["Kidal"]}, "'kidal\\nnord'", "name"),
    ],
)
def test_from_config_errors_name_rule_and_key(table: dict, rule_label: str, key: str) -> None:
    with pytest.raises(RuleError) as info:
        AlertRule.from_config(table)
    message = str(info.value)
    assert "\n" not in message
    assert f"alert rule {rule_label}" in message
    assert f"key {key!r}" in message


METACHARACTERS = ["(a+)+$", "[", "\\", "a{1,99999}", ".*", "(?P<x>", "^$|", "*"]
keyword_text = st.one_of(st.text(), st.sampled_from(METACHARACTERS))


@given(
    keywords=st.lists(keyword_text, min_size=1, max_size=4),
    extra=st.lists(keyword_text, max_size=2),
    title=st.text(),
    text=st.text(),
)
def test_match_never_raises_and_hits_point_into_the_article(
    keywords: list[str], extra: list[str], title: str, text: str
) -> None:
    r = rule(*keywords, all=tuple((k,) for k in extra), exclude=(("zzzzq",),))
    for hit in hits(r, text, title=title):
        assert hit.matched in title or hit.matched in text
        assert f"**{hit.matched}**" in hit.snippet


@given(keyword=keyword_text, before=st.text(), after=st.text())
@example(keyword="(a+)+$", before="a" * 30, after="b")
@example(keyword="l’Africa-Corps", before="", after="")
@example(keyword="0\ua6740", before="", after="")  # a combining mark the tokenizer splits off
@example(keyword="\x08\u20d0{", before="", after="")
def test_a_keyword_matches_itself_between_spaces(keyword: str, before: str, after: str) -> None:
    try:
        r = AlertRule.from_config({"name": "r", "keywords": [keyword]})
    except RuleError:
        assert not any(c.isalnum() for c in keyword)
        return
    assert len(hits(r, f"{before} {keyword} {after}")) == 1


ANALYST_KEYWORDS = [
    ("Bamex",),
    ("Sadio Camara",),
    ("Assimi Goïta",),
    ("FAMa",),
    ("Africa Corps", "Wagner"),
    ("JNIM", "GSIM"),
    ("AES",),
    ("Kidal",),
    ("sécurité alimentaire",),
    ("Türkiye", "Turquie"),
]


def many_rules(count: int) -> list[AlertRule]:
    """The analysts' 10 rules, then rules whose first word is often common in the article."""
    rules = [AlertRule(f"a{i}", (kw,)) for i, kw in enumerate(ANALYST_KEYWORDS)]
    starts = ["le", "de", "ministre", "sécurité", "Mali", "Russie", "mot"]
    for n in range(count - len(rules)):
        rules.append(AlertRule(f"s{n}", ((f"{starts[n % len(starts)]} clé{n}",),)))
    return rules


def test_a_thousand_rules_find_what_ten_find() -> None:
    """Rules that do not occur in the article add no hit. (Their cost has a target in the bench:
    "keywords, 1000 rules", under twice "keywords, 10 rules".)"""
    words = " ".join(p.read_text() for p in sorted(SEEDS.glob("*.txt"))).split(" ")
    article = " ".join((words * 2)[:600])
    few, many = KeywordMatcher(many_rules(10)), KeywordMatcher(many_rules(1000))
    hits = few.match(title="Bamex 2026", text=article, site="maliweb")
    assert hits  # the article has hits
    assert many.match(title="Bamex 2026", text=article, site="maliweb") == hits
