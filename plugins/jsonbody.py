"""JSON from a server, decoded with a bound on nesting and its text made valid Unicode.

``json.loads`` raises ``RecursionError`` (not a ``ValueError``) near 1,000 levels, and a
body a little shallower still breaks every recursive walk over it. No API answer nests
anywhere near :data:`MAX_DEPTH`, so a deeper one is refused as malformed, as a
``ValueError`` like any other undecodable body.
"""

from __future__ import annotations

import json
from typing import Any

from creatorscout.plugins.text import clean_value

MAX_DEPTH = 100
"""Levels of objects and lists a decoded body may have."""


class TooDeep(ValueError):
    """A body nested deeper than :data:`MAX_DEPTH`."""


def loads(body: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(body)``; every failure (bad JSON, bad UTF-8, too deep) a ValueError."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise TooDeep(f"JSON nested more than {max_depth} levels deep") from None
    check_depth(data, max_depth)
    # "\ud800" escapes decode to lone surrogates no model, index or JSON dump can encode
    return clean_value(data)


def check_depth(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`TooDeep` when ``data`` nests deeper than ``max_depth`` (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > max_depth:
            raise TooDeep(f"JSON nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
