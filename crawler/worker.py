"""The niche spider as one worker of a shared crawl (``--frontier``).

The same spider, with its books in Redis (:mod:`creatorscout.crawler.redis_books`): the
keys seen, the profile backlog, the candidates awaiting a profile, the creators waiting for
their posts and the number accepted are the crawl's, not the worker's. On top:

* discovery runs in one worker only (the first to claim it);
* every answer's lease is given back once everything the answer produced is queued or
  stored (:class:`~creatorscout.crawler.frontier.LeasedPriorityQueue`,
  :mod:`creatorscout.crawler.handled`), so the requests of a worker that dies go to the
  others; candidates taken from the backlog are held until their profile requests are
  queued (:mod:`creatorscout.crawler.holds`);
* a worker with nothing to do stays while others hold leases (their answers may bring more
  work) and ends when the frontier is drained. The crawl-end passes then run in exactly one
  worker (:meth:`Frontier.claim_crawl_end`, see the index pipeline).

The budget (``--max-creators``) is one Redis counter; two workers accepting at the same
moment can pass it by at most one creator each.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any, cast

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from creatorscout.crawler.books import DiskQueue
from creatorscout.crawler.decisions import Claim, Decisions
from creatorscout.crawler.frontier import DEFAULT_LEASE, Frontier, ack, lease_keys
from creatorscout.crawler.guard import PluginFailed
from creatorscout.crawler.handled import Answer, AnswerOutput, Handling, answer_of
from creatorscout.crawler.holds import HOLD_META, BacklogHolds
from creatorscout.crawler.items import CrawledCreator
from creatorscout.crawler.redis_books import RedisQueue, RedisStore
from creatorscout.crawler.spider import NicheSpider
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import Candidate, Platform

logger = logging.getLogger(__name__)

#: Above every named priority (``cmdline`` is 40): a setting no ``-s`` may change.
FORCED = 100


class SharedCounter:
    """A spider counter kept in Redis once the spider has a frontier (before: locally).

    ``spider.count += 1`` reads then writes; the write is applied as an increment, so the
    increments of two workers at the same moment both count."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, spider: Any, owner: Any = None) -> int:
        frontier = spider.__dict__.get("frontier")
        if frontier is None:
            return int(spider.__dict__.get(f"_local_{self.name}", 0))
        value = int(frontier.server.get(frontier.key(self.name)) or 0)
        spider.__dict__[f"_read_{self.name}"] = value
        return value

    def __set__(self, spider: Any, value: int) -> None:
        frontier = spider.__dict__.get("frontier")
        if frontier is None:
            spider.__dict__[f"_local_{self.name}"] = value
            return
        # the change this worker made to the value it last read (``+= 1`` reads, then sets)
        delta = value - int(spider.__dict__.get(f"_read_{self.name}", 0))
        if delta:
            frontier.server.incrby(frontier.key(self.name), delta)


