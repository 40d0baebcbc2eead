"""The world as Bluesky sees it: who has an account, its state, numbers, posts and follows.

Who is on Bluesky and under which handle comes from :mod:`.presence` only. Everything
else is derived here, deterministically from the world's seed:

* **State**: a deleted person's account is *deactivated* (``AccountDeactivated``), a
  suspended one *taken down* (``AccountTakedown``); both are left out of search and
  ``getProfiles`` and their posts are not served.
* **Logged-out visibility**: people who chose ``noindex`` on Mastodon also turned off
  logged-out visibility on Bluesky: their profile carries the ``!no-unauthenticated``
  self-label (about 3% of accounts).
* **Numbers**: the Bluesky audience is the Mastodon one times a per-person factor
  (0.4-1.6); post engagement is scaled by the same factor, so engagement *rates* match.
* **Posts**: the person's posts of :meth:`World.posts` as ``app.bsky.feed.post`` records.
  A reply is on Bluesky only when the post it answers is (its author is on Bluesky and
  active, and so on up the thread); a reblog becomes a repost when the original is on
  Bluesky; everything else is left out (it was never cross-posted).
* **Follows**: up to 150 accounts of the person's communities who are on Bluesky.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from random import Random
from typing import Final, Literal

from creatorscout.sandbox.bluesky_ids import did_for
from creatorscout.sandbox.people import ANCHOR_SEC, DAY
from creatorscout.sandbox.posts import Post
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.world import World

BLUESKY_OPEN: Final = int(datetime(2023, 4, 1, tzinfo=UTC).timestamp())
MAX_FOLLOWS_LISTED: Final = 150
Status = Literal["active", "deactivated", "takendown"]
ItemKind = Literal["post", "reply", "repost"]


def _unit(seed: int, index: int, what: str) -> float:
    digest = hashlib.sha256(f"{seed}:{index}:bluesky:{what}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


@dataclass(frozen=True)
class Account:
    """One person's Bluesky account."""

    index: int
    did: str
    handle: str
    status: Status
    no_unauthenticated: bool
    factor: float
    """Bluesky audience / Mastodon audience (also scales post engagement)."""
    followers: int
    follows: int
    website: str | None
    website_field: bool
    """Whether the website is also in the profile's ``website`` field (else only in the
    description)."""

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Item:
    """One entry of an author feed: the person's own post or reply, or a repost."""

    kind: ItemKind
    post: Post
    """The post shown (for a repost: the original, by someone else)."""
    sort_sec: int
    """When it entered the feed (for a repost: when it was reposted)."""
    by: int
    """Whose feed it is in (for a repost: who reposted)."""
    repost_number: int | None = None
    """The world post number of the repost (for its record key)."""


