"""The embedded index: one SQLite file, WAL, FTS5. Zero set-up; the default backend.

Schema: :mod:`creatorscout.search.sqlite_schema`. Text matching and the tokenizers:
:mod:`creatorscout.search.fts`. Query semantics: :class:`SearchQuery`.

WAL lets searches run while a crawl writes. Writers wait up to ``busy_timeout`` seconds
for each other. A connection is shared by threads behind a lock, so one :class:`SqliteIndex`
can serve a threaded HTTP server.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import wraps
from itertools import islice
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote

from creatorscout.plugins.models import Creator
from creatorscout.scoring.identity import (
    Evidence,
    Grouping,
    IdentityProfile,
    Person,
    person_id,
)
from creatorscout.search.backend import (
    DamagedIndex,
    IncompatibleIndex,
    Index,
    IndexNotFound,
    IndexNotWritable,
    IndexOpenError,
)
from creatorscout.search.fts import parse_text
from creatorscout.search.lists import ListStore
from creatorscout.search.niche_stats import NicheStats
from creatorscout.search.query import (
    FACETS,
    SORT_SPECS,
    UNKNOWN,
    Hit,
    IndexStats,
    SearchQuery,
    SearchResults,
)
from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import TextNeighbours
from creatorscout.search.sqlite_rows import (
    CREATOR_COLUMNS,
    FTS_COLUMNS,
    RECORD_COLUMNS,
    DamagedRecord,
    RecordRows,
    decode_record,
    handle_key,
    record_rows,
    scrub,
    url_key,
)
from creatorscout.search.sqlite_schema import (
    SCHEMA_VERSION,
    SchemaTooNew,
    current_version,
    migrate,
)
from creatorscout.search.store_errors import storage_cause

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
Y = TypeVar("Y")


class _ReadOnlyPlace(sqlite3.OperationalError):
    """The file or its folder cannot be written (so SQLite cannot set up WAL there)."""

    sqlite_errorcode = sqlite3.SQLITE_READONLY


def _reading(
    method: Callable[Concatenate[SqliteIndex, P], R],
) -> Callable[Concatenate[SqliteIndex, P], R]:
    """A read whose SQLite or decoding error becomes one :class:`DamagedIndex` line."""

    @wraps(method)
    def wrapper(self: SqliteIndex, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.Error, DamagedRecord) as exc:
            raise self.damaged(exc) from None

    return wrapper


def _reading_all(
    method: Callable[Concatenate[SqliteIndex, P], Iterator[Y]],
) -> Callable[Concatenate[SqliteIndex, P], Iterator[Y]]:
    """:func:`_reading` for a generator."""

    @wraps(method)
    def wrapper(self: SqliteIndex, *args: P.args, **kwargs: P.kwargs) -> Iterator[Y]:
        try:
            yield from method(self, *args, **kwargs)
        except (sqlite3.Error, DamagedRecord) as exc:
            raise self.damaged(exc) from None

    return wrapper

BM25_WEIGHTS = (2.0, 2.0, 3.0, 1.0)
"""bm25 column weights of ``fts_words``: handle, display name, bio, posts."""

_READ_BATCH = 500
_WRITE_BATCH = 500
"""Records per ``executemany`` round (a writer thread overlapping encoding and SQLite was
tried and measured no faster: encoding holds the GIL for most of a record's time)."""
CACHE_KIB = 32 * 1024
"""Page cache per connection; big upserts spill less."""
WAL_LIMIT_BYTES = 8 * 1024 * 1024
"""The WAL file is truncated to this size after a checkpoint (a big upsert grows it)."""
BULK_CHECKPOINT_PAGES = 16384
"""WAL auto-checkpoint interval while :meth:`SqliteIndex.bulk` is on (256 MiB of 16 KiB pages)."""

_UPSERT_CREATOR = f"""
    INSERT INTO creators ({", ".join(CREATOR_COLUMNS)})
    VALUES ({", ".join("?" for _ in CREATOR_COLUMNS)})
    ON CONFLICT (id) DO UPDATE SET
        {", ".join(f"{c} = excluded.{c}" for c in CREATOR_COLUMNS[1:])}
    WHERE excluded.observed_at >= creators.observed_at
"""
_INSERT_RECORD = (
    f"INSERT INTO records (id, creator_id, {', '.join(RECORD_COLUMNS)})"
    f" VALUES (?, ?, {', '.join('?' for _ in RECORD_COLUMNS)})"
)
_UPDATE_RECORD = (
    f"UPDATE records SET {', '.join(f'{c} = ?' for c in RECORD_COLUMNS)} WHERE id = ?"
)
_INSERT_WORDS = (
    f"INSERT INTO fts_words (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?, ?, ?, ?, ?)"
)


class SqliteIndex(Index):
    """The embedded index in one SQLite file (``:memory:`` for a throw-away one)."""

    def __init__(self, path: str | Path, *, create: bool = True, busy_timeout: float = 5.0):
        self.path = str(path)
        memory = self.path == ":memory:"
        if memory:
            self.url = "sqlite:///:memory:"
        else:
            file = Path(self.path)
            if not create and file.is_file() and file.stat().st_size == 0:
                # opening it would write a whole schema into a file that was asked to be read
                raise IndexNotFound(
                    f"{file} is empty, not an index: run 'scout crawl NICHE --index {file}' "
                    "first, or pass --index with the right path"
                )
            if not file.exists():
                if not create:
                    raise IndexNotFound(
                        f"no index at {file}: run 'scout crawl NICHE --index {file}' first, "
                        "or pass --index with the right path"
                    )
                try:
                    file.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise IndexOpenError(
                        f"cannot create the index directory {file.parent}: {exc.strerror}"
                    ) from None
            self.url = "sqlite:///" + str(file.resolve())
        self._lock = threading.RLock()
        self._opted_out = 0
        self._closed = False
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            if not memory and not Path(self.path).exists():
                raise IndexNotWritable(
                    f"cannot create the index {self.path}: the folder "
                    f"{Path(self.path).parent} is not writable ({exc})"
                ) from None
            raise IndexOpenError(f"cannot open index {self.path}: {exc}") from None
        self.read_only = False
        try:
            self._setup()
        except _ReadOnlyPlace:
            self._conn.close()
            if create:
                raise IndexNotWritable(
                    f"cannot write the index: {storage_cause(_ReadOnlyPlace(), self.path)}"
                ) from None
            self._open_read_only(busy_timeout)
        except BaseException:
            self._conn.close()
            raise

    def _open_read_only(self, busy_timeout: float) -> None:
        """Open a file on a read-only disk or folder for reading: ``immutable`` (no locks,
        no WAL index file to create), so searching a read-only index works."""
        uri = f"file:{quote(str(Path(self.path).resolve()))}?immutable=1"
        try:
            self._conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout,
                                         isolation_level=None, check_same_thread=False)
            self.read_only = True
            self._setup()
        except _ReadOnlyPlace:
            self._conn.close()
            raise IndexOpenError(f"cannot open {self.path}: the file cannot be read") from None
        except BaseException:
            self._conn.close()
            raise

    def damaged(self, exc: BaseException) -> DamagedIndex:
        """The one-line error for a read that failed: locked, or damaged (check it)."""
        cause = storage_cause(exc, self.path) if isinstance(exc, sqlite3.Error) else None
        if cause is not None:
            return DamagedIndex(f"cannot read {self.path}: {cause}")
        return DamagedIndex(
            f"{self.path} is damaged ({exc}); run `scout index check --index "
            f"sqlite:///{self.path}` and `scout index repair` to save what can be read"
        )

    # -- connection set-up -------------------------------------------------------------

    def _setup(self) -> None:
        conn = self._conn
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            foreign = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
            has_version = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if foreign and not has_version:
                raise IncompatibleIndex(
                    f"{self.path} is an SQLite file but not a creatorscout index; "
                    "pass another --index path"
                )
            if self.read_only:
                if current_version(conn) < SCHEMA_VERSION:
                    raise IncompatibleIndex(
                        f"{self.path} needs an upgrade to schema {SCHEMA_VERSION}, and it is "
                        "read-only: open it once where it is writable"
                    )
                self.journal_mode = "immutable"
            else:
                migrate(conn)
                self.journal_mode = str(
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
            conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS matches (pos INTEGER PRIMARY KEY,"
                " rid INTEGER NOT NULL, text_rank REAL, platform TEXT, tier TEXT, role TEXT,"
                " languages TEXT)"
            )
        except SchemaTooNew as exc:
            raise IncompatibleIndex(
                f"{self.path} has index schema version {exc.found} but this creatorscout "
                f"knows up to {SCHEMA_VERSION}; upgrade creatorscout"
            ) from None
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
                raise _ReadOnlyPlace() from None
            if code == sqlite3.SQLITE_CORRUPT:
                raise self.damaged(exc) from None
            cause = storage_cause(exc, self.path)
            if isinstance(exc, sqlite3.OperationalError) and cause is not None:
                raise IndexOpenError(f"cannot open {self.path}: {cause}") from None
            raise IncompatibleIndex(
                f"{self.path} is not a creatorscout index ({exc}); pass another --index path"
            ) from None

    # -- writing -------------------------------------------------------------------------

    def upsert(self, records: Iterable[ScoredCreator]) -> int:
        stored = 0
        refused = 0
        iterator = iter(records)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                while batch := list(islice(iterator, _WRITE_BATCH)):
                    if _needs_order(batch):
                        for record in batch:
                            if record.creator.flags.opted_out:
                                self._delete(record.creator.id)
                                refused += 1
                            else:
                                self._write([record_rows(scrub(record))])
                                stored += 1
                    else:
                        self._write([record_rows(scrub(record)) for record in batch])
                        stored += len(batch)
                self._conn.execute("COMMIT")
            except BaseException:
                _rollback(self._conn)
                raise
            self._opted_out += refused
        if refused:
            log.info("index: skipped %d record(s) of opted-out creators", refused)
        return stored

    def check_writable(self) -> None:
        """A write that is rolled back: a read-only file or folder, a full disk or a lock
        held for longer than the busy timeout show here, before a crawl starts."""
        with self._lock:
            conn = self._conn
            try:
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(f"PRAGMA user_version = {version}")
            except sqlite3.Error as exc:
                cause = storage_cause(exc, self.path) or str(exc)
                raise IndexNotWritable(f"cannot write the index: {cause}") from None
            finally:
                _rollback(conn)

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Faster upserts for a big load: no fsync at checkpoints, fewer checkpoints.

        A crash of the process loses nothing committed (WAL); a crash of the machine during
        the block may lose the last upserts. On leaving, durability is restored and the WAL
        is checkpointed and truncated.
        """
        with self._lock:
            synchronous = int(self._conn.execute("PRAGMA synchronous").fetchone()[0])
            checkpoint = int(self._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
            self._conn.execute("PRAGMA synchronous = OFF")
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            with self._lock:
                self._conn.execute(f"PRAGMA synchronous = {synchronous}")
                self._conn.execute(f"PRAGMA wal_autocheckpoint = {checkpoint}")
                try:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.OperationalError:  # busy readers: the next checkpoint will do
                    pass

    def _write(self, rows: list[RecordRows]) -> None:
        """Write records whose (creator id, niche) keys are distinct, in one round per table."""
        conn = self._conn
        conn.executemany(_UPSERT_CREATOR, [r.creator for r in rows])
        keys = [value for r in rows for value in (r.creator_id, r.niche)]
        pairs = ", ".join("(?, ?)" for _ in rows)
        # r.niche = k.niche compares with the column's NOCASE collation, like UNIQUE does
        found = {
            (cid, niche): rid
            for cid, niche, rid in conn.execute(
                f"WITH k (creator_id, niche) AS (VALUES {pairs})"
                " SELECT k.creator_id, k.niche, r.id FROM k JOIN records r"
                " ON r.creator_id = k.creator_id AND r.niche = k.niche",
                keys,
            )
        }
        next_id = int(conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0])
        new: list[tuple[int, RecordRows]] = []
        old: list[tuple[int, RecordRows]] = []
        for row in rows:
            rid = found.get((row.creator_id, row.niche))
            if rid is None:
                next_id += 1
                new.append((next_id, row))
            else:
                old.append((rid, row))
        if new:
            conn.executemany(_INSERT_RECORD, [(rid, r.creator_id, *r.record) for rid, r in new])
            conn.executemany(
                "INSERT INTO documents (record_id, record_json, post_ids) VALUES (?, ?, ?)",
                [(rid, r.document, r.post_ids) for rid, r in new],
            )
        if old:
            conn.executemany(_UPDATE_RECORD, [(*r.record, rid) for rid, r in old])
            conn.executemany(
                "UPDATE documents SET record_json = ?, post_ids = ? WHERE record_id = ?",
                [(r.document, r.post_ids, rid) for rid, r in old],
            )
            # a new record has no full-text rows to delete
            conn.executemany("DELETE FROM fts_words WHERE rowid = ?", [(rid,) for rid, _ in old])
            conn.executemany(
                "DELETE FROM fts_trigram WHERE rowid = ?", [(rid,) for rid, _ in old]
            )
        written = new + old
        conn.executemany(_INSERT_WORDS, [(rid, *r.words) for rid, r in written])
        conn.executemany(
            "INSERT INTO fts_trigram (rowid, body) VALUES (?, ?)",
            [(rid, r.trigram) for rid, r in written if r.trigram is not None],
        )

    def _delete(self, creator_id: str) -> bool:
        # records cascade from creators; their full-text rows go by trigger
        cursor = self._conn.execute("DELETE FROM creators WHERE id = ?", (creator_id,))
        return cursor.rowcount > 0

    def delete(self, creator_id: str) -> bool:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                deleted = self._delete(creator_id)
                self._conn.execute("COMMIT")
            except BaseException:
                _rollback(self._conn)
                raise
        return deleted

    @property
    def opted_out_skipped(self) -> int:
        return self._opted_out

    # -- reading -------------------------------------------------------------------------

    @_reading
    def search(self, query: SearchQuery) -> SearchResults:
        text = parse_text(query.text)
        with_text = not text.empty
        ctes: list[str] = []
        params: list[Any] = []
        # bm25 costs ~3 us a match; a broad search at a million creators has 100,000s of
        # matches, so the text rank is computed only when it orders the results
        ranked = query.sort == "relevance"
        if with_text:
            parts: list[str] = []
            if text.words_match:
                weights = ", ".join(str(w) for w in BM25_WEIGHTS)
                rank = f"-bm25(fts_words, {weights})" if ranked else "NULL"
                ctes.append(
                    f"w AS (SELECT rowid AS rid, {rank} AS rank"
                    " FROM fts_words WHERE fts_words MATCH ?)"
                )
                params.append(text.words_match)
                parts.append("w")
            if text.trigram_match or text.short_substrings:
                conditions: list[str] = []
                if text.trigram_match:
                    conditions.append("fts_trigram MATCH ?")
                    params.append(text.trigram_match)
                for substring in text.short_substrings:
                    conditions.append("instr(body, ?) > 0")
                    params.append(substring)
                rank = "-bm25(fts_trigram)" if text.trigram_match else "0.0"
                if not ranked:
                    rank = "NULL"
                ctes.append(
                    f"t AS (SELECT rowid AS rid, {rank} AS rank FROM fts_trigram"
                    f" WHERE {' AND '.join(conditions)})"
                )
                parts.append("t")
            if len(parts) == 2:
                ctes.append(
                    "h AS (SELECT w.rid, w.rank + t.rank AS rank FROM w JOIN t USING (rid))"
                )
            else:
                ctes.append(f"h AS (SELECT rid, rank FROM {parts[0]})")
            source = "records r JOIN h ON h.rid = r.id"
            rank_expr = "h.rank"
        else:
            source = "records r"
            rank_expr = "NULL"

        where, where_params = _filters(query)
        params.extend(where_params)
        relevance_expr = rank_expr if with_text else "r.relevance"
        inner_key = _sort_key(query.sort, "r.score", "r.followers", "r.er", relevance_expr)
        outer_key = _sort_key(query.sort, "score", "followers", "er", "relevance_key", "m.")
        # one hit per creator: keep each creator's best record (with a niche there is only one)
        dup = (
            "1"
            if query.niche
            else f"row_number() OVER (PARTITION BY r.creator_id ORDER BY {inner_key}, r.niche)"
        )
        if query.collapse_person:
            # one hit per person: a creator never grouped is a person of its own
            source += " LEFT JOIN creators c ON c.id = r.creator_id"
            dup = (
                "row_number() OVER (PARTITION BY coalesce(c.person_id, r.creator_id)"
                f" ORDER BY {inner_key}, r.creator_id, r.niche)"
            )
        ctes.append(
            f"""m AS (
                SELECT r.id AS rid, r.creator_id AS creator_id, r.score AS score,
                       r.followers AS followers, r.er AS er, {relevance_expr} AS relevance_key,
                       {rank_expr} AS text_rank, {dup} AS dup, lower(r.platform) AS platform,
                       lower(r.tier) AS tier, coalesce(lower(r.role), '{UNKNOWN}') AS role,
                       r.languages AS languages, r.authenticity AS authenticity,
                       r.er_percentile AS er_percentile, r.influence AS influence,
                       r.bridging AS bridging, r.sponsored_share AS sponsored_share
                FROM {source}
                WHERE {" AND ".join(where) if where else "1"}
            )"""
        )
        sql = (
            "INSERT INTO temp.matches (pos, rid, text_rank, platform, tier, role, languages)"
            " WITH "
            + ", ".join(ctes)
            + f" SELECT row_number() OVER (ORDER BY {outer_key}, creator_id), rid, text_rank,"
            " platform, tier, role, languages FROM m WHERE dup = 1"
        )
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                conn.execute("DELETE FROM temp.matches")
                conn.execute(sql, params)
                total = int(conn.execute("SELECT count(*) FROM temp.matches").fetchone()[0])
                facets = self._facets()
                rows = conn.execute(
                    "SELECT d.record_json, m.text_rank FROM temp.matches m"
                    " JOIN documents d ON d.record_id = m.rid WHERE m.pos > ?"
                    " ORDER BY m.pos LIMIT ?",
                    (query.offset, query.limit),
                ).fetchall()
                conn.execute("DELETE FROM temp.matches")
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        hits = [
            Hit(
                record=decode_record(record_json),
                text_rank=float(rank) if with_text and rank is not None else None,
            )
            for record_json, rank in rows
        ]
        people = self._persons_of([hit.record.id for hit in hits])
        for hit in hits:
            hit.person_id, hit.other_profiles = people.get(hit.record.id, (None, []))
        return SearchResults(total=total, hits=hits, facets=facets, offset=query.offset)

    @_reading
    def _persons_of(self, creator_ids: list[str]) -> dict[str, tuple[str | None, list[str]]]:
        """``{creator id: (person id, the person's other creator ids)}`` for a page of hits."""
        if not creator_ids:
            return {}
        marks = ", ".join("?" for _ in creator_ids)
        with self._lock:
            own = dict(self._conn.execute(
                f"SELECT id, person_id FROM creators WHERE id IN ({marks})", creator_ids
            ).fetchall())
            persons = sorted({p for p in own.values() if p is not None})
            members: dict[str, list[str]] = {}
            if persons:
                pmarks = ", ".join("?" for _ in persons)
                for cid, pid in self._conn.execute(
                    f"SELECT id, person_id FROM creators WHERE person_id IN ({pmarks})"
                    " ORDER BY id", persons,
                ).fetchall():
                    members.setdefault(pid, []).append(cid)
        return {
            cid: (pid, [m for m in members.get(pid, []) if m != cid] if pid else [])
            for cid, pid in own.items()
        }

    def _facets(self) -> dict[str, dict[str, int]]:
        # One pass over the matches, grouped by the combination of facet values (a few
        # dozen distinct ones even for 100,000s of matches); languages, a JSON array per
        # row, are split here rather than with json_each on every matching row.
        rows = self._conn.execute(
            "SELECT platform, tier, role, languages, count(*) FROM temp.matches"
            " GROUP BY platform, tier, role, languages"
        ).fetchall()
        counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
        for platform, tier, role, languages, count in rows:
            counts["platform"][platform] += count
            counts["tier"][tier] += count
            counts["role"][role] += count
            codes = json.loads(languages) or [UNKNOWN]
            for code in set(codes):
                counts["language"][code] += count
        return {
            name: dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
            for name, counter in counts.items()
        }

    @_reading
    def get(self, creator_id: str) -> list[ScoredCreator]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT d.record_json FROM records r JOIN documents d ON d.record_id = r.id"
                " WHERE r.creator_id = ? ORDER BY r.niche",
                (creator_id,),
            ).fetchall()
        return [decode_record(r[0]) for r in rows]

    @_reading
    def candidates(self, ref: str) -> list[str]:
        ref = ref.strip()
        if not ref:
            return []
        lookups: list[tuple[str, tuple[Any, ...]]] = [
            ("SELECT id FROM creators WHERE id = ?", (ref,))
        ]
        if "://" in ref:
            key = url_key(ref)
            if key:
                lookups.append(("SELECT id FROM creators WHERE url_key = ? ORDER BY id", (key,)))
        else:
            key = handle_key(ref)
            lookups.append(("SELECT id FROM creators WHERE handle_key = ? ORDER BY id", (key,)))
            if ":" in ref:
                platform, rest = ref.split(":", 1)
                lookups.append(
                    (
                        "SELECT id FROM creators WHERE platform = ? AND handle_key = ? ORDER BY id",
                        (platform, handle_key(rest)),
                    )
                )
            elif "@" not in key:
                lookups.append(
                    ("SELECT id FROM creators WHERE handle_local = ? ORDER BY id", (key,))
                )
        with self._lock:
            for sql, params in lookups:
                found = [r[0] for r in self._conn.execute(sql, params).fetchall()]
                if found:
                    return found
        return []

    @_reading
    def stats(self) -> IndexStats:
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN")
            try:
                creators = conn.execute("SELECT count(*) FROM creators").fetchone()[0]
                records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
                posts = conn.execute(
                    "SELECT count(DISTINCT p.value) FROM documents, json_each(documents.post_ids) p"
                ).fetchone()[0]
                niches = conn.execute(
                    "SELECT niche, count(*) FROM records GROUP BY niche ORDER BY niche"
                ).fetchall()
                platforms = conn.execute(
                    "SELECT lower(platform), count(*) FROM creators GROUP BY lower(platform)"
                    " ORDER BY 1"
                ).fetchall()
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
        return IndexStats(
            url=self.url,
            creators=int(creators),
            records=int(records),
            posts=int(posts),
            niches={str(n): int(c) for n, c in niches},
            platforms={str(p): int(c) for p, c in platforms},
            size_bytes=self._size(),
        )

    def _size(self) -> int | None:
        if self.path == ":memory:":
            return None
        total = 0
        for suffix in ("", "-wal"):
            file = Path(self.path + suffix)
            if file.exists():
                total += file.stat().st_size
        return total

    @_reading_all
    def iter_records(self, niche: str | None = None) -> Iterator[ScoredCreator]:
        # keyset pagination by record id: upserts of records already read keep their id,
        # so a caller may rewrite what it reads (the niche pass does)
        last = 0
        while True:
            with self._lock:
                if niche is None:
                    rows = self._conn.execute(
                        "SELECT record_id, record_json FROM documents WHERE record_id > ?"
                        " ORDER BY record_id LIMIT ?",
                        (last, _READ_BATCH),
                    ).fetchall()
                else:
                    rows = self._conn.execute(
                        "SELECT d.record_id, d.record_json FROM records r"
                        " JOIN documents d ON d.record_id = r.id"
                        " WHERE r.niche = ? AND r.id > ? ORDER BY r.id LIMIT ?",
                        (niche, last, _READ_BATCH),
                    ).fetchall()
            if not rows:
                return
            for _rid, record_json in rows:
                yield decode_record(record_json)
            last = rows[-1][0]

    # -- persons (one person, many profiles) --------------------------------------------

    @_reading_all
    def iter_creators(self) -> Iterator[Creator]:
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT id, creator_json FROM creators WHERE id > ? ORDER BY id LIMIT ?",
                    (last, _READ_BATCH),
                ).fetchall()
            if not rows:
                return
            for _cid, creator_json in rows:
                yield Creator.model_validate_json(creator_json)
            last = rows[-1][0]

    @_reading_all
    def iter_identities(self) -> Iterator[IdentityProfile]:
        # plain json.loads of the stored profile: validating whole Creator models costs as
        # much as the grouping itself (and five json_extract calls a row cost more)
        last = ""
        while True:
            with self._lock:
                rows = self._conn.execute(
                    "SELECT id, creator_json FROM creators WHERE id > ? ORDER BY id LIMIT ?",
                    (last, _READ_BATCH * 4),
                ).fetchall()
            if not rows:
                return
            for cid, creator_json in rows:
                data = json.loads(creator_json)
                yield IdentityProfile(
                    id=cid, platform=str(data["platform"]).lower(),
                    native_id=data["native_id"], handle=data["handle"],
                    profile_url=data.get("profile_url"),
                    links=tuple(data.get("links") or ()),
                    me_links=tuple(data.get("me_links") or ()),
                    verified_links=tuple(data.get("verified_links") or ()),
                    moved_to=(data.get("flags") or {}).get("moved_to"),
                )
            last = rows[-1][0]

    def save_grouping(self, grouping: Grouping) -> None:
        evidence = [
            (e.source_id, e.target_id, e.link, e.key, e.published, e.status, int(e.merged),
             e.note)
            for e in grouping.evidence
        ]
        with self._lock:
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                # write only what changed: most persons survive a pass. Creators written
                # since the grouping read them are left ungrouped (NULL) until the next pass
                current = dict(conn.execute("SELECT id, person_id FROM creators").fetchall())
                wanted = grouping.person_of
                conn.executemany(
                    "UPDATE creators SET person_id = ? WHERE id = ?",
                    [(wanted.get(cid), cid) for cid, pid in current.items()
                     if wanted.get(cid) != pid],
                )
                conn.execute("DELETE FROM identity_evidence")
                conn.executemany(
                    "INSERT INTO identity_evidence (source_id, target_id, link, key, published,"
                    " status, merged, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    evidence,
                )
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    @_reading
    def person_of(self, creator_id: str) -> Person | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT person_id FROM creators WHERE id = ?", (creator_id,)
            ).fetchone()
            if row is None:
                return None
            pid: str | None = row[0]
            if pid is None:
                members = [creator_id]
            else:
                members = [r[0] for r in self._conn.execute(
                    "SELECT id FROM creators WHERE person_id = ? ORDER BY id", (pid,)
                ).fetchall()]
            marks = ", ".join("?" for _ in members)
            rows = self._conn.execute(
                "SELECT source_id, target_id, link, key, published, status, merged, note"
                f" FROM identity_evidence WHERE source_id IN ({marks})"
                f" OR target_id IN ({marks}) ORDER BY source_id, id",
                [*members, *members],
            ).fetchall()
        evidence = [
            Evidence(source_id=r[0], target_id=r[1], link=r[2], key=r[3], published=r[4],
                     status=r[5], merged=bool(r[6]), note=r[7])
            for r in rows
        ]
        return Person(id=pid or person_id(members), members=members, evidence=evidence)

    # -- shortlists and lookalikes (issue 15) ---------------------------------------------

    def lists(self) -> ListStore:
        from creatorscout.search.lists_sqlite import SqliteListStore

        return SqliteListStore(self._conn, self._lock)

    def similar_text(
        self, record: ScoredCreator, *, pool: int, platform: str | None = None
    ) -> TextNeighbours:
        from creatorscout.search.similar_sqlite import text_neighbours

        return text_neighbours(self._conn, self._lock, record, pool=pool, platform=platform)

    def niche_stats(self, niche: str) -> NicheStats:
        from creatorscout.search.niche_stats import sqlite_niche_stats

        return sqlite_niche_stats(self._conn, self._lock, niche)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self._conn.close()

    def __repr__(self) -> str:
        return f"SqliteIndex({self.url!r})"


