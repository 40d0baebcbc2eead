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


def clean_text(text: str) -> str:
    """``text`` with lone surrogates and NUL replaced by U+FFFD (counted as a repair)."""
    if text.isascii() and "\x00" not in text:
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

    Returns the same object when nothing needed cleaning, so valid input costs no copies.
    """
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key = clean_text(key) if isinstance(key, str) else key
            new_item = clean_value(item)
            changed = changed or new_key is not key or new_item is not item
            out[new_key] = new_item
        return out if changed else value
    if isinstance(value, (list, tuple)):
        items = [clean_value(item) for item in value]
        if any(new is not old for new, old in zip(items, value, strict=True)):
            return type(value)(items) if isinstance(value, tuple) else items
        return value
    return value
