"""The crawl-end niche pass: crawl-level scores over every record of the niche, re-indexed.

The scoring is pure (:mod:`creatorscout.scoring.niche_pass`); this module reads the records
back from the index in two streaming passes (the first keeps a few numbers per record, the
second rewrites each record with its crawl-level scores, in batches), so memory stays small
on 100,000 creators.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

from creatorscout.config.schema import ScoringConfig
from creatorscout.scoring.niche_pass import (
    apply_context,
    apply_history,
    crawl_context,
    member_of,
)
from creatorscout.scoring.results import FollowerPoint
from creatorscout.search.backend import Index
from creatorscout.search.history import follower_points
from creatorscout.search.records import ScoredCreator

logger = logging.getLogger(__name__)


def run_niche_pass(
    index: Index, niche: str, scoring: ScoringConfig, *, batch_size: int = 200
) -> dict[str, float]:
    """Add percentiles, roles and niche-context flags to every record of ``niche``.

    A batch of whole records (creator, posts, score) takes ~90 KB a record in memory, so
    ``batch_size`` bounds the rewrite's memory (~18 MiB at 200).

    Returns counts and timings for the crawl stats.
    """
    started = time.perf_counter()
    members = [member_of(r.creator, r.posts, r.score) for r in index.iter_records(niche=niche)]
    count = len(members)
    read = time.perf_counter()
    context = crawl_context(members, scoring)
    del members  # the context holds all the rewrite needs; free ~1.4 KB a record first
    computed = time.perf_counter()
    rewritten = 0
    batch: list[ScoredCreator] = []
    for record in index.iter_records(niche=niche):
        score = apply_context(record.score, record.id, context, scoring)
        batch.append(record.model_copy(update={"score": score}))
        if len(batch) >= batch_size:
            rewritten += index.upsert(batch)
            batch = []
    if batch:
        rewritten += index.upsert(batch)
    done = time.perf_counter()
    logger.info(
        "niche pass over %d records of %s: read %.1fs, scores %.1fs, write %.1fs",
        count, niche, read - started, computed - read, done - computed,
    )
    return {
        "records": rewritten,
        "connectors": sum(1 for r in context.roles.values() if r.role in ("connector", "both")),
        "influencers": sum(
            1 for r in context.roles.values() if r.role in ("influencer", "both")
        ),
        "seconds": round(done - started, 3),
        "graph_seconds": round(computed - read, 3),
    }


def carry_history(
    index: Index, records: Sequence[ScoredCreator], scoring: ScoringConfig,
    *, since: datetime | None = None,
) -> list[ScoredCreator]:
    """``records`` with the follower observations of their earlier records merged in (so a
    follower jump between crawls can be seen). A record with no earlier one is unchanged.

    Observations made at or after ``since`` (when a resumed job started: crawler/jobs.py)
    belong to this same crawl, stored by the run that was killed, and are not history.
    """
    out = []
    for record in records:
        earlier: list[FollowerPoint] = []
        for old in index.get(record.id):
            earlier += old.score.follower_history
            if old.creator.followers is not None:
                earlier.append(FollowerPoint(observed_at=old.creator.provenance.observed_at,
                                             followers=old.creator.followers))
        # the growth history (search/history.py) keeps observations the records dropped
        earlier += follower_points(index.history(record.id))
        if since is not None:
            earlier = [point for point in earlier if point.observed_at < since]
        if earlier:
            score = apply_history(record.score, record.creator, earlier, scoring)
            record = record.model_copy(update={"score": score})
        out.append(record)
    return out
