"""Near-duplicate detection: LSH candidates plus `is_copy`, measured on the generated corpus."""

import itertools
import os
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from malinews.pipelines.neardup import BANDS, NUM_PERM, band_keys, is_copy, signature, similarity
from tests.corpus import KINDS, TOPICS, Doc, build_corpus, make_variant, write_original

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parent / "seeds"


@pytest.fixture(scope="module")
def corpus() -> list[Doc]:
    return build_corpus()


def _candidate_pairs(docs: list[Doc]) -> set[tuple[int, int]]:
    """Index pairs sharing at least one band key, as the store's lookup would find them."""
    by_key: dict[int, list[int]] = defaultdict(list)
    for index, doc in enumerate(docs):
        for key in band_keys(signature(doc.text)):
            by_key[key].append(index)
    return {pair for ids in by_key.values() for pair in itertools.combinations(ids, 2)}


def _shares_band(a: str, b: str) -> bool:
    return bool(set(band_keys(signature(a))) & set(band_keys(signature(b))))


def test_corpus_has_copy_groups_and_event_pairs(corpus: list[Doc]) -> None:
    groups = defaultdict(list)
    for doc in corpus:
        groups[doc.group].append(doc)
    assert len(corpus) >= 300
    assert sum(len(g) > 1 for g in groups.values()) >= 80
    assert build_corpus() == corpus


def test_pairwise_precision_and_recall(corpus: list[Doc]) -> None:
    truth = {
        (i, j)
        for i, j in itertools.combinations(range(len(corpus)), 2)
        if corpus[i].group == corpus[j].group
    }
    candidates = _candidate_pairs(corpus)
    predicted = {
        (i, j)
        for i, j in candidates
        if is_copy(corpus[i].title, corpus[i].text, corpus[j].title, corpus[j].text)
    }
    hits = len(predicted & truth)
    precision = hits / len(predicted)
    recall = hits / len(truth)
    report = (
        f"{len(corpus)} docs, {len(truth)} copy pairs, {len(candidates)} candidate pairs, "
        f"{len(predicted)} predicted: precision {precision:.4f}, recall {recall:.4f}"
    )
    print(report)
    assert precision >= 0.99 and recall >= 0.97, report


def _originals(corpus: list[Doc]) -> list[Doc]:
    return [doc for doc in corpus if doc.id.endswith("-0")]


@pytest.mark.parametrize("kind", KINDS)
def test_each_variant_kind_is_found_and_confirmed(corpus: list[Doc], kind: str) -> None:
    rng = random.Random(kind)
    for original in _originals(corpus)[:12]:
        copy = make_variant(original, kind, rng)
        assert copy.text != original.text or copy.title != original.title
        assert _shares_band(original.text, copy.text), (kind, original.id)
        assert is_copy(copy.title, copy.text, original.title, original.text), (kind, original.id)
        assert is_copy(original.title, original.text, copy.title, copy.text), (kind, original.id)


def test_copy_cut_to_sixty_percent_with_new_title_and_boilerplate(corpus: list[Doc]) -> None:
    original = _originals(corpus)[3]
    cut = original.text[: int(len(original.text) * 0.6)]
    copy = make_variant(
        Doc("x", original.group, "Autre titre", cut), "boilerplate", random.Random(1)
    )
    assert _shares_band(original.text, copy.text)
    assert is_copy("Un titre sans rapport", copy.text, original.title, original.text)


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_same_event_different_text_is_not_a_copy(topic) -> None:
    rng = random.Random(topic.name)
    first = write_original(rng, topic, 0, "a")
    second = write_original(rng, topic, 0, "b")
    second_titled = Doc(second.id, second.group, first.title, second.text)
    assert similarity(first.text, second.text) < 0.4
    assert not is_copy(first.title, first.text, second_titled.title, second_titled.text)


def test_event_pairs_in_corpus_are_never_copies(corpus: list[Doc]) -> None:
    originals = {doc.group: doc for doc in _originals(corpus)}
    pairs = [(doc, originals[doc.group[:-1] + "b"]) for doc in originals.values()]
    pairs = [(a, b) for a, b in pairs if a.group.endswith("-a")]
    assert len(pairs) == 60
    copies = [(a.id, b.id) for a, b in pairs if is_copy(a.title, a.text, b.title, b.text)]
    assert copies == []


def test_short_bodies_compare_exact_folded_text() -> None:
    text = "Le Bamex 2026 s'ouvre lundi au CICB de Bamako."
    assert is_copy("A", text, "B", "LE BAMEX 2026 S’OUVRE LUNDI, AU CICB DE BAMAKO !")
    assert not is_copy("A", text, "A", "Le Bamex 2026 s'ouvre mardi au CICB de Bamako.")
    assert not is_copy("Titre", "", "Titre", "")


def test_shared_boilerplate_alone_is_not_a_copy(corpus: list[Doc]) -> None:
    boilerplate = (
        "Suivez maliweb.net sur Facebook, X et WhatsApp pour ne rien rater de l'actualité. "
        "© Maliweb.net 2026 - Tous droits réservés. Reproduction interdite sans autorisation."
    )
    article = _originals(corpus)[0]
    assert not is_copy("Maliweb", boilerplate, article.title, article.text + "\n\n" + boilerplate)


def test_similarity_bounds(corpus: list[Doc]) -> None:
    a, b = _originals(corpus)[:2]
    assert similarity(a.text, a.text) == 1.0
    assert 0.0 <= similarity(a.text, b.text) < 0.4
    assert similarity(a.text, b.text) == similarity(b.text, a.text)


def test_seed_article_against_a_cut_copy_and_another_seed() -> None:
    bamex, moscow = (p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    paragraphs = bamex.split("\n\n")
    copy = "Lu dans L'Essor.\n\n" + "\n\n".join(paragraphs[1 : 1 + len(paragraphs) * 2 // 3])
    assert _shares_band(bamex, copy)
    assert is_copy("Bamex 2026", bamex, "Les diplomates invités au Bamex", copy)
    assert not is_copy("Bamex 2026", bamex, "Moscou", moscow)


def test_signature_and_band_keys_shape(corpus: list[Doc]) -> None:
    for doc in corpus[:50]:
        sig = signature(doc.text)
        keys = band_keys(sig)
        assert len(sig) == NUM_PERM and len(keys) == BANDS
        assert all(-(2**63) <= key < 2**63 for key in keys)
    assert len(set(band_keys([7] * NUM_PERM))) == BANDS  # the band index is part of the key
    assert band_keys(signature(" ... ")) == []


def test_signature_is_the_same_in_other_processes(corpus: list[Doc]) -> None:
    text = corpus[0].text
    code = (
        "import sys; from malinews.pipelines.neardup import signature;"
        " print(signature(sys.stdin.read()))"
    )
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", code],
            input=text,
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env,
            check=True,
        )
        assert result.stdout.strip() == str(signature(text))
