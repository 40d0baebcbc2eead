"""The adversarial world: a second synthetic world that grades the scorer (``--world adversarial``).

Built exactly as ``docs/adversarial-world.md`` specifies, from latent truths (communities,
audience trust, fake share, paid ads) from which text, counts and mentions are drawn:
synonyms and inflections the niche files do not list, look-alike communities sharing the
niches' surface strings, undisclosed ads and innocent disclosure words, fakes that buy
interactions in proportion, bridges with no hint in their bios, follower counts correlated
with community, and a hidden campaign outcome per niche that the scorer never sees.

:func:`build_adversarial_world` returns an :class:`AdversarialWorld`, a :class:`World`
whose people and posts are drawn up front (the world is meant for evaluations of a few
thousand people), so every dialect serves it as it serves the main world. Ground truth:
:meth:`AdversarialWorld.truth` per person and :meth:`AdversarialWorld.post_truth` per post.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from random import Random
from types import MappingProxyType
from typing import Final, TypeVar

from creatorscout.sandbox.adversarial_posts import draw_posts
from creatorscout.sandbox.adversarial_vocab import ADV_COMMUNITIES, ADV_NICHES
from creatorscout.sandbox.names import FIRST_NAMES, LAST_NAMES
from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person, Profile, tier_of
from creatorscout.sandbox.posts import KIND_POST, KIND_REPLY, Post, Row, decode_post_key
from creatorscout.sandbox.world import World

BRIDGE_SHARE: Final = 0.08
BROADCASTER_SHARE: Final = 0.03
FAKE_SHARE: Final = 0.06
INNOCENT_SHARE: Final = 0.15
K = TypeVar("K")
MAX_ADVERSARIAL_PEOPLE: Final = 50_000
"""People and posts are held in memory: the world is for evaluations, not for scale."""


@dataclass(frozen=True)
class AdvTruth:
    """What a perfect scorer would conclude about one person of the adversarial world."""

    index: int
    acct: str
    communities: tuple[str, ...]
    primary_community: str
    languages: tuple[str, ...]
    relevance: Mapping[str, int]
    """Graded relevance per niche: 2 primary community, 1 second community, 0 otherwise."""
    is_bridge: bool
    broadcaster: bool
    hub: bool
    trust: float
    fake_kind: str | None
    fake_share: float
    sponsored_share: float
    """Share of the person's original posts that are paid ads (disclosed or not)."""
    followers: int
    real_followers: int
    tier: str
    outcome: Mapping[str, float]
    """Conversions per 1,000 followers reached in a simulated campaign, per niche."""


@dataclass(frozen=True, slots=True)
class PostTruth:
    """What one post really is."""

    community: str | None
    sponsored: bool
    disclosed: bool
    unpaid_disclosure: bool
    innocent_words: bool


@dataclass
class _Draft:
    """A person while the world is drawn (latent attributes included)."""

    index: int
    communities: tuple[int, ...]
    languages: tuple[str, ...]
    bridge: bool
    broadcaster: bool
    real_followers: int
    followers: int
    trust: float
    fake_kind: str | None
    fake_share: float
    sponsor_rate: float
    innocent: bool
    hub: bool = False


def _lognormal(rng: Random, median: float, sigma: float) -> float:
    return median * math.exp(sigma * rng.gauss(0.0, 1.0))


def _pick(rng: Random, weights: Mapping[K, float]) -> K:
    keys = list(weights)
    roll = rng.random() * sum(weights.values())
    for key in keys:
        roll -= weights[key]
        if roll <= 0:
            return key
    return keys[-1]


_POPULATION: Final = {i: c.population for i, c in enumerate(ADV_COMMUNITIES)}


