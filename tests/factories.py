"""Small builders for test data. Values are explicit so tests read as specifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from creatorscout.plugins.models import Creator, Post, Provenance

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
