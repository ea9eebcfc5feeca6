"""The monitor's log shows what an operator must know: a site going down and coming back (the
recovery without the stale reason) and alert deliveries that fail, with their reason.

The fixture site is synthetic (tests/faultserver.py); the webhook points at a closed port."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests import faultserver as fs
from tests.test_channels import free_port
from tests.test_run import Monitor


@pytest.mark.timeout(240)
def test_the_monitor_log_shows_ops_alerts_and_failed_deliveries(tmp_path: Path) -> None:
    with fs.FaultServer(max_requests=100_000, lifetime=300) as server:
        down = fs.page(b"<html><body>maintenance</body></html>", status=503)
        for path in ("/", "/feed/", "/robots.txt"):
            server.pages[path] = down
        config = tmp_path / "malinews.toml"
        config.write_text(
            '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
            'interval = "1s"\njitter = "0s"\n'
            f'[[sites]]\nname = "panne"\nstart_urls = ["{server.url}/"]\n'
            f'[channels.hook]\ntype = "webhook"\nurl = "http://127.0.0.1:{free_port()}/T0KEN"\n'
            '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n',
            encoding="utf-8",
        )
        monitor = Monitor(config)
        try:
            monitor.wait_for("crawl panne: panne: down started (no usable response", timeout=120)
            body = [*fs.paragraphs(3), "Le salon Bamex ouvrira ses portes lundi à Bamako."]
            server.pages["/actualite/bamex"] = fs.page(
                fs.article_html("Le salon Bamex ouvre lundi", body).encode()
            )
            server.pages["/"] = fs.page(b'<html><body><a href="/actualite/bamex">B</a></body>')
            server.pages["/feed/"] = fs.page(b"", status=404)
            server.pages["/robots.txt"] = fs.page(b"User-agent: *\n", content_type="text/plain")
            monitor.wait_for("crawl panne: panne: down recovered", timeout=120)
            monitor.wait_for("alert delivery through hook failed", timeout=60)
        finally:
            monitor.process.send_signal(signal.SIGTERM)
            monitor.process.wait(timeout=60)
    log = "".join(monitor.log)
    recovered = next(line for line in monitor.log if "down recovered" in line)
    assert recovered.rstrip().endswith("panne: down recovered")  # no stale reason
    failed = next(line for line in monitor.log if "alert delivery through hook failed" in line)
    assert "cannot reach 127.0.0.1" in failed and "T0KEN" not in log
