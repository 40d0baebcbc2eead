"""Recrawls: refresh the creators a niche already has, without discovery.

``scout recrawl NICHE`` reads the niche's records from the index, puts every creator last
crawled before the cut-off straight into the profile backlog (no discovery, no snowball:
only their profiles and recent posts are fetched), and lets the usual pipelines score and
re-index them. Each re-indexed record adds a growth-history snapshot
(:mod:`creatorscout.search.history`) and carries the earlier follower counts into the
``follower_jump`` signal. A creator the platform says is gone, or who has opted out since,
is removed from the index. Platforms whose terms limit how long unrefreshed data may be
kept (:attr:`Platform.max_data_age_days`, YouTube's 30 days) lose the creators that could
not be refreshed in time (:func:`expire_unrefreshed`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

from creatorscout.crawler.items import GoneCreator
from creatorscout.crawler.spider import NicheSpider
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import Candidate, FetchRequest, ParseResult, Platform
from creatorscout.search.backend import Index
from creatorscout.search.records import ScoredCreator

logger = logging.getLogger(__name__)


def due_for_recrawl(
    index: Index, niche: str, *, older_than: timedelta, platforms: Iterable[str], now: datetime
) -> Iterator[ScoredCreator]:
    """The niche's records last crawled at least ``older_than`` ago, on ``platforms``."""
    wanted = set(platforms)
    cutoff = now - older_than
    for record in index.iter_records(niche=niche):
        if record.creator.platform in wanted and record.crawl.crawled_at <= cutoff:
            yield record


class RecrawlSpider(NicheSpider):
    """The niche spider, fed with known creators instead of discovery."""

    name = "recrawl"

    def __init__(self, *, known: Iterable[ScoredCreator], **kwargs: Any) -> None:
        kwargs["snowball_depth"] = 0  # nobody new: mentions and links are not followed
        super().__init__(**kwargs)
        # how each creator was first found stays on their record
        self.known: dict[str, tuple[str, int]] = {}
        for record in known:
            creator = record.creator
            if creator.platform not in self.backlog:
                continue
            candidate = Candidate(ref=creator.ref(), depth=0, via=record.crawl.via)
            self.known[creator.id] = (record.crawl.via, record.crawl.depth)
            self.seen.add(candidate.ref.key)
            self.backlog[creator.platform].append(candidate.model_dump_json().encode())
        self.max_creators = max(1, len(self.known))
        self.removed: set[str] = set()

    def _start_requests(self) -> Iterator[Any]:
        yield from self._pump()

    def _handle(
        self, platform: Platform, fetch: FetchRequest, result: ParseResult, again: bool = False
    ) -> Iterator[Any]:
        # A known creator the plugin now skips (opted out, turned bot...) must leave the
        # index; a first crawl only counts such skips, as it never stored them.
        for skip in result.skipped:
            if skip.key in self.known and skip.key not in self.removed:
                self.removed.add(skip.key)
                self._inc(f"removed/{platform.name}/{skip.reason}")
                yield GoneCreator(creator_id=skip.key, platform=platform.name)
        yield from super()._handle(platform, fetch, result, again=again)

    def _accept(
        self, platform: Platform, creator: Creator, via: str, depth: int, needs_match: bool,
        posts: list[Post] | None = None,
    ) -> Iterator[Any]:
        stored = self.known.get(creator.id)
        if stored is None:  # someone else in a batch answer: not part of this recrawl
            return
        if creator.flags.opted_out:
            self.awaiting_profile.discard(creator.id)
            self.seen.add(creator.id)
            reason = creator.flags.opt_out_reason or "opted out"
            self._inc(f"removed/{platform.name}/{reason}")
            yield GoneCreator(creator_id=creator.id, platform=platform.name)
            return
        yield from super()._accept(platform, creator, stored[0], stored[1], needs_match=False,
                                   posts=posts)


def expire_unrefreshed(
    index: Index, niche: str, platforms: dict[str, Platform], now: datetime
) -> dict[str, int]:
    """Delete the niche's creators on platforms with a data-age limit whose newest record
    (any niche) is older than that limit; return how many per platform."""
    limits = {name: p.max_data_age_days for name, p in platforms.items() if p.max_data_age_days}
    if not limits:
        return {}
    stale: list[tuple[str, str]] = []
    for record in index.iter_records(niche=niche):
        days = limits.get(record.creator.platform)
        if days is None or now - record.crawl.crawled_at <= timedelta(days=days):
            continue
        newest = max(r.crawl.crawled_at for r in index.get(record.id))
        if now - newest > timedelta(days=days):
            stale.append((record.id, record.creator.platform))
    removed: dict[str, int] = {}
    for creator_id, platform in stale:
        if index.delete(creator_id):
            removed[platform] = removed.get(platform, 0) + 1
            logger.info("%s: %s deleted: not refreshed within %d days (the platform's terms)",
                        platform, creator_id, limits[platform])
    return removed
