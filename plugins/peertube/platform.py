"""The PeerTube platform: channels found through the search API, their recent videos.

Endpoints (PeerTube REST API, ``support/doc/api/openapi.yaml``; no login needed to read):

* discovery, on every configured instance (``platforms.peertube.instances``):
  ``GET /api/v1/search/video-channels?search=`` (niche keywords),
  ``GET /api/v1/search/videos?search=`` (the channels of matching videos) and
  ``GET /api/v1/videos?tagsOneOf=`` (the channels of videos with the niche's hashtags);
  on the network-wide search index when one is configured (``search_index``, e.g.
  SepiaSearch at ``sepiasearch.org``, which serves the same search API), the two search
  endpoints, hashtags searched with ``tagsOneOf``;
* profiles: ``GET /api/v1/video-channels/{name}`` on the channel's own host, where its
  numbers are authoritative ("as seen by this instance" elsewhere); if the host refuses,
  ``GET /api/v1/video-channels/{name@host}`` on the instance that showed it to us;
* posts: ``GET /api/v1/video-channels/{handle}/videos?sort=-publishedAt``, paginated with
  ``start``/``count`` (at most 100) until ``total`` or ``--max-posts``.

Limits: 50 requests per 10 seconds per IP on ``/api/v1/*`` by default (admins can change
it), announced in ``X-RateLimit-Limit/Remaining/Reset`` (unix time) and ``Retry-After``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Provenance
from creatorscout.plugins.peertube.entities import (
    PLATFORM,
    EntityError,
    Repairs,
    channel_ref,
    parse_actor,
    parse_video,
)
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    Refusal,
    Skip,
)

logger = logging.getLogger(__name__)

ENDPOINTS = [
    Endpoint("search_channels", r"/api/v1/search/video-channels$"),
    Endpoint("search_videos", r"/api/v1/search/videos$"),
    Endpoint("videos", r"/api/v1/videos$"),
    Endpoint("channel_videos", r"/api/v1/video-channels/(?P<handle>[^/?#]+)/videos$"),
    Endpoint("channel", r"/api/v1/video-channels/(?P<handle>[^/?#]+)$"),
    Endpoint("account_videos", r"/api/v1/accounts/(?P<handle>[^/?#]+)/videos$"),
    # Mastodon has this path too: `scout parse` tries both and keeps the one that parses.
    Endpoint("account", r"/api/v1/accounts/(?P<handle>[^/?#]+)$"),
]
_HOST = re.compile(r"^[a-z0-9.-]+(:\d+)?$")
MAX_COUNT = 100  # PeerTube's pagination maximum for `count`
TAGS_PER_REQUEST = 5  # tagsOneOf takes at most 5 tags (isVideoTagsValid)


def _host(value: str) -> str:
    host = value.strip().lower()
    if not _HOST.match(host):
        raise ValueError(
            f"'{value}' is not a host name: write it like 'framatube.org', without https://"
        )
    return host


Host = Annotated[str, AfterValidator(_host)]


class PeerTubeOptions(BaseModel):
    """The ``platforms.peertube`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    instances: list[Host] = Field(
        default_factory=list,
        description="PeerTube servers whose search API is read (host names)",
    )
    search_index: Host | None = Field(
        default=None,
        description="Host of a network-wide PeerTube search index with the same search API "
        "(SepiaSearch: sepiasearch.org); off when not set",
    )
    search_channels: bool = Field(default=True, description="Search channels by keyword")
    search_videos: bool = Field(
        default=True, description="Search videos by keyword and keep their channels"
    )
    tag_videos: bool = Field(
        default=True, description="Read videos tagged with the niche's hashtags"
    )
    max_search_terms: int = Field(default=5, ge=0, description="Keywords/hashtags per source")
    page_size: int = Field(default=50, ge=1, le=MAX_COUNT, description="Results per page")
    home_lookup: bool = Field(
        default=True,
        description="Read channels on their own host, where their numbers are authoritative",
    )



def _with_params(url: str, **updates: str) -> str:
    """``url`` with some query parameters replaced (others kept in order)."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
              if k not in updates]
    params += list(updates.items())
    return urlunsplit(parts._replace(query=urlencode(params)))


class PeerTube(Platform):
    """PeerTube video channels (a federated video platform)."""

    name = PLATFORM
    title = "PeerTube"
    default_base_url = "https://{instance}"
    profile_batch_size = 1  # no batch endpoint for channels
    concurrency = 2
    Options = PeerTubeOptions
    options: PeerTubeOptions
    endpoints = ENDPOINTS
    interactions = frozenset({"likes", "replies", "views"})

    # -- request builders ------------------------------------------------------------------

    def _url(self, instance: str, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
        query = f"?{urlencode(list(params))}" if params else ""
        return f"{self.base_url(instance)}{path}{query}"

    def _request(self, url: str, purpose: Literal["discover", "profile", "posts"],
                 instance: str, **context: Any) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        return FetchRequest(url=url, platform=self.name, purpose=purpose, depth=depth,
                            creator_id=creator_id, context={"instance": instance, **context})

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        options = self.options
        seeds = niche.seeds.get(self.name, [])
        if not options.instances and not options.search_index and not seeds:
            logger.warning(
                "peertube: niche '%s' sets no platforms.peertube.instances or search_index "
                "and no seeds: nothing to discover", niche.name,
            )
        for instance in options.instances:
            yield from self._searches(instance, niche, index=False)
        if options.search_index:
            yield from self._searches(options.search_index, niche, index=True)
        for seed in seeds:
            name, _, host = seed.strip().lstrip("@").partition("@")
            if not name or not host:
                logger.warning("peertube: seed '%s' is not channel@host; skipped", seed)
                continue
            url = self._url(host.lower(), f"/api/v1/video-channels/{quote(name, safe='')}")
            yield self._request(url, "profile", host.lower(), via="seed")

    def _searches(self, host: str, niche: Niche, index: bool) -> Iterable[FetchRequest]:
        options = self.options
        count = str(options.page_size)
        terms = niche.all_keywords()[: options.max_search_terms]
        tags = niche.hashtags[: options.max_search_terms]
        common = {"index": index, "page": 1}
        if options.search_channels:
            for term in terms:
                url = self._url(host, "/api/v1/search/video-channels",
                                [("search", term), ("start", "0"), ("count", count)])
                yield self._request(url, "discover", host, via=f"search:{term}", **common)
        if options.search_videos:
            for term in terms:
                url = self._url(host, "/api/v1/search/videos",
                                [("search", term), ("sort", "-publishedAt"), ("start", "0"),
                                 ("count", count)])
                yield self._request(url, "discover", host, via=f"videos:{term}", **common)
        if not options.tag_videos:
            return
        if index:
            # The search API requires `search`; a search index has no /api/v1/videos.
            for tag in tags:
                url = self._url(host, "/api/v1/search/videos",
                                [("search", tag), ("tagsOneOf", tag), ("sort", "-publishedAt"),
                                 ("start", "0"), ("count", count)])
                yield self._request(url, "discover", host, via=f"tag:{tag}", **common)
            return
        for start in range(0, len(tags), TAGS_PER_REQUEST):
            chunk = tags[start : start + TAGS_PER_REQUEST]
            params = [("tagsOneOf", tag) for tag in chunk]
            params += [("sort", "-publishedAt"), ("start", "0"), ("count", count)]
            url = self._url(host, "/api/v1/videos", params)
            yield self._request(url, "discover", host, via=f"tag:{chunk[0]}", **common)

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        for candidate in candidates:
            lookup = candidate.ref.lookup
            name, host = lookup.get("name"), lookup.get("host")
            if not name or not host:
                continue
            kind = "accounts" if lookup.get("kind") == "account" else "video-channels"
            seen_on = lookup.get("instance") or ""
            if self.options.home_lookup or not seen_on or seen_on == host:
                url = self._url(host, f"/api/v1/{kind}/{quote(name, safe='')}")
                fallback = seen_on if seen_on and seen_on != host else ""
                yield self._request(url, "profile", host, via=candidate.via,
                                    depth=candidate.depth, creator_id=candidate.ref.id,
                                    fallback_instance=fallback)
            else:
                url = self._url(seen_on, f"/api/v1/{kind}/{quote(f'{name}@{host}', safe='@')}")
                yield self._request(url, "profile", seen_on, via=candidate.via,
                                    depth=candidate.depth, creator_id=candidate.ref.id)

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        lookup = creator.lookup
        instance, name, host = lookup.get("instance"), lookup.get("name"), lookup.get("host")
        if not instance or not name or not host:
            return
        handle = name if instance == host else f"{name}@{host}"
        kind = "accounts" if lookup.get("kind") == "account" else "video-channels"
        count = min(MAX_COUNT, self.settings.max_posts)
        url = self._url(instance, f"/api/v1/{kind}/{quote(handle, safe='@')}/videos",
                        [("sort", "-publishedAt"), ("start", "0"), ("count", str(count))])
        yield self._request(url, "posts", instance, creator_id=creator.id, depth=depth,
                            seen=0, keep_text=not creator.flags.no_post_text)

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, response: FetchResponse) -> ParseResult:
        kind, _ = self.endpoint(response.url)
        context = response.request.context
        instance = str(context.get("instance") or self.instance_of(response.url))
        data = response.json()
        provenance = self.provenance(response.url)
        result = ParseResult()
        if kind in ("channel", "account"):
            self._profile(data, instance, provenance, result)
        elif kind in ("channel_videos", "account_videos"):
            self._videos(response, data, self._list(data, kind), instance, provenance, result)
        else:
            items = self._list(data, kind)
            if kind == "search_channels":
                self._channels(response, items, instance, provenance, result)
            else:
                self._video_channels(response, items, instance, result)
            self._next_page(response, data, len(items), result)
        return result

    @staticmethod
    def _list(data: Any, kind: str) -> list[Any]:
        """The ``data`` array of a ``{total, data}`` list response."""
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise MalformedResponse(f"{kind}: expected {{total, data: [...]}}")
        return items

    def _profile(self, data: Any, instance: str, provenance: Provenance,
                 result: ParseResult) -> None:
        repairs = Repairs()
        try:
            creator = parse_actor(data, instance, provenance, self.base_url(instance), repairs)
        except (EntityError, ValidationError) as exc:
            raise MalformedResponse(f"profile: {exc}") from exc
        result.repaired += repairs.count
        if creator.flags.opted_out:
            result.skipped.append(Skip(key=creator.id, reason=creator.flags.opt_out_reason
                                       or "opted out"))
        else:
            result.creators.append(creator)

    def _channels(self, response: FetchResponse, items: list[Any], instance: str,
                  provenance: Provenance, result: ParseResult) -> None:
        request = response.request
        index = bool(request.context.get("index"))
        via = str(request.context.get("via", "search"))
        repairs = Repairs()
        seen: set[str] = set()
        for raw in items:
            try:
                creator = parse_actor(raw, instance, provenance, self.base_url(instance),
                                      repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            if creator.id in seen:
                continue
            seen.add(creator.id)
            if creator.flags.opted_out:
                result.skipped.append(Skip(key=creator.id,
                                           reason=creator.flags.opt_out_reason or "opted out"))
                continue
            host = creator.lookup["host"]
            ref = creator.ref()
            if index:  # an index's copy is not a server's answer: read the channel's host
                ref.lookup["instance"] = ""
            # A channel's numbers are authoritative on its own host only.
            authoritative = not index and (host == instance or not self.options.home_lookup)
            result.candidates.append(Candidate(
                ref=ref, depth=request.depth, via=via,
                creator=creator if authoritative else None,
            ))
        result.repaired += repairs.count

    def _video_channels(self, response: FetchResponse, items: list[Any], instance: str,
                        result: ParseResult) -> None:
        request = response.request
        index = bool(request.context.get("index"))
        via = str(request.context.get("via", "videos"))
        seen: set[str] = set()
        for video in items:
            try:
                ref = channel_ref(video.get("channel") if isinstance(video, dict) else None,
                                  instance)
            except EntityError:
                result.malformed += 1
                continue
            if ref.key in seen:
                continue
            seen.add(ref.key)
            if index:
                ref.lookup["instance"] = ""
            result.candidates.append(Candidate(ref=ref, depth=request.depth, via=via))

    def _next_page(self, response: FetchResponse, data: Any, count: int,
                   result: ParseResult) -> None:
        request = response.request
        page = int(request.context.get("page", 1))
        start = int(dict(parse_qsl(urlsplit(response.url).query)).get("start") or 0)
        total = data.get("total") if isinstance(data, dict) else None
        if page >= self.settings.discovery_pages or count == 0:
            return
        if not isinstance(total, int) or start + count >= total:
            return
        url = _with_params(response.url, start=str(start + count))
        result.requests.append(request.model_copy(
            update={"url": url, "context": {**request.context, "page": page + 1}}))

    def _videos(self, response: FetchResponse, data: Any, items: list[Any], instance: str,
                provenance: Provenance, result: ParseResult) -> None:
        request = response.request
        context = request.context
        creator_id = request.creator_id
        if creator_id is None:  # `scout parse` on a saved page: the channel is in each video
            first = next((v for v in items if isinstance(v, dict)), {})
            try:
                creator_id = channel_ref(first.get("channel"), instance).id
            except EntityError:
                creator_id = None
            creator_id = creator_id or f"{PLATFORM}:unknown"
        keep_text = bool(context.get("keep_text", True))
        seen = int(context.get("seen", 0))
        repairs = Repairs()
        web_base = self.base_url(instance)
        for raw in items:
            if seen >= self.settings.max_posts:
                break
            try:
                post = parse_video(raw, creator_id, provenance, keep_text, web_base, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            seen += 1
            result.posts.append(post)
        result.repaired += repairs.count
        total = data.get("total") if isinstance(data, dict) else None
        start = int(dict(parse_qsl(urlsplit(response.url).query)).get("start") or 0)
        if (items and seen < self.settings.max_posts and isinstance(total, int)
                and start + len(items) < total):
            url = _with_params(response.url, start=str(start + len(items)))
            result.requests.append(request.model_copy(
                update={"url": url, "context": {**context, "seen": seen}}))

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """When a channel's host will not answer, read the channel where we saw it."""
        context = response.request.context
        fallback = context.get("fallback_instance")
        kind, groups = self.endpoint(response.url)
        if kind not in ("channel", "account") or not fallback or refusal.kind == "gone":
            return None
        home = self.instance_of(response.url)
        handle = f"{groups['handle']}@{home}"
        path = "accounts" if kind == "account" else "video-channels"
        url = self._url(fallback, f"/api/v1/{path}/{quote(handle, safe='@')}")
        request = response.request.model_copy(update={
            "url": url, "context": {"instance": fallback, "via": context.get("via")}})
        return ParseResult(requests=[request])