_SORT_COLUMNS = {
    "authenticity": "authenticity", "er_percentile": "er_percentile", "influence": "influence",
    "bridging": "bridging", "sponsored_share": "sponsored_share",
}
"""Stored score fields a sort may name (same column in ``records`` and the ``m`` CTE)."""


def _needs_order(batch: list[ScoredCreator]) -> bool:
    """True when the batch must be written record by record, in order: it deletes (an
    opted-out creator) or writes one (creator, niche) twice, where the last one wins."""
    keys = set()
    for record in batch:
        if record.creator.flags.opted_out:
            return True
        key = (record.creator.id, record.niche.casefold())
        if key in keys:
            return True
        keys.add(key)
    return False


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back after an error without hiding it: on a full disk or an I/O error SQLite may
    have rolled back already, and a failing ROLLBACK would replace the real error."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        log.debug("rollback after an error failed too: %s", exc)


def _sort_key(
    sort: str, score: str, followers: str, er: str, relevance: str, prefix: str = "r."
) -> str:
    spec = SORT_SPECS[sort]
    if spec.field in _SORT_COLUMNS:
        return f"{prefix}{_SORT_COLUMNS[spec.field]} {spec.order.upper()} NULLS LAST, {score} DESC"
    if sort == "followers":
        return f"{followers} DESC NULLS LAST"
    if sort == "er":
        return f"{er} DESC NULLS LAST"
    if sort == "relevance":
        return f"{relevance} DESC NULLS LAST"
    return f"{score} DESC"


