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
from creatorscout.plugins.models import Post

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
        return int(frontier.server.get(frontier.key(self.name)) or 0)

    def __set__(self, spider: Any, value: int) -> None:
        frontier = spider.__dict__.get("frontier")
        if frontier is None:
            spider.__dict__[f"_local_{self.name}"] = value
            return
        delta = value - self.__get__(spider)
        if delta:
            frontier.server.incrby(frontier.key(self.name), delta)


class FrontierSpider(NicheSpider):
    """A worker of a crawl shared through Redis."""

    name = "niche"  # the same name as the one-machine spider: the same Scrapy identity

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
        self.pending = store.pending()

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

    def _finish(self, creator_id: str, complete: bool) -> Iterator[CrawledCreator]:
        if creator_id not in self.pending:  # another worker finished them (a lease retry)
            return iter(())
        return super()._finish(creator_id, complete)

    # -- leases ------------------------------------------------------------------------------

    def on_response(self, response: Response) -> Iterator[Any]:
        yield from super().on_response(response)
        self._ack(response.meta)

    def on_error(self, failure: Failure) -> Iterator[Any]:
        yield from super().on_error(failure)
        request = getattr(failure, "request", None)
        if request is not None:
            self._ack(request.meta)

    def _ack(self, meta: dict[str, Any]) -> None:
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
        if self.frontier.queued() or self.frontier.leased():
            # others hold requests whose answers may bring more work: wait for them
            raise DontCloseSpider
        super()._on_idle()
