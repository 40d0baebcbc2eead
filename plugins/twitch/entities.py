"""Twitch Helix objects (users, channels, videos) turned into our models.

Field names follow dev.twitch.tv/docs/api/reference: "Get Users" (``id``, ``login``,
``display_name``, ``type``, ``broadcaster_type``, ``description``, ``profile_image_url``,
``created_at``; ``view_count`` is deprecated and always 0, so it is not read), "Get Channel
Information" (``broadcaster_language``, ``game_name``, ``tags``), "Get Videos" (``id``,
``title``, ``description``, ``created_at``, ``url``, ``view_count``, ``language``,
``type``: archive, highlight or upload).

Followers come from "Get Channel Followers" (``total``) with a user token only; without
one they stay unknown, never 0. Videos have views, no likes or comments.
"""

from __future__ import annotations

from typing import Any

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.plugins.web import Repairs, text_links

PLATFORM = "twitch"
WEB = "https://www.twitch.tv"


class EntityError(ValueError):
    """An object in a response is unusable."""


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def parse_user(user: Any, provenance: Provenance, repairs: Repairs) -> Creator:
    """A "Get Users" object -> :class:`Creator` (followers unknown until counted)."""
    if not isinstance(user, dict):
        raise EntityError("user is not an object")
    ident, login = _text(user.get("id")), _text(user.get("login"))
    if not ident or not login:
        raise EntityError("user without id or login")
    description = repairs.text(user.get("description"))
    return Creator(
        platform=PLATFORM,
        native_id=ident,
        handle=login,
        display_name=_text(user.get("display_name")),
        profile_url=f"{WEB}/{login}",
        avatar_url=_text(user.get("profile_image_url")),
        bio=description,
        followers=None,  # "Get Channel Followers" with a user token, or unknown
        created_at=repairs.date(user.get("created_at")),
        links=text_links(description),
        lookup={"login": login, **({"broadcaster_type": user["broadcaster_type"]}
                                   if _text(user.get("broadcaster_type")) else {})},
        provenance=provenance,
    )


def with_channel(creator: Creator, channel: Any) -> Creator:
    """The creator with its channel's language, category and tags (when it has one)."""
    if not isinstance(channel, dict):
        return creator
    language = _text(channel.get("broadcaster_language"))
    lookup = dict(creator.lookup)
    game = _text(channel.get("game_name"))
    if game:
        lookup["game"] = game
    tags = channel.get("tags")
    if isinstance(tags, list) and tags:
        lookup["tags"] = ",".join(str(t) for t in tags if isinstance(t, str))
    languages = [language] if language and language != "other" else creator.languages
    return creator.model_copy(update={"languages": languages, "lookup": lookup})


def parse_video(video: Any, creator_id: str, provenance: Provenance, keep_text: bool,
                repairs: Repairs) -> Post:
    """A "Get Videos" object -> :class:`Post` (views only)."""
    if not isinstance(video, dict):
        raise EntityError("video is not an object")
    ident = _text(video.get("id"))
    if not ident:
        raise EntityError("video without an id")
    title = repairs.text(video.get("title"))
    description = repairs.text(video.get("description"))
    text = "\n\n".join(p for p in (title, description) if p) if keep_text else None
    language = _text(video.get("language"))
    return Post(
        platform=PLATFORM,
        native_id=ident,
        creator_id=creator_id,
        url=_text(video.get("url")) or f"{WEB}/videos/{ident}",
        created_at=repairs.date(video.get("created_at")),
        text=text or None,
        language=language if language and language != "other" else None,
        views=repairs.count_value(video.get("view_count")),
        links=text_links(description),
        provenance=provenance,
    )
