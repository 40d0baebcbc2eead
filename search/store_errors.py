"""Which write errors are the store's (a full disk, a read-only file, a locked or damaged
database, an unreachable cluster) rather than one record's, and the one line that says so.

A store error fails every record written after it, so a writer stops retrying and reports
the cause; any other error belongs to the record being written, which is skipped and
counted while the others are stored.
"""

from __future__ import annotations

import errno
import sqlite3

from creatorscout.search.backend import IndexOpenError
from creatorscout.search.es_errors import ElasticsearchError, ElasticsearchWriteError

#: SQLite's primary result codes (``sqlite_errorcode & 0xff``) that mean the store itself.
_SQLITE_CAUSES = {
    5: "the database is locked by another process (another crawl or a long search?)",
    6: "the database is locked by another connection",
    8: "the index file is read-only ({where} is not writable)",
    10: "disk I/O error writing {where}",
    11: "the index file is damaged: run `scout index check --index sqlite:///{where}`",
    13: "the disk is full ({where})",
    14: "cannot open {where}: is the folder writable?",
    26: "{where} is not an SQLite index (damaged?): run "
        "`scout index check --index sqlite:///{where}`",
}
_OS_CAUSES = {
    errno.ENOSPC: "the disk is full ({where})",
    errno.EROFS: "{where} is on a read-only filesystem",
    errno.EACCES: "permission denied writing {where}",
    errno.EPERM: "permission denied writing {where}",
    errno.EDQUOT: "the disk quota is exceeded ({where})",
}


def storage_cause(exc: BaseException, where: str) -> str | None:
    """One line naming what is wrong with the store, or None when ``exc`` is about one
    record (bad data, a bug) and other records may still be stored."""
    if isinstance(exc, ElasticsearchWriteError):
        return None  # some documents were refused; the cluster itself answers
    if isinstance(exc, ElasticsearchError):
        return str(exc).splitlines()[0] if str(exc) else "Elasticsearch failed"
    if isinstance(exc, IndexOpenError):  # a damaged index met while reading it back
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_CAUSES:
            return _SQLITE_CAUSES[code & 0xFF].format(where=where)
        text = str(exc).lower()
        if "disk is full" in text:
            return _SQLITE_CAUSES[13].format(where=where)
        if "readonly" in text or "read-only" in text:
            return _SQLITE_CAUSES[8].format(where=where)
        if "locked" in text:
            return _SQLITE_CAUSES[5].format(where=where)
        if "malformed" in text or "not a database" in text:
            return _SQLITE_CAUSES[11].format(where=where)
        return None
    if isinstance(exc, OSError) and exc.errno in _OS_CAUSES:
        return _OS_CAUSES[exc.errno].format(where=where)
    return None
