"""Engagement rate: how many followers interact with a typical recent original post."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from statistics import fmean, median
from typing import Literal

from creatorscout.config.schema import EngagementSettings, ScoringConfig
from creatorscout.plugins.models import Post
from creatorscout.scoring.results import Confidence, EngagementResult

DEFINITION = (
    "median over the recent original posts (not replies, not reposts, interaction counts "
    "known) of (likes + replies + reposts + quotes) / followers x 100, in percent"
)
INDUSTRY_DEFINITION = (
    "mean over the last {n} original posts (interaction counts known) of (likes + comments) "
    "/ followers x 100, in percent (the definition HypeAuditor and Modash publish)"
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
    return benchmark_prior(config, platform, tier)[0]


def benchmark_prior(
    config: ScoringConfig, platform: str | None, tier: str
) -> tuple[float | None, str | None]:
    """(published typical rate for ``tier`` on ``platform``, its label with source and
    platform); the ``default`` table when the platform has none, labelled as such."""
    for table in (platform, "default"):
        if table is not None:
            benchmarks: dict[str, float] = config.engagement_benchmarks.get(table, {})
            value = benchmarks.get(tier)
            if value is not None:
                label = config.benchmark_labels.get(table, f"published figures for {table}")
                if table == "default" and platform is not None:
                    label = f"{platform}: {label}"
                return value, f"prior: {label}"
    return None, None


def engagement_value(
    relative: float | None, settings: EngagementSettings, reported: float | None = None
) -> float | None:
    """The engagement component from the scored rate relative to the benchmark, r.

    Rises as log(1 + r) / log(1 + band_top) up to 1 at ``band_top`` (above the expected
    band more engagement adds nothing) and stays there; then, once ``reported`` (likes +
    replies relative to their typical rate; r itself when not given) passes
    ``anomaly_start``, it falls (in log) to 0 at ``anomaly_full``: engagement that far above
    the band is bought or pod engagement, not a bigger audience. Likes lower the score that
    way although they never raise it.
    """
    if relative is None:
        return None
    if relative <= 0:
        return 0.0
    value = min(1.0, math.log1p(relative) / math.log1p(settings.band_top))
    peak = relative if reported is None else reported
    if peak > settings.anomaly_start:
        fall = math.log(peak / settings.anomaly_start) / math.log(
            settings.anomaly_full / settings.anomaly_start
        )
        value *= max(0.0, 1.0 - fall)
    return value


def evidence_scale(engagement: EngagementResult, followers: int | None,
                   settings: EngagementSettings) -> float:
    """E / (E + min_evidence), E = the interactions typical for the tier over the posts the
    rate rests on: how far a rate from a small audience can be trusted (1 for views-based
    rates, whose audience per post is not kept)."""
    if engagement.basis == "views" or settings.min_evidence <= 0:
        return 1.0
    if not followers or engagement.benchmark is None:
        return 0.0
    expected = engagement.benchmark / 100 * followers * engagement.posts_used
    return expected / (expected + settings.min_evidence)


def conversation(post: Post) -> int | None:
    """Replies + reposts + quotes of ``post``; None when all three are unknown."""
    counts = [c for c in (post.replies, post.reposts, post.quotes) if c is not None]
    return sum(counts) if counts else None


def _when(post: Post) -> float:
    """Sort key: newest first; undated posts last."""
    return post.created_at.timestamp() if post.created_at else float("-inf")


def _scored_rate(
    posts: Sequence[Post], per: Callable[[Post], float], share: float
) -> float | None:
    """The conversation-implied rate: the mean over ``posts`` of (replies + reposts +
    quotes) / share per ``per`` (followers or views) x 100; None without any. A mean, not a
    median: conversation is sparse on small accounts (most posts get none), and a median of
    mostly zeros would call a real audience silent."""
    rates = [
        (conv / share) / per(p) * 100
        for p in posts if (conv := conversation(p)) is not None and per(p) > 0
    ]
    return fmean(rates) if rates else None


def _anomaly_rate(posts: Sequence[Post], per: Callable[[Post], float]) -> float | None:
    """The median of (likes + replies) per ``per`` x 100: likes and comments, the counts every
    platform reports, so that no count a creator could leave out hides an anomaly."""
    rates = [((p.likes or 0) + (p.replies or 0)) / per(p) * 100 for p in posts if per(p) > 0]
    return median(rates) if rates else None


def unique_posts(posts: Iterable[Post]) -> list[Post]:
    """Posts once by id, and once by text: the same text posted again is repetition, not
    more evidence of an engaged audience (the first one counts)."""
    seen: set[tuple[str, str]] = set()
    texts: set[str] = set()
    out = []
    for post in posts:
        key = (post.platform, post.native_id)  # Post.id, without building the string
        text = " ".join(post.text.casefold().split()) if post.text else ""
        if key in seen or (text and text in texts):
            continue
        seen.add(key)
        if text:
            texts.add(text)
        out.append(post)
    return out


def _complete(posts: list[Post]) -> list[Post] | None:
    """``posts`` when their counts are complete enough to judge, else None: likes and
    replies known on every post, and reposts and quotes known on every post or on none.
    Leaving a count out of the one post that shows an anomaly must not hide it, so a
    partial record is not judged at all (it counts as unknown, the floor)."""
    if not posts or any(p.likes is None or p.replies is None for p in posts):
        return None
    for name in ("reposts", "quotes"):
        known = [getattr(p, name) is not None for p in posts]
        if any(known) and not all(known):
            return None
    return posts


def engagement_rate(
    posts: Iterable[Post],
    followers: int | None,
    *,
    platform: str,
    tier: str,
    config: ScoringConfig,
) -> EngagementResult:
    """The engagement rate of the creator's recent original posts, by the configured
    definition (``scoring.yaml: engagement.definition``).

    ``median`` (ours): the median over the recent original posts of all interactions per
    follower. ``industry``: the mean of likes + comments per follower over the last
    ``industry_posts`` original posts. ``posts`` are the recent posts as crawled (duplicates
    by id count once); replies and reposts are left out (they measure someone else's post
    or a conversation), and so are posts whose interaction counts are all unknown.

    With no usable post, or followers unknown or 0, the rate is ``None`` with confidence
    ``"none"`` (never a confident 0); with fewer usable posts than
    ``config.min_posts_for_confidence`` the confidence is ``"low"``. ``benchmark`` is the
    published prior for the platform and tier (the niche pass replaces it with the crawl's
    median scored rate when there are enough peers); ``relative`` is scored_rate /
    benchmark, where the scored rate is implied by conversation alone, (replies + reposts +
    quotes) / the platform's typical ``conversation_share``: likes, the cheapest interaction
    to buy, never raise it. Without any conversation count the scored rate is None.
    """
    unique = unique_posts(posts)
    settings = config.engagement
    industry = settings.definition == "industry"
    definition = (
        INDUSTRY_DEFINITION.format(n=settings.industry_posts) if industry else DEFINITION
    )
    method: Literal["median", "industry"] = "industry" if industry else "median"
    if not config.derived_metrics(platform):
        return EngagementResult(
            rate=None, definition=definition, posts_used=0, confidence="none",
            note=DERIVED_OFF_NOTE.format(platform=platform), method=method,
        )
    originals = [p for p in unique if not p.is_reply and not p.is_repost]
    if industry:
        originals = sorted(originals, key=_when, reverse=True)
    usable = [p for p in originals if p.interactions is not None]
    benchmark, source = benchmark_prior(config, platform, tier)
    if settings.basis_for(platform) == "views":
        return _views_rate(unique, usable, benchmark, source, config)
    if industry:
        usable = sorted(usable, key=_when, reverse=True)[: settings.industry_posts]
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
    if note is not None or not followers:
        return EngagementResult(
            rate=None, definition=definition, posts_used=0, confidence="none",
            benchmark=benchmark, benchmark_source=source, note=note, method=method,
        )

    share = settings.share_for(platform)
    count = float(followers)
    if industry:
        rate = fmean(((p.likes or 0) + (p.replies or 0)) / followers * 100 for p in usable)
    else:
        rate = median((p.interactions or 0) / followers * 100 for p in usable)
    # every original post of the window must carry its counts: one without counts could be
    # the one that shows an anomaly
    window = originals[: settings.industry_posts] if industry else originals
    complete = _complete(window)
    scored = anomaly = None
    if complete is not None:
        scored = _scored_rate(complete, lambda _: count, share)
        anomaly = _anomaly_rate(complete, lambda _: count)
    result = _result(rate, scored, usable, definition, benchmark, source, config,
                     method=method)
    return result.model_copy(update={"anomaly_rate": anomaly, "note": result.note or (
        None if complete is not None else
        "likes or replies missing on some posts: engagement not judged")})


def _result(
    rate: float, scored: float | None, used: list[Post], definition: str, benchmark: float | None,
    source: str | None, config: ScoringConfig, *, method: Literal["median", "industry"],
    basis: Literal["followers", "views"] = "followers",
) -> EngagementResult:
    dates = [p.created_at for p in used if p.created_at is not None]
    confidence: Confidence = "ok"
    note = None
    if len(used) < config.min_posts_for_confidence:
        confidence = "low"
        note = (
            f"only {len(used)} usable post{'s' if len(used) != 1 else ''}; "
            f"{config.min_posts_for_confidence} or more give ok confidence"
        )
    return EngagementResult(
        rate=rate,
        definition=definition,
        posts_used=len(used),
        window_start=min(dates) if dates else None,
        window_end=max(dates) if dates else None,
        confidence=confidence,
        benchmark=benchmark,
        reported_benchmark=benchmark,
        benchmark_source=source,
        relative=scored / benchmark if benchmark and scored is not None else None,
        scored_rate=scored,
        note=note,
        basis=basis,
        method=method,
    )


def _views_rate(
    unique: list[Post], usable: list[Post], benchmark: float | None, source: str | None,
    config: ScoringConfig,
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
            benchmark_source=source,
            basis="views",
            note=f"no original post with views and interaction counts among {len(unique)} posts",
        )
    share = config.engagement.share_for(viewed[0].platform)
    rate = median((p.interactions or 0) / (p.views or 1) * 100 for p in viewed)
    complete = _complete(viewed)
    scored = anomaly = None
    if complete is not None:
        scored = _scored_rate(complete, lambda p: float(p.views or 0), share)
        anomaly = _anomaly_rate(complete, lambda p: float(p.views or 0))
    result = _result(rate, scored, viewed, VIEWS_DEFINITION, benchmark, source, config,
                     method="median", basis="views")
    return result.model_copy(update={"anomaly_rate": anomaly})
