"""The sandbox's synthetic creator world: who exists, what they post, and the ground truth.

The fake world
==============

``build_world(seed=42, creators=2000)`` creates a fediverse of ``creators`` people. It is
a pure function of its two arguments: the same seed and size give the same people, the
same posts and, through a dialect, byte-identical JSON. "Now" is fixed at
2026-11-01T12:00:00Z (:data:`ANCHOR`); the wall clock is never read.

**Communities.** Everybody belongs to a primary community and ~18% to a second one. Three
communities are niches that have a definition in ``config/niches``: *vegan-cooking*
(English, German, Hebrew, Arabic), *georgian-wine* (Georgian, English, Russian) and
*b2b-martech* (English, German). Four are noise: *football*, *gaming*, *photography* and
*local-news*. About 5% of people are **bridges**: they belong to two or three communities
(at least one a niche), post in all of them, mention people across them, and people in
each of their communities mention them more than others. They are the connectors a
mention-graph centrality should find.

**Servers.** Each person has a home Mastodon server, correlated with their topic:
mastodon.social is the biggest; vegan.social is where vegans gather; fosstodon.org has the
martech and gaming crowd; chaos.social the German news and gaming people. Usernames are
unique per server only ("lena" may exist on two servers: two different people).

**People.** Names, display names (with emoji and in Hebrew, Arabic, Georgian or Cyrillic
script) and bios are in the person's language(s). Follower counts are heavy-tailed: most
people are nano (< 10K, median ~180), ~1% are mid-tier and ~0.4% macro or mega (up to
~2.2M). Flags, roughly: 4% bots, 5% ``discoverable: false`` (plus 1% unset), 3%
``noindex``, 5% ``indexable: false``, 3% locked, 1% moved to another account, 0.7%
suspended, 0.8% deleted (404), 0.5% limited, 10% hide their follower lists. About 3% fake
their numbers: *bought_followers* (followers inflated 15-60x, engagement of the real
audience), *engagement_pod* (6-12x the expected interactions, nearly all favourites) and
*follow_farm* (following about as many as follow them, little engagement). About 12% post
sponsored content (5-50% of their posts), marked "#ad", "Anzeige", "Werbung", "paid
partnership", "שיתוף פעולה בתשלום", "إعلان" and so on.

**Posts.** Each person has 0-60 recent posts (bots 40-60) over the last months: mostly in
their community's vocabulary and their language, with community hashtags, some small talk,
mentions (mostly within the community, popular people more often), replies (some to
themselves, as threads), reblogs of other people's posts, media, content warnings and
edits. Engagement (favourites, reblogs, replies, quotes) is drawn around a rate that
*falls* with audience size: ~5% of followers per post for nano accounts, well under 1% for
mega ones, with noise. About 0.5% of statuses are deliberately malformed on output (no
``id``, or ``favourites_count: "n/a"``); the ground truth lists them.

**Ground truth.** ``world.truth(ref)`` returns a :class:`Truth` for a person (by index,
``user@server`` or an unambiguous username): communities, niche membership, bridge and
fake flags, sponsored share, opt-outs, malformed statuses... Dialects never see it.

**Scale.** People are stored compactly (a few hundred bytes each); posts are regenerated
on demand from per-person generators and a few thousand are cached. The one index, hashtag
-> sorted keys of the posts carrying it (8 bytes per post), is built per tag on first use
from only the people whose communities and languages can produce that tag. A
100,000-person world builds in a few seconds and well under 1 GB.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from random import Random
from threading import Lock
from types import MappingProxyType
from typing import Any, Final

from creatorscout.sandbox.people import (
    ANCHOR,
    ANCHOR_SEC,
    DAY,
    MAX_PEOPLE,
    Person,
    Profile,
    generate_people,
    profile,
    tier_of,
)
from creatorscout.sandbox.posts import (
    F_BAD_COUNT,
    F_BAD_ID,
    F_SPONSORED,
    KIND_POST,
    KIND_REBLOG,
    POST_KEY_SPACE,
    Post,
    Row,
    build_posts,
    decode_post_key,
    index_posts,
    language_plan,
    newest_post_sec,
    skeleton,
)
from creatorscout.sandbox.tags import TAGS
from creatorscout.sandbox.vocab import COMMUNITIES, INSTANCES, NICHES

__all__ = ["ANCHOR", "ANCHOR_SEC", "INSTANCES", "NICHES", "Truth", "World", "build_world"]


@dataclass(frozen=True)
class Truth:
    """What a perfect crawler and scorer would conclude about one person."""

    index: int
    username: str
    instance: str
    acct: str
    display_name: str
    communities: tuple[str, ...]
    primary_community: str
    in_niche: Mapping[str, bool]
    niche_share: Mapping[str, float]
    """Share of the person's own statuses (posts and replies) in each community."""
    is_bridge: bool
    fake_engagement: bool
    fake_kind: str | None
    sponsored_share: float
    """Share of the person's original posts (not replies, not reblogs) that are sponsored."""
    opted_out: str | None
    """The first reason to leave the person out: "not_discoverable" (false or unset),
    "noindex", "not_indexable"; ``None`` when they are fair game. See :attr:`opt_outs`."""
    opt_outs: tuple[str, ...]
    bot: bool
    deleted: bool
    suspended: bool
    limited: bool
    locked: bool
    moved_to: int | None
    discoverable: bool | None
    indexable: bool
    noindex: bool
    followers: int
    real_followers: int
    tier: str
    languages: tuple[str, ...]
    statuses: int
    """Recent statuses served by the API (0 when deleted or suspended)."""
    malformed: tuple[int, ...]
    """Post numbers of the person's statuses that are served malformed."""


