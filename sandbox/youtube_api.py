"""The YouTube dialect: the Data API v3 (www.googleapis.com/youtube/v3) and the keyless
channel feed (www.youtube.com/feeds/videos.xml), under ``/youtube``.

Behaviour follows developers.google.com/youtube/v3/docs:

* ``search`` (``part=snippet``, ``q``, ``type=channel|video``, ``maxResults`` 0-50,
  default 5, ``pageToken``; ``relevanceLanguage`` and ``regionCode`` accepted), ``channels``
  (``id`` up to 50 comma-separated, or ``forHandle``), ``playlistItems`` (``playlistId``,
  paged) and ``videos`` (``id`` up to 50); ``part`` selects the resource parts served;
* list responses are ``{kind, etag, nextPageToken?, prevPageToken?, pageInfo, items}``;
  unknown ids are simply missing from ``items``;
* the API key comes in ``X-Goog-Api-Key`` (or ``key=``); any key works. A missing key is
  403 ``forbidden``. Quota is counted per key (search 100 units, the rest 1): a key named
  ``quota-N-...`` has N units a day, others 10,000; past it every call is 403
  ``quotaExceeded``. The server's rate limiter answers 403 ``rateLimitExceeded``;
* errors are Google's ``{"error": {"code", "message", "errors": [{message, domain,
  reason}], "status"}}``; Google sends no rate-limit headers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from threading import Lock
from typing import Any, Final

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.github_render import plain_text
from creatorscout.sandbox.world import World
from creatorscout.sandbox.youtube_render import (
    YouTubeRenderer,
    channel_id,
    decode_video_id,
    has_channel,
    index_of_channel,
    youtube_people,
)

DAILY_QUOTA: Final = 10_000
COSTS: Final = {"search": 100}
_QUOTA_KEY: Final = re.compile(r"^quota-(\d+)-")
QUOTA_MESSAGE: Final = ("The request cannot be completed because you have exceeded your "
                        "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.")
REASONS: Final = {  # status -> (reason, domain, status name)
    400: ("badRequest", "global", "INVALID_ARGUMENT"),
    403: ("forbidden", "global", "PERMISSION_DENIED"),
    404: ("notFound", "global", "NOT_FOUND"),
    429: ("rateLimitExceeded", "youtube.quota", "RESOURCE_EXHAUSTED"),
    500: ("backendError", "global", "INTERNAL"),
    503: ("backendError", "global", "UNAVAILABLE"),
}


class Failed(Exception):
    """A request the API answers with an error (status, reason, message)."""

    def __init__(self, status: int, reason: str, message: str, domain: str = "youtube") -> None:
        super().__init__(message)
        self.status, self.reason, self.domain = status, reason, domain


def google_error(status: int, reason: str, message: str, domain: str = "global",
                 headers: list[tuple[str, str]] | None = None) -> Response:
    status_name = REASONS.get(status, ("", "", "UNKNOWN"))[2]
    return Response.json({"error": {
        "code": status, "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
        "status": status_name}}, status=status, headers=headers)


class YouTubeDialect:
    """The YouTube Data API v3 and channel feeds over the world."""

    name = "youtube"

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.render = YouTubeRenderer(world, base_url)
        self._lock = Lock()
        self._units: Counter[str] = Counter()
        self._people: list[int] | None = None
        self._routes: list[tuple[re.Pattern[str], str, Callable[[Request], Response]]] = [
            (re.compile(r"/youtube/v3/search"), "search", self.search),
            (re.compile(r"/youtube/v3/channels"), "channels", self.channels),
            (re.compile(r"/youtube/v3/playlistItems"), "playlistItems", self.playlist_items),
            (re.compile(r"/youtube/v3/videos"), "videos", self.videos),
        ]

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        path = "/" + request.path.strip("/")
        if path == "/feeds/videos.xml":
            return Endpoint(kind="feed", scope="youtube/feeds", api=False,
                            handler=lambda: self.feed(request))
        for pattern, kind, handler in self._routes:
            if pattern.fullmatch(path):
                def run(handler: Callable[[Request], Response] = handler,
                        kind: str = kind) -> Response:
                    try:
                        self._charge(request, kind)
                        return handler(request)
                    except Failed as exc:
                        return google_error(exc.status, exc.reason, str(exc), exc.domain)
                return Endpoint(kind=kind, scope="youtube/api", api=True, handler=run)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """Google's error format; the server's rate limiter becomes 403 rateLimitExceeded."""
        if status == 429:
            return google_error(403, "rateLimitExceeded", "Rate Limit Exceeded",
                                "usageLimits", headers)
        reason, domain, _ = REASONS.get(status, ("backendError", "global", ""))
        if status == 404:
            message = "Not Found"
        return google_error(status, reason, message, domain, headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """Google sends no rate-limit headers."""
        return []

    def robots_disallow(self) -> list[str]:
        return []

    # -- helpers ---------------------------------------------------------------------------

    def _charge(self, request: Request, kind: str) -> None:
        key = request.headers.get("x-goog-api-key") or request.param("key")
        if not key:
            raise Failed(403, "forbidden", "The request is missing a valid API key.",
                         "global")
        match = _QUOTA_KEY.match(key)
        quota = int(match.group(1)) if match else DAILY_QUOTA
        cost = COSTS.get(kind, 1)
        with self._lock:
            if self._units[key] + cost > quota:
                raise Failed(403, "quotaExceeded", QUOTA_MESSAGE, "youtube.quota")
            self._units[key] += cost

    def units(self, key: str) -> int:
        """Units a key has spent (for tests)."""
        return self._units[key]

    @staticmethod
    def _parts(request: Request) -> set[str]:
        part = request.param("part")
        if not part:
            raise Failed(400, "required", "No filter selected. Expected one of: part",
                         "global")
        return {p.strip() for p in part.split(",") if p.strip()}

    @staticmethod
    def _max_results(request: Request, default: int = 5) -> int:
        raw = request.param("maxResults")
        if raw is None:
            return default
        if not raw.isdigit() or int(raw) > 50:
            raise Failed(400, "invalidParameter", "Invalid value for maxResults", "youtube")
        return int(raw)

    @staticmethod
    def _offset(request: Request) -> int:
        token = request.param("pageToken")
        if not token:
            return 0
        if not token.startswith("CD") or not token[2:].isdigit():
            raise Failed(400, "invalidPageToken", "The request specifies an invalid page "
                         "token.", "youtube.parameter")
        return int(token[2:])

    def _page(self, kind: str, request: Request, items: list[Any], per_page: int,
              render: Callable[[Any], dict[str, Any]]) -> Response:
        offset = self._offset(request)
        chunk = items[offset: offset + per_page]
        body: dict[str, Any] = {"kind": kind, "etag": f"etag-{kind}-{offset}"}
        if offset + per_page < len(items) and per_page:
            body["nextPageToken"] = f"CD{offset + per_page}"
        if offset:
            body["prevPageToken"] = f"CD{max(0, offset - per_page)}"
        if kind == "youtube#searchListResponse":
            body["regionCode"] = request.param("regionCode") or "US"
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": per_page}
        body["items"] = [render(x) for x in chunk]
        return Response.json(body)

    def _youtube_people(self) -> list[int]:
        with self._lock:
            if self._people is None:
                self._people = youtube_people(self.world)
        return self._people

    # -- endpoints -------------------------------------------------------------------------

    def search(self, request: Request) -> Response:
        self._parts(request)
        per_page = self._max_results(request)
        words = (request.param("q") or "").lower().split()
        kind = request.param("type") or "video,channel,playlist"
        found: list[tuple[int, Any, str]] = []  # (rank, thing, what)
        for index in self._youtube_people():
            person = self.world.people[index]
            if "channel" in kind:
                text = f"{self.render.title(person)} {self.render.description(person)}".lower()
                if all(word in text for word in words):
                    found.append((self.render.subscribers(person), index, "channel"))
            if "video" in kind:
                for post in self.render.videos_of(index):
                    text = plain_text(self.world, post.segments).lower()
                    if all(word in text for word in words):
                        found.append((self.render.views(post), post, "video"))
        found.sort(key=lambda t: -t[0])

        def item(entry: tuple[int, Any, str]) -> dict[str, Any]:
            _, thing, what = entry
            return (self.render.channel_result(thing) if what == "channel"
                    else self.render.video_result(thing))

        return self._page("youtube#searchListResponse", request, found[:500], per_page, item)

    def channels(self, request: Request) -> Response:
        parts = self._parts(request)
        indexes: list[int] = []
        handle = request.param("forHandle")
        if handle is not None:
            wanted = handle.lstrip("@").lower()
            indexes = [i for i in self._youtube_people()
                       if self.render.handle(i)[1:].lower() == wanted][:1]
        else:
            ids = [x for x in (request.param("id") or "").split(",") if x]
            if len(ids) > 50:
                raise Failed(400, "invalidParameter", "Too many ids (at most 50)", "youtube")
            for ident in ids:
                index = index_of_channel(ident)
                if index is not None and has_channel(self.world, index) \
                        and channel_id(self.world, index) == ident:
                    indexes.append(index)
        body = {"kind": "youtube#channelListResponse", "etag": "etag-channels",
                "pageInfo": {"totalResults": len(indexes), "resultsPerPage": 5},
                "items": [self.render.channel(i, parts) for i in indexes]}
        if not indexes:
            del body["items"]  # the API leaves "items" out when nothing matched
        return Response.json(body)

    def playlist_items(self, request: Request) -> Response:
        parts = self._parts(request)
        per_page = self._max_results(request)
        playlist = request.param("playlistId") or ""
        index = index_of_channel("UC" + playlist[2:]) if playlist.startswith("UU") else None
        if index is None or not has_channel(self.world, index) \
                or channel_id(self.world, index)[2:] != playlist[2:]:
            raise Failed(404, "playlistNotFound", "The playlist identified with the request's "
                         "<code>playlistId</code> parameter cannot be found.",
                         "youtube.playlistItem")
        videos = self.render.videos_of(index)
        positions = {id(p): n for n, p in enumerate(videos)}
        return self._page("youtube#playlistItemListResponse", request, videos, per_page,
                          lambda post: self.render.playlist_item(post, playlist,
                                                                 positions[id(post)], parts))

    def videos(self, request: Request) -> Response:
        parts = self._parts(request)
        ids = [x for x in (request.param("id") or "").split(",") if x]
        if len(ids) > 50:
            raise Failed(400, "invalidParameter", "Too many ids (at most 50)", "youtube")
        items = []
        for ident in ids:
            decoded = decode_video_id(ident)
            if decoded is None or not has_channel(self.world, decoded[0]):
                continue
            author, number = decoded
            if number >= self.world.post_count(author):
                continue
            items.append(self.render.video(self.world.post(author, number), parts))
        return Response.json({"kind": "youtube#videoListResponse", "etag": "etag-videos",
                              "pageInfo": {"totalResults": len(items),
                                           "resultsPerPage": len(items)},
                              "items": items})

    def feed(self, request: Request) -> Response:
        ident = request.param("channel_id") or ""
        index = index_of_channel(ident)
        if index is None or not has_channel(self.world, index) \
                or channel_id(self.world, index) != ident:
            return Response.text("<!DOCTYPE html><html><body>404 Not Found</body></html>",
                                 status=404, content_type="text/html; charset=utf-8")
        return Response.text(self.render.feed(index),
                             content_type="text/xml; charset=UTF-8")
