"""What the API answers: response models (the OpenAPI schema is generated from them).

Search answers reuse the index's own models (:class:`SearchResults`, :class:`ScoredCreator`)
so the API, the CLI's ``--format json`` and the web page read one shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.results import (
    EngagementResult,
    Flag,
    NetworkResult,
    RelevanceResult,
)
from creatorscout.search.lists import (
    MAX_NAME,
    MAX_NOTE,
    NAME_PATTERN,
    STATUS_PATTERN,
    STATUSES,
    ListItem,
    ListSummary,
)
from creatorscout.search.records import CrawlInfo


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"status": "ok", "version": "0.1.0", "index": "sqlite:////data/creatorscout.db",
         "backend": "sqlite", "error": None}]})

    status: Literal["ok", "unavailable"]
    version: str
    index: str = Field(description="The index URL the server reads (no credentials)")
    backend: Literal["sqlite", "elasticsearch"]
    error: str | None = Field(default=None, description="Why the index is unavailable")


class Number(BaseModel):
    """One observed number with where and when it was read."""

    model_config = ConfigDict(extra="forbid")

    name: str
    value: float | None = Field(description="None when the platform did not say")
    observed_at: datetime
    source: str | None = Field(description="The URL it was read from")
    platform: str
    plugin: str


class ScorePart(BaseModel):
    """One component of the composite score. The parts' ``points`` add up to the score."""

    model_config = ConfigDict(extra="forbid")

    component: str
    value: float | None = Field(description="Normalised 0-1; None when unknown (left out)")
    weight: float = Field(description="Configured weight (scoring.yaml)")
    effective_weight: float = Field(
        description="The weight's share of the score (see `scout show`): weight / sum of the "
        "weights"
    )
    contribution: float = Field(description="effective_weight * value, 0-1")
    points: float = Field(description="contribution * 100: this part's share of the score")
    detail: str


class NicheScore(BaseModel):
    """A creator's score in one niche, explained."""

    model_config = ConfigDict(extra="forbid")

    niche: str
    score: float
    tier: str
    tier_scheme: str
    role: str | None
    explanation: list[ScorePart]
    engagement: EngagementResult
    relevance: RelevanceResult
    flags: list[Flag] = Field(description="Each flag with its evidence")
    network: NetworkResult | None
    crawl: CrawlInfo
    computed_at: datetime


class ProfileRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    platform: str
    handle: str
    display_name: str | None = None
    profile_url: str | None = None


class EvidenceOut(BaseModel):
    """One identity link and what it proved (see ``scout show``)."""

    model_config = ConfigDict(extra="forbid")

    source_id: str
    target_id: str | None
    link: str
    published: str
    status: str
    merged: bool
    note: str


class PersonOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    other_profiles: list[ProfileRef]
    evidence: list[EvidenceOut]


class GrowthPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    observed_at: datetime
    followers: int | None
    niche: str | None = None
    score: float | None = None
    engagement_rate: float | None = None


class CreatorDetail(BaseModel):
    """Everything known about one creator."""

    model_config = ConfigDict(extra="forbid")

    id: str
    creator: Creator
    numbers: list[Number] = Field(description="Every observed count with its provenance")
    niches: list[NicheScore] = Field(description="One score per niche it was crawled for")
    posts: list[Post] = Field(description="Recent posts (of the most recent record)")
    person: PersonOut | None = Field(description="The same person's other profiles")
    growth: list[GrowthPoint] = Field(description="Follower counts over time, oldest first")


class Similar(BaseModel):
    """One lookalike and why."""

    model_config = ConfigDict(extra="forbid")

    id: str
    platform: str
    handle: str
    display_name: str | None
    followers: int | None
    tier: str
    niche: str
    score: float
    similarity: float = Field(description="0-1: the weighted sum of the parts below")
    parts: dict[str, float] = Field(description="text, graph, closeness, each 0-1")
    reasons: list[str] = Field(description="Why it is similar, in plain words")


class SimilarResults(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "mastodon:veganschulz@mastodon.social",
        "distinctive_terms": ["vegankochen", "und", "einfach", "seitan"],
        "hits": [{
            "id": "mastodon:jonas_eats_plants@vegan.social", "platform": "mastodon",
            "handle": "jonas_eats_plants@vegan.social", "display_name": "Jonas",
            "followers": 40, "tier": "nano", "niche": "vegan-cooking", "score": 61.2,
            "similarity": 0.58, "parts": {"text": 0.52, "graph": 0.61, "closeness": 0.69},
            "reasons": ["shares 5 of its 10 most distinctive terms: vegankochen, und, einfach",
                        "is mentioned by it once", "same community in 'vegan-cooking'",
                        "same tier (nano)", "writes in de too"],
        }],
    }]})

    id: str = Field(description="The creator the lookalikes are like")
    distinctive_terms: list[str] = Field(description="Its most distinctive words, best first")
    hits: list[Similar]


class NicheInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    title: str
    languages: list[str]
    hashtags: list[str]
    creators: int = Field(description="Creators indexed for this niche")
    definition: dict[str, Any] | None = Field(
        default=None, description="The full niche definition (only on GET /niches/{name})"
    )


class Distribution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    counts: dict[str, int]


class EngagementCell(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str
    tier: str
    creators: int
    median_er: float | None = Field(description="Median engagement rate, %")


class Connector(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    handle: str
    platform: str
    role: str | None
    bridging: float | None = Field(description="Participation across communities, 0-1")
    communities_touched: int | None
    reason: str | None


class NicheOverview(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "vegan-cooking", "creators": 150,
        "tiers": {"nano": 121, "micro": 24, "mid": 5},
        "languages": {"en": 80, "de": 41, "ar": 29}, "platforms": {"mastodon": 150},
        "roles": {"influencer": 70, "neither": 61, "connector": 12, "both": 7},
        "engagement": [{"platform": "mastodon", "tier": "nano", "creators": 121,
                        "median_er": 5.9}],
        "top_connectors": [{"id": "mastodon:lena@vegan.social", "handle": "lena@vegan.social",
                            "platform": "mastodon", "role": "connector", "bridging": 0.61,
                            "communities_touched": 3,
                            "reason": "mentioned from 3 communities"}],
        "last_crawl": "2026-12-05T09:00:00Z",
    }]})

    name: str
    creators: int
    tiers: dict[str, int]
    languages: dict[str, int]
    platforms: dict[str, int]
    roles: dict[str, int]
    engagement: list[EngagementCell] = Field(description="By platform and tier")
    top_connectors: list[Connector]
    last_crawl: datetime | None


class ListCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "Spring campaign", "description": "vegan micro creators, DE and AT"}]})

    name: str = Field(min_length=1, max_length=MAX_NAME, pattern=NAME_PATTERN,
                      description="Unique (any case); not only digits")
    description: str = Field(default="", max_length=MAX_NOTE)


class ListPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME,
                             pattern=NAME_PATTERN)
    description: str | None = Field(default=None, max_length=MAX_NOTE)


class ItemPut(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"creator_id": "mastodon:109301", "note": "asked for rates", "status": "contacted"}]})

    creator_id: str = Field(min_length=1, max_length=300,
                            description="A creator id, handle or profile URL")
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    status: str | None = Field(default=None, min_length=1, max_length=40,
                               pattern=STATUS_PATTERN,
                               description=f"{', '.join(STATUSES)} or a word of your own")


class ItemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=MAX_NOTE)
    status: str | None = Field(default=None, min_length=1, max_length=40,
                               pattern=STATUS_PATTERN)


class ListEntry(ListItem):
    """An item with the creator's current numbers (None when it left the index)."""

    handle: str | None = None
    platform: str | None = None
    display_name: str | None = None
    profile_url: str | None = None
    followers: int | None = None
    tier: str | None = None
    score: float | None = None


class ListOut(ListSummary):
    items: list[ListEntry]


class ListsOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lists: list[ListSummary]


class CrawlStart(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"niche": "vegan-cooking", "platforms": ["mastodon"], "budget": 100}]})

    niche: str = Field(min_length=1, max_length=200, description="A niche name (GET /niches)")
    platforms: list[str] = Field(default_factory=list, max_length=20,
                                 description="Platforms to crawl; empty: all installed")
    budget: int = Field(default=100, ge=1, le=100_000,
                        description="Creators to fully process (--max-creators)")
    max_posts: int = Field(default=40, ge=1, le=200)


CrawlState = Literal["running", "stopping", "finished", "stopped", "failed"]


class CrawlCounters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accepted: int = 0
    budget: int = 0
    indexed: int = 0
    skipped: int = 0
    requests: int = 0
    elapsed: float = 0.0


class CrawlStatus(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "3f9c2a71d0b4", "niche": "vegan-cooking", "platforms": ["mastodon"],
        "budget": 100, "state": "running", "started_at": "2026-12-05T09:00:00Z",
        "ended_at": None,
        "counters": {"accepted": 42, "budget": 100, "indexed": 0, "skipped": 97,
                     "requests": 151, "elapsed": 12.5},
        "finish_reason": None, "summary": None, "error": None, "pid": 41872,
    }]})

    id: str
    niche: str
    platforms: list[str]
    budget: int
    state: CrawlState
    started_at: datetime
    ended_at: datetime | None = None
    counters: CrawlCounters
    finish_reason: str | None = None
    summary: str | None = Field(default=None, description="The CLI's end-of-crawl summary")
    error: str | None = None
    pid: int | None = None


class CrawlsOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    crawls: list[CrawlStatus]
