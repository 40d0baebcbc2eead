"""The composite score of a creator in a niche, with an explanation per component.

The components and how each is computed live in one registry,
:mod:`creatorscout.scoring.components`. The composite is their weighted mean over *every*
weighted component:

    score = 100 x sum(weight x counted_as) / sum(weights)

where ``counted_as`` is the component's value, or 0 when the value is unknown. Unknown is
never better than measured: a hidden follower count, an engagement rate that cannot be
computed, a creator nobody mentions all count at the floor, so hiding a number can never
raise a score and a creator with unknown reach cannot outrank a measured creator of the same
relevance. ``coverage`` is the share of the weight that rests on measured components; every
explanation line shows the value, its effective weight (weight / sum of weights) and its
points, and the points add up to the score.

Scores are comparable across platforms because each measured component is relative to the
creator's own platform (engagement against the platform's and tier's benchmark, influence
within the platform's mention graph) and unknowns count the same everywhere. For a platform
whose terms forbid derived metrics (``ScoringConfig.derived_metrics``) only the components
in ``without_derived_metrics`` are computed; the others count as unknown.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime

from creatorscout.config.schema import (
    EngagementSettings,
    MarkerConfig,
    Niche,
    ScoringConfig,
    TierConfig,
)
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import INTERACTIONS
from creatorscout.scoring.authenticity import assess_authenticity
from creatorscout.scoring.components import (
    COMPONENTS,
    REACH_DECADES,
    REGISTRY,
    check_weights,
    reach_of,
)
from creatorscout.scoring.engagement import DERIVED_OFF_NOTE, engagement_rate
from creatorscout.scoring.engagement import engagement_value as _engagement_value
from creatorscout.scoring.markers import DisclosureMatcher, disclosure_matcher
from creatorscout.scoring.relevance import niche_relevance, post_document
from creatorscout.scoring.results import Component, CreatorScore, FollowerPoint
from creatorscout.scoring.text import AnalyzedText
from creatorscout.scoring.tiers import assign_tier

__all__ = [
    "COMPONENTS", "REACH_DECADES", "analyse_posts", "check_weights", "compose",
    "engagement_value", "merge_history", "reach_value", "score_creator",
]

HISTORY_POINTS = 20
"""Follower observations kept per creator (oldest dropped first)."""

UNKNOWN_COUNTS_AS = 0.0
"""What an unknown component counts as: its floor (see the module docstring)."""


def engagement_value(
    relative: float | None, settings: EngagementSettings | None = None
) -> float | None:
    """The engagement component from the rate relative to the benchmark (see
    :func:`creatorscout.scoring.engagement.engagement_value`)."""
    return _engagement_value(relative, settings or EngagementSettings())


def reach_value(followers: int | None) -> float | None:
    """log10(followers + 1) / 7, clipped to [0, 1]; None when the count is unknown."""
    return reach_of(followers)


def compose(score: CreatorScore, scoring: ScoringConfig) -> CreatorScore:
    """Fill ``components``, ``coverage`` and ``score`` of ``score`` from its parts (returns
    a copy).

    Used by :func:`score_creator` and again by the crawl's niche pass once the crawl's
    benchmarks, percentiles and the mention graph are known.
    """
    check_weights(scoring)
    total = sum(scoring.weights.values())
    components = []
    known_weight = 0.0
    for name, weight in scoring.weights.items():
        spec = REGISTRY[name]
        if not score.derived_metrics and name not in scoring.without_derived_metrics:
            value: float | None = None
            detail = "not computed: " + DERIVED_OFF_NOTE.format(platform=score.platform)
        else:
            value, detail = spec.compute(score, scoring)
        if value is not None:
            value = min(1.0, max(0.0, value))
            known_weight += weight
        counted = UNKNOWN_COUNTS_AS if value is None else value
        effective = weight / total if total > 0 else 0.0
        if value is None:
            detail = f"unknown, counts as {counted:g}: {detail}"
        components.append(
            Component(
                name=name, value=value, weight=weight, contribution=effective * counted,
                detail=detail, effective_weight=effective, counted_as=counted,
            )
        )
    total_score = min(100.0, max(0.0, 100 * sum(c.contribution for c in components)))
    coverage = known_weight / total if total > 0 else 0.0
    return score.model_copy(
        update={"components": components, "score": total_score, "coverage": coverage}
    )


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
    analyses: Mapping[str, AnalyzedText | None] | None = None,
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
    ``analyses`` are the posts' analysed texts from :func:`analyse_posts`, for a caller
    scoring the same posts in several niches (the analysis does not depend on the niche).
    """
    check_weights(scoring)
    posts = list(posts)
    derived = scoring.derived_metrics(creator.platform)
    tier = assign_tier(creator.followers, creator.platform, tiers)
    engagement = engagement_rate(
        posts, creator.followers, platform=creator.platform, tier=tier.tier, config=scoring
    )
    if analyses is None:
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
