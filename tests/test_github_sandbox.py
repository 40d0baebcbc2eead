"""The sandbox's GitHub dialect: real HTTP on 127.0.0.1, checked against the world."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.github_render import GitHubRenderer
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.world import World

LINK = re.compile(r'<([^>]+)>; rel="(\w+)"')


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
    return status, {k.lower(): v for k, v in head.items()}, json.loads(raw)


def links(head: dict[str, str]) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(head.get("link", ""))}


def test_users_match_the_world(server, world):
    render = GitHubRenderer(world, server.url)
    people = people_on(world, "github")
    emails = 0
    for index in people:
        person = world.people[index]
        login = presence(world, index).github
        status, head, user = get(f"{server.url}/github/users/{login.upper()}")
        if not person.alive:
            assert status == 404 and user["message"] == "Not Found"
            continue
        assert status == 200 and user["login"] == login  # logins are case-insensitive
        assert user["followers"] == render.followers(person)
        assert user["type"] == ("Bot" if person.bot else "User")
        assert user["blog"] == (presence(world, index).website or "")
        assert len(user["bio"] or "") <= 160
        assert ("#noindex" in (user["bio"] or "")) == person.noindex
        assert head["x-ratelimit-resource"] == "core"
        emails += user["email"] is not None
        by_id = get(f"{server.url}/github/user/{user['id']}")[2]
        assert by_id["login"] == login
    assert emails > 0  # some people show a public e-mail (a crawler must drop it)


def test_repository_pages_follow_github_links(server, world):
    index = max((i for i in people_on(world, "github") if world.people[i].alive),
                key=lambda i: len(GitHubRenderer(world, server.url).repos(i)))
    login = presence(world, index).github
    url = f"{server.url}/github/users/{login}/repos?type=owner&sort=pushed&per_page=5"
    names: list[str] = []
    pushed: list[str] = []
    while url:
        status, head, page = get(url)
        assert status == 200 and page
        names += [r["full_name"] for r in page]
        pushed += [r["pushed_at"] for r in page]
        url = links(head).get("next", "")
        assert not url or f"/github/user/{GitHubRenderer.user_id(index)}/repos?" in url
    user = get(f"{server.url}/github/users/{login}")[2]
    assert len(names) == len(set(names)) == user["public_repos"]
    assert pushed == sorted(pushed, reverse=True)


def test_social_accounts_point_at_the_same_person(server, world):
    index = next(i for i in people_on(world, "github") if world.people[i].alive)
    person = world.people[index]
    login = presence(world, index).github
    status, _, accounts = get(f"{server.url}/github/users/{login}/social_accounts")
    assert status == 200
    assert {"provider": "mastodon",
            "url": f"{server.url}/mastodon/{person.instance_name}/@{person.username}"} in accounts


def test_search_syntax(server, world):
    status, head, found = get(f"{server.url}/github/search/users?q=martech+in:login+type:user")
    assert status == 200 and found["incomplete_results"] is False
    assert found["items"] and all("martech" in u["login"] for u in found["items"])
    assert all(u["type"] == "User" and "followers" not in u for u in found["items"])
    assert head["x-ratelimit-resource"] == "search"
    status, _, repos = get(f"{server.url}/github/search/repositories?q=topic:martech"
                           "&sort=stars&per_page=100")
    assert status == 200 and repos["total_count"] > 0
    assert all("martech" in r["topics"] and not r["fork"] for r in repos["items"])
    stars = [r["stargazers_count"] for r in repos["items"]
             if isinstance(r["stargazers_count"], int)]
    assert stars == sorted(stars, reverse=True)
    assert get(f"{server.url}/github/search/users?q=")[0] == 422
    status, _, error = get(f"{server.url}/github/search/users?q=a&per_page=100&page=11")
    assert status == 422 and "first 1000" in error["message"]


def test_exhausted_limit_is_a_403(world):
    with SandboxServer(world, rate_limit=1, rate_window=60) as limited:
        assert get(f"{limited.url}/github/search/users?q=lena")[0] == 200
        assert get(f"{limited.url}/github/users/nobody")[0] == 404  # core counts apart
        status, head, body = get(f"{limited.url}/github/search/users?q=lena")
    assert status == 403 and head["x-ratelimit-remaining"] == "0"
    assert body["message"].startswith("API rate limit exceeded")
