"""Pydantic models of the YAML configuration: niches, tier schemes, scoring weights.

Everything a user types is validated here with ``extra="forbid"`` so that a typo is an
error with the YAML path, never a silently ignored key.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class Niche(BaseModel):
    """A niche to crawl: what it is about, in every language it lives in."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Slug used on the command line, e.g. vegan-cooking")
    title: str = ""
    description: str = ""
    languages: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    keywords: dict[str, list[str]] = Field(
        default_factory=dict, description="Keywords per language code"
    )
    hashtags: list[str] = Field(default_factory=list, description="Without the leading #")
    exclude: list[str] = Field(
        default_factory=list,
        description="Terms or phrases that mark content as outside the niche (they lower a "
        "document only where they outnumber its niche terms)",
    )
    ambiguous: list[str] = Field(
        default_factory=list,
        description="Keywords that alone do not show the niche: homographs (Linsen: lentils "
        "and lenses; حمص: chickpeas and the city of Homs) and general words (recipe); they "
        "count only next to other niche evidence or a context word in the same document",
    )
    context: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per language: words that are not niche terms but confirm a homograph "
        "(Suppe, soup, бокал); never counted on their own",
    )
    brand_safety: list[str] = Field(
        default_factory=list, description="Terms that flag a post for brand-safety review"
    )
    seeds: dict[str, list[str]] = Field(
        default_factory=dict, description="Seed accounts per platform (handles or URLs)"
    )
    platforms: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-platform options, e.g. mastodon: {instances: [...]}; each plugin "
        "validates its own section",
    )

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError("must be a lower-case slug such as 'vegan-cooking'")
        return value

    @field_validator("languages")
    @classmethod
    def _langs(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _LANG.match(code):
                raise ValueError(f"'{code}' is not an ISO 639 language code such as 'en'")
        return value

    @field_validator("keywords")
    @classmethod
    def _keyword_langs(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for code, words in value.items():
            if not _LANG.match(code):
                raise ValueError(f"'{code}' is not an ISO 639 language code such as 'en'")
            if any(not w.strip() for w in words):
                raise ValueError(f"keywords for '{code}' contain an empty entry")
        return value

    @field_validator("hashtags")
    @classmethod
    def _hashtags(cls, value: list[str]) -> list[str]:
        cleaned = []
        for tag in value:
            tag = tag.strip().lstrip("#")
            if not tag or any(ch.isspace() for ch in tag):
                raise ValueError(f"'{tag}' is not a hashtag: no spaces, no empty tags")
            cleaned.append(tag)
        return cleaned

    @field_validator("context")
    @classmethod
    def _context_langs(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for code in value:
            if not _LANG.match(code):
                raise ValueError(f"'{code}' is not an ISO 639 language code such as 'en'")
        return value

    @model_validator(mode="after")
    def _something_to_find(self) -> Niche:
        if not (self.keywords or self.hashtags or self.seeds):
            raise ValueError("a niche needs at least one of keywords, hashtags or seeds")
        known = {w.casefold() for w in [*self.all_keywords(), *self.hashtags]}
        unknown = [h for h in self.ambiguous if h.casefold() not in known]
        if unknown:
            raise ValueError(
                "ambiguous terms must also be keywords or hashtags: " + ", ".join(unknown)
            )
        return self

    def keyword_languages(self) -> dict[str, list[str]]:
        """Keyword -> the languages it is listed under (its stemmers)."""
        languages: dict[str, list[str]] = {}
        for code, words in self.keywords.items():
            for word in words:
                languages.setdefault(word, []).append(code)
        return languages

    def all_keywords(self) -> list[str]:
        """Every keyword, all languages together."""
        return [word for words in self.keywords.values() for word in words]

    def platform_options(self, platform: str) -> dict[str, Any]:
        """This niche's options for one platform (empty when none are given)."""
        return dict(self.platforms.get(platform, {}))


class TierScheme(BaseModel):
    """A named, versioned set of follower thresholds.

    ``tiers`` maps tier name to the minimum follower count, in ascending order; a
    platform may override the whole mapping under ``platforms``.
    """

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    tiers: dict[str, int]
    platforms: dict[str, dict[str, int]] = Field(default_factory=dict)

    @field_validator("tiers")
    @classmethod
    def _ascending(cls, value: dict[str, int]) -> dict[str, int]:
        mins = list(value.values())
        if not mins or mins[0] != 0:
            raise ValueError("the first tier must start at 0 followers")
        if mins != sorted(mins) or len(set(mins)) != len(mins):
            raise ValueError("tier minimums must be strictly ascending")
        return value

    def thresholds(self, platform: str) -> dict[str, int]:
        """The tier minimums that apply on ``platform``."""
        return self.platforms.get(platform, self.tiers)


class TierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    default_scheme: str
    schemes: dict[str, TierScheme]

    @model_validator(mode="after")
    def _default_exists(self) -> TierConfig:
        if self.default_scheme not in self.schemes:
            raise ValueError(
                f"default_scheme '{self.default_scheme}' is not one of: "
                + ", ".join(sorted(self.schemes))
            )
        return self

    def scheme(self, name: str | None = None) -> tuple[str, TierScheme]:
        key = name or self.default_scheme
        if key not in self.schemes:
            raise KeyError(f"unknown tier scheme '{key}'; known: {', '.join(sorted(self.schemes))}")
        return key, self.schemes[key]


class EngagementSettings(BaseModel):
    """How engagement is measured and judged (``scoring.yaml: engagement``)."""

    model_config = ConfigDict(extra="forbid")

    definition: Literal["median", "industry"] = Field(
        default="median",
        description="median: median over recent original posts of all interactions per "
        "follower (ours); industry: mean of likes + comments per follower over the last "
        "industry_posts posts (as HypeAuditor and Modash publish it)",
    )
    industry_posts: int = Field(default=12, ge=1, description="N of the industry definition")
    basis: dict[str, Literal["followers", "views"]] = Field(
        default_factory=lambda: {"default": "followers"},  # type: ignore[arg-type]
        description="Per platform: divide interactions by followers or by the post's views",
    )
    band_top: float = Field(
        default=2.0, gt=0.0,
        description="Relative rate (rate / benchmark) at the top of the expected band: "
        "engagement above it adds nothing",
    )
    anomaly_start: float = Field(
        default=4.0, gt=0.0, description="Relative rate from which engagement counts less"
    )
    anomaly_full: float = Field(
        default=10.0, gt=0.0, description="Relative rate at which engagement counts as 0"
    )
    conversation_share: dict[str, float] = Field(
        default_factory=lambda: {"default": 0.3},
        description="Per platform: the typical share of replies, reposts and quotes among a "
        "post's interactions. The scored rate is conversation / this share: likes, the "
        "cheapest interaction to buy, never raise it",
    )
    min_evidence: float = Field(
        default=30.0, ge=0.0,
        description="Interactions a rate must rest on to count in full: the relative rate is "
        "scaled by E / (E + min_evidence), E the interactions typical for the tier over the "
        "posts used (a rate from 8 followers is noise, not evidence)",
    )
    min_crawl_sample: int = Field(
        default=10, ge=2,
        description="Creators of one platform and tier in the crawl from which their median "
        "replaces the published benchmark",
    )
    min_peers: int = Field(default=5, ge=2)

    def basis_for(self, platform: str) -> Literal["followers", "views"]:
        return self.basis.get(platform, self.basis.get("default", "followers"))

    def share_for(self, platform: str) -> float:
        """The typical conversation share of interactions on ``platform``."""
        return self.conversation_share.get(
            platform, self.conversation_share.get("default", 0.3)
        )

    @field_validator("conversation_share")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 0 < share <= 1 for share in value.values()):
            raise ValueError("conversation_share values must be in (0, 1]")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> EngagementSettings:
        if not self.band_top <= self.anomaly_start < self.anomaly_full:
            raise ValueError("need band_top <= anomaly_start < anomaly_full")
        return self


class AuthenticitySettings(BaseModel):
    """Thresholds and weights of the authenticity signals (``scoring.yaml: authenticity``)."""

    model_config = ConfigDict(extra="forbid")

    sponsored_share_flag: float = Field(default=0.3, ge=0.0, le=1.0)
    follow_ratio_flag: float = Field(default=0.9, gt=0.0)
    follow_ratio_min_followers: int = Field(default=1000, ge=0)
    low_engagement_relative: float = Field(default=0.25, gt=0.0, lt=1.0)
    low_engagement_percentile: float = Field(default=5.0, ge=0.0, le=100.0)
    high_engagement_relative: float = Field(default=5.0, gt=1.0)
    interaction_mix_flag: float = Field(default=0.12, gt=0.0)
    interaction_mix_min_likes: int = Field(default=100, ge=1)
    follower_jump_ratio: float = Field(default=0.5, gt=0.0)
    follower_jump_days: float = Field(default=30.0, gt=0.0)
    min_posts: int = Field(default=5, ge=1)
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "interaction_mix": 0.5,
            "follow_ratio": 0.5,
            "follower_jump": 0.5,
            "automated": 1.0,
        },
        description="Audience checks and their weight in the authenticity component",
    )

    @field_validator("weights")
    @classmethod
    def _unit_weights(cls, value: dict[str, float]) -> dict[str, float]:
        for name, weight in value.items():
            if not 0.0 <= weight <= 1.0:
                raise ValueError(f"weight '{name}' must be between 0 and 1")
        return value


