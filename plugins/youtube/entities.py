"""YouTube Data API v3 resources (channels, search results, playlist items, videos) and
the keyless channel feed, turned into our models.

Field names follow the official reference, developers.google.com/youtube/v3/docs:
``channels#resource``, ``search#resource``, ``playlistItems#resource`` and
``videos#resource``. Counts arrive as strings (``"statistics": {"viewCount": "1234"}``,
unsigned long values encoded as JSON strings) and are parsed; a count the API leaves out
is unknown (``None``), never 0:

* ``statistics.hiddenSubscriberCount: true``: the channel hides its subscribers; whatever
  ``subscriberCount`` says then, followers stay unknown;
* ``statistics.likeCount`` is absent when the owner hides likes; ``commentCount`` is
  absent when comments are off: both stay unknown;
* ``paidProductPlacementDetails.hasPaidProductPlacement`` is the creator's own paid
  promotion declaration: :attr:`Post.sponsored`.

Links in a channel's description feed the persons pass (``Creator.links``), and handles
of other platforms written there (``@alice@vegan.social``, ``@alice.bsky.social``)
become their profile URLs, so those platforms take them as candidates.
"""

from __future__ import annotations

import re
from typing import Any

from creatorscout.plugins.models import Creator, CreatorRef, Post, Provenance
from creatorscout.plugins.web import Repairs, text_links

PLATFORM = "youtube"
WEB = "https://www.youtube.com"
CHANNEL_ID = re.compile(r"^UC[0-9A-Za-z_-]{22}$")

_HASHTAG = re.compile(r"(?<![\w#])#(\w{2,60})")


class EntityError(ValueError):
    """A resource in a response is unusable (no id, wrong types...)."""


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def hashtags(*texts: str | None) -> list[str]:
    """``#tags`` written in titles and descriptions, lower-case, in order."""
    tags: list[str] = []
    for text in texts:
        for tag in _HASHTAG.findall(text or ""):
            if tag.lower() not in tags:
                tags.append(tag.lower())
    return tags


def thumbnail(snippet: dict[str, Any]) -> str | None:
    """The largest thumbnail URL of a snippet (``high``, ``medium``, ``default``)."""
    thumbnails = _dict(snippet.get("thumbnails"))
    for size in ("high", "medium", "default"):
        url = _text(_dict(thumbnails.get(size)).get("url"))
        if url:
            return url
    return None


def channel_ref(channel_id: Any) -> CreatorRef:
    """A reference to a channel by id (search results, video snippets); its handle is
    only known from its profile."""
    if not isinstance(channel_id, str) or not CHANNEL_ID.match(channel_id):
        raise EntityError(f"not a channel id: {channel_id!r}")
    return CreatorRef(platform=PLATFORM, native_id=channel_id,
                      handle=channel_id, url=f"{WEB}/channel/{channel_id}",
                      lookup={"channel_id": channel_id})


def uploads_playlist(channel_id: str) -> str:
    """The uploads playlist of a channel: its id with ``UU`` for ``UC`` (the id that
    ``contentDetails.relatedPlaylists.uploads`` carries)."""
    return "UU" + channel_id[2:]


def parse_channel(item: Any, provenance: Provenance, repairs: Repairs) -> Creator:
    """A ``youtube#channel`` resource -> :class:`Creator`."""
    if not isinstance(item, dict):
        raise EntityError("channel is not an object")
    channel_id = item.get("id")
    if not isinstance(channel_id, str) or not CHANNEL_ID.match(channel_id):
        raise EntityError(f"channel without a valid id: {channel_id!r}")
    snippet = _dict(item.get("snippet"))
    stats = _dict(item.get("statistics"))
    branding = _dict(_dict(item.get("brandingSettings")).get("channel"))
    uploads = _text(_dict(_dict(item.get("contentDetails")).get("relatedPlaylists"))
                    .get("uploads")) or uploads_playlist(channel_id)
    custom = _text(snippet.get("customUrl"))  # "@handle" (lower-case) since 2022
    handle = custom.lstrip("@") if custom else channel_id
    description = repairs.text(snippet.get("description"))
    hidden = stats.get("hiddenSubscriberCount") is True
    followers = None if hidden else repairs.count_value(stats.get("subscriberCount"))
    languages = [code.split("-")[0].lower() for code in
                 (_text(snippet.get("defaultLanguage")), _text(branding.get("defaultLanguage")))
                 if code]
    topics = _dict(item.get("topicDetails")).get("topicCategories")
    links = text_links(description)
    if isinstance(topics, list):  # Wikipedia pages of the channel's topics: not identity
        links = [link for link in links if link not in topics]
    return Creator(
        platform=PLATFORM,
        native_id=channel_id,
        handle=handle,
        display_name=_text(snippet.get("title")),
        profile_url=f"{WEB}/{custom}" if custom else f"{WEB}/channel/{channel_id}",
        avatar_url=thumbnail(snippet),
        bio=description,
        followers=followers,
        posts_count=repairs.count_value(stats.get("videoCount")),
        created_at=repairs.date(snippet.get("publishedAt")),
        languages=list(dict.fromkeys(languages)),
        links=links,
        lookup={"channel_id": channel_id, "uploads": uploads},
        provenance=provenance,
    )


def parse_video(item: Any, creator_id: str | None, provenance: Provenance, keep_text: bool,
                repairs: Repairs) -> Post:
    """A ``youtube#video`` resource -> :class:`Post` (views, likes, comments)."""
    if not isinstance(item, dict):
        raise EntityError("video is not an object")
    video_id = item.get("id")
    if not isinstance(video_id, str) or not video_id:
        raise EntityError("video without an id")
    snippet = _dict(item.get("snippet"))
    stats = _dict(item.get("statistics"))
    if creator_id is None:
        creator_id = channel_ref(snippet.get("channelId")).id
    title = repairs.text(snippet.get("title"))
    description = repairs.text(snippet.get("description"))
    language = _text(snippet.get("defaultAudioLanguage")) or _text(
        snippet.get("defaultLanguage"))
    placement = item.get("paidProductPlacementDetails")
    sponsored = placement.get("hasPaidProductPlacement") if isinstance(placement, dict) else None
    text = "\n\n".join(p for p in (title, description) if p) if keep_text else None
    return Post(
        platform=PLATFORM,
        native_id=video_id,
        creator_id=str(creator_id),
        url=f"{WEB}/watch?v={video_id}",
        created_at=repairs.date(snippet.get("publishedAt")),
        text=text or None,
        language=language.split("-")[0].lower() if language else None,
        views=repairs.count_value(stats.get("viewCount")),
        likes=repairs.count_value(stats.get("likeCount")),  # absent when hidden: unknown
        replies=repairs.count_value(stats.get("commentCount")),  # absent when comments off
        hashtags=hashtags(title, description),
        links=text_links(description),
        sponsored=sponsored if isinstance(sponsored, bool) else None,
        provenance=provenance,
    )
