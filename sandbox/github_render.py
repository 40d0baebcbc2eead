"""GitHub objects (users, repositories, social accounts) rendered from the world.

Shapes follow docs.github.com/rest (API version 2022-11-28): "Get a user" (public-user),
"List repositories for a user" (minimal-repository), "Search users"/"Search repositories"
items (with ``score``) and "List social accounts for a user". Who is on GitHub, under
which login, is decided by :mod:`creatorscout.sandbox.presence` only.

How the world becomes GitHub, deterministically:

* followers, stars, forks and open issues are the world's followers, favourites,
  boosts and replies divided by 3 (:data:`SCALE`);
* the user's name, bio (at most 160 characters), blog (the person's website) and location
  come from their Mastodon profile; about a third show a public ``email`` (which a crawler
  must never keep); bots are ``type: "Bot"``; people who chose ``noindex`` carry
  ``#noindex`` at the end of the bio (the fediverse opt-out convention);
* repositories are the person's original posts about a topic (a boost becomes a fork of
  someone else's repository): name from the post's hashtags, description from its text,
  topics from its hashtags (where they are valid topics), stars from favourites, forks from
  boosts, open issues from replies, created when the post was;
* a post the world marks malformed becomes a repository without ``id`` or with
  ``stargazers_count: "n/a"``;
* social accounts list the person's Mastodon profile, Bluesky and PeerTube channel.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any, Final

from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.posts import Post, Segment
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.world import World

WEB: Final = "https://github.com"
MAX_REPOS: Final = 60
SCALE: Final = 3
"""GitHub audiences and engagement are the world's (Mastodon) ones divided by this."""
_TOPIC: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")
_SUFFIXES: Final = ("toolkit", "playbook", "notes", "scripts", "dashboard", "templates",
                    "cookbook", "data", "starter", "guide")
_LANGUAGES: Final = {
    "b2b-martech": ("Python", "JavaScript", "TypeScript", "Jupyter Notebook", "PLpgSQL", None),
    "vegan-cooking": ("HTML", "JavaScript", "Python", None),
    "georgian-wine": ("Python", "R", "HTML", None),
}
_OTHER_LANGUAGES: Final = ("Python", "Go", "Rust", "JavaScript", None)


def iso(sec: int) -> str:
    """``2026-11-01T12:00:00Z``: GitHub's timestamp format."""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(world: World, segments: tuple[Segment, ...]) -> str:
    """A post or bio as plain text (mentions as ``@username``)."""
    out: list[str] = []
    for kind, value in segments:
        if kind == "tag":
            out.append(f"#{value}")
        elif kind == "mention":
            out.append(f"@{world.people[int(value)].username}")
        elif kind in ("br", "para"):
            out.append(" ")
        else:
            out.append(value)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def topic(tag: str) -> str | None:
    """A world hashtag as a GitHub topic, when it can be one."""
    name = tag.lower().replace("_", "-")
    return name if _TOPIC.match(name) else None


