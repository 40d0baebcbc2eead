"""The sandbox's Bluesky dialect: the world served as the public AppView serves accounts.

Real HTTP on 127.0.0.1 through urllib; ground truth from the world and sandbox.presence.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

from creatorscout.sandbox import SandboxServer, build_world
from creatorscout.sandbox.bluesky_api import BlueskyDialect
from creatorscout.sandbox.bluesky_ids import did_for, post_of_rkey, post_rkey, tid, tid_micros
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.world import World
from tests.conftest import SANDBOX_CREATORS, SANDBOX_SEED

SEED = SANDBOX_SEED  # the session sandbox's (tests/conftest.py)
SIZE = SANDBOX_CREATORS  # the session sandbox's (tests/conftest.py)


@pytest.fixture(scope="module")
def world(sandbox_world: World) -> World:
    return sandbox_world  # the session's (tests/conftest.py)


@pytest.fixture(scope="module")
def server(sandbox_server: SandboxServer) -> SandboxServer:
    return sandbox_server


@pytest.fixture(scope="module")
def dialect(server: SandboxServer) -> BlueskyDialect:
    found = server.dialects["bluesky"]
    assert isinstance(found, BlueskyDialect)
    return found


def xrpc(server: SandboxServer, nsid: str, params: list[tuple[str, str]] | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{server.url}/bluesky/xrpc/{nsid}{query}",
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, head, raw = error.code, dict(error.headers), error.read()
    kind = head.get("Content-Type", "")
    return status, head, json.loads(raw) if "json" in kind else raw.decode("utf-8")


def accounts(dialect: BlueskyDialect, **state: Any) -> list[Any]:
    return [a for a in dialect.people
            if all(getattr(a, k) == v for k, v in state.items())]


def test_who_is_on_bluesky_comes_from_presence(world, dialect):
    assert sorted(a.index for a in dialect.people) == people_on(world, "bluesky")
    for account in dialect.people:
        where = presence(world, account.index)
        assert account.handle == where.bluesky
        assert account.did == did_for(SEED, account.index)
        if where.owns_domain and account.handle == where.owns_domain:
            assert not account.handle.endswith(".bsky.social")
    dids = [a.did for a in dialect.people]
    assert len(set(dids)) == len(dids)
    assert all(d.startswith("did:plc:") and len(d) == 32 for d in dids)
    # some people prove their own domain with their handle
    assert any(not a.handle.endswith(".bsky.social") for a in dialect.people)


def test_same_seed_same_bytes(world, server):
    again = SandboxServer(build_world(seed=SEED, creators=SIZE), public_url=server.url)
    try:
        account = next(a for a in server.dialects["bluesky"].people if a.active)  # type: ignore[attr-defined]
        params = [("actor", account.did), ("limit", "5")]
        first = server.handle("GET", "/bluesky/xrpc/app.bsky.feed.getAuthorFeed?"
                              + urllib.parse.urlencode(params), {}, "t")
        second = again.handle("GET", "/bluesky/xrpc/app.bsky.feed.getAuthorFeed?"
                              + urllib.parse.urlencode(params), {}, "t")
        assert first.body == second.body
    finally:
        again.stop()


def test_record_keys_and_tids_round_trip():
    assert len(tid(1_795_000_000_000_000)) == 13
    assert tid_micros(tid(1_795_000_000_000_123)) == 1_795_000_000_000_123
    assert post_of_rkey(post_rkey(1_795_000_000, 17)) == (1_795_000_000, 17)
    assert tid_micros("not-a-tid") is None
    assert tid(1) < tid(2) < tid(10**15)  # sortable as strings


def test_profiles_and_their_numbers(world, server, dialect):
    active = accounts(dialect, active=True)[:25]
    status, head, body = xrpc(server, "app.bsky.actor.getProfiles",
                              [("actors", a.did) for a in active])
    assert status == 200 and head["Content-Type"].startswith("application/json")
    assert [p["did"] for p in body["profiles"]] == [a.did for a in active]
    for account, profile in zip(active, body["profiles"], strict=True):
        person = world.people[account.index]
        assert profile["handle"] == account.handle
        assert profile["displayName"] == person.display_name
        assert profile["followersCount"] == account.followers
        assert profile["followsCount"] == account.follows
        assert isinstance(profile["postsCount"], int)
        website = presence(world, account.index).website
        assert (website in profile["description"]) if website else True
        assert len(profile["description"]) <= 256


def test_get_profiles_limits_and_leaves_the_unavailable_out(server, dialect):
    active = accounts(dialect, active=True)
    gone = [a for a in dialect.people if not a.active]
    assert gone, "the world should have deactivated or taken-down accounts"
    asked = [active[0].did, gone[0].did, "nobody.bsky.social", active[1].handle.upper()]
    status, _, body = xrpc(server, "app.bsky.actor.getProfiles", [("actors", a) for a in asked])
    assert status == 200
    assert [p["did"] for p in body["profiles"]] == [active[0].did, active[1].did]
    status, _, body = xrpc(server, "app.bsky.actor.getProfiles",
                           [("actors", a.did) for a in active[:26]])
    assert status == 400 and body["error"] == "InvalidRequest" and "25" in body["message"]


def test_get_profile_says_why_an_account_is_gone(server, dialect):
    for account in dialect.people:
        if account.active:
            continue
        status, _, body = xrpc(server, "app.bsky.actor.getProfile", [("actor", account.did)])
        expected = "AccountDeactivated" if account.status == "deactivated" else "AccountTakedown"
        assert (status, body["error"]) == (400, expected)
    status, _, body = xrpc(server, "app.bsky.actor.getProfile", [("actor", "nobody.bsky.social")])
    assert (status, body) == (400, {"error": "InvalidRequest", "message": "Profile not found"})


def test_logged_out_visibility_label_on_a_few(world, server, dialect):
    labelled = accounts(dialect, no_unauthenticated=True)
    assert 0 < len(labelled) < len(dialect.people) / 10
    for account in labelled:
        assert world.people[account.index].noindex
    account = next(a for a in labelled if a.active)
    _, _, profile = xrpc(server, "app.bsky.actor.getProfile", [("actor", account.did)])
    [label] = profile["labels"]
    assert label["val"] == "!no-unauthenticated" and label["src"] == account.did


def walk_feed(server: SandboxServer, did: str, limit: int,
              **extra: str) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    cursor = None
    pages = 0
    while True:
        params = [("actor", did), ("limit", str(limit)), *extra.items()]
        if cursor:
            params.append(("cursor", cursor))
        status, _, body = xrpc(server, "app.bsky.feed.getAuthorFeed", params)
        assert status == 200
        pages += 1
        if not body["feed"]:
            assert "cursor" not in body  # the end: an empty page without a cursor
            return items, pages
        assert body["cursor"]  # every non-empty page has one, full or not
        items += body["feed"]
        cursor = body["cursor"]


def busiest(dialect: BlueskyDialect) -> Any:
    return max(accounts(dialect, active=True), key=lambda a: len(dialect.people.items(a.index)))


def test_author_feed_pages_to_the_end(server, dialect):
    account = busiest(dialect)
    expected = dialect.people.items(account.index)
    items, pages = walk_feed(server, account.did, limit=7)
    assert len(items) == len(expected) and pages == -(-len(expected) // 7) + 1
    times = [i.get("reason", {}).get("indexedAt") or i["post"]["record"]["createdAt"]
             for i in items]
    assert times == sorted(times, reverse=True)
    uris = [i["post"].get("uri") for i in items if "reason" not in i]
    assert len(uris) == len(set(uris))


def test_feed_items_are_own_posts_replies_or_reposts(world, server, dialect):
    account = busiest(dialect)
    items, _ = walk_feed(server, account.did, limit=100)
    kinds = {"post": 0, "reply": 0, "repost": 0}
    for item in items:
        post = item["post"]
        if "reason" in item:
            assert item["reason"]["$type"] == "app.bsky.feed.defs#reasonRepost"
            assert item["reason"]["by"]["did"] == account.did
            assert post["author"]["did"] != account.did
            kinds["repost"] += 1
            continue
        assert post["author"]["did"] == account.did
        if "reply" in post["record"]:
            parent = item["reply"]["parent"]
            assert post["record"]["reply"]["parent"]["uri"] == parent["uri"]
            assert dialect.people.resolve(parent["author"]["did"]) is not None
            kinds["reply"] += 1
        else:
            kinds["post"] += 1
    assert kinds["post"] > 0
    no_replies, _ = walk_feed(server, account.did, limit=100, filter="posts_no_replies")
    assert len(no_replies) == kinds["post"] + kinds["repost"]


def test_facets_point_at_their_text_in_utf8_bytes(server, dialect):
    checked = {"mention": 0, "tag": 0, "link": 0}
    non_ascii_before = 0
    for account in accounts(dialect, active=True)[:80]:
        _, _, body = xrpc(server, "app.bsky.feed.getAuthorFeed",
                          [("actor", account.did), ("limit", "100")])
        for item in body["feed"]:
            record = item["post"]["record"]
            data = record["text"].encode("utf-8")
            assert len(record["text"]) <= 300
            for facet in record.get("facets", []):
                shown = data[facet["index"]["byteStart"]:facet["index"]["byteEnd"]].decode()
                if not data[: facet["index"]["byteStart"]].isascii():
                    non_ascii_before += 1
                [feature] = facet["features"]
                kind = feature["$type"].rsplit("#", 1)[1]
                checked[kind] += 1
                if kind == "mention":
                    mentioned = dialect.people.resolve(feature["did"])
                    assert mentioned is not None and shown == f"@{mentioned.handle}"
                elif kind == "tag":
                    assert shown == f"#{feature['tag']}"
                else:
                    assert feature["uri"].startswith("https://")
                    assert shown == feature["uri"].split("://", 1)[1] or shown.endswith("...")
    assert all(checked.values()), checked
    assert non_ascii_before > 0  # emoji and non-Latin text before facets are exercised


def test_follows_page_with_record_key_cursors(server, dialect):
    account = max(accounts(dialect, active=True),
                  key=lambda a: len(dialect.people.follows(a.index)))
    expected = [dialect.people.accounts[i].did for i, _ in dialect.people.follows(account.index)]
    assert len(expected) > 5
    seen: list[str] = []
    cursor = None
    while True:
        params = [("actor", account.handle), ("limit", "5")]
        if cursor:
            params.append(("cursor", cursor))
        status, _, body = xrpc(server, "app.bsky.graph.getFollows", params)
        assert status == 200 and body["subject"]["did"] == account.did
        if not body["follows"]:
            assert "cursor" not in body
            break
        seen += [f["did"] for f in body["follows"]]
        cursor = body["cursor"]
    assert seen == expected
    assert all(dialect.people.active(dialect.people.resolve(d).index) for d in seen)


def test_search_actors_pages_with_an_offset_cursor(server, world):
    status, _, first = xrpc(server, "app.bsky.actor.searchActors", [("q", "vegan"),
                                                                     ("limit", "10")])
    assert status == 200 and len(first["actors"]) == 10 and first["cursor"] == "10"
    assert "followersCount" not in first["actors"][0]  # a profileView, not detailed
    everyone: list[str] = []
    cursor: str | None = None
    while True:
        params = [("q", "vegan"), ("limit", "10")] + ([("cursor", cursor)] if cursor else [])
        _, _, page = xrpc(server, "app.bsky.actor.searchActors", params)
        everyone += [a["did"] for a in page["actors"]]
        cursor = page.get("cursor")
        if cursor is None:
            break
    assert len(everyone) == len(set(everyone)) > 10
    _, _, legacy = xrpc(server, "app.bsky.actor.searchActors", [("term", "vegan"),
                                                                ("limit", "10")])
    assert legacy["actors"] == first["actors"]


def test_post_search_needs_a_session(server):
    status, head, body = xrpc(server, "app.bsky.feed.searchPosts", [("q", "#vegan")])
    assert status == 403 and not head["Content-Type"].startswith("application/json")
    status, _, body = xrpc(server, "app.bsky.feed.searchPosts",
                           [("q", "#vegan"), ("limit", "5")],
                           headers={"Authorization": "Bearer sandbox-session"})
    assert status == 200 and len(body["posts"]) == 5 and body["hitsTotal"] >= 5
    assert all("vegan" in [f["features"][0].get("tag", "").lower()
                           for f in p["record"].get("facets", [])] for p in body["posts"])


def test_errors_and_rate_limit_headers(server):
    status, head, body = xrpc(server, "app.bsky.feed.getTimeline")
    assert (status, body["error"]) == (501, "MethodNotImplemented")
    status, head, body = xrpc(server, "app.bsky.feed.getAuthorFeed",
                              [("actor", "nobody.bsky.social")])
    assert (status, body["message"]) == (400, "Profile not found")
    status, head, body = xrpc(server, "app.bsky.actor.searchActors", [("q", "a"),
                                                                      ("limit", "101")])
    assert status == 400 and body["error"] == "InvalidRequest"
    assert head["RateLimit-Policy"].endswith(";w=300")
    assert int(head["RateLimit-Reset"]) > 1_700_000_000
    assert int(head["RateLimit-Remaining"]) < int(head["RateLimit-Limit"])


def test_injected_429_speaks_xrpc():
    with SandboxServer(build_world(seed=SEED, creators=50), fail_every=1) as busy:
        status, head, body = xrpc(busy, "app.bsky.actor.searchActors", [("q", "x")])
    assert status == 429 and body == {"error": "RateLimitExceeded",
                                      "message": "Rate Limit Exceeded"}
    assert head["RateLimit-Remaining"] == "0" and head["Retry-After"] == "1"
