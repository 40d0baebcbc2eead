"""End to end: `scout crawl --platform twitch` over real HTTP against the sandbox.

One sign-in (client credentials, a POST through the crawler), channel search, users and
channels in batches, followers with a user token, videos: the world's streamers indexed
with the numbers served; the secret and the tokens never leave.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.twitch_api import TwitchDialect, index_of
from creatorscout.sandbox.world import World
from tests.scout_crawl import ScoutCrawl, scout_crawl

pytestmark = pytest.mark.crawl

CLIENT, SECRET, USER = "e2eclient", "e2e-twitch-secret-0123456789", "user-e2e-token-0123"


def crawl(server: SandboxServer, folder: Path, user_token: bool) -> ScoutCrawl:
    env = {"TWITCH_CLIENT_ID": CLIENT, "TWITCH_CLIENT_SECRET": SECRET}
    if user_token:
        env["TWITCH_USER_TOKEN"] = USER
    return scout_crawl(server.url, "vegan-cooking", ["twitch"], folder, clear=["TWITCH_"],
                       env=env, args=["-vv"], max_creators=6, server=server)


@pytest.fixture(scope="module")
def run(sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
        ) -> ScoutCrawl:
    return crawl(sandbox_server, tmp_path_factory.mktemp("twitch"), user_token=True)


def test_one_sign_in_then_batched_profiles(run):
    calls = run.sandbox
    assert calls.get("twitch.token") == 1
    assert calls.get("twitch.users", 0) < calls.get("twitch.channels_followers", 0)
    assert run.stats.get("creatorscout/refused/twitch/login_required", 0) == 0


def test_indexed_streamers_are_the_worlds_with_the_numbers_served(run, sandbox_world: World,
                                                                   sandbox_server):
    dialect = TwitchDialect(sandbox_world, sandbox_server.url)
    found = run.records()
    # Channel search matches logins: five of the world's streamers have a niche word in
    # theirs, and all five match the niche on their profile.
    assert len(found) == run.stats["creatorscout/found/twitch"] == 5
    for record in found:
        creator = record.creator
        index = index_of(creator.native_id)
        assert index is not None and creator.handle == dialect.login(index)
        assert creator.followers == sandbox_world.people[index].followers // 2
        served = {str(2_000_000_000 + index * 100_000 + p.number): p
                  for p in dialect._videos_of(index)[:10]}
        assert {p.native_id for p in record.posts} == set(served)
        for post in record.posts:
            world_post = served[post.native_id]
            expected = None if world_post.malformed == "bad_count" else world_post.favourites * 10
            assert post.views == expected
            assert post.likes is None and post.replies is None


def test_the_secret_and_tokens_never_leave(run):
    for secret in (SECRET, USER, "Bearer sbx"):
        assert secret not in run.output
    for path in run.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and USER.encode() not in data, path


def test_without_a_user_token_followers_are_unknown_and_said_once(sandbox_server, tmp_path):
    result = crawl(sandbox_server, tmp_path, user_token=False)
    lines = result.lines("follower counts need a user access token")
    assert len(lines) == 1
    found = result.records()
    assert found and all(r.creator.followers is None for r in found)
    assert result.sandbox.get("twitch.channels_followers", 0) == 0
