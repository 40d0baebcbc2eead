"""The sandbox: a deterministic synthetic world served in Mastodon's API dialect.

Real HTTP on 127.0.0.1 through urllib; no test touches the internet.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from creatorscout.sandbox import INSTANCES, NICHES, SandboxServer, build_world
from creatorscout.sandbox.dialect import Request
from creatorscout.sandbox.mastodon_api import MastodonDialect
from creatorscout.sandbox.mastodon_ids import account_id
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.world import World

SEED = 42
SIZE = 2000
LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=SEED, creators=SIZE)


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[SandboxServer]:
    with SandboxServer(world) as running:
        yield running


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    """GET ``url``; return (status, headers, decoded JSON or text), errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, head, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            status, head, raw = error.code, dict(error.headers), error.read()
    kind = head.get("Content-Type", "")
    return status, head, json.loads(raw) if "json" in kind else raw.decode("utf-8")


def links(headers: dict[str, str]) -> dict[str, str]:
    """rel -> URL from a Link header."""
    return {rel: url for url, rel in LINK.findall(headers.get("Link", ""))}


def api(server: SandboxServer, instance: str = "mastodon.social") -> str:
    return f"{server.url}/mastodon/{instance}/api"


def render(world: World, path: str, **query: str) -> bytes:
    """A Mastodon response body rendered without sockets, with a fixed base URL."""
    dialect = MastodonDialect(world, "http://sandbox.test")
    request = Request("GET", path, tuple(query.items()), {}, "test")
    endpoint = dialect.match(request)
    assert endpoint is not None
    return endpoint.handler().body


# -- the world -----------------------------------------------------------------------------


def test_same_seed_gives_identical_json(world: World) -> None:
    again = build_world(seed=SEED, creators=SIZE)
    for index in (0, 7, 123, 999, 1998):
        person = world.people[index]
        raw = str(account_id(person, person.instance))
        path = f"/{person.instance_name}/api/v1/accounts/{raw}"
        assert render(world, path) == render(again, path)
        assert render(world, path + "/statuses", limit="40") == render(again, path + "/statuses",
                                                                       limit="40")
    tag_path = "/mastodon.social/api/v1/timelines/tag/vegan"
    assert render(world, tag_path, limit="40") == render(again, tag_path, limit="40")
    assert world.truth(5) == again.truth(5)


def test_different_seed_gives_a_different_world(world: World) -> None:
    other = build_world(seed=SEED + 1, creators=SIZE)
    assert [p.acct for p in world.people] != [p.acct for p in other.people]
    path = "/mastodon.social/api/v1/timelines/tag/vegan"
    assert render(world, path) != render(other, path)


def test_flag_proportions_are_as_designed(world: World) -> None:
    truths = [world.truth(i) for i in range(len(world))]

    def share(predicate: Any) -> float:
        return sum(1 for t in truths if predicate(t)) / len(truths)

    assert 0.025 <= share(lambda t: t.bot) <= 0.055
    assert 0.035 <= share(lambda t: t.discoverable is False) <= 0.07
    assert 0.015 <= share(lambda t: t.noindex) <= 0.045
    assert 0.035 <= share(lambda t: not t.indexable) <= 0.07
    assert 0.015 <= share(lambda t: t.fake_engagement) <= 0.045
    assert 0.03 <= share(lambda t: t.is_bridge) <= 0.07
    assert 0.002 <= share(lambda t: t.deleted) <= 0.016
    assert 0.05 <= share(lambda t: t.sponsored_share > 0) <= 0.16
    assert all(len(t.communities) >= 2 for t in truths if t.is_bridge)
    assert all(any(t.in_niche[n] for n in NICHES) for t in truths if t.is_bridge)
    for niche in NICHES:  # every niche is populated
        assert share(lambda t, niche=niche: t.in_niche[niche]) > 0.05
    assert {t.instance for t in truths} == set(INSTANCES)
    homes = [t.instance for t in truths]
    assert max(set(homes), key=homes.count) == "mastodon.social"


def test_usernames_are_unique_per_server_and_ascii(world: World) -> None:
    seen = {(p.instance, p.username.lower()) for p in world.people}
    assert len(seen) == len(world)
    assert all(re.fullmatch(r"[A-Za-z0-9_]{1,30}", p.username) for p in world.people)
    scripts = "".join(p.display_name for p in world.people)
    for sample in ("ნ", "ש", "ل", "О"):  # Georgian, Hebrew, Arabic, Cyrillic
        assert sample in scripts


