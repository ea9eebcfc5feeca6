"""`malinews run`: scheduled crawls of fixture sites, one alert per story, clean stop."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from malinews.scheduler.demo import SiteServer, site_origin
from tests.conftest import REPO, add_bamada_article, read_jsonl, write_config

BAMEX_PARAGRAPHS = [
    "Le comité d’organisation du Bamex 2026 a tenu sa première réunion plénière jeudi à Bamako, "
    "sous la présidence du ministre de la Défense et des Anciens combattants.",
    "Les membres ont validé le calendrier des travaux et la liste des pays invités, dont la "
    "Türkiye et la Russie, partenaires de la première édition du salon.",
    "Le ministre a demandé que les entreprises maliennes disposent d’un pavillon propre afin de "
    "présenter leurs équipements et leurs services aux délégations étrangères.",
]


class Monitor:
    """`malinews run` in a child process, its log lines read as they come."""

    def __init__(self, config: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "malinews.cli", "run", "--config", str(config)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while sum(text in line for line in self.log) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {text!r} in time; log:\n" + "".join(self.log)
            try:
                self.log.append(self.lines.get(timeout=remaining))
            except queue.Empty:
                continue


def test_run_crawls_on_interval_alerts_once_and_stops_on_sigterm(
    tmp_path: Path, site_copies: Path
) -> None:
    rules = '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n'
    rules += '[[sites]]\nname = "nowhere"\nstart_urls = ["http://127.0.0.1:9/"]\n'  # down
    with SiteServer(site_copies / "bamada", site_origin("bamada")) as server:
        config = write_config(tmp_path / "malinews.toml", {"bamada": server}, rules)
        text = config.read_text().replace(
            "autothrottle = false", 'autothrottle = false\ninterval = "1s"\njitter = "0s"'
        )
        config.write_text(text)
        monitor = Monitor(config)
        try:
            monitor.wait_for("crawl bamada:")
            out = tmp_path / "out"
            first_articles = read_jsonl(out / "articles.jsonl")
            first_alerts = read_jsonl(out / "alerts.jsonl")
            add_bamada_article(
                site_copies,
                "bamex-2026-le-comite-dorganisation-tient-sa-premiere-pleniere",
                "Bamex 2026 : le comité d’organisation tient sa première plénière",
                BAMEX_PARAGRAPHS,
            )
            monitor.wait_for("crawl bamada:", count=3)
            monitor.wait_for("crawl nowhere:")  # a site that is down does not stop the others
        finally:
            monitor.process.send_signal(signal.SIGTERM)
            code = monitor.process.wait(timeout=60)
    assert code == 0
    articles = read_jsonl(out / "articles.jsonl")
    alerts = read_jsonl(out / "alerts.jsonl")
    new = [a for a in articles if "plénière" in a["title"]]
    assert len(new) == 1 and len(articles) == len(first_articles) + 1
    about_new = [a for a in alerts if a["story_id"] == new[0]["story_id"]]
    assert len(about_new) == 1, alerts
    assert about_new[0]["rule"] == "bamex" and "**Bamex**" in about_new[0]["snippet"]
    assert len(alerts) == len(first_alerts) + 1
    while not monitor.lines.empty():
        monitor.log.append(monitor.lines.get())
    log = "".join(monitor.log)
    assert "stopping on SIGTERM" in log and "Traceback" not in log
