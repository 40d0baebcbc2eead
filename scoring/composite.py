"""The composite score of a creator in a niche, with an explanation per component.

Components (each in [0, 1], named like the keys of ``scoring.weights``):

``relevance``
    :func:`niche_relevance`.
``engagement``
    the tier-relative median engagement rate r mapped to r / (r + 1); after the crawl's
    niche pass blended with the percentile among the same platform and tier in this
    niche's crawl: ``benchmark_weight x r/(r+1) + (1 - benchmark_weight) x percentile/100``.
``reach``
    log10(followers + 1) / 7.
``authenticity``
    1 - suspicion from the audience signals (:mod:`creatorscout.scoring.authenticity`).
``influence``
    the PageRank percentile in the crawl's mention graph (set by the niche pass).

A component whose value is unknown is left out and the other weights are renormalised; it
is never counted as 0. score = 100 x sum of weight x value / sum of the weights of the
known components. Scores are per platform: nothing here mixes platforms. For a platform
whose terms forbid derived metrics (``ScoringConfig.derived_metrics``) only the components
in ``without_derived_metrics`` are computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime

from creatorscout.config.schema import MarkerConfig, Niche, ScoringConfig, TierConfig
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import INTERACTIONS
from creatorscout.scoring.authenticity import assess_authenticity
from creatorscout.scoring.engagement import DERIVED_OFF_NOTE, engagement_rate
from creatorscout.scoring.markers import DisclosureMatcher, disclosure_matcher
from creatorscout.scoring.relevance import niche_relevance, post_document
from creatorscout.scoring.results import (
    AuthenticityResult,
    Component,
    CreatorScore,
    EngagementResult,
    FollowerPoint,
    NetworkResult,
    RelevanceResult,
    TierResult,
)
from creatorscout.scoring.text import AnalyzedText
from creatorscout.scoring.tiers import assign_tier

REACH_DECADES = 7.0
"""Followers at which reach saturates, as a power of ten (10 million)."""

COMPONENTS = ("relevance", "engagement", "reach", "authenticity", "influence")
"""The components the weights in ``scoring.yaml`` may name."""

HISTORY_POINTS = 20
"""Follower observations kept per creator (oldest dropped first)."""


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


def _engagement(
    engagement: EngagementResult, tier: TierResult, scoring: ScoringConfig
) -> tuple[float | None, str]:
    if engagement.rate is None:
        return None, f"unknown ({engagement.note or 'no engagement rate'})"
    basis = f"median ER {_pct(engagement.rate)} over {_plural(engagement.posts_used, 'post')}"
    if engagement.basis == "views":
        basis += " (per view)"
    if engagement.confidence == "low":
        basis += " (low confidence)"
    bench = engagement_value(engagement.relative)
    percentile = engagement.percentile
    if bench is None and percentile is None:
        return None, f"unknown: {basis}, but no benchmark for tier '{tier.tier}'"
    detail = basis
    if bench is not None and engagement.benchmark is not None and engagement.relative is not None:
        detail += (
            f" vs {_pct(engagement.benchmark)} typical for {tier.tier} "
            f"-> {engagement.relative:.2f}x"
        )
    if percentile is None:
        return bench, detail
    detail += (
        f"; percentile {percentile:.0f} among {engagement.peers} {tier.tier} creators "
        f"of this platform in the crawl"
    )
    if bench is None:
        return percentile / 100, detail
    w = scoring.engagement.benchmark_weight
    value = w * bench + (1 - w) * percentile / 100
    return value, detail + f" -> {w:g} x {bench:.2f} + {1 - w:g} x {percentile / 100:.2f}"


def _reach(tier: TierResult) -> tuple[float | None, str]:
    value = reach_value(tier.followers)
    if value is None or tier.followers is None:
        return None, "unknown (follower count unknown)"
    return value, (
        f"{tier.followers:,} followers ({tier.tier}) -> log10(followers+1)/{REACH_DECADES:g}"
    )


def _authenticity(authenticity: AuthenticityResult | None) -> tuple[float | None, str]:
    if authenticity is None or not authenticity.signals:
        return None, "unknown (no audience signal could be computed)"
    shown = ", ".join(
        f"{name} {strength:.2f}" for name, strength in authenticity.signals.items()
    )
    return authenticity.score, f"1 - suspicion {authenticity.suspicion:.2f}; signals: {shown}"


def _influence(network: NetworkResult | None) -> tuple[float | None, str]:
    if network is None:
        return None, "unknown until the crawl's niche pass builds the mention graph"
    return network.influence_percentile / 100, (
        f"PageRank {network.pagerank:.2e}, percentile {network.influence_percentile:.0f} "
        f"of the crawled creators; {network.in_mentions} mentions received"
    )


def check_weights(scoring: ScoringConfig) -> None:
    """Raise ``ValueError`` when ``scoring.weights`` names a component that does not exist."""
    unknown = [name for name in scoring.weights if name not in COMPONENTS]
    if unknown:
        raise ValueError(
            f"scoring weight '{unknown[0]}' names no score component; "
            f"use one of: {', '.join(COMPONENTS)}"
        )


def compose(score: CreatorScore, scoring: ScoringConfig) -> CreatorScore:
    """Fill ``components`` and ``score`` of ``score`` from its parts (returns a copy).

    Used by :func:`score_creator` and again by the crawl's niche pass once the percentile
    and the graph numbers are known.
    """
    check_weights(scoring)
    makers: dict[str, Callable[[], tuple[float | None, str]]] = {
        "relevance": lambda: _relevance(score.relevance),
        "engagement": lambda: _engagement(score.engagement, score.tier, scoring),
        "reach": lambda: _reach(score.tier),
        "authenticity": lambda: _authenticity(score.authenticity),
        "influence": lambda: _influence(score.network),
    }
    allowed = set(COMPONENTS) if score.derived_metrics else set(scoring.without_derived_metrics)
    values: dict[str, tuple[float | None, str]] = {}
    for name in scoring.weights:
        if name in allowed:
            values[name] = makers[name]()
        else:
            values[name] = (None, "not computed: " + DERIVED_OFF_NOTE.format(
                platform=score.platform))
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
    total_score = min(100.0, max(0.0, 100 * sum(c.contribution for c in components)))
    return score.model_copy(update={"components": components, "score": total_score})


def analyse_posts(posts: Iterable[Post]) -> dict[str, AnalyzedText | None]:
    """Post id -> the post's analysed text (text plus hashtags), once per post."""
    analyses: dict[str, AnalyzedText | None] = {}
    for post in posts:
        if post.id not in analyses and not post.is_repost:
            analyses[post.id] = post_document(post)
    return analyses


