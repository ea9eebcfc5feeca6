"""Date stage: parsing the date strings found on Malian news pages and choosing the trusted one."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from malinews.pipelines.dates import EARLIEST, DateResult, parse_date, resolve_date
from malinews.sites import lessor

SEEDS = Path(__file__).resolve().parent / "seeds"
FETCHED = datetime(2025, 12, 16, 9, 0, tzinfo=UTC)
NEUTRAL_URL = "https://www.maliweb.net/politique/bamex-2026-les-diplomates-3194512.html"
LESSOR_URL = "https://www.lessor.ml/posts/editorial-aujourdhui-le-n20500-de-lessor-68ff3bd69b349"


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)


PARSED = [
    # ISO 8601 and feed dates
    ("2025-12-16T08:15:00+00:00", utc(2025, 12, 16, 8, 15)),
    ("2025-12-16T10:15:00+01:00", utc(2025, 12, 16, 9, 15)),
    ("2025-12-15T23:30:00-02:00", utc(2025, 12, 16, 1, 30)),
    ("2025-12-16T07:00:00Z", utc(2025, 12, 16, 7)),
    ("2025-12-16 07:45", utc(2025, 12, 16, 7, 45)),
    ("2025-12-16", utc(2025, 12, 16)),
    ("Tue, 16 Dec 2025 08:30:00 +0000", utc(2025, 12, 16, 8, 30)),
    ("Mon, 15 Dec 2025 22:00:00 GMT", utc(2025, 12, 15, 22)),
    ("Tue, 16 Dec 2025 10:30:00 +0200", utc(2025, 12, 16, 8, 30)),
    # visible French dates, with the words sites put before them
    ("Publié le mardi 4 novembre 2025 à 14h20", utc(2025, 11, 4, 14, 20)),
    ("Mis à jour le 15 décembre 2025 à 17:05", utc(2025, 12, 15, 17, 5)),
    ("Bamako, le 12 décembre 2025", utc(2025, 12, 12)),
    ("Par Fatoumata Coulibaly - 16 décembre 2025", utc(2025, 12, 16)),
    ("Date : 27 mai 2012", utc(2012, 5, 27)),
    ("Mercredi, 12 Novembre 2025", utc(2025, 11, 12)),
    ("vendredi,12 septembre , 2025", utc(2025, 9, 12)),
    ("1er janv. 2025", utc(2025, 1, 1)),
    ("17 Mar 2018", utc(2018, 3, 17)),
    ("26 Fév 2018", utc(2018, 2, 26)),
    ("6 juil. 2024 à 9h", utc(2024, 7, 6, 9)),
    ("décembre 2025", utc(2025, 12, 1)),
    # numeric dates are always day first
    ("05/11/2025", utc(2025, 11, 5)),
    ("03/01/2025", utc(2025, 1, 3)),
    ("05/11/2025 à 10:30", utc(2025, 11, 5, 10, 30)),
    ("16/12/2025 à 08h30", utc(2025, 12, 16, 8, 30)),
    ("Publié le 14/12/2025 à 14 h 05", utc(2025, 12, 14, 14, 5)),
    ("06-03-2013", utc(2013, 3, 6)),
    # mojibake month names
    ("15 ao\ufffdt 2024", utc(2024, 8, 15)),
    ("3 d\ufffdcembre 2024", utc(2024, 12, 3)),
    ("12 f\ufffdvrier 2024", utc(2024, 2, 12)),
    ("15 aoÃ»t 2024", utc(2024, 8, 15)),
    ("3 dÃ©cembre 2024", utc(2024, 12, 3)),
    # relative to the fetch time, 2025-12-16 09:00 UTC
    ("il y a 3 heures", utc(2025, 12, 16, 6)),
    ("il y a 45 minutes", utc(2025, 12, 16, 8, 15)),
    ("il y a 2 jours", utc(2025, 12, 14, 9)),
    ("il y a une semaine", utc(2025, 12, 9, 9)),
    ("il y a 2 mois", utc(2025, 10, 16, 9)),
    ("hier à 18h", utc(2025, 12, 15, 18)),
    ("Hier à 07h45", utc(2025, 12, 15, 7, 45)),
    ("aujourd'hui", utc(2025, 12, 16)),
    ("Aujourd’hui à 08:10", utc(2025, 12, 16, 8, 10)),
    ("avant-hier", utc(2025, 12, 14)),
    # no year: the latest such date not after the fetch
    ("15 décembre", utc(2025, 12, 15)),
    ("20 décembre", utc(2024, 12, 20)),
    ("dimanche 15 décembre", utc(2024, 12, 15)),
]


@pytest.mark.parametrize(("raw", "expected"), PARSED)
def test_parse_date_reads_each_form_as_exact_utc(raw: str, expected: datetime) -> None:
    assert parse_date(raw, now=FETCHED) == expected


def test_slashed_date_is_day_first() -> None:
    assert parse_date("03/01/2026", now=utc(2026, 2, 1)) == utc(2026, 1, 3)


@pytest.mark.parametrize(
    "raw",
    [
        "2025-12-16T10:30:00+00:00",  # 90 minutes after the fetch
        "17/12/2025",
        "2031-01-01",
        "31/12/1989",
        "Tue, 16 Dec 2025 11:30:00 +0100",  # 10:30 UTC
        "31/02/2025",
        "lundi 17 décembre",  # last a Monday in 2018: outside the weekday window
        "45/13/2025",
        "Partager sur Facebook",
        "Bamex 2026",
        "12 hommes armés",
        "",
        "   ",
    ],
)
def test_parse_date_rejects_future_impossible_and_non_dates(raw: str) -> None:
    assert parse_date(raw, now=FETCHED) is None


def test_parse_date_accepts_up_to_an_hour_after_the_fetch() -> None:
    assert parse_date("2025-12-16T09:50:00Z", now=FETCHED) == utc(2025, 12, 16, 9, 50)


def test_relative_dates_follow_the_fetch_time_not_the_clock() -> None:
    assert parse_date("hier", now=utc(2019, 3, 1, 12)) == utc(2019, 2, 28)


def test_trusted_candidate_beats_a_visible_one() -> None:
    result = resolve_date(
        [("jsonld", "2025-12-15T10:00:00+00:00"), ("visible", "16 décembre 2025")],
        url=NEUTRAL_URL,
        text="",
        fetched_at=FETCHED,
    )
    assert result == DateResult(utc(2025, 12, 15, 10), "jsonld", None)


def test_future_candidate_is_skipped_for_the_next() -> None:
    result = resolve_date(
        [("jsonld", "2026-12-15T10:00:00Z"), ("meta", "n/a"), ("visible", "Publié le 14/12/2025")],
        url=NEUTRAL_URL,
        text="",
        fetched_at=FETCHED,
    )
    assert (result.published, result.source) == (utc(2025, 12, 14), "visible")


def test_candidates_beat_the_url_and_the_url_beats_the_body() -> None:
    url = "https://bamada.net/2025/11/05/le-conseil-des-ministres/"
    body = "Le Conseil des ministres s'est tenu ce mardi 4 novembre 2025 au palais de Koulouba."
    with_feed = resolve_date(
        [("feed", "Wed, 05 Nov 2025 18:02:00 +0000")], url=url, text=body, fetched_at=FETCHED
    )
    assert (with_feed.published, with_feed.source) == (utc(2025, 11, 5, 18, 2), "feed")
    from_url = resolve_date([], url=url, text=body, fetched_at=FETCHED)
    assert (from_url.published, from_url.source) == (utc(2025, 11, 5), "url")
    from_body = resolve_date([], url=NEUTRAL_URL, text=body, fetched_at=FETCHED)
    assert (from_body.published, from_body.source) == (utc(2025, 11, 4), "body")


def test_lessor_uniqid_in_url_gives_the_publication_time() -> None:
    stamp = lessor.url_date(LESSOR_URL)  # the site's hook; extraction adds it as a candidate
    assert stamp == utc(2025, 10, 27, 9, 31, 2)
    assert resolve_date([], url=LESSOR_URL, text="", fetched_at=FETCHED).published is None
    result = resolve_date([("url", stamp.isoformat())], url=LESSOR_URL, text="", fetched_at=FETCHED)
    assert (result.published, result.source) == (stamp, "url")


def test_url_date_after_the_fetch_is_ignored() -> None:
    url = "https://www.maliactu.net/2026/01/05/slug/"
    assert resolve_date([], url=url, text="", fetched_at=FETCHED).published is None


@pytest.mark.parametrize("fetched_at", [FETCHED, utc(2026, 11, 27, 8)])
def test_seed_body_yesterday_monday_pins_the_year(fetched_at: datetime) -> None:
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    result = resolve_date([], url=NEUTRAL_URL, text=text, fetched_at=fetched_at)
    assert (result.published, result.source) == (utc(2025, 12, 16), "body")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Bamako, le 15 décembre 2025 – Le gouvernement a adopté le budget.", utc(2025, 12, 15)),
        (
            "Les élèves ont repris les cours avant-hier samedi 13 décembre à Kayes.",
            utc(2025, 12, 15),
        ),
    ],
)
def test_body_dates_near_the_start(body: str, expected: datetime) -> None:
    result = resolve_date([], url=NEUTRAL_URL, text=body, fetched_at=FETCHED)
    assert (result.published, result.source) == (expected, "body")


@pytest.mark.parametrize(
    "body",
    [
        # a day and month with neither weekday nor year is not enough
        "La conférence s'est ouverte le 22 juin et prendra fin le 24 juin à Moscou.",
        # an announced date is in the future
        "La foire ouvrira ses portes le 20 décembre 2025 au parc des expositions.",
        # too far from the start of the article
        "Le marché de Médine a rouvert. " * 30 + "Hier lundi 15 décembre, les commerçants...",
    ],
)
def test_body_without_a_reliable_date_gives_none(body: str) -> None:
    assert resolve_date([], url=NEUTRAL_URL, text=body, fetched_at=FETCHED) == DateResult(
        None, None, None
    )


def test_modified_comes_from_its_own_candidates() -> None:
    result = resolve_date(
        [("meta", "2025-12-14T08:00:00+00:00")],
        url=NEUTRAL_URL,
        text="",
        fetched_at=FETCHED,
        modified_candidates=[("meta", "2026-02-01T00:00:00Z"), ("visible", "Mis à jour hier")],
    )
    assert result == DateResult(utc(2025, 12, 14, 8), "meta", utc(2025, 12, 15))


fetch_times = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 1, 1)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
date_like = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"(il y a \d{1,6} [a-z]{1,7}|\d{1,4}[/ -]\w{1,9}[/ -]\d{1,4}.{0,12})"),
)


@given(raw=date_like, now=fetch_times)
def test_parse_date_never_raises_nor_leaves_the_window(raw: str, now: datetime) -> None:
    found = parse_date(raw, now=now)
    assert found is None or EARLIEST <= found <= now + timedelta(hours=1)


@given(raw=date_like, url=st.text(max_size=60), text=st.text(max_size=200), now=fetch_times)
def test_resolve_date_never_raises_nor_leaves_the_window(
    raw: str, url: str, text: str, now: datetime
) -> None:
    result = resolve_date([("visible", raw)], url=url, text=text, fetched_at=now)
    for found in (result.published, result.modified):
        assert found is None or EARLIEST <= found <= now + timedelta(hours=1)
