"""What runs over the index when a crawl ends, in one place: the niche pass, then the
persons pass (:func:`run_crawl_end`).

* The niche pass adds crawl-level scores to every record of the niche (percentiles among
  peers, mention-graph roles, flags that need the whole niche) and re-indexes them. The
  scoring is pure (:mod:`creatorscout.scoring.niche_pass`); the records are read back in
  two streaming passes (the first keeps a few numbers per record, the second rewrites each
  record in batches through :func:`~creatorscout.search.backend.write_in_batches`, as
  index copies do), so memory stays small on 100,000 creators.
* The persons pass groups every creator of the index into persons by verified
  cross-links (:mod:`creatorscout.search.persons`).

:func:`carry_history` merges earlier follower observations into records before they are
written (a follower jump between crawls).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from datetime import datetime

from creatorscout.config.schema import ScoringConfig
from creatorscout.scoring.niche_pass import (
    apply_context,
    apply_history,
    crawl_context,
    member_of,
)
from creatorscout.scoring.results import FollowerPoint
from creatorscout.search.backend import Index, write_in_batches
from creatorscout.search.history import follower_points
from creatorscout.search.persons import PersonsUnsupported, regroup
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

    def rescored() -> Iterator[ScoredCreator]:
        for record in index.iter_records(niche=niche):
            score = apply_context(record.score, record.id, context, scoring)
            yield record.model_copy(update={"score": score})

    rewritten = write_in_batches(rescored(), index.upsert, batch_size=batch_size)
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


def run_crawl_end(
    index: Index, niche: str | None, scoring: ScoringConfig, *, niche_pass: bool = True,
    persons: bool = True, batch_size: int | None = None,
) -> dict[str, float]:
    """The crawl-end passes over ``index``: the niche pass for ``niche`` (when asked and a
    niche is given), then the persons pass over the whole index (when asked).

    Returns the crawl stats they add, as ``niche_pass/<what>`` and ``persons/<what>``. A
    backend that cannot store persons is warned about (the crawl's records are stored).
    """
    stats: dict[str, float] = {}
    if niche_pass and niche is not None:
        sized = {"batch_size": batch_size} if batch_size is not None else {}
        done = run_niche_pass(index, niche, scoring, **sized)
        stats.update({f"niche_pass/{key}": value for key, value in done.items()})
    if persons:
        try:
            grouped = regroup(index)
        except PersonsUnsupported as exc:
            logger.warning("%s", exc)
        else:
            for key in ("grouped_persons", "grouped_profiles", "one_way", "conflicts"):
                stats[f"persons/{key}"] = getattr(grouped, key)
    return stats
