"""Damage saved JSON bodies the ways real platforms do, for the contract tests.

Each function returns a new body and leaves its input alone.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase
from typing import Any

#: What a broken list element looks like: nothing, a bare string, an empty object, a list.
GARBAGE: tuple[Any, ...] = (None, "garbage", {}, [])


def _matches(key: str, patterns: Sequence[str]) -> bool:
    return any(fnmatchcase(key, pattern) for pattern in patterns)


def drop_keys(body: Any, patterns: Sequence[str]) -> tuple[Any, int]:
    """Remove every object key matching one of ``patterns`` (fnmatch), at any depth.

    Returns the new body and how many keys were removed. An older server, a privacy
    setting or an API change leaves a count out like this: the plugin must say ``None``.
    """
    removed = 0

    def walk(node: Any) -> Any:
        nonlocal removed
        if isinstance(node, dict):
            kept = {}
            for key, value in node.items():
                if isinstance(key, str) and _matches(key, patterns):
                    removed += 1
                    continue
                kept[key] = walk(value)
            return kept
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(copy.deepcopy(body)), removed


def replace_values(body: Any, patterns: Sequence[str], value: Any) -> tuple[Any, int]:
    """Replace the value of every key matching ``patterns`` with ``value`` (``"n/a"``)."""
    replaced = 0

    def walk(node: Any) -> Any:
        nonlocal replaced
        if isinstance(node, dict):
            out = {}
            for key, item in node.items():
                if isinstance(key, str) and _matches(key, patterns):
                    replaced += 1
                    out[key] = copy.deepcopy(value)
                else:
                    out[key] = walk(item)
            return out
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(copy.deepcopy(body)), replaced


def object_lists(body: Any) -> Iterator[tuple[str, ...]]:
    """Paths to the lists of objects at the top of a body: the body itself when it is a
    list, or the top-level keys holding lists of objects (``("posts",)``)."""
    if isinstance(body, list) and any(isinstance(item, dict) for item in body):
        yield ()
    elif isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, list) and any(isinstance(item, dict) for item in value):
                yield (key,)


def with_garbage(body: Any, path: tuple[str, ...]) -> Any:
    """The body with :data:`GARBAGE` elements appended to the list at ``path``."""
    new = copy.deepcopy(body)
    target = new
    for key in path:
        target = target[key]
    target.extend(copy.deepcopy(list(GARBAGE)))
    return new
