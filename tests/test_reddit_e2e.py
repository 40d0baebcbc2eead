"""End to end: `scout crawl --platform reddit` over real HTTP against the sandbox.

The crawl signs in once through the crawler (a POST with Basic auth), searches the
niche's subreddits, reads their posters' profiles and posts with the bearer token, and
indexes the world's people with the numbers served; opted-out and suspended accounts are
skipped and counted; neither the client secret nor the token ever leaves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.reddit_render import RedditRenderer, on_reddit
from creatorscout.sandbox.world import World
from tests.scout_crawl import ScoutCrawl, scout_crawl

pytestmark = pytest.mark.crawl

CLIENT, SECRET = "e2eClientId", "e2e-secret-0123456789abcdefghij"


@pytest.fixture(scope="module")
def run(sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
        ) -> ScoutCrawl:
    return scout_crawl(
        sandbox_server.url, "vegan-cooking", ["reddit"], tmp_path_factory.mktemp("reddit"),
        clear=["REDDIT_"], env={"REDDIT_CLIENT_ID": CLIENT, "REDDIT_CLIENT_SECRET": SECRET,
                                "REDDIT_USERNAME": "scout_e2e"},
        args=["-vv"], max_creators=10, server=sandbox_server)


def test_one_sign_in_then_the_api_with_the_token(run):
    calls = run.sandbox
    assert calls.get("reddit.access_token") == 1
    assert calls.get("reddit.subreddits_search", 0) >= 1
    assert calls.get("reddit.user_about", 0) >= 10
    assert calls.get("reddit.user_submitted", 0) >= 10
    assert run.stats.get("creatorscout/refused/reddit/login_required", 0) == 0


def test_indexed_people_are_the_worlds_with_the_numbers_served(run, sandbox_world: World):
    render = RedditRenderer(sandbox_world, run.url)
    names = {render.username(p.index): p.index for p in sandbox_world.people
             if on_reddit(sandbox_world, p.index)}
    found = run.records()
    assert len(found) == 10
    for record in found:
        creator = record.creator
        index = names[creator.handle]
        person = sandbox_world.people[index]
        assert creator.native_id == render.account_id(index)
        assert creator.followers == render.followers(person)
        assert not person.noindex and not person.suspended
        served = {render.post_id(p): p for p in render.submissions(index)[:10]
                  if p.malformed != "missing_id"}
        assert {p.native_id for p in record.posts} == set(served)
        for post in record.posts:
            world_post = served[post.native_id]
            assert post.is_repost == (world_post.kind == "reblog")
            assert post.adult == world_post.sensitive
            if not post.is_repost:
                assert post.likes == world_post.favourites


def test_the_secret_and_the_token_never_leave(run):
    assert SECRET not in run.output and "sbx-" not in run.output
    for path in run.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and b"bearer sbx-" not in data, path


def test_without_keys_one_line_and_the_crawl_goes_on(sandbox_server: SandboxServer,
                                                       tmp_path: Path):
    # Beside GitHub in a tech niche (GitHub searches those only), which stores people:
    # the crawl succeeds, and Reddit's missing key is one line
    result = scout_crawl(sandbox_server.url, "b2b-martech", ["reddit", "github"], tmp_path,
                         clear=["REDDIT_", "CREATORSCOUT_GITHUB_TOKEN"],
                         env={"GITHUB_TOKEN": "ghp_sandboxOnlyToken0123456789abcdef"},
                         max_creators=3)
    found = result.records()
    assert found and {r.creator.platform for r in found} == {"github"}
    lines = result.lines("reddit:")
    assert len(lines) == 1
    assert lines[0].endswith("reddit: no API key; set REDDIT_CLIENT_ID and "
                             "REDDIT_CLIENT_SECRET to crawl Reddit")
