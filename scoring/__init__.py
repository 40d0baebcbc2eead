"""Scoring: pure, typed functions from creators and posts to explained scores.

No Scrapy, no I/O: every function takes its configuration as arguments (load it with
:mod:`creatorscout.config`) and returns a pydantic result that says what it rests on.
"""

from creatorscout.scoring.composite import (
    COMPONENTS,
    engagement_value,
    reach_value,
    score_creator,
)
from creatorscout.scoring.engagement import benchmark_for, engagement_rate
from creatorscout.scoring.relevance import niche_relevance
from creatorscout.scoring.results import (
    Component,
    Confidence,
    CreatorScore,
    EngagementResult,
    RelevanceResult,
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
