"""Text from platforms made valid Unicode before it reaches a model.

Any server can send a lone surrogate (``"\\ud800"`` as a JSON escape, ``&#xD800;`` in a
feed): Python keeps it in a ``str``, but it cannot be encoded as UTF-8, so SQLite, JSON
dumps and Elasticsearch all fail on it, far from the plugin that read it. The models in
:mod:`creatorscout.plugins.models` run every string they are given through
:func:`clean_value`; each replaced value is counted in the :func:`counting_repairs` block
the crawler opens around a plugin's ``parse``, so the crawl reports it as a repaired value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

REPLACEMENT = "\ufffd"
#: Code points UTF-8 cannot encode (surrogates), and NUL, which SQLite's full-text
#: tokenizers and C string APIs treat as the end of the text.
_UNENCODABLE = re.compile("[\ud800-\udfff\x00]")


@dataclass
class RepairCount:
    """How many strings were repaired inside a :func:`counting_repairs` block."""

    count: int = 0


_counter: ContextVar[RepairCount | None] = ContextVar("creatorscout_text_repairs", default=None)


@contextmanager
def counting_repairs() -> Iterator[RepairCount]:
    """Count the strings :func:`clean_text` repairs inside the block."""
    counter = RepairCount()
    token = _counter.set(counter)
    try:
        yield counter
    finally:
        _counter.reset(token)


def _dirty(text: str) -> bool:
    if text.isascii():
        return "\x00" in text
    return _UNENCODABLE.search(text) is not None


def clean_text(text: str) -> str:
    """``text`` with lone surrogates and NUL replaced by U+FFFD (counted as a repair)."""
    if not _dirty(text):
        return text
    cleaned, replaced = _UNENCODABLE.subn(REPLACEMENT, text)
    if not replaced:
        return text
    counter = _counter.get()
    if counter is not None:
        counter.count += 1
    return cleaned


def clean_value(value: Any) -> Any:
    """``value`` with every string in it (dict keys, lists, nested dicts) cleaned.

    Returns the same object when nothing needed cleaning (the common case allocates
    nothing); containers are rebuilt only from the first change on.
    """
    if not _needs_cleaning(value):
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_value(v)
                for k, v in value.items()}
    items = [clean_value(item) for item in value]
    return items if isinstance(value, list) else tuple(items)


def _needs_cleaning(value: Any) -> bool:
    """Whether any string in ``value`` needs cleaning (no allocation, no counting). Model
    instances inside are skipped: they were cleaned when they were validated."""
    kind = type(value)
    if kind is str:
        return _dirty(value)
    if kind is dict:
        return any((type(k) is str and _dirty(k)) or _needs_cleaning(v)
                   for k, v in value.items())
    if kind is list or kind is tuple:
        return any(_needs_cleaning(item) for item in value)
    if isinstance(value, str):  # subclasses: the exact types above are the fast path
        return _dirty(value)
    if isinstance(value, dict):
        return any((isinstance(k, str) and _dirty(k)) or _needs_cleaning(v)
                   for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_needs_cleaning(item) for item in value)
    return False