def test_followers_are_heavy_tailed(world: World) -> None:
    followers = sorted(p.followers for p in world.people)
    median = statistics.median(followers)
    assert median < 1_000
    assert followers[-1] > 1_000_000
    assert sum(1 for f in followers if f < 10_000) / len(followers) > 0.85
    top = followers[-len(followers) // 100:]
    assert sum(top) > 0.5 * sum(followers)


def _median_er(world: World, low: int, high: int) -> float:
    rates = []
    for person in world.people:
        truth = world.truth(person.index)
        if not low <= person.followers < high or truth.fake_engagement or person.bot:
            continue
        own = [p for p in world.posts(person.index) if p.kind != "reblog"]
        if len(own) >= 3 and person.alive:
            rates.append(statistics.median(
                (p.favourites + p.reblogs + p.replies) / person.followers for p in own))
    assert len(rates) >= 3, f"too few creators between {low} and {high} followers"
    return statistics.median(rates)


def test_engagement_rate_falls_with_audience_size(world: World) -> None:
    nano = _median_er(world, 100, 10_000)
    macro = _median_er(world, 500_000, 10**9)
    assert 0.02 < nano < 0.08
    assert macro < 0.01
    assert nano > macro


def test_ground_truth_is_complete(world: World) -> None:
    person = next(p for p in world.people if p.is_bridge and p.alive)
    truth = world.truth(person.acct)
    assert truth.index == person.index == world.truth(person.index).index
    assert set(truth.in_niche) == set(NICHES)
    assert truth.primary_community == truth.communities[0]
    assert 0.0 <= truth.sponsored_share <= 1.0
    assert truth.tier in ("nano", "micro", "mid", "macro", "mega")
    opted = next(p for p in world.people if p.discoverable is False)
    assert world.truth(opted.index).opted_out == "not_discoverable"
    deleted = next(p for p in world.people if p.deleted)
    assert world.truth(deleted.index).statuses == 0


# -- the Mastodon API over HTTP ------------------------------------------------------------


def test_hashtag_timeline_paginates_to_the_end_without_repeats(
        world: World, server: SandboxServer) -> None:
    url: str | None = f"{api(server, 'vegan.social')}/v1/timelines/tag/vegan?limit=40"
    ids: list[int] = []
    missing_ids = pages = 0
    while url and pages < 500:
        status, headers, body = get(url)
        assert status == 200
        pages += 1
        if not body:
            break
        for item in body:
            assert "vegan" in [t["name"] for t in item["tags"]]
            if "id" in item:
                ids.append(int(item["id"]))
            else:
                missing_ids += 1
        next_url = links(headers).get("next")
        assert next_url is None or "limit=40" in next_url
        url = next_url
    assert pages < 500
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids, reverse=True)
    assert len(ids) + missing_ids == len(world.tag_keys("vegan")) > 100


def test_hashtag_timeline_local_and_unknown_tags(server: SandboxServer) -> None:
    status, _, body = get(f"{api(server, 'vegan.social')}/v1/timelines/tag/VeganFood"
                          "?local=true&limit=40")
    assert status == 200 and body
    assert all("@" not in s["account"]["acct"] for s in body)
    status, headers, body = get(f"{api(server)}/v1/timelines/tag/nosuchtagatall")
    assert (status, body, headers.get("Link")) == (200, [], None)
    status, _, body = get(f"{api(server)}/v1/timelines/tag/%E1%83%A6%E1%83%95%E1%83%98"
                          "%E1%83%9C%E1%83%9D")  # ღვინო
    assert status == 200 and body


def _busy_person(world: World) -> Any:
    return next(
        p for p in world.people
        if p.alive and sum(post.kind == "reblog" for post in world.posts(p.index)) >= 3
        and len(world.posts(p.index)) > 25
    )


