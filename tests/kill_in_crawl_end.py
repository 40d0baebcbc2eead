"""``python tests/kill_in_crawl_end.py crawl ...``: run ``scout`` and ``kill -9`` itself in
the middle of the crawl-end niche pass (after its second batch of rewritten records).

A kill from outside cannot aim at a pass that lasts milliseconds; this one is the same
SIGKILL, at a point chosen exactly. Only the moment is arranged: the crawl, the index and
the pass are the real ones.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Iterable

from creatorscout.crawler import pipelines
from creatorscout.crawler.niche_pass import run_niche_pass
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_index import SqliteIndex

_upsert = SqliteIndex.upsert
_mark = SqliteIndex.mark_pending
_batches = 0
_in_pass = False


def _mark_then_arm(self: SqliteIndex, niche: str) -> None:
    global _in_pass
    _mark(self, niche)
    _in_pass = True


def _upsert_then_die(self: SqliteIndex, records: Iterable[ScoredCreator]) -> int:
    global _batches
    written = _upsert(self, records)
    if _in_pass:
        _batches += 1
        if _batches == 2:
            os.kill(os.getpid(), signal.SIGKILL)
    return written


SqliteIndex.mark_pending = _mark_then_arm  # type: ignore[method-assign]
SqliteIndex.upsert = _upsert_then_die  # type: ignore[method-assign]
# small batches, so the kill leaves some records rewritten and others not
pipelines.run_niche_pass = functools.partial(run_niche_pass, batch_size=10)  # type: ignore[assignment]

if __name__ == "__main__":
    from creatorscout.cli.main import main

    main(sys.argv[1:], prog_name="scout")
