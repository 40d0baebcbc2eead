"""Posts of the synthetic world: cheap skeletons, full posts on demand.

A person's posts come from two seeded generators of their own:

* the *skeleton* generator (a SHAKE-128 byte stream keyed by ``seed:index``) decides,
  for every recent post, its time, kind (post / reply / reblog), community, language,
  hashtags and flags (sponsored, malformed, media, pinned...). It is cheap (one byte per
  decision), so the world can run it for thousands of people to index a hashtag;
* the *text* generator (``Random(f"{seed}:{index}:text")``) turns a skeleton into a full
  :class:`Post` (sentences, mentions, reply and reblog targets, engagement) when a
  dialect asks for it.

Both are pure functions of the seed, the person and the vocabularies, so posts never have
to be stored. Reply and reblog targets are looked up in *other* people's skeletons only,
never in their full posts, so generating one person's posts touches no one else's text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from hashlib import shake_128
from random import Random
from typing import TYPE_CHECKING, Any, Final

from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.tags import TAGS
from creatorscout.sandbox.vocab import (
    BRANDS,
    CHATTER,
    COMMUNITIES,
    MEDIA_DESCRIPTIONS,
    REPLY_OPENERS,
    Language,
)

if TYPE_CHECKING:
    from creatorscout.sandbox.world import World

KIND_POST: Final = 0
KIND_REPLY: Final = 1
KIND_REBLOG: Final = 2
KIND_NAMES: Final = ("post", "reply", "reblog")

F_SPONSORED: Final = 1
F_BAD_ID: Final = 2
F_BAD_COUNT: Final = 4
F_MEDIA: Final = 8
F_SENSITIVE: Final = 16
F_PINNED: Final = 32
F_EDITED: Final = 64
F_NO_LANG: Final = 128
MARKER_SHIFT: Final = 8

Row = tuple[int, int, int, str, tuple[int, ...], int]
"""A skeleton row: (sec, kind, community or -1 for small talk, language, tag ids, flags)."""

Segment = tuple[str, str]
"""A piece of post text: ("text", s), ("tag", display), ("mention", person index as str),
("link", url), ("br", "") for a line break, ("para", "") for a paragraph break."""

# Post keys: time-sortable, unique, decodable integers (they happen to be valid Mastodon
# snowflakes: (milliseconds << 16) | sequence, with the milliseconds below one second
# and the sequence together encoding the author and post number).
POST_KEY_SPACE: Final = 65_536_000  # 1000 ms * 65536 sequence values per second
POST_KEY_MUL: Final = 40_503_791
POST_KEY_ADD: Final = 12_345_678
_MUL_INV: Final = pow(POST_KEY_MUL, -1, POST_KEY_SPACE)
MAX_POSTS_PER_PERSON: Final = 64


def post_key(sec: int, person: int, number: int) -> int:
    """The world key of post ``number`` of ``person`` published at ``sec`` (UNIX seconds)."""
    slot = ((person * MAX_POSTS_PER_PERSON + number) * POST_KEY_MUL + POST_KEY_ADD) % POST_KEY_SPACE
    return sec * POST_KEY_SPACE + slot


def decode_post_key(key: int) -> tuple[int, int, int]:
    """``(sec, person, number)`` of a key made by :func:`post_key`."""
    sec, slot = divmod(key, POST_KEY_SPACE)
    value = ((slot - POST_KEY_ADD) * _MUL_INV) % POST_KEY_SPACE
    person, number = divmod(value, MAX_POSTS_PER_PERSON)
    return sec, person, number


@dataclass(frozen=True, slots=True)
class Media:
    """An image attached to a post."""

    description: str | None
    width: int
    height: int
    blurhash: str


@dataclass(frozen=True, slots=True)
class Post:
    """One status of the world, platform-neutral. Dialects render it.

    ``favourites``/``reblogs``/``replies``/``quotes`` are the engagement counts; reblogs
    (``kind == "reblog"``) carry none of their own and point at the original in
    ``reblog_of``. ``malformed`` says how a dialect must break this status on output
    ("missing_id" or "bad_count"), so crawlers can prove they skip and count bad records.
    """

    author: int
    number: int
    key: int
    sec: int
    kind: str
    community: str | None
    language: str | None
    segments: tuple[Segment, ...]
    tags: tuple[str, ...]
    mentions: tuple[int, ...]
    reply_to: tuple[int, int] | None
    reblog_of: tuple[int, int] | None
    favourites: int
    reblogs: int
    replies: int
    quotes: int
    sponsored: bool
    malformed: str | None
    media: tuple[Media, ...]
    sensitive: bool
    spoiler_text: str
    edited_sec: int | None
    pinned: bool

    @property
    def text(self) -> str:
        """Plain text (mentions as ``@index``; dialects render real handles)."""
        out: list[str] = []
        for kind, value in self.segments:
            if kind == "tag":
                out.append(f"#{value}")
            elif kind == "mention":
                out.append(f"@{value}")
            elif kind in ("br", "para"):
                out.append("\n")
            else:
                out.append(value)
        return "".join(out)


# -- skeletons -----------------------------------------------------------------------------

_TAG_COUNTS: Final = (0, 1, 1, 2, 2, 2, 3, 4)


def language_plan(person: Person, community: int) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """(language, hashtag pool) options of a person posting in a community, preferred first."""
    text = COMMUNITIES[community].text
    spoken = tuple(lang for lang in person.languages if lang in text)
    if not spoken:
        weights = COMMUNITIES[community].languages
        spoken = (max((lang for lang in weights if lang in text), key=weights.__getitem__),)
    return tuple((lang, TAGS.community_tags(community, lang)) for lang in spoken)


_POST_BYTES: Final = 18
_HEAD_BYTES: Final = 8
_NEG_LOG: Final = tuple(math.log(65536) - math.log(v + 0.5) for v in range(65536))
"""-ln(u) for u = (v + 0.5) / 65536: exponential gaps from two random bytes."""


def _head(seed: int, person: Person) -> tuple[Any, bytes, int, int]:
    """(stream, header bytes, planned post count, newest post sec); count 0 = no posts."""
    floor = person.created_sec + 3600
    latest = ANCHOR_SEC - 60
    stream = shake_128(b"%d:%d" % (seed, person.index))
    head = stream.digest(_HEAD_BYTES)
    if floor >= latest:
        return stream, head, 0, -1
    if person.bot:
        count = 40 + head[0] % 21
    elif person.real_followers >= 100_000:  # big audiences are built by posting often
        count = 15 + head[0] % 46
    else:
        roll = ((head[0] << 8) | head[1]) / 65536
        if roll < 0.08:
            return stream, head, 0, -1
        count = 1 + int(59 * ((roll - 0.08) / 0.92) ** 2.4)
    sec = latest - int(person.recency_days * DAY * (0.8 + 0.4 * head[2] / 255))
    if sec <= floor:
        sec = floor + 1 + (((head[5] << 16) | (head[6] << 8) | head[7]) % (latest - floor))
    return stream, head, count, sec


def newest_post_sec(seed: int, person: Person) -> int | None:
    """When the person's newest recent post was published (cheap: no post is generated)."""
    _, _, count, sec = _head(seed, person)
    return sec if count else None


