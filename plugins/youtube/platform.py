"""YouTube through the YouTube Data API v3 (developers.google.com/youtube/v3).

Endpoints (an API key from ``YOUTUBE_API_KEY``, sent in the ``X-Goog-Api-Key`` header,
never in the URL):

* discovery: ``search.list`` (``type=channel`` and ``type=video``) per niche keyword, with
  ``relevanceLanguage`` (the keyword's language) and ``regionCode`` (per language, see
  :class:`YouTubeOptions`), paged with ``pageToken``; the channels of the videos found
  become candidates. Seeds: channel ids, ``@handles`` (``channels.list?forHandle=``) and
  channel URLs;
* profiles: ``channels.list`` with up to 50 ids (snippet, statistics, brandingSettings,
  topicDetails, contentDetails);
* posts: ``playlistItems.list`` on the uploads playlist, then ``videos.list`` with up to
  50 ids (snippet, statistics, contentDetails, status, paidProductPlacementDetails).

Quota (developers.google.com/youtube/v3/determine_quota_cost): every call costs units,
``search.list`` 100, the ``list`` methods used here 1; a project gets 10,000 a day. The
plugin counts the units of every request it makes, per method (:meth:`YouTube.usage`,
shown in the crawl summary), and stops before ``daily_quota`` would be passed: discovery
first (searches are dear), then profiles and videos. ``quotaExceeded`` ends YouTube for
the crawl with one line; ``rateLimitExceeded`` is a rate limit the crawler backs off from.

Without a key: one line at the start of the crawl, and seeded channel ids are read from the
keyless channel feed (``/feeds/videos.xml?channel_id=``): recent videos, no statistics.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.keys import no_key, secret_from_env
from creatorscout.plugins.models import Creator, CreatorRef
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    RateLimit,
    Refusal,
    RefusalKind,
)
from creatorscout.plugins.web import Repairs, links_on
from creatorscout.plugins.youtube.entities import (
    CHANNEL_ID,
    PLATFORM,
    EntityError,
    channel_ref,
    parse_channel,
    parse_video,
    uploads_playlist,
)
from creatorscout.plugins.youtube.feed import parse_feed

logger = logging.getLogger(__name__)

KEY_VARIABLE = "YOUTUBE_API_KEY"
API = "/youtube/v3"
FEED_HOST = "https://www.youtube.com"
MAX_RESULTS = 50
#: Quota units per call (developers.google.com/youtube/v3/determine_quota_cost).
COSTS = {"search.list": 100, "channels.list": 1, "playlistItems.list": 1, "videos.list": 1}
METHODS = {"search": "search.list", "channels": "channels.list",
           "playlist_items": "playlistItems.list", "videos": "videos.list"}
CHANNEL_PARTS = "snippet,statistics,brandingSettings,topicDetails,contentDetails"
VIDEO_PARTS = "snippet,statistics,contentDetails,status,paidProductPlacementDetails"
#: Error reasons (``error.errors[].reason``) and what they mean for a crawler
#: (developers.google.com/youtube/v3/docs/errors).
ERRORS: dict[str, RefusalKind] = {
    "quotaExceeded": "blocked",
    "dailyLimitExceeded": "blocked",
    "rateLimitExceeded": "rate_limited",
    "userRateLimitExceeded": "rate_limited",
    "keyInvalid": "login_required",
    "keyExpired": "login_required",
    "forbidden": "blocked",
    "channelNotFound": "gone",
    "playlistNotFound": "gone",
    "videoNotFound": "gone",
    "channelClosed": "gone",
    "channelSuspended": "gone",
}
_HANDLE = re.compile(r"^@?([A-Za-z0-9._-]{3,30})$")

ENDPOINTS = [
    Endpoint("search", rf"{API}/search$"),
    Endpoint("channels", rf"{API}/channels$"),
    Endpoint("playlist_items", rf"{API}/playlistItems$"),
    Endpoint("videos", rf"{API}/videos$"),
    Endpoint("feed", r"/feeds/videos\.xml$"),
]

SearchType = Literal["channel", "video"]


class YouTubeOptions(BaseModel):
    """The ``platforms.youtube`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    daily_quota: int = Field(
        default=10_000, ge=1, description="Quota units this crawl may spend (Google's "
        "default allocation is 10,000 a day); discovery stops before they are spent")
    search_types: list[SearchType] = Field(
        default_factory=lambda: list[SearchType](["channel", "video"]),
        description="What search.list looks for: channels, videos (their channels), both")
    max_search_terms: int = Field(default=5, ge=0, description="Keywords searched")
    page_size: int = Field(default=50, ge=1, le=MAX_RESULTS, description="Results per page")
    regions: dict[str, str] = Field(
        default_factory=dict, description="regionCode per niche language, e.g. {de: DE}")


def _seed(seed: str) -> tuple[str, str] | None:
    """A seed as ``("id", UC...)`` or ``("handle", "@name")``: a channel id, an
    ``@handle``, or a ``youtube.com/channel/UC...`` / ``youtube.com/@name`` URL."""
    text = seed.strip().rstrip("/")
    if "://" in text or text.startswith(("youtube.com", "www.youtube.com")):
        path = urlsplit(text if "://" in text else f"https://{text}").path
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "channel":
            text = parts[1]
        elif parts and parts[0].startswith("@"):
            text = parts[0]
        else:
            return None
    if CHANNEL_ID.match(text):
        return "id", text
    match = _HANDLE.match(text)
    return ("handle", f"@{match.group(1)}") if match else None


class YouTube(Platform):
    """YouTube channels and their videos, through the Data API v3."""

    name = PLATFORM
    title = "YouTube"
    default_base_url = "https://www.googleapis.com"
    profile_batch_size = MAX_RESULTS  # channels.list takes up to 50 ids
    concurrency = 2
    Options = YouTubeOptions
    options: YouTubeOptions
    endpoints = ENDPOINTS
    endpoint_hosts = {"feed": FEED_HOST}
    interactions = frozenset({"views", "likes", "replies"})  # comments are the replies
    has_opt_out = False  # YouTube channels have no discoverability setting
    # YouTube API Services Developer Policies: stored API data is refreshed or deleted
    # within 30 days (`scout recrawl` deletes the channels it could not refresh in time)
    max_data_age_days = 30

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self.__key = secret_from_env(KEY_VARIABLE)
        # Units of the requests made so far (the budget is checked against these before a
        # request is made) and of the responses that came back (what Google charged).
        self._planned: Counter[str] = Counter()
        self._units: Counter[str] = Counter()
        self._feeds = 0
        self._stopped: str | None = None  # why no more requests are made

    @property
    def authenticated(self) -> bool:
        """Whether an API key is set (without one, only seeded channels' feeds are read)."""
        return self.__key is not None

    # -- quota -----------------------------------------------------------------------------

    def usage(self) -> dict[str, int]:
        """Quota units spent per method in this crawl (every API response that came back,
        errors and retries included: Google charges those too), and keyless feeds read."""
        used = {f"{method} units": n for method, n in sorted(self._units.items())}
        if self._feeds:
            used["keyless feeds (no statistics)"] = self._feeds
        return used

    def _spend(self, method: str) -> bool:
        """Count a call's units, or ``False`` (and one log line) when the daily budget or
        the quota itself is spent."""
        if self._stopped:
            return False
        cost = COSTS[method]
        budget = self.options.daily_quota
        # Requests the crawler drops (discovery once the creator budget is full) stay
        # counted here: the budget errs on the safe side.
        if sum(self._planned.values()) + cost > budget:
            if cost > 1:
                return False  # a search no longer fits; cheaper calls go on
            self._stopped = "budget"
            logger.warning("youtube: daily quota budget of %d units reached (%s); no more "
                           "YouTube requests in this crawl", budget, self._summary())
            return False
        self._planned[method] += cost
        return True

    def _summary(self) -> str:
        return ", ".join(f"{m} {n}" for m, n in sorted(self._planned.items()))

    def rate_limit(self, response: FetchResponse) -> RateLimit | None:
        """Google sends no rate-limit headers; the crawler calls this once for every
        response, so this is where the units each answered call cost are counted."""
        try:
            kind, _ = self.endpoint(response.url)
        except MalformedResponse:
            kind = ""
        method = METHODS.get(kind)
        if method:
            self._units[method] += COSTS[method]
        return super().rate_limit(response)

    # -- request builders ------------------------------------------------------------------

    def _api_url(self, method: str, params: Sequence[tuple[str, str]]) -> str:
        return f"{self.base_url()}{API}/{method}?{urlencode(list(params))}"

    def _feed_url(self, channel_id: str) -> str:
        base = self.base_url() if self.settings.base_url else FEED_HOST
        return f"{base}/feeds/videos.xml?{urlencode([('channel_id', channel_id)])}"

    def _request(self, url: str, purpose: Literal["discover", "profile", "posts"],
                 **context: Any) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        headers = {"Accept": "application/json"}
        if self.__key:
            headers["X-Goog-Api-Key"] = self.__key.get_secret_value()
        return FetchRequest(url=url, platform=self.name, purpose=purpose, depth=depth,
                            creator_id=creator_id, headers=headers, context=context)

    def _feed_request(self, channel_id: str) -> FetchRequest:
        """The keyless feed: a public document (robots.txt applies), no key sent."""
        self._feeds += 1
        return FetchRequest(url=self._feed_url(channel_id), platform=self.name,
                            purpose="profile", api=False,
                            headers={"Accept": "application/atom+xml, text/xml"},
                            context={"via": "seed", "keep_text": True})

    def _search(self, term: str, kind: str, language: str | None, page: int,
                token: str | None = None) -> FetchRequest | None:
        if not self._spend("search.list"):
            return None
        params = [("part", "snippet"), ("type", kind), ("q", term),
                  ("maxResults", str(self.options.page_size))]
        if language:
            params.append(("relevanceLanguage", language))
            region = self.options.regions.get(language)
            if region:
                params.append(("regionCode", region))
        if token:
            params.append(("pageToken", token))
        return self._request(self._api_url("search", params), "discover",
                             via=f"search:{term}", page=page)

    def _channels(self, key: str, value: str, purpose: Literal["discover", "profile"],
                  **context: Any) -> FetchRequest | None:
        if not self._spend("channels.list"):
            return None
        params = [("part", CHANNEL_PARTS), (key, value)]
        if key == "id":
            params.append(("maxResults", str(MAX_RESULTS)))
        return self._request(self._api_url("channels", params), purpose, **context)

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        seeds = [s for s in map(_seed, niche.seeds.get(self.name, [])) if s]
        if not self.authenticated:
            ids = [value for kind, value in seeds if kind == "id"]
            logger.warning("%s%s", no_key(self.name, self.title, [KEY_VARIABLE]),
                           f" (reading the keyless feeds of {len(ids)} seeded channels: recent "
                           "videos, no statistics)" if ids else "")
            for channel_id in ids:
                yield self._feed_request(channel_id)
            return
        for kind, value in seeds:
            request = self._channels("id" if kind == "id" else "forHandle", value, "profile",
                                     via="seed")
            if request:
                yield request
        terms = [(lang if lang != "default" else None, term)
                 for lang, words in niche.keywords.items() for term in words]
        for language, term in terms[: self.options.max_search_terms]:
            for kind in self.options.search_types:
                request = self._search(term, kind, language or _first(niche.languages), 1)
                if request:
                    yield request

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        """Channels by id, 50 a call; a channel known by its handle only (a link in another
        platform's profile) needs a call of its own (``forHandle``)."""
        ids = [c.ref.native_id for c in candidates if c.ref.native_id]
        if ids:
            first = candidates[0]
            request = self._channels("id", ",".join(ids), "profile", via=first.via,
                                     depth=first.depth)
            if request:
                yield request
        for candidate in candidates:
            handle = candidate.ref.lookup.get("handle")
            if not candidate.ref.native_id and handle:
                request = self._channels("forHandle", handle, "profile", via=candidate.via,
                                         depth=candidate.depth)
                if request:
                    yield request

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """YouTube channels another platform's creator links to: ``youtube.com/channel/UC...``
        and ``youtube.com/@handle`` (not without a key: only the API reads them)."""
        if creator.platform == self.name or not self.authenticated:
            return []
        found: dict[str, Candidate] = {}
        for link, _ in links_on(creator, "youtube.com", "m."):
            seed = _seed(link)
            if seed is None:
                continue
            kind, value = seed
            ref = (channel_ref(value) if kind == "id" else CreatorRef(
                platform=self.name, handle=value.lstrip("@"), url=link,
                lookup={"handle": value}))
            found.setdefault(ref.key.lower(), Candidate(ref=ref, depth=depth,
                                                        via=f"link:{creator.id}"))
        return list(found.values())

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        if creator.lookup.get("keyless"):
            return  # the feed that made the creator carried its videos
        playlist = creator.lookup.get("uploads") or uploads_playlist(creator.native_id)
        request = self._playlist(playlist, creator.id, depth, seen=0,
                                 keep_text=not creator.flags.no_post_text)
        if request:
            yield request

    def _playlist(self, playlist: str, creator_id: str, depth: int, token: str | None = None,
                  **context: Any) -> FetchRequest | None:
        if not self._spend("playlistItems.list"):
            return None
        wanted = self.settings.max_posts - int(context.get("seen", 0))
        params = [("part", "contentDetails"), ("playlistId", playlist),
                  ("maxResults", str(max(1, min(MAX_RESULTS, wanted))))]
        if token:
            params.append(("pageToken", token))
        return self._request(self._api_url("playlistItems", params), "posts",
                             creator_id=creator_id, depth=depth, playlist=playlist, **context)

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, response: FetchResponse) -> ParseResult:
        kind, _ = self.endpoint(response.url)
        result = ParseResult()
        if kind == "feed":
            self._feed(response, result)
            return result
        data = response.json()
        # A list response leaves "items" out when nothing matched (an unknown id).
        items = data.get("items", []) if isinstance(data, dict) and "kind" in data else None
        if not isinstance(items, list):
            raise MalformedResponse(f"{kind}: expected a list response with 'items'")
        if kind == "search":
            self._search_results(response, data, items, result)
        elif kind == "channels":
            self._channel_list(response, items, result)
        elif kind == "playlist_items":
            self._playlist_items(response, data, items, result)
        else:
            self._videos(response, items, result)
        return result

    def _search_results(self, response: FetchResponse, data: dict[str, Any],
                        items: list[Any], result: ParseResult) -> None:
        request = response.request
        via = str(request.context.get("via", "search"))
        seen: set[str] = set()
        for item in items:
            ident = item.get("id") if isinstance(item, dict) else None
            snippet = item.get("snippet") if isinstance(item, dict) else None
            if not isinstance(ident, dict) or not isinstance(snippet, dict):
                result.malformed += 1
                continue
            is_channel = ident.get("kind") == "youtube#channel"
            try:
                ref = channel_ref(ident.get("channelId") if is_channel
                                  else snippet.get("channelId"))
            except EntityError:
                result.malformed += 1
                continue
            if ref.key in seen:
                continue
            seen.add(ref.key)
            # A channel found by name is the search's answer; the channel of a video about
            # the niche may be about anything: its profile must match.
            result.candidates.append(Candidate(ref=ref, depth=request.depth, via=via,
                                               needs_niche_match=not is_channel))
        token = data.get("nextPageToken")
        page = int(request.context.get("page", 1))
        if isinstance(token, str) and token and items and page < self.settings.discovery_pages:
            query = parse_qs(urlsplit(response.url).query)
            term = (query.get("q") or [""])[0]
            kind = (query.get("type") or ["channel"])[0]
            language = (query.get("relevanceLanguage") or [None])[0]
            follow = self._search(term, kind, language, page + 1, token)
            if follow:
                result.requests.append(follow.model_copy(update={"depth": request.depth}))

    def _channel_list(self, response: FetchResponse, items: list[Any],
                      result: ParseResult) -> None:
        provenance = self.provenance(response.url)
        repairs = Repairs()
        for item in items:
            try:
                result.creators.append(parse_channel(item, provenance, repairs))
            except (EntityError, ValidationError):
                result.malformed += 1
        result.repaired += repairs.count

    def _playlist_items(self, response: FetchResponse, data: dict[str, Any],
                        items: list[Any], result: ParseResult) -> None:
        request = response.request
        context = request.context
        playlist = (parse_qs(urlsplit(response.url).query).get("playlistId") or [""])[0]
        creator_id = request.creator_id or (
            f"{PLATFORM}:UC{playlist[2:]}" if playlist.startswith("UU") else None)
        ids: list[str] = []
        for item in items:
            details = item.get("contentDetails") if isinstance(item, dict) else None
            video = details.get("videoId") if isinstance(details, dict) else None
            if not isinstance(video, str) or not video:
                result.malformed += 1
                continue
            ids.append(video)
        seen = int(context.get("seen", 0))
        ids = ids[: max(0, self.settings.max_posts - seen)]
        if not ids or not self._spend("videos.list"):
            return  # an empty uploads playlist: the creator has no videos
        token = data.get("nextPageToken")
        url = self._api_url("videos", [("part", VIDEO_PARTS), ("id", ",".join(ids))])
        result.requests.append(self._request(
            url, "posts", creator_id=creator_id, depth=request.depth, playlist=playlist,
            seen=seen, keep_text=context.get("keep_text", True),
            next_page=token if isinstance(token, str) else None))

    def _videos(self, response: FetchResponse, items: list[Any], result: ParseResult) -> None:
        request = response.request
        context = request.context
        provenance = self.provenance(response.url)
        repairs = Repairs()
        keep_text = bool(context.get("keep_text", True))
        for item in items:
            try:
                result.posts.append(parse_video(item, request.creator_id, provenance,
                                                keep_text, repairs))
            except (EntityError, ValidationError):
                result.malformed += 1
        result.repaired += repairs.count
        seen = int(context.get("seen", 0)) + len(items)
        token = context.get("next_page")
        if token and items and seen < self.settings.max_posts and request.creator_id:
            follow = self._playlist(str(context.get("playlist")), request.creator_id,
                                    request.depth, str(token), seen=seen, keep_text=keep_text)
            if follow:
                result.requests.append(follow)

    def _feed(self, response: FetchResponse, result: ParseResult) -> None:
        keep_text = bool(response.request.context.get("keep_text", True))
        creator, posts, malformed, repaired = parse_feed(
            response.body, self.provenance(response.url), keep_text)
        result.creators.append(creator)
        result.posts += posts[: self.settings.max_posts]
        result.malformed += malformed
        result.repaired += repaired

    # -- refusals --------------------------------------------------------------------------

    @staticmethod
    def _reason(response: FetchResponse) -> tuple[str | None, str]:
        """The first ``error.errors[].reason`` of a Google error body, and its message."""
        try:
            error = json.loads(response.body).get("error")
        except (ValueError, AttributeError):
            return None, ""
        if not isinstance(error, dict):
            return None, ""
        errors = error.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else {}
        reason = first.get("reason") if isinstance(first, dict) else None
        message = str(error.get("message") or "")[:200]
        return (reason if isinstance(reason, str) else None), message

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Google's errors name their reason: a spent quota ends YouTube for the crawl (one
        line), a rate limit is waited out, an invalid key needs a login."""
        refusal = super().refusal(response)
        if refusal is None:
            return None
        reason, message = self._reason(response)
        kind = ERRORS.get(reason or "")
        if reason == "badRequest" and "API key" in message:
            kind = "login_required"
        if reason in ("quotaExceeded", "dailyLimitExceeded") and self._stopped != "quota":
            self._stopped = "quota"
            logger.error("youtube: the API quota is spent (%s); YouTube stops for this crawl "
                         "and can go on after the daily reset (midnight Pacific time)", reason)
        if kind is None:
            return refusal
        return refusal.model_copy(update={"kind": kind,
                                          "message": f"{reason}: {message}" if reason else
                                          message})


def _first(values: Sequence[str]) -> str | None:
    return values[0] if values else None
