"""What the spider hands to the pipelines: one creator with their recent posts."""

from __future__ import annotations

from dataclasses import dataclass, field

from creatorscout.plugins.models import Creator, Post


@dataclass
class CrawledCreator:
    """A creator whose profile and recent posts have been fetched."""

    creator: Creator
    posts: list[Post] = field(default_factory=list)
    via: str = ""
    depth: int = 0
    posts_complete: bool = True


@dataclass
class GoneCreator:
    """The platform says this creator no longer exists (404/410): remove them from the
    index. Platforms' terms (and respect) require honouring deletions."""

    creator_id: str
    platform: str
