"""The keyless channel feed, ``https://www.youtube.com/feeds/videos.xml?channel_id=UC...``:
an Atom feed of a channel's 15 most recent videos (``yt:`` and Media RSS ``media:``
extensions), the only channel data YouTube serves without an API key.

It has no subscriber count, likes or comments: the creator's followers and the posts'
likes and replies stay unknown. ``media:community/media:statistics@views`` is kept.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.plugins.platform import MalformedResponse
from creatorscout.plugins.web import Repairs, text_links
from creatorscout.plugins.youtube.entities import (
    CHANNEL_ID,
    PLATFORM,
    WEB,
    hashtags,
    uploads_playlist,
)

ATOM = "http://www.w3.org/2005/Atom"
YT = "http://www.youtube.com/xml/schemas/2015"
MEDIA = "http://search.yahoo.com/mrss/"
NS = {"a": ATOM, "yt": YT, "media": MEDIA}


def _parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def _first(element: Any, path: str) -> str | None:
    found = element.find(path, NS)
    text = found.text if found is not None else None
    return text.strip() or None if isinstance(text, str) else None


def parse_feed(body: bytes, provenance: Provenance, keep_text: bool
               ) -> tuple[Creator, list[Post], int, int]:
    """The channel and its recent videos: ``(creator, posts, malformed, repaired)``.

    :raises MalformedResponse: when the body is not a channel's Atom feed."""
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedResponse(f"channel feed is not XML: {exc}") from exc
    if root is None or root.tag != f"{{{ATOM}}}feed":
        raise MalformedResponse("channel feed: expected an Atom <feed>")
    channel_id = _first(root, "yt:channelId") or ""
    if not channel_id.startswith("UC"):  # some feeds carry the id without its "UC"
        channel_id = f"UC{channel_id}"
    if not CHANNEL_ID.match(channel_id):
        raise MalformedResponse("channel feed without a channel id")
    repairs = Repairs()
    creator = Creator(
        platform=PLATFORM,
        native_id=channel_id,
        handle=channel_id,
        display_name=_first(root, "a:author/a:name") or _first(root, "a:title"),
        profile_url=f"{WEB}/channel/{channel_id}",
        followers=None,  # the feed has no subscriber count: unknown
        created_at=repairs.date(_first(root, "a:published")),
        lookup={"channel_id": channel_id, "uploads": uploads_playlist(channel_id),
                "keyless": "1"},
        provenance=provenance,
    )
    posts: list[Post] = []
    malformed = 0
    for entry in root.findall("a:entry", NS):
        video_id = _first(entry, "yt:videoId")
        if not video_id:
            malformed += 1
            continue
        title = _first(entry, "a:title")
        description = _first(entry, "media:group/media:description")
        stats = entry.find("media:group/media:community/media:statistics", NS)
        views = repairs.count_value(stats.get("views")) if stats is not None else None
        text = "\n\n".join(p for p in (title, description) if p) if keep_text else None
        posts.append(Post(
            platform=PLATFORM,
            native_id=video_id,
            creator_id=creator.id,
            url=f"{WEB}/watch?v={video_id}",
            created_at=repairs.date(_first(entry, "a:published")),
            text=text or None,
            views=views,
            hashtags=hashtags(title, description),
            links=text_links(description),
            provenance=provenance,
        ))
    return creator, posts, malformed, repairs.count
