"""A Scrapy extension for tests of shared crawls (``-s EXTENSIONS=...``): it looks at the
crawl's Redis books each time a record has been stored.

``item_scraped`` fires once every pipeline, the index included, is done with a record.
At that moment the answer that produced the record must still be open: its creator still
in the pending book (and so its lease still held). An answer closed earlier would leave a
worker killed in between with neither the record stored nor anyone to retry it. The
counts go to the crawl's stats (``--stats-json``): ``probe/stored`` and
``probe/closed_before_stored``.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from creatorscout.crawler.frontier import PREFIX


class ClosedBeforeStored:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClosedBeforeStored:
        probe = cls(crawler)
        crawler.signals.connect(probe.item_scraped, signal=signals.item_scraped)
        return probe

    def item_scraped(self, item: Any, response: Any = None, spider: Any = None) -> None:
        creator = getattr(item, "creator", None)
        stats = self.crawler.stats
        if creator is None or stats is None:
            return
        server = self.crawler.spider.frontier.server  # type: ignore[union-attr]
        stats.inc_value("probe/stored")
        if not server.hexists(f"{PREFIX}pending", creator.id):
            stats.inc_value("probe/closed_before_stored")
