"""Twitch through the Helix API (dev.twitch.tv/docs/api/reference).

Sign-in (dev.twitch.tv/docs/authentication/getting-tokens-oauth, "Client credentials grant
flow"): ``POST https://id.twitch.tv/oauth2/token`` with the app's ``client_id`` and
``client_secret`` (from ``TWITCH_CLIENT_ID`` and ``TWITCH_CLIENT_SECRET``) and
``grant_type=client_credentials``, made through the crawler; the app access token goes in
``Authorization: Bearer`` with ``Client-Id`` on every call, and is never logged or
stored. A 401 signs in again once.

* discovery: ``search/channels?query=`` per niche keyword (it matches logins, so hits
  must match the niche on their profile; channels in other languages than the niche's are
  left out) and, when ``platforms.twitch.game_ids`` lists the niche's categories,
  ``streams?game_id=`` (per niche language); paged with ``pagination.cursor``;
* profiles: ``users?id=`` then ``channels?broadcaster_id=`` (100 ids each);
* followers: ``channels/followers?broadcaster_id=`` (``total``) needs a user access token
  (``TWITCH_USER_TOKEN``); without one followers stay unknown, said once;
* posts: ``videos?user_id=`` (archives, highlights, uploads) with view counts.

Rate limits: ``Ratelimit-Limit``, ``-Remaining`` and ``-Reset`` (unix seconds; 800 points
a minute for an app token), paced by the crawler.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.keys import secret_from_env
from creatorscout.plugins.models import Creator, CreatorRef
from creatorscout.plugins.oauth import AppSignIn
from creatorscout.plugins.pages import first_posts_page, read_post_page
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    PlatformSettings,
    Refusal,
)
from creatorscout.plugins.twitch.entities import (
    PLATFORM,
    EntityError,
    parse_user,
    parse_video,
    with_channel,
)
from creatorscout.plugins.web import Repairs, links_on, with_param

logger = logging.getLogger(__name__)

ID_VARIABLE = "TWITCH_CLIENT_ID"
SECRET_VARIABLE = "TWITCH_CLIENT_SECRET"
USER_TOKEN_VARIABLE = "TWITCH_USER_TOKEN"
MAX_FIRST = 100
_LOGIN = re.compile(r"^[A-Za-z0-9_]{3,25}$")
#: twitch.tv paths that are not channels.
RESERVED = frozenset({"directory", "videos", "settings", "downloads", "jobs", "p", "search",
                      "subscriptions", "inventory", "wallet", "drops", "turbo", "prime"})

ENDPOINTS = [
    Endpoint("search", r"/helix/search/channels$"),
    Endpoint("streams", r"/helix/streams$"),
    Endpoint("users", r"/helix/users$"),
    Endpoint("followers", r"/helix/channels/followers$"),
    Endpoint("channels", r"/helix/channels$"),
    Endpoint("videos", r"/helix/videos$"),
]


class TwitchOptions(BaseModel):
    """The ``platforms.twitch`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    search_channels: bool = Field(default=True, description="Search channels by keyword")
    game_ids: list[str] = Field(default_factory=list,
                                description="Twitch category ids whose live streams are read")
    max_search_terms: int = Field(default=5, ge=0)
    page_size: int = Field(default=100, ge=1, le=MAX_FIRST)
    video_type: Literal["all", "archive", "highlight", "upload"] = "all"


def _cursor(data: dict[str, Any]) -> str | None:
    """Helix's ``pagination.cursor``: there is a next page."""
    pagination = data.get("pagination")
    cursor = pagination.get("cursor") if isinstance(pagination, dict) else None
    return cursor if isinstance(cursor, str) and cursor else None


class Twitch(AppSignIn):
    """Twitch streamers, through Helix."""

    name = PLATFORM
    title = "Twitch"
    default_base_url = "https://api.twitch.tv"
    profile_batch_size = MAX_FIRST  # users and channels take 100 ids
    concurrency = 2
    Options = TwitchOptions
    options: TwitchOptions
    endpoints = ENDPOINTS
    client_variables = (ID_VARIABLE, SECRET_VARIABLE)
    token_host = "https://id.twitch.tv"
    token_path = "/oauth2/token"
    client_auth = "form"  # client_id and client_secret in the form, as Twitch documents
    interactions = frozenset({"views"})  # videos have view counts only
    has_opt_out = False  # Twitch has no discoverability setting

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self.__user_token = secret_from_env(USER_TOKEN_VARIABLE)

    # -- requests --------------------------------------------------------------------------

    def api_headers(self, token: str | None = None) -> dict[str, str]:
        """Helix wants the app's ``Client-Id`` beside the token on every call (not on the
        sign-in)."""
        return {"Client-Id": self.client_id, **super().api_headers(token)}

    def _request(self, path: str, params: Sequence[tuple[str, str]],
                 purpose: Literal["discover", "profile", "posts"], user: bool = False,
                 **context: Any) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        query = f"?{urlencode(list(params))}" if params else ""
        token = self.__user_token.get_secret_value() if user and self.__user_token else None
        return FetchRequest(url=f"{self.base_url()}/helix/{path}{query}", platform=self.name,
                            purpose=purpose, depth=depth, creator_id=creator_id,
                            headers=self.api_headers(token), context=context)

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        if self.has_keys and self.__user_token is None:
            logger.warning("twitch: follower counts need a user access token (set %s); "
                           "Twitch followers stay unknown", USER_TOKEN_VARIABLE)
        yield from super().discover(niche)

    def discovery(self, niche: Niche) -> list[FetchRequest]:
        first = str(self.options.page_size)
        requests = []
        if self.options.search_channels:
            for term in niche.all_keywords()[: self.options.max_search_terms]:
                requests.append(self._request("search/channels", [
                    ("query", term), ("first", first), ("live_only", "false")], "discover",
                    via=f"search:{term}", page=1))
        for game in self.options.game_ids:
            params = [("game_id", game), ("first", first)]
            params += [("language", lang) for lang in niche.languages]
            requests.append(self._request("streams", params, "discover",
                                          via=f"game:{game}", page=1))
        return requests

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        """One ``users`` call for up to 100: by id, or by login for channels known from a
        link only (Helix takes both in one call)."""
        params = [("id", c.ref.native_id) if c.ref.native_id else ("login", c.ref.lookup.get(
            "login") or c.ref.handle or "") for c in candidates]
        params = [(key, value) for key, value in params if value]
        if params:
            first = candidates[0]
            yield self._request("users", params, "profile", via=first.via, depth=first.depth)

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Twitch channels another platform's creator links to (``twitch.tv/LOGIN``; none
        without keys: only the API reads them)."""
        if creator.platform == self.name or not self.has_keys:
            return []
        found: dict[str, Candidate] = {}
        for _, segments in links_on(creator, "twitch.tv", "m."):
            if len(segments) != 1 or not _LOGIN.match(segments[0]):
                continue
            login = segments[0].lower()
            if login not in RESERVED and login not in found:
                found[login] = Candidate(ref=CreatorRef(
                    platform=self.name, handle=login, url=f"https://www.twitch.tv/{login}",
                    lookup={"login": login}), depth=depth, via=f"link:{creator.id}")
        return list(found.values())

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        yield self._request("videos", [
            ("user_id", creator.native_id), ("first", str(min(MAX_FIRST, self.settings.max_posts))),
            ("sort", "time"), ("type", self.options.video_type)], "posts",
            creator_id=creator.id, depth=depth, **first_posts_page(creator))

    # -- parsing ---------------------------------------------------------------------------

    def parse_answer(self, response: FetchResponse, kind: str, data: Any,
                     result: ParseResult) -> None:
        if kind == "followers":
            self._followers(response, data, result)
            return
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise MalformedResponse(f"{kind}: expected {{data: [...]}}")
        if kind in ("search", "streams"):
            self._hits(response, kind, items, result)
            self._next(response, data, len(items), result)
        elif kind == "users":
            self._users(response, items, result)
        elif kind == "channels":
            self._channels(response, items, result)
        else:
            self._videos(response, data, items, result)

    def _hits(self, response: FetchResponse, kind: str, items: list[Any],
              result: ParseResult) -> None:
        request = response.request
        languages = set(self._niche.languages) if self._niche else set()
        for item in items:
            if not isinstance(item, dict):
                result.malformed += 1
                continue
            ident = item.get("id") if kind == "search" else item.get("user_id")
            login = item.get("broadcaster_login") if kind == "search" else item.get("user_login")
            if not isinstance(ident, str) or not ident or not isinstance(login, str):
                result.malformed += 1
                continue
            language = item.get("broadcaster_language") or item.get("language")
            if languages and language and language not in languages and language != "other":
                continue  # another language than the niche's
            result.candidates.append(Candidate(
                ref=CreatorRef(platform=PLATFORM, native_id=ident, handle=login,
                               url=f"https://www.twitch.tv/{login}", lookup={"login": login}),
                depth=request.depth, via=str(request.context.get("via", kind)),
                # channel search matches logins only; a category is the niche's own choice
                needs_niche_match=kind == "search"))

    def _next(self, response: FetchResponse, data: dict[str, Any], count: int,
              result: ParseResult) -> None:
        request = response.request
        cursor = _cursor(data)
        page = int(request.context.get("page", 1))
        if cursor and count and page < self.settings.discovery_pages:
            result.requests.append(request.model_copy(update={
                "url": with_param(response.url, "after", cursor),
                "context": {**request.context, "page": page + 1}}))

    def _users(self, response: FetchResponse, items: list[Any], result: ParseResult) -> None:
        """Users, then their channels in one call (language, category, tags): the users
        travel in the context until the channels answer."""
        request = response.request
        provenance = self.provenance(response.url)
        repairs = Repairs()
        creators = []
        for item in items:
            try:
                creators.append(parse_user(item, provenance, repairs))
            except (EntityError, ValidationError):
                result.malformed += 1
        result.repaired += repairs.count
        if not creators:
            return
        if request.context.get("users") is not None or not request.context.get("via"):
            result.creators += creators  # `scout parse` on a saved page: no chaining
            return
        result.requests.append(self._request(
            "channels", [("broadcaster_id", c.native_id) for c in creators], "profile",
            via=request.context.get("via"), depth=request.depth,
            users=[c.model_dump(mode="json") for c in creators]))

    def _channels(self, response: FetchResponse, items: list[Any],
                  result: ParseResult) -> None:
        request = response.request
        users = request.context.get("users")
        if not isinstance(users, list):
            return  # `scout parse` on saved channels alone: nothing to add them to
        channels = {item.get("broadcaster_id"): item for item in items
                    if isinstance(item, dict)}
        result.malformed += len(items) - len(channels)
        for raw in users:
            creator = with_channel(Creator.model_validate(raw),
                                   channels.get(raw.get("native_id")))
            if self.__user_token:
                result.requests.append(self._request(
                    "channels/followers", [("broadcaster_id", creator.native_id),
                                           ("first", "1")], "profile", user=True,
                    via=request.context.get("via"), depth=request.depth,
                    creator_id=creator.id, creator=creator.model_dump(mode="json")))
            else:
                result.creators.append(creator)

    def _followers(self, response: FetchResponse, data: Any, result: ParseResult) -> None:
        raw = response.request.context.get("creator")
        total = data.get("total") if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise MalformedResponse("channels/followers: expected {total, data}")
        if not isinstance(raw, dict):
            return  # `scout parse` on a saved answer: no creator to give it to
        repairs = Repairs()
        followers = repairs.count_value(total)
        result.repaired += repairs.count
        result.creators.append(Creator.model_validate(raw).model_copy(
            update={"followers": followers}))

    def _videos(self, response: FetchResponse, data: dict[str, Any], items: list[Any],
                result: ParseResult) -> None:
        creator_id = response.request.creator_id or next(
            (f"{PLATFORM}:{i['user_id']}" for i in items
             if isinstance(i, dict) and isinstance(i.get("user_id"), str)),
            f"{PLATFORM}:unknown")
        cursor = _cursor(data)
        next_url = with_param(response.url, "after", cursor) if cursor else None
        read_post_page(self, response, items, parse_video, creator_id, next_url, result)

    # -- refusals --------------------------------------------------------------------------

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """An expired app token (401): sign in again once, then repeat the call. A refused
        follower count (the user token is not accepted) leaves followers unknown."""
        request = response.request
        kind = self.endpoint(response.url)[0]
        if kind == "followers" and isinstance(request.context.get("creator"), dict):
            return ParseResult(creators=[Creator.model_validate(request.context["creator"])])
        return super().on_refusal(response, refusal)

    def refusal(self, response: FetchResponse) -> Refusal | None:
        refusal = super().refusal(response)
        if refusal is None:
            return None
        try:
            message = str(json.loads(response.body).get("message") or "")[:200]
        except (ValueError, AttributeError):
            return refusal
        return refusal.model_copy(update={"message": message}) if message else refusal

