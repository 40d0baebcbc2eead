"""The plugin authors' test kit: replay server, plugin registration, crawl runner."""

from __future__ import annotations

import http.client
import json
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.config.schema import Niche
from creatorscout.plugins import hookimpl
from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.mastodon import Mastodon
from creatorscout.plugins.platform import (
    FetchRequest,
    PlatformSettings,
    parse_rate_limit_headers,
)
from creatorscout.testing import ReplayServer, Saved, fetch, load_folder, registered_plugin
from creatorscout.testing.saved import load_saved, local_base_url, local_url

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"


class Birdsite(Mastodon):
    """A second Mastodon-dialect platform, so tests can register a plugin of their own."""

    name = "birdsite"
    title = "Birdsite"


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    answer = fetch(FetchRequest(url=url, platform="x", purpose="discover"))
    return answer.status, answer.headers, answer.body


# -- saved responses ---------------------------------------------------------------------------


def test_saved_responses_load_with_their_names_and_request():
    saved = {item.name: item for item in load_folder(FIXTURES)}
    assert len(saved) == len(list(FIXTURES.glob("*.json")))
    page = saved["statuses_page1"]
    assert page.ok and page.is_json() and page.request.purpose == "discover"
    assert not saved["error_429"].ok
    assert saved["not_json"].body_bytes().lstrip().startswith(b"<")


def test_a_broken_saved_response_names_the_file(tmp_path):
    (tmp_path / "bad.json").write_text('{"status": 200}')
    with pytest.raises(ValueError, match="bad.json"):
        load_saved(tmp_path / "bad.json")


def test_local_addresses_keep_the_host_as_first_segment():
    server = "http://127.0.0.1:5"
    assert local_url("https://a.example/x/y?q=1", server) == "http://127.0.0.1:5/a.example/x/y?q=1"
    assert local_base_url("https://{instance}", server) == "http://127.0.0.1:5/{instance}"
    assert local_base_url("https://api.b.example/v2", server) == "http://127.0.0.1:5/api.b.example/v2"


# -- replay server ------------------------------------------------------------------------------


def test_replay_serves_by_method_path_and_query_in_any_order():
    page = Saved(url="https://m.example/api/v1/x?b=2&a=1", body={"ok": 1})
    with ReplayServer([page]) as server:
        status, headers, body = get(f"{server.url}/m.example/api/v1/x?a=1&b=2")
        assert (status, json.loads(body)) == (200, {"ok": 1})
        assert headers["content-type"].startswith("application/json")
        missing, _, body = get(f"{server.url}/m.example/api/v1/x?a=1")
        assert missing == 404 and b"nothing saved" in body
        post = urllib.request.Request(server.local(page.url), method="POST", data=b"")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(post, timeout=5)
    assert [(h.status, h.matched) for h in server.hits] == [(200, True), (404, False), (404, False)]
    assert len(server.misses) == 2


