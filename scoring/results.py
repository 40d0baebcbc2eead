"""Typed results of scoring. Every number says what it is, what it rests on and why.

Derived numbers carry their definition, window and sample size, so a user (and the index)
can always see how a score came about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Confidence = Literal["none", "low", "ok"]


class TierResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier: str = Field(description="Tier name, or 'unknown' when reach is unknown")
    scheme: str
    scheme_version: int
    followers: int | None
    thresholds: dict[str, int] = Field(description="Minimum followers per tier in this scheme")


class EngagementResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rate: float | None = Field(description="Median interactions per follower per post, percent")
    definition: str = Field(description="How the rate was computed")
    posts_used: int = Field(description="Recent original posts the median rests on")
    window_start: datetime | None = None
    window_end: datetime | None = None
    confidence: Confidence
    benchmark: float | None = Field(
        default=None, description="Typical rate for this platform and tier (percent)"
    )
    relative: float | None = Field(
        default=None, description="rate / benchmark; 1.0 means typical for the tier"
    )
    note: str | None = Field(
        default=None, description="Why the rate is missing or uncertain, in plain words"
    )


class RelevanceResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0.0, le=1.0)
    definition: str
    matched_terms: dict[str, int] = Field(
        default_factory=dict, description="Niche term -> number of posts/bio that matched it"
    )
    posts_considered: int = 0
    posts_matched: int = 0
    bio_matched: bool = False
    excluded_terms: list[str] = Field(default_factory=list)
    snippet: str | None = Field(default=None, description="A passage that shows the match")


class Component(BaseModel):
    """One part of the composite score."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float | None = Field(description="Normalised to [0, 1]; None when unknown")
    weight: float
    contribution: float = Field(description="weight * value / sum of weights used")
    detail: str = Field(description="Plain words: what went in")


class CreatorScore(BaseModel):
    """The score of one creator in one niche, with its explanation."""

    model_config = ConfigDict(extra="forbid")

    niche: str
    platform: str
    score: float = Field(ge=0.0, le=100.0, description="Composite score, 0-100")
    tier: TierResult
    engagement: EngagementResult
    relevance: RelevanceResult
    components: list[Component]
    role: str | None = Field(
        default=None, description="influencer | connector | both | neither (from the graph)"
    )
    flags: list[str] = Field(default_factory=list, description="Authenticity/brand-safety flags")
    computed_at: datetime

    def explanation(self) -> list[str]:
        """The score explained, one line per component."""
        lines = [f"score {self.score:.1f}/100 in niche '{self.niche}' on {self.platform}"]
        for c in self.components:
            value = "unknown" if c.value is None else f"{c.value:.2f}"
            lines.append(
                f"  {c.name}: {value} x weight {c.weight:g} -> {c.contribution * 100:.1f}"
                f"  ({c.detail})"
            )
        return lines
