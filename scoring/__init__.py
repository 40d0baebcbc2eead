"""Scoring: pure, typed functions from creators and posts to explained scores.

No Scrapy, no I/O: every function takes its configuration as arguments (load it with
:mod:`creatorscout.config`) and returns a pydantic result that says what it rests on.
"""

from creatorscout.scoring.authenticity import FLAG_NAMES, assess_authenticity
from creatorscout.scoring.components import REGISTRY, ScoreComponent, SortSpec
from creatorscout.scoring.composite import (
    COMPONENTS,
    analyse_posts,
    compose,
    engagement_value,
    merge_history,
    reach_value,
    score_creator,
)
from creatorscout.scoring.engagement import benchmark_for, engagement_rate
from creatorscout.scoring.markers import DisclosureMatcher, MarkerHit, disclosure_matcher
from creatorscout.scoring.relevance import niche_relevance
from creatorscout.scoring.results import (
    AuthenticityResult,
    Component,
    Confidence,
    CreatorScore,
    EngagementResult,
    Flag,
    FollowerPoint,
    NetworkResult,
    RelevanceResult,
    SponsoredResult,
    TierResult,
)
from creatorscout.scoring.text import (
    AnalyzedText,
    Match,
    TermSet,
    Token,
    analyze,
    match_terms,
    normalize,
    snippet,
    tokenize,
)
from creatorscout.scoring.tiers import UNKNOWN_TIER, assign_tier

__all__ = [
    "COMPONENTS",
    "FLAG_NAMES",
    "REGISTRY",
    "ScoreComponent",
    "SortSpec",
    "AuthenticityResult",
    "DisclosureMatcher",
    "Flag",
    "FollowerPoint",
    "MarkerHit",
    "NetworkResult",
    "SponsoredResult",
    "analyse_posts",
    "assess_authenticity",
    "compose",
    "disclosure_matcher",
    "merge_history",
    "UNKNOWN_TIER",
    "AnalyzedText",
    "Component",
    "Confidence",
    "CreatorScore",
    "EngagementResult",
    "Match",
    "RelevanceResult",
    "TermSet",
    "TierResult",
    "Token",
    "analyze",
    "assign_tier",
    "benchmark_for",
    "engagement_rate",
    "engagement_value",
    "match_terms",
    "niche_relevance",
    "normalize",
    "reach_value",
    "score_creator",
    "snippet",
    "tokenize",
]
