"""The index contract every backend implements, and :func:`open_index` to pick one.

Backends: the embedded SQLite file (:mod:`creatorscout.search.sqlite_index`, the default)
and, later, Elasticsearch. Both store :class:`ScoredCreator` records, one per
(creator id, niche), and answer the same :class:`SearchQuery` with the same semantics
(documented on :class:`SearchQuery`).

Index URLs (``--index`` on the command line, ``CREATORSCOUT_INDEX`` in the environment):

* ``sqlite:///relative/path.db`` (three slashes: relative to the working directory)
* ``sqlite:////absolute/path.db`` (four slashes: absolute)
* ``sqlite:///:memory:`` (a throw-away index, for tests)
* a plain path ending in ``.db``, ``.sqlite`` or ``.sqlite3``
* ``http://`` / ``https://``: Elasticsearch (not available yet: :class:`IndexUnavailable`)
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Self

from creatorscout.search.query import IndexStats, SearchQuery, SearchResults
from creatorscout.search.records import ScoredCreator

ENV_VAR = "CREATORSCOUT_INDEX"
DEFAULT_PATH = "creatorscout.db"
ACCEPTED_FORMS = (
    "sqlite:///relative/path.db, sqlite:////absolute/path.db, a path ending in .db, "
    "or an http(s):// Elasticsearch URL"
)
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class IndexOpenError(ValueError):
    """The index could not be opened. The message is one line and says what to do."""


class InvalidIndexURL(IndexOpenError):
    """The index URL has none of the accepted forms."""


class IndexUnavailable(IndexOpenError):
    """The URL names a backend this installation cannot use (Elasticsearch, for now)."""


class IndexNotFound(IndexOpenError):
    """``open_index(..., create=False)`` and there is no index at that place."""


class IncompatibleIndex(IndexOpenError):
    """The file is not a creatorscout index, or was written by a newer creatorscout."""


class Index(ABC):
    """A searchable store of :class:`ScoredCreator` records, one per (creator id, niche).

    Use it as a context manager, or call :meth:`close`. Instances of the SQLite backend may
    be shared between threads.
    """

    url: str
    """The index's URL, normalised (an absolute path for SQLite)."""

    @abstractmethod
    def upsert(self, records: Iterable[ScoredCreator]) -> int:
        """Store records; return how many were stored.

        Idempotent by (creator id, niche): storing a record again replaces the old one.
        One call is one transaction: if the iterable raises, nothing of the call is kept,
        so callers should batch (hundreds to thousands of records per call).

        Records of opted-out creators (``creator.flags.opted_out``) are never stored: they
        are skipped, counted in :attr:`opted_out_skipped`, and any record already stored for
        that creator (every niche) is deleted. For ``creator.flags.no_post_text`` the post
        text (and hashtags) is dropped before storing, is not searchable, and a relevance
        snippet that does not come from the bio is dropped.
        """

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Run a query: ``total``, one page of ``hits``, ``facets`` over all matches.

        Facets are counts of matching creators per platform, tier, language and role
        (keys in :data:`creatorscout.search.query.FACETS`), ignoring limit and offset.
        """

    @abstractmethod
    def get(self, creator_id: str) -> list[ScoredCreator]:
        """Every stored record (one per niche) of a creator, by niche; [] when unknown."""

    @abstractmethod
    def candidates(self, ref: str) -> list[str]:
        """The creator ids ``ref`` may mean, in id order.

        ``ref`` is a stable id (``mastodon:1234``), a handle with or without a leading
        ``@`` (case-insensitive), ``platform:handle``, a profile URL, or the local part of a
        ``user@instance`` handle. The first of these readings that matches anything decides.
        """

    def resolve(self, ref: str) -> str | None:
        """The stable id of the one creator ``ref`` identifies; None if none or ambiguous."""
        found = self.candidates(ref)
        return found[0] if len(found) == 1 else None

    @abstractmethod
    def delete(self, creator_id: str) -> bool:
        """Delete every record of a creator; True when something was deleted."""

    @abstractmethod
    def stats(self) -> IndexStats:
        """Counts: creators, records, distinct posts, records per niche, creators per platform."""

    @abstractmethod
    def iter_records(self) -> Iterator[ScoredCreator]:
        """Every stored record, for copying to another index. Reads in batches."""

    @property
    @abstractmethod
    def opted_out_skipped(self) -> int:
        """Records refused by :meth:`upsert` since this index was opened (opted out)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection. Closing twice is harmless."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def sqlite_path(url: str) -> str:
    """The file path (or ``:memory:``) an SQLite index URL or plain path names.

    Raises :class:`InvalidIndexURL` / :class:`IndexUnavailable` for anything else.
    """
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        raise IndexUnavailable(
            f"Elasticsearch support is not available in this version of creatorscout "
            f"(index URL {text!r}); use an embedded index such as sqlite:///creatorscout.db"
        )
    if lowered.startswith("sqlite:"):
        if not lowered.startswith("sqlite:///") or len(text) == len("sqlite:///"):
            raise InvalidIndexURL(f"bad index URL {text!r}: use {ACCEPTED_FORMS}")
        path = text[len("sqlite:///") :]
        return path if path == ":memory:" else str(Path(path).expanduser())
    if "://" not in text and lowered.endswith(_SQLITE_SUFFIXES):
        return str(Path(text).expanduser())
    raise InvalidIndexURL(f"bad index URL {text!r}: use {ACCEPTED_FORMS}")


def default_url() -> str:
    """``$CREATORSCOUT_INDEX`` when set, else ``creatorscout.db`` in the working directory."""
    return os.environ.get(ENV_VAR, "").strip() or DEFAULT_PATH


def open_index(url: str | None = None, *, create: bool = True) -> Index:
    """Open the index ``url`` names (None: :func:`default_url`).

    With ``create=False`` (for commands that only read: search, show, stats) a missing
    SQLite file raises :class:`IndexNotFound` instead of creating an empty index.
    Every error is an :class:`IndexOpenError` (a ``ValueError``) with a one-line message.
    """
    from creatorscout.search.sqlite_index import SqliteIndex

    path = sqlite_path(default_url() if url is None else url)
    return SqliteIndex(path, create=create)


def copy_index(source: Index, target: Index, *, batch_size: int = 1000) -> int:
    """Copy every record of ``source`` into ``target`` in batches; return how many were stored."""
    stored = 0
    batch: list[ScoredCreator] = []
    for record in source.iter_records():
        batch.append(record)
        if len(batch) >= batch_size:
            stored += target.upsert(batch)
            batch = []
    if batch:
        stored += target.upsert(batch)
    return stored