def skeleton(seed: int, person: Person) -> tuple[Row, ...]:
    """The person's recent posts as skeleton rows, newest first (deterministic).

    The randomness is a SHAKE-128 stream keyed by ``seed:index`` (fast to set up, unlike a
    Mersenne Twister): 8 header bytes, then 18 bytes per post, one byte per decision.
    """
    rows: list[Row] = []
    _generate(seed, person, rows, None)
    return tuple(rows)


def index_posts(seed: int, person: Person, buckets: Sequence[Any]) -> int:
    """Append the keys of the person's tagged posts to ``buckets[tag_id]`` (anything with
    ``append``), without building rows. Returns the number of posts."""
    return _generate(seed, person, None, buckets)


def _generate(seed: int, person: Person, rows: list[Row] | None,
              buckets: Sequence[Any] | None) -> int:
    """The one skeleton generator: fills ``rows``, or feeds ``buckets`` when rows is None."""
    stream, head, count, sec = _head(seed, person)
    if not count:
        return 0
    floor = person.created_sec + 3600
    h = stream.digest(_HEAD_BYTES + _POST_BYTES * count)
    mean_gap = (0.15 if person.bot else 0.3 + 5.7 * head[3] / 255) * DAY
    reblog_cut = int(person.reblog_rate * 256)
    reply_cut = reblog_cut + int(person.reply_rate * 256)
    sponsor_cut = int(person.sponsor_rate * 256)
    media_cut = int(person.media_rate * 256)
    chatter_cut = 0 if person.bot else 26
    bridge = person.is_bridge
    min_tags = 1 if person.bot else 0
    communities = person.communities
    n_communities = len(communities)
    primary = communities[0]
    plans = {c: language_plan(person, c) for c in communities}
    plans[-1] = tuple((lang, ()) for lang in person.languages)
    markers = TAGS.sponsor_markers
    neg_log = _NEG_LOG
    tag_counts = _TAG_COUNTS
    append = rows.append if rows is not None else None
    base = person.index * MAX_POSTS_PER_PERSON
    space, mul, add = POST_KEY_SPACE, POST_KEY_MUL, POST_KEY_ADD
    made = 0
    step = _POST_BYTES
    o = _HEAD_BYTES - step
    for number in range(count):
        o += step
        if number:
            sec -= 60 + int(mean_gap * neg_log[(h[o] << 8) | h[o + 1]])
            if sec <= floor:
                break
        roll = h[o + 2]
        pick = h[o + 3]
        made += 1
        if roll < reblog_cut:
            if append is not None:
                append((sec, 2, communities[pick % n_communities], "", (), 0))
            continue
        kind = 1 if roll < reply_cut else 0
        if kind == 0 and pick < chatter_cut:
            community = -1
        elif n_communities == 1 or (not bridge and pick < 166):
            community = primary
        elif bridge:
            community = communities[pick % n_communities]
        else:
            community = communities[1 + pick % (n_communities - 1)]
        plan = plans[community]
        lang, pool = plan[0] if len(plan) == 1 or h[o + 4] < 205 else plan[1]
        flags = 0
        tags: tuple[int, ...] = ()
        if pool:
            wanted = tag_counts[h[o + 5] & 7]
            if kind and wanted > 1:
                wanted = 1
            elif wanted < min_tags:
                wanted = min_tags
            if wanted:
                size = len(pool)
                r = h[o + 6]
                first = pool[(r * r * size) >> 16]
                if wanted == 1:
                    tags = (first,)
                else:
                    picked = [first]
                    for slot in range(o + 7, o + 6 + wanted):
                        r = h[slot]
                        tag = pool[(r * r * size) >> 16]
                        if tag not in picked:
                            picked.append(tag)
                    tags = tuple(picked)
            if kind == 0 and h[o + 10] < sponsor_cut:
                options = markers[lang]
                marker = h[o + 11] % len(options)
                flags = 1 | (marker << 8)  # F_SPONSORED | marker index
                marker_tag = options[marker][1]
                if marker_tag is not None and marker_tag not in tags:
                    tags = (*tags, marker_tag)
        if append is None:
            if tags and buckets is not None:
                key = sec * space + ((base + number) * mul + add) % space
                for tag in tags:
                    buckets[tag].append(key)
            continue
        bad = (h[o + 12] << 8) | h[o + 13]
        if bad < 328:
            flags |= 2 if bad & 1 else 4  # F_BAD_ID / F_BAD_COUNT
        if h[o + 14] < media_cut:
            flags |= 24 if h[o + 15] < 8 else 8  # F_MEDIA (+ F_SENSITIVE)
        if h[o + 16] < 16:
            flags |= 64  # F_EDITED
        if h[o + 17] < 8:
            flags |= 128  # F_NO_LANG
        append((sec, kind, community, lang, tags, flags))
    if rows and head[4] < 77:
        originals = [i for i, row in enumerate(rows) if row[1] == KIND_POST]
        if originals:
            chosen = {originals[head[5] % len(originals)]}
            if head[6] & 1:
                chosen.add(originals[head[6] % len(originals)])
            for i in chosen:
                sec_, kind_, community_, lang_, tags_, flags_ = rows[i]
                rows[i] = (sec_, kind_, community_, lang_, tags_, flags_ | F_PINNED)
    return made


