"""Crawl-level scores: what can only be judged once the whole niche has been crawled.

After the last creator of a crawl is indexed, the crawler reads back every record of the
niche (twice, streaming: it never holds all records in memory) and:

1. :func:`member_of` keeps a few numbers per record (platform, tier, engagement rate,
   mentions);
2. :func:`crawl_context` computes, per platform and tier, the crawl's own engagement
   benchmark (the median rate, once at least ``engagement.min_crawl_sample`` creators have
   one: published benchmarks drift several-fold between editions and come from other
   platforms; peers in the same crawl do not) and each creator's percentile among them,
   and per platform the mention-graph roles (:mod:`creatorscout.scoring.graph`) and the
   influence percentile among the creators somebody mentions;
3. :func:`apply_context` adds them to each record's score: the crawl benchmark replaces the
   published prior in the engagement component, a bottom-percentile rate raises the
   ``low_engagement`` flag (information: engagement is judged once, in its component), the
   graph gives ``role``, ``network`` and the ``influence`` component; the composite is
   recomputed (:func:`compose`).

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
from statistics import median

from creatorscout.config.schema import Niche, ScoringConfig, TierConfig
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.authenticity import (
    FLAG_POSTS,
    RISK_WEIGHTS,
    authenticity_of,
    confidence_scale,
    engagement_signals,
    follower_jump,
    percentile_strength,
    suspicion_of,
)
from creatorscout.scoring.composite import compose, merge_history, score_creator
from creatorscout.scoring.graph import GraphRole, mention_roles, percentiles
from creatorscout.scoring.markers import DisclosureMatcher
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
    reported: float | None = None
    """The likes + replies rate, for the crawl's typical value of it (the anomaly check)"""


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
        # the rate the score judges (conversation-implied), so that the crawl's benchmark
        # and percentiles compare like with like and bought likes do not shift them
        rate=score.engagement.scored_rate,
        derived_metrics=score.derived_metrics,
        mentions=dict(mentions),
        reported=score.engagement.anomaly_rate,
    )


