"""The sandbox's web dialect (websites, podcast feeds, iTunes) read by the real plugins:
what they extract must be exactly what sandbox/presence.py and the world decided."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from creatorscout.plugins.platform import FetchRequest, FetchResponse, PlatformSettings
from creatorscout.plugins.podcasts import Podcasts
from creatorscout.plugins.podcasts.show import feed_guid
from creatorscout.plugins.website import Web
from creatorscout.sandbox.bluesky_ids import did_for
from creatorscout.sandbox.podcast_feeds import show_guid
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.server import SandboxServer
from creatorscout.sandbox.web_api import WebDialect
from creatorscout.sandbox.world import World, build_world


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=11, creators=800)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[SandboxServer]:
    # Not started: requests are answered in-process through server.handle().
    sandbox = SandboxServer(world)
    yield sandbox
    sandbox.stop()


def fetch(server: SandboxServer, plugin: Web | Podcasts, logical: str, purpose: str = "profile",
          **context: object) -> FetchResponse:
    url = plugin.hosts.fetch_url(logical)
    answer = server.handle("GET", url[len(server.url):], {}, "127.0.0.1")
    headers = {name.lower(): value for name, value in answer.headers}
    headers["content-type"] = answer.content_type
    request = FetchRequest(url=url, platform=plugin.name, purpose=purpose,  # type: ignore[arg-type]
                           api=False, context={"url": logical, **context})
    return FetchResponse(url=url, status=answer.status, headers=headers, body=answer.body,
                         request=request)


def dialect(server: SandboxServer) -> WebDialect:
    found = server.dialects["web"]
    assert isinstance(found, WebDialect)
    return found


def test_every_website_reads_as_presence_says(server, world):
    web = Web(PlatformSettings(base_url=f"{server.url}/web/{{host}}"))
    sites = dialect(server).sites
    seen_noindex = seen_claims = seen_guess = 0
    for index in people_on(world, "web")[:200]:  # mf2py takes ~10 ms a page
        found = presence(world, index)
        site = sites.site(index)
        result = web.parse(fetch(server, web, found.website or ""))
        creator = result.creators[0]
        if site.noindex:
            assert creator.flags.opted_out and creator.flags.opt_out_reason == "noindex"
            seen_noindex += 1
            continue
        assert not creator.flags.opted_out
        assert creator.display_name == world.people[index].display_name
        rel_me = json.loads(creator.lookup.get("rel_me", "[]"))
        mastodon = sites.mastodon_url(world.people[index])
        assert (mastodon in rel_me) == found.website_links_back
        for claim in found.false_claims:  # one-way claims are there, as claims
            assert claim in rel_me
            seen_claims += 1
        if found.website_links_back and found.bluesky:
            assert f"https://bsky.app/profile/{found.bluesky}" in rel_me
        requests = list(web.posts_requests(creator))
        if site.feed is None:
            assert requests == []
            continue
        if not site.announced:
            seen_guess += 1
            assert site.feed_url in [requests[0].context["url"], *requests[0].context["guesses"]]
        else:
            assert requests[0].context["url"] == site.feed_url
    assert seen_noindex and seen_guess and seen_claims


def test_feeds_carry_the_persons_original_posts(server, world):
    web = Web(PlatformSettings(base_url=f"{server.url}/web/{{host}}"))
    sites = dialect(server).sites
    kinds = set()
    for index in people_on(world, "web")[:60]:
        site = sites.site(index)
        if site.feed is None or site.noindex:
            continue
        kinds.add(site.feed)
        assert site.feed_url is not None
        answer = fetch(server, web, site.feed_url, "posts", keep_text=True)
        answer = answer.model_copy(update={"request": answer.request.model_copy(
            update={"creator_id": f"web:{site.host}"})})
        result = web.parse(answer)
        expected = sites.posts(index)
        assert len(result.posts) == len(expected)
        broken = sum(1 for post in expected if post.malformed)
        assert result.repaired == broken
        for post, world_post in zip(result.posts, expected, strict=True):
            assert post.url == f"{site.url}/posts/{world_post.number}"
            if not world_post.malformed:
                assert post.created_at is not None
                assert int(post.created_at.timestamp()) == world_post.sec
    assert kinds == {"rss", "atom", "json"}


def test_atproto_did_only_on_domains_that_are_bluesky_handles(server, world):
    served = 0
    for index in people_on(world, "web"):
        found = presence(world, index)
        domain = found.owns_domain
        if domain is None:
            continue
        answer = server.handle("GET", f"/web/{domain}/.well-known/atproto-did", {}, "x")
        if found.bluesky == domain:
            assert answer.status == 200 and answer.body.decode() == did_for(world.seed, index)
            served += 1
        else:
            assert answer.status == 404
    assert served


def test_robots_blocked_sites_are_in_the_sandbox_robots_txt(server):
    robots = server.handle("GET", "/robots.txt", {}, "x").body.decode()
    sites = dialect(server).sites
    blocked = [sites.find(h, "/")[0] for h in sites.hosts()]  # type: ignore[index]
    blocked = [s for s in blocked if s.robots_blocked]
    assert blocked
    for site in blocked:
        assert f"Disallow: /web/{site.host}/" in robots
        own = server.handle("GET", f"/web/{site.host}/robots.txt", {}, "x").body.decode()
        assert "Disallow: /\n" in own


def test_podcasts_and_itunes(server, world):
    podcasts = Podcasts(PlatformSettings(base_url=f"{server.url}/web/{{host}}"))
    shows = dialect(server).podcasts
    assert shows.people
    blocked = 0
    for index in shows.people:
        show = shows.show(index)
        result = podcasts.parse(fetch(server, podcasts, show.feed_url, feed=show.feed_url))
        creator = result.creators[0]
        expected_guid = show_guid(show) if show.declares_guid else feed_guid(show.feed_url)
        assert creator.native_id == expected_guid
        assert creator.followers is None
        if show.block:
            assert creator.flags.opt_out_reason == f"{show.block}:block"
            assert result.posts == []
            blocked += 1
        else:
            assert not creator.flags.opted_out
            assert "@mail.example" not in json.dumps(creator.model_dump(mode="json"))
    assert blocked
    search = podcasts.parse(fetch(server, podcasts,
                                  "https://itunes.apple.com/search?term=vegan&media=podcast"
                                  "&entity=podcast&limit=200", "discover"))
    assert search.candidates or search.skipped
    for candidate in search.candidates:
        show = shows.by_collection(int(candidate.ref.lookup["itunes_id"]))
        assert show is not None and show.public_feed
        assert candidate.ref.lookup["feed"] == show.feed_url
    assert all(skip.reason == "no public feed" for skip in search.skipped)
