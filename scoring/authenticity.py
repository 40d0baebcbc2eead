"""Authenticity signals: is the audience real, how much of the feed is paid, is it brand-safe.

Audience signals are graded: each has a *strength* in [0, 1] (0: no sign at all) and
becomes a *flag* with its evidence once it crosses its configured threshold
(``scoring.yaml: authenticity``). With ``t`` the threshold:

``follow_ratio``
    following / followers (accounts with at least ``follow_ratio_min_followers``):
    strength rises linearly from 0 at t/2 to 1 at t; flag at >= t. Follow-for-follow
    farms follow about as many accounts as follow them.
``low_engagement``
    the engagement rate relative to the tier benchmark, r: strength log(1/r) / log(1/t)
    (0 at r = 1, 1 at r = t); flag at r <= t. Bought followers do not interact. The
    crawl's niche pass adds the percentile among peers: bottom ``low_engagement_percentile``
    percent also flags (see :func:`with_percentile`).
``high_engagement``
    strength log(r) / log(T) for r >= 1; flag at r >= T. Engagement pods inflate
    interactions far beyond what an audience of that size gives.
``interaction_mix``
    (replies + reposts + quotes) / likes over the usable posts, once they have at least
    ``interaction_mix_min_likes`` likes: strength from 0 at 2t to 1 at t; flag at <= t.
    Pods and bought likes are almost all likes; real audiences also reply and share.
``follower_jump``
    the largest growth between two observations at most ``follower_jump_days`` apart,
    g = (later - earlier) / earlier: strength g / (2 x ratio); flag at g >= ratio. Needs
    earlier observations (the index keeps them from earlier crawls).

The engagement signals are scaled by min(1, posts / ``min_posts``): a rate resting on one
post is a weak sign. suspicion = 1 - prod(1 - weight x strength) over the audience signals
(weights from the config); the authenticity component of the composite score is
1 - suspicion.

Sponsored content (markers from ``markers.yaml``, see :mod:`creatorscout.scoring.markers`)
is measured as the share of recent original posts with a disclosure and flagged
``sponsored_heavy`` at ``sponsored_share_flag``; it lowers trust, but it is not a sign of a
fake audience, so it is reported, not folded into the suspicion. Brand-safety terms of the
niche flag the posts that contain them (``brand_safety``), and so do posts the platform
itself marks adult-only (``Post.adult``: Reddit ``over_18``), whatever the niche's terms.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from creatorscout.config.schema import AuthenticitySettings, Niche
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import INTERACTIONS
from creatorscout.scoring.markers import DisclosureMatcher, brand_safety_terms
from creatorscout.scoring.results import (
    AuthenticityResult,
    EngagementResult,
    Flag,
    FollowerPoint,
    SponsoredResult,
)
from creatorscout.scoring.text import AnalyzedText

DEFINITION = (
    "audience signals graded 0-1 (follow_ratio, low_engagement, high_engagement, "
    "interaction_mix, follower_jump); suspicion = 1 - prod(1 - weight x strength); "
    "authenticity = 1 - suspicion. Sponsored share = original posts with a disclosure "
    "marker / original posts considered"
)
MAX_EXAMPLES = 3
FLAG_POSTS = 2
"""Engagement signals raise a flag only when they rest on at least this many posts."""


def confidence_scale(posts_used: int, settings: AuthenticitySettings) -> float:
    """Engagement signals count in full from ``settings.min_posts`` usable posts on and
    proportionally less below: a rate from one post is a weak sign, not no sign."""
    return min(1.0, posts_used / settings.min_posts)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _label(post: Post) -> str:
    return post.url or post.id


def suspicion_of(signals: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """1 - prod(1 - weight x strength) over the signals that have a weight."""
    keep = 1.0
    for name, strength in signals.items():
        keep *= 1.0 - weights.get(name, 0.0) * _clamp(strength)
    return _clamp(1.0 - keep)


def low_engagement_strength(relative: float, threshold: float) -> float:
    """0 at typical engagement (r >= 1), 1 at ``threshold`` x typical or below."""
    if relative >= 1.0:
        return 0.0
    if relative <= 0.0:
        return 1.0
    return _clamp(math.log(1 / relative) / math.log(1 / threshold))


def percentile_strength(percentile: float, threshold: float) -> float:
    """0 from twice the threshold percentile up, 1 at the threshold or below."""
    if threshold <= 0:
        return 0.0
    return _clamp((2 * threshold - percentile) / threshold)


def _engagement_signals(
    engagement: EngagementResult, settings: AuthenticitySettings, flags: list[Flag],
    signals: dict[str, float],
) -> None:
    relative = engagement.relative
    if relative is None or engagement.posts_used < 1:
        return
    scale = confidence_scale(engagement.posts_used, settings)
    low = scale * low_engagement_strength(relative, settings.low_engagement_relative)
    signals["low_engagement"] = low
    if relative <= settings.low_engagement_relative and engagement.posts_used >= FLAG_POSTS:
        flags.append(Flag(
            name="low_engagement", kind="audience", strength=low, value=relative,
            threshold=settings.low_engagement_relative,
            evidence=[
                f"engagement {engagement.rate:.2f}% is {relative:.2f}x the "
                f"{engagement.benchmark:g}% typical for the tier "
                f"(over {engagement.posts_used} posts)"
            ],
        ))
    high_t = settings.high_engagement_relative
    high = scale * _clamp(math.log(relative) / math.log(high_t)) if relative > 1 else 0.0
    signals["high_engagement"] = high
    if relative >= high_t and engagement.posts_used >= FLAG_POSTS:
        flags.append(Flag(
            name="high_engagement", kind="audience", strength=high, value=relative,
            threshold=high_t,
            evidence=[
                f"engagement {engagement.rate:.2f}% is {relative:.1f}x the "
                f"{engagement.benchmark:g}% typical for the tier"
            ],
        ))


def _mix_signal(
    posts: Sequence[Post], settings: AuthenticitySettings, flags: list[Flag],
    signals: dict[str, float],
) -> None:
    usable = [p for p in posts if not p.is_reply and not p.is_repost and p.likes is not None]
    likes = sum(p.likes or 0 for p in usable)
    if len(usable) < FLAG_POSTS or likes < settings.interaction_mix_min_likes:
        return
    others = sum((p.replies or 0) + (p.reposts or 0) + (p.quotes or 0) for p in usable)
    ratio = others / likes
    t = settings.interaction_mix_flag
    strength = _clamp((2 * t - ratio) / t)
    signals["interaction_mix"] = strength
    if ratio <= t:
        flags.append(Flag(
            name="interaction_mix", kind="audience", strength=strength, value=ratio,
            threshold=t,
            evidence=[
                f"{others:,} replies, reposts and quotes for {likes:,} likes over "
                f"{len(usable)} posts (ratio {ratio:.3f})"
            ],
        ))


def _ratio_signal(
    creator: Creator, settings: AuthenticitySettings, flags: list[Flag],
    signals: dict[str, float],
) -> None:
    followers, following = creator.followers, creator.following
    if followers is None or following is None or followers < settings.follow_ratio_min_followers:
        return
    ratio = following / followers
    t = settings.follow_ratio_flag
    strength = _clamp((ratio - t / 2) / (t / 2))
    signals["follow_ratio"] = strength
    if ratio >= t:
        flags.append(Flag(
            name="follow_ratio", kind="audience", strength=strength, value=ratio, threshold=t,
            evidence=[f"follows {following:,} accounts with {followers:,} followers "
                      f"(ratio {ratio:.2f})"],
        ))


def follower_jump(
    history: Sequence[FollowerPoint], settings: AuthenticitySettings
) -> tuple[float, str | None]:
    """(largest growth within the window, evidence) over consecutive observations."""
    points = sorted(history, key=lambda p: p.observed_at)
    best, evidence = 0.0, None
    for earlier, later in zip(points, points[1:], strict=False):
        days = (later.observed_at - earlier.observed_at).total_seconds() / 86400
        if days > settings.follower_jump_days or earlier.followers <= 0:
            continue
        growth = (later.followers - earlier.followers) / earlier.followers
        if growth > best:
            best = growth
            evidence = (
                f"followers went from {earlier.followers:,} ({earlier.observed_at:%Y-%m-%d}) "
                f"to {later.followers:,} ({later.observed_at:%Y-%m-%d}), +{growth:.0%} "
                f"in {days:.0f} days"
            )
    return best, evidence


def _jump_signal(
    history: Sequence[FollowerPoint], settings: AuthenticitySettings, flags: list[Flag],
    signals: dict[str, float],
) -> None:
    if len(history) < 2:
        return
    growth, evidence = follower_jump(history, settings)
    t = settings.follower_jump_ratio
    strength = _clamp(growth / (2 * t))
    signals["follower_jump"] = strength
    if growth >= t and evidence:
        flags.append(Flag(name="follower_jump", kind="audience", strength=strength,
                          value=growth, threshold=t, evidence=[evidence]))


def sponsored_share(
    posts: Sequence[Post], analyses: Mapping[str, AnalyzedText | None],
    matcher: DisclosureMatcher,
) -> SponsoredResult:
    """Share of original posts (not replies, not reposts) that carry a disclosure marker."""
    considered = 0
    sponsored = 0
    markers: dict[str, int] = {}
    examples: list[str] = []
    for post in posts:
        if post.is_reply or post.is_repost:
            continue
        doc = analyses.get(post.id)
        if doc is None:
            continue  # no text: cannot tell
        considered += 1
        hits = matcher.find(doc)
        if not hits:
            continue
        sponsored += 1
        for marker in dict.fromkeys(h.marker for h in hits):
            markers[marker] = markers.get(marker, 0) + 1
        if len(examples) < MAX_EXAMPLES:
            first = hits[0]
            examples.append(
                f"{_label(post)}: marker '{first.marker}' ({first.kind}) in "
                f"\"{doc.text[first.start:first.end]}\""
            )
    return SponsoredResult(
        share=sponsored / considered if considered else None,
        posts_considered=considered,
        posts_sponsored=sponsored,
        markers=dict(sorted(markers.items(), key=lambda kv: -kv[1])),
        examples=examples,
    )


#: The brand-safety entry for posts the platform itself marks adult-only.
ADULT = "adult content (platform flag)"


def assess_authenticity(
    creator: Creator,
    posts: Sequence[Post],
    analyses: Mapping[str, AnalyzedText | None],
    engagement: EngagementResult,
    niche: Niche,
    *,
    settings: AuthenticitySettings,
    matcher: DisclosureMatcher,
    history: Sequence[FollowerPoint] = (),
    derived_metrics: bool = True,
    interactions: Collection[str] = INTERACTIONS,
) -> tuple[AuthenticityResult, list[Flag]]:
    """The authenticity signals of one creator, and the flags they raise (see module doc).

    ``analyses`` maps post id -> analysed text (posts without text are skipped for the
    marker and brand-safety checks). ``history`` holds earlier follower observations,
    including the current one. With ``derived_metrics`` False (the platform's terms forbid
    derived metrics) only the text checks run: sponsored markers and brand safety.
    ``interactions`` are the post counts the platform publishes (``Platform.interactions``):
    ``interaction_mix`` needs likes and reposts, so a platform without reposts gets none.
    """
    flags: list[Flag] = []
    signals: dict[str, float] = {}
    if derived_metrics:
        _ratio_signal(creator, settings, flags, signals)
        _engagement_signals(engagement, settings, flags, signals)
        if {"likes", "reposts"} <= set(interactions):
            _mix_signal(posts, settings, flags, signals)
        _jump_signal(history, settings, flags, signals)
    sponsored = sponsored_share(posts, analyses, matcher)
    if sponsored.share is not None and sponsored.share >= settings.sponsored_share_flag:
        flags.append(Flag(
            name="sponsored_heavy", kind="sponsored",
            strength=_clamp(sponsored.share), value=sponsored.share,
            threshold=settings.sponsored_share_flag,
            evidence=[
                f"{sponsored.posts_sponsored} of {sponsored.posts_considered} original posts "
                f"are marked as paid ({sponsored.share:.0%})",
                *sponsored.examples,
            ],
        ))
    brand: dict[str, int] = {}
    evidence: list[str] = []
    if niche.brand_safety:
        terms = brand_safety_terms(tuple(niche.brand_safety))
        for post in posts:
            doc = analyses.get(post.id)
            if doc is None:
                continue
            found = terms.find(doc)
            for term in dict.fromkeys(m.term for m in found):
                brand[term] = brand.get(term, 0) + 1
            if found and len(evidence) < MAX_EXAMPLES:
                m = found[0]
                evidence.append(f"{_label(post)}: '{m.term}' in \"{doc.text[m.start:m.end]}\"")
    adult = sum(1 for post in posts if post.adult)
    if adult:  # the platform's own flag (Reddit over_18), whatever the niche's terms
        brand[ADULT] = adult
        if len(evidence) < MAX_EXAMPLES:
            first = next(post for post in posts if post.adult)
            evidence.append(f"{_label(first)}: marked adult (over 18) by the platform")
    if brand:
        flags.append(Flag(
            name="brand_safety", kind="brand_safety", strength=1.0,
            value=float(sum(brand.values())), threshold=1.0,
            evidence=[", ".join(f"{t} ({n} posts)" for t, n in brand.items()), *evidence],
        ))
    suspicion = suspicion_of(signals, settings.weights)
    result = AuthenticityResult(
        score=1.0 - suspicion,
        suspicion=suspicion,
        signals=signals,
        sponsored=sponsored,
        brand_safety=brand,
        definition=DEFINITION,
    )
    return result, flags