class GitHubRenderer:
    """Renders world objects as api.github.com serves them."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.api = f"{base_url.rstrip('/')}/github"
        self.sandbox = base_url.rstrip("/")
        self._repos: dict[int, list[dict[str, Any]]] = {}

    # -- ids and numbers -------------------------------------------------------------------

    @staticmethod
    def user_id(index: int) -> int:
        """The numeric id of a person's GitHub account (stable)."""
        return 10_000_000 + index * 7

    @staticmethod
    def index_of(user_id: int) -> int | None:
        """The person behind a user id (inverse of :meth:`user_id`)."""
        index, rest = divmod(user_id - 10_000_000, 7)
        return index if rest == 0 and index >= 0 else None

    @staticmethod
    def followers(person: Person) -> int:
        """GitHub followers: a third of the person's Mastodon audience (stars, forks and
        issues are scaled the same way, so engagement rates stay those of the world)."""
        return person.followers // SCALE + person.index % 5

    def login(self, index: int) -> str:
        """The person's login (from presence)."""
        login = presence(self.world, index).github
        assert login is not None, "person is not on GitHub"
        return login

    # -- users -----------------------------------------------------------------------------

    def simple_user(self, index: int) -> dict[str, Any]:
        """simple-user: what search hits and repository owners carry."""
        person = self.world.people[index]
        login = self.login(index)
        user_id = self.user_id(index)
        api = f"{self.api}/users/{login}"
        return {
            "login": login,
            "id": user_id,
            "node_id": base64.b64encode(f"04:User{user_id}".encode()).decode(),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{WEB}/{login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "Bot" if person.bot else "User",
            "user_view_type": "public",
            "site_admin": False,
        }

    def name(self, person: Person) -> str:
        """The profile name (GitHub names are free text)."""
        return person.display_name

    def bio(self, person: Person) -> str | None:
        """At most 160 characters; an opt-out tag is kept whole at the end."""
        text = plain_text(self.world, self.world.profile(person.index).bio)
        marker = " #noindex" if person.noindex else ""
        room = 160 - len(marker)
        if len(text) > room:
            text = text[: room - 1].rstrip() + "…"
        return (text + marker).strip() or None

    def email(self, person: Person) -> str | None:
        """A public e-mail for about a third of the people (never to be stored)."""
        return f"{presence(self.world, person.index).slug}@mail.example" \
            if person.index % 3 == 0 else None

    def location(self, person: Person) -> str | None:
        for name, value, is_link, _ in self.world.profile(person.index).fields:
            if name == "Location" and not is_link:
                return value
        return None

    def user(self, index: int) -> dict[str, Any]:
        """public-user ("Get a user")."""
        person = self.world.people[index]
        found = presence(self.world, index)
        created = person.created_sec - 400 * DAY
        data = self.simple_user(index)
        data.update({
            "name": self.name(person),
            "company": None,
            "blog": found.website or "",
            "location": self.location(person),
            "email": self.email(person),
            "hireable": True if index % 7 == 0 else None,
            "bio": self.bio(person),
            "twitter_username": None,
            "public_repos": len(self.repos(index)),
            "public_gists": index % 4,
            "followers": self.followers(person),
            "following": person.following // 3,
            "created_at": iso(created),
            "updated_at": iso(max(created, min(person.last_sec or created, ANCHOR_SEC))),
        })
        return data

    def social_accounts(self, index: int) -> list[dict[str, str]]:
        """The person's other profiles, as GitHub lists them."""
        person = self.world.people[index]
        found = presence(self.world, index)
        accounts = [{"provider": "mastodon",
                     "url": f"{self.sandbox}/mastodon/{INSTANCES[person.instance]}/"
                            f"@{person.username}"}]
        if found.bluesky:
            accounts.append({"provider": "bluesky",
                             "url": f"https://bsky.app/profile/{found.bluesky}"})
        if found.peertube:
            host, channel = found.peertube
            accounts.append({"provider": "generic",
                             "url": f"{self.sandbox}/peertube/{host}/video-channels/{channel}"})
        return accounts

    # -- repositories ----------------------------------------------------------------------

    def repos(self, index: int) -> list[dict[str, Any]]:
        """The person's repositories, newest first (cached)."""
        found = self._repos.get(index)
        if found is None:
            posts = [p for p in self.world.posts(index)
                     if (p.kind == "post" and p.community) or p.kind == "reblog"]
            taken: set[str] = set()
            found = [self.repo(post, taken) for post in posts[:MAX_REPOS]]
            self._repos[index] = found
        return found

    def _repo_name(self, post: Post, taken: set[str]) -> str:
        topics = [t for t in map(topic, post.tags) if t]
        stem = topics[0] if topics else (post.community or "notes")
        name = f"{stem}-{_SUFFIXES[post.key % len(_SUFFIXES)]}"
        unique, n = name, 2
        while unique in taken:
            unique, n = f"{name}-{n}", n + 1
        taken.add(unique)
        return unique

    def repo(self, post: Post, taken: set[str]) -> dict[str, Any]:
        """minimal-repository of the repository made from ``post``."""
        source = post
        fork = post.kind == "reblog" and post.reblog_of is not None
        if fork and post.reblog_of is not None:
            source = self.world.post(*post.reblog_of)
        index = post.author
        login = self.login(index)
        name = self._repo_name(source, taken)
        full = f"{login}/{name}"
        api = f"{self.api}/repos/{full}"
        description = plain_text(self.world, source.segments)[:300] or None
        languages = _LANGUAGES.get(source.community or "", _OTHER_LANGUAGES)
        pushed = min(ANCHOR_SEC - 60, post.sec + (post.key % 40) * DAY)
        stars, forks, issues = ((0, 0, 0) if fork else (
            post.favourites // SCALE, post.reblogs // SCALE, post.replies // SCALE))
        repo_id = 500_000_000 + (index * 64 + post.number)
        data: dict[str, Any] = {
            "id": repo_id,
            "node_id": base64.b64encode(f"010:Repository{repo_id}".encode()).decode(),
            "name": name,
            "full_name": full,
            "private": False,
            "owner": self.simple_user(index),
            "html_url": f"{WEB}/{full}",
            "description": description,
            "fork": fork,
            "url": api,
            "forks_url": f"{api}/forks",
            "issues_url": f"{api}/issues{{/number}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "created_at": iso(post.sec),
            "updated_at": iso(pushed),
            "pushed_at": iso(pushed),
            "git_url": f"git://github.com/{full}.git",
            "clone_url": f"{WEB}/{full}.git",
            "homepage": None if post.key % 5 else "",
            "size": 10 + post.key % 5000,
            "stargazers_count": stars,
            "watchers_count": stars,
            "language": languages[post.key % len(languages)],
            "has_issues": True,
            "has_projects": True,
            "has_wiki": post.key % 2 == 0,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": forks,
            "mirror_url": None,
            "archived": False,
            "disabled": False,
            "open_issues_count": issues,
            "license": None if post.key % 3 else {
                "key": "mit", "name": "MIT License", "spdx_id": "MIT",
                "url": f"{self.api}/licenses/mit", "node_id": "MDc6TGljZW5zZTEz"},
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [t for t in dict.fromkeys(map(topic, source.tags)) if t],
            "visibility": "public",
            "forks": forks,
            "open_issues": issues,
            "watchers": stars,
            "default_branch": "main",
        }
        if post.malformed == "missing_id":
            del data["id"]
        elif post.malformed == "bad_count":
            data["stargazers_count"] = "n/a"
        return data
