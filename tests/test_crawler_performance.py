"""The crawler's performance fixes keep their promises: bounded memory, no wasted requests.

Real crawls against the sandbox (child processes, real HTTP); the benchmarks measure the
speed and memory these fixes buy (BENCHMARKS.md), these tests pin the behaviour.
"""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from creatorscout.crawler.addon import CreatorScoutAddon
from creatorscout.crawler.items import CrawledCreator
from creatorscout.crawler.pipelines import MergePipeline
from creatorscout.sandbox import SandboxServer
from creatorscout.testing.crawl import run_crawl_in_child
from tests.factories import make_creator, make_post


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url  # the session's sandbox (tests/conftest.py)


def stat(stats: dict[str, int], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(f"creatorscout/{prefix}"))


@pytest.mark.crawl
def test_a_small_profile_window_still_fills_the_budget(sandbox: str) -> None:
    run = run_crawl_in_child(
        "vegan-cooking", platforms=["mastodon"],
        base_urls={"mastodon": f"{sandbox}/mastodon/{{instance}}"},
        max_creators=30, snowball_depth=1, discovery_pages=2,
        settings={"CREATORSCOUT_PROFILE_WINDOW": 3},
    )
    assert stat(run.stats, "fetched/mastodon") == 30
    assert len(run.items) == 30
    # never more than the window's candidates waiting for their profiles at once
    assert 1 <= run.stats["creatorscout/profile_reserved_max"] <= 3


@pytest.mark.crawl
def test_discovery_stops_once_the_budget_is_full(sandbox: str) -> None:
    run = run_crawl_in_child(
        "vegan-cooking", platforms=["mastodon"],
        base_urls={"mastodon": f"{sandbox}/mastodon/{{instance}}"},
        max_creators=3, snowball_depth=1, discovery_pages=3,
    )
    assert stat(run.stats, "fetched/mastodon") == 3
    assert stat(run.stats, "not_followed/mastodon/discovery after max-creators") > 0


def test_the_addon_processes_items_one_at_a_time() -> None:
    settings = Settings()
    CreatorScoutAddon().update_settings(settings)
    assert settings.getint("CONCURRENT_ITEMS") == 1
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


def test_merge_drops_a_creator_seen_before_and_keeps_only_ids() -> None:
    merge = MergePipeline(get_crawler())
    creator = make_creator("1")
    first = CrawledCreator(creator=creator, posts=[make_post(creator, 0, text="a")])
    assert merge.process_item(first) is first
    with pytest.raises(DropItem):
        merge.process_item(CrawledCreator(creator=creator, posts=[]))
    other = CrawledCreator(creator=make_creator("2"))
    assert merge.process_item(other) is other
    assert set(merge.seen) == {creator.id, other.creator.id}
