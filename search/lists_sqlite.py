"""Shortlists in the embedded index: the ``shortlists`` and ``shortlist_items`` tables
(schema version 5, :mod:`creatorscout.search.sqlite_schema`)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from creatorscout.search.lists import (
    MAX_ITEMS,
    ListFull,
    ListItem,
    ListNameTaken,
    ListNotFound,
    ListStore,
    ListSummary,
    Shortlist,
    clean_item,
    clean_name,
    now,
)

_SUMMARY = (
    "SELECT s.id, s.name, s.description, s.created_at, s.updated_at,"
    " (SELECT count(*) FROM shortlist_items i WHERE i.list_id = s.id) FROM shortlists s"
)


class SqliteListStore(ListStore):
    """Lists over an :class:`SqliteIndex`'s connection and lock (shared with searches)."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def create(self, name: str, description: str = "") -> Shortlist:
        name = clean_name(name)
        stamp = now().isoformat()
        try:
            with self._write() as conn:
                cursor = conn.execute(
                    "INSERT INTO shortlists (name, description, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?)", (name, description, stamp, stamp),
                )
        except sqlite3.IntegrityError:
            raise ListNameTaken(f"a list named '{name}' exists; pick another name") from None
        created = self.get(int(cursor.lastrowid or 0))
        assert created is not None
        return created

    def all(self) -> list[ListSummary]:
        with self._lock:
            rows = self._conn.execute(_SUMMARY + " ORDER BY s.name, s.id").fetchall()
        return [_summary(row) for row in rows]

    def get(self, list_id: int) -> Shortlist | None:
        with self._lock:
            row = self._conn.execute(_SUMMARY + " WHERE s.id = ?", (list_id,)).fetchone()
            if row is None:
                return None
            items = self._conn.execute(
                "SELECT creator_id, note, status, added_at, updated_at FROM shortlist_items"
                " WHERE list_id = ? ORDER BY position", (list_id,),
            ).fetchall()
        summary = _summary(row)
        return Shortlist(
            **summary.model_dump(),
            items=[
                ListItem(creator_id=cid, note=note, status=status,
                         added_at=datetime.fromisoformat(added),
                         updated_at=datetime.fromisoformat(updated))
                for cid, note, status, added, updated in items
            ],
        )

    def update(
        self, list_id: int, *, name: str | None = None, description: str | None = None
    ) -> Shortlist:
        if name is not None:
            name = clean_name(name)
        try:
            with self._write() as conn:
                self._require(list_id)
                conn.execute(
                    "UPDATE shortlists SET name = coalesce(?, name),"
                    " description = coalesce(?, description), updated_at = ? WHERE id = ?",
                    (name, description, now().isoformat(), list_id),
                )
        except sqlite3.IntegrityError:
            raise ListNameTaken(f"a list named '{name}' exists; pick another name") from None
        found = self.get(list_id)
        assert found is not None
        return found

    def delete(self, list_id: int) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM shortlists WHERE id = ?", (list_id,)).rowcount > 0

    def put_item(
        self, list_id: int, creator_id: str, *, note: str | None = None,
        status: str | None = None,
    ) -> ListItem:
        note, status = clean_item(note, status)
        stamp = now().isoformat()
        with self._write() as conn:
            self._require(list_id)
            known = conn.execute(
                "SELECT 1 FROM shortlist_items WHERE list_id = ? AND creator_id = ?",
                (list_id, creator_id),
            ).fetchone()
            if known:
                conn.execute(
                    "UPDATE shortlist_items SET note = coalesce(?, note),"
                    " status = coalesce(?, status), updated_at = ?"
                    " WHERE list_id = ? AND creator_id = ?",
                    (note, status, stamp, list_id, creator_id),
                )
            else:
                size, last = conn.execute(
                    "SELECT count(*), coalesce(max(position), 0) FROM shortlist_items"
                    " WHERE list_id = ?", (list_id,),
                ).fetchone()
                if size >= MAX_ITEMS:
                    raise ListFull(f"list {list_id} holds {MAX_ITEMS} creators already; "
                                   "start another list")
                conn.execute(
                    "INSERT INTO shortlist_items (list_id, creator_id, note, status,"
                    " added_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (list_id, creator_id, note or "", status or "candidate", stamp, stamp,
                     last + 1),
                )
            conn.execute("UPDATE shortlists SET updated_at = ? WHERE id = ?", (stamp, list_id))
            row = conn.execute(
                "SELECT note, status, added_at, updated_at FROM shortlist_items"
                " WHERE list_id = ? AND creator_id = ?", (list_id, creator_id),
            ).fetchone()
        return ListItem(creator_id=creator_id, note=row[0], status=row[1],
                        added_at=datetime.fromisoformat(row[2]),
                        updated_at=datetime.fromisoformat(row[3]))

    def remove_item(self, list_id: int, creator_id: str) -> bool:
        with self._write() as conn:
            self._require(list_id)
            removed = conn.execute(
                "DELETE FROM shortlist_items WHERE list_id = ? AND creator_id = ?",
                (list_id, creator_id),
            ).rowcount > 0
            if removed:
                conn.execute("UPDATE shortlists SET updated_at = ? WHERE id = ?",
                             (now().isoformat(), list_id))
        return removed

    def _require(self, list_id: int) -> None:
        if not self._conn.execute("SELECT 1 FROM shortlists WHERE id = ?", (list_id,)).fetchone():
            raise ListNotFound(f"no list {list_id}; `scout lists show` lists them")


def _summary(row: tuple[Any, ...]) -> ListSummary:
    list_id, name, description, created, updated, size = row
    return ListSummary(id=list_id, name=name, description=description,
                       created_at=datetime.fromisoformat(created),
                       updated_at=datetime.fromisoformat(updated), size=size)
