"""Shortlists: named lists of creators with a note and a status per creator.

Lists live in the index (a table in the embedded SQLite file, an index in Elasticsearch),
so ``scout lists`` and the HTTP API share them. :meth:`Index.lists` gives a backend's
:class:`ListStore`; both stores implement the same contract (tests/test_lists.py).

An item keeps its creator id even when the creator later leaves the index (deleted, opted
out): a shortlist is the user's own record of who they considered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

STATUSES = ("candidate", "contacted", "agreed", "declined")
"""The suggested statuses; a user may use a word of their own."""
MAX_NAME = 100
MAX_NOTE = 2000
MAX_STATUS = 40
MAX_ITEMS = 10_000
"""Most creators one list holds (an Elasticsearch list is one document)."""


def now() -> datetime:
    return datetime.now(UTC)


class ListError(ValueError):
    """A list operation that cannot be done; the message is one line and says what to do."""


class ListNotFound(ListError):
    """No list with that id or name."""


class ListNameTaken(ListError):
    """Another list already has that name (names are unique, case-insensitive)."""


class ListFull(ListError):
    """The list holds :data:`MAX_ITEMS` creators already."""


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("a list name must not be blank")
    if value.isdigit():
        raise ValueError("a list name must not be only digits (digits mean a list id)")
    return value


def _clean_status(value: str) -> str:
    value = value.strip().lower()
    if not value:
        raise ValueError(f"a status must not be blank; use one of {', '.join(STATUSES)} "
                         "or a word of your own")
    return value


class ListItem(BaseModel):
    """One creator on a list."""

    model_config = ConfigDict(extra="forbid")

    creator_id: str = Field(min_length=1, description="Stable creator id, platform:native_id")
    note: str = Field(default="", max_length=MAX_NOTE)
    status: str = Field(
        default="candidate", max_length=MAX_STATUS,
        description=f"{', '.join(STATUSES)}, or a word of your own",
    )
    added_at: datetime
    updated_at: datetime

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        return _clean_status(value)


class ListSummary(BaseModel):
    """A list without its items."""

    model_config = ConfigDict(extra="forbid")

    id: int
    name: str
    description: str = ""
    created_at: datetime
    updated_at: datetime
    size: int = Field(description="Creators on the list")


class Shortlist(ListSummary):
    """A list with its items, in the order they were added."""

    items: list[ListItem] = Field(default_factory=list)

    def item(self, creator_id: str) -> ListItem | None:
        return next((i for i in self.items if i.creator_id == creator_id), None)


class ListStore(ABC):
    """The shortlists of one index. Every method is one transaction where the backend has
    them. Names are unique, case-insensitive; ids are positive integers never reused
    while the list exists."""

    @abstractmethod
    def create(self, name: str, description: str = "") -> Shortlist:
        """A new empty list. :class:`ListNameTaken` when the name is used."""

    @abstractmethod
    def all(self) -> list[ListSummary]:
        """Every list, by name."""

    @abstractmethod
    def get(self, list_id: int) -> Shortlist | None:
        """The list with its items; None when there is none."""

    @abstractmethod
    def update(
        self, list_id: int, *, name: str | None = None, description: str | None = None
    ) -> Shortlist:
        """Rename or describe a list. :class:`ListNotFound`, :class:`ListNameTaken`."""

    @abstractmethod
    def delete(self, list_id: int) -> bool:
        """Delete a list and its items; False when there was none."""

    @abstractmethod
    def put_item(
        self, list_id: int, creator_id: str, *, note: str | None = None,
        status: str | None = None,
    ) -> ListItem:
        """Add a creator (note and status default to '' and 'candidate') or change the
        note and status of one already on the list (None keeps the current value).
        :class:`ListNotFound`, :class:`ListFull`."""

    @abstractmethod
    def remove_item(self, list_id: int, creator_id: str) -> bool:
        """Take a creator off a list; False when it was not on it. :class:`ListNotFound`."""

    def find(self, ref: str) -> Shortlist:
        """The list ``ref`` names: its id (digits) or its name (case-insensitive)."""
        ref = ref.strip()
        if ref.isdigit():
            found = self.get(int(ref))
        else:
            wanted = " ".join(ref.split()).casefold()
            match = next((s for s in self.all() if s.name.casefold() == wanted), None)
            found = self.get(match.id) if match else None
        if found is None:
            raise ListNotFound(f"no list '{ref}'; `scout lists show` lists them")
        return found


NAME_PATTERN = r"[^\d\s]"
"""A usable name has a character that is neither a digit nor a space (for schemas)."""
STATUS_PATTERN = r"\S"


def clean_name(name: str) -> str:
    """A list name with its whitespace collapsed; :class:`ListError` with the fix."""
    try:
        name = _clean_name(name)
    except ValueError as exc:
        raise ListError(str(exc)) from None
    if len(name) > MAX_NAME:
        raise ListError(f"a list name has at most {MAX_NAME} characters")
    return name


def clean_item(note: str | None, status: str | None) -> tuple[str | None, str | None]:
    """Validated note and status (None stays None); :class:`ListError` with the fix."""
    if note is not None and len(note) > MAX_NOTE:
        raise ListError(f"a note has at most {MAX_NOTE} characters")
    if status is not None:
        try:
            status = _clean_status(status)
        except ValueError as exc:
            raise ListError(str(exc)) from None
        if len(status) > MAX_STATUS:
            raise ListError(f"a status has at most {MAX_STATUS} characters")
    return note, status
