"""Check a damaged embedded index and save what can still be read into a new file.

:func:`check_index` runs SQLite's integrity check, the full-text indexes' own checks and
reads every stored document back, so it names what is wrong and how many records are
unreadable. :func:`repair_index` copies every record that can be read into a new index
(the damaged file is left alone) and reports what was lost. Both read the file through a
plain connection, without the set-up or upgrade :class:`SqliteIndex` does on open, so a
file too damaged to open as an index can still be checked and repaired.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from creatorscout.search.backend import IndexOpenError
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_index import SqliteIndex
from creatorscout.search.sqlite_rows import DamagedRecord, decode_record

#: Problems of the integrity check listed in full; more are counted.
MAX_LISTED = 10
_CHUNK = 500


@dataclass
class CheckReport:
    """What :func:`check_index` found."""

    path: str
    problems: list[str] = field(default_factory=list)
    records: int = 0
    unreadable: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.unreadable

    def lines(self) -> list[str]:
        status = "ok" if self.ok else "DAMAGED"
        lines = [f"{self.path}: {status}: {self.records} records read, "
                 f"{self.unreadable} unreadable"]
        lines += [f"  problem: {problem}" for problem in self.problems]
        if not self.ok:
            lines.append(f"  save what can be read: scout index repair --index "
                         f"sqlite:///{self.path} --to sqlite:///{repaired_path(self.path)}")
        return lines


@dataclass
class RepairReport:
    """What :func:`repair_index` saved and lost."""

    source: str
    target: str
    saved: int = 0
    lost: int | None = 0
    """Records that could not be read; None when the file is too damaged to count them."""
    lost_reasons: list[str] = field(default_factory=list)


def repaired_path(path: str) -> str:
    """Where ``repair`` writes by default: ``name.repaired.db`` beside the file."""
    file = Path(path)
    return str(file.with_name(f"{file.stem}.repaired{file.suffix or '.db'}"))


def _connect(path: str) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise IndexOpenError(f"no index at {path}")
    try:
        # read-only: a check or a repair never writes into the damaged file
        return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise IndexOpenError(f"cannot open {path}: {exc}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _documents(conn: sqlite3.Connection) -> Iterator[tuple[int, object | BaseException]]:
    """``(record id, stored document or the error reading it)`` for every document that
    can be reached: chunks by record id, row by row where a chunk fails."""
    try:
        top = int(conn.execute("SELECT coalesce(max(record_id), 0) FROM documents")
                  .fetchone()[0])
    except sqlite3.Error as exc:
        yield 0, exc
        return
    for start in range(0, top, _CHUNK):
        try:
            rows = conn.execute(
                "SELECT record_id, record_json FROM documents WHERE record_id > ?"
                " AND record_id <= ? ORDER BY record_id", (start, start + _CHUNK)
            ).fetchall()
        except sqlite3.Error:
            rows = None
        if rows is not None:
            yield from rows
            continue
        for rid in range(start + 1, start + _CHUNK + 1):
            try:
                row = conn.execute("SELECT record_json FROM documents WHERE record_id = ?",
                                   (rid,)).fetchone()
            except sqlite3.Error as exc:
                yield rid, exc
                continue
            if row is not None:
                yield rid, row[0]


def _read(stored: object) -> ScoredCreator:
    if isinstance(stored, BaseException):
        raise DamagedRecord(_one_line(stored))
    if not isinstance(stored, (str, bytes)):
        raise DamagedRecord(f"a stored document of type {type(stored).__name__}")
    return decode_record(stored)


def _fts_problems(path: str) -> list[str]:
    """FTS5's own ``integrity-check`` of both full-text indexes. It is an INSERT, so it
    runs on a writable connection inside a transaction that is rolled back."""
    problems = []
    try:
        conn = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        return [f"full-text indexes not checked: {_one_line(exc)}"]
    try:
        for table in ("fts_words", "fts_trigram"):
            try:
                conn.execute("BEGIN")
                conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
            except sqlite3.Error as exc:
                # a read-only file cannot run the check; that is not damage
                if "readonly" not in str(exc) and "no such table" not in str(exc):
                    problems.append(f"full-text index {table}: {_one_line(exc)}")
            finally:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
    finally:
        conn.close()
    return problems


def check_index(path: str) -> CheckReport:
    """Integrity, full-text and record checks of the embedded index at ``path``."""
    report = CheckReport(path=path)
    conn = _connect(path)
    try:
        try:
            found = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        except sqlite3.Error as exc:
            found = [_one_line(exc)]
        problems = [line for line in found if line != "ok"]
        report.problems += problems[:MAX_LISTED]
        if len(problems) > MAX_LISTED:
            report.problems.append(f"... and {len(problems) - MAX_LISTED} more")
        report.problems += _fts_problems(path)
        for _rid, stored in _documents(conn):
            try:
                _read(stored)
                report.records += 1
            except DamagedRecord:
                report.unreadable += 1
        try:
            expected = int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
            missing = expected - report.records - report.unreadable
            if missing > 0:
                report.problems.append(f"{missing} records have no stored document")
        except sqlite3.Error as exc:
            report.problems.append(f"records table: {_one_line(exc)}")
    finally:
        conn.close()
    return report


def repair_index(path: str, target: str, *, batch_size: int = 500) -> RepairReport:
    """Copy every readable record of ``path`` into a new index at ``target``."""
    if Path(target).exists():
        raise IndexOpenError(f"{target} exists already; name a new file with --to")
    report = RepairReport(source=path, target=target)
    conn = _connect(path)
    reasons: dict[str, int] = {}
    try:
        with SqliteIndex(target) as out, out.bulk():
            batch: list[ScoredCreator] = []
            for rid, stored in _documents(conn):
                try:
                    batch.append(_read(stored))
                except DamagedRecord as exc:
                    if rid == 0:  # not even the table's extent could be read
                        report.lost = None
                        reasons[f"the documents table: {exc}"[:80]] = 1
                        continue
                    assert report.lost is not None
                    report.lost += 1
                    reasons[str(exc)[:80]] = reasons.get(str(exc)[:80], 0) + 1
                    continue
                if len(batch) >= batch_size:
                    report.saved += out.upsert(batch)
                    batch = []
            if batch:
                report.saved += out.upsert(batch)
        try:
            expected = int(conn.execute("SELECT count(*) FROM records").fetchone()[0])
            report.lost = max(report.lost or 0, expected - report.saved)
        except sqlite3.Error:
            pass  # the records table itself is damaged: the lost count is what failed
    finally:
        conn.close()
    report.lost_reasons = [f"{n} x {reason}" for reason, n in
                           sorted(reasons.items(), key=lambda kv: -kv[1])][:5]
    return report
