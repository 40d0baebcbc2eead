"""JSON from a server, decoded with a bound on nesting and its text made valid Unicode.

``json.loads`` raises ``RecursionError`` (not a ``ValueError``) near 1,000 levels, and a
body a little shallower still breaks every recursive walk over it. No API answer nests
anywhere near :data:`MAX_DEPTH`, so a deeper one is refused as malformed, as a
``ValueError`` like any other undecodable body.
"""

from __future__ import annotations

import json
import re
from typing import Any

from creatorscout.plugins.text import clean_value

MAX_DEPTH = 100
"""Levels of objects and lists a decoded body may have."""


class TooDeep(ValueError):
    """A body nested deeper than :data:`MAX_DEPTH`."""


#: What can decode to text no store can encode: a surrogate or NUL escape, the UTF-8 form
#: of a surrogate (``json.loads`` decodes bytes with ``surrogatepass``), a NUL byte.
_SUSPECT_BYTES = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)|\xed[\xa0-\xbf]|\x00")
_SUSPECT_TEXT = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)|[\ud800-\udfff\x00]")


def loads(body: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(body)``; every failure (bad JSON, bad UTF-8, too deep) a ValueError.

    The decoded data is walked only when the raw body could need it (checked with a
    regular expression over the bytes, in C): almost every body is returned as decoded."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise TooDeep(f"JSON nested more than {max_depth} levels deep") from None
    # json.loads stops near Python's recursion limit (which a host may have raised), but
    # every recursive walk after it needs a bound it can count on
    check_depth(data, max_depth)
    suspect = _SUSPECT_TEXT if isinstance(body, str) else _SUSPECT_BYTES
    if suspect.search(body):  # type: ignore[arg-type]
        # "\ud800" escapes decode to lone surrogates no model, index or JSON dump can encode
        return clean_value(data)
    return data


def check_depth(data: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`TooDeep` when ``data`` nests deeper than ``max_depth``: level by
    level, over the containers only (no recursion, no per-node tuples)."""
    level = [data] if type(data) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise TooDeep(f"JSON nested more than {max_depth} levels deep")
        below: list[Any] = []
        for node in level:
            values = node.values() if type(node) is dict else node
            below.extend([child for child in values if type(child) in (dict, list)])
        level = below
