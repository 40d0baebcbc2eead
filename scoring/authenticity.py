"""Authenticity: is the audience real, how much of the feed is paid, is it brand-safe.

Audience *checks* are graded: each has a *strength* in [0, 1] (0: no sign at all) and
raises a *flag* with its evidence once it crosses its configured threshold
(``scoring.yaml: authenticity``). With ``t`` the threshold:

``follow_ratio``
    following / followers (accounts with at least ``follow_ratio_min_followers``; a smaller
    audience is too small to judge, so unchecked): strength rises linearly from 0 at t/2
    to 1 at t; flag at >= t. Follow-for-follow farms follow about as many accounts as
    follow them.
``interaction_mix``
    (replies + reposts + quotes) / likes over the usable posts, once they have at least
    ``interaction_mix_min_likes`` likes (fewer pass; none at all, and no conversation
    either, is unchecked): strength from 0 at 2t to 1 at t; flag at <= t. Pods and bought
    likes are almost all likes; real audiences also reply and share.
``automated``
    the platform marks the account as a bot (Mastodon ``bot``): a failed check and a flag.
    Runs only where the platform says so.
``follower_jump``
    the largest growth between two observations at most ``follower_jump_days`` apart,
    g = (later - earlier) / earlier: strength g / (2 x ratio); flag at g >= ratio. Runs
    only once there are earlier observations (the index keeps them from earlier crawls).

The authenticity component is the weighted share of the checks passed,
sum(weight x (1 - strength)) / sum(weight), where a check that could not be run for lack of
data (followers or like counts unknown) counts as not passed: hiding a number never makes
an audience look more real. ``unchecked`` says which checks could not run and why.

Engagement is judged once, in the engagement component (:mod:`.engagement`): the
``low_engagement`` and ``high_engagement`` flags here are information for the user, not
part of the authenticity value.

Sponsored content (markers from ``markers.yaml``, see :mod:`creatorscout.scoring.markers`)
is measured as the share of recent original posts with a disclosure and flagged
``sponsored_heavy`` at ``sponsored_share_flag``; it enters the composite as its own
component (``sponsored``), not as a sign of a fake audience. Brand-safety terms of the
niche flag the posts that contain them (``brand_safety``), and so do posts the platform
itself marks adult-only (``Post.adult``: Reddit ``over_18``), whatever the niche's terms.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from creatorscout.config.schema import AuthenticitySettings, Niche
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.platform import INTERACTIONS
from creatorscout.scoring.engagement import unique_posts
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
    "audience checks graded 0-1 (follow_ratio, interaction_mix, follower_jump once there is "
    "history); authenticity = sum(weight x (1 - strength)) / sum(weight), a check that "
    "could not be run counting as not passed. Sponsored share = original posts with a "
    "disclosure marker / original posts considered"
)
RISK_WEIGHTS = {
    "low_engagement": 0.7,
    "high_engagement": 0.5,
    "interaction_mix": 0.6,
    "follow_ratio": 0.6,
    "follower_jump": 0.5,
}
"""Weights of :attr:`AuthenticityResult.suspicion`, a fake-audience risk reading over every
audience signal including engagement (for detection and evaluation; the composite uses the
authenticity value, which leaves engagement to its own component)."""

FLAG_NAMES = (
    "low_engagement", "high_engagement", "interaction_mix", "follow_ratio", "follower_jump",
    "automated", "sponsored_heavy", "brand_safety",
)
"""Every flag scoring raises (``CreatorScore.flags``)."""
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


def authenticity_of(
    signals: Mapping[str, float], unchecked: Mapping[str, str], weights: Mapping[str, float]
) -> float | None:
    """Weighted share of the checks passed; unchecked ones count as failed. None when no
    check applies at all."""
    total = sum(weights.get(n, 0.0) for n in (*signals, *unchecked))
    if total <= 0:
        return None
    passed = sum(weights.get(n, 0.0) * (1.0 - _clamp(s)) for n, s in signals.items())
    return _clamp(passed / total)


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


def engagement_signals(
    engagement: EngagementResult, settings: AuthenticitySettings
) -> tuple[dict[str, float], list[Flag]]:
    """The engagement signals of the risk reading (unweighted in the authenticity value)
    and the information flags for engagement far below or above the benchmark (the
    engagement component judges it; the flags say so where a user filters by flag)."""
    signals: dict[str, float] = {}
    flags: list[Flag] = []
    scale = confidence_scale(engagement.posts_used, settings)
    if engagement.relative is not None and engagement.posts_used >= 1:
        signals["low_engagement"] = scale * low_engagement_strength(
            engagement.relative, settings.low_engagement_relative)
    # the published-style rate against the benchmark (not the scored rate, which already
    # discounts likes without conversation): what a user compares with other tools
    typical = engagement.reported_benchmark or engagement.benchmark
    seen = engagement.anomaly_rate
    if engagement.rate is None or seen is None or not typical or (
        engagement.posts_used < FLAG_POSTS
    ):
        return signals, flags
    relative = seen / typical
    high_t = settings.high_engagement_relative
    if relative > 1:
        signals["high_engagement"] = scale * _clamp(math.log(relative) / math.log(high_t))
    bench = f"{typical:.2g}%"
    if relative <= settings.low_engagement_relative:
        flags.append(Flag(
            name="low_engagement", kind="audience",
            strength=scale * low_engagement_strength(relative, settings.low_engagement_relative),
            value=relative, threshold=settings.low_engagement_relative,
            evidence=[
                f"likes and replies {seen:.2f}% of followers per post are {relative:.2f}x the "
                f"{bench} typical for the tier (over {engagement.posts_used} posts)"
            ],
        ))
    if relative >= high_t:
        flags.append(Flag(
            name="high_engagement", kind="audience", strength=signals["high_engagement"],
            value=relative, threshold=high_t,
            evidence=[
                f"likes and replies {seen:.2f}% of followers per post are {relative:.1f}x the "
                f"{bench} typical for the tier"
            ],
        ))
    return signals, flags


def _mix_signal(
    posts: Sequence[Post], settings: AuthenticitySettings, flags: list[Flag],
    checks: _Checks,
) -> None:
    usable = [p for p in posts if not p.is_reply and not p.is_repost and p.likes is not None]
    likes = sum(p.likes or 0 for p in usable)
    if len(usable) < FLAG_POSTS:
        checks.unchecked["interaction_mix"] = (
            f"needs {FLAG_POSTS} original posts with like counts, found {len(usable)}"
        )
        return
    others = sum((p.replies or 0) + (p.reposts or 0) + (p.quotes or 0) for p in usable)
    if likes + others == 0:
        checks.unchecked["interaction_mix"] = (
            f"no likes, replies or reposts on {len(usable)} posts: no audience to judge"
        )
        return
    if likes < settings.interaction_mix_min_likes:
        # passes rather than unchecked: more likes must never turn a failed check into a
        # passed one (ten times the likes never raises a score)
        checks.passed("interaction_mix", 0.0, f"{likes} likes over {len(usable)} posts: too "
                      f"few for likes-only engagement to matter")
        return
    ratio = others / likes
    t = settings.interaction_mix_flag
    strength = _clamp((2 * t - ratio) / t)
    checks.passed("interaction_mix", strength,
                  f"{others:,} replies, reposts and quotes for {likes:,} likes over "
                  f"{len(usable)} posts ({ratio:.0%} of likes; a pod or bought likes is "
                  f"below {t:.0%})")
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
    creator: Creator, settings: AuthenticitySettings, flags: list[Flag], checks: _Checks,
) -> None:
    followers, following = creator.followers, creator.following
    if followers is None or following is None:
        missing = "followers" if followers is None else "following"
        checks.unchecked["follow_ratio"] = f"{missing} count unknown"
        return
    if followers == 0:
        checks.unchecked["follow_ratio"] = "0 followers: no audience to judge"
        return
    if followers < settings.follow_ratio_min_followers:
        checks.unchecked["follow_ratio"] = (
            f"{followers:,} followers: too small an audience to judge (from "
            f"{settings.follow_ratio_min_followers:,})"
        )
        return
    ratio = following / followers
    t = settings.follow_ratio_flag
    strength = _clamp((ratio - t / 2) / (t / 2))
    checks.passed("follow_ratio", strength, f"follows {following:,} accounts with "
                  f"{followers:,} followers (ratio {ratio:.2f}; farms reach {t:g})")
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
    checks: _Checks,
) -> None:
    if len(history) < 2:
        return
    growth, evidence = follower_jump(history, settings)
    t = settings.follower_jump_ratio
    strength = _clamp(growth / (2 * t))
    checks.passed("follower_jump", strength, evidence or
                  f"no growth above {t:.0%} within {settings.follower_jump_days:g} days over "
                  f"{len(history)} observations")
    if growth >= t and evidence:
        flags.append(Flag(name="follower_jump", kind="audience", strength=strength,
                          value=growth, threshold=t, evidence=[evidence]))


@dataclass
class _Checks:
    """The audience checks run so far: strengths, evidence, and those that could not run."""

    signals: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    unchecked: dict[str, str] = field(default_factory=dict)

    def passed(self, name: str, strength: float, evidence: str) -> None:
        self.signals[name] = strength
        self.evidence[name] = evidence


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
        if doc is None and post.sponsored is None:
            continue  # no text and no platform flag: cannot tell
        considered += 1
        hits = matcher.find(doc, post)
        if not hits:
            continue
        sponsored += 1
        for marker in dict.fromkeys(h.marker for h in hits):
            markers[marker] = markers.get(marker, 0) + 1
        if len(examples) < MAX_EXAMPLES:
            first = hits[0]
            examples.append(
                f"{_label(post)}: marker '{first.marker}' ({first.kind}) in "
                f"\"{first.evidence}\""
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
    checks = _Checks()
    posts = unique_posts(posts)  # the same text again is repetition, not more evidence
    if creator.flags.bot:
        # only where the platform says so: an automated account has no audience to trust
        said = "the platform marks this as an automated (bot) account"
        checks.passed("automated", 1.0, said)
        flags.append(Flag(name="automated", kind="audience", strength=1.0, value=1.0,
                          threshold=1.0, evidence=[said]))
    if derived_metrics:
        _ratio_signal(creator, settings, flags, checks)
        signals, engagement_flags = engagement_signals(engagement, settings)
        checks.signals.update(signals)
        flags += engagement_flags
        if {"likes", "reposts"} <= set(interactions):  # what the platform can have
            _mix_signal(posts, settings, flags, checks)
        _jump_signal(history, settings, flags, checks)
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
    value = authenticity_of(checks.signals, checks.unchecked, settings.weights) or 0.0
    result = AuthenticityResult(
        score=value,
        suspicion=suspicion_of(checks.signals, RISK_WEIGHTS),
        signals=checks.signals,
        evidence=checks.evidence,
        unchecked=checks.unchecked,
        sponsored=sponsored,
        brand_safety=brand,
        definition=DEFINITION,
    )
    return result, flags
