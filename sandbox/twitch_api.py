"""The Twitch dialect: the OAuth token endpoint (id.twitch.tv) and Helix (api.twitch.tv),
under ``/twitch``.

Behaviour follows dev.twitch.tv/docs/api/reference and dev.twitch.tv/docs/authentication:

* ``POST /oauth2/token`` with ``client_id``, ``client_secret`` and
  ``grant_type=client_credentials`` answers an app access token (any pair works here);
* every Helix call needs ``Authorization: Bearer TOKEN`` (a token issued here, or a user
  token: any starting with ``user-``) and ``Client-Id``; otherwise 401;
* ``search/channels?query=`` matches logins (``live_only=false``), ``streams?game_id=``
  lists live streams, ``users`` and ``channels`` take up to 100 ``id``/``broadcaster_id``,
  ``channels/followers`` needs a user token (else 401 "Missing User OAUTH Token") and
  answers ``total``, ``videos?user_id=`` lists archives, highlights and uploads; lists are
  ``{data, pagination: {cursor}}`` paged with ``first`` and ``after``;
* errors are ``{"error", "status", "message"}``; rate limits ``Ratelimit-Limit``,
  ``Ratelimit-Remaining`` and ``Ratelimit-Reset`` (unix seconds).

Who streams: one person in eight, half of the gamers; logins are the person's slug with
underscores; ids ``50000000 + index``; followers are the world's followers divided by 2;
videos are the person's original posts (type by post: archive, highlight, upload), views
from favourites.
"""

from __future__ import annotations

import base64
import hashlib
import math
import time
from functools import lru_cache
from random import Random
from threading import Lock
from typing import Any, Final

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.github_render import iso, plain_text
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.vocab import COMMUNITIES
from creatorscout.sandbox.world import World

#: Twitch categories ("games") of the world's communities.
GAMES: Final = {"vegan-cooking": ("509667", "Food & Drink"), "gaming": ("32982", "Grand Theft "
                "Auto V"), "georgian-wine": ("509667", "Food & Drink"),
                "b2b-martech": ("509670", "Science & Technology"),
                "football": ("518203", "Sports"), "photography": ("509660", "Art"),
                "local-news": ("417752", "Talk Shows & Podcasts")}
VIDEO_TYPES: Final = ("archive", "highlight", "upload")


@lru_cache(maxsize=200_000)
def on_twitch(world: World, index: int) -> bool:
    if not 0 <= index < len(world.people):
        return False
    person = world.people[index]
    if person.bot or not person.alive:
        return False
    gamer = any(COMMUNITIES[c].name == "gaming" for c in person.communities)
    return Random(f"{world.seed}:{index}:twitch").random() < (0.5 if gamer else 0.125)


def user_id(index: int) -> str:
    return str(50_000_000 + index)


def index_of(value: str) -> int | None:
    return int(value) - 50_000_000 if value.isdigit() and int(value) >= 50_000_000 else None


