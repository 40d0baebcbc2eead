"""Reading a page of posts: each object parsed into a :class:`Post` until the creator has
``max_posts``, unusable ones counted, the count carried to the next page.

A posts request starts with :func:`first_posts_page` in its context (how many posts were
read so far, and whether the creator lets their text be kept); :func:`read_post_page`
reads the answer and asks for the next page while more posts are wanted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.plugins.platform import FetchResponse, ParseResult, Platform
from creatorscout.plugins.web import Repairs

#: ``parse_one(item, creator_id, provenance, keep_text, repairs)``: one post of a page.
PostParser = Callable[[Any, str, Provenance, bool, Repairs], Post]


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


def first_posts_page(creator: Creator) -> dict[str, Any]:
    """The context of a creator's first posts request (for :func:`read_post_page`)."""
    return {"seen": 0, "keep_text": not creator.flags.no_post_text}


def read_post_page(platform: Platform, response: FetchResponse, items: Sequence[Any],
                   parse_one: PostParser, creator_id: str, next_url: str | None,
                   result: ParseResult) -> None:
    """Read a page of ``creator_id``'s posts into ``result`` (repaired values counted),
    and ask for ``next_url`` with the same context while the page had posts and fewer than
    ``settings.max_posts`` were read."""
    request = response.request
    context = request.context
    provenance = platform.provenance(response.url)
    repairs = Repairs()
    keep_text = bool(context.get("keep_text", True))
    max_posts = platform.settings.max_posts
    seen = read_posts(
        items, lambda item: parse_one(item, creator_id, provenance, keep_text, repairs),
        int(context.get("seen", 0)), max_posts, result)
    result.repaired += repairs.count
    if next_url and items and seen < max_posts:
        result.requests.append(request.model_copy(
            update={"url": next_url, "context": {**context, "seen": seen}}))
