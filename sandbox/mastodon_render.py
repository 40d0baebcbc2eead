"""Mastodon entities (Account, Status, Tag...) rendered from the world, field by field.

Field names, order, types and nullability follow Mastodon 4.5's REST serializers
(``app/serializers/rest/account_serializer.rb``, ``status_serializer.rb``) and the entity
docs (docs.joinmastodon.org/entities/Account, Status, Tag, QuoteApproval). Details worth
knowing, all as on a real server:

* ``noindex`` and ``roles`` are only present on *local* accounts; ``moved``,
  ``suspended``, ``limited`` and ``memorial`` only when they apply;
* a suspended account keeps its id and username but everything else is blanked;
* ``created_at`` of an account is midnight UTC, ``last_status_at`` a date (or null);
* ``application`` is only present on local statuses;
* content is HTML: ``<p>`` paragraphs, ``<br />`` (local) or ``<br>`` (remote) line
  breaks, hashtag and mention links, entities escaped (``&amp;``, ``&#39;``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote

from creatorscout.sandbox.mastodon_ids import account_id, status_id
from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.posts import Post, Segment, post_key
from creatorscout.sandbox.tags import TAGS, normalize_tag
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.world import World

_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                 "'": "&#39;"})
_REMOTE_LINK: Final = ' rel="nofollow noopener" target="_blank"'
QUOTE_APPROVAL: Final = {"automatic": ["public"], "manual": [], "current_user": "denied"}


def escape(text: str) -> str:
    """HTML-escape like Rails (``'`` becomes ``&#39;``)."""
    return text.translate(_ESCAPES)


def iso_datetime(sec: int) -> str:
    """``2026-11-01T12:00:00.000Z``: Mastodon's datetime format."""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_date(sec: int) -> str:
    """``2026-11-01``."""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%d")


def _id_partition(raw_id: int) -> str:
    """Paperclip's id partition: ``000/023/634`` for 23634 (how media paths look)."""
    digits = str(raw_id).zfill(9)
    return "/".join(digits[i : i + 3] for i in range(0, len(digits), 3))


def link_html(url: str, remote: bool = False, me: bool = False) -> str:
    """A link as Mastodon renders it: scheme hidden, long URLs ellipsised."""
    scheme, _, rest = url.partition("://")
    rel = "nofollow noopener me" if me else "nofollow noopener"
    shown = (f'<span class="ellipsis">{escape(rest[:30])}</span>'
             f'<span class="invisible">{escape(rest[30:])}</span>') if len(rest) > 30 else (
        f'<span class="">{escape(rest)}</span><span class="invisible"></span>')
    return (f'<a href="{escape(url)}" target="_blank" rel="{rel}" translate="no">'
            f'<span class="invisible">{escape(scheme)}://</span>{shown}</a>')


class MastodonRenderer:
    """Renders world objects as seen from one server of the world."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.base_url = base_url.rstrip("/")
        self._accounts = lru_cache(maxsize=16_384)(self._account)

    # -- helpers ---------------------------------------------------------------------------

    def server_url(self, instance: int) -> str:
        """``http://127.0.0.1:PORT/mastodon/vegan.social``: a server's API base."""
        return f"{self.base_url}/mastodon/{INSTANCES[instance]}"

    def profile_url(self, person: Person) -> str:
        """The person's profile page on their home server."""
        return f"{self.server_url(person.instance)}/@{person.username}"

    def acct(self, person: Person, instance: int) -> str:
        """``user`` for local accounts, ``user@home.server`` for remote ones."""
        return person.username if person.instance == instance else person.acct

    def statuses_count(self, person: Person) -> int:
        """All statuses ever posted: the recent ones served plus older ones."""
        return self.world.post_count(person.index) + person.older_statuses

    def _segments_html(self, segments: tuple[Segment, ...], remote: bool,
                       home: int) -> str:
        extra = _REMOTE_LINK if remote else ""
        tag_attrs = _REMOTE_LINK if remote else ' rel="tag"'
        paragraphs: list[list[str]] = [[]]
        for kind, value in segments:
            if kind == "para":
                paragraphs.append([])
                continue
            out = paragraphs[-1]
            if kind == "text":
                out.append(escape(value))
            elif kind == "br":
                out.append("<br>" if remote else "<br />")
            elif kind == "tag":
                href = f"{self.server_url(home)}/tags/{quote(value, safe='')}"
                out.append(f'<a href="{escape(href)}" class="mention hashtag"{tag_attrs}>'
                           f"#<span>{escape(value)}</span></a>")
            elif kind == "mention":
                other = self.world.people[int(value)]
                out.append(f'<span class="h-card" translate="no"><a href="'
                           f'{escape(self.profile_url(other))}" class="u-url mention"{extra}>'
                           f"@<span>{escape(other.username)}</span></a></span>")
            elif kind == "link":
                out.append(link_html(value, remote=remote))
        return "".join(f"<p>{''.join(p)}</p>" for p in paragraphs if p)

    # -- accounts --------------------------------------------------------------------------

    def account(self, person: Person, instance: int, nested: bool = False) -> dict[str, Any]:
        """The Account entity of ``person`` as served by ``instance`` (cached: treat the
        result as read-only)."""
        return self._accounts(person.index, instance, nested)

    def _account(self, index: int, instance: int, nested: bool) -> dict[str, Any]:
        person = self.world.people[index]
        local = person.instance == instance
        server = self.server_url(instance)
        raw_id = account_id(person, instance)
        home = self.server_url(person.instance)
        blank = person.suspended
        store = "accounts" if local else "cache/accounts"
        if person.has_avatar and not blank:
            avatar = (f"{server}/system/{store}/avatars/{_id_partition(raw_id)}/original/"
                      f"{raw_id % 0xFFFFFFFFFFFF:012x}.png")
        else:
            avatar = f"{server}/avatars/original/missing.png"
        header = f"{server}/headers/original/missing.png"
        if person.has_avatar and not blank and person.index % 3:
            header = (f"{server}/system/{store}/headers/{_id_partition(raw_id)}/original/"
                      f"{(raw_id >> 3) % 0xFFFFFFFFFFFF:012x}.jpg")
        profile = None if blank else self.world.profile(person.index)
        data: dict[str, Any] = {
            "id": str(raw_id),
            "username": person.username,
            "acct": self.acct(person, instance),
            "display_name": "" if blank else person.display_name,
            "locked": False if blank else person.locked,
            "bot": False if blank else person.bot,
            "discoverable": False if blank else person.discoverable,
            "indexable": False if blank else person.indexable,
            "group": person.group,
            "created_at": iso_datetime(person.created_sec - person.created_sec % DAY),
            "note": "" if profile is None else self._segments_html(profile.bio, not local,
                                                                   person.instance),
            "url": f"{home}/@{person.username}",
            "uri": f"{home}/users/{person.username}",
            "avatar": avatar,
            "avatar_static": avatar,
            "header": header,
            "header_static": header,
            "followers_count": 0 if blank else person.followers,
            "following_count": 0 if blank else person.following,
            "statuses_count": 0 if blank else self.statuses_count(person),
            "last_status_at": None if blank or person.last_sec is None
            else iso_date(person.last_sec),
            "hide_collections": person.hide_collections,
        }
        if person.moved_to is not None and not nested and not blank:
            data["moved"] = self.account(self.world.people[person.moved_to], instance,
                                         nested=True)
        data["emojis"] = []
        if blank:
            data["suspended"] = True
        if person.limited:
            data["limited"] = True
        if local:
            data["noindex"] = person.noindex
        if person.memorial:
            data["memorial"] = True
        if local:
            data["roles"] = []
        data["fields"] = [] if profile is None else [
            {
                "name": name,
                "value": link_html(value, remote=not local, me=True) if is_link
                else escape(value),
                "verified_at": None if verified is None
                else datetime.fromtimestamp(verified, UTC).strftime(
                    "%Y-%m-%dT%H:%M:%S.000+00:00"),
            }
            for name, value, is_link, verified in profile.fields
        ]
        return data

    # -- statuses --------------------------------------------------------------------------

    def status_key_of(self, ref: tuple[int, int]) -> int:
        """World key of post ``(person, number)``."""
        person, number = ref
        return post_key(self.world.skeleton(person)[number][0], person, number)

    def status(self, post: Post, instance: int) -> dict[str, Any]:
        """The Status entity of ``post`` as served by ``instance``."""
        world = self.world
        author = world.people[post.author]
        local = author.instance == instance
        home = self.server_url(author.instance)
        home_id = status_id(post.key, author.instance)
        uri = f"{home}/users/{author.username}/statuses/{home_id}"
        reblog = None
        if post.reblog_of is not None:
            original = world.post(*post.reblog_of)
            reblog = self.status(original, instance)
            uri = f"{uri}/activity"
        reply_id = reply_account = None
        if post.reply_to is not None:
            reply_id = str(status_id(self.status_key_of(post.reply_to), instance))
            reply_account = str(account_id(world.people[post.reply_to[0]], instance))
        data: dict[str, Any] = {
            "id": str(status_id(post.key, instance)),
            "created_at": iso_datetime(post.sec),
            "in_reply_to_id": reply_id,
            "in_reply_to_account_id": reply_account,
            "sensitive": post.sensitive,
            "spoiler_text": post.spoiler_text,
            "visibility": "public",
            "language": post.language,
            "uri": uri,
            "url": uri if reblog is not None else f"{home}/@{author.username}/{home_id}",
            "replies_count": post.replies,
            "reblogs_count": post.reblogs,
            "favourites_count": post.favourites,
            "quotes_count": post.quotes,
            "edited_at": None if post.edited_sec is None else iso_datetime(post.edited_sec),
            "content": self._segments_html(post.segments, not local, author.instance),
            "reblog": reblog,
        }
        if local and reblog is None:
            data["application"] = {"name": "Web", "website": None}
        data["account"] = self.account(author, instance)
        data["media_attachments"] = [
            self._media(post, n, media, instance, local) for n, media in enumerate(post.media)
        ]
        data["mentions"] = [
            {
                "id": str(account_id(world.people[m], instance)),
                "username": world.people[m].username,
                "url": self.profile_url(world.people[m]),
                "acct": self.acct(world.people[m], instance),
            }
            for m in post.mentions
        ]
        server = self.server_url(instance)
        data["tags"] = [{"name": t, "url": f"{server}/tags/{quote(t, safe='')}"}
                        for t in post.tags]
        data["emojis"] = []
        data["quote"] = None
        data["card"] = None
        data["poll"] = None
        data["quote_approval"] = dict(QUOTE_APPROVAL)
        if post.malformed == "missing_id":
            del data["id"]
        elif post.malformed == "bad_count":
            data["favourites_count"] = "n/a"
        return data

    def _media(self, post: Post, number: int, media: Any, instance: int,
               local: bool) -> dict[str, Any]:
        media_id = status_id(post.key, instance) + number + 1
        server = self.server_url(instance)
        home = self.server_url(self.world.people[post.author].instance)
        store = "media_attachments" if local else "cache/media_attachments"
        path = f"{store}/files/{_id_partition(media_id)}"
        name = f"{media_id % 0xFFFFFFFFFFFF:012x}"
        remote_url = None if local else (
            f"{home}/system/media_attachments/files/{_id_partition(media_id)}/original/{name}.jpg")
        aspect = round(media.width / media.height, 6)
        return {
            "id": str(media_id),
            "type": "image",
            "url": f"{server}/system/{path}/original/{name}.jpg",
            "preview_url": f"{server}/system/{path}/small/{name}.jpg",
            "remote_url": remote_url,
            "preview_remote_url": None,
            "text_url": None,
            "meta": {
                "original": {"width": media.width, "height": media.height,
                             "size": f"{media.width}x{media.height}", "aspect": aspect},
                "small": {"width": 640, "height": round(640 / aspect),
                          "size": f"640x{round(640 / aspect)}", "aspect": aspect},
            },
            "description": media.description,
            "blurhash": media.blurhash,
        }

    # -- tags ------------------------------------------------------------------------------

    def tag(self, name: str, instance: int) -> dict[str, Any]:
        """The Tag entity with seven days of history (as of the world's "now")."""
        normalized = normalize_tag(name)
        today = ANCHOR_SEC - ANCHOR_SEC % DAY
        uses = [0] * 7
        accounts: list[set[int]] = [set() for _ in range(7)]
        for sec, author in self.world.tag_usage(normalized, today - 6 * DAY):
            day = (today - (sec - sec % DAY)) // DAY
            if 0 <= day < 7:
                uses[day] += 1
                accounts[day].add(author)
        tag_id = TAGS.id(normalized)
        return {
            "id": str(1000 + (tag_id if tag_id is not None else len(TAGS.names) +
                              sum(map(ord, normalized)) % 100_000)),
            "name": normalized,
            "url": f"{self.server_url(instance)}/tags/{quote(normalized, safe='')}",
            "history": [
                {"day": str(today - d * DAY), "uses": str(uses[d]),
                 "accounts": str(len(accounts[d]))}
                for d in range(7)
            ],
        }
