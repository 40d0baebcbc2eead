"""Broken plugins are reported by name with the fix, and the crawl goes on with the others.

A real crawl (child process, Scrapy, the sandbox for Mastodon) with four third-party
plugins installed through entry points: one raises on import, one registers a platform
that does not implement the contract, one whose parser raises, one whose discovery raises.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.testing import Saved

pytestmark = pytest.mark.crawl

BROKEN_PLATFORM = """
from creatorscout.plugins import FetchRequest, Platform, hookimpl


class {cls}(Platform):
    name = "{name}"
    default_base_url = "https://{name}.example"

    def discover(self, niche):
        {discover}

    def profile_requests(self, candidates):
        return []

    def posts_requests(self, creator, depth=0):
        return []

    {parse}


@hookimpl
def register_platforms(register):
    register({cls})
"""

RAISING_PARSE = """def parse(self, response):
        raise TypeError("the plugin's own bug")"""
ASKS_ONCE = ('return [FetchRequest(url=self.base_url() + "/api/items", platform=self.name, '
             'purpose="discover")]')


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with start_sandbox_process(creators=200, seed=11) as url:
        yield url


def test_broken_plugins_are_named_and_the_crawl_goes_on(
    sandbox, scout_plugin, replay_server, scout_crawl
):
    scout_plugin("cs_kit_boom", name="cs-kit-boom", source="raise RuntimeError('boom')\n")
    scout_plugin("cs_kit_abstract", name="cs-kit-abstract", source=BROKEN_PLATFORM.format(
        cls="Half", name="half", discover="return []", parse=""))
    scout_plugin("cs_kit_parse", name="cs-kit-parse", source=BROKEN_PLATFORM.format(
        cls="BadParse", name="badparse", discover=ASKS_ONCE, parse=RAISING_PARSE))
    scout_plugin("cs_kit_discover", name="cs-kit-discover", source=BROKEN_PLATFORM.format(
        cls="BadDiscover", name="baddiscover", discover="raise KeyError('instances')",
        parse="def parse(self, response):\n        return None"))
    items = replay_server([Saved(url="https://badparse.example/api/items", body=[{"id": 1}])])
    run = scout_crawl(
        "vegan-cooking", max_creators=12, max_posts=5, snowball_depth=0, check=False,
        base_urls={"mastodon": f"{sandbox}/mastodon/{{instance}}",
                   "badparse": items.base_url("https://badparse.example")},
    )
    # Two platforms produced nothing because their plugins raised: the crawl says so.
    assert run.returncode == 1, run.log[-3000:]
    assert "'badparse' produced nothing" in run.errors[0]
    assert "'baddiscover' produced nothing" in run.errors[0]
    assert run.stats["finish_reason"] == "finished"
    assert len(run.items) == 12  # Mastodon's creators were crawled all the same
    assert {item.creator.platform for item in run.items} == {"mastodon"}
    log = run.log
    assert "plugin 'cs-kit-boom' (0.0.0) was skipped: import failed: RuntimeError: boom" in log
    assert "does not implement parse" in log and "'cs-kit-abstract'" in log
    assert "CREATORSCOUT_DISABLE_PLUGINS=cs-kit-boom" in log  # the fix is named
    assert run.stats_under("plugin_errors") == {"badparse/parse": 1, "baddiscover/discover": 1}
    assert "plugin cs-kit-parse (badparse) failed in parse()" in log
    assert "plugin cs-kit-discover (baddiscover) failed in discover()" in log