class FrontierSpider(NicheSpider):
    """A worker of a crawl shared through Redis."""

    name = "niche"  # the same name as the one-machine spider: the same Scrapy identity

    def unfinished(self) -> list[CrawledCreator]:
        """None: a shared crawl's pending creators live in Redis, and the workers still
        running (or the next one) read their posts."""
        return []

    frontier: Frontier

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Force the two settings an answer's close relies on, whatever ``-s`` says: the
        marker closes an answer once the engine reaches it (crawler/handled.py), which
        means "everything before it is stored" only while outputs are handled one after
        another and each record is written as it arrives (no buffer to lose)."""
        super().update_settings(settings)
        for name in ("CONCURRENT_ITEMS", "CREATORSCOUT_INDEX_BATCH"):
            settings.set(name, 1, priority=FORCED)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FrontierSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, FrontierSpider)
        spider._use_frontier(Frontier(crawler.settings["CREATORSCOUT_FRONTIER"]),
                             crawler.settings.getfloat("CREATORSCOUT_LEASE", DEFAULT_LEASE))
        crawler.signals.connect(spider._on_scheduled, signal=signals.request_scheduled)
        return spider

    def _use_frontier(self, frontier: Frontier, lease: float = DEFAULT_LEASE) -> None:
        cast(Any, self).books.close()  # the local books NicheSpider.__init__ made: unused
        self.frontier = frontier
        self.holds = BacklogHolds(frontier.server, frontier.prefix, lease)
        self.handling = Handling()
        store = RedisStore(frontier.server, frontier.prefix)
        self.books = store
        self.seen = store.set("seen")
        queues = store.queues("backlog")
        self.backlog = {name: queues[name] for name in self.platforms}
        self.awaiting_profile = store.set("awaiting_profile")
        self.outside_niche = store.set("outside_niche")
        self.pending = store.pending()
        self.asked_posts = store.set("asked_posts")
        self.decided = store.set("decided")
        self.decisions = Decisions(frontier.server, frontier.prefix,
                                   lease_keys(frontier.prefix)[0], self.decided.key,
                                   self.seen.key)

    accepted = SharedCounter("accepted")
    # a profile request reserved by one worker may be answered by another
    reserved = SharedCounter("reserved")

    async def start(self) -> AsyncIterator[Any]:
        if not self.frontier.claim_discovery():
            return
        async for request in super().start():
            yield request

    def _add_posts(self, creator_id: str, posts: list[Post]) -> None:
        self.pending.add_posts(creator_id, posts)

    def _accept(
        self, platform: Platform, creator: Creator, via: str, depth: int, needs_match: bool,
        posts: list[Post] | None = None,
    ) -> Iterator[Any]:
        # An answer handled again because the worker that had it died: whatever that worker
        # did not finish is done now, and what it did finish is not done twice. A creator
        # another live worker is deciding right now is theirs (crawler/decisions.py). The
        # marks "decided" and "posts asked" are set when the answer closes (_close), once
        # its posts requests are queued: a worker killed before then leaves them unset,
        # and the retry asks again.
        cid = creator.id
        answer = self.handling.current or Answer()
        claim = self.decisions.claim(cid, answer.lease)
        if claim is Claim.BUSY:
            self.awaiting_profile.discard(cid)  # let through by _consider: not ours
            return
        if cid in self.pending:
            self.awaiting_profile.discard(cid)
            if cid not in self.asked_posts and cid not in answer.asked:
                # accepted, but died before its posts requests were queued
                try:
                    yield from self._requests(self._fetches(
                        platform, "posts_requests", cid, platform.posts_requests, creator,
                        depth=depth))
                except PluginFailed:
                    pass  # as on the first try: the record is kept without posts
                answer.asked.append(cid)
            return
        if claim is Claim.ORPHANED:
            self.awaiting_profile.add(cid)  # died while deciding: decide again
        yield from super()._accept(platform, creator, via, depth, needs_match, posts)
        if cid in self.pending:
            answer.asked.append(cid)
        answer.decided.append(cid)
        if self.handling.current is None:  # not reached: every accept is for an answer
            self._close(answer)

    def _consider(self, platform: Platform, candidate: Candidate) -> Iterator[Any]:
        creator = candidate.creator
        if creator is not None and candidate.depth <= self.snowball_depth and (
            creator.id in self.pending or self.decisions.orphaned(creator.id, self._lease())
        ):
            # an answer handled again after its worker died: let _accept see it (above).
            # Not a creator merely seen (a candidate in the backlog, whose own profile
            # answer decides them): accepting them here too would accept them twice. Nor
            # one the snowball depth stops before _accept: the mark would stay behind.
            self.awaiting_profile.update({creator.id, candidate.ref.key})
        yield from super()._consider(platform, candidate)

    def _lease(self) -> str | None:
        """The lease of the answer being handled."""
        answer = self.handling.current
        return answer.lease if answer is not None else None

    def _finish(self, creator_id: str, complete: bool) -> Iterator[CrawledCreator]:
        # The creator stays pending until the answer's lease is given back (its record is
        # indexed by then): a worker killed in between leaves it for the retry to finish.
        pending = self.pending.get(creator_id)
        if pending is None:  # another worker finished them (a lease retry)
            return
        yield CrawledCreator(creator=pending.creator, posts=pending.posts, via=pending.via,
                             depth=pending.depth, posts_complete=complete)

    # -- leases and holds ----------------------------------------------------------------------

    def on_response(self, response: Response) -> Iterator[Any]:
        return self._leased(super().on_response(response), response.meta)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = getattr(failure, "request", None)
        return self._leased(super().on_error(failure),
                            request.meta if request is not None else {})

    def _leased(self, output: Iterator[Any], meta: dict[str, Any]) -> Iterator[Any]:
        """The answer's output, ended by the marker that closes the answer once all of it
        is handled (:mod:`creatorscout.crawler.handled`, :meth:`_close`)."""
        answer = Answer(lease=meta.pop("frontier_lease", None))
        return iter(AnswerOutput(output, answer, self.handling))

    def _on_scheduled(self, request: scrapy.Request, spider: Any = None) -> None:
        """Close the answer a marker request stands for, and keep the marker out of the
        queue (IgnoreRequest from this signal drops a request silently)."""
        answer = answer_of(request)
        if answer is None:
            return
        self._close(answer)
        raise IgnoreRequest

    def _close(self, answer: Answer) -> None:
        """Everything ``answer`` produced is queued or stored: mark the creators it
        decided (and those whose posts it asked for), forget those it finished, settle the
        candidates it took, give its lease back (in that order: a worker killed in between
        leaves the lease, and the retry redoes only what is left)."""
        self.asked_posts.update(answer.asked)
        self.decided.update(answer.decided)
        self.pending.remove(answer.finished)
        self.holds.settle(answer.holds)
        if answer.lease is not None:
            ack(self.frontier.server, answer.lease)

    def _take(self, backlog: DiskQueue, size: int) -> tuple[str | None, list[bytes]]:
        assert isinstance(backlog, RedisQueue)
        hold, bodies = self.holds.take(backlog.key, size)
        answer = self.handling.current
        if hold is not None and answer is not None:
            answer.holds.append(hold)
        # (no answer: not reached, every pump runs for an answer or an idle pass; the hold
        # would then be restored when it expires and its requests dropped as duplicates)
        return hold, bodies

    def _reserve(self, hold: str | None, count: int) -> None:
        self.holds.reserve(hold, count)

    def _release(self, meta: dict[str, Any]) -> None:
        share = int(meta.get("reserved", 0))
        meta["reserved"] = 0
        self.holds.release(meta.get(HOLD_META), share)

    # -- the end -----------------------------------------------------------------------------

    def _idle_pump(self) -> int:
        # the holds this pump takes are settled once its requests are queued (on return)
        answer = Answer()
        self.handling.current = answer
        try:
            queued = super()._idle_pump()
        finally:
            self.handling.current = None
        self._close(answer)
        return queued

    def _on_idle(self) -> None:
        self.holds.restore()  # candidates a dead worker took go back to the backlog
        if self._idle_pump():
            raise DontCloseSpider
        if not self.frontier.drained():
            # others hold requests whose answers may bring more work: wait for them
            raise DontCloseSpider
        super()._on_idle()