def merge_history(
    creator: Creator, earlier: Sequence[FollowerPoint] = ()
) -> list[FollowerPoint]:
    """Earlier follower observations plus the creator's current count, oldest first."""
    points = {p.observed_at: p for p in earlier}
    if creator.followers is not None:
        now = creator.provenance.observed_at
        points[now] = FollowerPoint(observed_at=now, followers=creator.followers)
    ordered = sorted(points.values(), key=lambda p: p.observed_at)
    return ordered[-HISTORY_POINTS:]


def score_creator(
    creator: Creator,
    posts: Iterable[Post],
    niche: Niche,
    *,
    tiers: TierConfig,
    scoring: ScoringConfig,
    markers: MarkerConfig | DisclosureMatcher | None = None,
    history: Sequence[FollowerPoint] = (),
    now: datetime | None = None,
    interactions: Collection[str] = INTERACTIONS,
) -> CreatorScore:
    """Score ``creator`` in ``niche`` from their profile and recent ``posts``.

    See the module docstring for the components. ``markers`` are the sponsored-content
    disclosure markers (``load_markers()``, or a compiled :class:`DisclosureMatcher`);
    without them no post counts as sponsored. ``history`` holds earlier follower
    observations (for the follower-jump signal). The mention-graph ``influence`` and the
    engagement percentile are left unknown here: they need the whole crawl
    (:mod:`creatorscout.scoring.niche_pass`).

    Raises ``ValueError`` when ``scoring.weights`` names a component that does not exist.
    ``now`` sets ``computed_at`` (default: the current time, UTC). ``interactions`` are
    the post counts the creator's platform publishes (``Platform.interactions``).
    """
    check_weights(scoring)
    posts = list(posts)
    derived = scoring.derived_metrics(creator.platform)
    tier = assign_tier(creator.followers, creator.platform, tiers)
    engagement = engagement_rate(
        posts, creator.followers, platform=creator.platform, tier=tier.tier, config=scoring
    )
    analyses = analyse_posts(posts)
    relevance = niche_relevance(creator, posts, niche, analyses=analyses)
    if markers is None:
        matcher = disclosure_matcher(MarkerConfig(sponsored={}))
    elif isinstance(markers, DisclosureMatcher):
        matcher = markers
    else:
        matcher = disclosure_matcher(markers)
    follower_history = merge_history(creator, history)
    authenticity, flags = assess_authenticity(
        creator, posts, analyses, engagement, niche,
        settings=scoring.authenticity, matcher=matcher, history=follower_history,
        derived_metrics=derived, interactions=interactions,
    )
    draft = CreatorScore(
        niche=niche.name,
        platform=creator.platform,
        score=0.0,
        tier=tier,
        engagement=engagement,
        relevance=relevance,
        components=[],
        flags=[f.name for f in flags],
        flag_details=flags,
        authenticity=authenticity,
        follower_history=follower_history,
        derived_metrics=derived,
        computed_at=now or datetime.now(UTC),
    )
    return compose(draft, scoring)
