"""End to end: `scout crawl --platform github` over real HTTP against the sandbox.

One crawl, against a sandbox that answers every 9th request with GitHub's primary-limit
refusal (403, ``x-ratelimit-remaining: 0``, ``Retry-After``), with a token in the
environment and debug logging: the crawl must wait the limits out, index the world's
people with the numbers served, and never let the token or an e-mail through.
"""

from __future__ import annotations

import pytest

from creatorscout.sandbox.github_render import GitHubRenderer
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.world import World, build_world
from tests.scout_crawl import ScoutCrawl, scout_crawl

pytestmark = pytest.mark.crawl

SEED = 7
CREATORS = 600
NICHE = "b2b-martech"
TOKEN = "ghp_sandboxOnlyToken0123456789abcdef"


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=SEED, creators=CREATORS)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ScoutCrawl:
    # retry_after=0: the crawler still waits its minimum (0.5 s) but the test stays fast
    with start_sandbox_process(creators=CREATORS, seed=SEED, fail_every=9,
                               retry_after=0) as url:
        return scout_crawl(url, NICHE, ["github"], tmp_path_factory.mktemp("github"),
                           clear=["CREATORSCOUT_GITHUB_TOKEN"], env={"GITHUB_TOKEN": TOKEN},
                           args=["-vv"])


def test_403_rate_limits_are_waited_out_and_retried(run):
    stats = run.stats
    assert stats.get("creatorscout/ratelimit/403", 0) > 0
    assert stats.get("creatorscout/ratelimit/waited_seconds", 0) > 0
    assert run.stat("refused") == 0  # every refusal was a rate limit, retried
    assert run.stat("indexed") == 8


def test_the_token_and_emails_never_leave(run):
    assert TOKEN not in run.output
    assert "no token set" not in run.output
    for path in run.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert TOKEN.encode() not in data, path
            assert b"@mail.example" not in data, path  # the sandbox's public e-mails


def test_indexed_people_are_the_worlds_with_the_numbers_served(run, world):
    render = GitHubRenderer(world, run.url)
    logins = {presence(world, i).github: i for i in people_on(world, "github")}
    found = run.records()
    assert len(found) == 8
    for record in found:
        creator = record.creator
        index = logins[creator.handle]
        person = world.people[index]
        assert creator.id == f"github:{render.user_id(index)}"
        assert creator.followers == render.followers(person)
        assert not (person.bot or person.noindex)
        mastodon = f"{run.url}/mastodon/{person.instance_name}/@{person.username}"
        assert mastodon in creator.links  # from the social accounts
        own = [r for r in sorted(render.repos(index), key=lambda r: r["pushed_at"],
                                 reverse=True) if not r["fork"] and "id" in r][:10]
        assert sorted(p.native_id for p in record.posts) == sorted(str(r["id"]) for r in own)
        assert all(not p.is_repost and p.language is None for p in record.posts)
