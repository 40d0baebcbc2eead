"""The podcasts platform: shows found in directories, read from their own RSS feeds.

* discovery: the iTunes Search API for each niche keyword in each store of the niche's
  languages (``countries``), and Podcast Index ``search/byterm`` when
  ``PODCASTINDEX_API_KEY`` and ``PODCASTINDEX_API_SECRET`` are set; seeds are feed URLs
  or Apple Podcasts URLs; Apple Podcasts links in other creators' profiles are followed;
* profile and posts: one request, the show's feed (a web fetch: robots.txt applies and the
  fetch guard checks the host): the show is the creator, its newest episodes the posts;
* respect: ``podcast:block``/``itunes:block`` shows are skipped and counted (see
  :mod:`.show`); owner e-mail addresses are never read.

Stable id: ``podcasts:<podcast:guid>``, the GUID the feed declares or the one the
Podcasting 2.0 spec derives from its URL (see :func:`.show.feed_guid`).

Base URL: a ``{host}`` template (see :mod:`creatorscout.plugins.hostmap`): directories and
feeds are all fetched through it, so ``--base-url podcasts=http://127.0.0.1:PORT/web/{host}``
reads everything from the sandbox.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import cached_property
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.feeds import FeedError, parse_feed, sniff
from creatorscout.plugins.hostmap import HostTemplate, follow_redirect, is_redirect
from creatorscout.plugins.models import Creator, CreatorRef, utc_now
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    FetchResponse,
    Interaction,
    MalformedResponse,
    ParseResult,
    Platform,
    RateLimit,
    Refusal,
    parse_rate_limit_headers,
)
from creatorscout.plugins.podcasts.directory import (
    DirectoryError,
    itunes_results,
    podcast_index_credentials,
    podcast_index_feeds,
    podcast_index_headers,
)
from creatorscout.plugins.podcasts.show import (
    PLATFORM,
    episode_blocked,
    episode_post,
    feed_guid,
    feed_handle,
    show_creator,
)

logger = logging.getLogger(__name__)

ITUNES_HOST: Final = "itunes.apple.com"
PODCAST_INDEX_HOST: Final = "api.podcastindex.org"
PODCAST_INDEX_PATH: Final = "/api/1.0"
_APPLE_PODCAST: Final = re.compile(
    r"^https?://(?:podcasts|itunes)\.apple\.com/(?:[a-z]{2}/)?podcast/(?:[^/]+/)?id(\d+)"
)
_PODCAST_FEED: Final = re.compile(
    r"^https?://(?:feeds?\.[^/]+|[^/]*podcast[^/]*)/|/podcasts?/|\.rss$", re.IGNORECASE
)
STORES: Final = {
    "en": ["US", "GB"], "de": ["DE"], "he": ["IL"], "ar": ["SA", "EG"], "ka": ["GE"],
    "ru": ["RU"], "fr": ["FR"], "es": ["ES", "MX"], "it": ["IT"], "pt": ["BR", "PT"],
    "nl": ["NL"], "pl": ["PL"], "tr": ["TR"], "ja": ["JP"], "ko": ["KR"], "zh": ["TW"],
    "uk": ["UA"],
}
"""Default iTunes stores per language: a German keyword is searched in the German store."""


class PodcastsOptions(BaseModel):
    """The ``platforms.podcasts`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    itunes: bool = Field(default=True, description="Search the iTunes Search API (keyless)")
    countries: dict[str, list[str]] = Field(
        default_factory=dict,
        description="iTunes stores (two-letter codes) per niche language; languages not "
        "listed use the built-in defaults (en: US, GB; de: DE; he: IL...)",
    )
    max_search_terms: int = Field(default=3, ge=0, le=20,
                                  description="Keywords searched per language")
    results_per_search: int = Field(default=50, ge=1, le=200,
                                    description="iTunes 'limit' (documented maximum 200)")
    podcast_index: bool | None = Field(
        default=None,
        description="Also search Podcast Index: null = when its key is set, true = warn "
        "when it is not, false = never",
    )
    podcast_index_max: int = Field(default=40, ge=1, le=1000,
                                   description="Podcast Index 'max' per search")

    def stores(self, language: str) -> list[str]:
        return [c.upper() for c in self.countries.get(language, STORES.get(language, ["US"]))]


class Podcasts(Platform):
    """Podcasts: iTunes and Podcast Index for discovery, the RSS feed for everything else."""

    name = "podcasts"
    title = "Podcasts (RSS feeds; iTunes Search API, Podcast Index)"
    default_base_url = "https://{host}"
    profile_batch_size = 1
    concurrency = 2

    Options = PodcastsOptions
    options: PodcastsOptions
    interactions: frozenset[Interaction] = frozenset()  # a feed publishes no counts
    has_followers = False  # podcasts publish no audience size

    @cached_property
    def hosts(self) -> HostTemplate:
        return HostTemplate(self.settings.base_url)

    @cached_property
    def _credentials(self) -> tuple[str, str] | None:
        wanted = self.options.podcast_index
        credentials = podcast_index_credentials() if wanted is not False else None
        if credentials is None and wanted is not False:
            log = logger.warning if wanted else logger.info
            log("podcasts: Podcast Index not searched: set PODCASTINDEX_API_KEY and "
                "PODCASTINDEX_API_SECRET (free at api.podcastindex.org) to add it")
        return credentials

    # -- requests ----------------------------------------------------------------------------

    def _request(self, logical: str, purpose: Any, *, api: bool, depth: int = 0,
                 creator_id: str | None = None, headers: dict[str, str] | None = None,
                 **context: Any) -> FetchRequest:
        return FetchRequest(
            url=self.hosts.fetch_url(logical), platform=self.name, purpose=purpose, api=api,
            depth=depth, creator_id=creator_id, headers=headers or {},
            context={"url": logical, "instance": urlsplit(logical).netloc.lower(), **context},
        )

    def _itunes(self, path: str, params: list[tuple[str, str]], purpose: Any,
                **context: Any) -> FetchRequest:
        logical = f"https://{ITUNES_HOST}{path}?{urlencode(params)}"
        return self._request(logical, purpose, api=True, **context)

    def _podcast_index(self, path: str, params: list[tuple[str, str]],
                       credentials: tuple[str, str], **context: Any) -> FetchRequest:
        logical = f"https://{PODCAST_INDEX_HOST}{PODCAST_INDEX_PATH}{path}?{urlencode(params)}"
        return self._request(logical, "discover", api=True,
                             headers=podcast_index_headers(*credentials), **context)

    def feed_request(self, feed_url: str, *, depth: int = 0, via: str = "feed",
                     creator_id: str | None = None,
                     directory: dict[str, str] | None = None) -> FetchRequest:
        """The request for a show's feed (a web fetch: robots.txt applies)."""
        return self._request(feed_url, "profile", api=False, depth=depth,
                             creator_id=creator_id, via=via, feed=feed_url,
                             directory=dict(directory or {}))

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        options = self.options
        languages = niche.languages or sorted(niche.keywords) or ["en"]
        for language in languages:
            terms = niche.keywords.get(language, [])[: options.max_search_terms]
            if options.itunes:
                for term in terms:
                    for country in options.stores(language):
                        params = [("term", term), ("media", "podcast"), ("entity", "podcast"),
                                  ("country", country), ("limit", str(options.results_per_search))]
                        yield self._itunes("/search", params, "discover",
                                           via=f"itunes:{term}:{country}")
            credentials = self._credentials
            if credentials is not None:
                for term in terms:
                    params = [("q", term), ("max", str(options.podcast_index_max))]
                    yield self._podcast_index("/search/byterm", params, credentials,
                                              via=f"podcastindex:{term}")
        for seed in niche.seeds.get(self.name, []):
            yield from self._seed(seed.strip())

    def _seed(self, seed: str) -> Iterable[FetchRequest]:
        apple = _APPLE_PODCAST.match(seed)
        if apple:
            yield self._itunes("/lookup", [("id", apple.group(1)), ("entity", "podcast")],
                               "discover", via="seed")
        elif seed.startswith(("http://", "https://")):
            yield self.feed_request(seed, via="seed")
        else:
            logger.warning("podcasts: seed %r is neither a feed URL nor an Apple Podcasts "
                           "URL; skipped", seed)

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        for candidate in candidates:
            lookup = candidate.ref.lookup
            if lookup.get("feed"):
                yield self.feed_request(lookup["feed"], depth=candidate.depth,
                                        via=candidate.via, creator_id=candidate.ref.id,
                                        directory=lookup)
            elif lookup.get("itunes_id"):
                yield self._itunes("/lookup", [("id", lookup["itunes_id"]),
                                               ("entity", "podcast")],
                                   "profile", depth=candidate.depth, via=candidate.via)

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        """Nothing: the episodes came with the feed that made the creator."""
        return []

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Apple Podcasts pages linked from any creator's profile."""
        found = []
        for link in [*creator.verified_links, *creator.links]:
            match = _APPLE_PODCAST.match(link)
            if match:
                ref = CreatorRef(platform=PLATFORM, url=link,
                                 lookup={"itunes_id": match.group(1)})
                found.append(Candidate(ref=ref, depth=depth, via=f"link:{creator.platform}"))
        return found

    # -- responses ---------------------------------------------------------------------------

    def _logical(self, response: FetchResponse) -> str:
        return str(response.request.context.get("url") or self.hosts.logical_url(response.url))

    def owns_url(self, url: str) -> bool:
        if not self.hosts.owns(url):
            return False
        logical = self.hosts.logical_url(url)
        host = urlsplit(logical).netloc.lower()
        if host in (ITUNES_HOST, PODCAST_INDEX_HOST) or _APPLE_PODCAST.match(logical):
            return True
        # Feeds have no fixed shape; these look like podcast feeds (for `scout parse`;
        # name the platform with --platform podcasts for any other feed URL).
        return _PODCAST_FEED.search(logical) is not None

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Redirects are followed in :meth:`parse`. iTunes reportedly answers 403 when
        called too often (Apple documents no error format): it stays a 'blocked' refusal,
        and the live pace (:meth:`rate_limit`) is what keeps it from happening."""
        if is_redirect(response):
            return None
        return super().refusal(response)

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """Podcast Index rejects a stale ``X-Auth-Date`` with 401: sign again, once."""
        request = response.request
        logical = self._logical(response)
        credentials = podcast_index_credentials()
        if (refusal.kind == "login_required" and PODCAST_INDEX_HOST in logical
                and credentials is not None and not request.context.get("resigned")):
            headers = {**request.headers, **podcast_index_headers(*credentials)}
            again = request.model_copy(update={
                "headers": headers, "context": {**request.context, "resigned": True}})
            return ParseResult(requests=[again])
        return None

    def rate_limit(self, response: FetchResponse) -> RateLimit | None:
        """The platform's headers when it sends any; else, for the live directories, their
        documented pace (iTunes about 20 calls a minute, Podcast Index about 1 a second)."""
        found = parse_rate_limit_headers(response.headers)
        if found is not None or not self.hosts.direct:
            return found
        host = urlsplit(self._logical(response)).netloc.lower()
        pace = {ITUNES_HOST: 3.0, PODCAST_INDEX_HOST: 1.0}.get(host)
        if pace is None:
            return None
        return RateLimit(remaining=1, reset_at=utc_now() + timedelta(seconds=pace))

    def parse(self, response: FetchResponse) -> ParseResult:
        request = response.request
        if is_redirect(response):
            follow = follow_redirect(response, self.hosts)
            if follow is None:
                logger.info("podcasts: not following the redirect of %s (loop or too many "
                            "hops)", response.url)
            return ParseResult(requests=[follow] if follow else [])
        logical = self._logical(response)
        host = urlsplit(logical).netloc.lower()
        via = str(request.context.get("via", request.purpose))
        depth = request.depth
        if host == ITUNES_HOST:
            try:
                return itunes_results(response.json(), depth, via)
            except DirectoryError as exc:
                raise MalformedResponse(str(exc)) from exc
        if host == PODCAST_INDEX_HOST:
            try:
                return podcast_index_feeds(response.json(), depth, via)
            except DirectoryError as exc:
                raise MalformedResponse(str(exc)) from exc
        return self._feed(response, logical)

    def _feed(self, response: FetchResponse, logical: str) -> ParseResult:
        request = response.request
        feed_url = str(request.context.get("feed") or logical)
        if sniff(response.body) == "html":
            raise MalformedResponse(f"{logical}: an HTML page, not a podcast feed")
        try:
            feed = parse_feed(response.body, logical)
        except FeedError as exc:
            raise MalformedResponse(f"{logical}: {exc}") from exc
        directory = {str(k): str(v) for k, v in
                     dict(request.context.get("directory") or {}).items()}
        directory.setdefault("guid", feed_guid(feed_url))
        result = ParseResult(malformed=feed.malformed)
        try:
            creator = show_creator(feed, feed_url, self.provenance(logical), directory)
        except ValidationError as exc:
            raise MalformedResponse(f"{logical}: unusable show: {exc.errors()[0]['msg']}") \
                from exc
        result.creators.append(creator)
        if creator.flags.opted_out:
            return result  # its episodes are not read at all
        provenance = self.provenance(logical)
        newest = sorted(feed.items, key=lambda i: i.published.timestamp() if i.published
                        else 0.0, reverse=True)
        for item in newest:
            if len(result.posts) >= self.settings.max_posts:
                break
            if item.bad_date:
                result.repaired += 1
            if episode_blocked(item):
                continue
            try:
                post = episode_post(item, creator, provenance)
            except ValidationError:
                post = None
            if post is None:
                result.malformed += 1
                continue
            result.posts.append(post)
        return result


__all__ = ["Podcasts", "PodcastsOptions", "feed_handle"]
