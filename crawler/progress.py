"""A progress line on stderr during long crawls (Scrapy's LogStats speaks once a minute)."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from creatorscout.crawler.ratelimit import WAITING_STAT


class CrawlProgress:
    """Every ``CREATORSCOUT_PROGRESS_INTERVAL`` seconds: creators done, requests, skips."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        interval = crawler.settings.getfloat("CREATORSCOUT_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured("CREATORSCOUT_PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def closed(self, reason: str = "") -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def report(self) -> None:
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        spider = self.crawler.spider
        accepted = getattr(spider, "accepted", 0)
        limit = getattr(spider, "max_creators", 0)
        indexed = stats.get("creatorscout/indexed", 0)
        scored = stats.get("creatorscout/scored", 0)
        requests = stats.get("downloader/request_count", 0)
        skipped = sum(v for k, v in stats.items() if k.startswith("creatorscout/skipped/"))
        elapsed = time.monotonic() - self.started
        # scored creators are indexed in batches: count the ones waiting for their batch
        pending = f" (+{scored - indexed} being written)" if scored > indexed else ""
        print(
            f"crawl: {accepted}/{limit} creators accepted, {indexed} indexed{pending}, "
            f"{skipped} skipped, {requests} requests, {elapsed:.0f}s{waiting(stats)}",
            file=sys.stderr,
            flush=True,
        )


def waiting(stats: dict[str, Any], now: float | None = None) -> str:
    """``", waiting 90 s for mastodon:mastodon.social: Retry-After"`` while a rate-limit
    wait lasts, else ``""``."""
    wait = stats.get(WAITING_STAT)
    if not isinstance(wait, dict):
        return ""
    left = float(wait.get("until", 0)) - (time.time() if now is None else now)
    if left < 1:
        return ""
    return f", waiting {left:.0f} s for {wait.get('slot')}: {wait.get('why')}"