class BlueskyPeople:
    """Bluesky accounts of a world, by person index, DID and handle."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.accounts: dict[int, Account] = {}
        for index in people_on(world, "bluesky"):
            self.accounts[index] = self._account(index)
        self.by_did = {a.did: a for a in self.accounts.values()}
        self.by_handle = {a.handle.lower(): a for a in self.accounts.values()}
        self.items = lru_cache(maxsize=4_096)(self._items)
        self.follows = lru_cache(maxsize=4_096)(self._follows)
        self.on_bluesky = lru_cache(maxsize=65_536)(self._on_bluesky)

    def _account(self, index: int) -> Account:
        seed = self.world.seed
        person = self.world.people[index]
        where = presence(self.world, index)
        assert where.bluesky is not None
        status: Status = ("deactivated" if person.deleted
                          else "takendown" if person.suspended else "active")
        factor = 0.4 + 1.2 * _unit(seed, index, "audience")
        return Account(
            index=index,
            did=did_for(seed, index),
            handle=where.bluesky,
            status=status,
            no_unauthenticated=person.noindex,
            factor=factor,
            followers=round(person.followers * factor),
            follows=round(person.following * (0.5 + _unit(seed, index, "follows"))),
            website=where.website,
            website_field=bool(where.owns_domain) and _unit(seed, index, "website") < 0.5,
        )

    def __len__(self) -> int:
        return len(self.accounts)

    def __iter__(self) -> Iterator[Account]:
        return iter(self.accounts.values())

    def account(self, index: int) -> Account | None:
        """The account of person ``index``, or ``None`` when they are not on Bluesky."""
        return self.accounts.get(index)

    def resolve(self, actor: str) -> Account | None:
        """The account behind a DID or a handle (any case, with or without ``@``)."""
        actor = actor.strip()
        if actor.startswith("did:"):
            return self.by_did.get(actor)
        return self.by_handle.get(actor.lstrip("@").lower())

    def active(self, index: int) -> Account | None:
        """The account of person ``index`` when it exists and is active."""
        account = self.accounts.get(index)
        return account if account is not None and account.active else None

    # -- posts -----------------------------------------------------------------------------

    def _on_bluesky(self, author: int, number: int) -> bool:
        """Whether the world post ``(author, number)`` exists as a Bluesky post record."""
        if self.active(author) is None:
            return False
        post = self.world.post(author, number)
        if post.kind == "post":
            return True
        if post.kind == "reply" and post.reply_to is not None:
            return bool(self.on_bluesky(*post.reply_to))
        return False  # a reblog is a repost record, not a post

    def _items(self, index: int) -> tuple[Item, ...]:
        if self.active(index) is None:
            return ()
        items: list[Item] = []
        for post in self.world.posts(index):
            if post.kind == "reblog":
                if post.reblog_of is not None and self.on_bluesky(*post.reblog_of):
                    original = self.world.post(*post.reblog_of)
                    items.append(Item("repost", original, post.sec, index, post.number))
            elif self.on_bluesky(index, post.number):
                kind: ItemKind = "reply" if post.kind == "reply" else "post"
                items.append(Item(kind, post, post.sec, index))
        return tuple(items)

    def own_posts(self, index: int) -> list[Post]:
        """The person's own posts and replies on Bluesky, newest first."""
        return [item.post for item in self.items(index) if item.kind != "repost"]

    def root_of(self, post: Post) -> Post:
        """The first post of the thread ``post`` belongs to."""
        while post.reply_to is not None:
            post = self.world.post(*post.reply_to)
        return post

    def posts_count(self, index: int) -> int:
        """``postsCount``: the posts served plus older ones (reposts are not posts)."""
        person = self.world.people[index]
        older = round(person.older_statuses * self.accounts[index].factor * 0.5)
        return len(self.own_posts(index)) + older

    def created_sec(self, index: int) -> int:
        """When the account was created: not before Bluesky opened, and before its posts."""
        person = self.world.people[index]
        opened = BLUESKY_OPEN + int(_unit(self.world.seed, index, "joined") * 500 * DAY)
        created = max(person.created_sec, opened)
        own = [item.sort_sec for item in self.items(index)]
        if own:
            created = min(created, min(own) - 3600)
        return min(created, ANCHOR_SEC - 20 * DAY)

    def pinned(self, index: int) -> Post | None:
        """The post pinned to the profile (the newest pinned original), if any."""
        for post in self.own_posts(index):
            if post.pinned and post.kind == "post":
                return post
        return None

    # -- follows ---------------------------------------------------------------------------

    def _follows(self, index: int) -> tuple[tuple[int, int], ...]:
        """``(followed person, followed at)`` newest first: accounts of the person's
        communities that are on Bluesky, popular ones more often."""
        account = self.accounts.get(index)
        if account is None or not account.active:
            return ()
        person = self.world.people[index]
        rng = Random(f"{self.world.seed}:{index}:bluesky-follows")
        wanted = min(account.follows, MAX_FOLLOWS_LISTED)
        chosen: list[int] = []
        for _ in range(wanted * 3):
            if len(chosen) >= wanted:
                break
            community = person.communities[int(rng.random() * len(person.communities))]
            other = self.world.sample_member(rng, community, exclude=index)
            if other is not None and other not in chosen and self.active(other) is not None:
                chosen.append(other)
        start = self.created_sec(index)
        span = max(DAY, ANCHOR_SEC - DAY - start)
        times = sorted((start + int(rng.random() * span) for _ in chosen), reverse=True)
        return tuple(zip(chosen, times, strict=True))
