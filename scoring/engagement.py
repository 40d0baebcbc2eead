"""Engagement rate: how many followers interact with a typical recent original post."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median

from creatorscout.config.schema import ScoringConfig
from creatorscout.plugins.models import Post
from creatorscout.scoring.results import Confidence, EngagementResult

DEFINITION = (
    "median over the recent original posts (not replies, not reposts, interaction counts "
    "known) of (likes + replies + reposts + quotes) / followers x 100, in percent"
)
VIEWS_DEFINITION = (
    "median over the recent original posts (not replies, not reposts, interaction counts "
    "and views known, views > 0) of (likes + replies + reposts + quotes) / views x 100, "
    "in percent"
)
DERIVED_OFF_NOTE = (
    "derived metrics are off for {platform}: its API terms forbid independently calculated "
    "metrics without an amendment (scoring.yaml: platforms.{platform}.derived_metrics)"
)


def benchmark_for(config: ScoringConfig, platform: str | None, tier: str) -> float | None:
    """The typical rate (percent) for ``tier`` on ``platform``, else in ``default``, else None."""
    for table in (platform, "default"):
        if table is not None:
            benchmarks: dict[str, float] = config.engagement_benchmarks.get(table, {})
            value = benchmarks.get(tier)
            if value is not None:
                return value
    return None


def _unique(posts: Iterable[Post]) -> list[Post]:
    seen: set[str] = set()
    out = []
    for post in posts:
        if post.id not in seen:
            seen.add(post.id)
            out.append(post)
    return out


def engagement_rate(
    posts: Iterable[Post],
    followers: int | None,
    *,
    platform: str,
    tier: str,
    config: ScoringConfig,
) -> EngagementResult:
    """The median per-post engagement rate of the creator's recent original posts.

    ``posts`` are the recent posts as crawled (duplicates by id count once); the caller
    decides how recent. Replies and reposts are left out (they measure someone else's post
    or a conversation), and so are posts whose interaction counts are all unknown. A post
    whose counts are partly known counts with the known part (see ``Post.interactions``).

    With no usable post, or followers unknown or 0, the rate is ``None`` with confidence
    ``"none"`` (never a confident 0); with fewer usable posts than
    ``config.min_posts_for_confidence`` the confidence is ``"low"``. ``benchmark`` is the
    typical rate for the platform and tier (``engagement_benchmarks[platform][tier]``, else
    ``[default][tier]``); ``relative`` is rate / benchmark.
    """
    unique = _unique(posts)
    if not config.derived_metrics(platform):
        return EngagementResult(
            rate=None,
            definition=DEFINITION,
            posts_used=0,
            confidence="none",
            note=DERIVED_OFF_NOTE.format(platform=platform),
        )
    usable = [
        p for p in unique if not p.is_reply and not p.is_repost and p.interactions is not None
    ]
    benchmark = benchmark_for(config, platform, tier)
    if config.engagement.basis_for(platform) == "views":
        return _views_rate(unique, usable, benchmark, config)
    note: str | None = None
    if followers is None:
        note = "follower count unknown"
    elif followers == 0:
        note = "the account has 0 followers"
    elif not usable:
        replies = sum(p.is_reply for p in unique)
        reposts = sum(p.is_repost for p in unique)
        note = (
            f"no original post with interaction counts among {len(unique)} posts "
            f"({replies} replies, {reposts} reposts)"
        )
    if note is not None or followers is None:
        return EngagementResult(
            rate=None,
            definition=DEFINITION,
            posts_used=0,
            confidence="none",
            benchmark=benchmark,
            note=note,
        )

    rate = median((p.interactions or 0) / followers * 100 for p in usable)
    dates = [p.created_at for p in usable if p.created_at is not None]
    confidence: Confidence = "ok"
    if len(usable) < config.min_posts_for_confidence:
        confidence = "low"
        note = (
            f"only {len(usable)} usable post{'s' if len(usable) != 1 else ''}; "
            f"{config.min_posts_for_confidence} or more give ok confidence"
        )
    return EngagementResult(
        rate=rate,
        definition=DEFINITION,
        posts_used=len(usable),
        window_start=min(dates) if dates else None,
        window_end=max(dates) if dates else None,
        confidence=confidence,
        benchmark=benchmark,
        relative=rate / benchmark if benchmark else None,
        note=note,
    )


def _views_rate(
    unique: list[Post], usable: list[Post], benchmark: float | None, config: ScoringConfig
) -> EngagementResult:
    """The views-based rate (platforms whose posts report views, e.g. short video)."""
    viewed = [p for p in usable if p.views]
    if not viewed:
        return EngagementResult(
            rate=None,
            definition=VIEWS_DEFINITION,
            posts_used=0,
            confidence="none",
            benchmark=benchmark,
            basis="views",
            note=f"no original post with views and interaction counts among {len(unique)} posts",
        )
    rate = median((p.interactions or 0) / (p.views or 1) * 100 for p in viewed)
    dates = [p.created_at for p in viewed if p.created_at is not None]
    confidence: Confidence = "ok"
    note = None
    if len(viewed) < config.min_posts_for_confidence:
        confidence = "low"
        note = (
            f"only {len(viewed)} usable post{'s' if len(viewed) != 1 else ''}; "
            f"{config.min_posts_for_confidence} or more give ok confidence"
        )
    return EngagementResult(
        rate=rate,
        definition=VIEWS_DEFINITION,
        posts_used=len(viewed),
        window_start=min(dates) if dates else None,
        window_end=max(dates) if dates else None,
        confidence=confidence,
        benchmark=benchmark,
        relative=rate / benchmark if benchmark else None,
        note=note,
        basis="views",
    )
