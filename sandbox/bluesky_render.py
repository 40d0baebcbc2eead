"""Render world objects as the Bluesky AppView's JSON views.

Shapes follow the lexicons of bluesky-social/atproto (``lexicons/app/bsky/``):
``actor/defs.json`` (``profileViewBasic``, ``profileView``, ``profileViewDetailed``),
``feed/defs.json`` (``postView``, ``feedViewPost``, ``replyRef``, ``reasonRepost``,
``reasonPin``), ``feed/post.json`` (the record), ``richtext/facet.json`` (facets with
UTF-8 byte offsets), ``embed/images.json`` and ``embed/external.json``. Optional keys are
left out when they do not apply, as the AppView does.

Post text: the world's segments joined as plain text. A hashtag becomes ``#tag`` with a
``#tag`` facet; a mention of someone on Bluesky ``@handle`` with a ``#mention`` facet (their
DID); a mention of someone who is not becomes plain ``@username`` text; a link is shown
shortened (``example.com/path...``, as the Bluesky app does) with a ``#link`` facet holding
the full URL. Offsets are counted in bytes of the UTF-8 text, so emoji, Hebrew, Arabic or
Georgian text before a facet moves it by several bytes per character. Texts stop before
300 characters (the record's limit) at a segment boundary.

Deliberate damage, as in the Mastodon dialect: a post the world marks ``missing_id`` has
no ``uri``; one marked ``bad_count`` has ``"likeCount": "n/a"``.
"""

from __future__ import annotations

from typing import Any, Final

from creatorscout.sandbox.bluesky_ids import (
    POST_COLLECTION,
    REPOST_COLLECTION,
    cid_for,
    iso,
    post_rkey,
)
from creatorscout.sandbox.bluesky_people import Account, BlueskyPeople, Item
from creatorscout.sandbox.posts import Post, Segment
from creatorscout.sandbox.world import World

MAX_TEXT: Final = 300
MAX_DESCRIPTION: Final = 256
NO_UNAUTHENTICATED: Final = "!no-unauthenticated"
BRAND_TITLE: Final = "Sponsored link"