def _draft(rng: Random, index: int) -> _Draft:
    primary = _pick(rng, _POPULATION)
    community = ADV_COMMUNITIES[primary]
    communities: tuple[int, ...] = (primary,)
    bridge = rng.random() < BRIDGE_SHARE
    if bridge:
        others = {i: w for i, w in _POPULATION.items() if i != primary}
        communities = (primary, _pick(rng, others))
    broadcaster = not bridge and rng.random() < BROADCASTER_SHARE
    first = _pick(rng, community.languages)
    languages = [first]
    if rng.random() < 0.25:
        extra = [lang for lang in community.languages if lang != first]
        if extra:
            languages.append(rng.choice(extra))
    if bridge:
        second = ADV_COMMUNITIES[communities[1]]
        if not any(lang in second.languages for lang in languages):
            languages.append(max(second.languages, key=second.languages.__getitem__))
    real = max(20, int(_lognormal(rng, community.median_followers, 1.1)))
    if rng.random() < 0.03:
        real *= 10
    # micro audiences trust more: trust falls with the size of the audience
    trust = rng.betavariate(2.5, 2.5) * (1 - 0.07 * max(0.0, math.log10(real) - 3))
    fake_kind: str | None = None
    fake_share = 0.0
    followers = real
    if rng.random() < FAKE_SHARE:
        fake_kind = rng.choice(("bought_followers", "bought_engagement", "pod"))
        if fake_kind == "bought_followers":
            followers = int(real * rng.uniform(5, 40))
            fake_share = 1 - real / followers
        else:
            fake_share = rng.uniform(0.3, 0.7) if fake_kind == "bought_engagement" \
                else rng.uniform(0.2, 0.4)
            followers = int(real / (1 - fake_share))
    sponsored = rng.random() < (0.20 if community.kind == "niche" else 0.10)
    return _Draft(
        index=index, communities=communities, languages=tuple(languages), bridge=bridge,
        broadcaster=broadcaster, real_followers=real, followers=followers, trust=trust,
        fake_kind=fake_kind, fake_share=fake_share,
        sponsor_rate=rng.uniform(0.1, 0.6) if sponsored else 0.0,
        innocent=rng.random() < INNOCENT_SHARE,
    )


def _person(rng: Random, draft: _Draft, taken: dict[tuple[int, str], int]) -> Person:
    community = ADV_COMMUNITIES[draft.communities[0]]
    instance = rng.choice(community.instances)
    name_lang = draft.languages[0] if draft.languages[0] in FIRST_NAMES else "en"
    first, first_ascii = rng.choice(FIRST_NAMES[name_lang])
    last, last_ascii = rng.choice(LAST_NAMES[name_lang])
    base = f"{first_ascii}_{last_ascii}"[:26] or "user"
    username = base
    while (instance, username.lower()) in taken:
        username = f"{base}{rng.randint(2, 999)}"
    taken[(instance, username.lower())] = draft.index
    main = tuple(dict.fromkeys(ADV_COMMUNITIES[c].main_community for c in draft.communities))
    created = ANCHOR_SEC - rng.randint(400, 3000) * DAY
    return Person(
        index=draft.index, username=username, instance=instance,
        display_name=f"{first} {last}", first_name=first, communities=main,
        languages=draft.languages, is_bridge=draft.bridge, followers=draft.followers,
        real_followers=draft.real_followers,
        following=max(5, int(_lognormal(rng, 300, 0.8))),
        older_statuses=rng.randint(0, 800), created_sec=created, recency_days=1.0,
        bot=False, group=False, locked=False, discoverable=True, indexable=True,
        noindex=False, hide_collections=rng.random() < 0.1, limited=False, suspended=False,
        deleted=False, memorial=False, moved_to=None, fake_kind=draft.fake_kind,
        sponsor_rate=draft.sponsor_rate, reply_rate=0.1, reblog_rate=0.0, media_rate=0.0,
        has_avatar=True,
    )


def _profile(rng: Random, draft: _Draft) -> Profile:
    # Bios say what the person does in their own words, from their primary community only:
    # a bridge's bio gives no hint of the second community.
    if rng.random() < 0.2:
        return Profile(bio=(), fields=())
    community = ADV_COMMUNITIES[draft.communities[0]]
    lang = next((lang for lang in draft.languages if lang in community.bios),
                next(iter(community.bios)))
    return Profile(bio=(("text", rng.choice(community.bios[lang])),), fields=())


def _outcome(rng: Random, draft: _Draft, fit: Mapping[str, float]) -> dict[str, float]:
    """Conversions per 1,000 followers reached, per niche (the specification's formula)."""
    trust = draft.trust * (1 - 0.5 * draft.sponsor_rate)
    real = 1 - draft.fake_share
    return {
        niche: 1000 * 0.004 * fit.get(niche, 0.0) * trust * real
        * math.exp(0.4 * rng.gauss(0.0, 1.0))
        for niche in ADV_NICHES
    }