def test_statuses_pagination_excludes_reblogs(world: World, server: SandboxServer) -> None:
    person = _busy_person(world)
    home = person.instance_name
    raw = account_id(person, person.instance)
    url: str | None = (f"{api(server, home)}/v1/accounts/{raw}/statuses"
                       "?exclude_reblogs=true&limit=10")
    seen: list[dict[str, Any]] = []
    while url:
        status, headers, body = get(url)
        assert status == 200
        seen += body
        url = links(headers).get("next")
        if url:
            assert "exclude_reblogs=true" in url and "limit=10" in url and "max_id=" in url
            assert len(body) == 10
    assert seen and all(item["reblog"] is None for item in seen)
    expected = [p for p in world.posts(person.index) if p.kind != "reblog"]
    assert len(seen) == len(expected)
    _, _, everything = get(f"{api(server, home)}/v1/accounts/{raw}/statuses?limit=40")
    assert any(item["reblog"] is not None for item in everything)


def test_statuses_link_header_format(world: World, server: SandboxServer) -> None:
    person = _busy_person(world)
    raw = account_id(person, person.instance)
    base = f"{api(server, person.instance_name)}/v1/accounts/{raw}/statuses"
    _, headers, body = get(f"{base}?exclude_reblogs=true&limit=5")
    first, last = body[0]["id"], body[-1]["id"]
    assert headers["Link"] == (
        f'<{base}?exclude_reblogs=true&limit=5&max_id={last}>; rel="next", '
        f'<{base}?exclude_reblogs=true&limit=5&min_id={first}>; rel="prev"'
    )
    _, headers, newer = get(f"{base}?exclude_reblogs=true&limit=5&min_id={last}")
    assert [s["id"] for s in newer] == [s["id"] for s in body[:-1]]


def test_remote_ids_differ_but_acct_is_the_same_person(world: World,
                                                       server: SandboxServer) -> None:
    person = next(p for p in world.people if p.alive)
    accounts = {}
    for instance in INSTANCES:
        status, _, body = get(f"{api(server, instance)}/v1/accounts/lookup?acct={person.acct}")
        assert status == 200
        accounts[instance] = body
    assert len({a["id"] for a in accounts.values()}) == len(INSTANCES)
    assert {a["url"] for a in accounts.values()} == {
        f"{server.url}/mastodon/{person.instance_name}/@{person.username}"}
    for instance, account in accounts.items():
        local = instance == person.instance_name
        assert account["acct"] == (person.username if local else person.acct)
        assert ("noindex" in account) is local  # Mastodon sends noindex for local accounts
        status, _, same = get(f"{api(server, instance)}/v1/accounts/{account['id']}")
        assert status == 200 and same["acct"] == account["acct"]
    other = "chaos.social" if person.instance_name != "chaos.social" else "mastodon.social"
    foreign_id = accounts[person.instance_name]["id"]  # ids are no keys across servers
    assert get(f"{api(server, other)}/v1/accounts/{foreign_id}")[0] == 404


def test_mentions_carry_ids_of_the_queried_server(world: World, server: SandboxServer) -> None:
    post = next(p for i in range(len(world)) for p in world.posts(i)
                if p.mentions and p.kind == "post" and world.people[i].alive)
    mentioned = world.people[post.mentions[0]]
    author = world.people[post.author]
    for instance in ("mastodon.social", "chaos.social"):
        _, _, statuses = get(f"{api(server, instance)}/v1/accounts/"
                             f"{account_id(author, INSTANCES.index(instance))}/statuses?limit=40")
        status = next(s for s in statuses if s["mentions"]
                      and s["mentions"][0]["username"] == mentioned.username)
        expected = account_id(mentioned, INSTANCES.index(instance))
        assert status["mentions"][0]["id"] == str(expected)
        assert '<span class="h-card" translate="no">' in status["content"]


def test_lookup(world: World, server: SandboxServer) -> None:
    person = next(p for p in world.people if p.alive and p.instance_name == "vegan.social")
    status, _, body = get(f"{api(server, 'vegan.social')}/v1/accounts/lookup"
                          f"?acct={person.username.upper()}")
    assert status == 200 and body["username"] == person.username and body["acct"] == person.username
    status, _, body = get(f"{api(server, 'vegan.social')}/v1/accounts/lookup?acct=nobody_here_x")
    assert (status, body) == (404, {"error": "Record not found"})


