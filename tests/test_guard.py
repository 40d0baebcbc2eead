"""The guarded plugin call on its own (the crawl-level behaviour is in
test_plugin_isolation.py): what passes through, what is counted, what is a wrong result."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from creatorscout.crawler.guard import PluginFailed, expect, guarded, listed
from creatorscout.plugins import FetchRequest, MalformedResponse, ParseResult
from creatorscout.plugins.mastodon import Mastodon


@pytest.fixture
def stats():
    crawler = get_crawler()
    assert crawler.stats is not None
    return crawler.stats


def test_a_raising_call_is_counted_and_named(stats, caplog):
    def boom(niche):
        raise KeyError("instances")
        yield  # a generator: the error surfaces only when it is read

    platform = Mastodon()
    with pytest.raises(PluginFailed):
        guarded(stats, platform, "discover", "vegan", listed(boom), None)
    assert stats.get_value("creatorscout/plugin_errors/mastodon/discover") == 1
    assert "failed in discover() on vegan: KeyError" in caplog.text


def test_malformed_passes_through_parse_only(stats):
    def malformed(*_):
        raise MalformedResponse("not JSON")

    platform = Mastodon()
    with pytest.raises(MalformedResponse):
        guarded(stats, platform, "parse", "u", malformed, None)
    assert stats.get_value("creatorscout/plugin_errors/mastodon/parse") is None
    with pytest.raises(PluginFailed):  # from any other method it is a bug like the rest
        guarded(stats, platform, "posts_requests", "u", malformed, None)
    assert stats.get_value("creatorscout/plugin_errors/mastodon/posts_requests") == 1


def test_a_result_of_the_wrong_type_is_an_error(stats):
    platform = Mastodon()
    expect(stats, platform, "parse", ParseResult(), ParseResult)
    request = FetchRequest(url="https://x.example/", platform="mastodon", purpose="discover")
    expect(stats, platform, "discover", request, FetchRequest)
    with pytest.raises(PluginFailed):
        expect(stats, platform, "parse", None, ParseResult)
    with pytest.raises(PluginFailed):
        expect(stats, platform, "on_refusal", "retry", (ParseResult, type(None)))
    assert stats.get_value("creatorscout/plugin_errors/mastodon/parse") == 1
    assert stats.get_value("creatorscout/plugin_errors/mastodon/on_refusal") == 1
