"""The sandbox's PeerTube dialect: real HTTP on 127.0.0.1, checked against the world."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.peertube_render import SEARCH_INDEX, PeerTubeRenderer
from creatorscout.sandbox.presence import PEERTUBE_INSTANCES, people_on, presence
from creatorscout.sandbox.world import World


@pytest.fixture(scope="module")
def world(sandbox_world: World) -> World:
    return sandbox_world  # the session's (tests/conftest.py)


@pytest.fixture(scope="module")
def server(sandbox_server: SandboxServer) -> SandboxServer:
    return sandbox_server


def get(url: str) -> tuple[int, dict[str, str], Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, head, raw = error.code, dict(error.headers), error.read()
    kind = head.get("Content-Type", "")
    return status, head, json.loads(raw) if "json" in kind else raw.decode()


def channels(world: World) -> list[int]:
    return people_on(world, "peertube")


def test_every_channel_is_served_on_both_servers_with_its_home_numbers(server, world):
    render = PeerTubeRenderer(world, server.url)
    alive = [i for i in channels(world) if world.people[i].alive]
    assert alive, "the world has PeerTube people"
    for index in alive[:12]:
        host, name = presence(world, index).peertube
        other = next(h for h in PEERTUBE_INSTANCES if h != host)
        status, _, home = get(f"{server.url}/peertube/{host}/api/v1/video-channels/{name}")
        assert status == 200 and home["isLocal"] is True
        assert home["followersCount"] == render.followers(world.people[index])
        status, _, remote = get(
            f"{server.url}/peertube/{other}/api/v1/video-channels/{name}@{host}")
        assert status == 200 and remote["isLocal"] is False and remote["host"] == host
        assert remote["id"] != home["id"]  # ids are local to the answering server
        assert get(f"{server.url}/peertube/{other}/api/v1/video-channels/{name}")[0] == 404


def test_deleted_people_have_no_channel(server, world):
    gone = [i for i in channels(world) if not world.people[i].alive]
    assert gone, "this world has a deleted PeerTube person"
    for index in gone:
        host, name = presence(world, index).peertube
        status, head, body = get(f"{server.url}/peertube/{host}/api/v1/video-channels/{name}")
        assert status == 404 and head["Content-Type"].startswith("application/problem+json")
        assert body["status"] == 404


def test_channel_videos_page_through_start_and_count(server, world):
    index = max((i for i in channels(world) if world.people[i].alive),
                key=lambda i: len(PeerTubeRenderer(world, server.url).videos(i)))
    host, name = presence(world, index).peertube
    base = f"{server.url}/peertube/{host}/api/v1/video-channels/{name}/videos"
    seen: list[str] = []
    start, total = 0, None
    while total is None or start < total:
        status, _, page = get(f"{base}?sort=-publishedAt&start={start}&count=4")
        assert status == 200
        total = page["total"]
        seen += [v.get("uuid", "") for v in page["data"]]
        start += len(page["data"])
        assert page["data"], "a page short of the total is never empty"
    assert len(seen) == total == len(set(seen))
    published = [v["publishedAt"] for v in get(f"{base}?count=100")[2]["data"]]
    assert published == sorted(published, reverse=True)
    status, _, problem = get(f"{base}?count=101")
    assert status == 400 and "count" in problem["invalid-params"]


def test_old_server_has_no_comment_counts(server, world):
    by_host: dict[str, list[dict[str, Any]]] = {}
    for index in channels(world):
        if world.people[index].alive:
            host, name = presence(world, index).peertube
            url = f"{server.url}/peertube/{host}/api/v1/video-channels/{name}/videos?count=100"
            by_host.setdefault(host, []).extend(get(url)[2]["data"])
    assert all("comments" in v for v in by_host["tube.example"])
    assert all("comments" not in v for v in by_host["video.example"])


def test_searches_and_the_search_index(server, world):
    status, _, found = get(f"{server.url}/peertube/tube.example/api/v1/search/"
                           "video-channels?search=vegan&count=100")
    assert status == 200 and found["total"] == len(found["data"]) > 0
    assert all("vegan" in json.dumps(c, ensure_ascii=False).lower() for c in found["data"])
    status, _, index = get(f"{server.url}/peertube/{SEARCH_INDEX}/api/v1/search/"
                           "video-channels?search=vegan&count=100")
    assert status == 200 and index["total"] == found["total"]
    assert all("score" in c for c in index["data"])
    status, _, tagged = get(f"{server.url}/peertube/{SEARCH_INDEX}/api/v1/search/videos"
                            "?search=vegan&tagsOneOf=vegan&count=100")
    assert status == 200 and tagged["total"] > 0
    # the index serves the search API only; search needs `search`
    assert get(f"{server.url}/peertube/{SEARCH_INDEX}/api/v1/videos")[0] == 404
    assert get(f"{server.url}/peertube/tube.example/api/v1/search/videos?tagsOneOf=vegan")[0] \
        == 400
    assert get(f"{server.url}/peertube/nowhere.example/api/v1/videos")[0] == 404


def test_opt_outs_are_in_the_descriptions(server, world):
    render = PeerTubeRenderer(world, server.url)
    for index in channels(world):
        person = world.people[index]
        text = render.description(person) or ""
        assert ("#noindex" in text) == person.noindex
        assert ("#nobot" in text) == person.bot


def test_rate_limit_headers_and_the_429(world):
    with SandboxServer(world, rate_limit=2, rate_window=60) as limited:
        url = f"{limited.url}/peertube/tube.example/api/v1/videos?count=1"
        status, head, _ = get(url)
        assert status == 200 and head["X-RateLimit-Limit"] == "2"
        reset = int(head["X-RateLimit-Reset"])  # unix seconds
        assert time.time() - 1 <= reset <= time.time() + 61
        get(url)
        status, head, body = get(url)
    assert status == 429 and head["Content-Type"].startswith("text/html")
    assert body == "Too many requests, please try again later."
    assert head["X-RateLimit-Remaining"] == "0" and int(head["Retry-After"]) >= 1
