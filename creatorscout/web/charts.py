"""Chart geometry for server-rendered SVG: plain numbers the templates draw.

No script and no ``style=`` attribute is needed to show a chart (the CSP forbids inline
styles); every chart also says its numbers in text, so nothing depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from creatorscout.api.schemas import GrowthPoint, ScorePart

WIDTH = 600.0
"""The viewBox width of every chart; the SVG scales to its container."""


@dataclass(frozen=True)
class Segment:
    label: str
    points: float
    x: float
    width: float
    css: str


def score_segments(parts: Sequence[ScorePart], width: float = WIDTH) -> list[Segment]:
    """One segment per known component, as wide as its points (of 100): the segments
    together are as wide as the score."""
    segments: list[Segment] = []
    x = 0.0
    for k, part in enumerate(p for p in parts if p.value is not None):
        w = max(0.0, part.points) / 100.0 * width
        segments.append(Segment(part.component, part.points, x, w, f"part{k % 6}"))
        x += w
    return segments


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    text: str


def column_bars(counts: Sequence[tuple[str, float]], *, height: float = 160.0,
                width: float = WIDTH, fmt: str = "{:,.0f}") -> list[Bar]:
    """Vertical bars for a histogram, scaled to the largest value."""
    if not counts:
        return []
    top = max((v for _, v in counts), default=0.0) or 1.0
    slot = width / len(counts)
    bars = []
    for k, (label, value) in enumerate(counts):
        h = value / top * height
        bars.append(Bar(label, value, k * slot + slot * 0.15, height - h, slot * 0.7, h,
                        fmt.format(value)))
    return bars


def row_bars(counts: Sequence[tuple[str, float]], *, width: float = 360.0,
             fmt: str = "{:,.0f}") -> list[Bar]:
    """Horizontal bars (one row each, 24 units apart), scaled to the largest value."""
    top = max((v for _, v in counts), default=0.0) or 1.0
    return [Bar(label, value, 0.0, k * 24.0, value / top * width, 16.0, fmt.format(value))
            for k, (label, value) in enumerate(counts)]


@dataclass(frozen=True)
class Gauge:
    """Engagement against its tier's typical rate: a scale from 0 to ``top``."""

    rate_x: float
    band_x: float
    top: float
    width: float


def engagement_gauge(rate: float | None, benchmark: float | None,
                     width: float = WIDTH) -> Gauge | None:
    if rate is None or benchmark is None or benchmark <= 0:
        return None
    top = max(rate, benchmark) * 1.5
    return Gauge(rate / top * width, benchmark / top * width, top, width)


@dataclass(frozen=True)
class Line:
    points: str
    dots: list[tuple[float, float, str]]
    y_labels: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]


def growth_line(history: Sequence[GrowthPoint], *, width: float = WIDTH,
                height: float = 160.0, left: float = 70.0) -> Line | None:
    """Followers over time as a polyline; None with fewer than one known point."""
    known = [(p.observed_at, p.followers) for p in history if p.followers is not None]
    if not known:
        return None
    t0, t1 = known[0][0], known[-1][0]
    span = (t1 - t0).total_seconds() or 1.0
    values = [v for _, v in known if v is not None]
    lo, hi = min(values), max(values)
    flat = hi == lo
    if flat:  # one level: draw it mid-height
        lo, hi = lo - 1, hi + 1
    plot = width - left - 10

    def xy(when: datetime, value: int) -> tuple[float, float]:
        x = left + ((when - t0).total_seconds() / span) * plot if len(known) > 1 else left
        y = 10 + (1 - (value - lo) / (hi - lo)) * (height - 30)
        return round(x, 1), round(y, 1)

    dots = [(*xy(t, v), f"{t:%Y-%m-%d}: {v:,} followers") for t, v in known if v is not None]
    return Line(
        points=" ".join(f"{x},{y}" for x, y, _ in dots),
        dots=dots,
        y_labels=[(dots[0][1], f"{values[0]:,}")] if flat
        else [(10.0, f"{hi:,}"), (height - 20, f"{lo:,}")],
        x_labels=[(left, f"{t0:%Y-%m-%d}"), (width - 10, f"{t1:%Y-%m-%d}")],
    )
