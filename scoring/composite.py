"""The composite score of a creator in a niche, with an explanation per component."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from creatorscout.config.schema import Niche, ScoringConfig, TierConfig
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.engagement import engagement_rate
from creatorscout.scoring.relevance import niche_relevance
from creatorscout.scoring.results import (
    Component,
    CreatorScore,
    EngagementResult,
    RelevanceResult,
    TierResult,
)
from creatorscout.scoring.tiers import assign_tier

REACH_DECADES = 7.0
"""Followers at which reach saturates, as a power of ten (10 million)."""

COMPONENTS = ("relevance", "engagement", "reach")
"""The components the weights in ``scoring.yaml`` may name."""


def engagement_value(relative: float | None) -> float | None:
    """Map the tier-relative engagement rate r to [0, 1) as r / (r + 1).

    Typical for the tier (r = 1) gives 0.5, twice typical 0.67, half typical 0.33.
    """
    if relative is None:
        return None
    return relative / (relative + 1)


def reach_value(followers: int | None) -> float | None:
    """log10(followers + 1) / 7, clipped to [0, 1]; None when the count is unknown."""
    if followers is None:
        return None
    return min(1.0, max(0.0, math.log10(followers + 1) / REACH_DECADES))


def _pct(value: float) -> str:
    return f"{value:.2f}%" if value < 10 else f"{value:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _relevance(relevance: RelevanceResult) -> tuple[float | None, str]:
    parts = [
        f"{relevance.posts_matched} of {_plural(relevance.posts_considered, 'post')} "
        f"match the niche",
        "bio matches" if relevance.bio_matched else "bio does not match",
    ]
    if relevance.matched_terms:
        top = list(relevance.matched_terms.items())[:5]
        parts.append("top terms: " + ", ".join(f"{t} ({n})" for t, n in top))
    if relevance.excluded_terms:
        parts.append("excluded terms found, score lowered: " + ", ".join(relevance.excluded_terms))
    return relevance.score, "; ".join(parts)


def _engagement(engagement: EngagementResult, tier: TierResult) -> tuple[float | None, str]:
    if engagement.rate is None:
        return None, f"unknown ({engagement.note or 'no engagement rate'})"
    basis = f"median ER {_pct(engagement.rate)} over {_plural(engagement.posts_used, 'post')}"
    if engagement.confidence == "low":
        basis += " (low confidence)"
    if engagement.benchmark is None or engagement.relative is None:
        return None, f"unknown: {basis}, but no benchmark for tier '{tier.tier}'"
    value = engagement_value(engagement.relative)
    return value, (
        f"{basis} vs {_pct(engagement.benchmark)} typical for {tier.tier} "
        f"-> {engagement.relative:.2f}x"
    )


def _reach(tier: TierResult) -> tuple[float | None, str]:
    value = reach_value(tier.followers)
    if value is None or tier.followers is None:
        return None, "unknown (follower count unknown)"
    return value, (
        f"{tier.followers:,} followers ({tier.tier}) -> log10(followers+1)/{REACH_DECADES:g}"
    )


def score_creator(
    creator: Creator,
    posts: Iterable[Post],
    niche: Niche,
    *,
    tiers: TierConfig,
    scoring: ScoringConfig,
    now: datetime | None = None,
) -> CreatorScore:
    """Score ``creator`` in ``niche`` from their profile and recent ``posts``.

    Components (each in [0, 1], named like the keys of ``scoring.weights``): ``relevance``
    (:func:`niche_relevance`), ``engagement`` (the tier-relative median engagement rate r
    mapped to r / (r + 1)) and ``reach`` (log10(followers + 1) / 7). A component whose value
    is unknown is left out and the other weights are renormalised; it is never counted as 0.
    score = 100 x the sum of weight x value / (sum of the weights of the known components).

    Raises ``ValueError`` when ``scoring.weights`` names a component that does not exist.
    ``now`` sets ``computed_at`` (default: the current time, UTC).
    """
    unknown = [name for name in scoring.weights if name not in COMPONENTS]
    if unknown:
        raise ValueError(
            f"scoring weight '{unknown[0]}' names no score component; "
            f"use one of: {', '.join(COMPONENTS)}"
        )
    posts = list(posts)
    tier = assign_tier(creator.followers, creator.platform, tiers)
    engagement = engagement_rate(
        posts, creator.followers, platform=creator.platform, tier=tier.tier, config=scoring
    )
    relevance = niche_relevance(creator, posts, niche)

    makers: dict[str, Callable[[], tuple[float | None, str]]] = {
        "relevance": lambda: _relevance(relevance),
        "engagement": lambda: _engagement(engagement, tier),
        "reach": lambda: _reach(tier),
    }
    values = {name: makers[name]() for name in scoring.weights}
    known = {name: w for name, w in scoring.weights.items() if values[name][0] is not None}
    total = sum(known.values())

    components = []
    for name, weight in scoring.weights.items():
        value, detail = values[name]
        if value is None:
            contribution = 0.0
            others = ", ".join(f"{n} {w:g}" for n, w in known.items()) or "none"
            detail += f"; left out, the other weights ({others}) renormalised"
        else:
            contribution = weight * value / total if total > 0 else 0.0
        components.append(
            Component(
                name=name, value=value, weight=weight, contribution=contribution, detail=detail
            )
        )
    score = min(100.0, max(0.0, 100 * sum(c.contribution for c in components)))
    return CreatorScore(
        niche=niche.name,
        platform=creator.platform,
        score=score,
        tier=tier,
        engagement=engagement,
        relevance=relevance,
        components=components,
        computed_at=now or datetime.now(UTC),
    )
