"""The web platform: personal websites and blogs, read as pages and feeds.

* discovery: the niche's ``seeds.web`` URLs, and the websites in other creators' profiles
  (:meth:`Web.candidates_from_links`: a Mastodon bio link, a podcast's home page; links of
  other websites, a blogroll, only when their page matches the niche);
* profile: the page itself (:mod:`.page`): representative h-card, schema.org Person,
  OpenGraph; ``rel=me`` links; the feed it announces;
* posts: the feed (RSS, Atom, JSON Feed; see :mod:`creatorscout.plugins.feeds`), else the
  usual feed paths (``/feed``, ``/rss.xml``, ``/atom.xml``, ``/index.xml``). No likes or
  views exist; WordPress's ``slash:comments`` is kept as replies;
* respect: every request is a web fetch (``api=False``): robots.txt is obeyed and the fetch
  guard refuses private addresses; ``noindex`` in ``<meta name=robots>`` or
  ``X-Robots-Tag`` skips the site (counted); e-mail addresses are never read.

Identity evidence for the cross-platform grouping: the URLs the site claims as its owner's
(``rel="me"`` links, then JSON-LD ``sameAs``) are ``Creator.me_links`` (and first in
``Creator.links``; ``lookup["rel_me"]``/``lookup["same_as"]`` keep them apart as JSON
arrays). They are claims, not verified links: a profile that links back makes them
two-way. The page's other outbound links follow in ``links`` and never count as claims.

Stable id: ``web:<host[/path]>`` (see :mod:`.sites`). Base URL: a ``{host}`` template
(:mod:`creatorscout.plugins.hostmap`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, Final
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.feeds import (
    Feed,
    FeedError,
    FeedItem,
    category_tags,
    parse_feed,
    sniff,
)
from creatorscout.plugins.hostmap import HostTemplate, follow_redirect, is_redirect
from creatorscout.plugins.models import Creator, CreatorFlags, CreatorRef, Post, parse_count
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    Refusal,
    Skip,
)
from creatorscout.plugins.web import hrefs, html_to_text
from creatorscout.plugins.website.page import PageIdentity, homepage_noindex, read_page
from creatorscout.plugins.website.sites import origin_of, site_id, site_refusal

logger = logging.getLogger(__name__)

PLATFORM: Final = "web"
GUESSED_FEEDS: Final = ("/feed", "/rss.xml", "/atom.xml", "/index.xml")
_HTML_TYPES: Final = ("text/html", "application/xhtml+xml")
_API_URL: Final = re.compile(r"^https?://api\.|/api/|/xrpc/|/graphql|/oauth/", re.IGNORECASE)


class WebOptions(BaseModel):
    """The ``platforms.web`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    from_links: bool = Field(
        default=True, description="Read the websites linked from other creators' profiles"
    )
    link_platforms: list[str] | None = Field(
        default=None, description="Only follow links of creators on these platforms "
        "(null: all platforms of the crawl)",
    )
    skip_hosts: list[str] = Field(
        default_factory=list, description="More hosts never read as personal websites"
    )
    guess_feeds: bool = Field(
        default=True, description="Try /feed, /rss.xml, /atom.xml, /index.xml when a page "
        "announces no feed",
    )
    max_links: int = Field(default=40, ge=0, le=500, description="Outbound links kept per site")


class Web(Platform):
    """Personal websites and blogs."""

    name = "web"
    title = "Websites and blogs (h-card, JSON-LD, OpenGraph, RSS/Atom/JSON Feed)"
    default_base_url = "https://{host}"
    profile_batch_size = 1
    concurrency = 2

    Options = WebOptions
    options: WebOptions
    interactions = frozenset({"replies"})  # a comment count, where a feed gives one
    # Pages read from the links of accepted creators, of any shape: `scout parse` tries
    # this plugin only when no other claims the URL.
    catch_all = True

    @cached_property
    def hosts(self) -> HostTemplate:
        return HostTemplate(self.settings.base_url)

    @cached_property
    def _skip_hosts(self) -> frozenset[str]:
        return frozenset(h.lower().removeprefix("www.") for h in self.options.skip_hosts)

    # -- requests ----------------------------------------------------------------------------

    def _request(self, logical: str, purpose: Any, *, depth: int = 0,
                 creator_id: str | None = None, **context: Any) -> FetchRequest:
        return FetchRequest(
            url=self.hosts.fetch_url(logical), platform=self.name, purpose=purpose, api=False,
            depth=depth, creator_id=creator_id,
            context={"url": logical, "instance": urlsplit(logical).netloc.lower(), **context},
        )

    def ref(self, url: str) -> CreatorRef:
        """A reference to the website at ``url``."""
        native = site_id(url)
        return CreatorRef(platform=PLATFORM, native_id=native, handle=native, url=url,
                          lookup={"url": url})

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        for seed in niche.seeds.get(self.name, []):
            url = seed.strip()
            if "://" not in url:
                url = f"https://{url}"
            reason = site_refusal(url, self._skip_hosts)
            if reason is not None:
                logger.warning("web: seed %s skipped: %s", seed, reason)
                continue
            yield self._request(url, "profile", via="seed", creator_id=self.ref(url).id)

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        for candidate in candidates:
            url = candidate.ref.lookup.get("url") or candidate.ref.url
            if url:
                yield self._request(url, "profile", depth=candidate.depth, via=candidate.via,
                                    creator_id=candidate.ref.id,
                                    needs_match=candidate.needs_niche_match)

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        feed = creator.lookup.get("feed")
        guesses: list[str] = []
        # Guess only on a site's root: a profile page on a shared host (a link-in-bio
        # page) has no feed of its own at /feed.
        if (not feed and self.options.guess_feeds and creator.profile_url
                and urlsplit(creator.profile_url).path in ("", "/")):
            origin = origin_of(creator.profile_url)
            guesses = [origin + path for path in GUESSED_FEEDS]
            feed = guesses.pop(0)
        if not feed:
            return
        yield self._request(feed, "posts", depth=depth, creator_id=creator.id, feed=feed,
                            guesses=guesses, seen=0,
                            keep_text=not creator.flags.no_post_text)

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Websites among a creator's links: verified links first, then the others."""
        options = self.options
        if not options.from_links:
            return []
        if options.link_platforms is not None and creator.platform not in \
                options.link_platforms:
            return []
        found: dict[str, Candidate] = {}
        own = creator.id
        for link in [*creator.verified_links, *creator.links]:
            if site_refusal(link, self._skip_hosts) is not None:
                continue
            ref = self.ref(link)
            if ref.id == own or ref.key in found:
                continue
            # A website's outbound links (a blogroll) are other people's: keep them only
            # when their page is about the niche. Other platforms link the owner's site.
            found[ref.key] = Candidate(ref=ref, depth=depth, via=f"link:{creator.platform}",
                                       needs_niche_match=creator.platform == PLATFORM)
        return list(found.values())

    # -- responses ---------------------------------------------------------------------------

    def _logical(self, response: FetchResponse) -> str:
        return str(response.request.context.get("url") or self.hosts.logical_url(response.url))

    def owns_url(self, url: str) -> bool:
        """Any http(s) URL under the base URL that is not an API endpoint (``api.*`` hosts,
        ``/api/``, ``/xrpc/``...): web pages have no fixed shape, so other plugins' API
        URLs are left to them. Name it with ``--platform web`` when in doubt."""
        if not (self.hosts.owns(url) and url.startswith(("http://", "https://"))):
            return False
        return _API_URL.search(self.hosts.logical_url(url)) is None

    def refusal(self, response: FetchResponse) -> Refusal | None:
        if is_redirect(response):
            return None  # followed in parse(), through the fetch guard
        return super().refusal(response)

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """A guessed feed path that is not there: try the next one."""
        if refusal.kind in ("gone", "blocked", "server_error"):
            return self._next_guess(response.request)
        return None

    def _next_guess(self, request: FetchRequest) -> ParseResult | None:
        guesses = list(request.context.get("guesses") or [])
        if request.purpose != "posts" or not guesses:
            return None
        feed = guesses.pop(0)
        follow = request.model_copy(update={
            "url": self.hosts.fetch_url(feed),
            "context": {**request.context, "url": feed, "feed": feed, "guesses": guesses},
        })
        return ParseResult(requests=[follow])

    def parse(self, response: FetchResponse) -> ParseResult:
        if is_redirect(response):
            follow = follow_redirect(response, self.hosts)
            return ParseResult(requests=[follow] if follow else [])
        request = response.request
        kind = sniff(response.body)
        content_type = (response.header("content-type") or "").split(";")[0].strip().lower()
        is_feed = kind in ("rss", "atom", "json") and content_type not in _HTML_TYPES
        if request.purpose == "posts" or (request.purpose == "discover" and is_feed):
            return self._posts(response, is_feed)  # `scout parse` of a saved feed: discover
        return self._page(response, content_type, kind)

    # -- the page ----------------------------------------------------------------------------

    def _page(self, response: FetchResponse, content_type: str, kind: str | None
              ) -> ParseResult:
        url = self._logical(response)
        request = response.request
        result = ParseResult()
        key = f"{PLATFORM}:{site_id(url)}"
        if content_type and content_type not in _HTML_TYPES and kind != "html":
            result.skipped.append(Skip(key=key, reason="not a web page"))
            return result
        try:
            page = read_page(response.body, url, homepage_noindex(response.headers),
                             self.options.max_links)
        except ValueError as exc:
            raise MalformedResponse(f"{url}: {exc}") from exc
        try:
            creator = self._creator(page, url)
        except ValidationError as exc:
            raise MalformedResponse(f"{url}: unusable page: {exc.errors()[0]['msg']}") from exc
        result.repaired += page.repaired
        if request.context.get("needs_match") and not creator.flags.opted_out:
            # Found through a website's outbound links: the spider checks the niche.
            result.candidates.append(Candidate(ref=creator.ref(), creator=creator,
                                               depth=request.depth,
                                               via=str(request.context.get("via", "link")),
                                               needs_niche_match=True))
        else:
            result.creators.append(creator)
        return result

    def _creator(self, page: PageIdentity, url: str) -> Creator:
        native = site_id(url)
        if page.canonical and urlsplit(page.canonical).hostname and site_id(page.canonical) \
                .split("/", 1)[0] == native.split("/", 1)[0]:
            native = site_id(page.canonical)  # the owner's own URL for themselves
        lookup = {"url": url}
        if page.noindex:
            flags = CreatorFlags(opted_out=True, opt_out_reason="noindex")
            return Creator(platform=PLATFORM, native_id=native, handle=native,
                           profile_url=url, flags=flags, lookup=lookup,
                           provenance=self.provenance(url))
        if page.feeds:
            lookup["feed"], lookup["feed_kind"] = page.feeds[0]
        if page.rel_me:
            lookup["rel_me"] = json.dumps(page.rel_me)
        if page.same_as:
            lookup["same_as"] = json.dumps(page.same_as)
        claimed: list[str] = []
        for link in [*page.rel_me, *page.same_as]:
            if link not in claimed:
                claimed.append(link)
        links = claimed + [link for link in page.links if link not in claimed]
        return Creator(
            platform=PLATFORM,
            native_id=native,
            handle=native,
            display_name=page.name,
            profile_url=url,
            avatar_url=page.photo,
            bio=page.note,
            followers=page.followers,  # unknown (None) unless the site publishes it
            posts_count=page.posts_count,
            languages=[page.language] if page.language else [],
            links=links,
            me_links=claimed,
            lookup=lookup,
            provenance=self.provenance(url),
        )

    # -- the feed ----------------------------------------------------------------------------

    def _posts(self, response: FetchResponse, is_feed: bool) -> ParseResult:
        request = response.request
        url = self._logical(response)
        if not is_feed:
            # An HTML page where a feed was guessed: a soft 404. Try the next path.
            retry = self._next_guess(request)
            if retry is not None:
                return retry
            raise MalformedResponse(f"{url}: not a feed")
        try:
            feed = parse_feed(response.body, url)
        except FeedError as exc:
            retry = self._next_guess(request)
            if retry is not None:
                return retry
            raise MalformedResponse(f"{url}: {exc}") from exc
        creator_id = request.creator_id or f"{PLATFORM}:{site_id(feed.link or url)}"
        own_host = site_id(feed.link or url).split("/", 1)[0]
        keep_text = bool(request.context.get("keep_text", True))
        seen = int(request.context.get("seen", 0))
        provenance = self.provenance(url)
        result = ParseResult(malformed=feed.malformed)
        for item in feed.items:
            if seen >= self.settings.max_posts:
                break
            post = self._post(item, feed, creator_id, own_host, keep_text, provenance, result)
            if post is not None:
                result.posts.append(post)
                seen += 1
        if feed.next_url and feed.items and seen < self.settings.max_posts:
            result.requests.append(request.model_copy(update={
                "url": self.hosts.fetch_url(feed.next_url),
                "context": {**request.context, "url": feed.next_url, "seen": seen,
                            "guesses": []},
            }))
        return result

    def _post(self, item: FeedItem, feed: Feed, creator_id: str, own_host: str,
              keep_text: bool, provenance: Any, result: ParseResult) -> Post | None:
        key = item.id or item.link or (item.title or "") + (item.summary or "")[:200]
        if item.bad_date:
            result.repaired += 1
        html = item.content or item.summary
        text = "\n\n".join(p for p in (item.title, html_to_text(html)) if p)
        try:
            replies = parse_count(item.comments)
        except ValueError:
            replies = None
            result.repaired += 1
        links = hrefs(html, skip_classes=())
        mentions: list[CreatorRef] = []
        for link in links:
            if site_refusal(link, self._skip_hosts) is not None:
                continue
            ref = self.ref(link)
            if ref.native_id and ref.native_id.split("/", 1)[0] != own_host and all(
                    m.key != ref.key for m in mentions):
                mentions.append(ref)
        language = item.language or feed.language
        native = creator_id.split(":", 1)[1]
        try:
            return Post(
                platform=PLATFORM,
                native_id=f"{native}#{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}",
                creator_id=creator_id,
                url=item.link,
                created_at=item.published or item.updated,
                text=(text or None) if keep_text else None,
                language=language.lower().split("-")[0] if language else None,
                replies=replies,
                hashtags=category_tags(item.categories),
                mentions=mentions[:10],
                links=links,
                provenance=provenance,
            )
        except ValidationError:
            result.malformed += 1
            return None
