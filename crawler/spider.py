"""The niche spider: one spider, driven by whichever platforms are registered.

It knows nothing about any platform's API. It asks the platform plugins for requests,
hands them the responses, and keeps the crawl's books: which creators were seen, which were
accepted (at most ``max_creators``), skipped and why, and when a creator's posts are
complete so the creator can go down the pipelines.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import scrapy
from pydantic import ValidationError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from creatorscout.config.schema import Niche
from creatorscout.crawler.books import DiskQueue, DiskStore
from creatorscout.crawler.fetched import fetch_response, refusal_of
from creatorscout.crawler.guard import PluginFailed, expect, guarded, listed
from creatorscout.crawler.holds import HOLD_META
from creatorscout.crawler.items import CrawledCreator, GoneCreator
from creatorscout.crawler.summary import OUTSIDE_NICHE
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.niche import mentions_niche, niche_terms
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    Refusal,
    host_of,
)
from creatorscout.plugins.text import counting_repairs

logger = logging.getLogger(__name__)

STAT = "creatorscout"
T = TypeVar("T")
P = ParamSpec("P")


@dataclass
class Pending:
    """A creator accepted into the crawl whose posts are still being fetched."""

    creator: Creator
    via: str
    depth: int
    posts: list[Post] = field(default_factory=list)


class NicheSpider(scrapy.Spider):
    """Crawls one niche on the given platforms."""

    name = "niche"
    custom_settings: dict[str, Any] = {}
    #: Candidates whose profile requests may be queued or in flight at once
    #: (``CREATORSCOUT_PROFILE_WINDOW``). Without a window a 100,000-creator crawl queues a
    #: profile request for its whole budget at once (~2.4 KB each in Scrapy's scheduler).
    profile_window: int = 1000

    def __init__(
        self,
        niche: Niche,
        platforms: dict[str, Platform],
        max_creators: int = 200,
        snowball_depth: int = 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.niche = niche
        self.platforms = platforms
        self.max_creators = max_creators
        self.snowball_depth = snowball_depth
        # The books that grow with the crawl (several keys and candidates per creator kept)
        # live on disk, so memory stays flat on 100,000 creators (crawler/books.py).
        self.books = DiskStore()
        self.seen = self.books.set("seen")
        self.accepted = 0
        self.reserved = 0
        self.pending: dict[str, Pending] = {}
        # Candidates waiting for a profile fetch, as compact JSON, first found first fetched.
        backlogs = self.books.queues("backlog")
        self.backlog: dict[str, DiskQueue] = {name: backlogs[name] for name in platforms}
        self.awaiting_profile = self.books.set("awaiting_profile")
        #: Found by a broad source and outside the niche (kept apart from ``seen``).
        self.outside_niche = self.books.set("outside_niche")
        # The niche's words as relevance reads them (stems, compounds, ambiguous terms).
        self._niche_terms = niche_terms(niche).terms
        # One bound method for every request: Scrapy caches "is this callback a generator
        # with a return value?" in a weak-keyed cache, so a fresh bound method per request
        # makes it re-read and parse the callback's source every time (~0.5 ms a response).
        self._callback = self.on_response
        self._errback = self.on_error
        self._unreachable: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NicheSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_dropped, signal=signals.request_dropped)
        spider.profile_window = max(
            1, crawler.settings.getint("CREATORSCOUT_PROFILE_WINDOW", cls.profile_window)
        )
        return spider

    # -- bookkeeping helpers -------------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STAT}/{key}", count)

    def _guard(
        self, platform: Platform, method: str, about: str, call: Callable[P, T],
        *args: P.args, **kwargs: P.kwargs,
    ) -> T:
        """One plugin call, isolated (see :mod:`creatorscout.crawler.guard`)."""
        return guarded(self.crawler.stats, platform, method, about, call, *args, **kwargs)

    def _fetches(
        self, platform: Platform, method: str, about: str, call: Callable[P, Iterable[Any]],
        *args: P.args, **kwargs: P.kwargs,
    ) -> list[FetchRequest]:
        """A guarded plugin call that yields requests: every item must be a FetchRequest."""
        items = self._guard(platform, method, about, listed(call), *args, **kwargs)
        for item in items:
            expect(self.crawler.stats, platform, method, item, FetchRequest, about)
        return items

    def _to_scrapy(
        self, fetch: FetchRequest, *, again: bool = False, **meta: Any
    ) -> scrapy.Request:
        host = fetch.context.get("instance") or host_of(fetch.url)
        return scrapy.Request(
            fetch.url,
            method=fetch.method,
            headers=fetch.headers or None,
            body=fetch.body,
            callback=self._callback,
            errback=self._errback,
            # Discovery before snowballing, and posts of accepted creators first of all so
            # creators complete (and reach the index) early.
            priority=(20 if fetch.purpose == "posts" else 10) - fetch.depth,
            # Posts pages repeat per creator; a recovery may ask for the same URL again
            # (e.g. re-signed headers): neither must be dropped as a duplicate.
            dont_filter=again or fetch.purpose == "posts",
            meta={
                "fetch": fetch,
                "handle_httpstatus_all": True,
                # 3xx and <meta http-equiv=refresh> reach the plugin, which follows them
                # itself (it may map logical URLs onto a base URL such as the sandbox).
                "dont_redirect": True,
                "dont_obey_robotstxt": fetch.api,
                "download_slot": f"{fetch.platform}:{host}",
                **meta,
            },
        )

    def _requests(
        self, fetches: Iterable[FetchRequest], again: bool = False
    ) -> Iterator[scrapy.Request]:
        for fetch in fetches:
            if fetch.purpose in ("discover", "graph") and self.accepted >= self.max_creators:
                # The budget is full: nobody found from here on could be accepted, so more
                # discovery pages would be requests for nothing.
                self._inc(f"not_followed/{fetch.platform}/discovery after max-creators")
                continue
            self._inc(f"requests/{fetch.platform}/{fetch.purpose}")
            yield self._to_scrapy(fetch, again=again)

    # -- the crawl ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        # issue 17: every discovery request enters the scheduler at once, before the first
        # answer is handled, so the crawl's order depends on the scheduler, not on how fast
        # answers arrive: a resumed job (answers replayed from its journal) takes the same
        # path as the run it continues (crawler/jobs.py).
        assert self.crawler.engine is not None
        for request in self._start_requests():
            self.crawler.engine.crawl(request)
        return
        yield  # an async generator that yields nothing

    def _start_requests(self) -> Iterator[scrapy.Request]:
        for platform in self.platforms.values():
            try:  # one plugin's bug must not stop the other platforms
                fetches = self._fetches(platform, "discover", self.niche.name,
                                        platform.discover, self.niche)
            except PluginFailed:
                continue
            yield from self._requests(fetches)

    def on_response(self, response: Response) -> Iterator[Any]:
        fetch: FetchRequest = response.meta["fetch"]
        platform = self.platforms[fetch.platform]
        fetched = fetch_response(response.request, response)
        assert fetched is not None  # every request the spider makes carries its fetch
        self._release(response.meta)
        try:
            refusal = refusal_of(self.crawler.stats, platform, response.request, response)
            result = None
            if refusal is None:
                with counting_repairs() as repairs:  # text the models had to make valid
                    result = self._guard(platform, "parse", fetch.url, platform.parse, fetched)
                expect(self.crawler.stats, platform, "parse", result, ParseResult, fetch.url)
                result.repaired += repairs.count
        except MalformedResponse as exc:
            self._inc(f"malformed_responses/{fetch.platform}")
            logger.warning("%s: malformed response from %s: %s", fetch.platform, fetch.url, exc)
        except PluginFailed:  # counted and logged; the crawl goes on without this response
            pass
        else:
            if refusal is not None:
                yield from self._refused(platform, fetched, refusal)
            elif result is not None:
                yield from self._handle(platform, fetch, result)
            return
        yield from self._posts_done(fetch, complete=False)
        yield from self._pump()

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = getattr(failure, "request", None)
        fetch = request.meta.get("fetch") if request is not None else None
        if request is None or not isinstance(fetch, FetchRequest):
            return
        if failure.check(IgnoreRequest):  # robots.txt, the fetch guard: not a network fault
            self._inc(f"refused/{fetch.platform}/{failure.getErrorMessage() or 'ignored'}")
            logger.info("%s: %s not fetched: %s", fetch.platform, fetch.url,
                        failure.getErrorMessage())
        else:
            self._inc(f"network_errors/{fetch.platform}")
            host = host_of(fetch.url)
            if host not in self._unreachable:  # one line per host, not one per request
                self._unreachable.add(host)
                logger.warning("%s: cannot reach %s: %s (further failures there are "
                               "counted in the summary)", fetch.platform, host,
                               failure.getErrorMessage())
            else:
                logger.debug("%s: %s failed: %s", fetch.platform, fetch.url,
                             failure.getErrorMessage())
        self._release(request.meta)
        yield from self._posts_done(fetch, complete=False)
        yield from self._pump()

    def _release(self, meta: dict[str, Any]) -> None:
        """Give back the creator budget a profile request had reserved."""
        self.reserved -= int(meta.get("reserved", 0))
        meta["reserved"] = 0

    def _refused(
        self, platform: Platform, fetched: FetchResponse, refusal: Refusal
    ) -> Iterator[Any]:
        fetch = fetched.request
        self._inc(f"refused/{fetch.platform}/{refusal.kind}")
        try:
            recovery = self._guard(platform, "on_refusal", fetch.url, platform.on_refusal,
                                   fetched, refusal)
            expect(self.crawler.stats, platform, "on_refusal", recovery,
                   (ParseResult, type(None)), fetch.url)
        except PluginFailed:  # recorded as a plain refusal
            recovery = None
        if recovery is not None:
            yield from self._handle(platform, fetch, recovery, again=True)
            return
        logger.info("%s refused %s: %s (%d)", fetch.platform, fetch.url, refusal.kind,
                    refusal.status)
        if (
            fetch.purpose in ("profile", "posts")
            and fetch.creator_id
            and refusal.kind == "gone"
        ):
            self._inc(f"skipped/{fetch.platform}/gone")
            self.pending.pop(fetch.creator_id, None)  # nothing of theirs is kept
            yield GoneCreator(creator_id=fetch.creator_id, platform=fetch.platform)
        # posts refused (rate limit after every retry, an error): what was read is kept,
        # marked incomplete, so it never replaces a complete record
        yield from self._posts_done(fetch, complete=False)
        yield from self._pump()

    def _handle(
        self, platform: Platform, fetch: FetchRequest, result: ParseResult, again: bool = False
    ) -> Iterator[Any]:
        if result.malformed:
            self._inc(f"malformed_objects/{fetch.platform}", result.malformed)
        if result.repaired:
            self._inc(f"repaired_values/{fetch.platform}", result.repaired)
        for skip in result.skipped:
            if skip.key not in self.seen:
                self.seen.add(skip.key)
                self._inc(f"skipped/{fetch.platform}/{skip.reason}")
        # Posts that came with a profile (a feed is both) belong to that creator.
        prefetched: dict[str, list[Post]] = {}
        if fetch.purpose != "posts":
            for post in result.posts:
                prefetched.setdefault(post.creator_id, []).append(post)
        for creator in result.creators:
            yield from self._contained(fetch, creator.id, self._accept(
                platform, creator, str(fetch.context.get("via", fetch.purpose)), fetch.depth,
                needs_match=False, posts=prefetched.get(creator.id),
            ))
        for candidate in result.candidates:
            yield from self._contained(fetch, candidate.ref.key,
                                       self._consider(platform, candidate))
        if fetch.purpose == "posts" and fetch.creator_id in self.pending:
            self._add_posts(fetch.creator_id, result.posts)
        more_posts = False
        follow: list[FetchRequest] = []
        for request in result.requests:
            if request.purpose == "posts" and request.creator_id == fetch.creator_id:
                more_posts = fetch.purpose == "posts"
            follow.append(request)
        yield from self._requests(follow, again=again)
        if fetch.purpose == "posts" and not more_posts:
            yield from self._posts_done(fetch)
        yield from self._pump()

    def _add_posts(self, creator_id: str, posts: list[Post]) -> None:
        """A page of an accepted creator's posts (a shared crawl keeps them in Redis)."""
        self.pending[creator_id].posts.extend(posts)

    def _contained(self, fetch: FetchRequest, key: str, steps: Iterator[Any]) -> Iterator[Any]:
        """Run one creator's or candidate's steps; if one fails (a value no store can
        keep, a plugin's object that skipped validation), count and log it and go on with
        the rest of the page instead of losing it."""
        try:
            yield from steps
        except Exception as exc:
            self._inc(f"invalid_objects/{fetch.platform}")
            logger.warning("%s: skipped %r from %s: %s: %s", fetch.platform, key[:80],
                           fetch.url, type(exc).__name__, " ".join(str(exc).split())[:200])

    def _consider(self, platform: Platform, candidate: Candidate) -> Iterator[Any]:
        key = candidate.ref.key
        # A profile we fetched may come back as a candidate that still needs a niche match.
        answered = candidate.creator is not None and key in self.awaiting_profile
        if key in self.seen and not answered:
            return
        if candidate.depth > self.snowball_depth:
            return
        if candidate.creator is not None:
            yield from self._accept(
                platform, candidate.creator, candidate.via, candidate.depth,
                needs_match=candidate.needs_niche_match,
            )
            return
        if not self.seen.add(key):  # another worker of a shared crawl just took them
            return
        if key not in self.outside_niche:  # counted when first found
            self._inc(f"found/{platform.name}")
        self.backlog[platform.name].append(candidate.model_dump_json().encode())

    def _matches_niche(self, creator: Creator) -> bool:
        return mentions_niche(self._niche_terms, creator.display_name, creator.bio,
                              creator.handle)

    def _accept(
        self, platform: Platform, creator: Creator, via: str, depth: int, needs_match: bool,
        posts: list[Post] | None = None,
    ) -> Iterator[Any]:
        if creator.id in self.seen and creator.id not in self.awaiting_profile:
            return
        self.awaiting_profile.discard(creator.id)
        if creator.id not in self.seen:
            self.seen.add(creator.id)
            if creator.id not in self.outside_niche:  # counted when first found
                self._inc(f"found/{platform.name}")
        if creator.flags.opted_out:
            self._inc(f"skipped/{platform.name}/{creator.flags.opt_out_reason or 'opted out'}")
            return
        if needs_match and not self._matches_niche(creator):
            if creator.id not in self.outside_niche:
                self.outside_niche.add(creator.id)
                self._inc(f"skipped/{platform.name}/{OUTSIDE_NICHE}")
            # Not "seen" for good: a source that needs no match (a hashtag, a search) may
            # bring them still, whichever answer comes first.
            self.seen.discard(creator.id)
            return
        if self.accepted >= self.max_creators:
            self._inc(f"not_followed/{platform.name}/max-creators reached")
            return
        self.accepted += 1
        self._inc(f"fetched/{platform.name}")
        self.pending[creator.id] = Pending(
            creator=creator, via=via, depth=depth, posts=list(posts or [])
        )
        for other in self.platforms.values():  # their websites, podcasts... (one hop more)
            try:
                linked = self._guard(other, "candidates_from_links", creator.id,
                                     listed(other.candidates_from_links), creator, depth + 1)
                for candidate in linked:
                    expect(self.crawler.stats, other, "candidates_from_links", candidate,
                           Candidate, creator.id)
            except PluginFailed:
                continue
            for candidate in linked:
                yield from self._consider(other, candidate)
        try:
            requests = self._fetches(platform, "posts_requests", creator.id,
                                     platform.posts_requests, creator, depth=depth)
        except PluginFailed:  # keep the profile; its posts are known to be missing
            yield from self._finish(creator.id, complete=False)
            return
        if not requests:
            yield from self._finish(creator.id, complete=True)
            return
        yield from self._requests(requests)

    def _pump(self) -> Iterator[scrapy.Request]:
        """Fetch profiles from the backlog while the creator budget has room."""
        for name, backlog in self.backlog.items():
            platform = self.platforms[name]
            while (
                backlog
                and self.accepted + self.reserved < self.max_creators
                and self.reserved < self.profile_window
            ):
                room = self.max_creators - self.accepted - self.reserved
                window = self.profile_window - self.reserved
                size = max(1, min(platform.profile_batch_size, room, window))
                hold, bodies = self._take(backlog, size)
                batch = [Candidate.model_validate_json(body) for body in bodies]
                if not batch:  # a shared backlog: another worker took them since the check
                    break
                try:
                    fetches = self._fetches(platform, "profile_requests", batch[0].ref.key,
                                            platform.profile_requests, batch)
                except PluginFailed:  # these candidates cannot be fetched; the others can
                    fetches = []
                self.awaiting_profile.update(c.ref.id for c in batch if c.ref.id)
                # Reserve one budget slot per candidate until its profile answers.
                shares = [1] * len(fetches) if len(fetches) == len(batch) else [len(batch)]
                shares = (shares + [0] * len(fetches))[: len(fetches)]  # none when no fetches
                self._reserve(hold, len(batch) if fetches else 0)
                if self.crawler.stats is not None:
                    self.crawler.stats.max_value(f"{STAT}/profile_reserved_max", self.reserved)
                held: dict[str, Any] = {} if hold is None else {HOLD_META: hold}
                for fetch, share in zip(fetches, shares, strict=True):
                    self._inc(f"requests/{fetch.platform}/{fetch.purpose}")
                    yield self._to_scrapy(fetch, reserved=share, **held)

    def _take(self, backlog: DiskQueue, size: int) -> tuple[str | None, list[bytes]]:
        """Up to ``size`` candidates from the front of a backlog, and the hold that keeps
        them until their requests are queued (None here: a crawl on one machine resumes
        from its journal instead; a shared crawl holds them, see crawler/worker.py)."""
        return None, backlog.take(size)

    def _reserve(self, hold: str | None, count: int) -> None:
        """Reserve ``count`` slots of the creator budget for a batch's profile requests."""
        self.reserved += count

    def _posts_done(self, fetch: FetchRequest, complete: bool = True) -> Iterator[Any]:
        if fetch.purpose == "posts" and fetch.creator_id in self.pending:
            if not complete:
                self._inc(f"incomplete/{fetch.platform}")
            yield from self._finish(fetch.creator_id, complete=complete)

    def unfinished(self) -> list[CrawledCreator]:
        """The creators whose profile is in hand and whose posts were still being read when
        the crawl stopped (a clean stop drops the requests still queued): each as an
        incomplete record, so what was fetched is kept. Empties the pending book."""
        out: list[CrawledCreator] = []
        for creator_id in list(self.pending):
            platform = self.pending[creator_id].creator.platform
            self._inc(f"incomplete/{platform}")
            out += self._finish(creator_id, complete=False)
        return out

    def _finish(self, creator_id: str, complete: bool) -> Iterator[CrawledCreator]:
        pending = self.pending.pop(creator_id)
        try:
            yield CrawledCreator(
                creator=pending.creator, posts=pending.posts, via=pending.via,
                depth=pending.depth, posts_complete=complete,
            )
        except ValidationError:  # pragma: no cover - models are validated on creation
            self._inc("invalid_items")

    def _on_dropped(self, request: scrapy.Request) -> None:
        """A request the scheduler refused (a duplicate URL): give back its reservation,
        or the profile window would shrink for good."""
        self._release(request.meta)

    def closed(self, reason: str) -> None:
        """Scrapy calls this when the crawl ends: record what each platform says it spent
        (quota units...) for the summary, and drop the books (a temporary file)."""
        for platform in self.platforms.values():
            try:
                spent = self._guard(platform, "usage", self.niche.name, platform.usage)
            except PluginFailed:
                continue
            for label, amount in (spent if isinstance(spent, dict) else {}).items():
                if self.crawler.stats is not None and isinstance(amount, int):
                    self.crawler.stats.set_value(f"{STAT}/usage/{platform.name}/{label}",
                                                 amount)
        self.books.close()

    def _idle_pump(self) -> int:
        """Queue the profile requests the backlog and budget allow; how many."""
        requests = list(self._pump())
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        return len(requests)

    def _on_idle(self) -> None:
        if self._idle_pump():
            raise DontCloseSpider
        for name, backlog in self.backlog.items():
            if backlog:
                self._inc(f"not_followed/{name}/max-creators reached", len(backlog))
                backlog.clear()