def short_link(url: str) -> str:
    """How the Bluesky app shows a link: no scheme, long paths cut with ``...``."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    if not path:
        return host
    shown = f"{host}/{path}"
    return shown if len(shown) <= 30 else shown[:27] + "..."


class BlueskyRenderer:
    """Views of one world's Bluesky accounts and posts."""

    def __init__(self, world: World, people: BlueskyPeople, base_url: str) -> None:
        self.world = world
        self.people = people
        self.base_url = base_url.rstrip("/")

    # -- helpers ---------------------------------------------------------------------------

    def post_uri(self, post: Post) -> str:
        account = self.people.accounts[post.author]
        return f"at://{account.did}/{POST_COLLECTION}/{post_rkey(post.sec, post.number)}"

    def post_cid(self, post: Post) -> str:
        return cid_for(self.world.seed, "post", post.author, post.number)

    def _image(self, kind: str, did: str, cid: str) -> str:
        return f"{self.base_url}/bluesky/img/{kind}/plain/{did}/{cid}@jpeg"

    def labels(self, account: Account) -> list[dict[str, Any]]:
        """Self-labels of the profile (``com.atproto.label.defs#label``)."""
        if not account.no_unauthenticated:
            return []
        created = self.people.created_sec(account.index)
        return [{
            "src": account.did,
            "uri": f"at://{account.did}/app.bsky.actor.profile/self",
            "cid": cid_for(self.world.seed, "profile", account.index),
            "val": NO_UNAUTHENTICATED,
            "cts": iso(created + 60),
        }]

    def description(self, account: Account) -> str:
        """The profile text: the bio, then the website (plain text: profiles have no
        facets; clients find links themselves)."""
        bio: list[str] = []
        for kind, value in self.world.profile(account.index).bio:
            bio.append({"text": value, "tag": f"#{value}", "br": "\n",
                        "link": value}.get(kind, ""))
        text = "".join(bio).strip()
        if account.website:
            room = MAX_DESCRIPTION - len(account.website) - 4
            text = (text[:room].rstrip() + "\n🔗 " if text else "🔗 ") + account.website
        return text[:MAX_DESCRIPTION]

    # -- profiles --------------------------------------------------------------------------

    def profile_basic(self, account: Account) -> dict[str, Any]:
        """``profileViewBasic`` (post authors, reposters)."""
        person = self.world.people[account.index]
        view: dict[str, Any] = {"did": account.did, "handle": account.handle,
                                "displayName": person.display_name}
        if person.has_avatar:
            view["avatar"] = self._image("avatar", account.did,
                                         cid_for(self.world.seed, "avatar", account.index))
        view["associated"] = {"activitySubscription": {"allowSubscriptions": "followers"}}
        view["viewer"] = {"muted": False, "blockedBy": False}
        view["labels"] = self.labels(account)
        view["createdAt"] = iso(self.people.created_sec(account.index))
        return view

    def profile_view(self, account: Account) -> dict[str, Any]:
        """``profileView`` (search results, follows)."""
        view = self.profile_basic(account)
        created = view.pop("createdAt")
        labels = view.pop("labels")
        view["description"] = self.description(account)
        view["indexedAt"] = iso(self.people.created_sec(account.index) + 120)
        view["createdAt"] = created
        view["labels"] = labels
        return view

    def profile_detailed(self, account: Account) -> dict[str, Any]:
        """``profileViewDetailed`` (getProfile, getProfiles)."""
        index = account.index
        person = self.world.people[index]
        created = self.people.created_sec(index)
        view: dict[str, Any] = {"did": account.did, "handle": account.handle,
                                "displayName": person.display_name,
                                "description": self.description(account)}
        if account.website_field and account.website:
            view["website"] = account.website
        if person.has_avatar:
            view["avatar"] = self._image("avatar", account.did,
                                         cid_for(self.world.seed, "avatar", index))
            if index % 3:
                view["banner"] = self._image("banner", account.did,
                                             cid_for(self.world.seed, "banner", index))
        view["followersCount"] = account.followers
        view["followsCount"] = account.follows
        view["postsCount"] = self.people.posts_count(index)
        view["associated"] = {"lists": 0, "feedgens": 0, "starterPacks": 0, "labeler": False,
                              "activitySubscription": {"allowSubscriptions": "followers"}}
        view["indexedAt"] = iso(created + 120)
        view["createdAt"] = iso(created)
        view["viewer"] = {"muted": False, "blockedBy": False}
        view["labels"] = self.labels(account)
        pinned = self.people.pinned(index)
        if pinned is not None:
            view["pinnedPost"] = {"cid": self.post_cid(pinned), "uri": self.post_uri(pinned)}
        return view

    # -- posts -----------------------------------------------------------------------------

    def text_and_facets(self, segments: tuple[Segment, ...]) -> tuple[str, list[dict[str, Any]]]:
        """Plain text and its facets, offsets in UTF-8 bytes."""
        text = ""
        facets: list[dict[str, Any]] = []
        for kind, value in segments:
            feature: dict[str, Any] | None = None
            if kind == "text":
                piece = value
            elif kind == "br":
                piece = "\n"
            elif kind == "para":
                piece = "\n\n"
            elif kind == "tag":
                piece = f"#{value}"
                feature = {"$type": "app.bsky.richtext.facet#tag", "tag": value}
            elif kind == "mention":
                other = self.people.active(int(value))
                if other is not None:
                    piece = f"@{other.handle}"
                    feature = {"$type": "app.bsky.richtext.facet#mention", "did": other.did}
                else:
                    piece = f"@{self.world.people[int(value)].username}"
            elif kind == "link":
                piece = short_link(value)
                feature = {"$type": "app.bsky.richtext.facet#link", "uri": value}
            else:
                continue
            if len(text) + len(piece) > MAX_TEXT:
                break
            start = len(text.encode("utf-8"))
            text += piece
            if feature is not None:
                end = len(text.encode("utf-8"))
                facets.append({"$type": "app.bsky.richtext.facet",
                               "index": {"byteEnd": end, "byteStart": start},
                               "features": [feature]})
        return text, facets

    def record(self, post: Post) -> dict[str, Any]:
        """The ``app.bsky.feed.post`` record of a world post."""
        text, facets = self.text_and_facets(post.segments)
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": iso(post.sec)}
        embed = self._embed_record(post)
        if embed is not None:
            record["embed"] = embed
        if facets:
            record["facets"] = facets
        if post.language:
            record["langs"] = [post.language]
        if post.reply_to is not None:
            parent = self.world.post(*post.reply_to)
            root = self.people.root_of(post)
            record["reply"] = {
                "parent": {"cid": self.post_cid(parent), "uri": self.post_uri(parent)},
                "root": {"cid": self.post_cid(root), "uri": self.post_uri(root)},
            }
        record["text"] = text
        return record

    def _link(self, post: Post) -> str | None:
        return next((value for kind, value in post.segments if kind == "link"), None)

    def _embed_record(self, post: Post) -> dict[str, Any] | None:
        if post.media:
            return {"$type": "app.bsky.embed.images", "images": [
                {"alt": media.description or "",
                 "aspectRatio": {"height": media.height, "width": media.width},
                 "image": {"$type": "blob",
                           "ref": {"$link": cid_for(self.world.seed, "img", post.key, n)},
                           "mimeType": "image/jpeg", "size": 180_000 + 977 * n}}
                for n, media in enumerate(post.media)]}
        link = self._link(post)
        if link is not None:
            return {"$type": "app.bsky.embed.external",
                    "external": {"uri": link, "title": BRAND_TITLE, "description": ""}}
        return None

    def _embed_view(self, post: Post) -> dict[str, Any] | None:
        account = self.people.accounts[post.author]
        if post.media:
            images = []
            for n, media in enumerate(post.media):
                cid = cid_for(self.world.seed, "img", post.key, n)
                images.append({
                    "thumb": self._image("feed_thumbnail", account.did, cid),
                    "fullsize": self._image("feed_fullsize", account.did, cid),
                    "alt": media.description or "",
                    "aspectRatio": {"height": media.height, "width": media.width},
                })
            return {"$type": "app.bsky.embed.images#view", "images": images}
        link = self._link(post)
        if link is not None:
            return {"$type": "app.bsky.embed.external#view",
                    "external": {"uri": link, "title": BRAND_TITLE, "description": ""}}
        return None

    def post_view(self, post: Post) -> dict[str, Any]:
        """``postView`` of a world post (its author must be on Bluesky)."""
        account = self.people.accounts[post.author]
        factor = account.factor
        view: dict[str, Any] = {
            "uri": self.post_uri(post),
            "cid": self.post_cid(post),
            "author": self.profile_basic(account),
            "record": self.record(post),
        }
        embed = self._embed_view(post)
        if embed is not None:
            view["embed"] = embed
        view.update({
            "bookmarkCount": 0,
            "replyCount": round(post.replies * factor),
            "repostCount": round(post.reblogs * factor),
            "likeCount": round(post.favourites * factor),
            "quoteCount": round(post.quotes * factor),
            "indexedAt": iso(post.sec + 1),
            "viewer": {"bookmarked": False, "threadMuted": False, "embeddingDisabled": False},
            "labels": [],
        })
        if post.malformed == "missing_id":
            del view["uri"]
        elif post.malformed == "bad_count":
            view["likeCount"] = "n/a"
        return view

    def feed_item(self, item: Item, pinned: bool = False) -> dict[str, Any]:
        """``feedViewPost`` of an author-feed item."""
        data: dict[str, Any] = {"post": self.post_view(item.post)}
        post = item.post
        if post.reply_to is not None:
            parent = self.world.post(*post.reply_to)
            root = self.people.root_of(post)
            reply: dict[str, Any] = {"root": self.post_view(root),
                                     "parent": self.post_view(parent)}
            if parent.reply_to is not None:
                grand = self.people.accounts[parent.reply_to[0]]
                reply["grandparentAuthor"] = self.profile_basic(grand)
            data["reply"] = reply
        if item.kind == "repost":
            by = self.people.accounts[item.by]
            rkey = post_rkey(item.sort_sec, item.repost_number or 0)
            data["reason"] = {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": self.profile_basic(by),
                "uri": f"at://{by.did}/{REPOST_COLLECTION}/{rkey}",
                "cid": cid_for(self.world.seed, "repost", by.index, item.repost_number),
                "indexedAt": iso(item.sort_sec),
            }
        elif pinned:
            data["reason"] = {"$type": "app.bsky.feed.defs#reasonPin"}
        return data