def _filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []

    def any_of(column: str, values: list[str]) -> None:
        where.append(f"{column} IN ({', '.join('?' for _ in values)})")
        params.extend(values)

    if query.niche:
        where.append("r.niche = ?")
        params.append(query.niche)
    if query.platforms:
        any_of("r.platform", query.platforms)
    if query.tiers:
        any_of("r.tier", query.tiers)
    if query.min_followers is not None:
        where.append("r.followers >= ?")
        params.append(query.min_followers)
    if query.max_followers is not None:
        where.append("r.followers <= ?")
        params.append(query.max_followers)
    if query.min_er is not None:
        where.append("r.er >= ?")
        params.append(query.min_er)
    if query.languages:
        # languages is a JSON array of lower-case codes ('["de-at","en"]'): look for the
        # quoted code, or the code and a dash, in the text (json_each per row costs 3x)
        tests: list[str] = []
        for code in query.languages:
            code = code.strip().lower()
            tests.append("instr(r.languages, ?) > 0 OR instr(r.languages, ?) > 0")
            params.extend([json.dumps(code), json.dumps(code)[:-1] + "-"])
        where.append(f"({' OR '.join(tests)})")
    if query.role:
        any_of("r.role", list(query.role_values()))
    for column, minimum in (
        ("r.score", query.min_score),
        ("r.relevance", query.min_relevance),
        ("r.authenticity", query.min_authenticity),
        ("r.influence", query.min_influence),
        ("r.bridging", query.min_bridging),
    ):
        if minimum is not None:
            where.append(f"{column} >= ?")
            params.append(minimum)
    if query.max_sponsored is not None:
        where.append("r.sponsored_share <= ?")
        params.append(query.max_sponsored)
    if query.flags:
        marks = ", ".join("?" for _ in query.flags)
        where.append(f"EXISTS (SELECT 1 FROM json_each(r.flags) f WHERE f.value IN ({marks}))")
        params.extend(query.flags)
    if query.exclude_flags:
        marks = ", ".join("?" for _ in query.exclude_flags)
        where.append(
            f"NOT EXISTS (SELECT 1 FROM json_each(r.flags) f WHERE f.value IN ({marks}))"
        )
        params.extend(query.exclude_flags)
    if query.no_flags:
        where.append("r.flags = '[]'")
    return where, params
