"""The grouping pass: group every creator of an index into persons, and store the result.

Runs at the end of every crawl (``IndexPipeline``, setting ``CREATORSCOUT_PERSONS``,
default on) over *all* creators in the index, not only this crawl's, because the evidence
joining two profiles is often found in different crawls (a Mastodon crawl today, the
person's web site next week). ``scout index regroup`` runs it by hand (after
``scout index copy``, for instance). The rules are in :mod:`creatorscout.scoring.identity`.
"""

from __future__ import annotations

import logging
import time

from creatorscout.scoring.identity import GroupingStats, group_profiles
from creatorscout.search.backend import Index

log = logging.getLogger(__name__)


class PersonsUnsupported(RuntimeError):
    """The index backend does not store persons (yet)."""


def regroup(index: Index) -> GroupingStats:
    """Read every creator's newest profile, group them, store persons and evidence.

    Raises :class:`PersonsUnsupported` when the backend cannot store persons."""
    started = time.perf_counter()
    grouping = group_profiles(index.iter_identities())
    try:
        index.save_grouping(grouping)
    except NotImplementedError as exc:
        raise PersonsUnsupported(
            f"this index backend does not group profiles into persons yet ({exc})"
        ) from None
    stats = grouping.stats()
    log.info(
        "persons: %d profiles, %d grouped into %d persons, %d unverified claims, "
        "%d conflicts (%.2f s)", stats.profiles, stats.grouped_profiles,
        stats.grouped_persons, stats.one_way, stats.conflicts, time.perf_counter() - started,
    )
    return stats
