"""The one registry of score components: name -> how to compute it, explain it, weigh it, sort.

Everything that lists components derives from :data:`REGISTRY`: the composite
(:func:`creatorscout.scoring.composite.compose`), the weight checks, the search sorts
(:mod:`creatorscout.search.query`), the CLI choices and the README table (``scout dev
components`` prints it). Adding a component means adding one :class:`ScoreComponent` here
and its weight in ``scoring.yaml``.

A component's ``compute`` returns ``(value in [0, 1] or None when unknown, plain words)``.
The rule for unknown values is the composite's, not the component's: an unknown value
counts as 0 (the floor), so hiding a number can never raise a score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from creatorscout.config.schema import ScoringConfig
from creatorscout.scoring.engagement import engagement_value, evidence_scale
from creatorscout.scoring.results import CreatorScore

REACH_DECADES = 7.0
"""Followers at which reach saturates, as a power of ten (10 million)."""

Compute = Callable[[CreatorScore, ScoringConfig], tuple[float | None, str]]


@dataclass(frozen=True, slots=True)
class SortSpec:
    """The search sort that orders by a component: its name, the stored field and order."""

    name: str
    field: str
    order: Literal["asc", "desc"]
    meaning: str


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One part of the composite score."""

    name: str
    """Also the key of its weight in ``scoring.yaml: weights``."""
    summary: str
    """What it measures, in one line (README table, ``--help``)."""
    compute: Compute
    sort: SortSpec | None


def _pct(value: float) -> str:
    return f"{value:.2f}%" if value < 10 else f"{value:.1f}%"


