"""The Bluesky dialect: the public AppView's XRPC methods over the world.

Served under ``/bluesky``: the API base is ``{sandbox}/bluesky`` (so
``{sandbox}/bluesky/xrpc/app.bsky.actor.getProfiles?actors=...``), one host for everyone,
as ``https://public.api.bsky.app`` is. Behaviour follows the AppView
(bluesky-social/atproto ``packages/bsky/src/api/app/bsky/``) and the lexicons:

* ``app.bsky.actor.searchActors`` (``q``, or the deprecated ``term``; ``limit`` 1-100,
  default 25; ``cursor``): accounts whose handle, name or description contain every word
  of the query, biggest audience first; the cursor is the next offset, sent while more
  results exist; deactivated and taken-down accounts are not found;
* ``app.bsky.actor.getProfiles`` (``actors``, at most 25, else 400): unknown, deactivated
  and taken-down actors are silently left out;
* ``app.bsky.actor.getProfile``: 400 ``InvalidRequest`` "Profile not found",
  ``AccountTakedown`` "Account has been suspended" or ``AccountDeactivated`` "Account is
  deactivated";
* ``app.bsky.feed.getAuthorFeed`` (``actor``, ``limit`` 1-100 default 50, ``cursor``,
  ``filter``, ``includePins``): newest first; the cursor is the time of the last item and
  comes with every non-empty page, so the end is an empty page without a cursor; an
  unreadable cursor gives an empty feed (the AppView's ``clearlyBadCursor``); reposts carry
  ``reason: #reasonRepost``;
* ``app.bsky.graph.getFollows`` (``actor``, ``limit`` 1-100 default 50, ``cursor``): the
  cursor is the record key of the last follow, again with every non-empty page;
* ``app.bsky.feed.searchPosts``: 403 (a plain-text page, as the AppView's CDN sends) to
  anonymous callers; with any ``Authorization: Bearer`` header it searches posts (tags
  through the world's tag index; full text in the first :data:`SCAN_ACCOUNTS` accounts),
  ``sort`` latest or top, offset cursor;
* other methods: 501 ``MethodNotImplemented``. Errors are ``{"error", "message"}``.

Rate-limit headers: ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
(unix seconds) and ``RateLimit-Policy: N;w=S`` (xrpc-server ``rate-limiter-http.ts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from threading import Lock
from typing import Any, Final

from creatorscout.sandbox.bluesky_ids import iso, parse_iso, tid, tid_micros
from creatorscout.sandbox.bluesky_people import Account, BlueskyPeople, Item
from creatorscout.sandbox.bluesky_render import BlueskyRenderer
from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import people_on
from creatorscout.sandbox.world import World

MAX_PROFILES: Final = 25
SCAN_ACCOUNTS: Final = 2_000
"""Post search reads the text of at most this many accounts' posts (tags: all of them)."""
SCOPE: Final = "bluesky/appview"
ERROR_NAMES: Final = {
    400: "InvalidRequest", 401: "AuthenticationRequired", 403: "Forbidden",
    404: "XRPCNotSupported", 413: "PayloadTooLarge", 429: "RateLimitExceeded",
    500: "InternalServerError", 501: "MethodNotImplemented", 502: "UpstreamFailure",
    503: "NotEnoughResources", 504: "UpstreamTimeout",
}
FORBIDDEN_PAGE: Final = "403 Forbidden\nRequest forbidden by administrative rules.\n"
_FILTERS: Final = {"posts_with_replies", "posts_no_replies", "posts_with_media",
                   "posts_and_author_threads", "posts_with_video"}


class XrpcError(Exception):
    """An XRPC error: status, error name and message."""

    def __init__(self, message: str, error: str = "InvalidRequest", status: int = 400) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


def _limit(request: Request, default: int) -> int:
    raw = request.param("limit")
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d+", raw.strip()):
        raise XrpcError("Error: limit must be an integer")
    value = int(raw)
    if value < 1:
        raise XrpcError("Error: limit can not be less than 1")
    if value > 100:
        raise XrpcError("Error: limit can not be greater than 100")
    return value


def _required(request: Request, name: str) -> str:
    value = request.param(name)
    if value is None or value == "":
        raise XrpcError(f'Error: Params must have the property "{name}"')
    return value


def _offset(cursor: str | None) -> int:
    return int(cursor) if cursor and cursor.isascii() and cursor.isdigit() else 0