class GraphSettings(BaseModel):
    """Mention-graph roles (``scoring.yaml: graph``)."""

    model_config = ConfigDict(extra="forbid")

    influencer_percentile: float = Field(default=90.0, ge=0.0, le=100.0)
    connector_participation: float = Field(default=0.5, ge=0.0, le=1.0)
    connector_min_communities: int = Field(default=2, ge=2)
    connector_min_share: float = Field(default=0.15, ge=0.0, le=1.0)
    connector_min_neighbours: int = Field(default=12, ge=1)
    resolution: float = Field(default=1.0, gt=0.0)
    seed: int = 42


class PlatformScoring(BaseModel):
    """Per-platform scoring rules (``scoring.yaml: platforms.NAME``)."""

    model_config = ConfigDict(extra="forbid")

    derived_metrics: bool = True


DERIVED_METRICS_OFF_BY_DEFAULT = frozenset({"youtube"})
"""Platforms whose terms forbid derived metrics without an amendment (see scoring.yaml)."""


class ScoringConfig(BaseModel):
    """Weights of the composite score and the engagement benchmarks it judges against."""

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float]
    min_posts_for_confidence: int = Field(default=5, ge=1)
    engagement: EngagementSettings = Field(default_factory=EngagementSettings)
    engagement_benchmarks: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Typical engagement rate (percent) per platform and tier",
    )
    benchmark_sources: list[str] = Field(default_factory=list)
    benchmark_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Benchmark table (platform or default) -> where its figures come from",
    )
    authenticity: AuthenticitySettings = Field(default_factory=AuthenticitySettings)
    graph: GraphSettings = Field(default_factory=GraphSettings)
    platforms: dict[str, PlatformScoring] = Field(default_factory=dict)
    without_derived_metrics: list[str] = Field(
        default_factory=lambda: ["relevance"],
        description="Components a platform without derived metrics still gets",
    )

    def derived_metrics(self, platform: str) -> bool:
        """Whether derived metrics (rates, ratios, scores from counts) may be computed for
        ``platform``: the ``platforms`` setting, else off for YouTube and on elsewhere."""
        rules = self.platforms.get(platform)
        if rules is not None:
            return rules.derived_metrics
        return platform not in DERIVED_METRICS_OFF_BY_DEFAULT

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        if not value:
            raise ValueError("give at least one weight")
        for name, weight in value.items():
            if weight < 0:
                raise ValueError(f"weight '{name}' must not be negative")
        if sum(value.values()) <= 0:
            raise ValueError("the weights must not all be zero")
        return value


