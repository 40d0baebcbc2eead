"""What the index stores: a creator, their recent posts and their score in one niche."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.results import CreatorScore


class CrawlInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    niche: str
    via: str = Field(description="How the creator was found (hashtag:vegan, directory, mention)")
    depth: int = 0
    crawled_at: datetime
    complete: bool = Field(
        default=True,
        description="False when some of the creator's posts could not be read (refused, "
        "rate-limited, failed): the scores lack data; the next crawl fetches them again",
    )


class ScoredCreator(BaseModel):
    """One creator as indexed for one niche."""

    model_config = ConfigDict(extra="forbid")

    creator: Creator
    posts: list[Post] = Field(default_factory=list)
    score: CreatorScore
    crawl: CrawlInfo

    @property
    def id(self) -> str:
        return self.creator.id

    @property
    def niche(self) -> str:
        return self.crawl.niche
