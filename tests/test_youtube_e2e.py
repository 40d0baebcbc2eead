"""End to end: `scout crawl --platform youtube` over real HTTP against the sandbox.

The main crawl runs against a sandbox that answers every 9th API request with Google's
``403 rateLimitExceeded``, with a key in the environment and debug logging: the crawl must
back off and retry, index the world's channels with the numbers served (hidden counts
unknown), count its quota units, and never let the key through. Two more crawls: without a
key (seeded channels through their feeds), and with a key whose quota runs out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.world import World, build_world
from creatorscout.sandbox.youtube_render import (
    YouTubeRenderer,
    channel_id,
    index_of_channel,
    youtube_people,
)
from tests.scout_crawl import ScoutCrawl, scout_crawl

pytestmark = pytest.mark.crawl

SEED = 7
CREATORS = 600
KEY = "AIzaSyE2eSandboxOnly-0123456789abcdefgh"


def crawl(url: str, folder: Path, niche: str = "vegan-cooking", key: str | None = KEY,
          *extra: str, expect: int = 0) -> ScoutCrawl:
    """A YouTube crawl; ``expect`` 1 for a crawl that can store nothing (which fails)."""
    return scout_crawl(url, niche, ["youtube"], folder, clear=["YOUTUBE_API_KEY"],
                       env={"YOUTUBE_API_KEY": key} if key else {}, args=extra,
                       expect=expect)


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=SEED, creators=CREATORS)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ScoutCrawl:
    folder = tmp_path_factory.mktemp("youtube")
    with start_sandbox_process(creators=CREATORS, seed=SEED, fail_every=9,
                               retry_after=0) as url:
        return crawl(url, folder, "vegan-cooking", KEY, "-vv")


def test_rate_limit_exceeded_is_backed_off_and_retried(run):
    stats = run.stats
    assert stats.get("creatorscout/ratelimit/403", 0) > 0
    assert run.stat("refused") == 0  # every refusal was a rate limit, retried
    assert run.stat("indexed") == 8


def test_indexed_channels_are_the_worlds_with_the_numbers_served(run, world):
    render = YouTubeRenderer(world, run.url)
    found = run.records()
    assert len(found) == 8
    for record in found:
        creator = record.creator
        index = index_of_channel(creator.native_id)
        assert index is not None and creator.native_id == channel_id(world, index)
        person = world.people[index]
        if render.hides_subscribers(index):
            assert creator.followers is None  # hidden: unknown, never the "0" served
        else:
            assert creator.followers == render.subscribers(person)
        mastodon = f"{run.url}/mastodon/"
        assert any(link.startswith(mastodon) for link in creator.links)  # identity
        served = [v for v in render.videos_of(index)][:10]
        expected = {render.video(p, {"snippet"}).get("id") for p in served} - {None}
        assert {p.native_id for p in record.posts} == expected
        for post in record.posts:
            assert (post.likes is None) == render.hides_likes(index)
            assert post.views is not None or post.native_id  # bad counts kept as unknown


def test_the_sponsorship_flag_comes_from_paid_product_placement(run, world):
    posts = [p for r in run.records() for p in r.posts]
    assert posts and all(p.sponsored in (True, False) for p in posts)
    flagged = {p.native_id for p in posts if p.sponsored}
    for record in run.records():
        index = index_of_channel(record.creator.native_id)
        assert index is not None
        render = YouTubeRenderer(world, run.url)
        for video in render.videos_of(index)[:10]:
            ident = render.video(video, {"snippet"}).get("id")
            if ident:
                assert (ident in flagged) == video.sponsored


def test_quota_units_are_counted_per_method_and_summarised(run, world):
    stats = run.stats
    searches = stats["creatorscout/requests/youtube/discover"]
    retried = stats.get("creatorscout/ratelimit/403", 0)  # a retried call costs again
    units = stats["creatorscout/usage/youtube/search.list units"]
    assert units % 100 == 0 and 100 * searches <= units <= 100 * (searches + retried)
    assert stats["creatorscout/usage/youtube/channels.list units"] >= 1
    # One videos.list call per channel whose uploads playlist is not empty: which eight of
    # the channels found get fetched depends on the order responses arrive in.
    render = YouTubeRenderer(world, run.url)
    indexes = [index_of_channel(record.creator.native_id) for record in run.records()]
    with_videos = sum(1 for index in indexes if index is not None and render.videos_of(index))
    assert with_videos >= 1
    assert stats.get("creatorscout/usage/youtube/videos.list units", 0) >= with_videos
    assert "usage youtube/search.list units:" in run.output


def test_the_key_never_leaves(run):
    assert KEY not in run.output
    assert "no API key" not in run.output
    for path in run.folder.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_without_a_key_seeded_channels_come_from_their_feeds(
        sandbox_server: SandboxServer, sandbox_world: World, tmp_path: Path):
    seeds = [channel_id(sandbox_world, i) for i in youtube_people(sandbox_world)[:3]]
    niche = tmp_path / "seeded.yaml"
    niche.write_text(yaml.safe_dump({"name": "seeded", "keywords": {"en": ["vegan"]},
                                     "seeds": {"youtube": seeds}}))
    # The feed is a public document, not an API call: the fetch guard lets it reach the
    # sandbox on 127.0.0.1 only when private hosts are allowed.
    result = crawl(sandbox_server.url, tmp_path, str(niche), None, "--allow-private-hosts")
    lines = result.lines("no API key")
    assert len(lines) == 1 and "set YOUTUBE_API_KEY to crawl YouTube" in lines[0]
    found = result.records()
    assert sorted(r.creator.native_id for r in found) == sorted(seeds)
    assert all(r.creator.followers is None for r in found)
    assert any(r.posts for r in found)
    assert all(p.likes is None and p.views is not None for r in found for p in r.posts)
    assert result.stats["creatorscout/usage/youtube/keyless feeds (no statistics)"] == 3


def test_a_spent_quota_ends_youtube_with_one_line(sandbox_server: SandboxServer,
                                                  tmp_path: Path):
    # The sandbox gives keys named quota-N-... N units: three searches, then quotaExceeded.
    result = crawl(sandbox_server.url, tmp_path, "vegan-cooking", "quota-300-e2e", expect=1)
    lines = result.lines("quota is spent")
    assert len(lines) == 1
    assert result.stat("refused/youtube/blocked") >= 1
    assert "quota-300-e2e" not in result.output
