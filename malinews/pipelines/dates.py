"""Publication and modification dates: parse French and ISO date strings, pick the trusted one.

A date keeps the offset the page wrote ("2020-02-14T07:00:00+09:00" stays on the 14th, the day
the page's readers saw): the publication day is the page's local day, not the UTC day. A time
without an offset is taken as UTC, since Mali is UTC+0 all year (Africa/Bamako, no DST), so
Malian dates come out in UTC. Relative dates ("hier", "il y a 3 heures") count from the fetch.
Common forms go through the regular expressions below; dateparser is only a slow last resort,
and the source of month names in languages other than French and English: it is imported on
first use (~0.06 s), which a French or English page mostly never needs.
"""

from __future__ import annotations

import email.utils
import re
from calendar import monthrange
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from malinews.article import Article
from malinews.core.dates import PUBLISHED_LABELS
from malinews.core.text import fold
from malinews.core.urls import date_in_path
from malinews.pipelines.stage import Stage

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
"""Dates before this are taken as parse errors."""
FUTURE_TOLERANCE = timedelta(hours=1)
"""A date at most this far after the fetch is still accepted (clock skew)."""
WEEKDAY_YEARS = 6
"""How many years back a weekday + day + month without a year may point."""
BODY_WINDOW = 600
"""Body dates are looked for in this many leading characters only."""
MAX_INPUT = 300
"""Longer date strings are cut: a date field is never this long."""
UNDECLARED_LANGUAGES = ("en", "de", "es", "it", "pt", "nl")
"""Languages whose month names are read, besides French, on a page that declares none."""
MACHINE_SOURCES = ("jsonld", "meta", "time")
SHOWN_SOURCES = ("time", "visible")
"""Evidence the page shows its readers (a `<time>` is both machine-readable and shown)."""

_MONTH_SPELLINGS = {
    1: ("janvier", "janv", "jan"),
    2: ("février", "févr", "fév", "feb"),
    3: ("mars", "mar"),
    4: ("avril", "avr", "apr"),
    5: ("mai", "may"),
    6: ("juin", "jun"),
    7: ("juillet", "juill", "juil", "jul"),
    8: ("août", "aou", "aug"),
    9: ("septembre", "sept", "sep"),
    10: ("octobre", "oct"),
    11: ("novembre", "nov"),
    12: ("décembre", "déc"),
}
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAYS_BACK = {"avant-hier": 2, "avant hier": 2, "hier": 1, "aujourd'hui": 0, "aujourdhui": 0}
_AGO_UNITS = {
    "min": "minutes",
    "minute": "minutes",
    "h": "hours",
    "heure": "hours",
    "jour": "days",
    "semaine": "weeks",
}


def _fold(word: str) -> str:
    """Letters of `word`, lower-case, accents dropped; anything else (e.g. U+FFFD) removed."""
    return "".join(char for char in fold(word) if char.isalpha())


def _month_keys() -> dict[str, int]:
    """Folded month spellings, with and without their accented letters ("déc" -> "dec", "dc")."""
    keys = {}
    for number, spellings in _MONTH_SPELLINGS.items():
        for spelling in spellings:
            keys[_fold(spelling)] = number
            keys[re.sub(r"[^a-z]", "", spelling)] = number
    return keys


_MONTHS = _month_keys()
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
"""The keys of dateparser's locale data, in calendar order."""
_ENGLISH_MONTHS = {
    spelling: number
    for number, name in enumerate(_MONTH_NAMES, start=1)
    for spelling in (name, name[:3])
} | {"sept": 9}
"""English month names and abbreviations ("sep", "sept"): the spellings of dateparser's "en"."""


def _locale_months(tag: str) -> dict[str, int]:
    """Folded month names of one dateparser locale ("de", "pt-BR"); {} for an unknown tag.
    French and English need no dateparser (importing it costs start-up): `_MONTHS` and
    `_ENGLISH_MONTHS` hold their names."""
    language = tag.split("-")[0]
    if language == "fr":
        return dict(_MONTHS)
    if language == "en":
        return dict(_ENGLISH_MONTHS)
    from dateparser.languages import default_loader

    try:
        locale = default_loader.get_locale(tag)
    except (ValueError, KeyError):
        return {}
    keys: dict[str, int] = {}
    for number, name in enumerate(_MONTH_NAMES, start=1):
        for spelling in locale.info.get(name, ()):
            keys.setdefault(_fold(spelling), number)
    return keys


