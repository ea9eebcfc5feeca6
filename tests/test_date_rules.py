"""Date rules for pages in any language: month names, the page's offset, published against
modified, clocks and comments, dates after the fetch, htmldate's place in the trust order.

The HTML pages here are synthetic (written for these tests). The real pages under
tests/public_dates/ are copied from htmldate's evaluation set (Apache-2.0, see its LICENSE).
"""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bench.public_dates import load_pages, malinews_date
from malinews.article import Article
from malinews.pipelines.chain import extract_page
from malinews.pipelines.dates import parse_date, resolve_date
from malinews.pipelines.store import Store
from malinews.sites import generic_profile

FETCHED = datetime(2025, 12, 16, 9, 0, tzinfo=UTC)
PUBLIC = Path(__file__).resolve().parent / "public_dates"
BODY = (
    "<p>" + "Le conseil communal a adopté le budget de la ville après un long débat. " * 6 + "</p>"
)


def record(
    head: str, body: str, url: str = "https://exemple.ml/politique/un-article", lang: str = "fr"
) -> dict:
    """The record `malinews extract` gives for a synthetic article page."""
    html = (
        f'<html lang="{lang}"><head><meta property="og:type" content="article">{head}</head>'
        f"<body><article><h1>Le budget adopté</h1>{body}{BODY}</article></body></html>"
    )
    found = extract_page(html.encode(), url, generic_profile("exemple", (url,)), now=FETCHED)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("raw", "lang", "day"),
    [
        ("March 11, 2020", "en", "2020-03-11"),
        ("Nov 3rd 2023, 6:09 p.m.", "en-US", "2023-11-03"),
        ("3rd November 2023", "en-GB", "2023-11-03"),
        ("21. Jan 2022", "de", "2022-01-21"),
        ("Erstellt am Dienstag 6. Mai 2014", "de-DE", "2014-05-06"),
        ("martes 17 de marzo de 2020", "es", "2020-03-17"),
        ("5. listopadu 2020", "cs_CZ", "2020-11-05"),
        ("5. listopada 2020", "hr", "2020-10-05"),  # the same word is October in Croatian
        ("mardi 4 novembre 2025", None, "2025-11-04"),  # French whatever the page says
    ],
)
def test_month_names_are_read_in_the_page_language(raw: str, lang: str | None, day: str) -> None:
    found = parse_date(raw, now=FETCHED, lang=lang)
    assert found is not None and found.date().isoformat() == day


@pytest.mark.parametrize("lang", ["en", "en-GB", "en-US"])
def test_every_english_month_spelling_of_dateparser_is_read(lang: str) -> None:
    """English month names are built in (no dateparser at start-up): none of dateparser's
    spellings may be lost."""
    from dateparser.languages import default_loader

    info = default_loader.get_locale(lang).info
    months = ("january", "february", "march", "april", "may", "june", "july", "august")
    months += ("september", "october", "november", "december")
    for number, month in enumerate(months, start=1):
        for spelling in info[month]:
            found = parse_date(f"3 {spelling} 2023", now=FETCHED, lang=lang.lower())
            assert found is not None and found.month == number, spelling


def test_an_english_page_is_dated_without_importing_dateparser_or_regex() -> None:
    """`malinews extract` of an English page on the generic path: neither dateparser (French
    and English month names are built in) nor `regex` (only `article_url` patterns need it)."""
    page = (
        '<html lang="en-GB"><body><article><h1>Council adopts the budget</h1>'
        '<p class="date">Published 3rd November 2023</p><p>' + "The council voted. " * 30
    )
    code = (
        "import sys\n"
        "from malinews import extract\n"
        "found = extract(sys.stdin.read(), 'https://example.com/news/a-story')\n"
        "print(found.published[:10], sorted({'dateparser', 'regex'} & set(sys.modules)))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], input=page, capture_output=True, text=True, check=True
    )
    assert shown.stdout.split() == ["2023-11-03", "[]"]


def test_a_visible_date_line_is_read_in_the_page_language() -> None:
    found = record("", '<p class="date-time">20. März 2021 - 15:00 Uhr</p>', lang="de-DE")
    assert found["published"] == "2021-03-20T15:00:00+00:00"
    assert found["date_source"] == "visible"


def test_a_month_of_another_language_is_not_guessed() -> None:
    assert parse_date("5. listopada 2020", now=FETCHED) is None


@pytest.mark.parametrize("lang", ["zz", "", "{{lang}}", "x" * 500, "fr-FR-x-private"])
def test_an_unknown_page_language_falls_back_on_french(lang: str) -> None:
    assert parse_date("4 déc. 2025", now=FETCHED, lang=lang) == datetime(2025, 12, 4, tzinfo=UTC)


def test_the_page_offset_is_kept_so_the_day_is_the_page_day() -> None:
    found = parse_date("2020-02-14T07:00:00+09:00", now=FETCHED)
    assert found is not None
    assert found.date().isoformat() == "2020-02-14"
    assert found.utcoffset() == timedelta(hours=9)
    published = record(
        '<meta property="article:published_time" content="2020-02-14T07:00:00+09:00">', ""
    )
    assert published["published"] == "2020-02-14T07:00:00+09:00"


