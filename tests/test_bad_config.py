"""Bad configs through the command line: one line naming the file and the key, exit code 2, no
traceback. (tests/test_config.py checks the messages of the loader itself.)

The cases call `malinews.cli.main` in-process; two run the real `malinews` command in a child
process to prove its exit code and stderr are the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import faultserver as fs
from tests.conftest import run_cli, run_main

SITE = '[[sites]]\nname = "bamada"\nstart_urls = ["http://127.0.0.1:9/"]\n'
RULE = '[[alerts]]\nname = "bamex"\nkeywords = ["Bamex"]\n'

CASES = {  # id -> (config text, what the error line must contain)
    "bad-toml": ('[crawl\ninterval = "15m"\n' + SITE, "invalid TOML"),
    "unknown-crawl-key": ("[crawl]\nintervall = 3\n" + SITE, "crawl.intervall: unknown key"),
    "output-not-a-table": ('output = "sortie"\n' + SITE, "output: expected a table"),
    "output-dir-number": ("[output]\ndir = 3\n" + SITE, "output.dir: expected a string"),
    "sites-not-a-list": ("sites = 3\n", "sites: expected a list"),
    "site-not-a-table": ("sites = [1]\n", "sites[0]: expected a table"),
    "delay-string": ('[crawl]\ndownload_delay = "vite"\n' + SITE, "crawl.download_delay"),
    "delay-negative": ("[crawl]\ndownload_delay = -1\n" + SITE, "crawl.download_delay"),
    "max-pages-zero": ("[crawl]\nmax_pages = 0\n" + SITE, "crawl.max_pages"),
    "jitter-negative": ('[crawl]\njitter = "-5s"\n' + SITE, "crawl.jitter"),
    "interval-number-zero": ("[crawl]\ninterval = 0\n" + SITE, "crawl.interval"),
    "contact-not-http": ('[crawl]\ncontact = "moi"\n' + SITE, "crawl.contact"),
    "site-max-pages-string": (SITE + 'max_pages = "dix"\n', "sites[0].max_pages"),
    "site-selector-number": (SITE + "[sites.selectors]\nbody = 3\n", "sites[0].selectors.body"),
    "site-article-url-regex": (SITE + 'article_url = "(["\n', "sites[0].article_url"),
    "unknown-profile": (SITE + 'profile = "lemonde"\n', "sites[0].profile: unknown profile"),
    "empty-keyword": (SITE + '[[alerts]]\nname = "r"\nkeywords = [""]\n', "alerts[0]"),
    "blank-keyword": (SITE + '[[alerts]]\nname = "r"\nkeywords = ["   "]\n', "alerts[0]"),
    "no-keywords": (SITE + '[[alerts]]\nname = "r"\n', "alerts[0]"),
    "keyword-number": (SITE + '[[alerts]]\nname = "r"\nkeywords = [3]\n', "alerts[0]"),
    "duplicate-rule": (SITE + RULE + RULE, "alerts[1].name: duplicate rule name 'bamex'"),
    "alert-not-a-table": ("alerts = [2]\n" + SITE, "alerts[0]: expected a table"),
    "unknown-channel": (SITE + RULE + 'channels = ["slack"]\n', "unknown channel 'slack'"),
    "channel-without-url": (
        SITE + '[channels.equipe]\ntype = "webhook"\n',
        "channels.equipe.url",
    ),
    # values that passed validation, then hung or crashed the crawl or the scheduler
    "interval-inf": ("[crawl]\ninterval = inf\n" + SITE, "crawl.interval"),
    "interval-nan": ("[crawl]\ninterval = nan\n" + SITE, "crawl.interval"),
    "interval-huge": ('[crawl]\ninterval = "99999999999h"\n' + SITE, "crawl.interval"),
    "delay-inf": ("[crawl]\ndownload_delay = inf\n" + SITE, "crawl.download_delay"),
    "delay-nan": ("[crawl]\ndownload_delay = nan\n" + SITE, "crawl.download_delay"),
    "site-interval-inf": (SITE + "interval = inf\n", "sites[0].interval"),
    "site-max-pages-zero": (SITE + "max_pages = 0\n", "sites[0].max_pages"),
    "channel-path-outside": (
        SITE + '[channels.copie]\ntype = "file"\npath = "../../ailleurs.jsonl"\n',
        "channels.copie.path",
    ),
    "channel-secret-in-file": (
        SITE + '[channels.equipe]\ntype = "webhook"\nurl = "http://127.0.0.1:9/"\n'
        'secret = "s3cret"\n',
        "channels.equipe.secret",
    ),
}


def assert_one_clear_line(code: int, stdout: str, stderr: str, *expected: str) -> None:
    """Exit 2, nothing on stdout, one stderr line holding each `expected` text, no traceback."""
    assert code == 2, stderr
    assert not stdout and "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("malinews: error: ")
    for text in expected:
        assert text in lines[0]


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "malinews.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text, expected = CASES[name]
    path = config_file(tmp_path, text)
    assert_one_clear_line(*run_main(capsys, "status", "--config", str(path)), path.name, expected)


def test_the_real_command_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    text, expected = CASES["bad-toml"]
    path = config_file(tmp_path, text)
    result = run_cli("status", "--config", str(path))
    assert_one_clear_line(result.returncode, result.stdout, result.stderr, path.name, expected)


def test_a_config_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "malinews.toml"
    path.write_bytes(SITE.replace("bamada", "s\xe9gou").encode("latin-1"))
    result = run_main(capsys, "status", "--config", str(path))
    assert_one_clear_line(*result, str(path), "invalid TOML")


def test_an_unreadable_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "malinews.toml"
    folder.mkdir()  # reading a folder fails for every user, root included
    result = run_main(capsys, "status", "--config", str(folder))
    assert_one_clear_line(*result, str(folder), "cannot read")


def test_an_output_folder_that_cannot_be_written(tmp_path: Path) -> None:
    """Through the real command: the crawl stops before Scrapy starts."""
    (tmp_path / "bloc").write_text("un fichier, pas un dossier", encoding="utf-8")
    path = config_file(tmp_path, '[output]\ndir = "bloc/sortie"\n' + SITE)
    result = run_cli("crawl", "--config", str(path))
    assert_one_clear_line(
        result.returncode, result.stdout, result.stderr, "bloc/sortie", "output folder not writable"
    )


def test_an_unknown_site_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_file(tmp_path, SITE)
    result = run_main(capsys, "crawl", "--config", str(path), "--site", "maliweb")
    assert_one_clear_line(*result, "malinews.toml", "no site named 'maliweb'")


def test_a_demo_output_folder_that_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bloc").write_text("un fichier, pas un dossier", encoding="utf-8")
    result = run_main(capsys, "demo", "--output", str(tmp_path / "bloc" / "sortie"))
    assert_one_clear_line(*result, "bloc/sortie", "output folder not writable")


def test_a_demo_port_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "demo", "--output", str(tmp_path / "out"), "--port", "80")
    assert_one_clear_line(*result, "--port 80", "1024 to 65000")
    assert not (tmp_path / "out" / "malinews.sqlite3").exists()


def test_a_backtracking_article_url_pattern_cannot_stall(tmp_path: Path) -> None:
    """`(a|aa)+$` on a path of 50 a's and a '!' takes hours with `re`; the page is synthetic."""
    config = tmp_path / "malinews.toml"
    config.write_text(
        '[[sites]]\nname = "lent"\nstart_urls = ["https://lent.example.ml/"]\n'
        'article_url = "^/(a|aa)+$"\n',
        encoding="utf-8",
    )
    page = tmp_path / "page.html"
    page.write_text(fs.article_html("Le forage de Markala", fs.paragraphs(7)), encoding="utf-8")
    url = "https://lent.example.ml/" + "a" * 50 + "!"
    result = run_cli("extract", "--config", str(config), str(page), "--url", url, timeout=60)
    assert "Traceback" not in result.stderr
    assert "lent: article_url took too long on /aaaa" in result.stderr
    assert result.returncode == 0  # judged as on a site without a pattern: an article
