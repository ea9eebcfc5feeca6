"""Config loading: valid files load, every mistake is one line naming the file and key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from malinews.scrapers.config import ConfigError, load_config, parse_interval
from tests.conftest import REPO, run_main

MINIMAL = '[[sites]]\nname = "bamada"\nstart_urls = ["https://bamada.net/"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "malinews.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads_with_builtin_profiles_and_rules() -> None:
    config = load_config(REPO / "malinews.toml")
    assert [s.name for s in config.sites] == ["bamada", "maliweb", "maliactu"]
    assert config.site("maliweb").body == "div.td-post-content"
    assert config.site("maliactu").interval == 1800
    assert "bamex" in [r.name for r in config.alerts]
    assert config.output_dir == REPO / "output"


def test_a_site_with_name_and_start_urls_alone_is_valid(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path, '[[sites]]\nname = "jdm"\nstart_urls = ["https://www.journaldumali.com/"]\n'
        )
    )
    site = config.site("jdm")
    assert site.start_urls == ("https://www.journaldumali.com/",)
    assert not site.builtin and site.body is None


def test_site_keys_override_the_builtin_profile(tmp_path: Path) -> None:
    text = (
        MINIMAL + 'interval = "2h"\nboilerplate = ["Publicité"]\n[sites.selectors]\nbody = "main"\n'
    )
    site = load_config(write(tmp_path, text)).site("bamada")
    assert site.interval == 7200
    assert site.body == "main"
    assert site.boilerplate[-1] == "Publicité"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[[sites]\nname=", "invalid TOML"),
        (MINIMAL + "colour = 3\n", "sites[0].colour: unknown key"),
        (
            MINIMAL + "start_url = 3\n",
            "sites[0].start_url: unknown key (did you mean 'start_urls'?)",
        ),
        (MINIMAL + '[sites.selectors]\ntitle = "h1[["\n', "sites[0].selectors.title: invalid CSS"),
        ("[outptu]\ndir='x'\n" + MINIMAL, "outptu: unknown key"),
        (MINIMAL + MINIMAL, "sites[1].name: duplicate site name 'bamada'"),
        ('[[sites]]\nname = "Bad Name"\n', "sites[0].name: 'Bad Name' must match"),
        ('[[sites]]\nname = "x"\n', "sites[0].start_urls: missing"),
        ('[[sites]]\nname = "x"\nstart_urls = ["ftp://a"]\n', "sites[0].start_urls[0]: not an"),
        (
            '[[sites]]\nname = "x"\nstart_urls = "https://a/"\n',
            "sites[0].start_urls: expected a list",
        ),
        (MINIMAL + 'interval = "often"\n', "sites[0].interval: invalid duration 'often'"),
        ('[crawl]\ninterval = "0s"\n' + MINIMAL, "crawl.interval: invalid duration"),
        ("[crawl]\nconcurrent_per_host = 50\n" + MINIMAL, "crawl.concurrent_per_host"),
        ('[crawl]\nobey_robots = "yes"\n' + MINIMAL, "crawl.obey_robots: expected true or false"),
        (MINIMAL + '[[alerts]]\nname = "r"\nkeywords = [""]\n', "alerts[0]"),
        (
            MINIMAL + '[[alerts]]\nname = "r"\nkeywords = ["x"]\nsites = ["nope"]\n',
            "alerts[0].sites: unknown site 'nope'",
        ),
        ("", "sites: no enabled site"),
    ],
)
def test_config_mistakes_are_one_clear_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert expected in message
    assert message.startswith(f"{path}: ")
    assert "\n" not in message


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(("value", "seconds"), [("15m", 900), ("30s", 30), ("2h", 7200), (45, 45)])
def test_intervals(value: object, seconds: float) -> None:
    assert parse_interval(value) == seconds


def test_cli_reports_config_errors_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL + MINIMAL)
    code, out, err = run_main(capsys, "crawl", "--config", str(path))
    assert code == 2 and not out
    assert err.strip() == f"malinews: error: {path}: sites[1].name: duplicate site name 'bamada'"
    code, _, err = run_main(capsys, "crawl", "--config", str(tmp_path / "absent.toml"))
    assert code == 2 and "file not found" in err


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("crawl", "demo", "extract", "export"):
        with pytest.raises(SystemExit) as exit_:
            run_main(capsys, command, "--help")
        assert exit_.value.code == 0 and "usage: malinews" in capsys.readouterr().out


def test_channel_mistakes_are_refused_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MINIMAL + '[channels.equipe]\ntype = "webhook"\nurl = "https://h.example/x"\n'
    text += 'secret_env = "MALINEWS_UNSET_VARIABLE_FOR_TEST"\n'
    code, _, err = run_main(capsys, "crawl", "--config", str(write(tmp_path, text)))
    assert code == 2
    assert err.strip() == (
        f"malinews: error: {tmp_path / 'malinews.toml'}: channels.equipe.secret_env: "
        "environment variable MALINEWS_UNSET_VARIABLE_FOR_TEST is not set or empty"
    )


def test_the_store_url_comes_from_the_environment_and_is_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, MINIMAL + '[store]\nurl_env = "MN_TEST_DB"\n')
    monkeypatch.delenv("MN_TEST_DB", raising=False)
    with pytest.raises(ConfigError, match=r"store\.url_env: environment variable MN_TEST_DB"):
        load_config(path)
    monkeypatch.setenv("MN_TEST_DB", "mysql://user:s3cret@db/x")
    with pytest.raises(ConfigError, match="must hold a postgresql:// URL") as error:
        load_config(path)
    assert "s3cret" not in str(error.value)
    monkeypatch.setenv("MN_TEST_DB", "postgresql://user:s3cret@db/x")
    config = load_config(path)
    assert config.database_url == "postgresql://user:s3cret@db/x"
    assert "s3cret" not in repr(config)


def test_workers_timing_is_checked(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, MINIMAL))
    assert (config.heartbeat, config.lost_after) == (10.0, 30.0)
    path = write(tmp_path, MINIMAL + '[workers]\nheartbeat = "20s"\nlost_after = "30s"\n')
    with pytest.raises(ConfigError, match="workers.lost_after: must be at least twice"):
        load_config(path)