def test_publication_date_is_not_the_modification_date() -> None:
    found = record(
        '<meta property="article:modified_time" content="2025-12-10T08:00:00+00:00">',
        '<p class="date">Mis à jour le 10 décembre 2025</p>'
        '<p class="date">Publié le 2 décembre 2025 à 14h20</p>',
    )
    assert found["published"] == "2025-12-02T14:20:00+00:00"
    assert found["modified"] == "2025-12-10T08:00:00+00:00"


def test_a_clock_widget_is_not_the_publication_date() -> None:
    found = record(
        "",
        '<div class="date">Aktuelle Zeit: 16.12.2025, 08:55</div>'
        '<div class="date">Aujourd\'hui</div>'
        '<div class="date">Publié le 12 décembre 2025</div>',
    )
    assert found["published"] == "2025-12-12T00:00:00+00:00"


def test_a_date_line_holding_a_live_clock_is_not_the_publication_date() -> None:
    found = record(
        "",
        '<div class="box_date_header"><p class="date">Mardi 16 décembre 2025 | 08:55 '
        '<span class="ora_attuale_clock"></span></p></div>'
        '<p class="date">3 décembre 2025</p>',
    )
    assert found["published"] == "2025-12-03T00:00:00+00:00"


def test_a_comment_date_is_not_the_publication_date() -> None:
    found = record(
        "",
        '<span class="date">Publié le 3 décembre 2025</span>'
        '<section id="comments"><div class="comment">'
        '<time datetime="2025-12-09T10:00:00+00:00">9 décembre 2025</time> Bravo !</div></section>',
    )
    assert found["published"] == "2025-12-03T00:00:00+00:00"
    assert found["date_source"] == "visible"


def test_an_aside_inside_the_article_is_the_article_s_own() -> None:
    found = record(
        "",
        '<aside class="meta"><time datetime="2025-12-05T10:00:00+01:00">5 déc.</time></aside>',
    )
    assert found["published"] == "2025-12-05T10:00:00+01:00"


def test_a_date_after_the_fetch_is_refused_for_the_next_evidence() -> None:
    found = record(
        '<meta property="article:published_time" content="2026-03-01T10:00:00+00:00">',
        '<p class="date">Publié le 14 décembre 2025</p>',
    )
    assert found["published"] == "2025-12-14T00:00:00+00:00"


def test_the_url_day_outweighs_a_utc_date_but_not_a_local_one() -> None:
    url = "https://exemple.com/2023/11/08/football-playoffs/"
    candidates = [("jsonld", "2023-11-09T01:09:55Z"), ("time", "2023-11-08T18:09:55-07:00")]
    result = resolve_date(candidates, url=url, text="", fetched_at=FETCHED)
    assert result.published is not None and result.published.date().isoformat() == "2023-11-08"
    local = [("jsonld", "2023-11-09T01:09:55+01:00"), ("time", "2023-11-08T18:09:55-07:00")]
    result = resolve_date(local, url=url, text="", fetched_at=FETCHED)
    assert result.published is not None and result.published.date().isoformat() == "2023-11-09"
    assert result.source == "jsonld"


def test_a_utc_date_gives_way_to_the_same_instant_in_the_page_offset() -> None:
    candidates = [("jsonld", "2023-11-09T02:11:03+00:00"), ("time", "2023-11-08T21:11:03-05:00")]
    result = resolve_date(candidates, url="https://exemple.com/a", text="", fetched_at=FETCHED)
    assert result.published is not None and result.published.isoformat()[:10] == "2023-11-08"
    assert result.source == "time"


def test_htmldate_comes_after_the_url_and_is_capped_at_the_fetch() -> None:
    url = "https://exemple.ml/2025/10/21/un-article/"
    result = resolve_date([("htmldate", "2025-10-18")], url=url, text="", fetched_at=FETCHED)
    assert result.source == "url" and result.published == datetime(2025, 10, 21, tzinfo=UTC)
    neutral = "https://exemple.ml/un-article"
    result = resolve_date([("htmldate", "2025-10-18")], url=neutral, text="", fetched_at=FETCHED)
    assert result.source == "htmldate"
    future = resolve_date([("htmldate", "2026-01-05")], url=neutral, text="", fetched_at=FETCHED)
    assert future.published is None


def test_a_page_without_language_gets_the_common_month_names() -> None:
    found = parse_date("Domenica 06 Dicembre 2020", now=FETCHED)
    assert found == datetime(2020, 12, 6, tzinfo=UTC)
    assert parse_date("März 2021", now=FETCHED) == datetime(2021, 3, 1, tzinfo=UTC)
    # a short abbreviation of one of them is not read: "out" is October in Portuguese
    assert parse_date("Sold out 2020", now=FETCHED) is None


def test_a_microdata_date_written_as_text_is_the_machine_date() -> None:
    found = record("", '<p itemprop="datePublished" class="data">06 Dicembre 2020</p>', lang="")
    assert found["published"] == "2020-12-06T00:00:00+00:00"
    assert found["date_source"] == "time"


