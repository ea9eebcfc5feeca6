"""Several `malinews run` workers sharing one PostgreSQL store: one crawl per site at a time, a
lost worker's sites taken over, every article stored once and every alert delivered once.

The sites are the bundled sample sites (synthetic pages written by this project), served on
loopback; each worker has its own config file whose contact URL marks its User-Agent, so the
servers' access logs tell which worker fetched what."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from malinews.pipelines.store import Store
from malinews.scheduler.demo import SiteServer, demo_servers
from malinews.scheduler.workers import TASK, SharedMonitor, prepare
from malinews.scrapers.config import load_config
from tests.conftest import DEMO_PORT, REPO, read_jsonl, run_cli

INTERVAL = 15.0  # seconds between two crawls of a site
LOST_AFTER = 6.0  # a worker silent this long is lost (not less: a busy machine must not look lost)


def worker_config(path: Path, servers: dict[str, SiteServer], out: Path, worker: int) -> Path:
    lines = [
        "[output]",
        f"dir = {json.dumps(str(out))}",
        "[store]",
        'url_env = "MALINEWS_DATABASE_URL"',
        "[workers]",
        f"heartbeat = 1\nlost_after = {LOST_AFTER:g}",
        # the two workers left after a loss have a slot for each of the 12 sites: a lost
        # worker's sites are taken over at once, not when a slot frees (README)
        "concurrency = 6",
        "[crawl]",
        "download_delay = 0.2",  # politeness on: a crawl takes a few seconds
        "autothrottle = false",
        f'interval = "{INTERVAL:g}s"',
        'jitter = "0s"',
        f'contact = "http://worker-{worker}.example/"',
        '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]',
        '[[alerts]]\nname = "defense"\nkeywords = ["Sadio Camara", "FAMa"]',
    ]
    for name, server in servers.items():
        lines += ["[[sites]]", f'name = "{name}"', f'start_urls = ["{server.url}/"]']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sites() -> Iterator[dict[str, SiteServer]]:
    servers = demo_servers(first_port=DEMO_PORT + 100)
    with ExitStack() as stack:
        for server in servers.values():
            stack.enter_context(server)
        yield servers


def start_worker(config: Path, url: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "malinews.cli", "run", "--config", str(config)],
        cwd=REPO,
        env={**os.environ, "MALINEWS_DATABASE_URL": url},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def held_sites(url: str) -> list[tuple[str, str]]:
    """(site, worker name) of each crawl running now (none before the first worker starts)."""
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()[0] is None:
            return []
        return conn.execute(
            "SELECT j.args ->> 'site', n.name FROM procrastinate_jobs j "
            "JOIN workers n ON n.id = j.worker_id WHERE j.status = 'doing'"
        ).fetchall()


def wait(
    condition: Callable[[], bool], timeout: float, what: str, explain: Callable[[], str] = str
) -> None:
    """Poll `condition` until it holds; past `timeout`, fail with what `explain()` says."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}\n{explain()}"
        time.sleep(0.2)


def explain(url: str, logs: list[Path]) -> str:
    """What a failure report needs: the crawl jobs and the end of each worker's log."""
    with psycopg.connect(url) as conn:
        jobs = conn.execute(
            "SELECT id, args ->> 'site', status, worker_id, scheduled_at FROM procrastinate_jobs "
            "ORDER BY id"
        ).fetchall()
    lines = ["jobs:", *map(str, jobs)]
    for log in logs:
        lines += [f"{log.name}:", *log.read_text(errors="replace").splitlines()[-15:]]
    return "\n".join(lines)


