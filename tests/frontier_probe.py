"""A Scrapy extension for tests of shared crawls (``-s EXTENSIONS=...``): it looks at the
crawl's Redis books when a record has been stored and when a creator's first posts request
is about to be queued.

An answer is closed (its creators forgotten from the pending book, the creators it decided
marked, its lease given back) only once everything it produced is queued or stored: else a
worker killed in between loses the record, or the posts request, and nobody retries the
answer. So:

* ``item_scraped`` fires once every pipeline, the index included, is done with a record:
  it must be written (the index pipeline marks it merged once written, not when it is
  buffered: ``probe/not_written``) and its creator still in the pending book
  (``probe/closed_before_stored``);
* ``request_scheduled`` fires just before a request is queued: a creator's first posts
  request must not be marked asked for yet (``probe/asked_before_queued``).

The counts go to the crawl's stats (``--stats-json``), with ``probe/stored`` and
``probe/first_posts_requests``. Mastodon's first posts page has ``seen == 0``.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from creatorscout.crawler.frontier import PREFIX


class AnswerProbe:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AnswerProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(probe.request_scheduled, signal=signals.request_scheduled)
        return probe

    def _server(self) -> Any:
        return self.crawler.spider.frontier.server  # type: ignore[union-attr]

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        creator = getattr(item, "creator", None)
        if creator is None:
            return
        self._inc("probe/stored")
        server = self._server()
        if not server.sismember(f"{PREFIX}set:merged", creator.id):  # marked once written
            self._inc("probe/not_written")
        if not server.hexists(f"{PREFIX}pending", creator.id):
            self._inc("probe/closed_before_stored")

    def request_scheduled(self, request: Any, spider: Any = None) -> None:
        fetch = request.meta.get("fetch")
        if fetch is None or fetch.purpose != "posts" or fetch.context.get("seen") != 0:
            return
        self._inc("probe/first_posts_requests")
        if self._server().sismember(f"{PREFIX}set:asked_posts", fetch.creator_id):
            self._inc("probe/asked_before_queued")