# -- engagement ----------------------------------------------------------------------------

_ER_CURVE: Final = ((0.0, 0.060), (3.0, 0.050), (4.0, 0.035), (5.0, 0.018), (6.0, 0.007),
                    (6.5, 0.004))
"""(log10 followers, interactions per post / followers): engagement falls as audiences grow."""


def engagement_rate(followers: int) -> float:
    """Expected interactions per post as a share of followers, for an honest account."""
    x = math.log10(max(followers, 1))
    for (x0, y0), (x1, y1) in zip(_ER_CURVE, _ER_CURVE[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return _ER_CURVE[-1][1]


def _round(rng: Random, value: float) -> int:
    """Random rounding, so small expectations still produce the right average."""
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


# -- full posts ----------------------------------------------------------------------------


def _fill(rng: Random, template: str, fillers: dict[str, tuple[str, ...]], n: int) -> str:
    values: dict[str, str] = {"n": str(n)}
    used: set[str] = set()
    for slot in ("dish", "dish2", "ingredient", "grape", "grape2", "region", "topic", "tool",
                 "team", "game", "place"):
        if "{" + slot + "}" not in template:
            continue
        options = fillers.get(slot.rstrip("2"), ("…",))
        choice = rng.choice(options)
        if choice in used and len(options) > 1:
            choice = rng.choice([o for o in options if o not in used])
        used.add(choice)
        values[slot] = choice
    return template.format(**values)


def _language_text(community: int, lang: str) -> Language:
    text = COMMUNITIES[community].text
    return text.get(lang) or text[next(iter(text))]


def build_posts(world: World, index: int) -> tuple[Post, ...]:
    """All recent posts of person ``index``, newest first (deterministic)."""
    person = world.people[index]
    rows = world.skeleton(index)
    rng = Random(f"{world.seed}:{index}:text")
    return tuple(_post(world, person, number, row, rng) for number, row in enumerate(rows))


def _post(world: World, person: Person, number: int, row: Row, rng: Random) -> Post:
    sec, kind, community, lang, tag_ids, flags = row
    key = post_key(sec, person.index, number)
    if kind == KIND_REBLOG:
        target = _reblog_target(world, person, community, sec, rng)
        if target is not None:
            return Post(
                author=person.index, number=number, key=key, sec=sec, kind="reblog",
                community=COMMUNITIES[community].name, language=None, segments=(), tags=(),
                mentions=(), reply_to=None, reblog_of=target, favourites=0, reblogs=0,
                replies=0, quotes=0, sponsored=False, malformed=None, media=(),
                sensitive=False, spoiler_text="", edited_sec=None, pinned=False,
            )
        kind, community, lang = KIND_POST, -1, person.languages[0]  # nothing to boost
    reply_to = _reply_target(world, person, community, sec, rng) if kind == KIND_REPLY else None
    if kind == KIND_REPLY and reply_to is None:
        kind = KIND_POST
    mentions = _mentions(world, person, community, kind, reply_to, rng)
    segments = _segments(world, person, community, lang, tag_ids, flags, kind, reply_to,
                         mentions, number, rng)
    favourites, reblogs, replies, quotes = _engagement(person, community, kind, flags, rng)
    media: tuple[Media, ...] = ()
    if flags & F_MEDIA:
        media = tuple(
            Media(
                description=rng.choice(MEDIA_DESCRIPTIONS) if rng.random() < 0.7 else None,
                width=rng.choice((1600, 1200, 1080)), height=rng.choice((1067, 900, 1350)),
                blurhash=rng.choice(("UFBWY:8_0Jxv00%M-;M{~qoJ9FRj", "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
                                     "U9Fhn%Rj00t7~qj[M{ay00of?bt7")),
            )
            for _ in range(rng.choice((1, 1, 1, 2)))
        )
    sensitive = bool(flags & F_SENSITIVE)
    edited = None
    if flags & F_EDITED:
        edited = min(ANCHOR_SEC - 1, sec + rng.randrange(60, 3 * DAY))
    malformed = "missing_id" if flags & F_BAD_ID else "bad_count" if flags & F_BAD_COUNT else None
    return Post(
        author=person.index, number=number, key=key, sec=sec, kind=KIND_NAMES[kind],
        community=COMMUNITIES[community].name if community >= 0 else None,
        language=None if flags & F_NO_LANG else lang,
        segments=segments,
        tags=tuple(TAGS.name(t) for t in tag_ids) if community >= 0 else (),
        mentions=tuple(m for m in mentions),
        reply_to=reply_to, reblog_of=None,
        favourites=favourites, reblogs=reblogs, replies=replies, quotes=quotes,
        sponsored=bool(flags & F_SPONSORED), malformed=malformed, media=media,
        sensitive=sensitive,
        spoiler_text=f"CW: {COMMUNITIES[community].name.replace('-', ' ')}"
        if sensitive and community >= 0 else "",
        edited_sec=edited, pinned=bool(flags & F_PINNED),
    )


def _earlier(rows: Sequence[Row], before: int, kinds: tuple[int, ...], first: int) -> list[int]:
    return [i for i, row in enumerate(rows) if row[1] in kinds and row[0] < before][:first]


def _reply_target(world: World, person: Person, community: int, sec: int,
                  rng: Random) -> tuple[int, int] | None:
    for _ in range(3):
        if rng.random() < 0.25:
            other: int | None = person.index
        else:
            other = world.sample_member(rng, community if community >= 0 else person.primary,
                                        exclude=person.index)
        if other is None:
            continue
        candidates = _earlier(world.skeleton(other), sec - 120, (KIND_POST, KIND_REPLY), 5)
        if candidates:
            return other, rng.choice(candidates)
    return None


def _reblog_target(world: World, person: Person, community: int, sec: int,
                   rng: Random) -> tuple[int, int] | None:
    for _ in range(3):
        other = world.sample_member(rng, community, exclude=person.index)
        if other is None:
            continue
        candidates = _earlier(world.skeleton(other), sec - 60, (KIND_POST,), 8)
        if candidates:
            return other, rng.choice(candidates)
    return None


def _mentions(world: World, person: Person, community: int, kind: int,
              reply_to: tuple[int, int] | None, rng: Random) -> list[int]:
    found: list[int] = []
    if reply_to is not None and reply_to[0] != person.index:
        found.append(reply_to[0])
    roll = rng.random()
    wanted = 0 if roll < 0.62 else 1 if roll < 0.88 else 2
    if person.is_bridge and rng.random() < 0.6:
        wanted += 1
    if community < 0 or person.bot:
        wanted = 0
    for _ in range(wanted):
        if person.is_bridge:
            pool = rng.choice(person.communities)
            other = world.sample_member(rng, pool, exclude=person.index)
        elif rng.random() < 0.12:
            other = world.sample_bridge(rng, community, exclude=person.index)
        else:
            other = world.sample_member(rng, community, exclude=person.index)
        if other is not None and other not in found:
            found.append(other)
    return found


def _segments(world: World, person: Person, community: int, lang: str, tag_ids: tuple[int, ...],
              flags: int, kind: int, reply_to: tuple[int, int] | None, mentions: list[int],
              number: int, rng: Random) -> tuple[Segment, ...]:
    if community < 0:
        body = rng.choice(CHATTER.get(lang) or CHATTER["en"])
    elif person.bot:
        en = _language_text(community, "en")
        body = _fill(rng, rng.choice(COMMUNITIES[community].bot_lines), en.fillers,
                     1000 + person.index * 37 % 4000 - number)
    else:
        text = _language_text(community, lang)
        body = _fill(rng, rng.choice(text.sentences), text.fillers, number)
    if kind == KIND_REPLY:
        opener = rng.choice(REPLY_OPENERS.get(lang) or REPLY_OPENERS["en"])
        body = opener if rng.random() < 0.3 else f"{opener} {body}"
    segs: list[Segment] = []
    lead = mentions if (kind == KIND_REPLY or rng.random() < 0.5) else mentions[:0]
    trail = [m for m in mentions if m not in lead]
    for mention in lead:
        segs += [("mention", str(mention)), ("text", " ")]
    marker_text: str | None = None
    brand = rng.choice(BRANDS)
    if flags & F_SPONSORED:
        marker, marker_tag = TAGS.sponsor_markers[lang][(flags >> MARKER_SHIFT) & 0xF]
        if marker_tag is None:
            marker_text = marker.format(brand=brand)
    marker_first = marker_text is not None and rng.random() < 0.5
    if marker_first:
        segs.append(("text", f"{marker_text} | "))
    segs.append(("text", body))
    if flags & F_SPONSORED:
        domain = brand.lower().replace(" ", "-")
        segs += [("text", " "),
                 ("link", f"https://{domain}.example/?ref={person.username}&utm_source=fedi")]
    if trail:
        segs.append(("text", " cc "))
        for n, mention in enumerate(trail):
            if n:
                segs.append(("text", " "))
            segs.append(("mention", str(mention)))
    if marker_text is not None and not marker_first:
        segs.append(("text", f" {marker_text}"))
    if tag_ids:
        separator = rng.random()
        segs.append(("para", "") if separator < 0.4 else ("br", "") if separator < 0.7
                    else ("text", " "))
        for n, tag in enumerate(tag_ids):
            if n:
                segs.append(("text", " "))
            segs.append(("tag", TAGS.display(tag)))
    return tuple(segs)


def _engagement(person: Person, community: int, kind: int, flags: int,
                rng: Random) -> tuple[int, int, int, int]:
    rate = engagement_rate(person.real_followers) * rng.lognormvariate(0.0, 0.45)
    if person.bot:
        rate *= 0.25
    if flags & F_SPONSORED:
        rate *= 0.6
    if kind == KIND_REPLY:
        rate *= 0.35
    if community < 0:
        rate *= 0.7
    shares = (0.72, 0.17, 0.08, 0.03)
    if person.fake_kind == "engagement_pod":
        rate *= rng.uniform(6.0, 12.0)
        shares = (0.93, 0.05, 0.01, 0.01)
    total = person.real_followers * rate
    favourites, reblogs, replies, quotes = (_round(rng, total * share) for share in shares)
    return favourites, reblogs, replies, quotes
