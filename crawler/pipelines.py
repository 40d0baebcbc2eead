"""Item pipelines: validate, merge duplicates, score, index. In that order (see the add-on).

Each reads its settings from the crawler and counts what it did in the crawl stats.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from twisted.internet.task import LoopingCall

from creatorscout.config import load_markers, load_scoring, load_tiers
from creatorscout.crawler.frontier import (
    Frontier,
    crawl_books,
    crawl_end_done,
    may_run_crawl_end,
    others_stored,
    storing_seconds,
)
from creatorscout.crawler.items import CrawledCreator, GoneCreator
from creatorscout.crawler.spool import Spool, is_outage, is_remote, spool_path
from creatorscout.plugins.platform import INTERACTIONS
from creatorscout.scoring import disclosure_matcher, score_creator
from creatorscout.search.backend import Index, IndexOpenError, open_index
from creatorscout.search.crawl_end import carry_history, run_crawl_end
from creatorscout.search.records import CrawlInfo, ScoredCreator
from creatorscout.search.store_errors import storage_cause

logger = logging.getLogger(__name__)

#: Seconds between two tries to open an index that was out (records wait meanwhile).
REOPEN_SECONDS = 5.0

#: A language must account for this share of a creator's posts to be listed for them.
LANGUAGE_SHARE = 0.2


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def keep_complete(
    index: Index, records: list[ScoredCreator], count: Callable[[str], None]
) -> list[ScoredCreator]:
    """``records`` without the incomplete ones (posts not all read) whose creator already
    has a complete record in the same niche: measured numbers are never replaced by
    unknowns. ``count`` gets ``kept_complete/<platform>`` for each one left out."""
    out = []
    for record in records:
        if not record.crawl.complete:
            stored = [old for old in index.get(record.id)
                      if old.niche.casefold() == record.niche.casefold()]
            if any(old.crawl.complete for old in stored):
                count(f"kept_complete/{record.creator.platform}")
                continue
        out.append(record)
    return out


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
    """One record per creator per crawl: a creator reached twice is indexed once.

    The first item stands; a later one is dropped and counted. Only the ids are kept: the
    first item has already been scored and indexed when a second one arrives, so keeping
    items (with their posts) would only grow memory with the crawl (gigabytes at 100,000
    creators) without changing what is indexed. The ids are kept on disk (crawler/books.py).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.books = crawl_books(crawler.settings)  # in Redis for a shared crawl (issue 17)
        self.seen = self.books.set("merged")
        # shared: the index pipeline marks a creator merged once stored, so a worker killed
        # in between leaves them for the retry of its request
        self.shared = bool(crawler.settings.get("CREATORSCOUT_FRONTIER"))

    def close_spider(self) -> None:
        self.books.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledCreator):
            return item
        if item.creator.id not in self.seen:
            if not self.shared:
                self.seen.add(item.creator.id)
            return item
        self._inc("merged_duplicates")
        raise DropItem(f"{item.creator.id} already in this crawl")


