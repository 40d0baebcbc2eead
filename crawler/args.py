"""The crawl's arguments, validated: what a user types on ``scout crawl``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CrawlArgs(BaseModel):
    """Arguments of one niche crawl. Validation messages name the option to fix."""

    model_config = ConfigDict(extra="forbid")

    niche: str = Field(description="Niche name or path to a niche YAML file")
    platforms: list[str] = Field(
        default_factory=list, description="Platforms to crawl (--platform); empty = all"
    )
    max_creators: int = Field(default=200, ge=1, description="Creators to fully process")
    index: str | None = Field(default=None, description="Index URL (--index)")
    base_urls: dict[str, str] = Field(
        default_factory=dict, description="Per-platform base URL overrides (--base-url P=URL)"
    )
    max_posts: int = Field(default=40, ge=1, description="Recent posts per creator")
    snowball_depth: int = Field(default=1, ge=0, description="Mention hops to follow")
    discovery_pages: int = Field(default=3, ge=1, description="Pages per discovery source")
    concurrency: int = Field(default=2, ge=1, le=64, description="Requests at once per host")
    allow_private_hosts: bool = Field(
        default=False, description="Allow fetching loopback/private addresses (the sandbox)"
    )

    @field_validator("base_urls")
    @classmethod
    def _urls(cls, value: dict[str, str]) -> dict[str, str]:
        for platform, url in value.items():
            if not url.startswith(("http://", "https://")):
                raise ValueError(
                    f"--base-url {platform}={url}: the URL must start with http:// or https://"
                )
        return value


def parse_base_urls(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["mastodon=http://127.0.0.1:8000/mastodon/{instance}"]`` -> dict; errors say why."""
    result: dict[str, str] = {}
    for pair in pairs:
        platform, sep, url = pair.partition("=")
        if not sep or not platform.strip() or not url.strip():
            raise ValueError(f"--base-url '{pair}': write it as PLATFORM=URL")
        result[platform.strip()] = url.strip()
    return result
