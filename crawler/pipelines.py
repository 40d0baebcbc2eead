"""Item pipelines: validate, merge duplicates, score, index. In that order (see the add-on).

Each reads its settings from the crawler and counts what it did in the crawl stats.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from creatorscout.config import load_scoring, load_tiers
from creatorscout.crawler.items import CrawledCreator
from creatorscout.scoring import score_creator
from creatorscout.search.backend import Index, open_index
from creatorscout.search.records import CrawlInfo, ScoredCreator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

logger = logging.getLogger(__name__)

#: A language must account for this share of a creator's posts to be listed for them.
LANGUAGE_SHARE = 0.2


class _Component:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"creatorscout/{key}", count)


def dominant_languages(languages: list[str | None]) -> list[str]:
    """Languages that make up at least :data:`LANGUAGE_SHARE` of the posts, most used first."""
    known = [lang.lower().split("-")[0] for lang in languages if lang]
    if not known:
        return []
    counts = Counter(known)
    return [lang for lang, n in counts.most_common() if n / len(known) >= LANGUAGE_SHARE]


class ValidatePipeline(_Component):
    """Checks that posts belong to their creator, drops duplicate posts, fills languages."""

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledCreator):
            return item
        creator = item.creator
        posts = []
        seen: set[str] = set()
        for post in item.posts:
            if post.creator_id != creator.id:
                self._inc("invalid_posts/wrong author")
                continue
            if post.id in seen:
                continue
            seen.add(post.id)
            posts.append(post)
        item.posts = posts
        if not creator.languages:
            item.creator = creator.model_copy(
                update={"languages": dominant_languages([p.language for p in posts])}
            )
        if creator.flags.opted_out:  # belt and braces: the spider skips them already
            raise DropItem(f"{creator.id} opted out")
        return item


class MergePipeline(_Component):
    """One record per creator per crawl: a creator reached twice is merged, not doubled."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.seen: dict[str, CrawledCreator] = {}

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledCreator):
            return item
        earlier = self.seen.get(item.creator.id)
        if earlier is None:
            self.seen[item.creator.id] = item
            return item
        self._inc("merged_duplicates")
        known = {post.id for post in earlier.posts}
        earlier.posts += [post for post in item.posts if post.id not in known]
        raise DropItem(f"{item.creator.id} already in this crawl; posts merged")


class ScorePipeline(_Component):
    """Scores each creator in the crawl's niche (pure functions from ``scoring``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.tiers = load_tiers()
        self.scoring = load_scoring()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledCreator):
            return item
        spider = self.crawler.spider
        niche = spider.niche  # type: ignore[union-attr]
        score = score_creator(
            item.creator, item.posts, niche, tiers=self.tiers, scoring=self.scoring
        )
        self._inc("scored")
        return ScoredCreator(
            creator=item.creator,
            posts=item.posts,
            score=score,
            crawl=CrawlInfo(
                niche=niche.name, via=item.via, depth=item.depth,
                crawled_at=datetime.now(UTC),
            ),
        )


class IndexPipeline(_Component):
    """Upserts scored creators into the index in batches (idempotent by stable id)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.url: str | None = crawler.settings.get("CREATORSCOUT_INDEX")
        self.batch_size = crawler.settings.getint("CREATORSCOUT_INDEX_BATCH", 200)
        self.index: Index | None = None
        self.buffer: list[ScoredCreator] = []

    def open_spider(self) -> None:
        self.index = open_index(self.url)

    def _flush(self) -> None:
        if self.buffer and self.index is not None:
            written = self.index.upsert(self.buffer)
            self._inc("indexed", written)
            self.buffer = []

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ScoredCreator):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self._flush()
        return item

    def close_spider(self) -> None:
        self._flush()
        if self.index is not None:
            self.index.close()
