"""The Reddit dialect: application-only OAuth (www.reddit.com/api/v1/access_token) and the
OAuth API (oauth.reddit.com), under ``/reddit``.

Behaviour follows www.reddit.com/dev/api and github.com/reddit-archive/reddit/wiki/OAuth2:

* ``POST /api/v1/access_token`` with HTTP Basic auth (client id and secret; any pair
  works here) and ``grant_type=client_credentials`` answers ``{access_token,
  token_type: "bearer", expires_in: 86400, scope: "*"}``; without Basic auth 401;
* API calls need ``Authorization: bearer TOKEN`` (a token this sandbox issued; others are
  401 ``{"message": "Unauthorized", "error": 401}``) and a User-Agent (Reddit blocks
  generic ones: ``python-requests``, ``Scrapy`` or none are 429);
* ``/subreddits/search?q=``, ``/r/{sub}/top?t=`` and ``/r/{sub}/new``, and
  ``/user/{name}/submitted?sort=new`` are Listings (``{kind: "Listing", data: {after,
  dist, children: [{kind, data}], before}}``) paged with ``limit`` (default 25, at most
  100) and ``after`` (a fullname); ``/user/{name}/about`` is a ``t2`` thing; unknown
  users and subreddits are 404 ``{"message": "Not Found", "error": 404}``;
* rate limits: ``x-ratelimit-used``, ``x-ratelimit-remaining`` (a decimal) and
  ``x-ratelimit-reset`` (seconds until the window ends).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import time
from collections.abc import Callable
from threading import Lock
from typing import Any, Final

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.reddit_render import (
    SUBREDDITS,
    RedditRenderer,
    on_reddit,
    reddit_people,
)
from creatorscout.sandbox.world import World

GENERIC_AGENTS: Final = ("python-requests", "scrapy", "curl", "python-urllib")
_ROUTES: Final = (
    (re.compile(r"/api/v1/access_token"), "access_token"),
    (re.compile(r"/subreddits/search"), "subreddits_search"),
    (re.compile(r"/r/(?P<sub>[^/]+)/(?P<sort>top|new|hot)"), "subreddit_listing"),
    (re.compile(r"/user/(?P<name>[^/]+)/about"), "user_about"),
    (re.compile(r"/user/(?P<name>[^/]+)/submitted"), "user_submitted"),
)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class RedditDialect:
    """Reddit's OAuth API over the world."""

    name = "reddit"
    accepts_post = True  # the token endpoint

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.render = RedditRenderer(world, base_url)
        self._lock = Lock()
        self._tokens: set[str] = set()
        self._names: dict[str, int] | None = None

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        path = "/" + request.path.strip("/")
        if path.endswith(".json"):
            path = path[: -len(".json")]
        for pattern, kind in _ROUTES:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if (kind == "access_token") != (request.method == "POST"):
                return None
            arguments = found.groupdict()
            handler: Callable[..., Response] = getattr(self, kind)

            def run(handler: Callable[..., Response] = handler,
                    arguments: dict[str, Any] = arguments) -> Response:
                try:
                    if handler != self.access_token:
                        self._authorised(request)
                    return handler(request, **arguments)
                except Refused as exc:
                    return self.error(exc.status, str(exc))
            scope = "reddit/token" if kind == "access_token" else "reddit/api"
            return Endpoint(kind=kind, scope=scope, api=True, handler=run)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """Reddit's ``{"message", "error"}``."""
        names = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                 429: "Too Many Requests", 500: "Internal Server Error",
                 503: "Service Unavailable"}
        return Response.json({"message": names.get(status, message), "error": status},
                             status=status, headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """``x-ratelimit-*``: remaining as a decimal, reset in seconds from now."""
        return [("x-ratelimit-used", str(limit - remaining)),
                ("x-ratelimit-remaining", f"{float(remaining):.1f}"),
                ("x-ratelimit-reset", str(max(0, math.ceil(reset_epoch - time.time()))))]

    def robots_disallow(self) -> list[str]:
        return []

    # -- helpers ---------------------------------------------------------------------------

    def _authorised(self, request: Request) -> None:
        agent = request.headers.get("user-agent", "").lower()
        if not agent or any(generic in agent for generic in GENERIC_AGENTS):
            raise Refused(429, "Too Many Requests")  # Reddit's answer to generic agents
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        with self._lock:
            known = token in self._tokens
        if scheme.lower() != "bearer" or not known:
            raise Refused(401, "Unauthorized")

    def _index(self) -> dict[str, int]:
        with self._lock:
            if self._names is None:
                self._names = {self.render.username(i).lower(): i
                               for i in range(len(self.world.people))
                               if on_reddit(self.world, i)}
        return self._names

    def _person(self, name: str) -> int:
        index = self._index().get(name.lower())
        if index is None or self.world.people[index].deleted:
            raise Refused(404, "Not Found")
        return index

    @staticmethod
    def _limit(request: Request) -> int:
        raw = request.param("limit") or "25"
        return max(1, min(100, int(raw))) if raw.isdigit() else 25

    def _listing(self, request: Request, things: list[dict[str, Any]]) -> Response:
        limit = self._limit(request)
        after = request.param("after")
        start = 0
        if after:
            names = [t["data"].get("name") for t in things]
            start = names.index(after) + 1 if after in names else len(things)
        chunk = things[start: start + limit]
        more = start + limit < len(things) and chunk
        return Response.json({"kind": "Listing", "data": {
            "after": chunk[-1]["data"].get("name") if more else None,
            "dist": len(chunk), "modhash": "", "geo_filter": "",
            "children": chunk, "before": None}})

    # -- endpoints -------------------------------------------------------------------------

    def access_token(self, request: Request) -> Response:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        try:
            client = base64.b64decode(credentials).decode() if scheme.lower() == "basic" \
                else ""
        except ValueError:
            client = ""
        if ":" not in client:
            return Response.json({"message": "Unauthorized", "error": 401}, status=401)
        token = "sbx-" + hashlib.sha1(f"{client}:{time.time_ns()}".encode()).hexdigest()
        with self._lock:
            self._tokens.add(token)
        return Response.json({"access_token": token, "token_type": "bearer",
                              "expires_in": 86400, "scope": "*"})

    def subreddits_search(self, request: Request) -> Response:
        words = (request.param("q") or "").lower().split()
        found = [self.render.subreddit(name) for name, community in SUBREDDITS.items()
                 if all(w in f"{name} {community}".lower() for w in words)]
        return self._listing(request, found)

    def subreddit_listing(self, request: Request, sub: str, sort: str) -> Response:
        community = SUBREDDITS.get(sub.lower())
        if community is None:
            raise Refused(404, "Not Found")
        posts = []
        for index in reddit_people(self.world):
            person = self.world.people[index]
            if not person.alive:
                continue
            posts += [p for p in self.render.submissions(index)
                      if p.kind == "post" and p.community == community]
        key = (lambda p: p.sec) if sort == "new" else (lambda p: p.favourites)
        posts.sort(key=key, reverse=True)
        return self._listing(request, [self.render.link(p) for p in posts[:500]])

    def user_about(self, request: Request, name: str) -> Response:
        return Response.json(self.render.about(self._person(name)))

    def user_submitted(self, request: Request, name: str) -> Response:
        index = self._person(name)
        if self.world.people[index].suspended:
            raise Refused(404, "Not Found")
        return self._listing(request, [self.render.link(p)
                                       for p in self.render.submissions(index)])

