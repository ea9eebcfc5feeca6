"""Load and validate `malinews.toml`.

Every mistake becomes one `ConfigError` line naming the file and the key, e.g.
`malinews.toml: sites[2].name: duplicate site name 'bamada'`.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malinews.core.urls import is_http_url, is_postgres_url
from malinews.pipelines.keywords import AlertRule, RuleError
from malinews.sites import BUILTIN, generic_profile
from malinews.sites.profile import SiteProfile, check_css

if TYPE_CHECKING:
    import regex

DEFAULT_CONFIG = "malinews.toml"
NAME_RE = re.compile(r"^[a-z0-9_-]+$")
INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
MAX_DURATION = 366 * 86400.0  # seconds: longer is a typo, and would overflow timers
MAX_DOWNLOAD_DELAY = 600.0  # seconds between two requests to one site
# ages after an article was first seen at which it is fetched again, for edits and takedowns
DEFAULT_REVISIT = (3600.0, 6 * 3600.0, 86400.0, 3 * 86400.0, 7 * 86400.0)
SELECTOR_KEYS = ("title", "body", "date", "author", "source", "listing_links", "next_page")


class ConfigError(Exception):
    """A configuration mistake, as one line for the user."""


@dataclass(frozen=True)
class CrawlSettings:
    """Crawl behaviour shared by every site ([crawl] table)."""

    interval: float = 900.0
    jitter: float = 30.0
    contact: str = "https://github.com/malinews/malinews"
    download_delay: float = 2.0
    concurrent_per_host: int = 2
    obey_robots: bool = True
    max_pages: int = 200  # requests per site per crawl, retries and redirects included
    autothrottle: bool = True
    max_duration: float = 600.0  # seconds a crawl may last (default: see _crawl_settings)
    revisit: tuple[float, ...] = DEFAULT_REVISIT
    max_revisits: int = 50  # revisits per crawl of a site, after its new articles

    @property
    def user_agent(self) -> str:
        return f"malinews/0.1 (+{self.contact})"


@dataclass(frozen=True)
class Config:
    path: Path
    output_dir: Path
    crawl: CrawlSettings
    sites: tuple[SiteProfile, ...]
    alerts: tuple[AlertRule, ...] = ()
    channels: Mapping[str, Any] = field(default_factory=dict)
    ops_channels: tuple[str, ...] = ()  # where operator alerts go, besides ops.jsonl
    token_env: str | None = None  # [serve]: the variable holding the web app's bearer token
    archive: bool = True  # [output]: keep every fetched article response in WARC files
    archive_days: int | None = None  # [output]: delete archive months older than this
    # [store] url_env: the PostgreSQL store's URL, read from that variable (None: SQLite);
    # kept out of repr so a logged Config never shows the password
    database_url: str | None = field(default=None, repr=False)
    heartbeat: float = 10.0  # [workers]: seconds between a worker's heartbeats
    lost_after: float = 30.0  # [workers]: a worker silent this long is lost; others take over
    concurrency: int = 4  # [workers]: sites one monitor (or worker) crawls at once

    def site(self, name: str) -> SiteProfile:
        for site in self.sites:
            if site.name == name:
                return site
        raise ConfigError(f"{self.path.name}: sites: no site named {name!r}")

    def revisit(self, site: SiteProfile) -> tuple[float, ...]:
        """The ages (seconds after first seen) at which the site's articles are fetched again."""
        return self.crawl.revisit if site.revisit is None else site.revisit

    def rule(self, name: str) -> AlertRule:
        return next(r for r in self.alerts if r.name == name)

    def alert_channels(self, rule_name: str) -> list[str]:
        """Channels of a rule: its own list, else every configured one; always `jsonl`."""
        rule = self.rule(rule_name)
        names = list(rule.channels) or list(self.channels)
        return ["jsonl", *(n for n in names if n != "jsonl")]

    def select(self, names: list[str] | None) -> tuple[SiteProfile, ...]:
        """The enabled sites, or the ones named (unknown names are an error)."""
        return tuple(self.site(n) for n in names) if names else self.sites


