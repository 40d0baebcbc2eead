"""YouTube objects (channels, videos, playlist items, search results, the channel feed)
rendered from the world, in the shapes of developers.google.com/youtube/v3/docs.

How the world becomes YouTube, deterministically:

* who has a channel: about one person in eight, one in three among cooks (only people
  whose account is alive);
* channel ids are ``UC`` + 22 characters with the person's index inside (:func:`channel_id`),
  handles ``@slug``; the description is the Mastodon bio followed by the person's website,
  their Mastodon profile URL and, when they have one, their Bluesky handle written as
  ``@name.bsky.social`` (handles, not links: the crawler must turn them into profiles);
* subscribers are the world's followers times 5, rounded down to three significant
  figures as the API does; one channel in eleven hides them (``hiddenSubscriberCount:
  true`` and ``subscriberCount: "0"``);
* videos are the person's original posts about a topic, newest first: views from
  favourites, likes = favourites (absent for channels that hide likes, one in seven),
  comments = replies (absent when comments are off), the post's sponsorship as
  ``paidProductPlacementDetails.hasPaidProductPlacement``; a post the world marks
  malformed becomes a video without ``id`` or with ``viewCount: "n/a"``.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from random import Random
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from creatorscout.sandbox.github_render import plain_text
from creatorscout.sandbox.people import DAY, Person
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.vocab import COMMUNITIES, INSTANCES
from creatorscout.sandbox.world import World

WEB: Final = "https://www.youtube.com"
SCALE: Final = 5
MAX_VIDEOS: Final = 80
_BASE36: Final = "0123456789abcdefghijklmnopqrstuvwxyz"


def iso(sec: int) -> str:
    """``2026-11-01T12:00:00Z``: the API's timestamp format."""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def three_figures(value: int) -> int:
    """Rounded down to three significant figures (how the API shows subscribers)."""
    if value < 1000:
        return value
    scale = 10 ** (len(str(value)) - 3)
    return value // scale * scale


def _b36(value: int, width: int) -> str:
    out = ""
    for _ in range(width):
        value, digit = divmod(value, 36)
        out = _BASE36[digit] + out
    return out


def channel_id(world: World, index: int) -> str:
    """``UC`` + ``sbx`` + the index (8 digits) + 11 characters of hash: 24 in all."""
    digest = hashlib.sha1(f"{world.seed}:{index}:yt".encode()).digest()
    tail = base64.urlsafe_b64encode(digest).decode()[:11]
    return f"UCsbx{index:08d}{tail}"


def index_of_channel(value: str) -> int | None:
    """The person behind a channel id (inverse of :func:`channel_id`), unchecked."""
    if len(value) != 24 or not value.startswith("UCsbx") or not value[5:13].isdigit():
        return None
    return int(value[5:13])


def video_id(post: Post) -> str:
    """``v`` + author and post number in base 36: 11 characters, like YouTube's."""
    return f"v{_b36(post.author, 5)}{_b36(post.number, 5)}"


def decode_video_id(value: str) -> tuple[int, int] | None:
    if len(value) != 11 or not value.startswith("v"):
        return None
    try:
        return int(value[1:6], 36), int(value[6:], 36)
    except ValueError:
        return None


@lru_cache(maxsize=200_000)
def _on_youtube(world: World, index: int) -> bool:
    person = world.people[index]
    if not person.alive or person.bot:
        return False
    rate = 0.125
    if any(COMMUNITIES[c].name == "vegan-cooking" for c in person.communities):
        rate = 0.33
    return Random(f"{world.seed}:{index}:youtube").random() < rate


def youtube_people(world: World) -> list[int]:
    """Indexes of everyone with a channel, in index order."""
    return [p.index for p in world.people if _on_youtube(world, p.index)]


def has_channel(world: World, index: int) -> bool:
    return 0 <= index < len(world.people) and _on_youtube(world, index)


