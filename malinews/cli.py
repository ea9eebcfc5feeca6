"""The `malinews` command line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from malinews.core.db import db_errors, error_text
from malinews.core.urls import is_http_url, is_postgres_url
from malinews.pipelines.stage import OutputError
from malinews.scrapers.config import (
    DEFAULT_CONFIG,
    Config,
    ConfigError,
    load_config,
    parse_interval,
)

EXIT_USAGE = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
DEMO_PORT = 8411  # the sample sites are served on 127.0.0.1:8411 and the next ports


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def _config(args: argparse.Namespace, *, write: bool = True) -> Config:
    """The config, with its alert channels usable and (to `write`) its output folder writable."""
    from malinews.scheduler.channels import build_channels

    config = load_config(args.config, getattr(args, "output", None))
    try:
        build_channels(config.channels, output_dir=config.output_dir)
    except ValueError as exc:
        raise ConfigError(f"{config.path}: {exc}") from None
    if write:
        _writable(config.output_dir)
    return config


def _no_store(config: Config, *, as_json: bool = False) -> bool:
    """True (and says so, or prints an empty JSON list) when the output folder has no state
    store yet: commands that only read it must not create one."""
    from malinews.pipelines.store import PG_STORE, store_exists

    if store_exists(config.output_dir, config.database_url):
        return False
    where = PG_STORE if config.database_url else config.output_dir
    print("[]" if as_json else f"no state store in {where} yet: `malinews crawl` creates it")
    return True


def _stored(args: argparse.Namespace) -> Config:
    """The config of a command that works on an existing state store (export, reprocess): a
    folder never crawled is one line, and nothing is created in it."""
    config = _config(args, write=False)
    _require_store(config)
    _writable(config.output_dir)
    return config


def _require_store(config: Config) -> None:
    """One line, and nothing created, when no crawl has made the store yet."""
    from malinews.pipelines.store import store_exists, store_place

    if not store_exists(config.output_dir, config.database_url):
        where = store_place(config.output_dir, config.database_url)
        raise UserError(f"{where}: no state store (crawl first)")


def _at_least_one(text: str) -> int:
    """An argparse type: a whole number of 1 or more (--limit)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _writable(folder: Path) -> None:
    """Create the output folder if needed; one clear line when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass  # a name of its own: commands started together each probe their own file
    except OSError as exc:
        raise UserError(f"{folder}: output folder not writable: {exc.strerror}") from None


def cmd_crawl(args: argparse.Namespace) -> int:
    from malinews.scheduler.crawl import format_summary, run_crawls

    config = _config(args)
    results = run_crawls(
        config,
        config.select(args.site),
        on_site_done=lambda result: print(result.progress(), file=sys.stderr, flush=True),
        LOG_LEVEL=args.log_level,
    )
    if args.json:
        print(json.dumps([{"site": r.site, **r.row()} for r in results]))
    else:
        print(format_summary(results))
        print(f"output: {config.output_dir}")
    if any(result.interrupted for result in results):
        print("interrupted: the next crawl goes on from here")
        return EXIT_INTERRUPTED
    if all(result.failed for result in results):  # cron must notice
        print("malinews: error: every site failed (no usable response)", file=sys.stderr)
        return EXIT_FAILURE
    return 0


def _monitor_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    from malinews.scheduler.run import Monitor

    config = _config(args)
    _monitor_logging()
    if config.database_url is not None:  # one of the workers sharing a PostgreSQL store
        from malinews.scheduler.workers import SharedMonitor

        return SharedMonitor(config).run()
    return Monitor(config).run()


def cmd_alerts(args: argparse.Namespace) -> int:
    from malinews.pipelines.store import Store
    from malinews.scheduler.outbox import recent_alerts

    config = _config(args, write=False)
    since = None
    if args.since:
        since = datetime.now(UTC) - timedelta(seconds=_duration("--since", args.since))
    if _no_store(config, as_json=args.json):
        return 0
    store = Store(config.output_dir, config.database_url)
    try:
        alerts = recent_alerts(store.conn, rule=args.rule, since=since, limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps(alerts, ensure_ascii=False, indent=1))
        return 0
    for alert in alerts:
        states = ", ".join(f"{k}: {v}" for k, v in sorted(alert["deliveries"].items()))
        copies = len(alert.get("copies") or [])
        print(
            _printable(
                f"{alert['created_at']}  [{alert['severity']}] {alert['rule']}: {alert['title']}"
            )
        )
        # an operator alert (a site down, a channel failing) has no article: no site or copies
        where = f"{alert['site']} {alert['url']}  ({copies} copies; " if alert["url"] else "("
        print(_printable(f"    {where}{states})"))
        for channel, error in sorted(alert.get("errors", {}).items()):
            print(_printable(f"    {channel}: {alert['deliveries'][channel]}: {error}"))
    if not alerts:
        print("no alerts")
    return 0


def _printable(text: str) -> str:
    """Text safe for a terminal: control characters (ESC sequences...) from scraped titles are
    dropped."""
    return "".join(c for c in text if c.isprintable())


def cmd_status(args: argparse.Namespace) -> int:
    from malinews.pipelines.store import Store

    config = _config(args, write=False)
    if _no_store(config):
        return 0
    store = Store(config.output_dir, config.database_url)
    try:
        header = f"{'site':<14} {'last crawl':<26} {'pages':>6} {'new':>5} {'errors':>6}"
        print(f"{header}  {'last new article':<26} problems")
        for site in config.sites:
            crawls = store.crawls(site.name, limit=1)
            last = crawls[0] if crawls else None
            stats = last["stats"] if last else {}
            history = store.health_history(site.name, 1)
            problems = history[0][1] if history else {}
            finished = (last or {}).get("finished_at")
            print(
                f"{site.name:<14} {_to_second(finished) if finished else 'never':<26} "
                f"{stats.get('downloader/response_count', 0):>6} "
                f"{stats.get('malinews/new', 0):>5} {stats.get('malinews/errors', 0):>6}  "
                f"{store.last_article(site.name) or '-':<26} "
                + ("; ".join(f"{kind}: {detail}" for kind, detail in problems.items()) or "ok")
            )
        if store.shared:  # several workers may share it: who holds which site
            from malinews.scheduler.workers import status_lines

            if workers := status_lines(store, config.lost_after):
                print("\n" + "\n".join(workers))
    finally:
        store.close()
    return 0


def _to_second(iso: str) -> str:
    """An ISO 8601 time without its fraction of a second, for tables."""
    return datetime.fromisoformat(iso).isoformat(timespec="seconds")


def cmd_sites(args: argparse.Namespace) -> int:
    from malinews.sites import BUILTIN

    config = load_config(args.config) if Path(args.config).exists() else None
    configured = {site.name: site for site in config.sites} if config else {}
    print(f"{'site':<14} {'profile':<9} {'uses':<22} start URL")
    for name, site in {**BUILTIN, **configured}.items():
        kind = "built-in" if site.builtin else "generic"
        where = "configured" if name in configured else "available"
        uses = ", ".join(site.uses)
        print(f"{name:<14} {kind:<9} {uses:<22} {site.start_urls[0]}  ({where})")
    return 0


def _duration(option: str, value: str) -> float:
    try:
        return parse_interval(value)
    except ValueError as exc:
        raise UserError(f"{option}: {exc}") from None


def cmd_demo(args: argparse.Namespace) -> int:
    from malinews.scheduler.crawl import format_summary, run_crawls
    from malinews.scheduler.demo import demo_config_text, demo_servers
    from malinews.scheduler.run import Monitor

    output = Path(args.output)
    _writable(output)
    if not 1024 <= args.port <= 65000:
        raise UserError(f"--port {args.port}: choose a port from 1024 to 65000")
    servers = demo_servers(first_port=args.port)
    with ExitStack() as stack:
        for server in servers.values():
            stack.enter_context(server)
        config_path = output / "demo.toml"
        config_path.write_text(demo_config_text(servers, output), encoding="utf-8")
        config = load_config(config_path)
        print("Serving the bundled sample sites on 127.0.0.1:")
        for name, server in servers.items():
            print(f"  {name:<10} {server.url}/")
        if args.run:
            _monitor_logging()
            return Monitor(config).run()
        results = run_crawls(config, config.sites, LOG_LEVEL=args.log_level)
    print()
    print(format_summary(results))
    print()
    for name in ("articles.jsonl", "alerts.jsonl", "feed.json", "malinews.sqlite3"):
        print(f"  {output / name}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from malinews.extraction.extract import extract_article
    from malinews.extraction.html import decode_html
    from malinews.pipelines.chain import extract_page, profile_for

    if args.path == "-":
        body = sys.stdin.buffer.read()
    else:
        try:
            body = Path(args.path).read_bytes()
        except OSError as exc:
            raise UserError(f"{args.path}: cannot read: {exc.strerror}") from None
    if not is_http_url(args.url):
        raise UserError(f"--url: not an http(s) URL: {args.url!r}")
    config = load_config(args.config) if Path(args.config).exists() or args.config_given else None
    profile = profile_for(args.url, config.sites if config else ())
    fetched_at = args.fetched_at or datetime.now(UTC)
    rules = config.alerts if config else ()
    record = extract_page(body, args.url, profile, rules=rules, now=fetched_at)
    if record is None:
        why = extract_article(decode_html(body), args.url, profile, fetched_at=fetched_at).reason
        raise UserError(f"{args.path}: not an article page ({why})")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return 0


def _fetch_time(text: str) -> datetime:
    """An ISO 8601 time for --fetched-at (UTC when it names no zone)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_export(args: argparse.Namespace) -> int:
    from malinews.pipelines.export import ARTICLES, export_pending, rebuild, write_feed
    from malinews.pipelines.store import Store

    config = _stored(args)
    store = Store(config.output_dir, config.database_url)
    articles = config.output_dir / ARTICLES
    try:
        if args.rebuild:
            done = f"{rebuild(store, config.output_dir)} article records written to {articles}"
        else:
            count = export_pending(store, config.output_dir)
            done = f"{count} article records appended to {articles}"
        feed = write_feed(store, config.output_dir)
    except db_errors() as exc:
        raise store.error(exc) from None
    finally:
        store.close()
    print(f"{done}; wrote {feed}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from malinews.web.server import ServeError, serve

    config = load_config(args.config, args.output)
    try:
        serve(config, args.host, args.port)
    except ServeError as exc:
        raise UserError(str(exc)) from None
    return 0


def cmd_articles(args: argparse.Namespace) -> int:
    from malinews.web import queries

    config = load_config(args.config, args.output)
    try:
        filters = queries.Filters(
            site=args.site,
            rule=args.rule,
            since=queries.parse_since(args.since) if args.since else None,
        )
        conn = queries.connect(config.output_dir, config.database_url)
    except (queries.BadFilter, queries.StoreMissing) as exc:
        raise UserError(str(exc)) from None
    try:
        if args.q:
            records = queries.search_records(conn, args.q, filters, args.limit)
        else:
            records = queries.latest_records(conn, filters, args.limit)
    finally:
        conn.close()
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
        return 0
    for record in records:
        day = (record.get("published") or record["crawled_at"])[:10]
        hits = ", ".join(record.get("keyword_hits") or [])
        print(f"{day}  {record['site']:<12} {record['title']}" + (f"  [{hits}]" if hits else ""))
        print(f"            {record['url']}")
    if not records:
        print("no articles")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from malinews.core import diff
    from malinews.core.urls import article_id, canonical_url
    from malinews.pipelines.store import Store

    config = load_config(args.config, args.output)
    _require_store(config)
    ident = article_id(canonical_url(args.id)) if "://" in args.id else args.id
    store = Store(config.output_dir, config.database_url)
    try:
        history = store.history(ident)
    finally:
        store.close()
    if not history:
        raise UserError(f"{args.id}: no stored article with this id or URL")
    numbers = [r["revision"] for r in history]
    wanted = numbers[1:] if args.revision is None else [args.revision]
    if any(n not in numbers[1:] for n in wanted):
        raise UserError(f"--revision: {args.id} has revisions {numbers}; pick one after the first")
    if not wanted:
        print(f"{history[0]['url']}: one revision only, nothing changed")
    color = sys.stdout.isatty()
    for number in wanted:
        old, new = history[numbers.index(number) - 1], history[numbers.index(number)]
        print(f"revision {old['revision']} -> {number} ({new['crawled_at']})")
        chunks = diff.word_diff(old["title"], old["text"], new["title"], new["text"])
        print(diff.render(chunks, color=color), end="\n\n")
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    from malinews.pipelines.export import export_pending, write_feed
    from malinews.pipelines.reprocess import reprocess
    from malinews.pipelines.store import Store
    from malinews.scheduler.crawl import deliver

    config = _stored(args)
    if args.site:
        config.site(args.site)  # an unknown name is one line
    now = datetime.now(UTC)
    since = now - timedelta(seconds=_duration("--since", args.since)) if args.since else None
    store = Store(config.output_dir, config.database_url)
    try:
        report = reprocess(config, store, site=args.site, since=since or datetime.min)
        export_pending(store, config.output_dir)
        write_feed(store, config.output_dir)
        deliver(config, store)
    finally:
        store.close()
    rate = report.read / report.seconds if report.seconds else 0.0
    skipped = ", ".join(f"{why} {n}" for why, n in sorted(report.skipped.items()))
    print(
        f"{report.read} archived articles read ({rate:.0f}/s): {len(report.changed)} changed, "
        f"{report.unchanged} unchanged, {report.alerts} new alerts"
        + (f"; skipped: {skipped}" if skipped else "")
    )
    for record in report.changed:
        changes = record["changes"]
        print(f"{record['id']}  revision {record['revision']}  {record['url']}")
        if changes["removed"]:
            print(f"    - {changes['removed']}")
        if changes["added"]:
            print(f"    + {changes['added']}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from malinews.pipelines.migrate import migrate
    from malinews.pipelines.store import Store

    if not is_postgres_url(args.to):
        raise UserError("--to: not a postgresql:// URL (its value is not shown)")
    config = _stored(args)
    source = Store(config.output_dir)
    try:
        target = Store(config.output_dir, args.to)
        try:
            migrated = migrate(source, target)
        except db_errors() as exc:  # rolled back: the target is left empty
            raise target.error(exc) from None
        finally:
            target.close()
    finally:
        source.close()
    for table, count in migrated.counts.items():
        print(f"{table:<16} {count:>9}")
    counts = migrated.counts
    print(
        f"migrated: {counts['articles']} articles, {counts['revisions']} revisions, "
        f"{counts['stories']} stories, {counts['alerts']} alerts, "
        f"{counts['deliveries']} deliveries in {migrated.seconds:.1f} s"
    )
    return 0


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "crawl": (cmd_crawl, "crawl the configured sites once, then print a summary"),
    "demo": (cmd_demo, "offline demo: crawl bundled sample sites served on 127.0.0.1"),
    "extract": (cmd_extract, "extract one saved page and print the article as JSON"),
    "export": (cmd_export, "write articles.jsonl and feed.json again from the state store"),
    "run": (cmd_run, "monitor: re-crawl every site on its interval and send alerts"),
    "alerts": (cmd_alerts, "list recent alerts from the state store"),
    "status": (cmd_status, "per site: last crawl, its figures, last new article"),
    "sites": (cmd_sites, "list the site profiles and what each reads (feed, listing, sitemap)"),
    "serve": (cmd_serve, "web app and HTTP API on the state store (read-only)"),
    "articles": (cmd_articles, "list or search stored articles (the web app's search)"),
    "diff": (cmd_diff, "what changed between the stored revisions of an article"),
    "reprocess": (cmd_reprocess, "extract archived pages again (after an upgrade), no fetching"),
    "migrate": (cmd_migrate, "copy the SQLite state store into an empty PostgreSQL database"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="malinews", description="Scraper and monitor for Malian news sites."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {
        name: sub.add_parser(name, help=text, description=text)
        for name, (_, text) in COMMANDS.items()
    }
    for name in (
        "crawl",
        "export",
        "extract",
        "run",
        "alerts",
        "status",
        "sites",
        "serve",
        "articles",
        "diff",
        "reprocess",
        "migrate",
    ):
        parsers[name].add_argument(
            "--config", default=DEFAULT_CONFIG, help=f"config file (default: {DEFAULT_CONFIG})"
        )
    for name in (
        "crawl",
        "export",
        "run",
        "alerts",
        "status",
        "serve",
        "articles",
        "diff",
        "reprocess",
        "migrate",
    ):
        parsers[name].add_argument("--output", help="output folder (default: [output] dir)")
    for name in ("crawl", "alerts", "articles"):
        parsers[name].add_argument("--json", action="store_true", help="print JSON")
    parsers["serve"].add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    parsers["serve"].add_argument("--port", type=int, default=8080, help="default: 8080")
    parsers["articles"].add_argument("--q", help='full-text search: words, "a phrase"')
    parsers["articles"].add_argument("--site", help="only this site")
    parsers["articles"].add_argument("--rule", help="only stories that hit this rule")
    parsers["articles"].add_argument("--since", help="stored this recently (24h) or since a date")
    parsers["articles"].add_argument(
        "--limit", type=_at_least_one, default=20, help="at most this many"
    )
    parsers["alerts"].add_argument("--rule", help="only this rule")
    parsers["alerts"].add_argument("--since", help="only alerts this recent, e.g. 24h or 2d")
    parsers["alerts"].add_argument(
        "--limit", type=_at_least_one, default=50, help="at most this many"
    )
    parsers["demo"].add_argument("--output", default="output", help="output folder")
    parsers["demo"].add_argument(
        "--run", action="store_true", help="keep monitoring the sample sites (malinews run)"
    )
    parsers["demo"].add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        help=f"first port of the sample sites on 127.0.0.1 (default {DEMO_PORT})",
    )
    for name in ("crawl", "demo"):
        parsers[name].add_argument(
            "--log-level",
            default="WARNING",
            type=str.upper,
            choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
            help="Scrapy log level (default: WARNING)",
        )
    parsers["crawl"].add_argument(
        "--site",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="crawl only these sites (--site a b, or --site a --site b)",
    )
    parsers["extract"].add_argument("path", help="saved HTML page, or - for standard input")
    parsers["extract"].add_argument("--url", required=True, help="the URL the page was saved from")
    parsers["extract"].add_argument(
        "--fetched-at",
        type=_fetch_time,
        help="when the page was saved, ISO 8601 (default: now); picks the site's layout of then",
    )
    parsers["reprocess"].add_argument("--site", help="only this site")
    parsers["reprocess"].add_argument(
        "--since", help="only pages fetched this recently, e.g. 30d (default: all)"
    )
    parsers["diff"].add_argument("id", help="article id, or its URL")
    parsers["diff"].add_argument(
        "--revision", type=int, help="only the change that made this revision (default: all)"
    )
    parsers["migrate"].add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the empty PostgreSQL database: postgresql://user@host/db (password in PGPASSWORD)",
    )
    parsers["export"].add_argument(
        "--rebuild", action="store_true", help="rewrite articles.jsonl from scratch"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.config_given = "--config" in (argv if argv is not None else sys.argv)
    try:
        return COMMANDS[args.command][0](args)
    except (ConfigError, UserError) as exc:
        print(f"malinews: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as exc:
        print(f"malinews: error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except db_errors() as exc:  # one no command put in its own words (a store left behind)
        print(f"malinews: error: the state store: {error_text(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `malinews alerts | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
