"""Canonical URLs: every variant of one article gives one id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from malinews.core.urls import article_id, canonical_url, same_site

BASE = "https://www.maliweb.net/politique/bamex-2026-les-diplomates-invites-3212345.html"


@pytest.mark.parametrize(
    "variant",
    [
        BASE,
        "http://maliweb.net/politique/bamex-2026-les-diplomates-invites-3212345.html",
        BASE + "?amp=1",
        BASE + "?utm_source=facebook&utm_medium=social&fbclid=abc",
        BASE + "#comments",
        BASE + "?gclid=x",
        "HTTPS://WWW.MALIWEB.NET/politique/bamex-2026-les-diplomates-invites-3212345.html",
    ],
)
def test_variants_of_one_article_share_an_id(variant: str) -> None:
    assert article_id(variant) == article_id(BASE)


def test_amp_paths_trailing_slashes_and_lessor_hosts() -> None:
    assert (
        canonical_url("https://maliactu.net/mali-le-slug/amp/")
        == "https://maliactu.net/mali-le-slug"
    )
    assert (
        canonical_url("https://maliactu.net/mali-le-slug/") == "https://maliactu.net/mali-le-slug"
    )
    assert canonical_url("https://www.journalessor.ml/posts/x-68ff3bd69b349") == canonical_url(
        "https://lessor.ml/posts/x-68ff3bd69b349"
    )


def test_different_articles_keep_different_ids() -> None:
    assert article_id("https://maliactu.net/?p=507730") != article_id(
        "https://maliactu.net/?p=507731"
    )
    assert article_id("https://bamada.net/a") != article_id("https://maliactu.net/a")


def test_same_site() -> None:
    assert same_site("https://www.bamada.net/x", "http://bamada.net/")
    assert not same_site("https://evil.example/x", "https://bamada.net/")
    assert not same_site("javascript:alert(1)", "https://bamada.net/")
    assert not same_site("http://127.0.0.1:9/x", "http://127.0.0.1:8/")


@given(st.text())
def test_canonical_url_never_raises_and_is_idempotent(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once or not once.startswith("https://")