def test_deleted_accounts_404_and_suspended_are_blank(world: World,
                                                      server: SandboxServer) -> None:
    deleted = next(p for p in world.people if p.deleted)
    raw = account_id(deleted, deleted.instance)
    status, _, body = get(f"{api(server, deleted.instance_name)}/v1/accounts/{raw}")
    assert (status, body) == (404, {"error": "Record not found"})
    status, _, _ = get(f"{api(server)}/v1/accounts/lookup?acct={deleted.acct}")
    assert status == 404
    suspended = next(p for p in world.people if p.suspended)
    raw = account_id(suspended, suspended.instance)
    status, _, body = get(f"{api(server, suspended.instance_name)}/v1/accounts/{raw}")
    assert status == 200 and body["suspended"] is True and body["display_name"] == ""
    status, _, body = get(f"{api(server, suspended.instance_name)}/v1/accounts/{raw}/statuses")
    assert (status, body) == (200, [])


def test_directory_lists_only_discoverable_accounts(world: World,
                                                    server: SandboxServer) -> None:
    listed: list[dict[str, Any]] = []
    offset = 0
    while True:
        status, headers, page = get(f"{api(server)}/v1/directory?limit=80&offset={offset}")
        assert status == 200 and "Link" not in headers
        if not page:
            break
        listed += page
        offset += len(page)
    assert listed and all(a["discoverable"] is True for a in listed)
    assert not any(a.get("suspended") or a.get("moved") or a.get("limited") for a in listed)
    expected = [p for p in world.people if p.discoverable is True and p.alive
                and p.moved_to is None and not p.limited]
    assert len(listed) == len(expected)
    dates = [a["last_status_at"] or "" for a in listed]
    assert dates == sorted(dates, reverse=True)  # order=active
    _, _, local = get(f"{api(server, 'vegan.social')}/v1/directory?local=true&limit=80")
    assert local and all("@" not in a["acct"] for a in local)


def test_batch_accounts_take_at_most_40_ids(world: World, server: SandboxServer) -> None:
    ids = [account_id(p, 0) for p in world.people[:41]]
    query = "&".join(f"id[]={i}" for i in ids[:40])
    status, _, body = get(f"{api(server)}/v1/accounts?{query}")
    alive = [p for p in world.people[:40] if not p.deleted]
    assert status == 200 and [a["username"] for a in body] == [p.username for p in alive]
    status, _, body = get(f"{api(server)}/v1/accounts?{query}&id[]={ids[40]}")
    assert status == 422 and "error" in body


def test_malformed_statuses_are_in_the_ground_truth(world: World,
                                                    server: SandboxServer) -> None:
    person = next(p for p in world.people if p.alive and world.truth(p.index).malformed)
    truth = world.truth(person.index)
    raw = account_id(person, person.instance)
    url: str | None = f"{api(server, person.instance_name)}/v1/accounts/{raw}/statuses?limit=40"
    bad = 0
    while url:
        _, headers, body = get(url)
        bad += sum(1 for s in body
                   if "id" not in s or not isinstance(s["favourites_count"], int))
        url = links(headers).get("next")
    assert bad == len(truth.malformed) > 0


def test_content_html_follows_mastodon(world: World, server: SandboxServer) -> None:
    _, _, body = get(f"{api(server, 'vegan.social')}/v1/timelines/tag/vegan?limit=40")
    content = " ".join(s["content"] for s in body)
    assert content.startswith("<p>")
    assert re.search(r'class="mention hashtag"[^>]*>#<span>[^<]+</span></a>', content)
    author, post = next((i, p) for i in range(len(world)) for p in world.posts(i)
                        if " & " in p.text and world.people[i].alive and not p.malformed)
    raw = account_id(world.people[author], 0)
    _, _, statuses = get(f"{api(server)}/v1/accounts/{raw}/statuses?limit=40")
    html = next(s["content"] for s in statuses if s.get("created_at", "").startswith(
        datetime.fromtimestamp(post.sec, UTC).strftime("%Y-%m-%dT%H:%M:%S")))
    assert " &amp; " in html and " & " not in html
    for status in body:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z", status["created_at"])
        account = status["account"]
        assert account["created_at"].endswith("T00:00:00.000Z")
        assert account["last_status_at"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d",
                                                                 account["last_status_at"])
        assert status["language"] is None or len(status["language"]) == 2
        assert "quotes_count" in status and status["visibility"] == "public"


