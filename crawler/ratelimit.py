"""Politeness by the platforms' own rules: rate-limit headers, Retry-After, 429 and 503.

Each platform plugin reads its rate-limit headers (:meth:`Platform.rate_limit`). This
downloader middleware then

* paces requests per download slot (one slot per platform and host/instance) so that the
  remaining budget lasts until the reset time: never a burst that empties the bucket;
* on 429/503 blocks the whole slot until ``Retry-After`` (or the reset time, or an
  exponential back-off when the platform says nothing) and retries the request, up to
  ``CREATORSCOUT_RATELIMIT_RETRIES`` times, waiting at most
  ``CREATORSCOUT_RATELIMIT_MAX_WAIT`` seconds at once. Any other refusal the platform
  classifies as ``rate_limited`` (:meth:`Platform.refusal`; GitHub answers 403) is waited
  out and retried the same way.

Scrapy's own RetryMiddleware is configured (by the add-on) not to retry 429/503, so
they are never retried without waiting.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from creatorscout.crawler.fetched import KEY as FETCHED_KEY
from creatorscout.crawler.fetched import fetch_response, refusal_of
from creatorscout.crawler.guard import PluginFailed, guarded
from creatorscout.crawler.shared_pacing import shared_pacing
from creatorscout.plugins.platform import FetchRequest, Platform

logger = logging.getLogger(__name__)

RETRY_STATUSES = (429, 503)
WAITING_STAT = "creatorscout/ratelimit/waiting"
"""Stats key of the latest rate-limit wait: ``{"slot", "until" (unix time), "why"}``."""


class Pacing(Protocol):
    """Where the per-slot schedule lives: in this process, or shared by every worker of a
    crawl (:class:`creatorscout.crawler.shared_pacing.RedisPacing`)."""

    def reserve(self, slot: str) -> float:
        """Take the slot's turn if it has come (0 returned; the next turn is then one pace
        away), else return the seconds until it comes, taking nothing: the caller asks
        again then, and the pace it goes at is the one known at that moment."""

    def set_pace(self, slot: str, seconds: float) -> None:
        """Leave ``seconds`` between requests to the slot from now on, the next one
        included: ``remaining`` requests paced over the time left start one pace from the
        answer that told them, not at once (``remaining + 1`` would fit before the reset,
        one over the limit, and requests sent meanwhile are not in ``remaining``)."""

    def block(self, slot: str, seconds: float) -> None:
        """Nobody uses the slot for ``seconds`` (a 429's Retry-After): its next turn is
        that far away at the soonest, for every request waiting (turns are taken only
        when they come, so no request waiting holds one inside the block)."""


class LocalPacing:
    """The schedule of one process (one machine, one crawler)."""

    def __init__(self) -> None:
        self.next_allowed: dict[str, float] = {}
        self.pace: dict[str, float] = {}

    def reserve(self, slot: str) -> float:
        now = time.monotonic()
        turn = self.next_allowed.get(slot, now)
        if turn > now:
            return turn - now
        self.next_allowed[slot] = now + self.pace.get(slot, 0.0)
        return 0.0

    def set_pace(self, slot: str, seconds: float) -> None:
        self.pace[slot] = seconds
        now = time.monotonic()
        self.next_allowed[slot] = max(self.next_allowed.get(slot, now), now + seconds)

    def block(self, slot: str, seconds: float) -> None:
        blocked = time.monotonic() + seconds
        self.next_allowed[slot] = max(self.next_allowed.get(slot, 0.0), blocked)


class PlatformRateLimitMiddleware:
    """Pace and back off per download slot, using each platform's rate-limit headers."""

    def __init__(self, crawler: Crawler, max_retries: int, max_wait: float,
                 pacing: Pacing | None = None) -> None:
        self.crawler = crawler
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.pacing: Pacing = pacing or LocalPacing()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PlatformRateLimitMiddleware:
        settings = crawler.settings
        if not settings.getbool("CREATORSCOUT_RATELIMIT_ENABLED", True):
            raise NotConfigured("CREATORSCOUT_RATELIMIT_ENABLED is off")
        return cls(
            crawler,
            max_retries=settings.getint("CREATORSCOUT_RATELIMIT_RETRIES", 5),
            max_wait=settings.getfloat("CREATORSCOUT_RATELIMIT_MAX_WAIT", 900.0),
            pacing=shared_pacing(settings),  # issue 17: one schedule for every worker
        )

    @staticmethod
    def _slot(request: Request) -> str:
        return str(request.meta.get("download_slot") or request.url.split("/")[2])

    async def process_request(self, request: Request) -> None:
        # A request takes a turn only when it goes out. Booking turns ahead (each waiting
        # request its own, at the pace known when it was booked) kept a stale pace for
        # every request already waiting: up to CONCURRENT_REQUESTS per worker. Booked at
        # a fast pace near a window's end they burst into the next window (429s with the
        # schedule shared); at a slow one they crawled long after the window reset.
        slot = self._slot(request)
        while (delay := self.pacing.reserve(slot)) > 0:
            await asyncio.sleep(delay)
        return None

    def _platform(self, request: Request) -> Platform | None:
        spider: Spider | None = self.crawler.spider
        fetch = request.meta.get("fetch")
        platforms: dict[str, Platform] = getattr(spider, "platforms", {})
        if not isinstance(fetch, FetchRequest):
            return None
        return platforms.get(fetch.platform)

    def _rate_limited(self, platform: Platform, request: Request, response: Response) -> bool:
        """Whether the platform says this (non-2xx) refusal is a rate limit."""
        if 200 <= response.status < 300:
            return False
        try:
            refusal = refusal_of(self.crawler.stats, platform, request, response)
        except PluginFailed:  # counted; the spider reports the response as unusable
            return False
        return refusal is not None and refusal.kind == "rate_limited"

    def process_response(self, request: Request, response: Response) -> Request | Response:
        platform = self._platform(request)
        fetched = fetch_response(request, response) if platform is not None else None
        if platform is None or fetched is None:
            return response
        try:
            info = guarded(self.crawler.stats, platform, "rate_limit", response.url,
                           platform.rate_limit, fetched)
        except PluginFailed:  # counted; pace by the status alone
            info = None
        retry = response.status in RETRY_STATUSES or self._rate_limited(platform, request, response)
        slot = self._slot(request)
        now_wall = time.time()
        if (
            not retry  # a refusal's own wait is handled below
            and info and info.remaining is not None and info.reset_at is not None
            # an answer from a window that has ended since says nothing about the new one
            # (it would set a pace of 0: a burst until the next answer)
            and info.reset_at.timestamp() > now_wall
        ):
            seconds_left = info.reset_at.timestamp() - now_wall
            self.pacing.set_pace(slot, min(self.max_wait, seconds_left / max(info.remaining, 1)))
            if info.remaining == 0:  # the bucket is empty: nothing more until it refills
                self.pacing.block(slot, min(self.max_wait, seconds_left))
        if not retry:
            return response
        stats = self.crawler.stats
        retries = int(request.meta.get("ratelimit_retries", 0))
        if stats is not None:
            stats.inc_value(f"creatorscout/ratelimit/{response.status}")
        if retries >= self.max_retries:
            logger.warning("giving up on %s after %d rate-limited retries", request.url, retries)
            return response
        if info and info.retry_after is not None:
            wait, why = info.retry_after, "Retry-After"
        elif info and info.reset_at is not None:
            wait, why = info.reset_at.timestamp() - now_wall, "rate-limit reset"
        else:
            wait, why = 2.0 ** retries, "back-off"
        wait = min(self.max_wait, max(wait, 0.5))
        logger.info(
            "%s answered %d; waiting %.1fs before retrying (%d/%d)",
            slot, response.status, wait, retries + 1, self.max_retries,
        )
        if stats is not None:
            stats.inc_value("creatorscout/ratelimit/waited_seconds", wait)
            # for the progress line: the latest wait (not a number, so not a summary count)
            stats.set_value(WAITING_STAT, {"slot": slot, "until": now_wall + wait, "why": why})
        self.pacing.block(slot, wait)
        meta: dict[str, Any] = {**request.meta, "ratelimit_retries": retries + 1}
        meta.pop(FETCHED_KEY, None)  # the refused answer's view: not the retry's
        return request.replace(dont_filter=True, meta=meta)
