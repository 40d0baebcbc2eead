"""The ``platforms.bluesky`` section of a niche file, validated."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AuthorFeedFilter = Literal["posts_with_replies", "posts_no_replies", "posts_and_author_threads"]


class BlueskyOptions(BaseModel):
    """Options of the Bluesky plugin (all optional)."""

    model_config = ConfigDict(extra="forbid")

    search_actors: bool = Field(
        default=True, description="Search accounts (app.bsky.actor.searchActors) by keyword"
    )
    search_terms: list[str] | None = Field(
        default=None,
        description="Terms for account and post search; default: the niche's keywords",
    )
    max_search_terms: int = Field(default=5, ge=0, description="Search terms used at most")
    search_page_size: int = Field(
        default=25, ge=1, le=100, description="Results per search page (the AppView allows 100)"
    )
    search_posts: bool = Field(
        default=True,
        description="Also search posts (app.bsky.feed.searchPosts) when an app password is "
        "set in CREATORSCOUT_BLUESKY_HANDLE / CREATORSCOUT_BLUESKY_APP_PASSWORD; "
        "false turns it (and its notice) off",
    )
    auth_service: str = Field(
        default="https://bsky.social",
        description="Where to sign in with the app password (the entryway or your PDS)",
    )
    author_feed_filter: AuthorFeedFilter = Field(
        default="posts_with_replies",
        description="getAuthorFeed filter: replies are kept and flagged (they never count "
        "in the engagement rate); posts_no_replies leaves them out",
    )
    follows_limit: int = Field(
        default=50, ge=0, le=1000,
        description="Follows read per creator for snowballing (app.bsky.graph.getFollows); 0: off",
    )
    follows_niche_filter: bool = Field(
        default=True,
        description="Keep only followed accounts whose name, handle or description mentions "
        "a niche keyword or hashtag",
    )

    @field_validator("auth_service")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be a URL starting with https://, e.g. https://bsky.social")
        return value.rstrip("/")
