"""One person, many platforms: who of the world is present where, under which handle.

Every person of the world has a Mastodon account (the first dialect). Some also have a
personal website, a Bluesky account, a PeerTube channel, a GitHub account or a podcast.
This module decides that deterministically from the world's seed and the person's index,
so every dialect agrees on it without storing anything:

* ``website``: the link in the person's Mastodon profile fields (see
  :func:`creatorscout.sandbox.people.profile`), when there is one. ``https://slug.example``
  and ``https://blog.slug.example`` are sites the person owns; ``https://links.example/slug``
  is a link-in-bio page on a shared host.
* ``website_links_back``: the site carries ``rel="me"`` links to the person's profiles, so
  the profile -> site link is verified both ways (Mastodon shows ``verified_at`` exactly
  when this is true).
* ``bluesky``: a handle, ``slug.bsky.social``, or the person's own domain when they own one
  (a domain handle is itself proof of owning the site).
* ``peertube``: ``(instance, channel name)``; ``github``: a login; ``podcast``: a feed slug.
* ``false_claims``: a few people claim a profile that is someone else's (a one-way link):
  a grouping algorithm must record such claims as unverified and never merge on them.

Ground truth for tests: :func:`presence` and :func:`same_person`.

Platforms are more common in the communities where they are: GitHub among martech people,
PeerTube among cooks, podcasts among wine and martech people.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from random import Random
from typing import TYPE_CHECKING, Final

from creatorscout.sandbox.people import person_slug
from creatorscout.sandbox.vocab import COMMUNITIES

if TYPE_CHECKING:
    from creatorscout.sandbox.world import World

PEERTUBE_INSTANCES: Final = ("tube.example", "video.example")
"""The sandbox's PeerTube servers (fictional, under the reserved .example TLD)."""

_BASE_RATE: Final = {"bluesky": 0.45, "peertube": 0.06, "github": 0.10, "podcast": 0.04}
_COMMUNITY_RATE: Final = {
    ("peertube", "vegan-cooking"): 0.20,
    ("github", "b2b-martech"): 0.45,
    ("podcast", "georgian-wine"): 0.12,
    ("podcast", "b2b-martech"): 0.12,
}


@dataclass(frozen=True)
class Presence:
    """Where one person is present, beyond Mastodon."""

    index: int
    slug: str
    website: str | None
    owns_domain: str | None
    website_links_back: bool
    bluesky: str | None
    peertube: tuple[str, str] | None
    github: str | None
    podcast: str | None
    false_claims: tuple[str, ...]

    @property
    def platforms(self) -> frozenset[str]:
        """Every platform the person is on (``web`` for a website)."""
        found = {"mastodon"}
        for name, value in (("web", self.website), ("bluesky", self.bluesky),
                            ("peertube", self.peertube), ("github", self.github),
                            ("podcasts", self.podcast)):
            if value:
                found.add(name)
        return frozenset(found)


def _website(world: World, index: int) -> str | None:
    for _name, value, is_link, _verified in world.profile(index).fields:
        if is_link:
            return value
    return None


def _verified(world: World, index: int) -> bool:
    return any(is_link and verified is not None
               for _n, _v, is_link, verified in world.profile(index).fields)


def _owned_domain(url: str | None) -> str | None:
    if not url or url.startswith("https://links.example/"):
        return None
    host = url.split("://", 1)[1].split("/", 1)[0]
    return host.removeprefix("blog.")


def _rate(platform: str, communities: tuple[int, ...]) -> float:
    rate = _BASE_RATE[platform]
    for community in communities:
        rate = max(rate, _COMMUNITY_RATE.get((platform, COMMUNITIES[community].name), 0.0))
    return rate


@lru_cache(maxsize=200_000)
def _presence(world: World, index: int) -> Presence:
    person = world.people[index]
    rng = Random(f"{world.seed}:{index}:presence")
    slug = person_slug(person)
    website = _website(world, index)
    owns = _owned_domain(website)
    bluesky = None
    if rng.random() < _rate("bluesky", person.communities):
        bluesky = owns if owns and rng.random() < 0.5 else f"{slug}.bsky.social"
    peertube = None
    if rng.random() < _rate("peertube", person.communities):
        peertube = (PEERTUBE_INSTANCES[index % len(PEERTUBE_INSTANCES)], f"{slug}_channel")
    github = f"{slug}-dev" if rng.random() < _rate("github", person.communities) else None
    podcast = f"{slug}-podcast" if rng.random() < _rate("podcast", person.communities) else None
    claims: list[str] = []
    if website and rng.random() < 0.04 and len(world.people) > 1:
        other = world.people[(index * 7919 + 13) % len(world.people)]
        if other.index != index:
            claims.append(f"https://{person_slug(other)}.bsky.social")
    return Presence(
        index=index,
        slug=slug,
        website=website,
        owns_domain=owns,
        website_links_back=_verified(world, index),
        bluesky=bluesky,
        peertube=peertube,
        github=github,
        podcast=podcast,
        false_claims=tuple(claims),
    )


def presence(world: World, ref: int | str) -> Presence:
    """The presence of one person (by index, ``user@server`` or unique username)."""
    index = ref if isinstance(ref, int) else world.person(ref).index
    return _presence(world, index)


def people_on(world: World, platform: str) -> list[int]:
    """Indexes of everyone present on ``platform`` (``web``, ``bluesky``, ``peertube``,
    ``github``, ``podcasts``), in index order. Cost: one pass over the world."""
    return [p.index for p in world.people if platform in _presence(world, p.index).platforms]


def same_person(world: World, a: int, b: int) -> bool:
    """Ground truth for grouping: two profiles belong together only when they are the
    same person of the world (false claims never make two people one)."""
    return a == b