def test_a_json_ld_block_with_a_stray_brace_and_dates_in_its_web_page_is_read() -> None:
    ld = (
        '{"@context": "http://schema.org", "@type": "NewsArticle", "mainEntityOfPage": '
        '{"@type": "WebPage", "headline": "Le budget adopté", '
        '"datePublished": "2020-10-26T18:10:00+01:00"}}}'
    )
    found = record(
        f'<script type="application/ld+json">{ld}</script>',
        '<div class="related"><span class="date">09.08.2020 u 10:52</span></div>',
    )
    assert found["published"] == "2020-10-26T18:10:00+01:00"
    assert found["date_source"] == "jsonld"


def test_a_date_with_spaces_after_the_dots_is_read() -> None:
    found = record(
        "",
        '<div class="publish-date">Von <span>DTB</span> 4.\u2009 2.\u2009 2022.</div>',
        lang="de",
    )
    assert found["published"] == "2022-02-04T00:00:00+00:00"


def test_a_date_line_under_the_title_is_read_block_by_block() -> None:
    found = record("", "<div><div>Familie</div><div>17/02/2022</div></div>", lang="de")
    assert found["published"] == "2022-02-17T00:00:00+00:00"
    assert found["date_source"] == "visible"


def test_a_date_labelled_as_published_beats_a_machine_date_of_another_day() -> None:
    """A `<time>` attribute (or a `<meta name="date">`) is often when the record was saved."""
    found = record(
        "",
        '<div class="time"><time datetime="2019-07-03T10:18:46Z">Publié le 29 juin 2019</time>'
        "</div>",
    )
    assert found["published"] == "2019-06-29T00:00:00+00:00"
    # the label in one element, the date in the next (a comment between them is skipped); the
    # update line is not the publication
    german = record(
        '<meta name="date" content="2021-10-15">',
        '<div><span class="subheadline">Erschienen am:</span><!-- Datum --><h2>13.10.2021</h2>'
        "</div>"
        '<h4 class="timestamp">Zuletzt geändert am:</h4><p class="timestamp">15.10.2021</p>',
        lang="de",
    )
    assert german["published"] == "2021-10-13T00:00:00+00:00"


def test_a_labelled_date_of_the_same_day_keeps_the_machine_time_and_offset() -> None:
    found = record(
        '<meta property="article:published_time" content="2025-12-02T14:20:00+01:00">',
        '<p class="date">Publié le 2 décembre 2025</p>',
    )
    assert found["published"] == "2025-12-02T14:20:00+01:00"
    assert found["date_source"] == "meta"


def test_a_page_that_shows_only_its_update_day_is_dated_that_day() -> None:
    ld = (
        '{"@type": "NewsArticle", "datePublished": "2021-01-01T11:00:00.000Z", '
        '"dateModified": "2023-04-01T10:00:00.000Z"}'
    )
    script = f'<script type="application/ld+json">{ld}</script>'
    shown = '<p class="info"><time datetime="2023-04-01 12:00">01.04.2023, 12:00</time> Uhr</p>'
    found = record(script, shown, lang="de")
    assert found["published"] == "2023-04-01T12:00:00+00:00"
    assert found["modified"] == "2023-04-01T10:00:00+00:00"
    # a page that also shows its publication day keeps it
    both = record(script, shown + '<p class="date">Erstveröffentlichung 01.01.2021</p>', lang="de")
    assert both["published"] == "2021-01-01T11:00:00+00:00"
    # a modification "before" the publication is no republication: the metadata stands
    earlier = script.replace("2021-01-01T11:00:00", "2023-06-01T11:00:00")
    assert record(earlier, shown, lang="de")["published"] == "2023-06-01T11:00:00+00:00"


@pytest.mark.parametrize("page", load_pages(PUBLIC), ids=lambda page: page.name)
def test_real_public_pages_get_their_publication_day(page) -> None:  # type: ignore[no-untyped-def]
    """Regressions from the public set: UTC JSON-LD against the URL's day (denverpost), German
    months (amnesty), a forum clock (myoos), an XHTML declaration (tour-magazin), "January 19,
    2020" (reuters)."""
    day, evidence, _ = malinews_date(page)
    assert day == page.truth, evidence


def test_earliest_published_of_a_story_compares_instants_not_text(tmp_path: Path) -> None:
    """Two copies of one story: the Tokyo copy's 07:00+09:00 (22:00 UTC the day before) is
    earlier than the Bamako copy's 23:00 UTC though its text sorts later."""
    store = Store(tmp_path)
    try:
        for number, (site, published) in enumerate(
            [("bamako", "2020-02-13T23:00:00+00:00"), ("tokyo", "2020-02-14T07:00:00+09:00")]
        ):
            url = f"https://{site}.example/a"
            item = Article.of(
                url,
                site,
                "Le budget adopté",
                fetched_at="2020-02-15T00:00:00+00:00",
                published=published,
                id=f"a{number}",
                story_id="s1",
                revision=1,
            )
            with store.transaction():
                store.save_article(item.record(), f"hash{number}", [], [url])
        story = store.story("s1")
        assert story is not None
        assert story["earliest_published"] == "2020-02-14T07:00:00+09:00"
    finally:
        store.close()
