"""Completing crawl-end passes a killed crawl left pending.

The crawl marks its niche in the index before its crawl-end passes and clears the mark after
them (:class:`~creatorscout.crawler.pipelines.IndexPipeline`). A crawl killed in between
leaves its records without roles and percentiles, or its persons ungrouped, and a mark that
says so; :func:`complete_pending` runs the passes again for every marked niche. The passes
are idempotent (they recompute everything from the stored records), so running them again
after a partial run gives the same index as one uninterrupted run.
"""

from __future__ import annotations

import logging

from creatorscout.config import load_scoring
from creatorscout.crawler.niche_pass import run_niche_pass
from creatorscout.search.backend import Index
from creatorscout.search.persons import PersonsUnsupported, regroup

logger = logging.getLogger(__name__)


def complete_pending(index: Index) -> list[str]:
    """Run the niche and persons passes of every niche marked pending; return the niches.

    Each mark is cleared only once both passes are done, so a kill here leaves it in place.
    """
    niches = index.pending_passes()
    if not niches:
        return []
    scoring = load_scoring()
    for niche in niches:
        logger.warning("completing the crawl-end pass of '%s' (its crawl was interrupted)",
                       niche)
        run_niche_pass(index, niche, scoring)
    try:
        regroup(index)
    except PersonsUnsupported as exc:
        logger.warning("%s", exc)
    for niche in niches:
        index.clear_pending(niche)
    return niches
