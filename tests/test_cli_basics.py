"""The command line: usage errors are one line with exit 2; listings work."""

import json

from click.testing import CliRunner

from creatorscout.cli import main
from tests.mastodon_fixtures import FIXTURES, fixture


def test_parse_prints_json_lines_for_a_saved_response():
    data = fixture("statuses_page1")
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "statuses_page1.json"),
                                       "--url", data["url"]])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = {line["type"] for line in lines}
    assert {"post", "mention", "request"} <= kinds
    posts = [line for line in lines if line["type"] == "post"]
    assert len(posts) == len(data["body"])
    assert posts[0]["creator_id"].startswith("mastodon:")


def test_parse_reports_a_refusal():
    data = fixture("error_429")
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "error_429.json"),
                                       "--url", data["url"]])
    assert json.loads(result.stdout.splitlines()[0])["kind"] == "rate_limited"


def test_parse_unknown_url_is_a_usage_error():
    result = CliRunner().invoke(main, ["parse", str(FIXTURES / "error_404.json"),
                                       "--url", "ftp://files.example/dump.bin"])
    assert result.exit_code == 2
    assert "--platform" in result.stderr


def test_niches_list_and_show():
    listing = CliRunner().invoke(main, ["niches", "list"])
    assert listing.exit_code == 0 and "georgian-wine" in listing.stdout
    shown = CliRunner().invoke(main, ["niches", "show", "georgian-wine"])
    assert "ქვევრი" in shown.stdout


def scout_in_process(*args: str):
    """The CLI in this process (click's runner): usage errors stop before a crawl starts
    (a crawl runs Twisted's reactor, once per process: real crawls run in a child)."""
    return CliRunner().invoke(main, list(args))


def test_unknown_niche_is_one_line_exit_2():
    completed = scout_in_process("crawl", "no-such-niche", "--index", "sqlite:///unused.db")
    assert completed.exit_code == 2
    assert completed.stderr.count("\n") == 1 and "known niches" in completed.stderr
    assert "Traceback" not in completed.output


def test_unknown_platform_is_one_line_exit_2(tmp_path):
    completed = scout_in_process("crawl", "vegan-cooking", "--platform", "myspace",
                                 "--index", f"sqlite:///{tmp_path / 'x.db'}")
    assert completed.exit_code == 2
    assert "unknown platform 'myspace'" in completed.stderr
    assert "Traceback" not in completed.output


def test_bad_base_url_is_one_line_exit_2(tmp_path):
    completed = scout_in_process("crawl", "vegan-cooking", "--base-url", "mastodon",
                                 "--index", f"sqlite:///{tmp_path / 'x.db'}")
    assert completed.exit_code == 2 and "PLATFORM=URL" in completed.stderr
    completed = scout_in_process("crawl", "vegan-cooking", "--base-url", "mastodon=ftp://x",
                                 "--index", f"sqlite:///{tmp_path / 'x.db'}")
    assert completed.exit_code == 2 and "http://" in completed.stderr


def test_bad_max_creators(tmp_path):
    completed = scout_in_process("crawl", "vegan-cooking", "--max-creators", "0",
                                 "--index", f"sqlite:///{tmp_path / 'x.db'}")
    assert completed.exit_code == 2 and "max-creators" in completed.stderr