def test_three_workers_share_the_sites_and_survive_a_sigkill(
    tmp_path: Path, sites: dict[str, SiteServer], pg_url: str
) -> None:
    # the reference: one crawl of every site into an SQLite store
    reference = worker_config(tmp_path / "reference.toml", sites, tmp_path / "ref", 0)
    text = reference.read_text().replace('[store]\nurl_env = "MALINEWS_DATABASE_URL"\n', "")
    reference.write_text(text.replace("download_delay = 0.2", "download_delay = 0"))
    assert run_cli("crawl", "--config", str(reference)).returncode == 0
    expected = {r["id"] for r in read_jsonl(tmp_path / "ref" / "articles.jsonl")}
    expected_alerts = len(read_jsonl(tmp_path / "ref" / "alerts.jsonl"))
    assert len(expected) >= 40 and expected_alerts >= 3
    for server in sites.values():
        server.access.clear()

    out = tmp_path / "out"
    configs = [worker_config(tmp_path / f"w{n}.toml", sites, out, n) for n in (1, 2, 3)]
    workers = [start_worker(c, pg_url, tmp_path / f"w{n}.log") for n, c in enumerate(configs, 1)]
    try:
        victim = workers[0]
        victim_name = f":{victim.pid}"

        def status() -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "malinews.cli", "status", "--config", str(configs[1])],
                cwd=REPO,
                env={**os.environ, "MALINEWS_DATABASE_URL": pg_url},
                capture_output=True,
                text=True,
            )

        def up(report: subprocess.CompletedProcess[str]) -> list[str]:
            return [line for line in report.stdout.splitlines() if " up " in line]

        wait(lambda: len(up(status())) == 3, 30, "3 workers up in `malinews status`")
        report = status()
        assert any(victim_name in line for line in up(report))
        password = urlsplit(pg_url).password
        assert f":{password}@" not in report.stdout + report.stderr
        wait(lambda: any(w.endswith(victim_name) for _, w in held_sites(pg_url)), 60, "a crawl")
        taken = [site for site, w in held_sites(pg_url) if w.endswith(victim_name)]

        victim.send_signal(signal.SIGKILL)
        killed_at = time.time()
        victim.wait()

        def resumed() -> bool:  # every site the victim held was fetched again by another
            return all(
                any(t > killed_at and "worker-1" not in ua for t, ua, _ in sites[site].access)
                for site in taken
            )

        logs = [tmp_path / f"w{n}.log" for n in (1, 2, 3)]
        wait(
            resumed,
            2 * INTERVAL + 10,
            "the lost worker's sites to be taken over",
            lambda: explain(pg_url, logs),
        )
        takeover = max(
            min(t for t, ua, _ in sites[s].access if t > killed_at and "worker-1" not in ua)
            for s in taken
        )
        assert takeover - killed_at <= 2 * INTERVAL

        def stored() -> int:
            with psycopg.connect(pg_url) as conn:
                return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

        wait(lambda: stored() == len(expected), 90, "every article", lambda: explain(pg_url, logs))
        time.sleep(INTERVAL)  # a further round of crawls: nothing new may be stored or sent
        for worker in workers[1:]:
            worker.send_signal(signal.SIGTERM)
        for worker in workers[1:]:
            assert worker.wait(timeout=60) == 0
        for log in logs[1:]:  # a clean stop, though it cut crawls short: no error line
            assert " ERROR " not in log.read_text(), log.read_text()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    with psycopg.connect(pg_url) as conn:
        stored_ids = {r[0] for r in conn.execute("SELECT id FROM articles")}
        statuses = Counter(
            r[0] for r in conn.execute("SELECT status FROM deliveries WHERE kind = 'alert'")
        )
    assert stored_ids == expected
    exported = read_jsonl(out / "articles.jsonl")
    assert Counter((r["id"], r["revision"]) for r in exported).most_common(1)[0][1] == 1
    assert {r["id"] for r in exported} == expected
    # each alert delivered once (a copy found after its alert went out comes as a follow-up)
    sent = Counter(a["alert_id"] for a in read_jsonl(out / "alerts.jsonl") if a["kind"] == "alert")
    assert len(sent) == expected_alerts and set(sent.values()) == {1}
    assert set(statuses) == {"delivered"}
    lost = [a for a in read_jsonl(out / "ops.jsonl") if a["rule"] == "ops:worker"]
    assert len(lost) == 1 and victim_name in lost[0]["title"]
    for name, server in sites.items():  # one worker at a time: it changes only at a new crawl
        log = sorted(server.access)
        for before, after in zip(log, log[1:], strict=False):
            if before[1] != after[1]:
                assert after[2] == "/robots.txt", f"{name}: two workers crawled it at once"


def test_a_worker_that_loses_its_store_stops_in_one_line(
    tmp_path: Path, sites: dict[str, SiteServer], pg_url: str
) -> None:
    """The database dropped under a running worker: one line naming the store, exit 1 (a
    service manager restarts it), no traceback, no password."""
    config = worker_config(tmp_path / "w.toml", sites, tmp_path / "out", 1)
    log = tmp_path / "w.log"
    worker = start_worker(config, pg_url, log)
    try:
        wait(lambda: bool(held_sites(pg_url)), 60, "a crawl")
        admin = os.environ["MALINEWS_TEST_PG"]
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {urlsplit(pg_url).path[1:]} WITH (FORCE)")
        assert worker.wait(timeout=60) == 1
    finally:
        if worker.poll() is None:
            worker.kill()
    text = log.read_text()
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert "ERROR worker stopped: the PostgreSQL store: " in last
    password = urlsplit(pg_url).password
    assert f":{password}@" not in text


def test_a_worker_lost_after_queueing_the_next_crawl_does_not_block_the_site(
    tmp_path: Path, sites: dict[str, SiteServer], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The narrow window of a crawl job: its worker killed after it queued the site's next
    crawl and before it closed its own. Handed back, the old job would clash with the next one
    (one waiting job per site) and hold the site's lock for ever; the watch closes it instead,
    and the next crawl is the site's one job."""
    monkeypatch.setenv("MALINEWS_DATABASE_URL", pg_url)
    config = load_config(worker_config(tmp_path / "w.toml", sites, tmp_path / "out", 1))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        monitor = SharedMonitor(config)
        with closing(Store(config.output_dir, config.database_url)) as store:
            prepare(store)

        async def die_in_the_window() -> list[str]:
            async with monitor.app.open_async():
                manager = monitor.app.job_manager
                lost = await manager.register_worker()
                await monitor._queue("bamada", 0)
                job = await manager.fetch_job(None, lost)
                assert job is not None and job.task_kwargs == {"site": "bamada"}
                await monitor._queue("bamada", INTERVAL)  # the next crawl, then the kill
                conn.execute(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                )
                await monitor._take_over()
                jobs = await manager.list_jobs_async(task=TASK)
                return sorted(j.status for j in jobs)

        assert asyncio.run(die_in_the_window()) == ["todo"]
