"""PeerTube API objects (VideoChannel, Account, Video) turned into creatorscout models.

Field names follow the PeerTube REST API: ``support/doc/api/openapi.yaml`` (7.0) and the
TypeScript models in ``packages/models/src`` of Chocobozzz/PeerTube, which are newer than
the OpenAPI file. Differences by version that matter here:

* ``Video.comments`` (the comment count) is in the current models but not in the 7.0
  OpenAPI file: older servers do not send it, and a missing count stays ``None``.
* ``Video.description`` is deprecated since 5.0 in favour of ``truncatedDescription``.
* ``VideoChannel.videosCount`` and ``publicEmail`` are optional newer fields. The e-mail
  is never read.
* ``followersCount``/``followingCount`` are "as seen by this instance": a remote actor's
  numbers are only authoritative on its own host.

Identity: ids are local to the server that answers, but an actor's ``name`` is unique on
its host and accounts and channels share one namespace there, so the stable native id is
``name@host`` (lower case).

Opt-outs: PeerTube has no discoverability flag for channels. We honour the fediverse
convention of ``#nobot``, ``#noindex`` and ``#nosearch`` in the channel's (or its owner's)
description, which indexers and bots across the fediverse respect.
"""

from __future__ import annotations

import re
from typing import Any

from creatorscout.plugins.models import (
    Creator,
    CreatorFlags,
    CreatorRef,
    Post,
    Provenance,
)
from creatorscout.plugins.web import Repairs

PLATFORM = "peertube"

_OPT_OUT = re.compile(r"(?<![\w#])#(nobot|noindex|nosearch)\b", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>()\[\]{}\"'`]+")
_TRAILING = ".,;:!?*_~'\""


class EntityError(ValueError):
    """An object in a response is unusable (missing name or host, wrong types...)."""


def text_links(text: str | None) -> list[str]:
    """The http(s) URLs in plain or Markdown text, in order, without duplicates."""
    found: list[str] = []
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        if url not in found:
            found.append(url)
    return found


def opt_out_reason(*texts: str | None) -> str | None:
    """``"description: #noindex"`` when a description carries an opt-out tag, else None."""
    for text in texts:
        match = _OPT_OUT.search(text or "")
        if match:
            return f"description: #{match.group(1).lower()}"
    return None


def actor_id(obj: Any, instance: str) -> tuple[str, str, str]:
    """``(name, host, native_id)`` of an actor (channel, account or summary) seen on
    ``instance``. A missing ``host`` means the actor is local to ``instance``."""
    if not isinstance(obj, dict):
        raise EntityError("actor is not an object")
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise EntityError("actor has no name")
    host = obj.get("host") or instance
    if not isinstance(host, str) or not host.strip():
        raise EntityError("actor has no host")
    name, host = name.strip(), host.strip().lower()
    return name, host, f"{name.lower()}@{host}"


def _avatar(obj: dict[str, Any], web_base: str) -> str | None:
    """The largest avatar: ``fileUrl`` (6.0+) or ``path`` on the server that answered."""
    images = obj.get("avatars")
    if not isinstance(images, list) or not images:
        single = obj.get("avatar")  # before 4.2: one "avatar" object
        images = [single] if isinstance(single, dict) else []
    best = None
    best_width: float = -1
    for image in images:
        if not isinstance(image, dict):
            continue
        width = image.get("width")
        # a width that is not a number ranks lowest; the image may still be the only one
        width = width if isinstance(width, int | float) and not isinstance(width, bool) else 0
        if best is None or width > best_width:
            best, best_width = image, width
    if best is None:
        return None
    if best.get("fileUrl"):
        return str(best["fileUrl"])
    path = best.get("path")
    return f"{web_base}{path}" if isinstance(path, str) and path.startswith("/") else None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def parse_actor(
    actor: Any,
    instance: str,
    provenance: Provenance,
    web_base: str,
    repairs: Repairs | None = None,
) -> Creator:
    """A VideoChannel (or an Account) as served by ``instance`` -> :class:`Creator`.

    ``web_base`` is the base URL of ``instance`` (to resolve relative avatar paths).
    """
    repairs = repairs or Repairs()
    name, host, native_id = actor_id(actor, instance)
    is_channel = "support" in actor or "ownerAccount" in actor  # PeerTube's isVideoChannel
    description = _text(actor.get("description"))
    support = _text(actor.get("support")) if is_channel else None
    owner = actor.get("ownerAccount") if isinstance(actor.get("ownerAccount"), dict) else {}
    reason = opt_out_reason(description, support, _text(owner.get("description")))
    links = text_links(description)
    links += [link for link in text_links(support) if link not in links]
    lookup = {"instance": instance.lower(), "name": name, "host": host,
              "kind": "channel" if is_channel else "account"}
    if owner.get("name"):
        lookup["owner"] = str(owner["name"])
    return Creator(
        platform=PLATFORM,
        native_id=native_id,
        handle=f"{name}@{host}",
        display_name=_text(actor.get("displayName")),
        profile_url=_text(actor.get("url")),
        avatar_url=_avatar(actor, web_base),
        bio=description,
        followers=repairs.count_value(actor.get("followersCount")),
        following=repairs.count_value(actor.get("followingCount")),
        posts_count=repairs.count_value(actor.get("videosCount")),
        created_at=repairs.date(actor.get("createdAt")),
        links=links,
        flags=CreatorFlags(opted_out=reason is not None, opt_out_reason=reason),
        lookup=lookup,
        provenance=provenance,
    )


def channel_ref(summary: Any, instance: str) -> CreatorRef:
    """A ``Video.channel`` (VideoChannelSummary: no counts) -> :class:`CreatorRef`."""
    name, host, native_id = actor_id(summary, instance)
    return CreatorRef(
        platform=PLATFORM,
        native_id=native_id,
        handle=f"{name}@{host}",
        url=summary.get("url") if isinstance(summary.get("url"), str) else None,
        lookup={"instance": instance.lower(), "name": name, "host": host, "kind": "channel"},
    )


def parse_video(
    video: Any,
    creator_id: str,
    provenance: Provenance,
    keep_text: bool,
    web_base: str,
    repairs: Repairs | None = None,
) -> Post:
    """A Video (list entry) -> :class:`Post`: views, likes and comments; no reposts.

    A video without ``uuid`` is unusable (:class:`EntityError`); an unreadable count or
    date is kept as unknown and counted in ``repairs``. Tags are only served by the
    video's detail endpoint, so ``hashtags`` stays empty (one request per video is too
    expensive for the 50-requests-per-10-seconds budget).
    """
    repairs = repairs or Repairs()
    if not isinstance(video, dict):
        raise EntityError("video is not an object")
    uuid = video.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise EntityError("video has no uuid")
    description = _text(video.get("truncatedDescription")) or _text(video.get("description"))
    text = None
    if keep_text:
        text = "\n\n".join(part for part in (_text(video.get("name")), description) if part)
    language = video.get("language")
    code = language.get("id") if isinstance(language, dict) else None
    short = video.get("shortUUID") or uuid
    return Post(
        platform=PLATFORM,
        native_id=uuid,
        creator_id=creator_id,
        url=_text(video.get("url")) or f"{web_base}/w/{short}",
        created_at=repairs.date(video.get("publishedAt")),
        text=text or None,
        language=code if isinstance(code, str) and code else None,
        likes=repairs.count_value(video.get("likes")),
        replies=repairs.count_value(video.get("comments")),
        views=repairs.count_value(video.get("views")),
        links=text_links(description),
        provenance=provenance,
    )
