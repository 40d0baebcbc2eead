"""The index contract every backend implements, and :func:`open_index` to pick one.

Backends: the embedded SQLite file (:mod:`creatorscout.search.sqlite_index`, the default)
and Elasticsearch (:mod:`creatorscout.search.es_index`, the scale-out index). Both store
:class:`ScoredCreator` records, one per (creator id, niche), and answer the same
:class:`SearchQuery` with the same semantics (documented on :class:`SearchQuery`).

Index URLs (``--index`` on the command line, ``CREATORSCOUT_INDEX`` in the environment):

* ``sqlite:///relative/path.db`` (three slashes: relative to the working directory)
* ``sqlite:////absolute/path.db`` (four slashes: absolute)
* ``sqlite:///:memory:`` (a throw-away index, for tests)
* a plain path ending in ``.db``, ``.sqlite`` or ``.sqlite3``
* ``http(s)://host:9200`` or ``http(s)://host:9200/name``: Elasticsearch; credentials, TLS
  and timeouts come from ``CREATORSCOUT_ES_*`` variables (:mod:`creatorscout.search.es_config`)
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

from creatorscout.plugins.models import Creator
from creatorscout.scoring.identity import Grouping, IdentityProfile, Person
from creatorscout.search.lists import ListStore
from creatorscout.search.niche_stats import NicheStats
from creatorscout.search.query import IndexStats, SearchQuery, SearchResults
from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import TextNeighbours

T = TypeVar("T")

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
    """The URL names a backend this installation cannot use (no Elasticsearch client)."""


class IndexNotFound(IndexOpenError):
    """``open_index(..., create=False)`` and there is no index at that place."""


class IncompatibleIndex(IndexOpenError):
    """The file is not a creatorscout index, or was written by a newer creatorscout."""


class IndexNotWritable(IndexOpenError):
    """Records cannot be written to the index (read-only, full, locked): a failure of the
    place, not of the command line."""


class DamagedIndex(IndexOpenError):
    """The index could be opened but a read failed: the file is damaged, locked or
    unreadable. The message names the file and what to run (``scout index check``)."""


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
    def iter_records(self, niche: str | None = None) -> Iterator[ScoredCreator]:
        """Every stored record (only those of ``niche`` when given, case-insensitive), for
        copying to another index and for the crawl's niche pass. Reads in batches, in a
        stable order; records upserted while iterating (the niche pass rewrites the records
        it reads) must not make the iteration skip or repeat records."""

    # -- one person, many profiles (issue 3) -------------------------------------------------
    # A backend that does not implement these still works; the grouping pass is then
    # skipped with a warning, ``scout show`` lists no other profiles, and
    # ``SearchQuery.collapse_person`` must then be refused by its ``search``.

    def iter_creators(self) -> Iterator[Creator]:
        """The newest stored profile of every creator, for the person grouping pass.

        The default reads :meth:`iter_records` and keeps each creator's newest profile (by
        ``provenance.observed_at``); backends override it with a cheaper read."""
        newest: dict[str, Creator] = {}
        for record in self.iter_records():
            creator = record.creator
            known = newest.get(creator.id)
            if known is None or creator.provenance.observed_at > known.provenance.observed_at:
                newest[creator.id] = creator
        yield from (newest[cid] for cid in sorted(newest))

    def iter_identities(self) -> Iterator[IdentityProfile]:
        """What the grouping pass reads: the identity part of every creator's newest profile
        (:class:`IdentityProfile`), in id order. The default derives it from
        :meth:`iter_creators`; backends override it to skip decoding whole profiles."""
        return (IdentityProfile.of(creator) for creator in self.iter_creators())

    def save_grouping(self, grouping: Grouping) -> None:
        """Store a grouping pass's result, replacing the previous one entirely: every
        creator's person id (``grouping.person_of``; creators not in it keep none) and all
        evidence (``grouping.evidence``). One transaction where the backend has them."""
        raise NotImplementedError(f"{type(self).__name__} does not store persons")

    def person_of(self, creator_id: str) -> Person | None:
        """The person a creator belongs to: members (the creator alone when it was never
        grouped, or grouped with nobody) and every evidence row whose source or target is a
        member. None when the creator is not in the index."""
        raise NotImplementedError(f"{type(self).__name__} does not store persons")

    def check_writable(self) -> None:
        """Raise :class:`IndexOpenError` (one line) when records cannot be written here,
        so a crawl fails before it fetches anything. The default assumes it can."""
        return None

    # -- shortlists and lookalikes (issue 15) -----------------------------------------------

    def lists(self) -> ListStore:
        """The shortlists stored in this index (:mod:`creatorscout.search.lists`)."""
        raise NotImplementedError(f"{type(self).__name__} does not store shortlists")

    def similar_text(
        self, record: ScoredCreator, *, pool: int, platform: str | None = None
    ) -> TextNeighbours:
        """Up to ``pool`` creators whose bio and posts are closest to ``record``'s (only on
        ``platform`` when given), and ``record``'s distinctive terms; see
        :mod:`creatorscout.search.similar`, which ranks them."""
        raise NotImplementedError(f"{type(self).__name__} does not find lookalikes")

    def niche_stats(self, niche: str) -> NicheStats:
        """Creators and median engagement rate per platform and tier in ``niche``, and its
        last crawl (:mod:`creatorscout.search.niche_stats`). The default reads every record
        of the niche; backends override it with a cheaper read."""
        from creatorscout.search.niche_stats import stats_from_records

        return stats_from_records(self.iter_records(niche))

    def bulk(self) -> AbstractContextManager[None]:
        """A block of many upserts (a copy, a big load): the backend may trade some
        durability against a crash of the *machine* for speed until the block ends. Nothing
        committed is lost if the process fails. The default does nothing special."""
        return nullcontext()

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
        raise InvalidIndexURL(f"{text!r} is an Elasticsearch URL, not an SQLite one")
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

    target = default_url() if url is None else url
    if target.strip().lower().startswith(("http://", "https://")):
        # imported here: the embedded index never needs the elasticsearch client
        from creatorscout.search.es_config import parse_es_url
        from creatorscout.search.es_index import ElasticIndex

        return ElasticIndex(parse_es_url(target), create=create)
    return SqliteIndex(sqlite_path(target), create=create)


def copy_index(
    source: Index,
    target: Index,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Copy every record of ``source`` into ``target`` in batches; return how many were stored.

    ``progress`` is called after each batch with the number stored so far. Re-running a copy
    is safe: upserts replace records by (creator id, niche).
    """
    with target.bulk():
        return write_in_batches(source.iter_records(), target.upsert,
                                batch_size=batch_size, progress=progress)


def write_in_batches(
    items: Iterable[T],
    write: Callable[[list[T]], int],
    *,
    batch_size: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Hand ``items`` to ``write`` in lists of ``batch_size``; return the sum of what it
    returned. ``progress`` gets that running sum after each batch."""
    written = 0
    iterator = iter(items)
    while batch := list(islice(iterator, batch_size)):
        written += write(batch)
        if progress is not None:
            progress(written)
    return written
