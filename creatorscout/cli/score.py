"""``scout score [FILE|-] --niche NICHE``: score creators given as JSON lines, no crawl.

The input is what ``scout parse`` prints: a ``creator`` record followed by its ``post``
records (posts are matched to their creator by ``creator_id``, so the order only matters for
reading). Other record types (``mention``, ``request``, ``candidate``...) are skipped; a line
that is not a JSON object, or a creator or post that does not validate, is counted and
skipped, and the first such line is named on stderr. The set is scored as one crawl would
score it (:func:`creatorscout.scoring.niche_pass.score_set`): crawl benchmarks, percentiles
and the mention graph come from the creators given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click
from pydantic import ValidationError

from creatorscout.cli.common import fail
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.explain import rounded_points
from creatorscout.scoring.results import CreatorScore


@dataclass
class ScoreInput:
    """Creators with their posts, in input order, and what was skipped."""

    creators: dict[str, Creator] = field(default_factory=dict)
    posts: dict[str, list[Post]] = field(default_factory=dict)
    malformed: int = 0
    first_problem: str | None = None
    orphans: int = 0

    def problem(self, line: int, what: str) -> None:
        self.malformed += 1
        if self.first_problem is None:
            self.first_problem = f"line {line}: {what}"


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"{where}: {first['msg']}"


def read_records(lines: Iterable[str]) -> ScoreInput:
    """Creators and posts from JSON lines in the format of ``scout parse``."""
    found = ScoreInput()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data: Any = json.loads(raw)
        except json.JSONDecodeError as exc:
            found.problem(number, f"not JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            found.problem(number, "not a JSON object")
            continue
        kind = data.pop("type", None)
        try:
            if kind == "creator":
                # `scout parse` prints embedded profiles as candidates with a `creator`
                nested = data.get("creator")
                creator = Creator.model_validate(nested if isinstance(nested, dict) else data)
                found.creators[creator.id] = creator
                found.posts.setdefault(creator.id, [])
            elif kind == "post":
                post = Post.model_validate(data)
                found.posts.setdefault(post.creator_id, []).append(post)
        except ValidationError as exc:
            found.problem(number, f"{kind} record: {_first_error(exc)}")
    found.orphans = sum(
        len(posts) for cid, posts in found.posts.items() if cid not in found.creators
    )
    return found


def score_row(score: CreatorScore, creator: Creator) -> dict[str, Any]:
    """One creator's line of ``--format json``."""
    auth = score.authenticity
    points = rounded_points([c.contribution for c in score.components])
    return {
        "id": creator.id,
        "handle": creator.handle,
        "platform": creator.platform,
        "score": round(score.score, 2),
        "relevance": round(score.relevance.score, 4),
        "sponsored_share": auth.sponsored.share if auth is not None else None,
        "flags": list(score.flags),
        "tier": score.tier.tier,
        "coverage": score.coverage,
        "engagement": {
            "rate": score.engagement.rate,
            "definition": score.engagement.definition,
            "posts": score.engagement.posts_used,
            "window_start": score.engagement.window_start.isoformat()
            if score.engagement.window_start else None,
            "window_end": score.engagement.window_end.isoformat()
            if score.engagement.window_end else None,
            "benchmark": score.engagement.benchmark,
            "benchmark_source": score.engagement.benchmark_source,
        },
        "components": [
            {"name": c.name, "value": c.value, "weight": c.effective_weight,
             "points": p, "detail": c.detail}
            for c, p in zip(score.components, points, strict=True)
        ],
        "explanation": score.explanation(),
    }


def _why(score: CreatorScore) -> str:
    """The explanation on one line: each component's points, adding up to the score."""
    points = rounded_points([c.contribution for c in score.components])
    parts = [
        f"{c.name} {p:.1f}" + ("?" if c.value is None else "")
        for c, p in zip(score.components, points, strict=True)
    ]
    return " + ".join(parts) + f" = {score.score:.1f}"


def render_scores(rows: list[tuple[CreatorScore, Creator]], fmt: str) -> str:
    if fmt == "json":
        return "\n".join(
            json.dumps(score_row(s, c), ensure_ascii=False) for s, c in rows
        )
    from creatorscout.search.render import format_table

    header = ("id", "tier", "score", "relevance", "sponsored", "coverage", "flags", "why")
    body = [
        (
            c.id, s.tier.tier, f"{s.score:.1f}", f"{s.relevance.score:.2f}",
            "-" if s.authenticity is None or s.authenticity.sponsored.share is None
            else f"{s.authenticity.sponsored.share:.0%}",
            "-" if s.coverage is None else f"{s.coverage:.0%}",
            ",".join(s.flags) or "-", _why(s),
        )
        for s, c in rows
    ]
    legend = "why: points per component (? = unknown, counted as 0); they add up to the score"
    return format_table(header, body, {"score", "relevance", "sponsored", "coverage"}) + (
        "\n" + legend
    )


@click.command()
@click.argument("file", default="-", required=False)
@click.option("--niche", required=True, help="The niche to score against, e.g. vegan-cooking.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="json: one JSON object per creator and line.")
def score(file: str, niche: str, fmt: str) -> None:
    """Score creators from JSON lines as `scout parse` prints them (FILE, or - for stdin),
    without crawling: one line per creator, best first, with its explanation."""
    from creatorscout.config import (
        ConfigError,
        load_markers,
        load_niche,
        load_scoring,
        load_tiers,
    )
    from creatorscout.scoring import disclosure_matcher
    from creatorscout.scoring.niche_pass import score_set

    try:
        niche_config = load_niche(niche)
        tiers, scoring, markers = load_tiers(), load_scoring(), load_markers()
    except ConfigError as exc:
        fail(str(exc), 2)
    stream: IO[str]
    if file == "-":
        stream = sys.stdin
        found = read_records(stream)
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"no file '{file}'; give a JSON-lines file from `scout parse`, or - for stdin",
                 2)
        with path.open(encoding="utf-8", errors="replace") as stream:
            found = read_records(stream)
    if found.malformed:
        click.echo(f"scout: skipped {found.malformed} malformed line"
                   f"{'s' if found.malformed != 1 else ''} ({found.first_problem})", err=True)
    if found.orphans:
        click.echo(f"scout: skipped {found.orphans} post(s) whose creator record is missing",
                   err=True)
    if not found.creators:
        fail("no creator record in the input; expected JSON lines with \"type\": \"creator\" "
             "as `scout parse` prints them", 2)
    pairs = [(c, found.posts.get(cid, [])) for cid, c in found.creators.items()]
    scores = score_set(pairs, niche_config, tiers=tiers, scoring=scoring,
                       markers=disclosure_matcher(markers))
    rows = sorted(zip(scores, [c for c, _ in pairs], strict=True),
                  key=lambda row: (-row[0].score, row[1].id))
    click.echo(render_scores(rows, fmt))
