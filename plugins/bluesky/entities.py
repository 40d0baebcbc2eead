"""Bluesky AppView views turned into creatorscout models.

Field names follow the lexicons in bluesky-social/atproto ``lexicons/app/bsky/``:

* ``actor/defs.json``: ``profileViewBasic`` (in posts), ``profileView`` (search results,
  follows) and ``profileViewDetailed`` (``getProfile(s)``, the only one with
  ``followersCount``, ``followsCount`` and ``postsCount``); every view may carry
  ``labels`` (``com.atproto.label.defs#label``: ``src``, ``uri``, ``val``, ``neg``, ``cts``);
* ``feed/defs.json``: ``feedViewPost`` (``post``, ``reply``, ``reason``: ``#reasonRepost``
  or ``#reasonPin``) and ``postView`` (``uri``, ``cid``, ``author``, ``record``, ``embed``,
  ``replyCount``, ``repostCount``, ``likeCount``, ``quoteCount``, ``indexedAt``);
* ``feed/post.json``: the record (``text``, ``facets``, ``reply``, ``embed``, ``langs``,
  ``tags``, ``createdAt``).

Counts missing from a view stay ``None`` (unknown), never 0.
"""

from __future__ import annotations

import re
from typing import Any

from creatorscout.plugins.bluesky.facets import parse_facets
from creatorscout.plugins.bluesky.identity import (
    INVALID_HANDLE,
    PLATFORM,
    is_did,
    own_domain,
    parse_at_uri,
    post_url,
    profile_url,
)
from creatorscout.plugins.models import (
    Creator,
    CreatorFlags,
    CreatorRef,
    Post,
    Provenance,
)
from creatorscout.plugins.web import Repairs

