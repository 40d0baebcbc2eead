"""The PeerTube dialect: routing, parameters, pagination and errors of PeerTube's REST API.

Every server of :data:`~creatorscout.sandbox.presence.PEERTUBE_INSTANCES` lives under
``/peertube/{host}`` (its API base is ``{sandbox}/peertube/{host}``, so
``.../api/v1/...``), and so does the network-wide search index ``sepiasearch.org``,
which answers only the search endpoints, across all servers. The two servers follow each
other: each knows the other's channels and videos (as remote ones).

Behaviour follows PeerTube 7 (``server/core/controllers/api``, ``support/doc/api``):

* lists are ``{"total": N, "data": [...]}``, paginated with ``start`` and ``count``
  (default 15, at most 100; more is a 400);
* ``GET /api/v1/search/video-channels?search=`` matches channel name, display name and
  description; ``GET /api/v1/search/videos?search=`` (``search`` is required) matches
  title, description and tags, ``tagsOneOf`` keeps videos with any of the tags;
  ``GET /api/v1/videos?tagsOneOf=`` lists videos; videos are sorted by ``-publishedAt``
  (or ``-views``, ``-likes``, ``publishedAt``); the sandbox's "relevance" is followers;
* ``GET /api/v1/video-channels/{name}`` (local) or ``{name@host}`` (remote) and
  ``.../videos``; ``GET /api/v1/accounts/{name}`` and ``.../videos`` likewise; deleted
  and suspended people's channels are 404 and their videos are not listed;
* errors are RFC 7807 ``application/problem+json``; rate-limited requests get the
  express-rate-limit answer: 429, ``text/html`` "Too many requests, please try again
  later.", ``X-RateLimit-Limit/Remaining/Reset`` (unix seconds) and ``Retry-After``.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections.abc import Callable
from threading import Lock
from typing import Any, Final

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.peertube_render import SEARCH_INDEX, PeerTubeRenderer, plain_text
from creatorscout.sandbox.people import Person
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import PEERTUBE_INSTANCES, people_on
from creatorscout.sandbox.tags import normalize_tag
from creatorscout.sandbox.world import World

DEFAULT_COUNT: Final = 15
MAX_COUNT: Final = 100
TOO_MANY: Final = "Too many requests, please try again later."
DOCS: Final = "https://docs.joinpeertube.org/api-rest-reference.html"
_SORTS: Final = {"-publishedAt": ("sec", True), "publishedAt": ("sec", False),
                 "-views": ("views", True), "-likes": ("likes", True), "-match": ("sec", True),
                 "-createdAt": ("sec", True), "-trending": ("likes", True)}


class BadRequest(Exception):
    """An invalid parameter: a 400 with PeerTube's validation problem body."""

    def __init__(self, param: str, value: str) -> None:
        super().__init__(f"Incorrect request parameters: {param}")
        self.param = param
        self.value = value


