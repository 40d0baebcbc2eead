"""Growth history in the embedded index: a metrics snapshot per creator and observation.

Every upsert of a record appends a snapshot of its numbers (followers, following, posts,
engagement rate, score, relevance) at the time they were observed, the same documents the
Elasticsearch backend keeps in its ``metrics`` data stream
(:func:`creatorscout.search.es_mapping.snapshot_document`), so both indexes answer
``history(creator_id)`` alike. A snapshot is keyed by (creator, niche, observation time):
storing the same observation again (the niche pass rewrites its records) keeps the first.

The table is created on first use (``CREATE TABLE IF NOT EXISTS``): an index written by an
older creatorscout simply has no history yet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from creatorscout.scoring.results import FollowerPoint
from creatorscout.search.es_mapping import snapshot_document
from creatorscout.search.records import ScoredCreator

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS metrics_history ("
    " creator_id TEXT NOT NULL, niche TEXT NOT NULL COLLATE NOCASE, observed_at TEXT NOT NULL,"
    " snapshot TEXT NOT NULL, PRIMARY KEY (creator_id, niche, observed_at)) WITHOUT ROWID"
)


def add_snapshots(conn: sqlite3.Connection, records: Iterable[ScoredCreator]) -> None:
    """Append one snapshot per record (inside the caller's transaction)."""
    rows = []
    for record in records:
        doc = snapshot_document(record)
        rows.append((doc["creator_id"], doc["niche"], doc["@timestamp"], json.dumps(doc)))
    conn.executemany(
        "INSERT OR IGNORE INTO metrics_history (creator_id, niche, observed_at, snapshot)"
        " VALUES (?, ?, ?, ?)", rows,
    )


def read_history(conn: sqlite3.Connection, creator_id: str) -> list[dict[str, Any]]:
    """A creator's snapshots, oldest first (by observation time, then niche)."""
    try:
        rows = conn.execute(
            "SELECT snapshot FROM metrics_history WHERE creator_id = ?"
            " ORDER BY observed_at, niche", (creator_id,),
        ).fetchall()
    except sqlite3.OperationalError:  # a read-only index from before the history table
        return []
    return [json.loads(row[0]) for row in rows]


def delete_history(conn: sqlite3.Connection, creator_id: str) -> None:
    """Forget a creator's history (they opted out, or are gone)."""
    conn.execute("DELETE FROM metrics_history WHERE creator_id = ?", (creator_id,))


def follower_points(snapshots: Iterable[Mapping[str, Any]]) -> list[FollowerPoint]:
    """The follower counts of snapshots, for the ``follower_jump`` signal."""
    points = []
    for snapshot in snapshots:
        followers = snapshot.get("followers")
        if followers is None:
            continue
        observed = datetime.fromisoformat(str(snapshot["@timestamp"]).replace("Z", "+00:00"))
        points.append(FollowerPoint(observed_at=observed, followers=int(followers)))
    return points


def history_lines(snapshots: list[Mapping[str, Any]], *, limit: int = 12) -> list[str]:
    """``scout show``'s growth section: one line per observation, newest last."""
    if not snapshots:
        return []
    shown = snapshots[-limit:]
    lines = [f"growth history ({len(shown)} of {len(snapshots)} observations):"]
    for snap in shown:
        rate = snap.get("engagement_rate")
        lines.append(
            f"  {str(snap.get('@timestamp', ''))[:16].replace('T', ' ')}  "
            f"{snap.get('niche', '')}: followers {_count(snap.get('followers'))}, "
            f"posts {_count(snap.get('posts_count'))}, "
            f"engagement {'-' if rate is None else f'{float(rate):.2f}%'}"
        )
    return lines


def _count(value: Any) -> str:
    return "-" if value is None else f"{int(value):,}"