def _undeclared_months() -> dict[str, int]:
    """Month names of `UNDECLARED_LANGUAGES`, for a page that declares no language: only the
    words that name the same month in all of them ("dicembre", "März"; not a word that is one
    month here and another there), and no short abbreviation, which may be a word of another
    language ("out" is October in Portuguese)."""
    seen: dict[str, set[int]] = {}
    for tag in UNDECLARED_LANGUAGES:
        for key, number in _locale_months(tag).items():
            if len(key) >= 4:
                seen.setdefault(key, set()).add(number)
    return {key: numbers.pop() for key, numbers in seen.items() if len(numbers) == 1}


@lru_cache(maxsize=64)
def _language_months(lang: str | None) -> dict[str, int]:
    """Folded month names of the page's language (`<html lang>`, e.g. "de-DE"), from dateparser's
    locale data, before the French ones (Mali's) which every page falls back on. A page that
    declares no language gets the common European ones (`UNDECLARED_LANGUAGES`)."""
    full = (lang or "").replace("_", "-")  # "en_US" is seen too
    keys = _undeclared_months() if not full else {}
    for tag in dict.fromkeys([full, full.split("-")[0]] if full else []):
        if keys := _locale_months(tag):
            break
    return keys | {key: number for key, number in _MONTHS.items() if key not in keys}


_WORD = r"(?:[^\W\d_]|\ufffd)+"
_WEEKDAY = "|".join(_WEEKDAYS)
_TIME = (
    r"(?:\s*(?:à|a|,|-|–)?\s*(?P<hour>\d{1,2})\s*[h:]\s*(?P<minute>\d{2})?"
    r"(?:\s*:\s*(?P<second>\d{2}))?(?!\w))?"
)
_ISO = re.compile(
    r"(?<!\d)\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.IGNORECASE,
)
_RFC822 = re.compile(r"^(?:[a-z]{3},\s*)?\d{1,2}\s+[a-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
# "05/11/2025", "5.11.25", "4. 2. 2022" (German typography puts a space after the dot)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<day>\d{1,2})[/.-]\s?(?P<month>\d{1,2})[/.-]\s?(?P<year>\d{4}|\d{2})(?!\d)" + _TIME
)
# day first: "mardi 4 novembre 2025", "21. Jan 2022", "martes 17 de marzo de 2020", "3rd May 2023"
_TEXTUAL = re.compile(
    rf"(?:\b(?P<weekday>{_WEEKDAY})\s*,?\s*)?(?<!\d)(?P<day>\d{{1,2}})"
    rf"(?:er|e|st|nd|rd|th|\.)?\s*(?:de\s+)?"
    rf"(?P<month>{_WORD})\.?(?:\s*,?\s*(?:de\s+)?(?P<year>\d{{4}})(?!\d))?" + _TIME
)
# month first, only with a year: "March 11, 2020", "Nov 3rd 2023"
_TEXTUAL_MDY = re.compile(
    rf"(?<!\w)(?P<month>{_WORD})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)"
)
_MONTH_YEAR = re.compile(rf"(?<!\w)(?P<month>{_WORD})\.?\s+(?P<year>\d{{4}})(?!\d)")
_AGO = re.compile(
    r"\bil y a\s+(?P<count>\d{1,3}|une?)\s*"
    r"(?P<unit>minutes?|min|heures?|h|jours?|semaines?|mois|ans?|années?)(?!\w)"
)
_DAY_WORD = re.compile(r"\b(?P<word>avant[- ]hier|hier|aujourd'?hui)(?!\w)" + _TIME)
_DATEPARSER_HINT = re.compile(r"derni|semaine")
_PUBLISHED_LABEL = re.compile(rf"^(?:{PUBLISHED_LABELS})\b")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_BODY_DATE = re.compile(
    rf"\b(?:(?P<rel>avant-hier|hier|aujourd'hui|ce)|le)\s+(?:(?P<weekday>{_WEEKDAY})\s*,?\s*)?"
    rf"(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_WORD})(?:\s+(?P<year>\d{{4}})(?!\d))?"
)


Dated = tuple[datetime, str]
"""A date with the name of the evidence it came from."""


@dataclass(frozen=True)
class DateResult:
    """The chosen dates and which evidence gave the publication date."""

    published: datetime | None
    source: str | None
    modified: datetime | None


