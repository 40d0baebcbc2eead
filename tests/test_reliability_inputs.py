"""Strict inputs (issue 12, items 8, 12-16): what a user, a server or a file sends is
refused in one line, never a traceback, never a silent wrong answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy import Request
from scrapy.utils.test import get_crawler

from creatorscout.cli import main
from creatorscout.crawler.fetchguard import FetchGuardMiddleware, PrivateHostRefused
from creatorscout.plugins.feeds import parse_feed
from creatorscout.plugins.platform import FetchRequest
from creatorscout.search.backend import open_index
from tests.factories import make_scored


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("inputs") / "index.db"
    with open_index(f"sqlite:///{path}") as opened:
        opened.upsert([make_scored(native_id=str(n)) for n in range(5)])
    return f"sqlite:///{path}"


def scout(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("option", ["--offset", "--min-followers", "--max-followers"])
def test_huge_numbers_are_usage_errors(index, option):
    result = scout("search", option, "99999999999999999999", "--index", index)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(f"scout: error: {option.removeprefix('--')}: ")
    assert result.stderr.count("\n") == 1


def test_text_that_is_not_utf8_is_a_usage_error(index):
    result = scout("search", "--niche", "\udcff\udcfe", "--index", index)
    assert result.exit_code == 2
    assert "is not valid UTF-8 text" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize(("args", "says"), [
    (["--niche", "vegan-cookin"], "--niche vegan-cookin: no such niche; niches: "),
    (["--tier", "small"], "--tier small: no such tier; tiers: "),
    (["--platform", "instagram"], "--platform instagram: no such platform; platforms: "),
    (["--lang", "english"], "--lang english: not a language code"),
])
def test_filters_that_cannot_match_name_the_valid_values(index, args, says):
    result = scout("search", *args, "--index", index)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"scout: error: {says}")
    assert result.stderr.count("\n") == 1


def test_known_filters_with_no_match_are_still_an_empty_answer(index):
    result = scout("search", "--niche", "georgian-wine", "--tier", "mega", "--lang", "de-AT",
                   "--platform", "bluesky", "--index", index)
    assert result.exit_code == 0, result.output


def test_a_niche_only_the_index_knows_is_accepted(index):
    result = scout("search", "--niche", "vegan-cooking", "--index", index)
    assert result.exit_code == 0 and "mastodon:0" in result.stdout


def test_a_base_url_for_a_platform_not_crawled_is_a_usage_error(tmp_path):
    result = scout("crawl", "vegan-cooking", "--platform", "mastodon",
                   "--base-url", "bluesky=http://127.0.0.1:9/bluesky",
                   "--index", f"sqlite:///{tmp_path / 'i.db'}")
    assert result.exit_code == 2, result.output
    assert "--base-url bluesky=...: platform 'bluesky' is not crawled" in result.stderr


def test_searching_an_empty_file_does_not_write_a_schema_into_it(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    result = scout("search", "--index", f"sqlite:///{empty}")
    assert result.exit_code == 1
    assert "empty" in result.stderr and result.stderr.count("\n") == 1
    assert empty.stat().st_size == 0


def guard(trusted: set[tuple[str, str]]) -> FetchGuardMiddleware:
    return FetchGuardMiddleware(get_crawler(), allow_private=True, trusted=trusted, ttl=60)


def request(url: str, platform: str = "mastodon") -> Request:
    return Request(url, meta={"fetch": FetchRequest(url=url, platform=platform,
                                                    purpose="discover")})


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x",
                                 "gopher://127.0.0.1:70/"])
def test_the_fetch_guard_fetches_only_http(url):
    with pytest.raises(PrivateHostRefused, match="is not fetched"):
        asyncio.run(guard(set()).process_request(request(url)))


def test_a_base_url_host_is_trusted_only_for_its_platform():
    trusted = guard({("mastodon", "169.254.169.254")})
    metadata = "http://169.254.169.254/latest/meta-data"
    assert asyncio.run(trusted.process_request(request(metadata))) is None
    with pytest.raises(PrivateHostRefused, match="metadata"):
        asyncio.run(trusted.process_request(request(metadata, platform="bluesky")))


def test_unexpanded_entities_never_show_up_in_feed_titles():
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><title>Vegan &xxe;kitchen &#xD800;</title>"
            b"<item><title>Stew &undefined; night</title></item></channel></rss>")
    feed = parse_feed(body, "https://example.com/feed")
    assert feed.title == "Vegan kitchen \ufffd"
    assert "&" not in str(feed.items[0].title if feed.items else "")


def _immutable(*paths: Path) -> bool:
    import subprocess

    done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
    return done.returncode == 0


def _mutable(*paths: Path) -> None:
    import subprocess

    subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)


def test_a_read_only_index_is_searched_and_a_crawl_into_it_fails_before_fetching(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "index.db"
    with open_index(f"sqlite:///{path}") as opened:
        opened.upsert([make_scored(native_id=str(n)) for n in range(3)])
    if not _immutable(path, folder):
        pytest.skip("chattr +i is not permitted here (needs CAP_LINUX_IMMUTABLE)")
    try:
        found = scout("search", "--index", f"sqlite:///{path}")
        assert found.exit_code == 0, found.output
        assert "1-3 of 3" in found.stdout
        crawl = ["crawl", "vegan-cooking", "--platform", "mastodon", "--base-url",
                 "mastodon=http://127.0.0.1:9/mastodon/{instance}"]
        into_file = scout(*crawl, "--index", f"sqlite:///{path}")
        assert into_file.exit_code == 1, into_file.output
        assert into_file.stderr == ("scout: error: cannot write the index: the index file "
                                    f"is read-only ({path} is not writable)\n")
        into_folder = scout(*crawl, "--index", f"sqlite:///{folder / 'new.db'}")
        assert into_folder.exit_code == 1, into_folder.output
        assert f"the folder {folder} is not writable" in into_folder.stderr
        assert "crawl of" not in into_file.stdout + into_folder.stdout  # nothing fetched
    finally:
        _mutable(path, folder)
