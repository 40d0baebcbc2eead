"""Crawl-level scores: what can only be judged once the whole niche has been crawled.

After the last creator of a crawl is indexed, the crawler reads back every record of the
niche (twice, streaming: it never holds all records in memory) and:

1. :func:`member_of` keeps a few numbers per record (platform, tier, engagement rate,
   mentions);
2. :func:`crawl_context` computes, per platform, the engagement-rate percentile of each
   creator among the creators of the same platform and tier in this crawl (published
   benchmarks drift several-fold between editions; peers in the same crawl do not), and
   the mention-graph roles (:mod:`creatorscout.scoring.graph`);
3. :func:`apply_context` adds them to each record's score: the percentile blends into the
   engagement component, a bottom-percentile rate raises the ``low_engagement`` signal
   (a flag that needs niche context), the graph gives ``role``, ``network`` and the
   ``influence`` component; the composite is recomputed (:func:`compose`).

:func:`apply_history` does the same for earlier follower observations (the
``follower_jump`` signal) when a record replaces an older one in the index.

Everything here is pure: the caller does the reading and writing.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from creatorscout.config.schema import ScoringConfig
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.authenticity import (
    FLAG_POSTS,
    confidence_scale,
    follower_jump,
    percentile_strength,
    suspicion_of,
)
from creatorscout.scoring.composite import compose, merge_history
from creatorscout.scoring.graph import GraphRole, mention_roles, percentiles
from creatorscout.scoring.results import CreatorScore, Flag, FollowerPoint


@dataclass(frozen=True, slots=True)
class NicheMember:
    """The few numbers of one record the crawl-level scores need."""

    creator_id: str
    platform: str
    tier: str
    rate: float | None
    derived_metrics: bool
    mentions: dict[str, int] = field(default_factory=dict)

#: How the niche pass's own evidence lines end (so a pass run again replaces them).
CRAWL_EVIDENCE = " in this crawl"


def member_of(creator: Creator, posts: Iterable[Post], score: CreatorScore) -> NicheMember:
    """The :class:`NicheMember` of one indexed record (mentions counted over its posts)."""
    mentions: Counter[str] = Counter()
    for post in posts:
        if post.is_repost:
            continue
        for ref in post.mentions:
            if ref.id is not None and ref.id != creator.id:
                # One string per mentioned account, not one per mention: the crawl-end
                # pass holds ~10 mentions for each of up to 100,000 creators.
                mentions[sys.intern(ref.id)] += 1
    return NicheMember(
        creator_id=creator.id,
        platform=creator.platform,
        tier=score.tier.tier,
        rate=score.engagement.rate,
        derived_metrics=score.derived_metrics,
        mentions=dict(mentions),
    )


@dataclass
class CrawlContext:
    """Crawl-level numbers per creator id."""

    percentiles: dict[str, tuple[float, int]] = field(default_factory=dict)
    """creator id -> (engagement-rate percentile, number of peers including them)"""
    roles: dict[str, GraphRole] = field(default_factory=dict)


def crawl_context(members: Sequence[NicheMember], scoring: ScoringConfig) -> CrawlContext:
    """Percentiles per (platform, tier) and mention-graph roles per platform."""
    context = CrawlContext()
    groups: dict[tuple[str, str], list[NicheMember]] = {}
    by_platform: dict[str, list[NicheMember]] = {}
    for member in members:
        if not member.derived_metrics:
            continue
        by_platform.setdefault(member.platform, []).append(member)
        if member.rate is not None:
            groups.setdefault((member.platform, member.tier), []).append(member)
    for group in groups.values():
        if len(group) < scoring.engagement.min_peers:
            continue
        ranks = percentiles([m.rate or 0.0 for m in group])
        for member, pct in zip(group, ranks, strict=True):
            context.percentiles[member.creator_id] = (pct, len(group))
    for platform_members in by_platform.values():
        context.roles.update(
            mention_roles([(m.creator_id, m.mentions) for m in platform_members], scoring.graph)
        )
    return context


def _replace_flag(flags: list[Flag], flag: Flag) -> list[Flag]:
    return [f for f in flags if f.name != flag.name] + [flag]


def apply_context(
    score: CreatorScore,
    creator_id: str,
    context: CrawlContext,
    scoring: ScoringConfig,
    *,
    now: datetime | None = None,
) -> CreatorScore:
    """``score`` with the crawl-level numbers of ``creator_id`` added and recomposed."""
    updates: dict[str, object] = {"niche_pass_at": now or datetime.now(UTC)}
    flags = list(score.flag_details)
    engagement = score.engagement
    authenticity = score.authenticity
    found = context.percentiles.get(creator_id)
    if found is not None:
        pct, peers = found
        engagement = engagement.model_copy(update={"percentile": pct, "peers": peers})
        settings = scoring.authenticity
        if authenticity is not None and engagement.posts_used >= 1:
            strength = confidence_scale(engagement.posts_used, settings) * percentile_strength(
                pct, settings.low_engagement_percentile
            )
            signals = dict(authenticity.signals)
            signals["low_engagement"] = max(signals.get("low_engagement", 0.0), strength)
            suspicion = suspicion_of(signals, settings.weights)
            authenticity = authenticity.model_copy(
                update={"signals": signals, "suspicion": suspicion, "score": 1 - suspicion}
            )
            if pct <= settings.low_engagement_percentile and engagement.posts_used >= FLAG_POSTS:
                evidence = [
                    f"engagement {engagement.rate:.2f}% is at percentile {pct:.1f} of {peers} "
                    f"{score.tier.tier} creators on {score.platform}{CRAWL_EVIDENCE}"
                ]
                old = next((f for f in flags if f.name == "low_engagement"), None)
                flags = _replace_flag(flags, Flag(
                    name="low_engagement", kind="audience",
                    strength=signals["low_engagement"], value=engagement.relative,
                    threshold=settings.low_engagement_relative,
                    # a pass run again over its own output (a record not crawled since,
                    # a pass completed after a kill) replaces its line, never repeats it
                    evidence=[e for e in (old.evidence if old else [])
                              if not e.endswith(CRAWL_EVIDENCE)] + evidence,
                ))
    role = context.roles.get(creator_id)
    if role is not None:
        updates["role"] = role.role
        updates["network"] = role.network
    updates.update(
        engagement=engagement,
        authenticity=authenticity,
        flag_details=flags,
        flags=[f.name for f in flags],
    )
    return compose(score.model_copy(update=updates), scoring)


def apply_history(
    score: CreatorScore,
    creator: Creator,
    earlier: Sequence[FollowerPoint],
    scoring: ScoringConfig,
) -> CreatorScore:
    """``score`` with earlier follower observations merged in and the ``follower_jump``
    signal recomputed; unchanged when there is nothing earlier."""
    history = merge_history(creator, [*earlier, *score.follower_history])
    if len(history) <= len(score.follower_history):
        return score
    updates: dict[str, object] = {"follower_history": history}
    settings = scoring.authenticity
    if score.derived_metrics and score.authenticity is not None and len(history) >= 2:
        growth, evidence = follower_jump(history, settings)
        strength = min(1.0, max(0.0, growth / (2 * settings.follower_jump_ratio)))
        signals = dict(score.authenticity.signals)
        signals["follower_jump"] = strength
        suspicion = suspicion_of(signals, settings.weights)
        updates["authenticity"] = score.authenticity.model_copy(
            update={"signals": signals, "suspicion": suspicion, "score": 1 - suspicion}
        )
        flags = [f for f in score.flag_details if f.name != "follower_jump"]
        if growth >= settings.follower_jump_ratio and evidence:
            flags.append(Flag(name="follower_jump", kind="audience", strength=strength,
                              value=growth, threshold=settings.follower_jump_ratio,
                              evidence=[evidence]))
        updates["flag_details"] = flags
        updates["flags"] = [f.name for f in flags]
    return compose(score.model_copy(update=updates), scoring)
