"""The GitHub dialect: routing, search syntax, pagination, rate limits and errors of
api.github.com, under ``/github`` (the API base is ``{sandbox}/github``).

Behaviour follows docs.github.com/rest (API version 2022-11-28):

* ``GET /users/{login}`` and ``GET /user/{id}``; ``GET /users/{login}/repos`` (``type``,
  ``sort`` = ``full_name`` | ``created`` | ``updated`` | ``pushed``, ``direction``) and
  ``GET /users/{login}/social_accounts``; logins are case-insensitive; deleted and
  suspended people are 404;
* lists page with ``page`` and ``per_page`` (default 30, at most 100) and a ``Link``
  header with ``next``, ``last``, ``first`` and ``prev`` as they apply. As on GitHub, the
  repository list's links use the numeric form ``/user/{id}/repos``;
* ``GET /search/users?q=`` understands ``in:login|name|email`` (default: login and
  e-mail), ``type:user|org``, ``followers:`` and ``repos:`` with ``>``, ``>=``, ``<``,
  ``<=`` and ``N..M``; ``GET /search/repositories?q=`` understands ``topic:``,
  ``user:``, ``stars:``, ``fork:true|only`` and free words (name, description, topics);
  results are ``{total_count, incomplete_results, items}``, only the first 1,000 are
  reachable (beyond: 422), a missing ``q`` is a 422;
* rate limits: ``x-ratelimit-limit/remaining/used/reset`` (unix seconds) and
  ``x-ratelimit-resource`` (``core`` or ``search``, counted apart). An exhausted limit is
  a **403** with remaining 0 and "API rate limit exceeded", GitHub's primary-limit answer.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Callable
from threading import Lock
from typing import Any, Final
from urllib.parse import urlencode

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.github_render import GitHubRenderer
from creatorscout.sandbox.people import Person
from creatorscout.sandbox.presence import people_on
from creatorscout.sandbox.world import World

DEFAULT_PER_PAGE: Final = 30
MAX_PER_PAGE: Final = 100
SEARCH_CAP: Final = 1000
DOCS: Final = "https://docs.github.com/rest"
RATE_LIMITED: Final = ("API rate limit exceeded for {client}. (But here's the good news: "
                       "Authenticated requests get a higher rate limit. Check out the "
                       "documentation for more details.)")
_RANGE: Final = re.compile(r"^(>=|<=|>|<)?(\d+)(?:\.\.(\d+))?$")


class Invalid(Exception):
    """A request GitHub answers with 422 Validation Failed."""


def _in_range(value: int, spec: str) -> bool:
    """GitHub's numeric qualifier syntax: ``>10``, ``>=10``, ``<10``, ``10..20``, ``10``."""
    match = _RANGE.match(spec)
    if match is None:
        return False
    op, low, high = match.group(1), int(match.group(2)), match.group(3)
    if high is not None:
        return low <= value <= int(high)
    return {">": value > low, ">=": value >= low, "<": value < low, "<=": value <= low,
            None: value == low}[op]


def _terms(q: str) -> tuple[list[str], dict[str, list[str]]]:
    """Free words (phrases kept whole) and ``qualifier: [values]`` of a search query."""
    try:
        tokens = shlex.split(q)
    except ValueError:
        tokens = q.split()
    words: list[str] = []
    qualifiers: dict[str, list[str]] = {}
    for token in tokens:
        key, sep, value = token.partition(":")
        if sep and key.isalpha() and value:
            qualifiers.setdefault(key.lower(), []).append(value.lower())
        else:
            words.append(token.lower())
    return words, qualifiers


