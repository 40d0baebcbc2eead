"""A score explained in plain words, with points that add up to the score as printed."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from creatorscout.scoring.results import CreatorScore


def rounded_points(contributions: list[float], digits: int = 1) -> list[float]:
    """Each contribution x 100 rounded to ``digits`` so that the rounded points sum to the
    rounded total (largest remainder): a printed explanation adds up to the printed score."""
    scale = 10**digits
    raw = [c * 100 * scale for c in contributions]
    floors = [math.floor(r + 1e-9) for r in raw]
    target = round(sum(raw))
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[: max(0, target - sum(floors))]:
        floors[i] += 1
    return [f / scale for f in floors]


ROLE_MEANING = {
    "influencer": "among the most mentioned creators of the crawl",
    "connector": "links groups of the mention graph that otherwise rarely talk",
    "both": "among the most mentioned, and a link between groups",
    "neither": "neither among the most mentioned nor a link between groups",
}


def role_words(score: CreatorScore) -> str:
    """The mention-graph role in plain words, with the numbers behind it."""
    net = score.network
    role = score.role or "unknown"
    meaning = ROLE_MEANING.get(role, "not judged")
    if net is None:
        return f"{role} ({meaning})"
    groups = "group" if net.communities_touched == 1 else "groups"
    return (
        f"{role}, {meaning}: mentioned {net.in_mentions} times by crawled creators; talks "
        f"with {net.neighbours} accounts in {net.communities_touched} {groups} of the "
        f"{net.communities} the graph found"
    )


def explanation_lines(score: CreatorScore) -> list[str]:
    """The lines of :meth:`CreatorScore.explanation`: the score, how much of it rests on
    measured data, one line per component (value, effective weight, points, what went in),
    the role and the flags with their evidence."""
    lines = [f"score {score.score:.1f}/100 in niche '{score.niche}' on {score.platform}"]
    if score.coverage is not None:
        unknown = [c.name for c in score.components if c.value is None]
        line = f"  {score.coverage:.0%} of the weight rests on measured data"
        if unknown:
            line += f"; unknown, counted as 0: {', '.join(unknown)}"
        lines.append(line)
    points = rounded_points([c.contribution for c in score.components])
    for c, pts in zip(score.components, points, strict=True):
        effective = c.effective_weight if c.effective_weight is not None else c.weight
        value = "unknown" if c.value is None else f"{c.value:.2f}"
        lines.append(
            f"  {c.name}: {value} x {effective:.0%} = {pts:.1f} points  ({c.detail})"
        )
    if score.network is not None:
        lines.append(f"  role: {role_words(score)}")
    for flag in score.flag_details:
        evidence = "; ".join(flag.evidence[:3])
        lines.append(f"  flag {flag.name}: {evidence}")
    return lines
