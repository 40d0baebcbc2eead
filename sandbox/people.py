"""The people of the synthetic world: compact, platform-neutral attributes, drawn up front.

Everything a platform dialect needs to render an account is either stored here (cheap
numbers and short strings) or derived lazily and deterministically from the person's own
generator (bio, profile fields: see :func:`profile`). Posts live in
:mod:`creatorscout.sandbox.posts`.
"""

from __future__ import annotations

import math
import re
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, datetime
from random import Random
from statistics import NormalDist
from typing import Any, Final

from creatorscout.sandbox.names import FIRST_NAMES, LAST_NAMES
from creatorscout.sandbox.tags import TAGS
from creatorscout.sandbox.vocab import COMMUNITIES, INSTANCES, NICHES, Community

ANCHOR: Final = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
"""The world's "now". Nothing in the sandbox reads the wall clock except rate limits."""
ANCHOR_SEC: Final = int(ANCHOR.timestamp())
DAY: Final = 86_400

_EARLIEST_ACCOUNT = int(datetime(2017, 1, 1, tzinfo=UTC).timestamp())
_EXODUS = int(datetime(2022, 11, 1, tzinfo=UTC).timestamp())  # the big fediverse migration
MAX_PEOPLE: Final = 1_000_000
"""Upper bound on world size (ids pack the person index into 20 bits)."""

FAKE_KINDS: Final = ("bought_followers", "engagement_pod", "follow_farm")


@dataclass(slots=True)
class Person:
    """One creator (or bystander) of the world. Treat as read-only after the world is built.

    ``followers`` is what the platform displays; ``real_followers`` is the audience that
    actually engages (they differ only for fake-engagement accounts). ``last_sec`` (when
    the newest status was published, or ``None``) is filled in when the world is built.
    """

    index: int
    username: str
    instance: int
    display_name: str
    first_name: str
    communities: tuple[int, ...]
    languages: tuple[str, ...]
    is_bridge: bool
    followers: int
    real_followers: int
    following: int
    older_statuses: int
    created_sec: int
    recency_days: float
    bot: bool
    group: bool
    locked: bool
    discoverable: bool | None
    indexable: bool
    noindex: bool
    hide_collections: bool
    limited: bool
    suspended: bool
    deleted: bool
    memorial: bool
    moved_to: int | None
    fake_kind: str | None
    sponsor_rate: float
    reply_rate: float
    reblog_rate: float
    media_rate: float
    has_avatar: bool
    last_sec: int | None = None

    @property
    def primary(self) -> int:
        """Index of the person's primary community."""
        return self.communities[0]

    @property
    def instance_name(self) -> str:
        """The person's home Mastodon server."""
        return INSTANCES[self.instance]

    @property
    def acct(self) -> str:
        """``username@home.server``: unique in the world (usernames repeat across servers)."""
        return f"{self.username}@{INSTANCES[self.instance]}"

    @property
    def alive(self) -> bool:
        """Not deleted and not suspended: the account's content is served."""
        return not (self.deleted or self.suspended)


@dataclass(frozen=True, slots=True)
class Profile:
    """Lazily generated profile text: bio parts and name/value fields."""

    bio: tuple[tuple[str, str], ...]
    """Segments: ("text", s), ("tag", display), ("br", ""), ("link", url)."""
    fields: tuple[tuple[str, str, bool, int | None], ...]
    """(name, value, value_is_link, verified_sec or None)."""


def tier_of(followers: int) -> str:
    """The common tier scale: nano < 10K <= micro < 100K <= mid < 500K <= macro < 1M <= mega."""
    if followers < 10_000:
        return "nano"
    if followers < 100_000:
        return "micro"
    if followers < 500_000:
        return "mid"
    if followers < 1_000_000:
        return "macro"
    return "mega"