def _fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 ("dÃ©cembre" -> "décembre"), pair by pair."""

    def decode(match: re.Match[str]) -> str:
        try:
            return match.group().encode("cp1252").decode("utf-8")
        except UnicodeError:
            return match.group()

    return re.sub(r"[ÂÃ].", decode, text)


def _normalise(raw: str) -> str:
    """Lower-case, single-spaced text with straight apostrophes and mojibake undone."""
    text = _fix_mojibake(raw[:MAX_INPUT]).replace("’", "'")
    return " ".join(text.lower().split())


def _aware(value: datetime) -> datetime:
    """`value` with its own offset kept; a naive value is Bamako time, which is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _plausible(value: datetime, now: datetime) -> bool:
    """Not before 1990 and not after the fetch (give or take clock skew)."""
    return EARLIEST <= value <= now + FUTURE_TOLERANCE


def _at(day: date, match: re.Match[str]) -> datetime | None:
    """`day` at the time of day captured by `_TIME` in `match` (midnight if none), in UTC."""
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    try:
        return datetime.combine(day, time(hour, minute, second), tzinfo=UTC)
    except ValueError:
        return None


def _recent_date(day: int, month: int, weekday: int | None, now: datetime) -> date | None:
    """The latest date on `day`/`month` (and on `weekday` if given) that is not after `now`."""
    for year in range(now.year, now.year - WEEKDAY_YEARS, -1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate <= now.date() and weekday in (None, candidate.weekday()):
            return candidate
    return None


def _calendar_date(match: re.Match[str], month: int, now: datetime) -> date | None:
    """The date named by a match with `day`, optional `year` and optional `weekday` groups."""
    day = int(match["day"])
    if match["year"]:
        try:
            return date(int(match["year"]), month, day)
        except ValueError:
            return None
    weekday = _WEEKDAYS.index(match["weekday"]) if match["weekday"] else None
    return _recent_date(day, month, weekday, now)


def _parse_iso(raw: str) -> datetime | None:
    """ISO 8601, the whole string or the first ISO date inside it."""
    text = raw.strip()
    if not _ISO.match(text):
        found = _ISO.search(text)
        if not found:
            return None
        text = found.group()
    try:
        return _aware(datetime.fromisoformat(text.upper()))
    except (ValueError, OverflowError):
        return None


def _parse_rfc822(raw: str, text: str) -> datetime | None:
    """Feed dates such as "Tue, 16 Dec 2025 10:30:00 +0000"."""
    if not _RFC822.match(text):
        return None
    try:
        return _aware(email.utils.parsedate_to_datetime(raw.strip()))
    except (ValueError, TypeError, OverflowError):
        return None


def _parse_numeric(text: str) -> datetime | None:
    """Day-first numeric dates: "05/11/2025", "5.11.25", "16/12/2025 à 10h30"."""
    for match in _NUMERIC.finditer(text):
        year = int(match["year"])
        if len(match["year"]) == 2:
            year += 2000 if year < 70 else 1900
        try:
            day = date(year, int(match["month"]), int(match["day"]))
        except ValueError:
            continue
        return _at(day, match)
    return None


def _parse_textual(text: str, now: datetime, months: dict[str, int]) -> datetime | None:
    """ "<weekday> <day> <month> <year> à <time>" with any part but day and month optional,
    else "<month> <day>, <year>", else "<month> <year>"; `months` maps folded month names."""
    for match in _TEXTUAL.finditer(text):
        month = months.get(_fold(match["month"]))
        day = month and _calendar_date(match, month, now)
        if day:
            return _at(day, match)
    for match in _TEXTUAL_MDY.finditer(text):
        month = months.get(_fold(match["month"]))
        try:
            return datetime(int(match["year"]), month or 0, int(match["day"]), tzinfo=UTC)
        except ValueError:  # not a month name, or no such day
            continue
    for match in _MONTH_YEAR.finditer(text):
        month = months.get(_fold(match["month"]))
        if month:
            return datetime(int(match["year"]), month, 1, tzinfo=UTC)
    return None


def _months_back(now: datetime, months: int) -> datetime:
    """`now` moved back by whole calendar months, the day clamped to the month's length."""
    year, month_index = divmod(now.year * 12 + now.month - 1 - months, 12)
    month = month_index + 1
    return now.replace(year=year, month=month, day=min(now.day, monthrange(year, month)[1]))


def _parse_relative(text: str, now: datetime) -> datetime | None:
    """ "il y a 3 heures", "il y a 2 mois", "hier à 18h", "avant-hier", "aujourd'hui"."""
    ago = _AGO.search(text)
    if ago:
        count = 1 if ago["count"].startswith("un") else int(ago["count"])
        unit = ago["unit"]
        try:
            if unit.startswith(("mois", "an")):
                return _months_back(now, count * (1 if unit == "mois" else 12))
            return now - timedelta(**{_AGO_UNITS[unit.rstrip("s")]: count})
        except (ValueError, OverflowError):
            return None
    word = _DAY_WORD.search(text)
    if word:
        return _at(now.date() - timedelta(days=_DAYS_BACK[word["word"]]), word)
    return None


def _parse_with_dateparser(text: str, now: datetime) -> datetime | None:
    """Last resort for phrases such as "la semaine dernière": dateparser, French, day first."""
    if not _DATEPARSER_HINT.search(text):
        return None
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": now.replace(tzinfo=None),
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    import dateparser

    try:
        found = dateparser.parse(text, languages=["fr"], settings=settings)
    except Exception:  # dateparser has no documented error set; garbage must never raise
        return None
    return _aware(found) if found else None


def parse_date(raw: str, *, now: datetime, lang: str | None = None) -> datetime | None:
    """One date string in any common French or ISO form -> aware datetime, or None.

    The offset written in the string is kept (UTC when none is written). Month names are read
    in `lang` (the page's `<html lang>`) and in French.

    Leading words ("Publié le", "Par X -", "Bamako, le") are skipped, a day-first order is
    assumed, relative dates count from `now`, and a date after `now` or before 1990 gives None.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    now = _aware(now)
    text = _normalise(raw)
    found = (
        _parse_iso(raw[:MAX_INPUT])
        or _parse_rfc822(raw[:MAX_INPUT], text)
        or _parse_numeric(text)
        or _parse_textual(text, now, _language_months(lang.lower() if lang else None))
        or _parse_relative(text, now)
        or _parse_with_dateparser(text, now)
    )
    return found if found and _plausible(found, now) else None


def date_from_url(url: str, *, now: datetime) -> datetime | None:
    """Date of a dated permalink ("/2025/11/05/<slug>/"). A date a site encodes its own way
    comes from extraction, as a "url" candidate (the site's `url_date` hook)."""
    day = date_in_path(url) if isinstance(url, str) else None
    found = datetime.combine(day, time(), UTC) if day else None
    return found if found and _plausible(found, _aware(now)) else None


def date_from_body(text: str, *, now: datetime) -> datetime | None:
    """Publication date from the opening of an article, conservatively.

    Only "hier lundi 15 décembre" / "ce mardi 4 novembre 2025" (a day word plus a weekday or a
    year) and "le 15 décembre 2025" (with a year) count; "hier" moves the date one day later,
    since the article appeared the day after the event.
    """
    if not isinstance(text, str):
        return None
    now = _aware(now)
    for match in _BODY_DATE.finditer(_normalise(text[:BODY_WINDOW])):
        rel = match["rel"]
        month = _MONTHS.get(_fold(match["month"]))
        if not month or not (match["year"] or (rel and match["weekday"])):
            continue
        day = _calendar_date(match, month, now)
        if not day:
            continue
        found = datetime.combine(day + timedelta(days=_DAYS_BACK.get(rel, 0)), time(), UTC)
        if _plausible(found, now):
            return found
    return None


def _dated(
    candidates: Sequence[tuple[str, str]], now: datetime, lang: str | None
) -> Iterator[Dated]:
    """The candidates that parse to an acceptable date, in the order given, with their source."""
    for source, raw in candidates:
        if found := parse_date(raw, now=now, lang=lang):
            yield found, source


def _published(
    candidates: Sequence[tuple[str, str]], url: str, text: str, now: datetime, lang: str | None
) -> Dated | None:
    """The publication date from the candidates, else the URL, else the body, with its source.

    A first date that may not be the page's own day is checked against the later candidates:
    a feed date (the site's word, not the page's) or a date in UTC (maybe converted from the
    page's local time). The same instant written with the page's offset wins; else, when the
    URL names another day, the first later candidate on the URL's day wins. htmldate's guess
    comes after the URL and the body: it is right less often than either (0.90 of the public
    pages it dates, against 0.98 for URL dates).
    """
    in_url = date_from_url(url, now=now)
    dated = _dated(sorted(candidates, key=lambda candidate: candidate[0] == "htmldate"), now, lang)
    chosen = next(dated, None)
    if chosen and chosen[1] != "htmldate":
        if chosen[1] != "feed" and chosen[0].utcoffset():
            return chosen
        later = list(dated)
        if local := next(
            (found for found in later if found[0] == chosen[0] and found[0].utcoffset()), None
        ):
            return local
        if in_url and chosen[0].date() != in_url.date():
            return next((found for found in later if found[0].date() == in_url.date()), chosen)
        return chosen
    if in_url:
        return in_url, "url"
    if found := date_from_body(text, now=now):
        return found, "body"
    return chosen  # htmldate's guess, if any


def _labelled(
    candidates: Sequence[tuple[str, str]], now: datetime, lang: str | None
) -> Dated | None:
    """The page's first visible date line when it labels it as the publication date and gives
    its year ("Publié le 29 juin 2019", "Erschienen am: 13.10.2021")."""
    raw = next((raw for source, raw in candidates if source == "visible"), "")
    if not _PUBLISHED_LABEL.match(_normalise(raw)) or not _YEAR.search(raw):
        return None
    found = parse_date(raw, now=now, lang=lang)
    return (found, "visible") if found else None


def _as_shown(
    chosen: Dated | None,
    candidates: Sequence[tuple[str, str]],
    modified: Dated | None,
    now: datetime,
    lang: str | None,
) -> Dated | None:
    """The date the page shows its readers, where machine-readable metadata says otherwise.

    A machine date (JSON-LD, `<meta>`, a `<time>` attribute) is often the day the CMS record
    was created or last saved, while the page tells its readers another: a visible line it
    labels as the publication date wins over a machine date of another day; and when the
    metadata's modification day comes after its publication day and the page shows only the
    modification day, the page presents itself as of that day (a republished article) and
    that day wins.
    """
    if chosen is None or chosen[1] not in MACHINE_SOURCES:
        return chosen
    labelled = _labelled(candidates, now, lang)
    if labelled and labelled[0].date() != chosen[0].date():
        return labelled
    if chosen[1] == "time" or modified is None or modified[0].date() <= chosen[0].date():
        return chosen  # (a modification before the publication is no republication)
    shown = list(_dated([c for c in candidates if c[0] in SHOWN_SOURCES], now, lang))
    days = {found.date() for found, _ in shown}
    if modified[0].date() in days and chosen[0].date() not in days:
        return next(found for found in shown if found[0].date() == modified[0].date())
    return chosen


def resolve_date(
    candidates: Sequence[tuple[str, str]],
    *,
    url: str,
    text: str,
    fetched_at: datetime,
    modified_candidates: Sequence[tuple[str, str]] = (),
    lang: str | None = None,
) -> DateResult:
    """Try candidates in the order given (the caller orders them by trust: jsonld, meta, time,
    feed, visible, htmldate), then the URL, then the body text. First acceptable date wins,
    unless the URL's date confirms a later one or the page shows another (`_as_shown`). Month
    names are read in `lang` and French."""
    modified = next(_dated(modified_candidates, fetched_at, lang), None)
    published = _as_shown(
        _published(candidates, url, text, fetched_at, lang), candidates, modified, fetched_at, lang
    )
    return DateResult(
        published=published[0] if published else None,
        source=published[1] if published else None,
        modified=modified[0] if modified else None,
    )


def date_item(item: Article) -> Article:
    """Set `published`, `date_source` and `modified` on an item: ISO 8601, the page's offset."""
    result = resolve_date(
        [(source, raw) for source, raw in item.date_candidates],
        url=item.url,
        text=item.text,
        fetched_at=datetime.fromisoformat(item.fetched_at),
        modified_candidates=[(source, raw) for source, raw in item.modified_candidates],
        lang=item.lang,
    )
    item.published = result.published.isoformat() if result.published else None
    item.date_source = result.source
    item.modified = result.modified.isoformat() if result.modified else None
    return item


class DatePipeline(Stage):
    def process_item(self, item: Article) -> Article:
        item = date_item(item)
        if item.published is None:
            self.count("undated")
        return item
