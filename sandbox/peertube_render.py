"""PeerTube entities (VideoChannel, Account, Video) rendered from the world, field by field.

Field names, nesting and nullability follow PeerTube's REST API (Chocobozzz/PeerTube
``support/doc/api/openapi.yaml`` and ``packages/models/src``). Who has a channel, on which
server and under which name is decided by :mod:`creatorscout.sandbox.presence` only.

How the world becomes PeerTube, deterministically:

* a person's channel is ``presence.peertube`` (``(host, "slug_channel")``); its owner
  account is ``slug`` with underscores. Display name and description come from the
  person's Mastodon profile; people who chose ``noindex`` (or are bots) carry
  ``#noindex`` (``#nobot``) in the description, the fediverse opt-out convention;
* the videos are the person's original posts (no replies, no boosts): title from the
  first sentence, description the rest of the text, published when the post was.
  Followers, likes and comments are the world's followers, favourites and replies divided
  by 4 (:data:`SCALE`), so engagement rates stay the world's; views are many more;
* ``video.example`` runs an older PeerTube (6.3) whose videos have no ``comments`` count
  and whose channels have no ``videosCount``: a parser must keep those unknown;
* a post the world marks malformed becomes a video without ``uuid`` or with
  ``views: "n/a"``;
* ids (``id``) are local to the server that answers; ``uuid`` is global.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any, Final

from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.posts import Post, Segment
from creatorscout.sandbox.presence import PEERTUBE_INSTANCES, presence
from creatorscout.sandbox.world import World

VERSIONS: Final = {"tube.example": "7.2.1", "video.example": "6.3.0"}
"""PeerTube version of each sandbox server (comment counts arrived after 6.x)."""
SEARCH_INDEX: Final = "sepiasearch.org"
"""The network-wide search index the sandbox serves (same search API as PeerTube)."""
MAX_VIDEOS: Final = 60
SCALE: Final = 4
"""PeerTube audiences and engagement are the world's (Mastodon) ones divided by this."""
LANGUAGE_LABELS: Final = {"en": "English", "de": "German", "he": "Hebrew", "ar": "Arabic",
                          "ka": "Georgian", "ru": "Russian", "es": "Spanish"}
CATEGORIES: Final = {"vegan-cooking": (15, "Food"), "georgian-wine": (15, "Food"),
                     "b2b-martech": (13, "Education"), "football": (5, "Sports"),
                     "gaming": (7, "Gaming"), "photography": (14, "Art"),
                     "local-news": (11, "News & Politics")}