class YouTubeRenderer:
    """Renders world objects as the YouTube Data API v3 serves them."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.sandbox = base_url.rstrip("/")

    # -- channels --------------------------------------------------------------------------

    def handle(self, index: int) -> str:
        return f"@{presence(self.world, index).slug}"

    def hides_subscribers(self, index: int) -> bool:
        return index % 11 == 3

    def hides_likes(self, index: int) -> bool:
        return index % 7 == 2

    def subscribers(self, person: Person) -> int:
        return three_figures(person.followers * SCALE)

    def title(self, person: Person) -> str:
        return person.display_name

    def description(self, person: Person) -> str:
        found = presence(self.world, person.index)
        lines = [plain_text(self.world, self.world.profile(person.index).bio)]
        if found.website:
            lines.append(f"Website: {found.website}")
        lines.append(f"Mastodon: {self.sandbox}/mastodon/{INSTANCES[person.instance]}/"
                     f"@{person.username}")
        if found.bluesky:
            lines.append(f"Bluesky: @{found.bluesky}")
        return "\n".join(line for line in lines if line)

    def videos_of(self, index: int) -> list[Post]:
        """The posts that are videos, newest first."""
        posts = [p for p in self.world.posts(index) if p.kind == "post" and p.community]
        posts.sort(key=lambda p: p.sec, reverse=True)
        return posts[:MAX_VIDEOS]

    def thumbnails(self, url: str) -> dict[str, Any]:
        return {"default": {"url": f"{url}=s88", "width": 88, "height": 88},
                "medium": {"url": f"{url}=s240", "width": 240, "height": 240},
                "high": {"url": f"{url}=s800", "width": 800, "height": 800}}

    def channel(self, index: int, parts: set[str]) -> dict[str, Any]:
        """A ``youtube#channel`` resource with the requested parts."""
        person = self.world.people[index]
        ident = channel_id(self.world, index)
        lang = person.languages[0] if person.languages else None
        data: dict[str, Any] = {"kind": "youtube#channel", "etag": f"etag-{ident}", "id": ident}
        avatar = f"https://yt3.ggpht.com/sbx-{ident}"
        if "snippet" in parts:
            data["snippet"] = {
                "title": self.title(person),
                "description": self.description(person),
                "customUrl": self.handle(index).lower(),
                "publishedAt": iso(person.created_sec - 200 * DAY),
                "thumbnails": self.thumbnails(avatar),
                **({"defaultLanguage": lang} if lang and index % 3 else {}),
                "localized": {"title": self.title(person),
                              "description": self.description(person)},
            }
        if "contentDetails" in parts:
            data["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads":
                                                           "UU" + ident[2:]}}
        if "statistics" in parts:
            videos = self.videos_of(index)
            hidden = self.hides_subscribers(index)
            data["statistics"] = {
                "viewCount": str(sum(self.views(p) for p in videos)),
                "subscriberCount": "0" if hidden else str(self.subscribers(person)),
                "hiddenSubscriberCount": hidden,
                "videoCount": str(len(videos)),
            }
        if "topicDetails" in parts:
            data["topicDetails"] = {"topicIds": ["/m/02wbm"], "topicCategories": [
                "https://en.wikipedia.org/wiki/Food", "https://en.wikipedia.org/wiki/Lifestyle_(sociology)"]}
        if "brandingSettings" in parts:
            data["brandingSettings"] = {"channel": {
                "title": self.title(person), "description": self.description(person),
                "keywords": " ".join(f'"{c}"' if " " in c else c for c in
                                     (COMMUNITIES[x].name for x in person.communities)),
                **({"defaultLanguage": lang} if lang else {}),
                "country": "US"}, "image": {"bannerExternalUrl": f"{avatar}-banner"}}
        return data

    # -- videos ----------------------------------------------------------------------------

    @staticmethod
    def views(post: Post) -> int:
        return post.favourites * 20 + post.replies * 5 + post.key % 97

    def video_title(self, post: Post) -> str:
        text = plain_text(self.world, post.segments)
        return text if len(text) <= 70 else text[:69].rstrip() + "…"

    def video(self, post: Post, parts: set[str]) -> dict[str, Any]:
        """A ``youtube#video`` resource with the requested parts."""
        ident = video_id(post)
        person = self.world.people[post.author]
        text = plain_text(self.world, post.segments)
        data: dict[str, Any] = {"kind": "youtube#video", "etag": f"etag-{ident}", "id": ident}
        if "snippet" in parts:
            data["snippet"] = {
                "publishedAt": iso(post.sec),
                "channelId": channel_id(self.world, post.author),
                "title": self.video_title(post),
                "description": text,
                "thumbnails": self.thumbnails(f"https://i.ytimg.com/vi/{ident}/hq"),
                "channelTitle": self.title(person),
                "tags": list(post.tags),
                "categoryId": "26",
                "liveBroadcastContent": "none",
                **({"defaultAudioLanguage": post.language} if post.language else {}),
                "localized": {"title": self.video_title(post), "description": text},
            }
        if "contentDetails" in parts:
            data["contentDetails"] = {"duration": f"PT{3 + post.key % 20}M{post.key % 60}S",
                                      "dimension": "2d", "definition": "hd",
                                      "caption": "false", "licensedContent": True,
                                      "contentRating": {}, "projection": "rectangular"}
        if "status" in parts:
            data["status"] = {"uploadStatus": "processed", "privacyStatus": "public",
                              "license": "youtube", "embeddable": True,
                              "publicStatsViewable": True, "madeForKids": False}
        if "statistics" in parts:
            stats: dict[str, Any] = {"viewCount": str(self.views(post))}
            if not self.hides_likes(post.author):
                stats["likeCount"] = str(post.favourites)
            stats["favoriteCount"] = "0"  # deprecated, always 0
            if post.key % 13:
                stats["commentCount"] = str(post.replies)  # absent: comments are off
            data["statistics"] = stats
        if "paidProductPlacementDetails" in parts:
            data["paidProductPlacementDetails"] = {"hasPaidProductPlacement": post.sponsored}
        if post.malformed == "missing_id":
            del data["id"]
        elif post.malformed == "bad_count" and "statistics" in data:
            data["statistics"]["viewCount"] = "n/a"
        return data

    def playlist_item(self, post: Post, playlist: str, position: int,
                      parts: set[str]) -> dict[str, Any]:
        ident = video_id(post)
        data: dict[str, Any] = {"kind": "youtube#playlistItem",
                                "etag": f"etag-{playlist}-{ident}",
                                "id": base64.urlsafe_b64encode(
                                    f"{playlist}.{ident}".encode()).decode().rstrip("=")}
        if "snippet" in parts:
            data["snippet"] = {
                "publishedAt": iso(post.sec),
                "channelId": channel_id(self.world, post.author),
                "title": self.video_title(post),
                "description": plain_text(self.world, post.segments),
                "channelTitle": self.title(self.world.people[post.author]),
                "playlistId": playlist, "position": position,
                "resourceId": {"kind": "youtube#video", "videoId": ident},
            }
        if "contentDetails" in parts:
            data["contentDetails"] = {"videoId": ident, "videoPublishedAt": iso(post.sec)}
        if "status" in parts:
            data["status"] = {"privacyStatus": "public"}
        return data

    # -- search ----------------------------------------------------------------------------

    def channel_result(self, index: int) -> dict[str, Any]:
        person = self.world.people[index]
        ident = channel_id(self.world, index)
        return {"kind": "youtube#searchResult", "etag": f"etag-s-{ident}",
                "id": {"kind": "youtube#channel", "channelId": ident},
                "snippet": {"publishedAt": iso(person.created_sec - 200 * DAY),
                            "channelId": ident, "title": self.title(person),
                            "description": self.description(person)[:160],
                            "thumbnails": self.thumbnails(f"https://yt3.ggpht.com/sbx-{ident}"),
                            "channelTitle": self.title(person), "liveBroadcastContent": "none",
                            "publishTime": iso(person.created_sec - 200 * DAY)}}

    def video_result(self, post: Post) -> dict[str, Any]:
        ident = video_id(post)
        person = self.world.people[post.author]
        return {"kind": "youtube#searchResult", "etag": f"etag-s-{ident}",
                "id": {"kind": "youtube#video", "videoId": ident},
                "snippet": {"publishedAt": iso(post.sec),
                            "channelId": channel_id(self.world, post.author),
                            "title": self.video_title(post),
                            "description": plain_text(self.world, post.segments)[:160],
                            "thumbnails": self.thumbnails(f"https://i.ytimg.com/vi/{ident}/hq"),
                            "channelTitle": self.title(person), "liveBroadcastContent": "none",
                            "publishTime": iso(post.sec)}}

    # -- the keyless feed ------------------------------------------------------------------

    def feed(self, index: int) -> str:
        """The channel's Atom feed: its 15 latest videos, views only."""
        person = self.world.people[index]
        ident = channel_id(self.world, index)
        name = escape(self.title(person))
        channel_url = f"{WEB}/channel/{ident}"
        entries = []
        for post in self.videos_of(index)[:15]:
            vid = video_id(post)
            title = escape(self.video_title(post))
            entries.append(
                f"<entry><id>yt:video:{vid}</id><yt:videoId>{vid}</yt:videoId>"
                f"<yt:channelId>{ident}</yt:channelId><title>{title}</title>"
                f"<link rel=\"alternate\" href={quoteattr(f'{WEB}/watch?v={vid}')}/>"
                f"<author><name>{name}</name><uri>{channel_url}</uri></author>"
                f"<published>{iso(post.sec).replace('Z', '+00:00')}</published>"
                f"<updated>{iso(post.sec).replace('Z', '+00:00')}</updated>"
                f"<media:group><media:title>{title}</media:title>"
                f"<media:content url=\"https://www.youtube.com/v/{vid}?version=3\" "
                f"type=\"application/x-shockwave-flash\" width=\"640\" height=\"390\"/>"
                f"<media:thumbnail url=\"https://i1.ytimg.com/vi/{vid}/hqdefault.jpg\" "
                f"width=\"480\" height=\"360\"/>"
                f"<media:description>{escape(plain_text(self.world, post.segments))}"
                f"</media:description><media:community>"
                f"<media:starRating count=\"{post.favourites}\" average=\"5.00\" min=\"1\" "
                f"max=\"5\"/><media:statistics views=\"{self.views(post)}\"/>"
                f"</media:community></media:group></entry>")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
            'xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">'
            f'<link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={ident}"/>'
            f"<id>yt:channel:{ident[2:]}</id><yt:channelId>{ident[2:]}</yt:channelId>"
            f"<title>{name}</title><link rel=\"alternate\" href=\"{channel_url}\"/>"
            f"<author><name>{name}</name><uri>{channel_url}</uri></author>"
            f"<published>{iso(person.created_sec - 200 * DAY).replace('Z', '+00:00')}"
            f"</published>{''.join(entries)}</feed>")