class GitHubDialect:
    """api.github.com over the world."""

    name = "github"

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.render = GitHubRenderer(world, base_url)
        self._lock = Lock()
        self._logins: dict[str, int] | None = None
        self._routes: list[tuple[re.Pattern[str], str, str, Callable[..., Response]]] = [
            (re.compile(r"/search/users"), "search_users", "search", self.search_users),
            (re.compile(r"/search/repositories"), "search_repos", "search",
             self.search_repos),
            (re.compile(r"/users/(?P<login>[^/]+)/repos"), "repos", "core", self.repos),
            (re.compile(r"/user/(?P<user_id>\d+)/repos"), "repos", "core", self.repos_by_id),
            (re.compile(r"/users/(?P<login>[^/]+)/social_accounts"), "social_accounts", "core",
             self.social_accounts),
            (re.compile(r"/users/(?P<login>[^/]+)"), "user", "core", self.user),
            (re.compile(r"/user/(?P<user_id>\d+)"), "user", "core", self.user_by_id),
        ]

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        """Route a path below ``/github``; ``None`` (404) for anything else."""
        path = "/" + request.path.strip("/")
        for pattern, kind, resource, handler in self._routes:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            arguments = found.groupdict()

            def run(handler: Callable[..., Response] = handler,
                    arguments: dict[str, Any] = arguments,
                    resource: str = resource) -> Response:
                try:
                    response = handler(request, **arguments)
                except Invalid as exc:
                    response = self._invalid(str(exc))
                response.headers.append(("x-ratelimit-resource", resource))
                return response

            return Endpoint(kind=kind, scope=f"{self.name}/{resource}", api=True, handler=run)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """GitHub's ``{"message", "documentation_url", "status"}``. A 429 from the server's
        limiter becomes GitHub's primary-limit answer: 403 with remaining 0."""
        headers = list(headers or [])
        exhausted = any(n == "x-ratelimit-remaining" and v == "0" for n, v in headers)
        if status == 429 and exhausted:
            body = {"message": RATE_LIMITED.format(client="127.0.0.1"),
                    "documentation_url": "https://docs.github.com/rest/overview/"
                                         "rate-limits-for-the-rest-api"}
            return Response.json(body, status=403, headers=headers)
        if status == 404:
            message = "Not Found"  # GitHub's wording for every missing resource
        return Response.json({"message": message, "documentation_url": DOCS,
                              "status": str(status)}, status=status, headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """``x-ratelimit-*`` in lower case, as GitHub sends them (reset: unix seconds)."""
        return [("x-ratelimit-limit", str(limit)), ("x-ratelimit-remaining", str(remaining)),
                ("x-ratelimit-reset", str(math.ceil(reset_epoch))),
                ("x-ratelimit-used", str(limit - remaining))]

    def robots_disallow(self) -> list[str]:
        """The API host has no robots rules of its own."""
        return []

    # -- helpers ---------------------------------------------------------------------------

    def _invalid(self, message: str) -> Response:
        return Response.json({"message": message, "documentation_url": f"{DOCS}/search",
                              "status": "422"}, status=422)

    def _not_found(self) -> Response:
        return Response.json({"message": "Not Found", "documentation_url": DOCS,
                              "status": "404"}, status=404)

    def _index(self) -> dict[str, int]:
        """login (lower case) -> person, for everyone whose account exists."""
        with self._lock:
            if self._logins is None:
                self._logins = {
                    self.render.login(i).lower(): i for i in people_on(self.world, "github")
                    if self.world.people[i].alive
                }
        return self._logins

    def _person(self, login: str) -> Person | None:
        index = self._index().get(login.lower())
        return None if index is None else self.world.people[index]

    @staticmethod
    def _paging(request: Request) -> tuple[int, int]:
        def number(name: str, default: int) -> int:
            raw = request.param(name)
            return int(raw) if raw and raw.isdigit() and int(raw) > 0 else default
        return number("page", 1), min(MAX_PER_PAGE, number("per_page", DEFAULT_PER_PAGE))

    def _link(self, path: str, request: Request, page: int, per_page: int, total: int) -> str:
        """A ``Link`` header: other parameters kept, ``page`` set per relation."""
        last = max(1, math.ceil(total / per_page))
        params = [(k, v) for k, v in request.query if k != "page"]
        rels = []
        if page < last:
            rels += [("next", page + 1), ("last", last)]
        if page > 1:
            rels += [("prev", page - 1), ("first", 1)]
        return ", ".join(
            f'<{self.render.api}{path}?{urlencode([*params, ("page", str(n))])}>; rel="{rel}"'
            for rel, n in rels)

    def _listing(self, path: str, request: Request, items: list[Any]) -> Response:
        page, per_page = self._paging(request)
        chunk = items[(page - 1) * per_page : page * per_page]
        link = self._link(path, request, page, per_page, len(items))
        return Response.json(chunk, headers=[("Link", link)] if link else [])

    def _search(self, path: str, request: Request, found: list[Any],
                item: Callable[[Any], dict[str, Any]]) -> Response:
        page, per_page = self._paging(request)
        if (page - 1) * per_page >= SEARCH_CAP:
            raise Invalid("Only the first 1000 search results are available")
        reachable = found[:SEARCH_CAP]
        chunk = reachable[(page - 1) * per_page : page * per_page]
        link = self._link(path, request, page, per_page, len(reachable))
        body = {"total_count": len(found), "incomplete_results": False,
                "items": [item(x) for x in chunk]}
        return Response.json(body, headers=[("Link", link)] if link else [])

    # -- endpoints -------------------------------------------------------------------------

    def user(self, request: Request, login: str) -> Response:
        """``GET /users/{login}``."""
        person = self._person(login)
        return self._not_found() if person is None else Response.json(
            self.render.user(person.index))

    def user_by_id(self, request: Request, user_id: str) -> Response:
        """``GET /user/{id}``."""
        index = self.render.index_of(int(user_id))
        if index is None or index >= len(self.world.people):
            return self._not_found()
        return self.user(request, self.render.login(index)) \
            if index in self._index().values() else self._not_found()

    def social_accounts(self, request: Request, login: str) -> Response:
        """``GET /users/{login}/social_accounts``."""
        person = self._person(login)
        if person is None:
            return self._not_found()
        return self._listing(f"/users/{self.render.login(person.index)}/social_accounts",
                             request, self.render.social_accounts(person.index))

    def repos(self, request: Request, login: str) -> Response:
        """``GET /users/{login}/repos``."""
        person = self._person(login)
        if person is None:
            return self._not_found()
        return self._repos_of(person, request)

    def repos_by_id(self, request: Request, user_id: str) -> Response:
        """``GET /user/{id}/repos`` (the form GitHub's own pagination links use)."""
        index = self.render.index_of(int(user_id))
        if index is None or index not in self._index().values():
            return self._not_found()
        return self._repos_of(self.world.people[index], request)

    def _repos_of(self, person: Person, request: Request) -> Response:
        kind = request.param("type") or "owner"
        repos = list(self.render.repos(person.index))
        if kind == "member":
            repos = []
        sort = request.param("sort") or "full_name"
        key = {"created": "created_at", "updated": "updated_at", "pushed": "pushed_at",
               "full_name": "full_name"}.get(sort, "full_name")
        default = "asc" if key == "full_name" else "desc"
        reverse = (request.param("direction") or default) == "desc"
        repos.sort(key=lambda r: (str(r.get(key)).lower(), r.get("name", "")), reverse=reverse)
        user_id = self.render.user_id(person.index)
        return self._listing(f"/user/{user_id}/repos", request, repos)

    def search_users(self, request: Request) -> Response:
        """``GET /search/users?q=``."""
        q = (request.param("q") or "").strip()
        if not q:
            raise Invalid("Validation Failed")
        words, quals = _terms(q)
        fields = set(quals.get("in", [])) or {"login", "email"}
        wanted_type = quals["type"][0] if quals.get("type") else None
        found: list[Person] = []
        for login, index in self._index().items():
            person = self.world.people[index]
            kind = "bot" if person.bot else "user"
            if wanted_type and wanted_type != kind:
                continue
            if any(not _in_range(self.render.followers(person), spec)
                   for spec in quals.get("followers", [])):
                continue
            if any(not _in_range(len(self.render.repos(index)), spec)
                   for spec in quals.get("repos", [])):
                continue
            haystack = " ".join(filter(None, [
                login if "login" in fields else None,
                self.render.name(person).lower() if "name" in fields else None,
                (self.render.email(person) or "") if "email" in fields else None,
            ]))
            if all(word in haystack for word in words):
                found.append(person)
        sort = request.param("sort")
        if sort == "followers":
            found.sort(key=lambda p: (self.render.followers(p), -p.index),
                       reverse=(request.param("order") or "desc") == "desc")
        elif sort == "joined":
            found.sort(key=lambda p: p.created_sec,
                       reverse=(request.param("order") or "desc") == "desc")
        else:  # best match: exact logins first, then bigger audiences
            found.sort(key=lambda p: (self.render.login(p.index).lower() not in words,
                                      -self.render.followers(p), p.index))

        def item(person: Person) -> dict[str, Any]:
            return {**self.render.simple_user(person.index), "score": 1.0}

        return self._search("/search/users", request, found, item)

    def search_repos(self, request: Request) -> Response:
        """``GET /search/repositories?q=``."""
        q = (request.param("q") or "").strip()
        if not q:
            raise Invalid("Validation Failed")
        words, quals = _terms(q)
        topics = set(quals.get("topic", []))
        users = set(quals.get("user", []))
        forks = (quals.get("fork") or ["false"])[0]
        found: list[dict[str, Any]] = []
        for login, index in self._index().items():
            if users and login not in users:
                continue
            for repo in self.render.repos(index):
                if repo["fork"] and forks not in ("true", "only"):
                    continue
                if forks == "only" and not repo["fork"]:
                    continue
                if topics and not topics <= set(repo["topics"]):
                    continue
                stars = repo["stargazers_count"]
                stars = stars if isinstance(stars, int) else 0
                if any(not _in_range(stars, spec) for spec in quals.get("stars", [])):
                    continue
                text = " ".join([repo["name"], repo["description"] or "", *repo["topics"]])
                if all(word in text.lower() for word in words):
                    found.append(repo)
        sort = request.param("sort")
        field = {"forks": "forks_count", "updated": "updated_at"}.get(sort or "",
                                                                        "stargazers_count")
        reverse = (request.param("order") or "desc") == "desc"

        def rank(repo: dict[str, Any]) -> tuple[Any, str]:
            value = repo.get(field)
            if field != "updated_at" and not isinstance(value, int):
                value = 0  # a malformed count sorts as nothing
            return value, repo["full_name"]

        found.sort(key=rank, reverse=reverse)
        return self._search("/search/repositories", request, found,
                            lambda repo: {**repo, "score": 1.0})
