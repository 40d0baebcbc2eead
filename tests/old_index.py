"""Index files as older creatorscout versions wrote them, for the migration tests.

:func:`write_old_index` applies the migrations up to a version and stores records with the
SQL that version used (the columns and tables it had, zlib-compressed documents), so the
test that opens it with the current code exercises the real upgrade path.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterable
from pathlib import Path

from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_rows import (
    COMPRESS_FROM,
    CREATOR_COLUMNS,
    RECORD_COLUMNS,
    record_rows,
)
from creatorscout.search.sqlite_schema import migrate


def write_old_index(path: Path, version: int, records: Iterable[ScoredCreator]) -> None:
    """A file at schema ``version`` (2 or 3) holding ``records`` (no opted-out ones)."""
    assert version in (2, 3), "only versions 2 and 3 are written here"
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        assert migrate(conn, upto=version) == version
        conn.execute("BEGIN")
        for number, record in enumerate(records, start=1):
            rows = record_rows(record)
            conn.execute(
                f"INSERT OR REPLACE INTO creators ({', '.join(CREATOR_COLUMNS)})"
                f" VALUES ({', '.join('?' for _ in CREATOR_COLUMNS)})",
                rows.creator,
            )
            # versions 1-3 kept post_ids in records, after crawled_at
            columns = (*RECORD_COLUMNS[:10], "post_ids", *RECORD_COLUMNS[10:])
            values = (*rows.record[:10], rows.post_ids, *rows.record[10:])
            conn.execute(
                f"INSERT INTO records (id, creator_id, {', '.join(columns)})"
                f" VALUES (?, ?, {', '.join('?' for _ in columns)})",
                (number, rows.creator_id, *values),
            )
            document = record.model_dump_json(exclude_computed_fields=True)
            conn.execute(
                "INSERT INTO documents (record_id, record_json) VALUES (?, ?)",
                (number, zlib.compress(document.encode())
                 if len(document) >= COMPRESS_FROM else document),
            )
            conn.execute(
                "INSERT INTO fts_words (rowid, handle, display_name, bio, posts)"
                " VALUES (?, ?, ?, ?, ?)",
                (number, *rows.words),
            )
            if rows.trigram is not None:
                conn.execute("INSERT INTO fts_trigram (rowid, body) VALUES (?, ?)",
                             (number, rows.trigram))
        conn.execute("COMMIT")
        found = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        assert found == version, found
    finally:
        conn.close()