NO_UNAUTHENTICATED = "!no-unauthenticated"
"""The self-label of accounts that asked to be shown to signed-in users only."""
REASON_REPOST = "app.bsky.feed.defs#reasonRepost"
REASON_PIN = "app.bsky.feed.defs#reasonPin"
_URL = re.compile(r"https?://[^\s<>\"'\u3000]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"»”’…"


class EntityError(ValueError):
    """An object in a response is unusable (no DID, wrong types...)."""


def active_labels(view: dict[str, Any]) -> set[str]:
    """The label values on a view, minus the negated ones (``neg: true`` withdraws a label)."""
    values: set[str] = set()
    negated: set[str] = set()
    labels = view.get("labels")
    for label in labels if isinstance(labels, list) else []:
        if isinstance(label, dict) and isinstance(label.get("val"), str):
            (negated if label.get("neg") is True else values).add(label["val"])
    return values - negated


def opt_out_reason(view: dict[str, Any]) -> str | None:
    """Why an account must be skipped, or ``None``.

    ``!no-unauthenticated``: the person set "logged-out visibility" off; Bluesky's own
    clients then show nothing to signed-out viewers, and an anonymous crawler is one.
    """
    if NO_UNAUTHENTICATED in active_labels(view):
        return f"label: {NO_UNAUTHENTICATED}"
    return None


def links_in_text(text: str | None) -> list[str]:
    """The http(s) URLs in plain text (profile descriptions carry no facets)."""
    found: list[str] = []
    for match in _URL.finditer(text or ""):
        url = match.group(0).rstrip(_TRAILING)
        if url not in found:
            found.append(url)
    return found


def did_of(view: Any) -> str:
    """The DID of a profile view; :class:`EntityError` when there is none."""
    if not isinstance(view, dict):
        raise EntityError("profile is not an object")
    did = view.get("did")
    if not isinstance(did, str) or not is_did(did):
        raise EntityError("profile has no valid 'did'")
    return did


def _handle(view: dict[str, Any], did: str) -> str:
    handle = view.get("handle")
    if not isinstance(handle, str) or not handle.strip() or handle == INVALID_HANDLE:
        return did
    return handle.strip().lower()


def actor_ref(view: Any) -> CreatorRef:
    """Any profile view (basic, plain or detailed) -> :class:`CreatorRef`."""
    did = did_of(view)
    handle = _handle(view, did)
    return CreatorRef(
        platform=PLATFORM, native_id=did, handle=handle, url=profile_url(did, handle),
        lookup={"actor": did},
    )


def parse_profile(
    view: Any, provenance: Provenance, repairs: Repairs | None = None
) -> Creator:
    """A ``profileViewDetailed`` -> :class:`Creator` (a ``profileView`` works too, with
    unknown counts)."""
    repairs = repairs or Repairs()
    did = did_of(view)
    handle = _handle(view, did)
    description = repairs.text(view.get("description"))
    links = links_in_text(description)
    website = view.get("website")
    if isinstance(website, str) and website.startswith(("https://", "http://")):
        if website not in links:
            links.append(website)
    domain = own_domain(handle)
    verified = [f"https://{domain}"] if domain else []
    reason = opt_out_reason(view)
    avatar = view.get("avatar")
    return Creator(
        platform=PLATFORM,
        native_id=did,
        handle=handle,
        display_name=repairs.text(view.get("displayName")),
        profile_url=profile_url(did, handle),
        avatar_url=avatar if isinstance(avatar, str) and avatar else None,
        bio=description,
        followers=repairs.count_value(view.get("followersCount")),
        following=repairs.count_value(view.get("followsCount")),
        posts_count=repairs.count_value(view.get("postsCount")),
        created_at=repairs.date(view.get("createdAt")),
        links=links,
        verified_links=verified,
        flags=CreatorFlags(opted_out=reason is not None, opt_out_reason=reason),
        lookup={"did": did, "handle": handle},
        provenance=provenance,
    )


def _language(record: dict[str, Any]) -> str | None:
    langs = record.get("langs")
    if isinstance(langs, list) and langs and isinstance(langs[0], str) and langs[0].strip():
        return langs[0].strip().split("-")[0].lower()
    return None


def _embed_links(embed: Any) -> list[str]:
    """External link cards (``app.bsky.embed.external#view``), also inside
    ``recordWithMedia``."""
    links: list[str] = []
    if not isinstance(embed, dict):
        return links
    external = embed.get("external")
    if isinstance(external, dict) and isinstance(external.get("uri"), str):
        links.append(external["uri"])
    media = embed.get("media")
    if isinstance(media, dict):
        links += [link for link in _embed_links(media) if link not in links]
    return links


def reply_parent_author(item: dict[str, Any]) -> CreatorRef | None:
    """The author of the post a feed item replies to, when the view includes it."""
    reply = item.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    if not isinstance(parent, dict) or not isinstance(parent.get("author"), dict):
        return None  # notFoundPost / blockedPost carry no usable author
    try:
        return actor_ref(parent["author"])
    except EntityError:
        return None


def parse_post(
    view: Any,
    provenance: Provenance,
    keep_text: bool = True,
    repairs: Repairs | None = None,
) -> Post:
    """A ``postView`` -> :class:`Post` (``is_reply`` when the record replies to a post).

    The author comes from the view itself, so the post's ``creator_id`` is always right.
    Unreadable counts and dates are kept as unknown and counted in ``repairs``; facets
    with unusable offsets are counted too (their mention or link is still kept).
    """
    repairs = repairs or Repairs()
    if not isinstance(view, dict):
        raise EntityError("post is not an object")
    uri = view.get("uri")
    if not isinstance(uri, str) or parse_at_uri(uri) is None:
        raise EntityError("post has no valid 'uri'")
    author = did_of(view.get("author"))
    record = view.get("record")
    if not isinstance(record, dict):
        raise EntityError("post has no record")
    text = record.get("text") if isinstance(record.get("text"), str) else None
    facets = parse_facets(text, record.get("facets"))
    repairs.count += facets.bad
    tags = list(facets.tags)
    outline = record.get("tags")
    for tag in outline if isinstance(outline, list) else []:
        if isinstance(tag, str) and tag.strip() and tag.strip().lower() not in tags:
            tags.append(tag.strip().lstrip("#").lower())
    links = list(facets.links)
    links += [link for link in _embed_links(view.get("embed")) if link not in links]
    mentions = [
        CreatorRef(
            platform=PLATFORM, native_id=m.did, handle=m.handle,
            url=profile_url(m.did, m.handle), lookup={"actor": m.did},
        )
        for m in facets.mentions
        if m.did != author
    ]
    return Post(
        platform=PLATFORM,
        native_id=uri,
        creator_id=f"{PLATFORM}:{author}",
        url=post_url(uri),
        created_at=repairs.date(record.get("createdAt")) or repairs.date(view.get("indexedAt")),
        text=(text or None) if keep_text else None,
        language=_language(record),
        likes=repairs.count_value(view.get("likeCount")),
        replies=repairs.count_value(view.get("replyCount")),
        reposts=repairs.count_value(view.get("repostCount")),
        quotes=repairs.count_value(view.get("quoteCount")),
        hashtags=tags,
        mentions=mentions,
        links=links,
        is_reply=isinstance(record.get("reply"), dict),
        is_repost=False,
        provenance=provenance,
    )


def reason_type(item: dict[str, Any]) -> str | None:
    """``$type`` of a feed item's ``reason`` (repost or pin), or ``None``."""
    reason = item.get("reason")
    if isinstance(reason, dict):
        kind = reason.get("$type")
        return kind if isinstance(kind, str) else "unknown"
    return None
