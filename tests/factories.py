"""Small builders for test data. Values are explicit so tests read as specifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.scoring.results import (
    Component,
    CreatorScore,
    EngagementResult,
    RelevanceResult,
    TierResult,
)
from creatorscout.search.records import CrawlInfo, ScoredCreator

OBSERVED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def provenance(platform: str = "mastodon") -> Provenance:
    return Provenance(
        platform=platform,
        plugin="creatorscout",
        plugin_version="test",
        source_url=f"https://example.social/api/{platform}",
        observed_at=OBSERVED,
    )


def make_creator(native_id: str = "1", **fields: Any) -> Creator:
    platform = fields.pop("platform", "mastodon")
    data: dict[str, Any] = {
        "platform": platform,
        "native_id": native_id,
        "handle": f"user{native_id}@example.social",
        "display_name": f"User {native_id}",
        "bio": "",
        "followers": 1000,
        "following": 100,
        "posts_count": 50,
        "provenance": provenance(platform),
    }
    data.update(fields)
    return Creator(**data)


def make_post(
    creator: Creator, n: int = 0, text: str = "", likes: int | None = 10, **fields: Any
) -> Post:
    data: dict[str, Any] = {
        "platform": creator.platform,
        "native_id": f"{creator.native_id}-{n}",
        "creator_id": creator.id,
        "created_at": OBSERVED - timedelta(days=n),
        "text": text,
        "likes": likes,
        "replies": 1,
        "reposts": 2,
        "quotes": 0,
        "provenance": provenance(creator.platform),
    }
    data.update(fields)
    return Post(**data)


def make_scored(
    creator: Creator | None = None,
    *,
    niche: str = "vegan-cooking",
    score: float = 50.0,
    tier: str = "micro",
    er: float | None = 2.5,
    relevance: float = 0.5,
    role: str | None = "influencer",
    posts: list[Post] | None = None,
    flags: list[str] | None = None,
    via: str = "hashtag:vegan",
    matched_terms: dict[str, int] | None = None,
    snippet: str | None = None,
    crawled_at: datetime = OBSERVED,
    **creator_fields: Any,
) -> ScoredCreator:
    """A ScoredCreator built directly from the scoring result models (no scoring code).

    ``creator`` defaults to ``make_creator(**creator_fields)``; ``posts`` to none.
    """
    if creator is None:
        creator = make_creator(**creator_fields)
    components = [
        Component(
            name="relevance",
            value=relevance,
            weight=0.6,
            contribution=0.6 * relevance,
            detail=f"{sum((matched_terms or {}).values())} matching posts",
        ),
        Component(
            name="engagement",
            value=None if er is None else min(er / 5.0, 1.0),
            weight=0.4,
            contribution=0.0 if er is None else 0.4 * min(er / 5.0, 1.0),
            detail="median interactions per follower",
        ),
    ]
    result = CreatorScore(
        niche=niche,
        platform=creator.platform,
        score=score,
        tier=TierResult(
            tier=tier,
            scheme="common-5",
            scheme_version=1,
            followers=creator.followers,
            thresholds={"nano": 0, "micro": 10000, "mid": 100000, "macro": 500000},
        ),
        engagement=EngagementResult(
            rate=er,
            definition="median (likes+replies+reposts+quotes)/followers per original post",
            posts_used=len(posts or []),
            confidence="ok" if er is not None else "none",
        ),
        relevance=RelevanceResult(
            score=relevance,
            definition="share of recent posts matching the niche terms",
            matched_terms=matched_terms or {},
            posts_considered=len(posts or []),
            posts_matched=len(posts or []),
            snippet=snippet,
        ),
        components=components,
        role=role,
        flags=flags or [],
        computed_at=crawled_at,
    )
    return ScoredCreator(
        creator=creator,
        posts=posts or [],
        score=result,
        crawl=CrawlInfo(niche=niche, via=via, depth=0, crawled_at=crawled_at),
    )
