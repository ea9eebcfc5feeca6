"""Site health: measuring a crawl, judging it against the site's own history, alert transitions."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from malinews.scheduler.health import SiteHealth, Transition, assess, measure, transitions

START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)
HALF_HOUR = 1800.0
FULL = {"title": 1.0, "text": 1.0, "published": 1.0, "author": 0.6}
SWING = (1.0, 0.75, 1.3, 0.9, 1.1, 0.7, 1.25, 0.95)  # natural spread of body lengths (±30 %)
USUAL_BODY = 2400


def crawl(i: int, new: int, last_new: str | None, interval: float = HALF_HOUR) -> SiteHealth:
    """The i-th crawl of a healthy site; its articles are the `new` ones."""
    at = (START + timedelta(seconds=interval * i)).isoformat()
    return SiteHealth(
        site="maliweb",
        finished_at=at,
        pages=12 + 3 * new,
        http_errors={"404": 1},
        errors=1,
        blocked=0,
        challenges=0,
        new=new,
        extracted=new,
        not_article=0,
        articles=new,
        coverage=FULL if new else {},
        median_body=int(USUAL_BODY * SWING[i % len(SWING)]) if new else 0,
        boilerplate_ratio=0.08 if new else 0.0,
        fallback_share=0.0,
        last_new=at if new else last_new,
    )


def history(count: int, every: int = 4, interval: float = HALF_HOUR) -> list[SiteHealth]:
    """`count` crawls of a site that publishes about 3 articles every `every` crawls."""
    crawls: list[SiteHealth] = []
    for i in range(count):
        last_new = crawls[-1].last_new if crawls else None
        crawls.append(crawl(i, 3 if i % every == 0 else 0, last_new, interval))
    return crawls


def following(past: list[SiteHealth], new: int = 0, **changes: object) -> SiteHealth:
    """The crawl after `past`, with some values changed."""
    return replace(crawl(len(past), new, past[-1].last_new if past else None), **changes)


def kinds(current: SiteHealth, past: list[SiteHealth]) -> set[str]:
    return set(assess(current, past, interval=HALF_HOUR))


# -- measure ------------------------------------------------------------------------------

STATS = {
    "downloader/response_count": 17,
    "downloader/response_status_count/200": 12,
    "downloader/response_status_count/304": 2,
    "downloader/response_status_count/403": 2,
    "downloader/response_status_count/404": 1,
    "malinews/new": 3,
    "malinews/errors": 3,
    "malinews/blocked": 1,
    "malinews/blocked_challenge": 1,
    "malinews/not_article": 2,
    "item_scraped_count": 3,
    "item_dropped_count": 1,
    "start_time": "2026-01-05T06:00:00",
}


def record(text: str, **fields: object) -> dict[str, object]:
    base = {
        "title": "Titre",
        "text": text,
        "author": None,
        "published": "2026-01-05T08:00:00+00:00",
        "removed": [],
        "extraction": "profile",
    }
    return {**base, **fields}


ARTICLES = [
    record("a" * 100, author="Moussa Traoré", removed=[{"line": "b" * 50, "reason": "phrase"}]),
    record("a" * 300, published=None, extraction="generic"),
    record("a" * 200, extraction="metadata", removed=[{"line": "c" * 50, "reason": "source"}]),
]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("pages", 17),
        ("http_errors", {"403": 2, "404": 1}),
        ("errors", 3),
        ("blocked", 1),
        ("challenges", 1),
        ("new", 3),
        ("extracted", 4),
        ("not_article", 2),
        ("articles", 3),
        ("coverage", {"title": 1.0, "text": 1.0, "published": 2 / 3, "author": 1 / 3}),
        ("median_body", 200),
        ("boilerplate_ratio", 100 / 700),
        ("fallback_share", 2 / 3),
        ("finished_at", "2026-01-05T07:00:00+00:00"),
        ("last_new", "2026-01-05T07:00:00+00:00"),
    ],
)
def test_measure_a_crawl_with_new_articles(field: str, expected: object) -> None:
    health = measure(
        "maliweb", STATS, ARTICLES, finished_at=START + timedelta(hours=1), last_new=None
    )
    assert getattr(health, field) == pytest.approx(expected)


def test_measure_a_crawl_without_articles_keeps_the_last_new_time() -> None:
    health = measure(
        "maliweb",
        {"downloader/response_count": 4, "downloader/response_status_count/304": 4},
        [],
        finished_at=datetime(2026, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=1))),
        last_new="2026-01-04T22:00:00+00:00",
    )
    assert (health.pages, health.http_errors, health.new, health.usable) == (4, {}, 0, 4)
    assert (health.coverage, health.median_body, health.fallback_share) == ({}, 0, 0.0)
    assert health.finished_at == "2026-01-05T08:00:00+00:00"
    assert health.last_new == "2026-01-04T22:00:00+00:00"


def test_health_survives_a_json_round_trip() -> None:
    health = measure("maliweb", STATS, ARTICLES, finished_at=START, last_new=None)
    assert SiteHealth.from_json(json.loads(json.dumps(health.to_json()))) == health


# -- assess: a healthy site ---------------------------------------------------------------


def test_a_healthy_site_with_natural_variation_stays_healthy() -> None:
    past = history(96)  # two days, a few articles every two hours, bodies ±30 %
    problems = {i: assess(past[i], past[:i], interval=HALF_HOUR) for i in range(len(past))}
    assert {i: p for i, p in problems.items() if p} == {}


def test_shorter_bodies_within_the_usual_spread_are_not_a_layout_break() -> None:
    past = history(40)
    assert kinds(following(past, new=4, median_body=int(USUAL_BODY * 0.65)), past) == set()


def test_a_crawl_without_new_articles_is_not_a_layout_break() -> None:
    past = history(40)
    assert kinds(following(past, new=0), past) == set()


# -- assess: layout -----------------------------------------------------------------------


def test_collapsed_body_length_is_a_layout_break() -> None:
    past = history(40)
    broken = following(past, new=4, median_body=int(USUAL_BODY * 0.15))
    problems = assess(broken, past, interval=HALF_HOUR)
    assert set(problems) == {"layout"}
    assert "median body 360 chars" in problems["layout"]


def test_dates_no_longer_found_is_a_layout_break() -> None:
    past = history(40)
    broken = following(past, new=5, coverage={**FULL, "published": 0.0})
    assert "published found in 0%" in assess(broken, past, interval=HALF_HOUR)["layout"]


def test_profile_no_longer_matching_is_a_layout_break() -> None:
    past = history(40)
    assert kinds(following(past, new=5, fallback_share=1.0), past) == {"layout"}


def test_a_layout_break_lasts_through_crawls_without_articles() -> None:
    past = history(40)
    past.append(following(past, new=4, median_body=300))
    assert kinds(following(past, new=0), past) == {"layout"}


def test_one_short_brief_needs_confirmation_by_the_next_crawl() -> None:
    past = history(40)
    brief = following(past, new=1, median_body=350)
    assert kinds(brief, past) == set()
    assert kinds(following([*past, brief], new=1, median_body=320), [*past, brief]) == {"layout"}


def test_article_pages_that_no_longer_extract_are_a_layout_break() -> None:
    past = history(40)
    failing = following(past, new=0, not_article=6, extracted=0)
    assert assess(failing, past, interval=HALF_HOUR)["layout"] == (
        "6 article pages gave no article"
    )
    one_video_page = following(past, new=0, not_article=1, extracted=0)
    assert kinds(one_video_page, past) == set()


def test_without_history_a_collapse_cannot_be_judged() -> None:
    first = following([], new=5, median_body=200, coverage={**FULL, "published": 0.0})
    assert kinds(first, []) == set()


# -- assess: blocked and down -------------------------------------------------------------


def test_refused_responses_are_a_block_even_without_history() -> None:
    refused = following([], pages=14, http_errors={"403": 12, "404": 1}, errors=13)
    problems = assess(refused, [], interval=HALF_HOUR)
    assert problems == {"blocked": "HTTP 403 x12 in 14 responses"}


def test_a_few_rate_limited_responses_are_not_a_block() -> None:
    past = history(10)
    assert kinds(following(past, new=3, pages=40, http_errors={"429": 3}), past) == set()


def test_a_single_challenge_page_is_a_block() -> None:
    past = history(10)
    challenged = following(past, new=3, pages=30, blocked=1, challenges=1)
    assert kinds(challenged, past) == {"blocked"}


def test_a_site_refusing_every_request_is_blocked_not_down() -> None:
    past = history(10)
    for _ in range(3):
        past.append(following(past, pages=12, http_errors={"403": 12}, errors=12))
    assert kinds(past[-1], past[:-1]) == {"blocked"}


def test_down_after_two_crawls_without_a_usable_response() -> None:
    past = history(40)
    unreachable = {"pages": 0, "http_errors": {}, "errors": 9}
    first = following(past, **unreachable)
    assert kinds(first, past) == set()
    second = following([*past, first], **unreachable)
    problems = assess(second, [*past, first], interval=HALF_HOUR)
    assert problems == {"down": "no usable response in 2 crawls (connections failed)"}


def test_server_errors_only_are_down() -> None:
    past = history(40)
    failing = {"pages": 18, "http_errors": {"503": 18}, "errors": 6}
    past.append(following(past, **failing))
    assert kinds(following(past, **failing), past) == {"down"}


# -- assess: silence ----------------------------------------------------------------------


def test_a_site_publishing_every_two_hours_silent_for_twelve_hours() -> None:
    past = history(45)  # last articles at crawl 44
    while len(past) < 44 + 24:
        past.append(following(past))
    problems = assess(following(past), past, interval=HALF_HOUR)
    assert problems == {"silent": "no new article for 12.0 h, usually one every 2.0 h"}


def test_a_two_hourly_site_quiet_for_four_hours_is_fine() -> None:
    past = history(45)  # last articles at crawl 44
    while len(past) < 44 + 8:
        past.append(following(past))
    assert kinds(following(past), past) == set()


def test_a_weekly_site_quiet_for_two_days_is_fine_but_not_for_five_weeks() -> None:
    six_hours = 6 * 3600.0
    past = history(4 * 28 + 1, every=28, interval=six_hours)  # 4 weeks, crawled every 6 h
    quiet = [crawl(len(past) + i, 0, past[-1].last_new, six_hours) for i in range(8)]
    assert assess(quiet[-1], past + quiet[:-1], interval=six_hours) == {}
    later = crawl(len(past) + 5 * 28, 0, past[-1].last_new, six_hours)
    assert set(assess(later, past, interval=six_hours)) == {"silent"}


def test_silence_needs_a_known_usual_gap() -> None:
    three_days_later = (START + timedelta(days=3)).isoformat()
    young = history(5)  # articles at crawls 0 and 4: one gap, not enough
    assert kinds(replace(following(young), finished_at=three_days_later), young) == set()
    older = history(9)  # articles at crawls 0, 4 and 8
    assert kinds(replace(following(older), finished_at=three_days_later), older) == {"silent"}


def test_a_site_that_is_down_is_not_also_reported_silent() -> None:
    past = history(45)
    while len(past) < 45 + 30:
        past.append(following(past, pages=0, http_errors={}, errors=9))
    assert kinds(following(past, pages=0, http_errors={}, errors=9), past) == {"down"}


# -- transitions --------------------------------------------------------------------------


def test_an_alert_starts_once_and_recovers_once() -> None:
    past = history(20)
    refused = {"pages": 12, "http_errors": {"403": 12}, "errors": 12}
    plan = [{}, refused, refused, {**refused, "pages": 14, "http_errors": {"403": 14}}, {}, {}]
    alerts: list[Transition] = []
    previous: dict[str, str] = {}
    for changes in plan:
        current = following(past, new=2, **changes)
        problems = assess(current, past, interval=HALF_HOUR)
        alerts += transitions(previous, problems)
        past.append(current)
        previous = problems
    assert [(a.kind, a.state) for a in alerts] == [("blocked", "started"), ("blocked", "recovered")]
    assert alerts[0].detail == "HTTP 403 x12 in 12 responses"


def test_transitions_between_two_sets_of_problems() -> None:
    before = {"down": "no usable response in 2 crawls (HTTP 503 x6)", "silent": "quiet"}
    after = {"silent": "quieter", "layout": "median body 300 chars, usually 2400"}
    assert transitions(before, after) == [
        Transition("layout", "started", "median body 300 chars, usually 2400"),
        Transition("down", "recovered", "no usable response in 2 crawls (HTTP 503 x6)"),
    ]
    assert transitions(after, after) == []