@dataclass
class CrawlContext:
    """Crawl-level numbers per creator id."""

    percentiles: dict[str, tuple[float, int]] = field(default_factory=dict)
    """creator id -> (engagement-rate percentile, number of peers including them)"""
    roles: dict[str, GraphRole] = field(default_factory=dict)
    benchmarks: dict[tuple[str, str], tuple[float, int, float]] = field(default_factory=dict)
    """(platform, tier) -> (median scored rate in this crawl, creators it rests on, median
    likes + replies rate)"""
    influence: dict[str, float] = field(default_factory=dict)
    """creator id -> PageRank percentile among the mentioned creators of its platform"""
    tiers: dict[str, tuple[str, str]] = field(default_factory=dict)
    """creator id -> (platform, tier), to find its benchmark"""


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
    for key, group in groups.items():
        for member in group:
            context.tiers[member.creator_id] = key
        if len(group) >= scoring.engagement.min_crawl_sample:
            context.benchmarks[key] = (
                median(m.rate or 0.0 for m in group), len(group),
                median(m.reported or 0.0 for m in group),
            )
        if len(group) < scoring.engagement.min_peers:
            continue
        ranks = percentiles([m.rate or 0.0 for m in group])
        for member, pct in zip(group, ranks, strict=True):
            context.percentiles[member.creator_id] = (pct, len(group))
    for platform_members in by_platform.values():
        roles = mention_roles([(m.creator_id, m.mentions) for m in platform_members],
                              scoring.graph)
        context.roles.update(roles)
        # influence is ranked among the creators somebody mentions: a creator nobody
        # mentions has no evidence of influence (unknown), not the middle of the field
        mentioned = [(cid, r.network.pagerank) for cid, r in roles.items()
                     if r.network.in_mentions > 0]
        ranks = percentiles([rank for _, rank in mentioned])
        context.influence.update(
            (cid, pct) for (cid, _), pct in zip(mentioned, ranks, strict=True)
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
    bench = context.benchmarks.get(context.tiers.get(creator_id, ("", "")))
    scored = engagement.scored_rate
    if bench is not None and scored is not None and bench[0] > 0:
        typical, sample, reported = bench
        engagement = engagement.model_copy(update={
            "benchmark": typical,
            "reported_benchmark": reported if reported > 0 else None,
            "relative": scored / typical,
            "benchmark_source": f"median of {sample} {score.tier.tier} creators on "
                                f"{score.platform} in this crawl",
        })
        if authenticity is not None:
            # the engagement flags and risk signals, against the crawl's benchmark now
            signals, new_flags = engagement_signals(engagement, scoring.authenticity)
            merged = {n: v for n, v in authenticity.signals.items()
                      if n not in ("low_engagement", "high_engagement")} | signals
            authenticity = authenticity.model_copy(update={
                "signals": merged, "suspicion": suspicion_of(merged, RISK_WEIGHTS)})
            flags = [f for f in flags if f.name not in ("low_engagement", "high_engagement")]
            flags += new_flags
    found = context.percentiles.get(creator_id)
    if found is not None:
        pct, peers = found
        engagement = engagement.model_copy(update={"percentile": pct, "peers": peers})
        settings = scoring.authenticity
        if pct <= settings.low_engagement_percentile and engagement.posts_used >= FLAG_POSTS:
            strength = confidence_scale(engagement.posts_used, settings) * percentile_strength(
                pct, settings.low_engagement_percentile
            )
            evidence = [
                f"engagement {engagement.rate:.2f}% is at percentile {pct:.1f} of {peers} "
                f"{score.tier.tier} creators on {score.platform} in this crawl"
            ]
            if authenticity is not None:
                signals = dict(authenticity.signals)
                signals["low_engagement"] = max(signals.get("low_engagement", 0.0), strength)
                authenticity = authenticity.model_copy(update={
                    "signals": signals, "suspicion": suspicion_of(signals, RISK_WEIGHTS)})
            old = next((f for f in flags if f.name == "low_engagement"), None)
            flags = _replace_flag(flags, Flag(
                name="low_engagement", kind="audience",
                strength=max(strength, old.strength if old else 0.0),
                value=engagement.relative, threshold=settings.low_engagement_relative,
                evidence=(old.evidence if old else []) + evidence,
            ))
    role = context.roles.get(creator_id)
    if role is not None:
        updates["role"] = role.role
        network = role.network
        if creator_id in context.influence:
            network = network.model_copy(
                update={"influence_percentile": context.influence[creator_id]}
            )
        updates["network"] = network
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
        evidence_by = dict(score.authenticity.evidence)
        evidence_by["follower_jump"] = evidence or (
            f"no growth above {settings.follower_jump_ratio:.0%} within "
            f"{settings.follower_jump_days:g} days over {len(history)} observations"
        )
        value = authenticity_of(signals, score.authenticity.unchecked, settings.weights) or 0.0
        updates["authenticity"] = score.authenticity.model_copy(update={
            "signals": signals, "evidence": evidence_by, "score": value,
            "suspicion": suspicion_of(signals, RISK_WEIGHTS),
        })
        flags = [f for f in score.flag_details if f.name != "follower_jump"]
        if growth >= settings.follower_jump_ratio and evidence:
            flags.append(Flag(name="follower_jump", kind="audience", strength=strength,
                              value=growth, threshold=settings.follower_jump_ratio,
                              evidence=[evidence]))
        updates["flag_details"] = flags
        updates["flags"] = [f.name for f in flags]
    return compose(score.model_copy(update=updates), scoring)


def score_set(
    creators: Sequence[tuple[Creator, Sequence[Post]]],
    niche: Niche,
    *,
    tiers: TierConfig,
    scoring: ScoringConfig,
    markers: DisclosureMatcher | None = None,
    now: datetime | None = None,
) -> list[CreatorScore]:
    """Score a set of creators as one crawl would: each on its own
    (:func:`~creatorscout.scoring.composite.score_creator`), then the niche pass over the
    set (crawl benchmarks, percentiles, mention graph). Used by ``scout score`` and the
    evaluations; scores come back in the order of ``creators``."""
    first = [
        score_creator(c, posts, niche, tiers=tiers, scoring=scoring, markers=markers, now=now)
        for c, posts in creators
    ]
    context = crawl_context(
        [member_of(c, posts, s) for (c, posts), s in zip(creators, first, strict=True)],
        scoring,
    )
    return [
        apply_context(s, c.id, context, scoring, now=now)
        for (c, _), s in zip(creators, first, strict=True)
    ]