class ScorePipeline(_Component):
    """Scores each creator in the crawl's niche (pure functions from ``scoring``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.tiers = load_tiers()
        self.scoring = load_scoring()
        self.markers = disclosure_matcher(load_markers())

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CrawledCreator):
            return item
        spider = self.crawler.spider
        niche = spider.niche  # type: ignore[union-attr]
        platform = getattr(spider, "platforms", {}).get(item.creator.platform)
        score = score_creator(
            item.creator, item.posts, niche, tiers=self.tiers, scoring=self.scoring,
            markers=self.markers,
            # what the platform cannot have is not held against its creators
            interactions=platform.interactions if platform is not None else INTERACTIONS,
        )
        self._inc("scored")
        return ScoredCreator(
            creator=item.creator,
            posts=item.posts,
            score=score,
            crawl=CrawlInfo(
                niche=niche.name, via=item.via, depth=item.depth,
                crawled_at=datetime.now(UTC), complete=item.posts_complete,
            ),
        )


class IndexPipeline(_Component):
    """Upserts scored creators into the index in batches (idempotent by stable id).

    Nothing one record holds can stop the others being stored: a batch that fails is
    retried record by record, the record that fails alone is skipped and counted
    (``store_failed/<platform>``), and the buffer is cleared after every attempt, so it
    never grows past one batch. An error of the store itself (a full disk, a read-only
    or locked file; :func:`~creatorscout.search.store_errors.storage_cause`) fails the
    rest of the batch at once; its one-line cause is kept in the stats
    (``creatorscout/store_cause``) for the command line to report.

    A record whose posts could not all be read (``crawl.complete`` false) never replaces
    a complete record of the same creator and niche: the complete one is kept
    (``kept_complete/<platform>``) and the creator is fetched again by the next crawl.

    When the crawl ends it runs the niche pass (``CREATORSCOUT_NICHE_PASS``, default on):
    percentiles among peers, mention-graph roles and flags that need the whole niche are
    added to every record of the niche and the records are re-indexed. Then the persons
    pass (``CREATORSCOUT_PERSONS``, default on) groups every creator of the index into
    persons by verified cross-links (:mod:`creatorscout.search.persons`).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.url: str | None = crawler.settings.get("CREATORSCOUT_INDEX")
        self.batch_size = crawler.settings.getint("CREATORSCOUT_INDEX_BATCH", 200)
        self.niche_pass = crawler.settings.getbool("CREATORSCOUT_NICHE_PASS", True)
        self.persons_pass = crawler.settings.getbool("CREATORSCOUT_PERSONS", True)
        self.index: Index | None = None
        self.buffer: list[ScoredCreator] = []
        self.scoring = load_scoring()
        # issue 17: a resumed job's earlier records are this crawl's, not history
        started = crawler.settings.get("CREATORSCOUT_JOB_STARTED")
        self.job_started = datetime.fromisoformat(started) if started else None
        self.merged = (crawl_books(crawler.settings).set("merged")
                       if crawler.settings.get("CREATORSCOUT_FRONTIER") else None)
        # issue 17: in a shared crawl, say while this worker may still write records
        frontier_url = crawler.settings.get("CREATORSCOUT_FRONTIER")
        self.frontier = Frontier(frontier_url) if frontier_url else None
        self.worker_id = uuid.uuid4().hex
        self.storing_for = storing_seconds(crawler.settings)
        self._keep_storing: LoopingCall | None = None
        self.cause: str | None = None
        # issue 17: an Elasticsearch index's outage makes records wait in the job directory
        job_dir = crawler.settings.get("CREATORSCOUT_JOB_DIR")
        self.spool = (Spool(spool_path(job_dir))
                      if job_dir and is_remote(self.url) else None)
        self._unreachable = False  # the index was out when last opened (records wait)
        self._said_unreachable = False
        self._next_open = 0.0

    @property
    def where(self) -> str:
        """The index as named in messages: its path or URL."""
        url = self.index.url if self.index is not None else (self.url or "the index")
        return url.removeprefix("sqlite:///")

    def open_spider(self) -> None:
        if self.frontier is not None:
            # renewed while this process lives; a killed worker's key expires
            self._keep_storing = LoopingCall(self.frontier.storing, self.worker_id,
                                             self.storing_for)
            self._keep_storing.start(self.storing_for / 3, now=True)
        self._open()

    def _open(self) -> None:
        """Open the index. A cluster that cannot take requests now (down, 429, 5xx) with a
        spool to wait in is not a failure: records wait, and the next flush tries again
        (at most every :data:`REOPEN_SECONDS`)."""
        self._next_open = time.monotonic() + REOPEN_SECONDS
        try:
            self.index = open_index(self.url)
        except IndexOpenError as exc:
            if self.spool is not None and is_outage(exc):
                self._unreachable = True
                if not self._said_unreachable:
                    self._said_unreachable = True
                    logger.warning("index: %s; records wait in %s until it answers", exc,
                                   self.spool.path)
                return
            self._store_error(str(exc))
        self._unreachable = False

    def _reopen(self) -> None:
        """Try the index again if it was out at the last try and the pause has passed."""
        if self._unreachable and time.monotonic() >= self._next_open:
            self._open()

    def _store_error(self, cause: str) -> None:
        """Remember the store's failure (the first one: later ones follow from it)."""
        if self.cause is None:
            self.cause = cause
            logger.error("index: %s", cause)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("creatorscout/store_cause", cause)

    def _failed(self, records: list[ScoredCreator]) -> None:
        for record in records:
            self._inc(f"store_failed/{record.creator.platform}")

    def _write(self, records: list[ScoredCreator]) -> int:
        assert self.index is not None
        records = keep_complete(self.index, records, self._inc)
        records = carry_history(self.index, records, self.scoring, since=self.job_started)
        written = self.index.upsert(records) if records else 0
        if self.merged is not None:  # issue 17: stored now (see MergePipeline)
            self.merged.update(r.id for r in records)
        return written

    def _flush(self) -> None:
        batch, self.buffer = self.buffer, []  # cleared whatever happens: bounded
        if not batch:
            return
        self._reopen()
        if self.index is None and self._unreachable:
            self._wait(batch)
            return
        if self.index is None:
            self._failed(batch)
            return
        if self.spool is not None and self.spool.waiting:
            self._write_back()  # the oldest first
            if self.spool.waiting:  # still down: join the queue, keep the order
                self._wait(batch)
                return
        self._wait(self._store(batch))

    def _store(self, batch: list[ScoredCreator]) -> list[ScoredCreator]:
        """Write ``batch``; return the records that met an index outage (to wait)."""
        assert self.index is not None
        try:
            self._inc("indexed", self._write(batch))
            return []
        except Exception as exc:
            if self.spool is not None and is_outage(exc):
                return batch
            cause = storage_cause(exc, self.where)
            if cause is not None:
                self._store_error(cause)
                self._failed(batch)
                return []
        for position, record in enumerate(batch):  # find the record(s) at fault
            try:
                self._inc("indexed", self._write([record]))
            except Exception as exc:
                if self.spool is not None and is_outage(exc):
                    return batch[position:]
                cause = storage_cause(exc, self.where)
                if cause is not None:
                    self._store_error(cause)
                    self._failed(batch[position:])
                    return []
                self._failed([record])
                logger.warning("index: could not store %s, skipped: %s", record.id,
                               _one_line(exc))
        return []

    # -- issue 17: index outages lose nothing (crawler/spool.py) --------------------------

    def _wait(self, records: list[ScoredCreator]) -> None:
        """Keep records the index cannot take now in the job's spool."""
        if not records:
            return
        assert self.spool is not None
        if not self.spool.waiting:
            logger.warning("index: %s cannot take writes now; records wait in %s",
                           self.where, self.spool.path)
        self.spool.append(records)
        self._inc("index_waited", len(records))

    def _write_back(self) -> None:
        assert self.spool is not None
        self._inc("index_written_back", self.spool.drain(self._store, self.batch_size))

    def _close_spool(self) -> None:
        """Write back what waits; say in the stats how many still wait, and where."""
        if self.spool is None:
            return
        if self._unreachable:
            self._next_open = 0.0  # one last try
            self._reopen()
        if self.spool.waiting and self.index is not None:
            self._write_back()
        if self.spool.unreadable:
            self._inc("index_spool_unreadable", self.spool.unreadable)
        if self.spool.waiting and self.crawler.stats is not None:
            self.crawler.stats.set_value("creatorscout/index_still_waiting", self.spool.waiting)
            self.crawler.stats.set_value("creatorscout/index_spool", str(self.spool.path))

    def process_item(self, item: Any) -> Any:
        if isinstance(item, GoneCreator):
            self._flush()
            if self.index is not None:
                try:
                    if self.index.delete(item.creator_id):
                        self._inc(f"deleted/{item.platform}")
                except Exception as exc:
                    self._store_error(storage_cause(exc, self.where) or _one_line(exc))
            return item
        if isinstance(item, ScoredCreator):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self._flush()
        return item

    def close_spider(self) -> Coroutine[Any, Any, None] | None:
        """Store what is left, then run the crawl-end passes if this process runs them.

        In a shared crawl the worker that runs them first waits, without blocking the
        reactor, for the other workers to store their records: then a coroutine is
        returned (Scrapy awaits it). Otherwise everything is done on return."""
        self._keep_unfinished()
        self._flush()
        self._close_spool()
        if self.frontier is not None:  # everything this worker fetched is written
            if self._keep_storing is not None and self._keep_storing.running:
                self._keep_storing.stop()
            self.frontier.stored(self.worker_id)
        if self.index is None:
            return None
        if self.spool is not None and self.spool.waiting:
            # the passes need every record: `scout index flush JOB` runs them later
            self.index.close()
            return None
        if not may_run_crawl_end(self.crawler.settings):  # one worker runs them
            self.index.close()
            return None
        if self.frontier is not None:
            # marked before the wait: should this worker die while it waits, the lock
            # (held for an hour) keeps the others from the passes, and the mark makes the
            # next command on this index complete them (crawler/pending.py)
            self._mark_pending()
            return self._crawl_end_after_others(self.frontier)
        self._crawl_end()
        return None

    def _mark_pending(self) -> None:
        niche = getattr(self.crawler.spider, "niche", None)
        if niche is None or self.cause is not None or self.index is None:
            return
        try:
            self.index.mark_pending(niche.name)
        except Exception as exc:
            self._store_error(f"the end-of-crawl passes could not be marked: "
                              f"{storage_cause(exc, self.where) or _one_line(exc)}")

    def _keep_unfinished(self) -> None:
        """When the crawl stops, the creators whose posts were still being read go through
        the earlier pipelines as incomplete records: a stopped crawl keeps what it fetched
        (an incomplete record never replaces a complete one). Scrapy closes pipelines last
        to first, so this one closes first, while the others still take items."""
        unfinished = getattr(self.crawler.spider, "unfinished", None)
        items = unfinished() if callable(unfinished) else []
        if not items or self.crawler.engine is None:
            return
        pipelines = list(self.crawler.engine.scraper.itemproc.middlewares)
        earlier = pipelines[: pipelines.index(self)] if self in pipelines else []
        kept = 0
        for item in items:
            try:
                for pipeline in earlier:
                    item = pipeline.process_item(item)
            except DropItem:
                continue
            self.process_item(item)
            kept += 1
        logger.info("stopped: %d creator(s) whose posts were still being read are kept as "
                    "incomplete records", kept)

    async def _crawl_end_after_others(self, frontier: Frontier) -> None:
        try:
            await others_stored(frontier, self.worker_id)
        except Exception as exc:  # Redis gone: the passes cannot know who still writes
            self._store_error(f"the end-of-crawl passes did not run: {_one_line(exc)}")
            self._close_index()
            return
        self._crawl_end()

    def _crawl_end(self) -> None:
        """The crawl-end passes over the whole index, then close it."""
        assert self.index is not None
        try:
            niche = getattr(self.crawler.spider, "niche", None)
            # issue 17: a kill during the passes leaves this mark; the next command
            # completes them (crawler/pending.py)
            if niche is not None and self.cause is None:
                self.index.mark_pending(niche.name)
            if self.cause is None:  # the passes rewrite records: not over a failing store
                done = run_crawl_end(
                    self.index, niche.name if niche is not None else None, self.scoring,
                    niche_pass=self.niche_pass, persons=self.persons_pass,
                )
                for key, value in done.items():
                    if self.crawler.stats is not None:
                        self.crawler.stats.set_value(f"creatorscout/{key}", value)
            if niche is not None and self.cause is None:
                self.index.clear_pending(niche.name)
                crawl_end_done(self.crawler.settings)
        except Exception as exc:  # the records are stored; the crawl must still say so
            self._store_error(
                f"the end-of-crawl passes failed: "
                f"{storage_cause(exc, self.where) or _one_line(exc)}"
            )
        finally:
            self._close_index()

    def _close_index(self) -> None:
        assert self.index is not None
        try:
            self.index.close()
        except Exception as exc:
            self._store_error(storage_cause(exc, self.where) or _one_line(exc))
