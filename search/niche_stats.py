"""Numbers about one niche for its overview (``GET /api/v1/niches/{name}/overview``):
creators and median engagement rate per platform and tier, and the last crawl.

:meth:`Index.niche_stats` answers them; the default reads every record of the niche
(:func:`stats_from_records`), the embedded index reads its narrow ``records`` table
(:func:`sqlite_niche_stats`: no document is decoded, 33,000 creators in well under a
second instead of ~13 s).
"""

from __future__ import annotations

import sqlite3
import statistics
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from creatorscout.search.records import ScoredCreator


@dataclass(frozen=True)
class Cell:
    platform: str
    tier: str
    creators: int
    median_er: float | None


@dataclass
class NicheStats:
    cells: list[Cell] = field(default_factory=list)
    """One per (platform, tier), sorted by platform then tier."""
    last_crawl: datetime | None = None


def _stats(rows: Iterable[tuple[str, str, float | None, datetime | None]]) -> NicheStats:
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    rates: dict[tuple[str, str], list[float]] = defaultdict(list)
    last: datetime | None = None
    for platform, tier, er, crawled in rows:
        key = (platform.lower(), tier.lower())
        sizes[key] += 1
        if er is not None:
            rates[key].append(er)
        if crawled is not None and (last is None or crawled > last):
            last = crawled
    cells = [
        Cell(platform=p, tier=t, creators=sizes[(p, t)],
             median_er=statistics.median(rates[(p, t)]) if rates[(p, t)] else None)
        for p, t in sorted(sizes)
    ]
    return NicheStats(cells=cells, last_crawl=last)


def stats_from_records(records: Iterable[ScoredCreator]) -> NicheStats:
    return _stats(
        (r.creator.platform, r.score.tier.tier, r.score.engagement.rate, r.crawl.crawled_at)
        for r in records
    )


def sqlite_niche_stats(conn: sqlite3.Connection, lock: threading.RLock, niche: str
                       ) -> NicheStats:
    with lock:
        rows = conn.execute(
            "SELECT platform, tier, er, crawled_at FROM records WHERE niche = ?", (niche,)
        ).fetchall()
    return _stats(
        (platform, tier, er, datetime.fromisoformat(crawled) if crawled else None)
        for platform, tier, er, crawled in rows
    )
