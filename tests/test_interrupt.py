"""One Ctrl-C (SIGINT) stops a crawl without waiting for the pages in flight, fetches nothing
more, and the summary says "interrupted". The fixture site is synthetic (tests/faultserver.py)
on 127.0.0.1."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import faultserver as fs
from tests.conftest import REPO

PAGES = 60
LATENCY = 5.0  # seconds per article page: a graceful stop would wait for them


def article_hits(server: fs.FaultServer) -> int:
    return sum(n for path, n in server.hits.items() if path.startswith("/actualite/"))


@pytest.mark.timeout(120)
def test_one_ctrl_c_stops_a_crawl_at_once(tmp_path: Path) -> None:
    with fs.FaultServer() as server:
        server.pages["/"] = fs.page(
            "".join(f'<a href="/actualite/d-{i}">Dépêche {i}</a>' for i in range(PAGES)).encode()
        )
        for i in range(PAGES):
            body = fs.article_html(f"Dépêche {i} : {fs.SUBJECTS[i % 12]}", fs.paragraphs(i))
            server.pages[f"/actualite/d-{i}"] = fs.delayed(fs.page(body.encode()), LATENCY)
        config = tmp_path / "malinews.toml"
        config.write_text(
            '[output]\ndir = "out"\n[crawl]\ndownload_delay = 0\nautothrottle = false\n'
            f'[[sites]]\nname = "lent"\nstart_urls = ["{server.url}/"]\n',
            encoding="utf-8",
        )
        crawl = subprocess.Popen(
            [sys.executable, "-m", "malinews.cli", "crawl", "--config", str(config)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while article_hits(server) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            crawl.send_signal(signal.SIGINT)
            interrupted_at = time.monotonic()
            hits_then = article_hits(server)
            out, err = crawl.communicate(timeout=60)
            took = time.monotonic() - interrupted_at
            later = article_hits(server) - hits_then
        finally:
            if crawl.poll() is None:
                crawl.kill()
    # in-flight pages are dropped, not awaited: the stop comes before one page could finish
    # (about 1.2 s on a quiet machine, against the 2 s the issue asks; bench-free bound here)
    assert took < LATENCY - 1, f"stopped {took:.1f} s after Ctrl-C"
    assert later <= 2, f"{later} more article pages requested after Ctrl-C"  # in flight then
    assert crawl.returncode == 130, err
    assert "lent: " in err and "(interrupted)" in err
    assert "interrupted" in out and "Traceback" not in err
