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
    basis: Literal["followers", "views"] = Field(
        default="followers", description="What interactions were divided by"
    )
    percentile: float | None = Field(
        default=None,
        description="Percentile of the rate among the same platform and tier in this niche's "
        "crawl, 0-100 (set by the niche pass)",
    )
    method: Literal["median", "industry"] = Field(
        default="median",
        description="median: our definition; industry: mean likes + comments per follower "
        "over the last N posts (HypeAuditor, Modash)",
    )
    scored_rate: float | None = Field(
        default=None,
        description="The rate the score uses: likes count up to a multiple of the replies, "
        "reposts and quotes (bought likes come without conversation)",
    )
    anomaly_rate: float | None = Field(
        default=None,
        description="Median (likes + replies) per follower (per view) x 100 over the same "
        "posts: what the anomaly check compares with its typical value",
    )
    reported_benchmark: float | None = Field(
        default=None,
        description="Typical likes + replies rate for the platform and tier (published "
        "likes + comments rate, or this crawl's median): the anomaly check's yardstick",
    )
    benchmark_source: str | None = Field(
        default=None,
        description="Where the benchmark comes from: this crawl's median, or a published "
        "prior with its source and platform",
    )
    peers: int | None = Field(
        default=None, description="Creators the percentile compares with (including this one)"
    )


class RelevanceResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0.0, le=1.0)
    definition: str
    matched_terms: dict[str, int] = Field(
        default_factory=dict, description="Niche term -> number of posts/bio that matched it"
    )
    matched_words: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Niche term -> the words of the text it matched (Linsensuppe -> linsen)",
    )
    posts_considered: int = 0
    posts_matched: int = 0
    documents: int = Field(
        default=0,
        description="Distinct post documents: near-identical and hashtag-only posts count once",
    )
    bio_matched: bool = False
    excluded_terms: list[str] = Field(default_factory=list)
    snippet: str | None = Field(default=None, description="A passage that shows the match")


class Flag(BaseModel):
    """One authenticity, sponsored-content or brand-safety finding, with its evidence."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="e.g. low_engagement, sponsored_heavy, brand_safety")
    kind: Literal["audience", "sponsored", "brand_safety"]
    strength: float = Field(ge=0.0, le=1.0, description="How strongly the signal fired, 0-1")
    value: float | None = Field(default=None, description="The number the flag rests on")
    threshold: float | None = Field(default=None, description="The configured threshold")
    evidence: list[str] = Field(default_factory=list, description="What fired, in plain words")


class SponsoredResult(BaseModel):
    """Share of recent original posts that disclose paid content, and the markers that fired."""

    model_config = ConfigDict(extra="forbid")

    share: float | None = Field(description="sponsored / considered; None without posts")
    posts_considered: int = 0
    posts_sponsored: int = 0
    markers: dict[str, int] = Field(
        default_factory=dict, description="Marker -> number of posts it fired in"
    )
    examples: list[str] = Field(
        default_factory=list, description="A few posts with the marker that fired"
    )


class AuthenticityResult(BaseModel):
    """Audience signals (graded 0-1), sponsored share and brand-safety hits."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0.0, le=1.0, description="Weighted share of the audience checks "
                         "passed; a check that could not be run counts as not passed")
    suspicion: float = Field(
        ge=0.0, le=1.0,
        description="Fake-audience risk over every audience signal, engagement included: "
        "1 - prod(1 - weight x strength) (detection and evaluation; not in the composite)",
    )
    signals: dict[str, float] = Field(
        default_factory=dict, description="Audience check -> strength 0-1 (0: no sign)"
    )
    evidence: dict[str, str] = Field(
        default_factory=dict, description="Audience check -> what it saw, in plain words"
    )
    unchecked: dict[str, str] = Field(
        default_factory=dict, description="Audience check that could not be run -> why"
    )
    sponsored: SponsoredResult
    brand_safety: dict[str, int] = Field(
        default_factory=dict, description="Brand-safety term -> number of posts"
    )
    definition: str


class NetworkResult(BaseModel):
    """The creator's place in the crawl's mention graph, and the role it gives."""

    model_config = ConfigDict(extra="forbid")

    pagerank: float = Field(description="PageRank in the directed mention graph")
    influence_percentile: float = Field(
        description="PageRank percentile among the crawled creators of this niche, 0-100"
    )
    community: int | None = Field(description="Community (detected) the creator belongs to")
    neighbours: int = Field(description="Distinct accounts mentioned by or mentioning them")
    in_mentions: int = Field(description="Mentions received from crawled creators")
    out_mentions: int = Field(description="Mentions made in their recent posts")
    communities_touched: int = Field(
        description="Communities holding at least the configured share of their neighbours"
    )
    participation: float = Field(
        description="Participation coefficient 1 - sum over communities of share^2, 0-1"
    )
    graph_nodes: int
    graph_edges: int
    communities: int = Field(description="Communities detected in the whole graph")
    reason: str = Field(description="Why the role was given, in plain words")


class FollowerPoint(BaseModel):
    """One observation of a follower count (history for the follower-jump signal)."""

    model_config = ConfigDict(extra="forbid")

    observed_at: datetime
    followers: int


class Component(BaseModel):
    """One part of the composite score."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float | None = Field(description="Normalised to [0, 1]; None when unknown")
    weight: float
    contribution: float = Field(
        description="effective_weight x counted_as; the contributions sum to score / 100"
    )
    detail: str = Field(description="Plain words: what went in")
    effective_weight: float | None = Field(
        default=None, description="weight / sum of all weights (unknown components included)"
    )
    counted_as: float | None = Field(
        default=None, description="The value used: value, or 0 when it is unknown"
    )


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
    flag_details: list[Flag] = Field(
        default_factory=list, description="Each flag of ``flags`` with its evidence"
    )
    authenticity: AuthenticityResult | None = None
    network: NetworkResult | None = Field(
        default=None, description="Mention-graph numbers (set by the crawl's niche pass)"
    )
    follower_history: list[FollowerPoint] = Field(
        default_factory=list, description="Earlier follower counts, oldest first"
    )
    derived_metrics: bool = Field(
        default=True,
        description="False when the platform's terms forbid derived metrics (see scoring.yaml)",
    )
    niche_pass_at: datetime | None = Field(
        default=None, description="When the crawl-level scores (percentile, graph) were added"
    )
    coverage: float | None = Field(
        default=None,
        description="Share of the weight resting on measured components, 0-1 (unknown "
        "components count as 0)",
    )

    def explanation(self) -> list[str]:
        """The score explained in plain words: one line per component with its value, its
        effective weight and its points; the points add up to the score."""
        from creatorscout.scoring.explain import explanation_lines

        return explanation_lines(self)