def ordinal(n: float) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ... of a percentile rounded to a whole."""
    k = round(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def relevance_component(score: CreatorScore, scoring: ScoringConfig) -> tuple[float | None, str]:
    relevance = score.relevance
    parts = [
        f"{relevance.posts_matched} of {_plural(relevance.posts_considered, 'recent post')} "
        f"are about the niche",
        "the bio is about it too" if relevance.bio_matched else "the bio is not about it",
    ]
    if relevance.matched_terms:
        top = list(relevance.matched_terms.items())[:5]
        parts.append("words found: " + ", ".join(f"{t} ({n})" for t, n in top))
    if relevance.excluded_terms:
        parts.append("off-niche words lower it: " + ", ".join(relevance.excluded_terms))
    return relevance.score, "; ".join(parts)


def _window(score: CreatorScore) -> str:
    engagement = score.engagement
    start, end = engagement.window_start, engagement.window_end
    if start is None or end is None:
        return ""
    days = max(1, round((end - start).total_seconds() / 86400))
    return f", last {days} days"


def engagement_component(
    score: CreatorScore, scoring: ScoringConfig
) -> tuple[float | None, str]:
    engagement = score.engagement
    if engagement.rate is None:
        return None, engagement.note or "no engagement rate"
    per = "view" if engagement.basis == "views" else "follower"
    how = (
        f"mean of {_plural(engagement.posts_used, 'post')}"
        if engagement.method == "industry"
        else f"median of {_plural(engagement.posts_used, 'post')}"
    )
    what = "likes + comments" if engagement.method == "industry" else "interactions"
    text = f"{what} {_pct(engagement.rate)} of {per}s per post ({how}{_window(score)})"
    if engagement.confidence == "low":
        text += ", few posts: low confidence"
    relative = engagement.relative
    if engagement.scored_rate is None:
        return None, text + ("; likes or replies missing on some posts, and a missing count "
                             "could hide an anomaly: not judged")
    if relative is None or engagement.benchmark is None:
        return None, text + f"; no benchmark for {score.tier.tier} accounts, so not judged"
    typical_reported = engagement.reported_benchmark or engagement.benchmark
    reported = (
        engagement.anomaly_rate / typical_reported
        if engagement.anomaly_rate is not None and typical_reported > 0 else None
    )
    trust = evidence_scale(engagement, score.tier.followers, scoring.engagement)
    value = engagement_value(relative * trust, scoring.engagement, reported)
    peak = reported or 0.0
    scored = engagement.scored_rate
    if scored is not None and abs(scored - engagement.rate) > 0.05 * engagement.rate:
        share = scoring.engagement.share_for(score.platform)
        text += (
            f"; judged by conversation, which likes cannot buy: replies, reposts and quotes "
            f"imply {_pct(scored)} at the usual {share:.0%} share"
        )
    settings = scoring.engagement
    if peak > settings.anomaly_start:
        verdict = (f"likes and replies {peak:.1f}x typical, far above the expected band: pod "
                   f"or bought engagement counts less")
    elif relative >= settings.band_top:
        verdict = f"{relative:.1f}x typical, at the top of the expected band (more adds nothing)"
    elif relative >= 0.75:
        verdict = f"{relative:.2f}x typical"
    else:
        verdict = f"{relative:.2f}x typical, below the usual"
    text += (
        f"; {verdict} for {score.tier.tier} accounts on {score.platform} "
        f"({_pct(engagement.benchmark)}, {engagement.benchmark_source or 'benchmark'})"
    )
    if engagement.percentile is not None:
        text += (f"; {ordinal(engagement.percentile)} percentile of {engagement.peers} such "
                 f"creators in this crawl")
    if trust < 0.95:
        text += (f"; so small an audience gives little evidence: counted at {trust:.0%} of "
                 f"its strength")
    return value, text


def reach_of(followers: int | None) -> float | None:
    """log10(followers + 1) / 7, clipped to [0, 1]; None when the count is unknown."""
    if followers is None:
        return None
    return min(1.0, max(0.0, math.log10(followers + 1) / REACH_DECADES))


def reach_component(score: CreatorScore, scoring: ScoringConfig) -> tuple[float | None, str]:
    tier = score.tier
    value = reach_of(tier.followers)
    if value is None or tier.followers is None:
        return None, "follower count not published"
    return value, (
        f"{tier.followers:,} followers ({tier.tier}); 10 million would be 1.00 (log scale)"
    )


def authenticity_component(
    score: CreatorScore, scoring: ScoringConfig
) -> tuple[float | None, str]:
    authenticity = score.authenticity
    weights = scoring.authenticity.weights
    checked = {n: v for n, v in authenticity.signals.items() if weights.get(n)} if (
        authenticity is not None) else {}
    if authenticity is None or not checked:
        missing = "; ".join(
            f"{n.replace('_', ' ')}: {why}" for n, why in (authenticity.unchecked.items()
                                                           if authenticity else [])
        )
        return None, "no audience check could be run" + (f" ({missing})" if missing else "")
    parts = []
    for name, strength in checked.items():
        verdict = "normal" if strength < 0.25 else "a warning sign" if strength < 1 else "failed"
        evidence = authenticity.evidence.get(name, "")
        parts.append(f"{name.replace('_', ' ')} {verdict}" + (f" ({evidence})" if evidence
                                                              else ""))
    for name, why in authenticity.unchecked.items():
        parts.append(f"{name.replace('_', ' ')} not checked, counts as failed ({why})")
    total = len(checked) + len(authenticity.unchecked)
    return authenticity.score, f"{_plural(total, 'audience check')}: " + "; ".join(parts)


def sponsored_component(
    score: CreatorScore, scoring: ScoringConfig
) -> tuple[float | None, str]:
    authenticity = score.authenticity
    sponsored = authenticity.sponsored if authenticity is not None else None
    if sponsored is None or sponsored.share is None:
        return None, "no post text to read for ad disclosures"
    text = (
        f"{sponsored.posts_sponsored} of {_plural(sponsored.posts_considered, 'original post')} "
        f"disclose an ad ({sponsored.share:.0%}); sponsored content erodes trust"
    )
    if sponsored.markers:
        text += "; disclosures: " + ", ".join(f"{m} ({n})" for m, n in
                                              list(sponsored.markers.items())[:4])
    return 1.0 - sponsored.share, text


def influence_component(
    score: CreatorScore, scoring: ScoringConfig
) -> tuple[float | None, str]:
    network = score.network
    if network is None:
        return None, "known only after a crawl's niche pass builds the mention graph"
    if network.in_mentions <= 0:
        # no evidence of influence is unknown, not the middle of the field
        return None, (f"no creator in this crawl mentions them "
                      f"({network.graph_nodes:,} accounts in the mention graph)")
    return network.influence_percentile / 100, (
        f"mentioned {_plural(network.in_mentions, 'time')} by crawled creators; "
        f"{ordinal(network.influence_percentile)} percentile by PageRank among the "
        f"mentioned creators on {score.platform}"
    )


REGISTRY: dict[str, ScoreComponent] = {
    c.name: c
    for c in (
        ScoreComponent(
            "relevance", "How much of the bio and recent posts is about the niche",
            relevance_component,
            SortSpec("relevance", "relevance", "desc",
                     "niche relevance (the text match when a query is given)"),
        ),
        ScoreComponent(
            "engagement",
            "Engagement against the typical rate for the platform and tier; no extra credit "
            "above the expected band, less far above it",
            engagement_component,
            SortSpec("er_percentile", "er_percentile", "desc",
                     "engagement percentile among the same platform and tier in the crawl"),
        ),
        ScoreComponent(
            "authenticity",
            "Share of the audience checks passed (follow ratio, interaction mix, follower "
            "jumps); a check without data counts as failed",
            authenticity_component,
            SortSpec("authenticity", "authenticity", "desc", "share of audience checks passed"),
        ),
        ScoreComponent(
            "reach", "Followers on a log scale (10 million = 1)", reach_component,
            SortSpec("followers", "followers", "desc", "follower count"),
        ),
        ScoreComponent(
            "sponsored", "1 - share of recent original posts that disclose an ad",
            sponsored_component,
            SortSpec("sponsored", "sponsored_share", "asc", "fewest disclosed ads first"),
        ),
        ScoreComponent(
            "influence",
            "PageRank percentile among the creators the crawl's mention graph shows "
            "mentioned; unknown when nobody mentions them",
            influence_component,
            SortSpec("influence", "influence", "desc", "PageRank percentile in the mention graph"),
        ),
    )
}
"""Every score component, in the order explanations list them."""

COMPONENTS: tuple[str, ...] = tuple(REGISTRY)
"""The component names (the keys ``scoring.yaml: weights`` may use)."""


def check_weights(scoring: ScoringConfig) -> None:
    """Raise ``ValueError`` when ``scoring.weights`` names a component that does not exist."""
    unknown = [name for name in scoring.weights if name not in REGISTRY]
    if unknown:
        raise ValueError(
            f"scoring weight '{unknown[0]}' names no score component; "
            f"use one of: {', '.join(COMPONENTS)}"
        )


def component_table(weights: Mapping[str, float]) -> str:
    """The README table of components (markdown), from the registry and ``weights``."""
    total = sum(weights.values()) or 1.0
    rows = ["| component | weight | what it measures | sort |", "|---|---|---|---|"]
    for c in REGISTRY.values():
        sort = f"`--sort {c.sort.name}`" if c.sort else ""
        weight = f"{weights[c.name] / total:.0%}" if c.name in weights else "0%"
        rows.append(f"| `{c.name}` | {weight} | {c.summary} | {sort} |")
    return "\n".join(rows)
