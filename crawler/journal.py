"""The job's response journal: every answer the crawl received, committed as it arrives.

A resumable job (:mod:`creatorscout.crawler.jobs`) replays its crawl from the start after a
``kill -9``: the spider asks for the same requests again, and Scrapy's own HTTP cache
middleware (``HttpCacheMiddleware``) answers those already answered from this journal
instead of the network. The spider's books, the accepted creators and the items are thus
rebuilt from the same answers, and only requests that never got an answer go out again.

This module is the cache's storage backend (``HTTPCACHE_STORAGE``): one SQLite file in the
job directory, WAL mode, one committed row per answer, so an answer is durable as soon as
the middleware has seen it (a process kill loses nothing committed; the OS still has it).
Scrapy's file-system storage writes several files per answer and can leave a half-written
entry behind on a kill; its DBM storage is not crash-safe either.

Answers the crawl should retry on resume (rate limits, server errors: see
:data:`NOT_JOURNALED`) are never stored, so a resume asks again instead of replaying them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.extensions.httpcache import DummyPolicy
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: Statuses never journaled: a resumed crawl must ask again (and wait, for 429/503).
NOT_JOURNALED = (408, 429, 500, 502, 503, 504, 522, 524)

JOURNAL_FILE = "journal.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    fingerprint BLOB PRIMARY KEY,
    stored_at REAL NOT NULL,
    url TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL
) WITHOUT ROWID
"""


def open_journal(path: Path) -> sqlite3.Connection:
    """Open (creating) a journal file; WAL so readers (``scout jobs show``) never block."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL in WAL mode: a commit survives a process kill (not a power cut), at no fsync
    # per answer.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(_SCHEMA)
    return conn


def count_answers(path: Path) -> int:
    """How many answers a journal holds (0 when there is none yet)."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30.0)
    try:
        return int(conn.execute("SELECT count(*) FROM answers").fetchone()[0])
    except sqlite3.OperationalError:  # created, table not yet there
        return 0
    finally:
        conn.close()


class JournalStorage:
    """Scrapy HTTP-cache storage in the job's ``journal.db`` (``HTTPCACHE_DIR``)."""

    def __init__(self, settings: BaseSettings) -> None:
        self.path = Path(settings["HTTPCACHE_DIR"]) / JOURNAL_FILE
        self.conn: sqlite3.Connection | None = None
        self.failed = False

    def open_spider(self, spider: Spider) -> None:
        assert spider.crawler is not None
        self._fingerprint = spider.crawler.request_fingerprinter.fingerprint
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = open_journal(self.path)
        except (sqlite3.Error, OSError) as exc:
            self.failed = True
            logger.warning("job journal %s cannot be opened (%s); the crawl goes on without "
                           "it", self.path, exc)

    def close_spider(self, spider: Spider) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def retrieve_response(self, spider: Spider, request: Request) -> Response | None:
        if self.conn is None:
            return None
        row = self.conn.execute(
            "SELECT url, status, headers, body FROM answers WHERE fingerprint = ?",
            (self._fingerprint(request),),
        ).fetchone()
        if row is None:
            return None
        url, status, raw_headers, body = row
        headers = Headers(json.loads(raw_headers))
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        return cls(url=url, status=status, headers=headers, body=bytes(body))

    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        headers: dict[str, list[str]] = {
            key.decode("latin-1"): [v.decode("latin-1") for v in values]
            for key, values in response.headers.items()
        }
        if self.failed or self.conn is None:
            return
        try:
            # Autocommit: the row is committed when execute returns.
            self.conn.execute(
                "INSERT OR REPLACE INTO answers (fingerprint, stored_at, url, status, headers,"
                " body) VALUES (?, ?, ?, ?, ?, ?)",
                (self._fingerprint(request), time.time(), response.url, response.status,
                 json.dumps(headers), response.body),
            )
        except (sqlite3.Error, OSError) as exc:
            # A full disk must not stop the crawl too: it goes on without a journal (a kill
            # from here on means asking again), and says so once.
            self.failed = True
            logger.warning("job journal %s cannot be written (%s); the crawl goes on, but a "
                           "resume will fetch again what follows", self.path, exc)


class JournalPolicy(DummyPolicy):
    """Replay everything a GET fetched; never journal what another method answered.

    Sign-ins (Bluesky's createSession, Reddit's and Twitch's token requests) are POSTs whose
    answers carry access tokens: journaled, they would put a secret on disk in the job
    directory, and a resumed crawl would replay a token that may have expired. A resume
    signs in again instead."""

    def should_cache_request(self, request: Request) -> bool:
        return request.method == "GET" and bool(super().should_cache_request(request))


def journal_settings(job_dir: Path) -> dict[str, Any]:
    """The Scrapy settings that make a crawl journal its answers in ``job_dir`` and replay
    them when run again."""
    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_DIR": str(job_dir),
        "HTTPCACHE_STORAGE": "creatorscout.crawler.journal.JournalStorage",
        # Everything is replayed, whatever its cache headers say: the journal is the record
        # of this job's crawl, not a freshness-checking cache.
        "HTTPCACHE_POLICY": "creatorscout.crawler.journal.JournalPolicy",
        "HTTPCACHE_EXPIRATION_SECS": 0,
        "HTTPCACHE_IGNORE_HTTP_CODES": list(NOT_JOURNALED),
    }


#: Where the cache middleware sits: after the fetch guard and robots.txt, before the
#: rate-limit middleware (560), so a replayed answer is not paced like a network request,
#: and after it on the way back, so an answer the rate limiter retries is never journaled.
MIDDLEWARE_ORDER = 540
