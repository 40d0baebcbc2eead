"""Crawl-wide books kept on disk: sets of keys and FIFO queues in a private SQLite file.

A crawl keeps books that grow with it: every creator key it has seen, the candidates
waiting for a profile fetch, the ids already merged, the request fingerprints. In Python
sets and deques they cost ~0.1-0.5 KB an entry, several entries per creator: hundreds of
MiB at 100,000 creators (BENCHMARKS.md, "Memory"). Here they live in a *private temporary*
SQLite database (``sqlite3.connect("")``): SQLite keeps a small page cache in memory,
spills the rest to a file in its temp directory (``SQLITE_TMPDIR`` or ``TMPDIR``) and
deletes that file when the store is closed, so the crawl's memory stays flat and nothing is
left behind.

One store is one connection, used from the reactor thread only (Scrapy's callbacks,
pipelines and dupefilter all run there). Its changes are never committed: the data lives
for one crawl, so a single open transaction saves a write per operation.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator

#: Page cache per store. Lookups of recent keys hit it; the rest is one read from the OS
#: page cache, a few microseconds.
CACHE_KIB = 4096

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


class DiskStore:
    """A private temporary SQLite database holding any number of sets and queues."""

    def __init__(self) -> None:
        self._conn: sqlite3.Connection | None = sqlite3.connect("", isolation_level=None)
        self._conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
        self._conn.execute("PRAGMA journal_mode = OFF")  # nothing to roll back to
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute("BEGIN")
        self._tables: set[str] = set()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the crawl's books are closed")
        return self._conn

    def _table(self, name: str, columns: str) -> str:
        if not _NAME.match(name):
            raise ValueError(f"not a table name: {name!r}")
        if name not in self._tables:
            self.conn.execute(f"CREATE TABLE {name} ({columns}) WITHOUT ROWID")
            self._tables.add(name)
        return name

    def set(self, name: str) -> DiskSet:
        """A new, empty set of strings called ``name`` (unique in this store)."""
        return DiskSet(self, self._table(name, "key TEXT PRIMARY KEY"))

    def queues(self, name: str) -> DiskQueues:
        """A new family of FIFO queues of bytes called ``name``, one queue per key."""
        return DiskQueues(self, self._table(name, "queue TEXT, seq INTEGER, body BLOB, "
                                                  "PRIMARY KEY (queue, seq)"))

    def close(self) -> None:
        """Drop everything (SQLite deletes the temporary file). Idempotent."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class DiskSet:
    """A set of strings on disk: ``in``, ``add``, ``discard``, ``update``, ``len``, iteration."""

    def __init__(self, store: DiskStore, table: str) -> None:
        self._store = store
        self._contains = f"SELECT 1 FROM {table} WHERE key = ?"
        self._add = f"INSERT OR IGNORE INTO {table} (key) VALUES (?)"
        self._discard = f"DELETE FROM {table} WHERE key = ?"
        self._all = f"SELECT key FROM {table}"
        self._len = 0  # counted here: SELECT count(*) would scan the table

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return self._store.conn.execute(self._contains, (key,)).fetchone() is not None

    def add(self, key: str) -> bool:
        """Add ``key``; True when it was not in the set."""
        added = self._store.conn.execute(self._add, (key,)).rowcount
        self._len += added
        return added > 0

    def update(self, keys: Iterable[str]) -> None:
        for key in keys:
            self.add(key)

    def discard(self, key: str) -> None:
        self._len -= self._store.conn.execute(self._discard, (key,)).rowcount

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        # materialised: the caller may change the set while iterating
        return iter([row[0] for row in self._store.conn.execute(self._all)])


class DiskQueues:
    """FIFO queues of bytes on disk, one per key (``queues["mastodon"]``)."""

    def __init__(self, store: DiskStore, table: str) -> None:
        self._store = store
        self._table = table
        self._queues: dict[str, DiskQueue] = {}

    def __getitem__(self, name: str) -> DiskQueue:
        if name not in self._queues:
            self._queues[name] = DiskQueue(self._store, self._table, name)
        return self._queues[name]


class DiskQueue:
    """One FIFO queue of bytes: ``append``, ``popleft``, ``take``, ``clear``, ``len``."""

    def __init__(self, store: DiskStore, table: str, name: str) -> None:
        self._store = store
        self._name = name
        self._insert = f"INSERT INTO {table} (queue, seq, body) VALUES (?, ?, ?)"
        self._head = f"SELECT seq, body FROM {table} WHERE queue = ? ORDER BY seq LIMIT ?"
        self._drop = f"DELETE FROM {table} WHERE queue = ? AND seq <= ?"
        self._next = 0  # sequence number of the next append
        self._len = 0

    def append(self, body: bytes) -> None:
        self._store.conn.execute(self._insert, (self._name, self._next, body))
        self._next += 1
        self._len += 1

    def take(self, count: int) -> list[bytes]:
        """Remove and return up to ``count`` entries from the front, oldest first."""
        if count <= 0 or not self._len:
            return []
        rows = self._store.conn.execute(self._head, (self._name, count)).fetchall()
        if rows:
            self._store.conn.execute(self._drop, (self._name, rows[-1][0]))
            self._len -= len(rows)
        return [bytes(row[1]) for row in rows]

    def popleft(self) -> bytes:
        taken = self.take(1)
        if not taken:
            raise IndexError("pop from an empty queue")
        return taken[0]

    def clear(self) -> None:
        self._store.conn.execute(self._drop, (self._name, self._next))
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0