def test_replay_reads_a_posted_body_before_the_next_request_on_the_connection():
    # A sign-in (POST with a form body) then an API call on the same kept-alive
    # connection, as Scrapy sends them: the body must not be read as the next request.
    token = Saved(url="https://auth.example/token", method="POST", body={"token": "t"})
    page = Saved(url="https://api.example/items", body={"items": []})
    with ReplayServer([token, page]) as server:
        address = server.url.removeprefix("http://")
        connection = http.client.HTTPConnection(address, timeout=5)
        connection.request("POST", "/auth.example/token", body=b"grant_type=client_credentials",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        first = connection.getresponse()
        assert (first.status, json.loads(first.read())) == (200, {"token": "t"})
        connection.request("GET", "/api.example/items")
        second = connection.getresponse()
        assert (second.status, json.loads(second.read())) == (200, {"items": []})
        connection.close()


def test_replay_rewrites_link_headers_to_itself():
    page = load_saved(FIXTURES / "statuses_page1.json")
    with ReplayServer([page]) as server:
        _, headers, _ = get(server.local(page.url))
        assert "https://vegan.social" not in headers["link"]
        assert f"<{server.url}/vegan.social/api/v1/accounts/" in headers["link"]


def test_replay_moves_rate_limit_resets_with_the_clock():
    saved_at = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    limited = Saved(url="https://m.example/api", status=429, body={"error": "slow down"}, headers={
        "Date": format_datetime(saved_at, usegmt=True),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": (saved_at + timedelta(seconds=90)).isoformat(),
        "Retry-After": "7",
    })
    with ReplayServer([limited]) as server:
        status, headers, _ = get(server.local(limited.url))
    info = parse_rate_limit_headers(headers)
    assert status == 429 and info is not None
    assert info.retry_after == 7 and info.remaining == 0
    assert info.reset_at is not None
    left = (info.reset_at - datetime.now(UTC)).total_seconds()
    assert 80 < left <= 91, left


def test_replay_serves_a_sequence_then_repeats_the_last():
    url = "https://m.example/api/v1/accounts/1"
    with ReplayServer([Saved(url=url, status=429, body={}), Saved(url=url, body={"id": 1})]) as s:
        statuses = [get(s.local(url))[0] for _ in range(3)]
    assert statuses == [429, 200, 200]


def test_replay_any_query_and_fallback():
    blocked = Saved(url="/", status=403, body={"error": "blocked"})
    endless = Saved(url="https://m.example/api/list?page=1", body=[1])
    with ReplayServer(fallback=blocked) as server:
        server.add(endless, any_query=True)
        assert get(f"{server.url}/m.example/api/list?page=99")[0] == 200
        assert get(f"{server.url}/m.example/elsewhere")[0] == 403


# -- registering a plugin for one test ----------------------------------------------------------


def test_registered_plugin_is_found_through_its_entry_point_then_gone():
    with registered_plugin(Birdsite, version="2.0") as plugin:
        host = get_plugin_manager()
        assert host.platform("birdsite") is Birdsite
        assert (Birdsite.plugin_name, Birdsite.plugin_version) == ("test-birdsite", "2.0")
        listing = CliRunner().invoke(main, ["plugins", "list"])
        assert "test-birdsite" in listing.stdout and "birdsite" in listing.stdout
        folder = plugin.folder
    assert "birdsite" not in get_plugin_manager().platforms()
    assert str(folder) not in sys.path and not folder.exists()
    assert "plugin_name" not in Birdsite.__dict__  # the class is as it was


def test_registered_plugin_is_removed_even_when_the_test_fails():
    with pytest.raises(RuntimeError), registered_plugin(Birdsite):
        raise RuntimeError("the test failed")
    assert "birdsite" not in get_plugin_manager().platforms()


def test_scout_plugin_fixture_registers_a_module_from_source(scout_plugin):
    plugin = scout_plugin("kit_src_plugin", name="kit-src", source="""
        from creatorscout.plugins import hookimpl
        from tests.test_plugin_kit import Birdsite

        @hookimpl
        def register_platforms(register):
            register(Birdsite)
    """)
    assert plugin.name == "kit-src"
    assert get_plugin_manager().platform("birdsite").plugin_name == "kit-src"


def test_locally_defined_platforms_are_refused_with_the_fix():
    class Local(Mastodon):
        name = "local"

    with pytest.raises(TypeError, match="module level"), registered_plugin(Local):
        pass


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Birdsite)


def test_hook_register_platforms(scout_plugin):
    """The one hook: a plugin module's register_platforms registers Platform classes."""
    scout_plugin(sys.modules[__name__], name="kit-module")
    host = get_plugin_manager()
    assert host.platform("birdsite") is Birdsite
    info = {p.name: p for p in host.plugins()}["kit-module"]
    assert info.hooks == ["register_platforms"] and info.platforms == ["birdsite"]


# -- the crawl runner --------------------------------------------------------------------------


def test_crawl_runner_returns_scored_items(replay_server, scout_crawl):
    """A real crawl (child process, Scrapy, pipelines, index) against saved responses."""
    timeline = load_saved(FIXTURES / "tag_timeline.json")
    statuses = load_saved(FIXTURES / "statuses_page2_last.json")
    options = {"instances": ["mastodon.social"], "use_directory": False,
               "search_accounts": False, "home_lookup": False}
    platform = Mastodon(PlatformSettings(options=options, max_posts=10))
    served = [timeline]
    for candidate in platform.parse(timeline.response("mastodon")).candidates:
        if candidate.creator is not None:
            served += [statuses.at(r.url) for r in platform.posts_requests(candidate.creator)]
    server = replay_server(served)
    niche = Niche(name="kit-crawl", hashtags=["vegan"], keywords={"en": ["vegan"]},
                  platforms={"mastodon": options})
    run = scout_crawl(niche, platforms=["mastodon"], max_posts=10,
                      base_urls={"mastodon": server.base_url(Mastodon.default_base_url)})
    assert run.returncode == 0 and run.stats["finish_reason"] == "finished"
    assert run.items, run.log[-2000:]
    assert len(set(run.ids)) == len(run.ids)
    assert all(item.creator.provenance.plugin == "mastodon" for item in run.items)
    assert all(item.crawl.niche == "kit-crawl" for item in run.items)
    assert run.stat("indexed") == len(run.items)
    assert [len(item.posts) for item in run.items] == [len(statuses.body)] * len(run.items)
    assert run.stat("skipped/mastodon") >= 1  # the timeline's bot and opted-out authors
    assert "Crawled (200)" in run.log  # the DEBUG log came back too