class BlueskyDialect:
    """The public AppView of the world's Bluesky accounts."""

    name = "bluesky"

    def __init__(self, world: World, base_url: str, window: int = 300) -> None:
        self.world = world
        self.window = window
        self.base_url = base_url
        self._people: BlueskyPeople | None = None
        self._render: BlueskyRenderer | None = None
        self._lock = Lock()
        self._search_text = lru_cache(maxsize=1)(self._build_search_text)
        self._actor_hits = lru_cache(maxsize=256)(self._find_actors)
        self._post_hits = lru_cache(maxsize=256)(self._find_posts)
        self._routes: dict[str, tuple[bool, Callable[[Request], Response]]] = {
            "app.bsky.actor.searchActors": (True, self.search_actors),
            "app.bsky.actor.getProfiles": (True, self.get_profiles),
            "app.bsky.actor.getProfile": (True, self.get_profile),
            "app.bsky.feed.getAuthorFeed": (True, self.author_feed),
            "app.bsky.graph.getFollows": (True, self.get_follows),
            "app.bsky.feed.searchPosts": (True, self.search_posts),
        }

    # Who is on Bluesky needs everyone's presence (a pass over the world: seconds for
    # 100,000 people), so it is worked out on the first Bluesky request, not at start-up.

    @property
    def people(self) -> BlueskyPeople:
        """The world's Bluesky accounts (built on first use)."""
        with self._lock:
            if self._people is None:
                self._people = BlueskyPeople(self.world)
                self._render = BlueskyRenderer(self.world, self._people, self.base_url)
            return self._people

    @property
    def render(self) -> BlueskyRenderer:
        """The renderer of this world's views (built with :attr:`people`)."""
        self.people  # noqa: B018 (builds both)
        assert self._render is not None
        return self._render

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        """Route ``/xrpc/{nsid}``; unknown methods answer 501, other paths 404."""
        found = re.fullmatch(r"/xrpc/(?P<nsid>[A-Za-z0-9.-]+)/?", request.path)
        if found is None:
            return None
        nsid = found.group("nsid")
        api, handler = self._routes.get(nsid, (True, self._not_implemented))

        def run(handler: Callable[[Request], Response] = handler) -> Response:
            try:
                return handler(request)
            except XrpcError as exc:
                return self.error(exc.status, str(exc), name=exc.error)

        kind = nsid.rsplit(".", 1)[-1] if nsid in self._routes else "not_implemented"
        return Endpoint(kind=kind, scope=SCOPE, api=api, handler=run)

    def error(self, status: int, message: str, headers: list[tuple[str, str]] | None = None,
              name: str | None = None) -> Response:
        """XRPC's error body: ``{"error": Name, "message": text}``."""
        error = name or ERROR_NAMES.get(status, "InternalServerError")
        if status == 429 and name is None:
            message = "Rate Limit Exceeded"
        return Response.json({"error": error, "message": message}, status=status,
                             headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """``RateLimit-*``: reset in unix seconds, the policy as ``N;w=S``."""
        return [("RateLimit-Limit", str(limit)), ("RateLimit-Remaining", str(remaining)),
                ("RateLimit-Reset", str(int(reset_epoch))),
                ("RateLimit-Policy", f"{limit};w={self.window}")]

    def robots_disallow(self) -> list[str]:
        """The AppView serves an API only: nothing for robots to avoid."""
        return []

    def _not_implemented(self, request: Request) -> Response:
        return self.error(501, "Method Not Implemented")

    # -- actors ----------------------------------------------------------------------------

    def _actor(self, request: Request, name: str = "actor") -> Account:
        """The account a parameter names; "Profile not found" unless it is active."""
        account = self.people.resolve(_required(request, name))
        if account is None or not account.active:
            raise XrpcError("Profile not found")
        return account

    def get_profile(self, request: Request) -> Response:
        """``app.bsky.actor.getProfile``."""
        account = self.people.resolve(_required(request, "actor"))
        if account is None:
            raise XrpcError("Profile not found")
        if account.status == "takendown":
            raise XrpcError("Account has been suspended", "AccountTakedown")
        if account.status == "deactivated":
            raise XrpcError("Account is deactivated", "AccountDeactivated")
        return Response.json(self.render.profile_detailed(account))

    def get_profiles(self, request: Request) -> Response:
        """``app.bsky.actor.getProfiles``: at most 25 actors; the unavailable left out."""
        actors = request.params("actors")
        if not actors:
            raise XrpcError('Error: Params must have the property "actors"')
        if len(actors) > MAX_PROFILES:
            raise XrpcError(f"Error: actors must not have more than {MAX_PROFILES} elements")
        found: list[Account] = []
        for actor in actors:
            account = self.people.resolve(actor)
            if account is not None and account.active and account not in found:
                found.append(account)
        return Response.json({"profiles": [self.render.profile_detailed(a) for a in found]})

    def _build_search_text(self) -> list[tuple[int, str]]:
        texts = []
        for index in people_on(self.world, "bluesky"):
            account = self.people.active(index)
            if account is None:
                continue
            person = self.world.people[index]
            text = " ".join((account.handle, person.display_name,
                             self.render.description(account)))
            texts.append((index, text.casefold()))
        return texts

    def _find_actors(self, query: str) -> tuple[int, ...]:
        words = query.casefold().lstrip("@").split()
        if not words:
            return ()
        hits = [index for index, text in self._search_text() if all(w in text for w in words)]
        hits.sort(key=lambda i: (-self.people.accounts[i].followers, i))
        return tuple(hits)

    def search_actors(self, request: Request) -> Response:
        """``app.bsky.actor.searchActors``."""
        query = request.param("q") or request.param("term") or ""
        limit = _limit(request, 25)
        offset = _offset(request.param("cursor"))
        hits = self._actor_hits(query.strip())
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {}
        if offset + limit < len(hits):
            body["cursor"] = str(offset + limit)
        body["actors"] = [self.render.profile_view(self.people.accounts[i]) for i in page]
        return Response.json(body)

    # -- feeds -----------------------------------------------------------------------------

    def _filtered(self, items: tuple[Item, ...], kind: str) -> list[Item]:
        if kind == "posts_no_replies":
            return [i for i in items if i.kind != "reply"]
        if kind == "posts_with_media":
            return [i for i in items if i.kind != "repost" and i.post.media]
        if kind == "posts_with_video":
            return []  # the world has no videos
        if kind == "posts_and_author_threads":
            return [i for i in items if i.kind != "reply" or self._self_thread(i.post, i.by)]
        return list(items)

    def _self_thread(self, post: Post, author: int) -> bool:
        while post.reply_to is not None:
            if post.reply_to[0] != author:
                return False
            post = self.world.post(*post.reply_to)
        return True

    def author_feed(self, request: Request) -> Response:
        """``app.bsky.feed.getAuthorFeed``: newest first, time cursor on non-empty pages."""
        account = self._actor(request)
        limit = _limit(request, 50)
        kind = request.param("filter") or "posts_with_replies"
        if kind not in _FILTERS:
            kind = "posts_with_replies"  # unknown values fall back to the default
        cursor = request.param("cursor")
        items = self._filtered(self.people.items(account.index), kind)
        pinned = None
        if cursor:
            before = parse_iso(cursor)
            if before is None:
                return Response.json({"feed": []})
            items = [i for i in items if i.sort_sec < before]
        elif request.param("includePins") == "true":
            pinned = self.people.pinned(account.index)
            if pinned is not None:
                items = [i for i in items if i.post.key != pinned.key or i.kind == "repost"]
        page = items[:limit]
        feed = [self.render.feed_item(i) for i in page]
        if pinned is not None:
            feed.insert(0, self.render.feed_item(
                Item("post", pinned, pinned.sec, account.index), pinned=True))
        body: dict[str, Any] = {}
        if page:
            body["cursor"] = iso(page[-1].sort_sec)
        body["feed"] = feed
        return Response.json(body)

    def get_follows(self, request: Request) -> Response:
        """``app.bsky.graph.getFollows``: newest follows first, record-key cursor."""
        account = self._actor(request)
        limit = _limit(request, 50)
        follows = self.people.follows(account.index)
        cursor = request.param("cursor")
        if cursor:
            before = tid_micros(cursor)
            if before is None:
                raise XrpcError("Malformed cursor")
            follows = tuple(f for f in follows if self._follow_micros(f, account) < before)
        page = follows[:limit]
        body: dict[str, Any] = {"subject": self.render.profile_view(account)}
        if page:
            body["cursor"] = tid(self._follow_micros(page[-1], account))
        body["follows"] = [self.render.profile_view(self.people.accounts[i]) for i, _ in page]
        return Response.json(body)

    @staticmethod
    def _follow_micros(follow: tuple[int, int], account: Account) -> int:
        other, sec = follow
        return sec * 1_000_000 + other % 1_000_000

    # -- post search -----------------------------------------------------------------------

    def _find_posts(self, query: str, sort: str) -> tuple[tuple[int, int], ...]:
        words = query.casefold().split()
        if not words:
            return ()
        found: dict[int, Post] = {}
        if len(words) == 1:  # posts tagged with the word: the world's tag index is fast
            for key in reversed(self.world.tag_keys(words[0].lstrip("#"))):
                post = self.world.post_by_key(key)
                if post is not None and self.people.on_bluesky(post.author, post.number):
                    found[post.key] = post
        if not words[0].startswith("#"):
            # Full text: the posts of the first SCAN_ACCOUNTS accounts (a bound that keeps
            # a 100,000-person world answering in seconds; small worlds are read whole).
            scanned = 0
            for account in self.people:
                if not account.active:
                    continue
                scanned += 1
                if scanned > SCAN_ACCOUNTS:
                    break
                for post in self.people.own_posts(account.index):
                    text = self.render.record(post)["text"].casefold()
                    if all(w in text for w in words):
                        found[post.key] = post
        hits = list(found.values())
        if sort == "top":
            hits.sort(key=lambda p: (-p.favourites, -p.sec))
        else:
            hits.sort(key=lambda p: -p.sec)
        return tuple((p.author, p.number) for p in hits)

    def search_posts(self, request: Request) -> Response:
        """``app.bsky.feed.searchPosts``: signed-in callers only, as on the public AppView."""
        if not request.headers.get("authorization", "").startswith("Bearer "):
            return Response.text(FORBIDDEN_PAGE, status=403)
        query = _required(request, "q")
        limit = _limit(request, 25)
        offset = _offset(request.param("cursor"))
        hits = self._post_hits(query.strip(), request.param("sort") or "latest")
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {}
        if offset + limit < len(hits):
            body["cursor"] = str(offset + limit)
        body["hitsTotal"] = len(hits)
        body["posts"] = [self.render.post_view(self.world.post(*ref)) for ref in page]
        return Response.json(body)