class AdversarialWorld(World):
    """A :class:`World` drawn up front from ``docs/adversarial-world.md``."""

    def __init__(self, seed: int, people: list[Person], posts: list[tuple[Post, ...]],
                 profiles: list[Profile], truths: list[AdvTruth],
                 post_truths: dict[tuple[int, int], PostTruth]) -> None:
        self.seed = seed
        self.people = people
        self._by_username = {(p.instance, p.username.lower()): p.index for p in people}
        self._adv_posts = posts
        self._adv_profiles = profiles
        self._truths = truths
        self._post_truths = post_truths
        self._rows: list[tuple[Row, ...]] = [
            tuple((p.sec, KIND_REPLY if p.reply_to else KIND_POST, -1, p.language or "",
                   (), 0) for p in person_posts)
            for person_posts in posts
        ]
        members: dict[int, list[int]] = {}
        for person in people:
            for community in person.communities:
                members.setdefault(community, []).append(person.index)
        self._members = [array("l", members.get(c, [])) for c in range(max(members) + 1)]
        self._bridges = [array("l") for _ in self._members]
        keys: dict[str, list[int]] = {}
        for person_posts in posts:
            for post in person_posts:
                for tag in post.tags:
                    keys.setdefault(_normal_tag(tag), []).append(post.key)
        self._adv_tags = {tag: array("q", sorted(found)) for tag, found in keys.items()}
        for person in people:
            own = posts[person.index]
            person.last_sec = own[0].sec if own else None

    def skeleton(self, index: int) -> tuple[Row, ...]:
        return self._rows[index]

    def posts(self, index: int) -> tuple[Post, ...]:
        return self._adv_posts[index]

    def profile(self, index: int) -> Profile:
        return self._adv_profiles[index]

    def post_by_key(self, key: int) -> Post | None:
        sec, index, number = decode_post_key(key)
        if not 0 <= index < len(self.people) or number >= len(self._adv_posts[index]):
            return None
        post = self._adv_posts[index][number]
        return post if post.sec == sec else None

    def tag_keys(self, tag: str) -> array[int]:
        return self._adv_tags.get(_normal_tag(tag), array("q"))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted(self._adv_tags))

    def truth(self, ref: int | str) -> AdvTruth:
        """The ground truth of one person (see :class:`AdvTruth`)."""
        return self._truths[self.person(ref).index]

    def post_truth(self, author: int, number: int) -> PostTruth:
        """What post ``number`` of person ``author`` really is."""
        return self._post_truths[(author, number)]


def _normal_tag(tag: str) -> str:
    return tag.lstrip("#").casefold()


def build_adversarial_world(seed: int = 42, creators: int = 2000) -> AdversarialWorld:
    """Draw the adversarial world of ``seed`` with ``creators`` people (deterministic)."""
    if not 1 <= creators <= MAX_ADVERSARIAL_PEOPLE:
        raise ValueError(
            f"creators must be between 1 and {MAX_ADVERSARIAL_PEOPLE}, got {creators}")
    rng = Random(f"adversarial:{seed}")
    drafts = [_draft(rng, i) for i in range(creators)]
    by_community: dict[int, list[_Draft]] = {}
    for draft in drafts:
        for community in draft.communities:
            by_community.setdefault(community, []).append(draft)
    for community, members in by_community.items():
        own = sorted((d for d in members if d.communities[0] == community),
                     key=lambda d: d.followers, reverse=True)
        for draft in own[: max(1, len(own) // 50)]:
            draft.hub = True
    taken: dict[tuple[int, str], int] = {}
    people = [_person(rng, d, taken) for d in drafts]
    profiles = [_profile(rng, d) for d in drafts]
    posts, post_truths, fits = draw_posts(rng, drafts, by_community)
    truths = []
    for draft, person in zip(drafts, people, strict=True):
        names = tuple(ADV_COMMUNITIES[c].name for c in draft.communities)
        truths.append(AdvTruth(
            index=draft.index, acct=person.acct, communities=names,
            primary_community=names[0], languages=draft.languages,
            relevance=MappingProxyType({
                n: 2 if names[0] == n else 1 if n in names else 0 for n in ADV_NICHES}),
            is_bridge=draft.bridge, broadcaster=draft.broadcaster, hub=draft.hub,
            trust=draft.trust, fake_kind=draft.fake_kind, fake_share=draft.fake_share,
            sponsored_share=fits[draft.index][1], followers=draft.followers,
            real_followers=draft.real_followers, tier=tier_of(draft.followers),
            outcome=MappingProxyType(_outcome(rng, draft, fits[draft.index][0])),
        ))
    return AdversarialWorld(seed, people, posts, profiles, truths, post_truths)
