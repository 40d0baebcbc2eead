"""Text neighbours in the embedded index: the source's distinctive terms (tf-idf, document
frequencies from FTS5's own vocabulary, ``fts5vocab``) as a weighted query, one full-text
lookup per term over the bio and posts columns."""

from __future__ import annotations

import sqlite3
import threading
from collections import defaultdict

from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import TextNeighbours, distinctive, terms_of, text_of

ROWS_PER_TERM = 5_000
"""Matches read per distinctive term: a term this common is not very distinctive, and the
cap keeps one lookalike query cheap at a million creators."""
_CHUNK = 500


def text_neighbours(
    conn: sqlite3.Connection, lock: threading.RLock, record: ScoredCreator, *, pool: int,
    platform: str | None = None,
) -> TextNeighbours:
    counts = terms_of(text_of(record))
    if not counts:
        return TextNeighbours()
    with lock:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_words_vocab"
            " USING fts5vocab(main, fts_words, row)"
        )
        documents = int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
        doc_freq: dict[str, int] = {}
        for term in counts:
            row = conn.execute(
                "SELECT doc FROM temp.fts_words_vocab WHERE term = ?", (term,)
            ).fetchone()
            if row:
                doc_freq[term] = int(row[0])
        terms = distinctive(counts, doc_freq, documents)
        by_row: dict[int, float] = defaultdict(float)
        for term, weight in terms:
            phrase = '"' + term.replace('"', '""') + '"'
            for (rowid,) in conn.execute(
                "SELECT rowid FROM fts_words WHERE fts_words MATCH ? LIMIT ?",
                ("{bio posts} : " + phrase, ROWS_PER_TERM),
            ):
                by_row[int(rowid)] += weight
        owners: dict[int, tuple[str, str]] = {}
        rows = list(by_row)
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start:start + _CHUNK]
            marks = ", ".join("?" for _ in chunk)
            for rid, cid, plat in conn.execute(
                f"SELECT id, creator_id, lower(platform) FROM records WHERE id IN ({marks})",
                chunk,
            ):
                owners[int(rid)] = (str(cid), str(plat))
    best: dict[str, float] = {}
    wanted = platform.lower() if platform else None
    for rid, score in by_row.items():
        owner = owners.get(rid)
        if owner is None or owner[0] == record.id or (wanted and owner[1] != wanted):
            continue
        best[owner[0]] = max(best.get(owner[0], 0.0), score)
    top = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:pool]
    return TextNeighbours(terms=terms, scores=dict(top))
