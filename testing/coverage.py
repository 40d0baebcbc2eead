"""Field coverage: which fields a plugin fills from its saved responses.

A plugin that silently stops extracting a field (the platform renamed a key, a refactor
dropped a line) still "works": its tests of other fields pass and crawls finish. Coverage
makes that visible: for every saved 2xx response the plugin parses, count how many of the
creators and posts it returned have each field filled (not ``None``, not empty). A field
filled by at least one object is *covered*. ``scout plugins check`` prints the table; the
contract tests compare the covered fields with a committed baseline and fail on a drop.

The baseline is a JSON file, one entry per platform::

    {"lemmy": {"creator": ["bio", "posts_count", ...], "post": ["likes", "text", ...]}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import MalformedResponse, ParseResult, Platform
from creatorscout.testing.saved import Saved

CREATOR_FIELDS: tuple[str, ...] = (
    "display_name", "bio", "profile_url", "avatar_url", "followers", "following",
    "posts_count", "created_at", "last_post_at", "languages", "links", "verified_links",
)
POST_FIELDS: tuple[str, ...] = (
    "url", "created_at", "text", "language", "likes", "replies", "reposts", "quotes",
    "views", "hashtags", "mentions", "links",
)


def _filled(value: Any) -> bool:
    return value is not None and value != [] and value != ""


@dataclass
class Coverage:
    """How many of the parsed creators and posts fill each field."""

    platform: str
    creators: int = 0
    posts: int = 0
    creator_fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CREATOR_FIELDS, 0))
    post_fields: dict[str, int] = field(default_factory=lambda: dict.fromkeys(POST_FIELDS, 0))
    responses: int = 0
    errors: list[str] = field(default_factory=list)

    def add_creator(self, creator: Creator) -> None:
        self.creators += 1
        for name in CREATOR_FIELDS:
            self.creator_fields[name] += _filled(getattr(creator, name))

    def add_post(self, post: Post) -> None:
        self.posts += 1
        for name in POST_FIELDS:
            self.post_fields[name] += _filled(getattr(post, name))

    def add(self, result: ParseResult) -> None:
        for creator in result.creators:
            self.add_creator(creator)
        for candidate in result.candidates:
            if candidate.creator is not None:
                self.add_creator(candidate.creator)
        for post in result.posts:
            self.add_post(post)

    def covered(self) -> dict[str, list[str]]:
        """The fields filled by at least one object, as stored in a baseline."""
        return {
            "creator": sorted(k for k, n in self.creator_fields.items() if n),
            "post": sorted(k for k, n in self.post_fields.items() if n),
        }

    def drops(self, baseline: dict[str, list[str]]) -> list[str]:
        """Fields the baseline says were covered and now are not (``creator.followers``)."""
        now = self.covered()
        return [f"{kind}.{name}" for kind in ("creator", "post")
                for name in baseline.get(kind, []) if name not in now[kind]]

    def table(self) -> str:
        """A plain-text table: field, objects filling it, of how many."""
        lines = [f"{self.platform}: {self.responses} saved responses, "
                 f"{self.creators} creators, {self.posts} posts"]
        for kind, total, counts in (("creator", self.creators, self.creator_fields),
                                    ("post", self.posts, self.post_fields)):
            for name, n in counts.items():
                mark = "yes" if n else "NO "
                lines.append(f"  {mark} {kind + '.' + name:<24} {n:>5} of {total}")
        for error in self.errors:
            lines.append(f"  error: {error}")
        return "\n".join(lines)


def measure(platform: Platform, saved: Iterable[Saved]) -> Coverage:
    """Parse every saved 2xx response with ``platform`` and count the fields it fills.

    Responses at URLs the plugin does not read (``owns_url`` is false) and refusals are
    left out. A response the plugin cannot parse is noted in ``errors`` (except a
    :class:`MalformedResponse` on a body that is not JSON, which is the plugin doing its
    job), so a broken fixture never passes silently as "no fields".
    """
    coverage = Coverage(platform=platform.name)
    for item in saved:
        if not item.ok or not platform.owns_url(item.url):
            continue  # a refusal, or an endpoint this plugin does not read
        response = item.response(platform.name)
        if platform.refusal(response) is not None:
            continue
        coverage.responses += 1
        try:
            coverage.add(platform.parse(response))
        except MalformedResponse as exc:
            if item.is_json():
                coverage.errors.append(f"{item.name}: MalformedResponse: {exc}")
        except Exception as exc:  # reported, so `plugins check` can name the fixture
            coverage.errors.append(f"{item.name}: {type(exc).__name__}: {exc}")
    return coverage


def load_baseline(path: Path) -> dict[str, dict[str, list[str]]]:
    """The committed baseline (``{}`` when the file does not exist)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a coverage baseline is a JSON object of platforms")
    return data


def write_baseline(path: Path, coverages: Iterable[Coverage]) -> None:
    """Merge these platforms' covered fields into the baseline file."""
    data = load_baseline(path)
    for coverage in coverages:
        data[coverage.platform] = coverage.covered()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
