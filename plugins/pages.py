"""Reading a page of posts: each object parsed into a :class:`Post` until the creator has
``max_posts``, unusable ones counted, the count carried to the next page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from creatorscout.plugins.models import Post
from creatorscout.plugins.platform import ParseResult


def read_posts(items: Iterable[Any], parse_one: Callable[[Any], Post], seen: int,
               max_posts: int, result: ParseResult) -> int:
    """Add the posts of ``items`` to ``result`` while fewer than ``max_posts`` were read
    (``seen`` on earlier pages); an object ``parse_one`` rejects (a :class:`ValueError`,
    pydantic's validation errors included) is counted in ``result.malformed``. Returns
    the new ``seen``."""
    for item in items:
        if seen >= max_posts:
            break
        try:
            result.posts.append(parse_one(item))
        except ValueError:  # pydantic's ValidationError is one
            result.malformed += 1
            continue
        seen += 1
    return seen
