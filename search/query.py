"""The query model every index backend implements (embedded SQLite, Elasticsearch)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from creatorscout.search.records import ScoredCreator

Sort = Literal["score", "followers", "er", "relevance"]
Role = Literal["influencer", "connector", "both", "neither"]


class SearchQuery(BaseModel):
    """A search: free text plus filters, a sort and a page.

    ``text`` is user input: backends must treat it as words to match, never as query
    syntax (no raw FTS5 / query_string).
    """

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    niche: str | None = None
    platforms: list[str] = Field(default_factory=list)
    tiers: list[str] = Field(default_factory=list)
    min_followers: int | None = Field(default=None, ge=0)
    max_followers: int | None = Field(default=None, ge=0)
    min_er: float | None = Field(default=None, ge=0, description="Minimum engagement rate, %")
    languages: list[str] = Field(default_factory=list)
    role: Role | None = None
    sort: Sort = "score"
    limit: int = Field(default=20, ge=1, le=1000)
    offset: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _range(self) -> SearchQuery:
        if (
            self.min_followers is not None
            and self.max_followers is not None
            and self.min_followers > self.max_followers
        ):
            raise ValueError("min_followers is larger than max_followers")
        return self


class Hit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record: ScoredCreator
    text_rank: float | None = Field(default=None, description="Text match strength, if any")


class SearchResults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Counts per platform, tier, language, role"
    )


class IndexStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    creators: int
    records: int = Field(description="(creator, niche) pairs")
    posts: int
    niches: dict[str, int]
    platforms: dict[str, int]
    size_bytes: int | None = None