def parse_interval(value: object, *, allow_zero: bool = False) -> float:
    """'15m', '30s', '2h', '2d' or a number of seconds -> seconds (> 0, or ≥ 0 if allowed),
    at most MAX_DURATION."""
    if isinstance(value, bool):
        raise ValueError("expected a duration like '15m', '30s', '2h' or '2d'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = INTERVAL_RE.match(str(value))
        if not match:
            raise ValueError(
                f"invalid duration {value!r}: expected like '15m', '30s', '2h' or '2d'"
            )
        seconds = float(match[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[match[2]]
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise ValueError(f"invalid duration {value!r}: must be at most 366 days")
    if seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError(f"invalid duration {value!r}: must be positive")
    return seconds


class _Checker:
    """Typed access to TOML tables with errors that name the file and the key."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.filename}: {key}: {problem}")

    def table(self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        for name in data:
            if name not in allowed:
                import difflib  # only a mistyped key needs it

                close = difflib.get_close_matches(name, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(f"{key}.{name}" if key else name, f"unknown key{hint}")

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        name: str,
        kind: type | tuple[type, ...],
        default: Any = None,
        required: bool = False,
    ) -> Any:
        if name not in data:
            if required:
                raise self.fail(f"{key}.{name}", "missing")
            return default
        value = data[name]
        if isinstance(value, bool) and kind is not bool and bool not in _as_tuple(kind):
            raise self.fail(f"{key}.{name}", f"expected {_kind_name(kind)}, got {value!r}")
        if not isinstance(value, kind):
            raise self.fail(f"{key}.{name}", f"expected {_kind_name(kind)}, got {value!r}")
        return value

    def strings(self, data: Mapping[str, Any], key: str, name: str) -> tuple[str, ...]:
        values = self.get(data, key, name, list, default=[])
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"{key}.{name}[{i}]", "expected a non-empty string")
        return tuple(values)

    def convert(self, key: str, func: Callable[[Any], Any], value: Any) -> Any:
        try:
            return func(value)
        except ValueError as exc:
            raise self.fail(key, str(exc)) from None


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}
    names.update({list: "a list", dict: "a table"})
    return " or ".join(names.get(k, k.__name__) for k in _as_tuple(kind))


def _check_url(check: _Checker, key: str, url: str) -> str:
    if not is_http_url(url):
        raise check.fail(key, f"not an http(s) URL: {url!r}")
    return url


def _crawl_settings(check: _Checker, data: Mapping[str, Any]) -> CrawlSettings:
    key = "crawl"
    check.table(data, key, tuple(CrawlSettings.__dataclass_fields__))
    defaults = CrawlSettings()
    number = (int, float)
    per_host = check.get(data, key, "concurrent_per_host", int, defaults.concurrent_per_host)
    if not 1 <= per_host <= 8:
        raise check.fail(f"{key}.concurrent_per_host", "must be between 1 and 8")
    delay = check.get(data, key, "download_delay", number, defaults.download_delay)
    if not 0 <= delay <= MAX_DOWNLOAD_DELAY:  # also refuses nan and inf
        raise check.fail(f"{key}.download_delay", "must be between 0 and 600 seconds")
    max_pages = check.get(data, key, "max_pages", int, defaults.max_pages)
    if max_pages < 1:
        raise check.fail(f"{key}.max_pages", "must be at least 1")
    interval = check.convert(
        f"{key}.interval", parse_interval, data.get("interval", defaults.interval)
    )
    max_duration = check.convert(
        f"{key}.max_duration",
        parse_interval,
        # by default well under the interval: 2/3 of it, between 1 and 10 minutes
        data.get("max_duration", min(defaults.max_duration, max(60.0, interval * 2 / 3))),
    )
    max_revisits = check.get(data, key, "max_revisits", int, defaults.max_revisits)
    if max_revisits < 0:
        raise check.fail(f"{key}.max_revisits", "must be zero or more")
    return CrawlSettings(
        interval=interval,
        max_duration=max_duration,
        jitter=check.convert(
            f"{key}.jitter",
            lambda v: parse_interval(v, allow_zero=True),
            data.get("jitter", defaults.jitter),
        ),
        contact=_check_url(
            check, f"{key}.contact", check.get(data, key, "contact", str, defaults.contact)
        ),
        download_delay=float(delay),
        concurrent_per_host=per_host,
        obey_robots=check.get(data, key, "obey_robots", bool, defaults.obey_robots),
        max_pages=max_pages,
        autothrottle=check.get(data, key, "autothrottle", bool, defaults.autothrottle),
        revisit=_revisit(check, key, data, defaults.revisit),
        max_revisits=max_revisits,
    )


def _revisit(
    check: _Checker, key: str, data: Mapping[str, Any], default: tuple[float, ...]
) -> tuple[float, ...]:
    """The `revisit` list of a table as sorted ages in seconds (`[]`: no revisits)."""
    if "revisit" not in data:
        return default
    ages = check.get(data, key, "revisit", list)
    return tuple(
        sorted(
            check.convert(f"{key}.revisit[{i}]", parse_interval, age) for i, age in enumerate(ages)
        )
    )


SITE_KEYS = (
    "name",
    "start_urls",
    "profile",
    "feeds",
    "article_url",
    "selectors",
    "boilerplate",
    "interval",
    "max_pages",
    "revisit",
    "enabled",
)


def _site(check: _Checker, key: str, data: Mapping[str, Any]) -> SiteProfile | None:
    check.table(data, key, SITE_KEYS)
    name = check.get(data, key, "name", str, required=True)
    if not NAME_RE.match(name):
        raise check.fail(f"{key}.name", f"{name!r} must match [a-z0-9_-]+")
    if not check.get(data, key, "enabled", bool, True):
        return None
    profile_name = check.get(data, key, "profile", str, name if name in BUILTIN else None)
    if profile_name is not None and profile_name not in BUILTIN:
        known = ", ".join(sorted(BUILTIN))
        raise check.fail(f"{key}.profile", f"unknown profile {profile_name!r} (known: {known})")
    start_urls = check.strings(data, key, "start_urls")
    for i, url in enumerate(start_urls):
        _check_url(check, f"{key}.start_urls[{i}]", url)
    if profile_name:
        profile = BUILTIN[profile_name].replace(name=name)
        if start_urls:
            profile = profile.replace(start_urls=start_urls)
    elif start_urls:
        profile = generic_profile(name, start_urls)
    else:
        raise check.fail(f"{key}.start_urls", "missing (needed for a site without a profile)")
    changes: dict[str, Any] = {}
    if "feeds" in data:
        changes["feeds"] = check.strings(data, key, "feeds")
    if "boilerplate" in data:
        changes["boilerplate"] = profile.boilerplate + check.strings(data, key, "boilerplate")
    if "article_url" in data:
        pattern = check.get(data, key, "article_url", str)
        check.convert(f"{key}.article_url", _compile, pattern)
        changes["article_url"] = pattern
    if "interval" in data:
        changes["interval"] = check.convert(f"{key}.interval", parse_interval, data["interval"])
    if "max_pages" in data:
        changes["max_pages"] = check.get(data, key, "max_pages", int)
        if changes["max_pages"] < 1:
            raise check.fail(f"{key}.max_pages", "must be at least 1")
    if "revisit" in data:
        changes["revisit"] = _revisit(check, key, data, ())
    selectors = check.get(data, key, "selectors", dict, {})
    check.table(selectors, f"{key}.selectors", SELECTOR_KEYS)
    for sel_name in selectors:
        css = check.get(selectors, f"{key}.selectors", sel_name, str)
        check.convert(f"{key}.selectors.{sel_name}", check_css, css)
        changes[sel_name] = css
    return profile.replace(**changes)


def _compile(pattern: str) -> regex.Pattern[str]:
    """The pattern as `SiteProfile.article_url_match` runs it."""
    import regex  # imported on first use, as there: a config without `article_url` skips it

    try:
        return regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


def load_config(path: str | Path, output_dir: str | Path | None = None) -> Config:
    """Read and validate a config file; raise ConfigError with one clear line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_config(data, path, output_dir)


def parse_config(
    data: Mapping[str, Any], path: Path, output_dir: str | Path | None = None
) -> Config:
    """Validate an already-parsed TOML document."""
    check = _Checker(str(path))
    check.table(
        data,
        "",
        ("output", "crawl", "sites", "alerts", "channels", "ops", "serve", "store", "workers"),
    )
    output = check.get(data, "output", "output", dict, {}) if "output" in data else {}
    check.table(output, "output", ("dir", "archive", "archive_days"))
    archive = check.get(output, "output", "archive", bool, True)
    archive_days = check.get(output, "output", "archive_days", int, None)
    if archive_days is not None and archive_days < 1:
        raise check.fail("output.archive_days", "must be at least 1")
    out_dir = Path(output_dir or check.get(output, "output", "dir", str, "output"))
    if not out_dir.is_absolute() and output_dir is None:
        out_dir = path.parent / out_dir
    crawl = _crawl_settings(check, check.get(data, "crawl", "crawl", dict, {}))

    sites: list[SiteProfile] = []
    seen: set[object] = set()
    for i, site_data in enumerate(check.get(data, "sites", "sites", list, [])):
        key = f"sites[{i}]"
        if not isinstance(site_data, dict):
            raise check.fail(key, "expected a table ([[sites]])")
        site = _site(check, key, site_data)
        name = site_data.get("name")
        if name in seen:
            raise check.fail(f"{key}.name", f"duplicate site name {name!r}")
        seen.add(name)
        if site is not None:
            sites.append(site)
    if not sites:
        raise check.fail("sites", "no enabled site: add at least one [[sites]] table")

    channels = check.get(data, "channels", "channels", dict, {})
    for reserved in ("jsonl", "ops"):
        if reserved in channels:
            raise check.fail(f"channels.{reserved}", "name reserved for a built-in channel")
    ops = check.get(data, "ops", "ops", dict, {})
    check.table(ops, "ops", ("channels",))
    ops_channels = check.strings(ops, "ops", "channels")
    for i, name in enumerate(ops_channels):
        if name not in channels:
            raise check.fail(f"ops.channels[{i}]", f"unknown channel {name!r}")
    rules: list[AlertRule] = []
    for i, rule_data in enumerate(check.get(data, "alerts", "alerts", list, [])):
        if not isinstance(rule_data, dict):
            raise check.fail(f"alerts[{i}]", "expected a table ([[alerts]])")
        try:
            rule = AlertRule.from_config(rule_data)
        except RuleError as exc:
            raise check.fail(f"alerts[{i}]", str(exc)) from None
        if any(r.name == rule.name for r in rules):
            raise check.fail(f"alerts[{i}].name", f"duplicate rule name {rule.name!r}")
        for site_name in rule.sites:
            if site_name not in seen:
                raise check.fail(f"alerts[{i}].sites", f"unknown site {site_name!r}")
        for channel in rule.channels:
            if channel != "jsonl" and channel not in channels:
                raise check.fail(f"alerts[{i}].channels", f"unknown channel {channel!r}")
        rules.append(rule)
    serve = check.get(data, "serve", "serve", dict, {})
    check.table(serve, "serve", ("token_env",))
    token_env = check.get(serve, "serve", "token_env", str, None)
    store = check.get(data, "store", "store", dict, {})
    check.table(store, "store", ("url_env",))
    url_env = check.get(store, "store", "url_env", str, None)
    database_url = None
    if url_env is not None:
        database_url = os.environ.get(url_env, "").strip()
        if not database_url:
            raise check.fail("store.url_env", f"environment variable {url_env} is not set")
        if not is_postgres_url(database_url):
            raise check.fail(
                "store.url_env", f"{url_env} must hold a postgresql:// URL (its value is not shown)"
            )
    workers = check.get(data, "workers", "workers", dict, {})
    check.table(workers, "workers", ("heartbeat", "lost_after", "concurrency"))
    concurrency = check.get(workers, "workers", "concurrency", int, 4)
    if not 1 <= concurrency <= 64:
        raise check.fail("workers.concurrency", "must be from 1 to 64")
    heartbeat = check.convert("workers.heartbeat", parse_interval, workers.get("heartbeat", 10))
    lost_after = check.convert("workers.lost_after", parse_interval, workers.get("lost_after", 30))
    if lost_after < 2 * heartbeat:
        raise check.fail("workers.lost_after", "must be at least twice workers.heartbeat")
    return Config(
        path,
        out_dir,
        crawl,
        tuple(sites),
        tuple(rules),
        channels,
        ops_channels,
        token_env,
        archive=archive,
        archive_days=archive_days,
        database_url=database_url,
        heartbeat=heartbeat,
        lost_after=lost_after,
        concurrency=concurrency,
    )