def _possible_tags(person: Person) -> frozenset[int]:
    """Every hashtag id the person's posts can carry."""
    tags: set[int] = set()
    languages: set[str] = set()
    for community in person.communities:
        for lang, pool in language_plan(person, community):
            tags.update(pool)
            languages.add(lang)
    if person.sponsor_rate:
        for lang in languages:
            tags.update(t for _, t in TAGS.sponsor_markers[lang] if t is not None)
    return frozenset(tags)


class _Discard:
    """A bucket that forgets what is appended (tags not being indexed right now)."""

    __slots__ = ()

    def append(self, _key: int) -> None:
        return None


_DISCARD: Final = _Discard()


class World:
    """A built world. Use :func:`build_world`; the constructor does not index."""

    def __init__(self, seed: int, people: list[Person]) -> None:
        self.seed = seed
        self.people: Sequence[Person] = people
        self._by_username: dict[tuple[int, str], int] = {
            (p.instance, p.username.lower()): p.index for p in people
        }
        self._members: list[array[int]] = [array("l") for _ in COMMUNITIES]
        self._bridges: list[array[int]] = [array("l") for _ in COMMUNITIES]
        # People grouped by which hashtags their posts can carry (community x language
        # x sponsored): a tag's posts are searched for in the few groups that can have it.
        self._groups: dict[frozenset[int], array[int]] = {}
        for p in people:
            if p.alive and p.moved_to is None:
                for community in p.communities:
                    self._members[community].append(p.index)
                    if p.is_bridge:
                        self._bridges[community].append(p.index)
            if p.alive and not p.limited:
                self._groups.setdefault(_possible_tags(p), array("l")).append(p.index)
        self._walked: dict[frozenset[int], dict[int, array[int]]] = {}
        self._tag_keys: dict[int, array[int]] = {}
        self._tag_lock = Lock()
        self._skeleton = lru_cache(maxsize=32_768)(self._make_skeleton)
        self._posts = lru_cache(maxsize=4_096)(self._make_posts)
        self._profile = lru_cache(maxsize=4_096)(self._make_profile)

    # -- construction ----------------------------------------------------------------------

    def _make_skeleton(self, index: int) -> tuple[Row, ...]:
        return skeleton(self.seed, self.people[index])

    def _make_posts(self, index: int) -> tuple[Post, ...]:
        return build_posts(self, index)

    def _make_profile(self, index: int) -> Profile:
        return profile(self.seed, self.people[index])

    def _date_posts(self) -> None:
        """Set every person's last post time (from the posts' headers only: cheap)."""
        for person in self.people:
            newest = newest_post_sec(self.seed, person)
            person.last_sec = newest if newest is not None else self._old_last_sec(person)

    @staticmethod
    def _old_last_sec(person: Person) -> int | None:
        if not person.older_statuses:
            return None
        last = ANCHOR_SEC - 366 * DAY - (person.index * 7919 % (200 * DAY))
        return max(last, person.created_sec + 3600)

    def _group_keys(self, possible: frozenset[int]) -> dict[int, array[int]]:
        """Post keys per tag of one group of people (walked once, for all its tags)."""
        found = self._walked.get(possible)
        if found is None:
            found = {tag: array("q") for tag in possible}
            buckets: list[Any] = [_DISCARD] * len(TAGS.names)
            for tag, keys in found.items():
                buckets[tag] = keys
            for index in self._groups[possible]:
                index_posts(self.seed, self.people[index], buckets)
            self._walked[possible] = found
        return found

    def _build_tag(self, tag_id: int) -> array[int]:
        keys: list[int] = []
        for possible in self._groups:
            if tag_id in possible:
                keys.extend(self._group_keys(possible)[tag_id])
        keys.sort()
        return array("q", keys)

    # -- people ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.people)

    def __iter__(self) -> Iterator[Person]:
        return iter(self.people)

    def person(self, ref: int | str) -> Person:
        """A person by index, ``user@server`` or a username that is unique in the world."""
        if isinstance(ref, int):
            return self.people[ref]
        if "@" in ref.lstrip("@"):
            user, _, server = ref.lstrip("@").partition("@")
            if server not in INSTANCES:
                raise KeyError(f"no server {server!r} in the world")
            found = self._by_username.get((INSTANCES.index(server), user.lower()))
            if found is None:
                raise KeyError(f"no account {ref!r}")
            return self.people[found]
        matches = [
            self.people[index] for (_, name), index in self._by_username.items()
            if name == ref.lstrip("@").lower()
        ]
        if len(matches) != 1:
            raise KeyError(
                f"{len(matches)} accounts are called {ref!r}; use user@server"
                if matches else f"no account {ref!r}"
            )
        return matches[0]

    def find_username(self, instance: int, username: str) -> int | None:
        """Index of the account ``username`` on server ``instance`` (case-insensitive)."""
        return self._by_username.get((instance, username.lower()))

    def profile(self, index: int) -> Profile:
        """Bio and profile fields of a person (generated lazily, cached)."""
        return self._profile(index)

    def sample_member(self, rng: Random, community: int, exclude: int) -> int | None:
        """A live member of ``community`` (not ``exclude``), biased towards big audiences."""
        members = self._members[community]
        if not members:
            return None
        drawn = [members[int(rng.random() * len(members))] for _ in range(3)]
        drawn = [d for d in drawn if d != exclude]
        if not drawn:
            return None
        if rng.random() < 0.6:
            return max(drawn, key=lambda i: self.people[i].real_followers)
        return drawn[0]

    def sample_bridge(self, rng: Random, community: int, exclude: int) -> int | None:
        """A bridge of ``community`` (connectors get mentioned from every side)."""
        bridges = self._bridges[community]
        if not bridges:
            return self.sample_member(rng, community, exclude)
        pick = bridges[int(rng.random() * len(bridges))]
        return None if pick == exclude else pick

    # -- posts -----------------------------------------------------------------------------

    def skeleton(self, index: int) -> tuple[Row, ...]:
        """Skeleton rows of a person's posts, newest first (cached)."""
        return self._skeleton(index)

    def posts(self, index: int) -> tuple[Post, ...]:
        """Full recent posts of a person, newest first (generated lazily, cached)."""
        return self._posts(index)

    def post(self, index: int, number: int) -> Post:
        """One post of a person."""
        return self.posts(index)[number]

    def post_count(self, index: int) -> int:
        """How many recent posts the person has (reblogs included)."""
        return len(self.skeleton(index))

    def post_by_key(self, key: int) -> Post | None:
        """The post with this key, or ``None`` when no such post exists."""
        sec, index, number = decode_post_key(key)
        if not 0 <= index < len(self.people):
            return None
        rows = self.skeleton(index)
        if number >= len(rows) or rows[number][0] != sec:
            return None
        return self.post(index, number)

    def tag_keys(self, tag: str) -> array[int]:
        """Keys of the listed posts carrying ``tag`` (any spelling), oldest first.

        Posts of deleted, suspended and limited accounts are not listed, as on Mastodon.
        Each tag is indexed on first use (well under a second for 100,000 people).
        """
        tag_id = TAGS.id(tag)
        if tag_id is None:
            return array("q")
        keys = self._tag_keys.get(tag_id)
        if keys is None:
            with self._tag_lock:
                keys = self._tag_keys.get(tag_id)
                if keys is None:
                    keys = self._tag_keys[tag_id] = self._build_tag(tag_id)
        return keys

    def tag_usage(self, tag: str, since_sec: int) -> Iterator[tuple[int, int]]:
        """``(sec, author)`` of listed posts with ``tag`` since ``since_sec``, newest first."""
        keys = self.tag_keys(tag)
        start = bisect_left(keys, since_sec * POST_KEY_SPACE)
        for position in range(len(keys) - 1, start - 1, -1):
            sec, author, _ = decode_post_key(keys[position])
            yield sec, author

    @property
    def tags(self) -> tuple[str, ...]:
        """Normalised names of all hashtags the world's vocabularies produce."""
        return tuple(sorted(TAGS.names))

    # -- ground truth ----------------------------------------------------------------------

    def truth(self, ref: int | str) -> Truth:
        """The ground truth about one person (see :class:`Truth`)."""
        person = self.person(ref)
        rows = self.skeleton(person.index)
        own = [row for row in rows if row[1] != KIND_REBLOG]
        originals = [row for row in rows if row[1] == KIND_POST and row[2] >= 0]
        per_community: dict[str, float] = {}
        for row in own:
            if row[2] >= 0:
                name = COMMUNITIES[row[2]].name
                per_community[name] = per_community.get(name, 0) + 1
        share = {name: count / len(own) for name, count in per_community.items()} if own else {}
        sponsored = sum(1 for row in originals if row[5] & F_SPONSORED)
        opt_outs: list[str] = []
        if person.discoverable is not True:
            opt_outs.append("not_discoverable")
        if person.noindex:
            opt_outs.append("noindex")
        if not person.indexable:
            opt_outs.append("not_indexable")
        communities = tuple(COMMUNITIES[c].name for c in person.communities)
        return Truth(
            index=person.index,
            username=person.username,
            instance=person.instance_name,
            acct=person.acct,
            display_name=person.display_name,
            communities=communities,
            primary_community=communities[0],
            in_niche=MappingProxyType({niche: niche in communities for niche in NICHES}),
            niche_share=MappingProxyType(share),
            is_bridge=person.is_bridge,
            fake_engagement=person.fake_kind is not None,
            fake_kind=person.fake_kind,
            sponsored_share=sponsored / len(originals) if originals else 0.0,
            opted_out=opt_outs[0] if opt_outs else None,
            opt_outs=tuple(opt_outs),
            bot=person.bot,
            deleted=person.deleted,
            suspended=person.suspended,
            limited=person.limited,
            locked=person.locked,
            moved_to=person.moved_to,
            discoverable=person.discoverable,
            indexable=person.indexable,
            noindex=person.noindex,
            followers=person.followers,
            real_followers=person.real_followers,
            tier=tier_of(person.followers),
            languages=person.languages,
            statuses=len(rows) if person.alive else 0,
            malformed=tuple(
                n for n, row in enumerate(rows) if row[5] & (F_BAD_ID | F_BAD_COUNT)
            ) if person.alive else (),
        )


MAX_CREATORS: Final = MAX_PEOPLE


def build_world(seed: int = 42, creators: int = 2000) -> World:
    """Build the deterministic world of ``seed`` with ``creators`` people (see module doc)."""
    if not 1 <= creators <= MAX_CREATORS:
        raise ValueError(f"creators must be between 1 and {MAX_CREATORS}, got {creators}")
    world = World(seed, generate_people(seed, creators))
    world._date_posts()
    return world