_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def iso(sec: int) -> str:
    """``2026-11-01T12:00:00.000Z``: PeerTube's (JavaScript's) datetime format."""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def video_uuid(key: int) -> str:
    """A stable UUIDv4-shaped id for a post key."""
    raw = bytearray(hashlib.sha256(b"peertube:%d" % key).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    hexed = raw.hex()
    return f"{hexed[:8]}-{hexed[8:12]}-{hexed[12:16]}-{hexed[16:20]}-{hexed[20:]}"


def short_uuid(uuid: str) -> str:
    """PeerTube's short UUID: the UUID's 128 bits in base 58."""
    number = int(uuid.replace("-", ""), 16)
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return out or _B58[0]


def plain_text(world: World, segments: tuple[Segment, ...]) -> str:
    """A post or bio as plain text (mentions as ``@username``)."""
    out: list[str] = []
    for kind, value in segments:
        if kind == "tag":
            out.append(f"#{value}")
        elif kind == "mention":
            out.append(f"@{world.people[int(value)].username}")
        elif kind == "br":
            out.append("\n")
        elif kind == "para":
            out.append("\n\n")
        else:
            out.append(value)
    return "".join(out).strip()


class PeerTubeRenderer:
    """Renders world objects as one PeerTube server (or the search index) serves them."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.base_url = base_url.rstrip("/")

    # -- numbers ---------------------------------------------------------------------------

    @staticmethod
    def followers(person: Person) -> int:
        """Channel followers: a quarter of the person's Mastodon audience (engagement is
        scaled the same way, so engagement rates stay those of the world)."""
        return person.followers // SCALE + person.index % 3

    @staticmethod
    def likes(post: Post) -> int:
        """Likes of the video made from ``post``."""
        return post.favourites // SCALE

    @staticmethod
    def comments(post: Post) -> int:
        """Comments of the video made from ``post``."""
        return post.replies // SCALE

    @staticmethod
    def views(post: Post) -> int:
        """Views of the video made from ``post``: many more than likes."""
        return (post.favourites * 12 + post.replies * 5) // SCALE + post.key % 97

    def videos(self, index: int) -> list[Post]:
        """The person's videos, newest first: their original posts (no replies, boosts)."""
        posts = [p for p in self.world.posts(index) if p.kind == "post"]
        return posts[:MAX_VIDEOS]

    # -- helpers ---------------------------------------------------------------------------

    def server_url(self, host: str) -> str:
        """``{sandbox}/peertube/{host}``: a server's base (API and pages)."""
        return f"{self.base_url}/peertube/{host}"

    def channel_of(self, index: int) -> tuple[str, str]:
        """``(host, channel name)`` of a person who has a channel."""
        found = presence(self.world, index).peertube
        assert found is not None, "person has no PeerTube channel"
        return found

    def account_name(self, index: int) -> str:
        """The owner account's name (PeerTube usernames allow no hyphens)."""
        return presence(self.world, index).slug.replace("-", "_")

    def local_id(self, index: int, serving: str, kind: int) -> int:
        """An actor or video id local to the server ``serving`` (differs per server)."""
        salt = PEERTUBE_INSTANCES.index(serving) + 1 if serving in PEERTUBE_INSTANCES else 7
        return (index * 8 + kind) * 3 + salt

    def description(self, person: Person) -> str | None:
        """The channel description: the person's bio, plus their opt-out tags."""
        text = plain_text(self.world, self.world.profile(person.index).bio)
        tags = []
        if person.noindex:
            tags.append("#noindex")
        if person.bot:
            tags.append("#nobot")
        full = " ".join(p for p in (text, *tags) if p)
        return full[:1000] or None

    def _avatars(self, person: Person, host: str, kind: str) -> list[dict[str, Any]]:
        if not person.has_avatar:
            return []
        name = hashlib.sha1(f"{kind}:{person.index}".encode()).hexdigest()[:12]
        made = iso(person.created_sec + DAY)
        return [{"width": width, "path": f"/lazy-static/avatars/{name}-{width}.png",
                 "fileUrl": f"{self.server_url(host)}/lazy-static/avatars/{name}-{width}.png",
                 "createdAt": made, "updatedAt": made} for width in (48, 120)]

    # -- actors ----------------------------------------------------------------------------

    def account(self, person: Person, serving: str) -> dict[str, Any]:
        """The owner Account of a person's channel, as ``serving`` knows it."""
        host, _ = self.channel_of(person.index)
        name = self.account_name(person.index)
        created = iso(person.created_sec)
        data: dict[str, Any] = {
            "url": f"{self.server_url(host)}/accounts/{name}",
            "name": name,
            "avatars": self._avatars(person, host, "account"),
            "host": host,
            "hostRedundancyAllowed": False,
            "followingCount": person.following // 20,
            "followersCount": person.index % 5,
            "createdAt": created,
            "updatedAt": iso(person.last_sec or person.created_sec),
            "displayName": person.display_name,
            "description": None,
            "id": self.local_id(person.index, serving, 1),
        }
        if host == serving:
            data["userId"] = self.local_id(person.index, serving, 2)
        return data

    def channel(self, person: Person, serving: str, *, index_copy: bool = False
                ) -> dict[str, Any]:
        """The VideoChannel of a person as ``serving`` (or the search index) serves it."""
        host, name = self.channel_of(person.index)
        version = VERSIONS[host]
        data: dict[str, Any] = {
            "url": f"{self.server_url(host)}/video-channels/{name}",
            "name": name,
            "avatars": self._avatars(person, host, "channel"),
            "host": host,
            "hostRedundancyAllowed": False,
            "followingCount": 0,
            "followersCount": self.followers(person),
            "createdAt": iso(person.created_sec + 3 * DAY),
            "banners": [],
            "displayName": f"{person.display_name} videos",
            "description": self.description(person),
            "support": None,
            "isLocal": host == serving,
            "updatedAt": iso(person.last_sec or person.created_sec),
            "ownerAccount": self.account(person, serving),
            "id": self.local_id(person.index, serving, 0),
        }
        website = presence(self.world, person.index).website
        if website and person.index % 3 == 0:
            data["support"] = f"Support my work: {website}"
        if version >= "7":
            data["videosCount"] = len(self.videos(person.index))
        if index_copy:
            data["score"] = 1
        return data

    def channel_summary(self, person: Person, serving: str) -> dict[str, Any]:
        """VideoChannelSummary (inside a Video): no counts."""
        host, name = self.channel_of(person.index)
        return {"id": self.local_id(person.index, serving, 0), "name": name,
                "displayName": f"{person.display_name} videos",
                "url": f"{self.server_url(host)}/video-channels/{name}", "host": host,
                "avatars": self._avatars(person, host, "channel")}

    def account_summary(self, person: Person, serving: str) -> dict[str, Any]:
        """AccountSummary (inside a Video)."""
        host, _ = self.channel_of(person.index)
        name = self.account_name(person.index)
        return {"id": self.local_id(person.index, serving, 1), "name": name,
                "displayName": person.display_name,
                "url": f"{self.server_url(host)}/accounts/{name}", "host": host,
                "avatars": self._avatars(person, host, "account")}

    # -- videos ----------------------------------------------------------------------------

    def title_and_description(self, post: Post) -> tuple[str, str | None]:
        """The post's first sentence as the title (3 to 120 characters), the rest of the
        text (or the whole text, when it is one sentence) as the description."""
        text = plain_text(self.world, post.segments)
        head, _, rest = text.partition("\n")
        for stop in (". ", "! ", "? "):
            if stop in head:
                head, _, more = head.partition(stop)
                head, rest = head + stop.strip(), f"{more}\n{rest}"
                break
        title = head.strip() or "Untitled"
        title = (title if len(title) <= 120 else title[:117] + "...").ljust(3, ".")
        return title, (rest.strip() or text.strip() or None)

    def video(self, post: Post, serving: str) -> dict[str, Any]:
        """A Video list entry of ``post``, as ``serving`` serves it."""
        person = self.world.people[post.author]
        host, _ = self.channel_of(post.author)
        uuid = video_uuid(post.key)
        short = short_uuid(uuid)
        title, text = self.title_and_description(post)
        truncated = None if text is None else text if len(text) <= 250 else text[:247] + "..."
        community = post.community or COMMUNITY_FALLBACK
        category, label = CATEGORIES.get(community, (15, "Food"))
        language = post.language
        edited = post.edited_sec or post.sec
        data: dict[str, Any] = {
            "id": self.local_id(post.author, serving, 3) * 100 + post.number,
            "uuid": uuid,
            "shortUUID": short,
            "url": f"{self.server_url(host)}/videos/watch/{uuid}",
            "name": title,
            "category": {"id": category, "label": label},
            "licence": {"id": 1 + post.key % 7, "label": "Attribution"},
            "language": {"id": language,
                         "label": LANGUAGE_LABELS.get(language or "", "Unknown")},
            "privacy": {"id": 1, "label": "Public"},
            "nsfw": post.sensitive,
            "truncatedDescription": truncated,
            "description": truncated,
            "isLocal": host == serving,
            "duration": 60 + post.key % 1800,
            "aspectRatio": 1.7778,
            "views": self.views(post),
            "viewers": 0,
            "likes": self.likes(post),
            "dislikes": post.reblogs // (8 * SCALE),
            "thumbnailPath": f"/lazy-static/thumbnails/{uuid}.jpg",
            "previewPath": f"/lazy-static/previews/{uuid}.jpg",
            "embedPath": f"/videos/embed/{uuid}",
            "isLive": False,
            "createdAt": iso(post.sec - 600),
            "updatedAt": iso(min(edited, ANCHOR_SEC)),
            "publishedAt": iso(post.sec),
            "originallyPublishedAt": None,
            "account": self.account_summary(person, serving),
            "channel": self.channel_summary(person, serving),
        }
        if VERSIONS[host] >= "7":
            data["comments"] = self.comments(post)
        if post.malformed == "missing_id":
            del data["uuid"]
        elif post.malformed == "bad_count":
            data["views"] = "n/a"
        return data


COMMUNITY_FALLBACK: Final = "vegan-cooking"
