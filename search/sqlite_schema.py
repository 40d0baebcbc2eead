"""The schema of the embedded index, as numbered migrations.

``schema_version`` holds one row per applied migration. Opening an index applies the
missing ones in order, each in its own transaction; a file with a higher version than this
code knows is refused (it was written by a newer creatorscout). To change the schema, append
a migration; never edit one that has shipped.

Tables (version 1):

``creators``
    The newest profile of each creator (by ``observed_at``): id, platform, handle (and the
    case-folded keys ``resolve`` looks up), display name, profile URL, followers, languages,
    and the Creator JSON.
``records``
    One row per (creator id, niche): the filter and sort columns (platform, score, tier,
    er = engagement rate in %, relevance = niche relevance 0-1, role, followers, languages
    as a JSON array of lower-case codes) and, until version 4, the ids of its posts. The
    table stays narrow so that filtering, sorting and facets scan few pages.
    Version 2 adds the crawl-level scores: ``flags`` (JSON array of flag names),
    ``authenticity`` (0-1), ``er_percentile`` (0-100 among the same platform and tier in the
    niche's crawl), ``influence`` (PageRank percentile), ``bridging`` (participation
    coefficient in the mention graph) and ``sponsored_share`` (0-1).
``documents``
    The full ScoredCreator JSON of each record, which is what searches return: TEXT, or a
    zstd-compressed BLOB when the JSON has 4 KB or more (records with many posts; files
    written before creatorscout 0.2 hold zlib BLOBs, which are still read). A
    record is self-contained: it keeps the profile it was scored with. Posts live in this
    JSON only: a separate posts table cost half the upsert time and nothing reads it yet.
``creators.person_id`` / ``identity_evidence`` (version 3)
    The person each creator belongs to (:mod:`creatorscout.scoring.identity`), NULL until
    the first grouping pass, and every identity link with what it proved (source, link,
    normalised key, target, how published, status, merged, note). Both are rewritten by
    each grouping pass; deleting a creator deletes its evidence and unlinks evidence that
    pointed at it, and ungroups the other members of its person until the next pass
    (trigger ``creators_ad``).
``fts_words`` / ``fts_trigram``
    Full text over handle, display name, bio and recent post text; rowid = ``records.id``.
    See :mod:`creatorscout.search.fts` for the tokenizers and why there are two.
``documents.post_ids`` (version 4)
    The ids of the record's posts (a JSON array, for counting distinct posts), moved out of
    ``records`` to keep that table narrow; ``fts_words`` then gets prefix indexes for
    query words of 3 to 6 characters (rebuilt from its own content by the migration).

``shortlists`` / ``shortlist_items`` (version 5)
    The user's shortlists (:mod:`creatorscout.search.lists`): name (unique, any case),
    description, and per creator a note, a status and the order of adding.

Deleting a record (directly or through ``creators`` ON DELETE CASCADE) deletes its
document (cascade) and its full-text rows (trigger ``records_ad``).

Apart from compressed documents, everything is plain columns or JSON text, so the file can
be browsed with ``sqlite3`` or Datasette. New files use 16 KiB pages.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from creatorscout.search.fts import TRIGRAM_TOKENIZER, WORDS_PREFIXES, WORDS_TOKENIZER

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # version 1
    (
        """
        CREATE TABLE creators (
            id            TEXT PRIMARY KEY,
            platform      TEXT NOT NULL COLLATE NOCASE,
            handle        TEXT NOT NULL,
            handle_key    TEXT NOT NULL,
            handle_local  TEXT NOT NULL,
            display_name  TEXT,
            profile_url   TEXT,
            url_key       TEXT,
            followers     INTEGER,
            languages     TEXT NOT NULL DEFAULT '[]',
            observed_at   TEXT NOT NULL,
            creator_json  TEXT NOT NULL
        )
        """,
        "CREATE INDEX creators_handle_key ON creators (handle_key)",
        "CREATE INDEX creators_handle_local ON creators (handle_local)",
        "CREATE INDEX creators_url_key ON creators (url_key)",
        """
        CREATE TABLE records (
            id            INTEGER PRIMARY KEY,
            creator_id    TEXT NOT NULL REFERENCES creators (id) ON DELETE CASCADE,
            niche         TEXT NOT NULL COLLATE NOCASE,
            platform      TEXT NOT NULL COLLATE NOCASE,
            score         REAL NOT NULL,
            tier          TEXT NOT NULL COLLATE NOCASE,
            er            REAL,
            relevance     REAL NOT NULL,
            role          TEXT COLLATE NOCASE,
            followers     INTEGER,
            languages     TEXT NOT NULL DEFAULT '[]',
            crawled_at    TEXT NOT NULL,
            post_ids      TEXT NOT NULL DEFAULT '[]',
            UNIQUE (creator_id, niche)
        )
        """,
        """
        CREATE TABLE documents (
            record_id     INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
            record_json   NOT NULL
        )
        """,
        "CREATE INDEX records_niche_score ON records (niche, score DESC)",
        "CREATE INDEX records_score ON records (score DESC)",
        f"""
        CREATE VIRTUAL TABLE fts_words USING fts5 (
            handle, display_name, bio, posts, tokenize = "{WORDS_TOKENIZER}"
        )
        """,
        f"""
        CREATE VIRTUAL TABLE fts_trigram USING fts5 (body, tokenize = "{TRIGRAM_TOKENIZER}")
        """,
        """
        CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
            DELETE FROM fts_words WHERE rowid = old.id;
            DELETE FROM fts_trigram WHERE rowid = old.id;
        END
        """,
    ),
    # version 2 (issue 4): the crawl-level scores, filterable and sortable. Records written
    # before have NULL here (and no flags) until the niche is crawled again.
    (
        "ALTER TABLE records ADD COLUMN flags TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE records ADD COLUMN authenticity REAL",
        "ALTER TABLE records ADD COLUMN er_percentile REAL",
        "ALTER TABLE records ADD COLUMN influence REAL",
        "ALTER TABLE records ADD COLUMN bridging REAL",
        "ALTER TABLE records ADD COLUMN sponsored_share REAL",
        "CREATE INDEX records_niche_id ON records (niche, id)",
    ),
    # version 3 (issue 3): one person, many profiles. person_id is NULL until the first
    # grouping pass (the end of the next crawl, or `scout index regroup`).
    (
        "ALTER TABLE creators ADD COLUMN person_id TEXT",
        "CREATE INDEX creators_person ON creators (person_id)",
        """
        CREATE TABLE identity_evidence (
            id            INTEGER PRIMARY KEY,
            source_id     TEXT NOT NULL,
            target_id     TEXT,
            link          TEXT NOT NULL,
            key           TEXT NOT NULL,
            published     TEXT NOT NULL,
            status        TEXT NOT NULL,
            merged        INTEGER NOT NULL,
            note          TEXT NOT NULL DEFAULT ''
        )
        """,
        "CREATE INDEX identity_evidence_source ON identity_evidence (source_id)",
        "CREATE INDEX identity_evidence_target ON identity_evidence (target_id)",
        """
        CREATE TRIGGER creators_ad AFTER DELETE ON creators BEGIN
            DELETE FROM identity_evidence WHERE source_id = old.id;
            UPDATE identity_evidence SET target_id = NULL, merged = 0
                WHERE target_id = old.id;
            -- the person may have hung together through this profile: ungroup until the
            -- next grouping pass rather than keep a grouping without its evidence
            UPDATE creators SET person_id = NULL WHERE person_id = old.person_id;
        END
        """,
    ),
    # version 4 (issue 7): faster search at a million creators. The wide post_ids column
    # moves from records to documents, so that records (read for every match) stays
    # narrow; fts_words gets prefix indexes, since a prefix query without one walks
    # every term that starts with the prefix (a handle-rich index has 100,000s).
    (
        "ALTER TABLE documents ADD COLUMN post_ids TEXT NOT NULL DEFAULT '[]'",
        "UPDATE documents SET post_ids ="
        " (SELECT r.post_ids FROM records r WHERE r.id = documents.record_id)",
        "ALTER TABLE records DROP COLUMN post_ids",
        # "micro creators of this niche": the tier filter is the most common one
        "CREATE INDEX records_niche_tier ON records (niche, tier, score DESC)",
        "DROP TRIGGER records_ad",
        f"""
        CREATE VIRTUAL TABLE fts_words_v4 USING fts5 (
            handle, display_name, bio, posts, tokenize = "{WORDS_TOKENIZER}",
            prefix = '{WORDS_PREFIXES}'
        )
        """,
        "INSERT INTO fts_words_v4 (rowid, handle, display_name, bio, posts)"
        " SELECT rowid, handle, display_name, bio, posts FROM fts_words",
        "DROP TABLE fts_words",
        "ALTER TABLE fts_words_v4 RENAME TO fts_words",
        """
        CREATE TRIGGER records_ad AFTER DELETE ON records BEGIN
            DELETE FROM fts_words WHERE rowid = old.id;
            DELETE FROM fts_trigram WHERE rowid = old.id;
        END
        """,
    ),
    # version 5 (issue 15): shortlists, shared by `scout lists` and the HTTP API. Items keep
    # their creator id when the creator leaves the index (no foreign key on creators).
    (
        """
        CREATE TABLE shortlists (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
            description   TEXT NOT NULL DEFAULT '',
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE shortlist_items (
            list_id       INTEGER NOT NULL REFERENCES shortlists (id) ON DELETE CASCADE,
            creator_id    TEXT NOT NULL,
            note          TEXT NOT NULL DEFAULT '',
            status        TEXT NOT NULL DEFAULT 'candidate',
            added_at      TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            position      INTEGER NOT NULL,
            PRIMARY KEY (list_id, creator_id)
        )
        """,
    ),
)

SCHEMA_VERSION = len(MIGRATIONS)

log = logging.getLogger(__name__)


class SchemaTooNew(Exception):
    """The file's schema version is higher than this code's."""

    def __init__(self, found: int) -> None:
        super().__init__(found)
        self.found = found


def current_version(conn: sqlite3.Connection) -> int:
    """The highest applied migration, 0 for a new file."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


PAGE_SIZE = 16384


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to version ``upto`` (default: all); return the
    version. ``conn`` must be in autocommit.

    Call it before switching to WAL: the page size of a new file can only be set then.
    """
    version = current_version(conn)
    if version == 0:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(version)
    if 0 < version < upto:
        log.warning(
            "upgrading the index from schema %d to %d; this can take minutes on a big file "
            "(schema 4 rebuilds the word index) and happens once", version, upto,
        )
    while version < upto:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            # another process may have migrated while we waited for the write lock
            version = current_version(conn)
            if version < upto:
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                version += 1
                conn.execute(
                    "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                    (version, datetime.now(UTC).isoformat()),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a full disk may have rolled back already
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the error that brought us here is the one to report
            raise
    return version