def _fold(text: str) -> str:
    """Lower case without accents (PeerTube searches with ``immutable_unaccent``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class PeerTubeDialect:
    """PeerTube's REST API over the world: two servers and a search index."""

    name = "peertube"

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.render = PeerTubeRenderer(world, base_url)
        self._lock = Lock()
        self._channels: dict[tuple[str, str], int] | None = None
        self._accounts: dict[tuple[str, str], int] = {}
        self._videos: list[tuple[int, Post]] | None = None
        self._routes: list[tuple[re.Pattern[str], str, Callable[..., Response]]] = [
            (re.compile(r"/api/v1/search/video-channels"), "search_channels",
             self.search_channels),
            (re.compile(r"/api/v1/search/videos"), "search_videos", self.search_videos),
            (re.compile(r"/api/v1/videos"), "videos", self.list_videos),
            (re.compile(r"/api/v1/video-channels/(?P<handle>[^/]+)/videos"), "channel_videos",
             self.channel_videos),
            (re.compile(r"/api/v1/video-channels/(?P<handle>[^/]+)"), "channel", self.channel),
            (re.compile(r"/api/v1/accounts/(?P<handle>[^/]+)/videos"), "account_videos",
             self.account_videos),
            (re.compile(r"/api/v1/accounts/(?P<handle>[^/]+)"), "account", self.account),
            (re.compile(r"/api/.*"), "unknown_api", self.not_found),
        ]

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        """Route ``/{host}/...``; ``None`` for unknown hosts and paths (404)."""
        host, _, rest = request.path.lstrip("/").partition("/")
        is_index = host == SEARCH_INDEX
        if host not in PEERTUBE_INSTANCES and not is_index:
            return None
        path = "/" + rest.rstrip("/")
        for pattern, kind, handler in self._routes:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if is_index and not kind.startswith("search_"):
                handler = self.not_found  # a search index serves the search API only
            arguments = found.groupdict()

            def run(handler: Callable[..., Response] = handler,
                    arguments: dict[str, Any] = arguments) -> Response:
                try:
                    return handler(host, request, **arguments)
                except BadRequest as exc:
                    return self._problem(400, "Bad Request", str(exc), **{"invalid-params": {
                        exc.param: {"location": "query", "msg": "Invalid value",
                                    "param": exc.param, "value": exc.value}}})

            return Endpoint(kind=kind, scope=f"{self.name}/{host}", api=True, handler=run)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """PeerTube's errors; a 429 is express-rate-limit's plain answer with Retry-After."""
        headers = list(headers or [])
        if status == 429:
            if not any(name.lower() == "retry-after" for name, _ in headers):
                reset = next((float(v) for n, v in headers if n == "X-RateLimit-Reset"), None)
                wait = max(1, math.ceil(reset - time.time())) if reset is not None else 10
                headers.append(("Retry-After", str(wait)))
            return Response.text(TOO_MANY, status=429, content_type="text/html; charset=utf-8",
                                 headers=headers)
        titles = {404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}
        response = self._problem(status, titles.get(status, "Error"), message)
        response.headers.extend(headers)
        return response

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """express-rate-limit's legacy headers: the reset is a unix time in seconds."""
        return [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", str(math.ceil(reset_epoch)))]

    def robots_disallow(self) -> list[str]:
        """PeerTube's default robots.txt disallows nothing."""
        return []

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _problem(status: int, title: str, detail: str, **extra: Any) -> Response:
        response = Response.json({"type": "about:blank", "title": title, "status": status,
                                  "detail": detail, "docs": DOCS, **extra}, status=status)
        response.content_type = "application/problem+json; charset=utf-8"
        return response

    @staticmethod
    def _page(request: Request) -> tuple[int, int]:
        raw_start, raw_count = request.param("start") or "0", request.param("count")
        if not raw_start.isdigit():
            raise BadRequest("start", raw_start)
        if raw_count is None or raw_count == "":
            return int(raw_start), DEFAULT_COUNT
        if not raw_count.isdigit() or not 1 <= int(raw_count) <= MAX_COUNT:
            raise BadRequest("count", raw_count)
        return int(raw_start), int(raw_count)

    def _channel_index(self) -> dict[tuple[str, str], int]:
        """(host, channel name lower-case) -> person, for people with a live channel."""
        with self._lock:
            if self._channels is None:
                channels: dict[tuple[str, str], int] = {}
                for index in people_on(self.world, "peertube"):
                    if not self.world.people[index].alive:
                        continue
                    host, name = self.render.channel_of(index)
                    channels[(host, name.lower())] = index
                    self._accounts[(host, self.render.account_name(index).lower())] = index
                self._channels = channels
        return self._channels

    def _find(self, serving: str, handle: str, accounts: bool = False) -> Person | None:
        """The person behind ``name`` (local to ``serving``) or ``name@host``."""
        name, _, host = handle.partition("@")
        host = host.lower() or serving
        table = self._channel_index()
        if accounts:
            table = self._accounts
        index = table.get((host, name.lower()))
        return None if index is None else self.world.people[index]

    def _all_videos(self) -> list[tuple[int, Post]]:
        """Every listed video of the world (person, post), newest first."""
        channels = self._channel_index()
        with self._lock:
            if self._videos is None:
                videos = [(index, post) for index in sorted(channels.values())
                          for post in self.render.videos(index)]
                videos.sort(key=lambda item: item[1].key, reverse=True)
                self._videos = videos
        return self._videos

    def _video_list(self, serving: str, request: Request, videos: list[Post]) -> Response:
        start, count = self._page(request)
        field, reverse = _SORTS.get(request.param("sort") or "-publishedAt", ("sec", True))
        ranked = sorted(videos, key=lambda p: self._sort_value(p, field), reverse=reverse)
        page = ranked[start : start + count]
        return Response.json({"total": len(ranked),
                              "data": [self.render.video(p, serving) for p in page]})

    def _sort_value(self, post: Post, field: str) -> int:
        if field == "views":
            return self.render.views(post)
        if field == "likes":
            return self.render.likes(post)
        return post.key

    # -- endpoints -------------------------------------------------------------------------

    def not_found(self, serving: str, request: Request, **_: str) -> Response:
        """Anything that does not exist."""
        return self._problem(404, "Not Found", "Not found")

    def search_channels(self, serving: str, request: Request) -> Response:
        """``GET /api/v1/search/video-channels?search=``."""
        search = (request.param("search") or "").strip()
        if not search:
            raise BadRequest("search", search)
        start, count = self._page(request)
        wanted = _fold(search.lstrip("@"))
        found: list[Person] = []
        for index in self._channel_index().values():
            person = self.world.people[index]
            _, name = self.render.channel_of(index)
            text = " ".join(filter(None, [name, person.display_name,
                                          self.render.description(person)]))
            if wanted in _fold(text):
                found.append(person)
        found.sort(key=lambda p: (-self.render.followers(p), p.index))
        index_copy = serving == SEARCH_INDEX
        # The search index shows each channel as its own server does, plus a score.
        data = [self.render.channel(p, self.render.channel_of(p.index)[0] if index_copy
                                    else serving, index_copy=index_copy)
                for p in found[start : start + count]]
        return Response.json({"total": len(found), "data": data})

    def search_videos(self, serving: str, request: Request) -> Response:
        """``GET /api/v1/search/videos?search=&tagsOneOf=``."""
        search = (request.param("search") or "").strip()
        if not search:
            raise BadRequest("search", search)
        wanted = _fold(search)
        tags = {normalize_tag(t) for t in request.params("tagsOneOf") if t}
        matches = []
        for _, post in self._all_videos():
            if tags and not tags & set(post.tags):
                continue
            text = _fold(plain_text(self.world, post.segments) + " " + " ".join(post.tags))
            if wanted in text:
                matches.append(post)
        shown_as = serving if serving != SEARCH_INDEX else None
        return self._videos_as(shown_as, request, matches)

    def _videos_as(self, serving: str | None, request: Request, videos: list[Post]
                   ) -> Response:
        """A video list; the search index shows each video as its own server does."""
        if serving is not None:
            return self._video_list(serving, request, videos)
        start, count = self._page(request)
        field, reverse = _SORTS.get(request.param("sort") or "-publishedAt", ("sec", True))
        ranked = sorted(videos, key=lambda p: self._sort_value(p, field), reverse=reverse)
        data = [self.render.video(p, self.render.channel_of(p.author)[0])
                for p in ranked[start : start + count]]
        return Response.json({"total": len(ranked), "data": data})

    def list_videos(self, serving: str, request: Request) -> Response:
        """``GET /api/v1/videos?tagsOneOf=`` (local and followed servers' videos)."""
        tags = {normalize_tag(t) for t in request.params("tagsOneOf") if t}
        videos = [post for _, post in self._all_videos() if not tags or tags & set(post.tags)]
        return self._video_list(serving, request, videos)

    def channel(self, serving: str, request: Request, handle: str) -> Response:
        """``GET /api/v1/video-channels/{handle}``."""
        person = self._find(serving, handle)
        if person is None:
            return self._problem(404, "Not Found", f"Video channel {handle} not found")
        return Response.json(self.render.channel(person, serving))

    def channel_videos(self, serving: str, request: Request, handle: str) -> Response:
        """``GET /api/v1/video-channels/{handle}/videos``."""
        person = self._find(serving, handle)
        if person is None:
            return self._problem(404, "Not Found", f"Video channel {handle} not found")
        return self._video_list(serving, request, self.render.videos(person.index))

    def account(self, serving: str, request: Request, handle: str) -> Response:
        """``GET /api/v1/accounts/{handle}``."""
        self._channel_index()
        person = self._find(serving, handle, accounts=True)
        if person is None:
            return self._problem(404, "Not Found", f"Account {handle} not found")
        data = self.render.account(person, serving)
        data["description"] = self.render.description(person)
        return Response.json(data)

    def account_videos(self, serving: str, request: Request, handle: str) -> Response:
        """``GET /api/v1/accounts/{handle}/videos``."""
        self._channel_index()
        person = self._find(serving, handle, accounts=True)
        if person is None:
            return self._problem(404, "Not Found", f"Account {handle} not found")
        return self._video_list(serving, request, self.render.videos(person.index))