class TwitchDialect:
    """Twitch Helix over the world."""

    name = "twitch"
    accepts_post = True  # the token endpoint

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self._lock = Lock()
        self._tokens: set[str] = set()
        self._people: list[int] | None = None

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        path = "/" + request.path.strip("/")
        if path == "/oauth2/token":
            if request.method != "POST":
                return None
            return Endpoint(kind="token", scope="twitch/id", api=True,
                            handler=lambda: self.token(request))
        routes = {"/helix/search/channels": self.search_channels, "/helix/streams":
                  self.streams, "/helix/users": self.users, "/helix/channels": self.channels,
                  "/helix/channels/followers": self.followers, "/helix/videos": self.videos}
        handler = routes.get(path)
        if handler is None or request.method != "GET":
            return None

        def run() -> Response:
            problem = self._unauthorised(request, path)
            return problem or handler(request)
        return Endpoint(kind=path.removeprefix("/helix/").replace("/", "_"),
                        scope="twitch/helix", api=True, handler=run)

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        names = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
                 429: "Too Many Requests", 500: "Internal Server Error",
                 503: "Service Unavailable"}
        return Response.json({"error": names.get(status, "Error"), "status": status,
                              "message": message}, status=status, headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        return [("Ratelimit-Limit", str(limit)), ("Ratelimit-Remaining", str(remaining)),
                ("Ratelimit-Reset", str(math.ceil(reset_epoch)))]

    def robots_disallow(self) -> list[str]:
        return []

    # -- helpers ---------------------------------------------------------------------------

    def _unauthorised(self, request: Request, path: str) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        user = token.startswith("user-")
        with self._lock:
            known = token in self._tokens or user
        if scheme.lower() != "bearer" or not known:
            return self.error(401, "Invalid OAuth token")
        if not request.headers.get("client-id"):
            return self.error(401, "Client ID is missing")
        if path == "/helix/channels/followers" and not user:
            return self.error(401, "Missing User OAUTH Token")
        return None

    def _twitch_people(self) -> list[int]:
        with self._lock:
            if self._people is None:
                self._people = [p.index for p in self.world.people
                                if on_twitch(self.world, p.index)]
        return self._people

    def login(self, index: int) -> str:
        return presence(self.world, index).slug.replace("-", "_")

    def _page(self, request: Request, items: list[Any], default: int = 20,
              **extra: Any) -> Response:
        raw = request.param("first") or str(default)
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            return self.error(400, "The parameter \"first\" was malformed: the value must "
                              "be greater than or equal to 1 and less than or equal to 100")
        first = int(raw)
        cursor = request.param("after") or ""
        try:
            start = int(base64.b64decode(cursor).decode()) if cursor else 0
        except ValueError:
            return self.error(400, "Invalid cursor")
        chunk = items[start: start + first]
        pagination = ({"cursor": base64.b64encode(str(start + first).encode()).decode()}
                      if start + first < len(items) else {})
        return Response.json({"data": chunk, **extra, "pagination": pagination})

    def _ids(self, request: Request, name: str) -> list[int] | Response:
        values = request.params(name)
        if len(values) > 100:
            return self.error(400, f"The number of {name} parameters exceeds the maximum "
                              "of 100")
        found = []
        for value in values:
            index = index_of(value)
            if index is not None and on_twitch(self.world, index):
                found.append(index)
        return found

    def _community(self, index: int) -> str:
        person = self.world.people[index]
        return COMMUNITIES[person.communities[0]].name

    def _videos_of(self, index: int) -> list[Post]:
        posts = [p for p in self.world.posts(index) if p.kind == "post" and p.community]
        posts.sort(key=lambda p: p.sec, reverse=True)
        return posts[:60]

    # -- endpoints -------------------------------------------------------------------------

    def token(self, request: Request) -> Response:
        value = "sbx" + hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:27]
        with self._lock:
            self._tokens.add(value)
        return Response.json({"access_token": value, "expires_in": 5011271,
                              "token_type": "bearer"})

    def user(self, index: int) -> dict[str, Any]:
        person = self.world.people[index]
        bio = plain_text(self.world, self.world.profile(index).bio)
        website = presence(self.world, index).website
        return {"id": user_id(index), "login": self.login(index),
                "display_name": person.display_name.split(" ")[0] or self.login(index),
                "type": "", "broadcaster_type": "affiliate" if person.followers > 500 else "",
                "description": f"{bio} {website}".strip() if website else bio,
                "profile_image_url": f"https://static-cdn.jtvnw.net/jtv_user_pictures/"
                                     f"{user_id(index)}-profile_image-300x300.png",
                "offline_image_url": "", "view_count": 0,
                "created_at": iso(person.created_sec)}

    def channel(self, index: int) -> dict[str, Any]:
        person = self.world.people[index]
        game_id, game = GAMES.get(self._community(index), ("509658", "Just Chatting"))
        return {"broadcaster_id": user_id(index), "broadcaster_login": self.login(index),
                "broadcaster_name": self.user(index)["display_name"],
                "broadcaster_language": person.languages[0] if person.languages else "en",
                "game_id": game_id, "game_name": game,
                "title": self._community(index).replace("-", " "), "delay": 0,
                "tags": [self._community(index).replace("-", "")],
                "content_classification_labels": [], "is_branded_content": False}

    def search_channels(self, request: Request) -> Response:
        query = (request.param("query") or "").lower().replace(" ", "_")
        if not query:
            return self.error(400, "Missing required parameter \"query\"")
        found = [i for i in self._twitch_people() if query in self.login(i)]
        items = []
        for index in found:
            channel = self.channel(index)
            items.append({"broadcaster_language": channel["broadcaster_language"],
                          "broadcaster_login": channel["broadcaster_login"],
                          "display_name": channel["broadcaster_name"],
                          "game_id": channel["game_id"], "game_name": channel["game_name"],
                          "id": user_id(index), "is_live": index % 5 == 0,
                          "tag_ids": [], "tags": channel["tags"],
                          "thumbnail_url": self.user(index)["profile_image_url"],
                          "title": channel["title"],
                          "started_at": iso(1764000000) if index % 5 == 0 else ""})
        return self._page(request, items)

    def streams(self, request: Request) -> Response:
        games = set(request.params("game_id"))
        languages = set(request.params("language"))
        items = []
        for index in self._twitch_people():
            channel = self.channel(index)
            if index % 3 or (games and channel["game_id"] not in games) or (
                    languages and channel["broadcaster_language"] not in languages):
                continue
            items.append({"id": str(40_000_000_000 + index), "user_id": user_id(index),
                          "user_login": channel["broadcaster_login"],
                          "user_name": channel["broadcaster_name"],
                          "game_id": channel["game_id"], "game_name": channel["game_name"],
                          "type": "live", "title": channel["title"],
                          "viewer_count": self.world.people[index].followers // 40,
                          "started_at": iso(1764000000), "language":
                          channel["broadcaster_language"],
                          "thumbnail_url": "https://static-cdn.jtvnw.net/previews-ttv/"
                                           f"live_user_{channel['broadcaster_login']}"
                                           "-{width}x{height}.jpg",
                          "tag_ids": [], "tags": channel["tags"], "is_mature": False})
        return self._page(request, items)

    def users(self, request: Request) -> Response:
        found = self._ids(request, "id")
        if isinstance(found, Response):
            return found
        return Response.json({"data": [self.user(i) for i in found]})

    def channels(self, request: Request) -> Response:
        found = self._ids(request, "broadcaster_id")
        if isinstance(found, Response):
            return found
        return Response.json({"data": [self.channel(i) for i in found]})

    def followers(self, request: Request) -> Response:
        index = index_of(request.param("broadcaster_id") or "")
        if index is None or not on_twitch(self.world, index):
            return self.error(400, "Invalid broadcaster_id")
        return Response.json({"total": self.world.people[index].followers // 2, "data": [],
                              "pagination": {}})

    def videos(self, request: Request) -> Response:
        index = index_of(request.param("user_id") or "")
        if index is None or not on_twitch(self.world, index):
            return self.error(404, "Not Found")
        wanted = request.param("type") or "all"
        items = []
        for post in self._videos_of(index):
            kind = VIDEO_TYPES[post.key % 3]
            if wanted not in ("all", kind):
                continue
            text = plain_text(self.world, post.segments)
            ident = str(2_000_000_000 + index * 100_000 + post.number)
            items.append({
                "id": ident,
                "stream_id": str(41_000_000_000 + post.key % 10**9) if kind == "archive"
                else None,
                "user_id": user_id(index), "user_login": self.login(index),
                "user_name": self.user(index)["display_name"],
                "title": text[:140], "description": text if kind == "upload" else "",
                "created_at": iso(post.sec), "published_at": iso(post.sec),
                "url": f"https://www.twitch.tv/videos/{ident}",
                "thumbnail_url": "", "viewable": "public",
                "view_count": "n/a" if post.malformed == "bad_count" else post.favourites * 10,
                "language": post.language or "en", "type": kind,
                "duration": f"{1 + post.key % 3}h{post.key % 60}m{post.key % 50}s",
                "muted_segments": None})
        return self._page(request, items)
