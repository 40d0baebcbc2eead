"""The niche spider as one worker of a shared crawl (``--frontier``).

The same spider, with its books in Redis (:mod:`creatorscout.crawler.redis_books`): the
keys seen, the profile backlog, the candidates awaiting a profile, the creators waiting for
their posts and the number accepted are the crawl's, not the worker's. On top:

* discovery runs in one worker only (the first to claim it);
* every answer's lease is given back once the answer is handled
  (:class:`~creatorscout.crawler.frontier.LeasedPriorityQueue`), so the requests of a worker
  that dies go to the others;
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
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.python.failure import Failure

from creatorscout.crawler.frontier import Frontier, ack
from creatorscout.crawler.items import CrawledCreator
from creatorscout.crawler.redis_books import RedisStore
from creatorscout.crawler.spider import NicheSpider
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import Candidate, Platform

logger = logging.getLogger(__name__)


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
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> FrontierSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, FrontierSpider)
        spider._use_frontier(Frontier(crawler.settings["CREATORSCOUT_FRONTIER"]))
        return spider

    def _use_frontier(self, frontier: Frontier) -> None:
        cast(Any, self).books.close()  # the local books NicheSpider.__init__ made: unused
        self.frontier = frontier
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
        # did not finish is done now, and what it did finish is not done twice.
        cid = creator.id
        if cid in self.pending:
            self.awaiting_profile.discard(cid)
            if cid not in self.asked_posts:  # accepted, but died before asking for posts
                yield from self._requests(platform.posts_requests(creator, depth=depth))
                self.asked_posts.add(cid)
            return
        if cid not in self.decided and cid in self.seen:
            self.awaiting_profile.add(cid)  # died while deciding: decide again
        yield from super()._accept(platform, creator, via, depth, needs_match, posts)
        if cid in self.pending:
            self.asked_posts.add(cid)
        self.decided.add(cid)

    def _consider(self, platform: Platform, candidate: Candidate) -> Iterator[Any]:
        creator = candidate.creator
        if creator is not None and (
            creator.id in self.pending
            or (creator.id in self.seen and creator.id not in self.decided)
        ):
            # a profile answered again after its worker died: let _accept see it (above)
            self.awaiting_profile.update({creator.id, candidate.ref.key})
        yield from super()._consider(platform, candidate)

    def _finish(self, creator_id: str, complete: bool) -> Iterator[CrawledCreator]:
        # The creator stays pending until the answer's lease is given back (its record is
        # indexed by then): a worker killed in between leaves it for the retry to finish.
        pending = self.pending.get(creator_id)
        if pending is None:  # another worker finished them (a lease retry)
            return
        yield CrawledCreator(creator=pending.creator, posts=pending.posts, via=pending.via,
                             depth=pending.depth, posts_complete=complete)

    # -- leases ------------------------------------------------------------------------------

    def on_response(self, response: Response) -> Iterator[Any]:
        yield from self._leased(super().on_response(response), response.meta)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = getattr(failure, "request", None)
        yield from self._leased(super().on_error(failure),
                                request.meta if request is not None else {})

    def _leased(self, output: Iterator[Any], meta: dict[str, Any]) -> Iterator[Any]:
        """Pass the answer's output on; once all of it is handled (requests queued, records
        indexed), drop the creators it finished and give the lease back."""
        finished = []
        for value in output:
            if isinstance(value, CrawledCreator):
                finished.append(value.creator.id)
            yield value
        self.pending.remove(finished)
        lease = meta.pop("frontier_lease", None)
        if lease is not None:
            ack(self.frontier.server, lease)

    # -- the end -----------------------------------------------------------------------------

    def _on_idle(self) -> None:
        requests: list[scrapy.Request] = list(self._pump())
        if requests:
            assert self.crawler.engine is not None
            for request in requests:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider
        if not self.frontier.drained():
            # others hold requests whose answers may bring more work: wait for them
            raise DontCloseSpider
        super()._on_idle()