class _Table:
    """Weighted choice with precomputed cumulative weights (``random.choices`` is slow)."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, weights: dict[int, float] | dict[str, float]) -> None:
        self.values = tuple(weights)
        running = 0.0
        cumulative: list[float] = []
        for key in self.values:
            running += weights[key]  # type: ignore[index]
            cumulative.append(running)
        self.cumulative = tuple(cumulative)
        self.total = running

    def pick(self, rng: Random) -> Any:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


_COMMUNITY_TABLE: Final = _Table({i: c.weight for i, c in enumerate(COMMUNITIES)})
_LANGUAGE_TABLES: Final = tuple(_Table(c.languages) for c in COMMUNITIES)
_INSTANCE_TABLES: Final = tuple(
    _Table({INSTANCES.index(name): w for name, w in c.instances.items()}) for c in COMMUNITIES
)
_NICHE_IDS: Final = tuple(i for i, c in enumerate(COMMUNITIES) if c.name in NICHES)
_NORMAL: Final = tuple(NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096))
"""Standard normal quantiles: ``_NORMAL[int(random() * 4096)]`` is a fast normal draw."""


def _gauss(rng: Random) -> float:
    return _NORMAL[int(rng.random() * 4096)]


def _choice(rng: Random, options: tuple[Any, ...] | list[Any]) -> Any:
    return options[int(rng.random() * len(options))]


def _pick_community(rng: Random, exclude: tuple[int, ...] = ()) -> int:
    while True:
        picked: int = _COMMUNITY_TABLE.pick(rng)
        if picked not in exclude:
            return picked


def _followers(rng: Random) -> int:
    u = rng.random()
    if u < 0.004:  # macro and mega
        return int(math.exp(rng.uniform(math.log(500_000), math.log(2_200_000))))
    if u < 0.014:  # mid
        return int(math.exp(rng.uniform(math.log(100_000), math.log(500_000))))
    return min(99_000, int(math.exp(5.193 + 1.6 * _gauss(rng))))  # median ~180


def _created_sec(rng: Random) -> int:
    latest = ANCHOR_SEC - 20 * DAY
    if rng.random() < 0.35:  # joined in the 2022 wave
        sec = _EXODUS + int(rng.random() * 90 * DAY)
    else:
        sec = _EARLIEST_ACCOUNT + int(rng.random() * (latest - _EARLIEST_ACCOUNT))
    return min(sec, latest) + int(rng.random() * DAY)


_USERNAME_OK = re.compile(r"[^A-Za-z0-9_]")
_PRONOUNS: Final = ("she/her", "he/him", "they/them")


def _username(rng: Random, community: Community, first: str, last: str) -> str:
    pattern: str = _choice(rng, community.username_patterns)
    roll = rng.random()
    num = "" if roll < 0.4 else str(1 + int(roll * 1000) % 98) if roll < 0.7 else str(
        1970 + int(roll * 1000) % 40)
    name = pattern.format(first=first, last=last, First=first.capitalize(),
                          Last=last.capitalize(), num=num)
    if not name.isascii() or not name.replace("_", "").isalnum():
        name = _USERNAME_OK.sub("", name)
    return name[:30] or "user"


def _unique(name: str, taken: dict[str, int], rng: Random) -> str:
    """``name``, or ``name`` plus a number when the server already has it."""
    lower = name.lower()
    if lower not in taken:
        taken[lower] = 1
        return name
    while True:
        taken[lower] += 1 + int(rng.random() * 3)
        suffix = ("_" if rng.random() < 0.3 else "") + str(taken[lower])
        candidate = name[: 30 - len(suffix)] + suffix
        if candidate.lower() not in taken:
            taken[candidate.lower()] = 1
            return candidate


def _display_name(rng: Random, community: Community, first: str, last: str, lang: str) -> str:
    roll = rng.random()
    if roll < 0.45:
        name = f"{first} {last}"
    elif roll < 0.75:
        name = first
    elif roll < 0.85 and lang in ("en", "de"):
        name = f"{first} {last} ({_choice(rng, _PRONOUNS)})"
    elif roll < 0.93:
        name = f"{first} | {community.name.replace('-', ' ').title()}"
    else:
        name = f"{first} {last[:1]}."
    if rng.random() < 0.4:
        name = f"{name} {_choice(rng, community.emoji)}"
    return name


def generate_people(seed: int, count: int) -> list[Person]:
    """Draw ``count`` people from the world generator of ``seed`` (deterministic)."""
    rng = Random(seed)
    taken: list[dict[str, int]] = [{} for _ in INSTANCES]
    people = [_person(rng, index, taken) for index in range(count)]
    _assign_moves(rng, people)
    return people


def _communities(rng: Random) -> tuple[tuple[int, ...], bool]:
    primary = _pick_community(rng)
    if rng.random() < 0.05:  # a bridge: two or three communities, at least one a niche
        others: list[int] = []
        if primary not in _NICHE_IDS:
            others.append(_choice(rng, _NICHE_IDS))
        size = 3 if rng.random() < 1 / 3 else 2
        while len(others) < size - 1:
            others.append(_pick_community(rng, (primary, *others)))
        return (primary, *others), True
    if rng.random() < 0.18:
        return (primary, _pick_community(rng, (primary,))), False
    return (primary,), False


def _languages(rng: Random, communities: tuple[int, ...]) -> tuple[str, ...]:
    lang: str = _LANGUAGE_TABLES[communities[0]].pick(rng)
    if rng.random() >= 0.25:
        return (lang,)
    pool = sorted({code for c in communities for code in COMMUNITIES[c].languages} - {lang})
    if not pool:
        pool = [] if lang == "en" else ["en"]
    return (lang, _choice(rng, pool)) if pool else (lang,)


def _audience(rng: Random) -> tuple[int, int, int, str | None]:
    """(displayed followers, real followers, following, fake kind)."""
    followers = real = _followers(rng)
    fake_kind: str | None = None
    roll = rng.random()
    if roll < 0.015:
        fake_kind = "bought_followers"
        followers = min(2_400_000, max(5_000, int(real * (15 + 45 * rng.random()))))
    elif roll < 0.023:
        fake_kind = "engagement_pod"
    elif roll < 0.030:
        fake_kind = "follow_farm"
        followers = 4_000 + int(rng.random() * 5_000)
        real = max(20, followers // 20)
    if fake_kind == "follow_farm":
        following = int(followers * (0.92 + 0.16 * rng.random()))
    elif followers > 50_000:
        following = int(math.exp(5.70 + 0.9 * _gauss(rng)))
    else:
        following = min(7_500, int(math.exp(5.39 + 1.0 * _gauss(rng))))
    return followers, real, following, fake_kind


def _person(rng: Random, index: int, taken: list[dict[str, int]]) -> Person:
    communities, is_bridge = _communities(rng)
    primary = communities[0]
    community = COMMUNITIES[primary]
    languages = _languages(rng, communities)
    lang = languages[0]
    instance: int = _INSTANCE_TABLES[primary].pick(rng)
    name_lang = lang if lang in FIRST_NAMES else "en"
    first, first_ascii = _choice(rng, FIRST_NAMES[name_lang])
    last, last_ascii = _choice(rng, LAST_NAMES[name_lang])
    username = _unique(_username(rng, community, first_ascii, last_ascii), taken[instance], rng)
    display_name = _display_name(rng, community, first, last, lang)
    followers, real, following, fake_kind = _audience(rng)
    created = _created_sec(rng)
    age_days = (ANCHOR_SEC - created) / DAY
    older = 0 if age_days < 365 else int(age_days * math.exp(_gauss(rng)))
    bot = rng.random() < 0.04
    roll = rng.random()
    if bot or roll < 0.70:
        recency = -3.0 * math.log(1.0 - rng.random())
    elif roll < 0.90:
        recency = 10 + 50 * rng.random()
    else:
        recency = 60 + 270 * rng.random()
    roll = rng.random()
    discoverable = False if roll < 0.05 else (None if roll < 0.06 else True)
    deleted = rng.random() < 0.008
    suspended = (not deleted) and rng.random() < 0.007
    sponsored = rng.random() < 0.12 and not bot
    photo = community.name == "photography"
    r = rng.random
    return Person(
        index=index,
        username=username,
        instance=instance,
        display_name=display_name,
        first_name=first,
        communities=communities,
        languages=languages,
        is_bridge=is_bridge,
        followers=followers,
        real_followers=real,
        following=following,
        older_statuses=older * (20 if bot else 1),
        created_sec=created,
        recency_days=recency,
        bot=bot,
        group=r() < 0.005,
        locked=r() < 0.03,
        discoverable=discoverable,
        indexable=r() >= 0.05,
        noindex=r() < 0.03,
        hide_collections=r() < 0.10,
        limited=r() < 0.005,
        suspended=suspended,
        deleted=deleted,
        memorial=r() < 0.002,
        moved_to=-1 if r() < 0.01 else None,  # resolved in _assign_moves
        fake_kind=fake_kind,
        sponsor_rate=0.05 + 0.45 * r() if sponsored else 0.0,
        reply_rate=0.0 if bot else 0.05 + 0.25 * r(),
        reblog_rate=(0.05 if bot else 0.25) * r(),
        media_rate=0.3 + 0.5 * r() if photo else 0.25 * r(),
        has_avatar=r() < 0.9,
    )


def _assign_moves(rng: Random, people: list[Person]) -> None:
    """Moved accounts point at another live account of the same primary community."""
    for person in people:
        if person.moved_to != -1:
            continue
        candidates = [
            other.index for other in rng.sample(people, min(len(people), 40))
            if other.index != person.index and other.alive and other.moved_to is None
            and other.primary == person.primary
        ]
        person.moved_to = candidates[0] if candidates else None
        if person.moved_to is not None:  # the old account went quiet when its owner moved
            person.recency_days = max(person.recency_days, 30 + person.recency_days * 4)


def person_slug(person: Person) -> str:
    """A name for the person's own domains and handles elsewhere, unique in the world
    (usernames repeat across servers, so the index makes it unique)."""
    return f"{person.username.lower().replace('_', '-')}-{person.index}"


def profile(seed: int, person: Person) -> Profile:
    """The person's bio and profile fields, from their own generator (deterministic)."""
    rng = Random(f"{seed}:{person.index}:profile")
    bio: list[tuple[str, str]] = []
    community = COMMUNITIES[person.primary]
    for position, lang in enumerate(person.languages):
        text = community.text.get(lang)
        if text is None or not text.bios:
            continue
        if position:
            bio.append(("br", ""))
        bio.append(("text", rng.choice(text.bios)))
    if not bio:
        first_lang = next(iter(community.text))
        bio.append(("text", rng.choice(community.text[first_lang].bios)))
    if person.bot:
        bio.append(("br", ""))
        bio.append(("text", "🤖 Automated account."))
    if person.is_bridge:
        names = " · ".join(COMMUNITIES[c].name.replace("-", " ") for c in person.communities)
        bio.append(("br", ""))
        bio.append(("text", f"Connecting people across {names}."))
    lang = person.languages[0] if person.languages[0] in community.text else next(
        iter(community.text))
    core = TAGS.community_tags(person.primary, lang)
    if core and rng.random() < 0.6:
        bio.append(("text", " "))
        for n, tag_id in enumerate(core[: rng.randint(1, 2)]):
            if n:
                bio.append(("text", " "))
            bio.append(("tag", TAGS.display(tag_id)))
    slug = person_slug(person)
    fields: list[tuple[str, str, bool, int | None]] = []
    if rng.random() < 0.55:
        url = rng.choice((f"https://{slug}.example", f"https://blog.{slug}.example",
                          f"https://links.example/{slug}"))
        verified = rng.random() < 0.6
        verified_sec = (
            person.created_sec + rng.randrange(DAY, 200 * DAY) if verified else None
        )
        if verified_sec is not None and verified_sec >= ANCHOR_SEC:
            verified_sec = ANCHOR_SEC - rng.randrange(DAY, 10 * DAY)
        fields.append((rng.choice(("Website", "Blog", "Web")), url, True, verified_sec))
    if rng.random() < 0.3:
        fields.append(("Pronouns", rng.choice(("she/her", "he/him", "they/them")), False, None))
    if rng.random() < 0.3:
        place = {"ka": "Tbilisi", "he": "Tel Aviv", "ar": "Amman", "ru": "Tbilisi",
                 "de": "Berlin", "es": "Madrid"}.get(person.languages[0], "London")
        fields.append(("Location", place, False, None))
    if person.sponsor_rate and rng.random() < 0.5:
        fields.append(("Business", f"collabs@{slug}.example", False, None))
    return Profile(bio=tuple(bio), fields=tuple(fields[:4]))
