"""The adversarial world's posts: text, mentions, replies and engagement, drawn up front.

Follows ``docs/adversarial-world.md``: text comes from :mod:`adversarial_vocab`, mentions
from community membership (bridges are mentioned from both sides, broadcasters mention
everybody and are mentioned by nobody), engagement from audience trust, and fakes change
the counts as their kind does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Final

from creatorscout.sandbox.adversarial_vocab import (
    ADV_COMMUNITIES,
    ADV_NICHES,
    DISCLOSED_ADS,
    FILLERS,
    INNOCENT_DISCLOSURE_WORDS,
    SMALL_TALK,
    UNDISCLOSED_ADS,
    UNPAID_DISCLOSURES,
)
from creatorscout.sandbox.people import ANCHOR_SEC, DAY
from creatorscout.sandbox.posts import MAX_POSTS_PER_PERSON, Post, Segment, post_key

if TYPE_CHECKING:
    from creatorscout.sandbox.adversarial import PostTruth, _Draft

WINDOW: Final = 90 * DAY
"""Recent posts are spread over the last 90 days."""
_SLOT: Final = re.compile(r"\{(\w+)\}")


@dataclass
class PostPlan:
    """One post while the world is drawn (numbered once every post exists)."""

    author: int
    sec: int
    community: int | None
    language: str
    text: str
    tags: tuple[str, ...]
    mentions: tuple[int, ...]
    sponsored: bool = False
    disclosed: bool = False
    unpaid: bool = False
    innocent: bool = False
    reply_to: PostPlan | None = None
    number: int = -1


def _fill(rng: Random, template: str, lang: str) -> str:
    def slot(match: re.Match[str]) -> str:
        options = FILLERS.get(lang, {}).get(match.group(1)) or FILLERS["en"][match.group(1)]
        return rng.choice(options)
    return _SLOT.sub(slot, template)


def _sentence(rng: Random, community: int, lang: str) -> str:
    return _fill(rng, rng.choice(ADV_COMMUNITIES[community].sentences[lang]), lang)


def _language(rng: Random, draft: _Draft, community: int) -> str:
    spoken = [lang for lang in draft.languages if lang in ADV_COMMUNITIES[community].sentences]
    if not spoken:
        spoken = [next(iter(ADV_COMMUNITIES[community].sentences))]
    return spoken[0] if len(spoken) == 1 or rng.random() < 0.7 else rng.choice(spoken[1:])


class _Mentions:
    """Who a member of a community mentions (biased towards large audiences and bridges)."""

    def __init__(self, by_community: Mapping[int, Sequence[_Draft]]) -> None:
        self.members = by_community
        self.bridges = {c: [d for d in ds if d.bridge] for c, ds in by_community.items()}

    def pick(self, rng: Random, community: int, exclude: int) -> int | None:
        members = self.members.get(community, ())
        if not members:
            return None
        bridges = self.bridges[community]
        roll = rng.random()
        if roll < 0.2 and bridges:
            chosen = rng.choice(bridges)
        elif roll < 0.7:
            chosen = max((rng.choice(members) for _ in range(3)), key=lambda d: d.followers)
        else:
            chosen = rng.choice(members)
        return None if chosen.index == exclude else chosen.index


def _originals(rng: Random, draft: _Draft, mentions: _Mentions) -> list[PostPlan]:
    plans = []
    count = rng.randint(8, 36)
    for _ in range(count):
        sec = ANCHOR_SEC - 60 - int(rng.random() * WINDOW)
        if rng.random() < 0.1:
            lang = draft.languages[0]
            if draft.innocent and lang in INNOCENT_DISCLOSURE_WORDS and rng.random() < 0.5:
                plans.append(PostPlan(draft.index, sec, None, lang,
                                      rng.choice(INNOCENT_DISCLOSURE_WORDS[lang]), (), (),
                                      innocent=True))
            else:
                plans.append(PostPlan(draft.index, sec, None, lang,
                                      rng.choice(SMALL_TALK[lang]), (), ()))
            continue
        community = draft.communities[0]
        if draft.bridge and rng.random() < 0.4:
            community = draft.communities[1]
        lang = _language(rng, draft, community)
        text = _sentence(rng, community, lang)
        plan = PostPlan(draft.index, sec, community, lang, text, (), ())
        if draft.sponsor_rate and rng.random() < draft.sponsor_rate:
            plan.sponsored = True
            plan.disclosed = rng.random() < 0.6
            pool = DISCLOSED_ADS if plan.disclosed else UNDISCLOSED_ADS
            plan.text = f"{_fill(rng, rng.choice(pool[lang]), lang)} {text}"
        elif lang in UNPAID_DISCLOSURES and rng.random() < 0.04:
            plan.unpaid = True
            plan.text = f"{_fill(rng, rng.choice(UNPAID_DISCLOSURES[lang]), lang)} {text}"
        elif draft.innocent and lang in INNOCENT_DISCLOSURE_WORDS and rng.random() < 0.1:
            plan.innocent = True
            plan.text = f"{text} {rng.choice(INNOCENT_DISCLOSURE_WORDS[lang])}"
        tags = ADV_COMMUNITIES[community].hashtags.get(lang, ())
        if tags and rng.random() < 0.5:
            plan.tags = tuple(dict.fromkeys(rng.choice(tags) for _ in range(rng.randint(1, 2))))
        found: list[int] = []
        if draft.broadcaster:
            if rng.random() < 0.8:
                for _ in range(rng.randint(1, 3)):
                    other = mentions.pick(rng, rng.randrange(len(ADV_COMMUNITIES)), draft.index)
                    if other is not None:
                        found.append(other)
        elif rng.random() < 0.35:
            for _ in range(2 if rng.random() < 0.25 else 1):
                other = mentions.pick(rng, community, draft.index)
                if other is not None:
                    found.append(other)
        plan.mentions = tuple(dict.fromkeys(found))
        plans.append(plan)
    return plans


def _replies(rng: Random, draft: _Draft, plans: list[list[PostPlan]],
             mentions: _Mentions) -> list[PostPlan]:
    out = []
    for _ in range(max(0, round(len(plans[draft.index]) / 9))):
        community = draft.communities[0]
        other = mentions.pick(rng, community, draft.index)
        targets = [p for p in plans[other] if p.reply_to is None] if other is not None else []
        if not targets:
            continue
        target = rng.choice(targets)
        sec = min(ANCHOR_SEC - 30, target.sec + rng.randint(60, 2 * DAY))
        lang = _language(rng, draft, community)
        out.append(PostPlan(draft.index, sec, community, lang, _sentence(rng, community, lang),
                            (), (target.author,), reply_to=target))
    return out


def _counts(rng: Random, draft: _Draft, reply: bool) -> tuple[int, int, int]:
    """(favourites, reblogs, replies) of one post: what the audience does out of trust."""
    trust = draft.trust * (1 - 0.5 * draft.sponsor_rate)
    rate = min(0.5, 0.06 * (draft.real_followers / 1000) ** -0.25 * (0.4 + 1.2 * trust))
    total = draft.real_followers * rate * math.exp(0.5 * rng.gauss(0.0, 1.0))
    if reply:
        total *= 0.15
    replies = total * (0.04 + 0.11 * trust)
    reblogs = total * rng.uniform(0.05, 0.2)
    likes = total - replies - reblogs
    if draft.fake_kind == "bought_engagement" and rng.random() < 0.8:
        factor = rng.uniform(3, 10)  # bought in proportion: the mix stays natural
        likes, reblogs, replies = likes * factor, reblogs * factor, replies * factor
    elif draft.fake_kind == "pod" and rng.random() < 0.8:
        likes *= rng.uniform(4, 12)

    def whole(x: float) -> int:
        return int(x + rng.random())
    return whole(likes), whole(reblogs), whole(replies)


def draw_posts(
    rng: Random, drafts: Sequence[_Draft], by_community: Mapping[int, Sequence[_Draft]]
) -> tuple[list[tuple[Post, ...]], dict[tuple[int, int], PostTruth],
           list[tuple[dict[str, float], float]]]:
    """Every person's posts (newest first), the truth per post, and per person the share of
    original posts in each niche and the share of paid ads."""
    from creatorscout.sandbox.adversarial import PostTruth

    mentions = _Mentions(by_community)
    plans = [_originals(rng, d, mentions) for d in drafts]
    replies = [_replies(rng, d, plans, mentions) for d in drafts]
    for own, extra in zip(plans, replies, strict=True):
        own.extend(extra)
        own.sort(key=lambda p: p.sec, reverse=True)
        del own[MAX_POSTS_PER_PERSON:]
        for number, plan in enumerate(own):
            plan.number = number
    posts: list[tuple[Post, ...]] = []
    truths: dict[tuple[int, int], PostTruth] = {}
    fits: list[tuple[dict[str, float], float]] = []
    for draft, own in zip(drafts, plans, strict=True):
        built = []
        for plan in own:
            segments: list[Segment] = [("text", plan.text)]
            for other in plan.mentions:
                segments += [("text", " "), ("mention", str(other))]
            for tag in plan.tags:
                segments += [("text", " "), ("tag", tag)]
            likes, reblogs, reply_count = _counts(rng, draft, plan.reply_to is not None)
            reply_to = None
            if plan.reply_to is not None and plan.reply_to.number >= 0:
                reply_to = (plan.reply_to.author, plan.reply_to.number)
            community = None if plan.community is None else ADV_COMMUNITIES[plan.community].name
            built.append(Post(
                author=draft.index, number=plan.number,
                key=post_key(plan.sec, draft.index, plan.number), sec=plan.sec,
                kind="reply" if reply_to else "post", community=community,
                language=plan.language, segments=tuple(segments), tags=plan.tags,
                mentions=plan.mentions, reply_to=reply_to, reblog_of=None, favourites=likes,
                reblogs=reblogs, replies=reply_count, quotes=0, sponsored=plan.sponsored,
                malformed=None, media=(), sensitive=False, spoiler_text="", edited_sec=None,
                pinned=False,
            ))
            truths[(draft.index, plan.number)] = PostTruth(
                community=community, sponsored=plan.sponsored, disclosed=plan.disclosed,
                unpaid_disclosure=plan.unpaid, innocent_words=plan.innocent)
        posts.append(tuple(built))
        originals = [p for p in own if p.reply_to is None]
        n = len(originals) or 1
        fit = {niche: sum(1 for p in originals if p.community is not None
                          and ADV_COMMUNITIES[p.community].name == niche) / n
               for niche in ADV_NICHES}
        fits.append((fit, sum(1 for p in originals if p.sponsored) / n))
    return posts, truths, fits