class MarkerSet(BaseModel):
    """Disclosure markers of one language (see ``markers.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(default="", description="Where the wording comes from")
    hashtags: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)
    hashtags_in_language: list[str] = Field(
        default_factory=list,
        description="Hashtags that disclose only in a post written in this language "
        "(#PR is a disclosure in Japanese, a personal record in English)",
    )
    labels_in_language: list[str] = Field(
        default_factory=list, description="Labels that disclose only in this language"
    )
    language_cues: list[str] = Field(
        default_factory=list,
        description="Common words that show a post is in this language when the platform "
        "does not say (two different ones needed; for scripts without spaces, one)",
    )

    @field_validator(
        "hashtags", "phrases", "labels", "hashtags_in_language", "labels_in_language",
        "language_cues",
    )
    @classmethod
    def _no_blanks(cls, value: list[str]) -> list[str]:
        if any(not item.strip() for item in value):
            raise ValueError("contains an empty entry")
        return [item.strip().lstrip("#") for item in value]


class MarkerConfig(BaseModel):
    """How sponsored content is disclosed, per language (``markers.yaml``)."""

    model_config = ConfigDict(extra="forbid")

    version: int = 1
    sources: list[str] = Field(default_factory=list)
    sponsored: dict[str, MarkerSet]
    unpaid: dict[str, MarkerSet] = Field(
        default_factory=dict,
        description="Disclosures of unpaid advertising (German 'unbezahlte Werbung'): "
        "reported as kind 'unpaid', not counted as paid",
    )
    not_sponsored: dict[str, MarkerSet] = Field(default_factory=dict)
    negations: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per language: words that negate a following marker (kein Rabattcode)",
    )