def test_search_and_tags(world: World, server: SandboxServer) -> None:
    person = next(p for p in world.people if p.alive and p.discoverable)
    status, _, body = get(f"{api(server)}/v2/search?q={person.username}&type=accounts")
    assert status == 200 and person.username in [a["username"] for a in body["accounts"]]
    status, _, body = get(f"{api(server)}/v2/search?q=vegan&type=accounts&offset=5")
    assert status == 401
    status, _, tag = get(f"{api(server)}/v1/tags/GeorgianWine")
    assert status == 200 and tag["name"] == "georgianwine" and len(tag["history"]) == 7


def test_unknown_server_and_path_404(server: SandboxServer) -> None:
    status, _, body = get(f"{server.url}/mastodon/example.com/api/v1/directory")
    assert status == 404
    status, _, body = get(f"{api(server)}/v1/nothing/here")
    assert (status, body) == (404, {"error": "Record not found"})


def test_robots_txt(server: SandboxServer) -> None:
    status, _, text = get(f"{server.url}/mastodon/mastodon.social/robots.txt")
    assert status == 200 and "Disallow: /media_proxy/" in text and "User-agent: GPTBot" in text
    status, _, text = get(f"{server.url}/robots.txt")
    assert "Disallow: /mastodon/vegan.social/interact/" in text


def test_rate_limit_headers_on_every_api_response(server: SandboxServer) -> None:
    before = time.time()
    _, first, _ = get(f"{api(server)}/v2/instance")
    _, second, _ = get(f"{api(server)}/v1/accounts/1")  # a 404 carries them too
    assert first["X-RateLimit-Limit"] == "1000000"
    assert int(second["X-RateLimit-Remaining"]) < int(first["X-RateLimit-Remaining"])
    reset = datetime.fromisoformat(first["X-RateLimit-Reset"])
    assert reset.tzinfo is not None and before < reset.timestamp() <= time.time() + 300
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", first["X-RateLimit-Reset"])
    _, robots, _ = get(f"{server.url}/mastodon/mastodon.social/robots.txt")
    assert "X-RateLimit-Limit" not in robots


def test_injected_429_carries_retry_after(world: World) -> None:
    with SandboxServer(world, fail_every=3) as failing:
        statuses = []
        for _ in range(6):
            status, headers, body = get(f"{api(failing)}/v2/instance")
            statuses.append(status)
            if status == 429:
                assert headers["Retry-After"] == "1"
                assert headers["X-RateLimit-Remaining"] == "0"
                assert body == {"error": "Too many requests"}
        get(f"{failing.url}/robots.txt")  # documents are never failed
        assert statuses == [200, 200, 429, 200, 200, 429]
        assert failing.stats.faults["injected_429"] == 2
        assert failing.stats.by_kind["mastodon.instance"] == 6


def test_unavailable_and_exhausted_buckets(world: World) -> None:
    with SandboxServer(world, unavailable_every=2) as flaky:
        assert [get(f"{api(flaky)}/v2/instance")[0] for _ in range(4)] == [200, 503, 200, 503]
        assert get(f"{api(flaky)}/v2/instance")[1].get("Retry-After") is None
    with SandboxServer(world, rate_limit=2) as strict:
        codes = [get(f"{api(strict)}/v2/instance")[0] for _ in range(3)]
        assert codes == [200, 200, 429]
        assert get(f"{api(strict, 'chaos.social')}/v2/instance")[0] == 200  # per server


def test_sandbox_process_prints_its_url_first() -> None:
    with start_sandbox_process(creators=200, seed=7) as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        status, _, body = get(f"{url}/mastodon/fosstodon.org/api/v2/instance")
        assert status == 200 and body["domain"] == "fosstodon.org"


def test_a_big_world_is_addressable_by_index_and_grows_by_appending() -> None:
    # How fast a world builds is a benchmark's business (BENCHMARKS.md), not a test's.
    big = build_world(seed=SEED, creators=20_000)
    assert len(big) == 20_000
    for index in (0, 10_000, 19_999):
        assert big.truth(index).acct == big.people[index].acct
        big.posts(index)
    assert big.people[123].username == build_world(seed=SEED, creators=200).people[123].username
