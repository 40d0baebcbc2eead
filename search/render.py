"""Search results and creator profiles as text: ``table``, ``json``, ``csv``, and ``show``.

Unknown values are ``-`` in the table and ``null`` in JSON and empty in CSV, never 0.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.search.query import Hit, SearchResults
from creatorscout.search.records import ScoredCreator

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")

UNKNOWN = "-"

TABLE_COLUMNS = (
    "rank",
    "id",
    "handle",
    "platform",
    "tier",
    "followers",
    "ER %",
    "relevance",
    "score",
    "role",
)
_RIGHT = {"rank", "followers", "ER %", "relevance", "score"}

CSV_COLUMNS = (
    "rank",
    "id",
    "handle",
    "display_name",
    "platform",
    "profile_url",
    "niche",
    "tier",
    "followers",
    "er",
    "relevance",
    "score",
    "role",
    "languages",
    "text_rank",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render_results(results: SearchResults, fmt: str = "table") -> str:
    """Render results in one of :data:`FORMATS`; ``ValueError`` for any other format.

    ``table`` and ``json`` end without a newline; ``csv`` ends with one (every row does).
    """
    if fmt == "table":
        return render_table(results)
    if fmt == "json":
        return render_json(results)
    if fmt == "csv":
        return render_csv(results)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


render = render_results


# -- values --------------------------------------------------------------------------------


def _tier(record: ScoredCreator) -> str | None:
    tier = record.score.tier.tier
    return None if tier == "unknown" else tier


def hit_row(hit: Hit, rank: int) -> dict[str, Any]:
    """The fields of one hit as plain JSON values (``None`` when unknown)."""
    record = hit.record
    creator = record.creator
    score = record.score
    return {
        "rank": rank,
        "id": record.id,
        "handle": creator.handle,
        "display_name": creator.display_name,
        "platform": creator.platform,
        "profile_url": creator.profile_url,
        "niche": record.niche,
        "tier": _tier(record),
        "followers": creator.followers,
        "er": score.engagement.rate,
        "relevance": score.relevance.score,
        "score": score.score,
        "role": score.role,
        "languages": list(creator.languages),
        "text_rank": hit.text_rank,
        "matched_terms": dict(score.relevance.matched_terms),
        "explanation": score.explanation(),
    }


def _rows(results: SearchResults) -> list[dict[str, Any]]:
    return [hit_row(hit, results.offset + i + 1) for i, hit in enumerate(results.hits)]


def _count(value: int | None) -> str:
    return UNKNOWN if value is None else f"{value:,}"


def _number(value: float | None, digits: int) -> str:
    return UNKNOWN if value is None else f"{value:.{digits}f}"


# -- table ---------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: wide East Asian characters count 2, marks 0."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def _clean(text: str) -> str:
    """One line, no control characters (a display name must not break the table)."""
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text).strip()


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[str]) -> str:
    """Align columns with two spaces between them; no trailing spaces."""
    widths = [display_width(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = []
    for row in [list(header), *rows]:
        cells = [_pad(cell, widths[i], header[i] in right) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def render_table(results: SearchResults) -> str:
    """Aligned plain-text columns, then a line saying which hits of how many are shown."""
    rows = [
        [
            str(row["rank"]),
            row["id"],
            _clean(row["handle"]),
            row["platform"],
            row["tier"] or UNKNOWN,
            _count(row["followers"]),
            _number(row["er"], 2),
            _number(row["relevance"], 2),
            _number(row["score"], 1),
            row["role"] or UNKNOWN,
        ]
        for row in _rows(results)
    ]
    if not rows:
        if results.total:
            return f"no hits on this page ({results.total} in all; lower --offset)"
        return "no creators matched"
    first = results.offset + 1
    last = results.offset + len(rows)
    footer = f"{first}-{last} of {results.total}"
    return format_table(TABLE_COLUMNS, rows, _RIGHT) + "\n" + footer


# -- json, csv -----------------------------------------------------------------------------


def results_document(results: SearchResults) -> dict[str, Any]:
    """The JSON document of ``--format json`` (also what an HTTP API can return)."""
    return {
        "total": results.total,
        "offset": results.offset,
        "hits": _rows(results),
        "facets": results.facets,
    }


def render_json(results: SearchResults) -> str:
    return json.dumps(results_document(results), ensure_ascii=False, indent=2)


def _csv_safe(value: Any) -> Any:
    """Keep spreadsheets from running a display name as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(results: SearchResults) -> str:
    """A header and one row per hit. Unknown values are empty; languages are ``;``-joined.

    Free text that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading ``'``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(results):
        values = dict(row, languages=";".join(row["languages"]))
        for text_field in ("display_name", "handle", "niche"):
            values[text_field] = _csv_safe(values[text_field])
        writer.writerow(["" if values[c] is None else values[c] for c in CSV_COLUMNS])
    return out.getvalue()


# -- show ----------------------------------------------------------------------------------

RECENT_POSTS = 3
POST_CHARS = 200


def _when(value: datetime | None) -> str:
    if value is None:
        return UNKNOWN
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.strftime("%Y-%m-%d %H:%M")


def _source(provenance: Provenance) -> str:
    text = (
        f"observed {_when(provenance.observed_at)} by {provenance.plugin} "
        f"{provenance.plugin_version}"
    )
    if provenance.source_url:
        text += f" from {provenance.source_url}"
    return text


def _short(text: str, limit: int = POST_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _profile_lines(creator: Creator) -> list[str]:
    name = _clean(creator.display_name) if creator.display_name else creator.handle
    lines = [f"{name} ({creator.handle}) on {creator.platform}", f"  id: {creator.id}"]
    if creator.profile_url:
        lines.append(f"  profile: {creator.profile_url}")
    if creator.bio:
        lines.append(f"  bio: {_short(creator.bio, 400)}")
    lines.append(f"  languages: {', '.join(creator.languages) or UNKNOWN}")
    if creator.links:
        lines.append(f"  links: {', '.join(creator.links)}")
    if creator.verified_links:
        lines.append(f"  verified links: {', '.join(creator.verified_links)}")
    flags = creator.flags
    marks = [n for n in ("bot", "group", "locked") if getattr(flags, n)]
    if flags.moved_to:
        marks.append(f"moved to {flags.moved_to}")
    if flags.no_post_text:
        marks.append("post text not stored (creator's choice)")
    if marks:
        lines.append(f"  flags: {', '.join(marks)}")
    lines.append("counts:")
    lines.append(f"  followers: {_count(creator.followers)}")
    lines.append(f"  following: {_count(creator.following)}")
    lines.append(f"  posts: {_count(creator.posts_count)}")
    lines.append(f"  ({_source(creator.provenance)})")
    return lines


def _niche_lines(record: ScoredCreator) -> list[str]:
    score = record.score
    tier = score.tier
    engagement = score.engagement
    relevance = score.relevance
    lines = [f"niche {record.niche}: score {score.score:.1f}/100, role {score.role or UNKNOWN}"]
    lines += ["  " + line for line in score.explanation()]
    lines.append(
        f"  tier: {tier.tier} ({tier.scheme} v{tier.scheme_version}, "
        f"followers {_count(tier.followers)})"
    )
    er = _number(engagement.rate, 2)
    er_line = (
        f"  engagement: {er}% over {engagement.posts_used} posts, "
        f"confidence {engagement.confidence}"
    )
    if engagement.benchmark is not None:
        er_line += f", typical {engagement.benchmark:.2f}%"
    lines.append(er_line)
    lines.append(f"    ({engagement.definition})")
    if engagement.note:
        lines.append(f"    note: {engagement.note}")
    lines.append(
        f"  relevance: {relevance.score:.2f} ({relevance.posts_matched} of "
        f"{relevance.posts_considered} posts matched"
        f"{', bio matched' if relevance.bio_matched else ''})"
    )
    if relevance.matched_terms:
        terms = ", ".join(f"{t} ({n})" for t, n in sorted(relevance.matched_terms.items()))
        lines.append(f"  matched terms: {terms}")
    if relevance.snippet:
        lines.append(f"  snippet: {_short(relevance.snippet)}")
    if score.flags:
        lines.append(f"  flags: {', '.join(score.flags)}")
    crawl = record.crawl
    lines.append(
        f"  found via {crawl.via} (depth {crawl.depth}), crawled {_when(crawl.crawled_at)}"
    )
    return lines


def _post_line(post: Post) -> str:
    counts = (
        f"{_count(post.likes)} likes, {_count(post.replies)} replies, "
        f"{_count(post.reposts)} reposts"
    )
    text = _short(post.text) if post.text else "(text not stored)"
    where = f" {post.url}" if post.url else ""
    return f"  {_when(post.created_at)}  {counts}{where}\n    {text}"


def render_show(records: list[ScoredCreator], *, posts: int = RECENT_POSTS) -> str:
    """``scout show``: the profile, counts with provenance, each niche's score explained,
    and a few recent posts. ``records`` are one creator's records (any order)."""
    if not records:
        return "no records for this creator"
    newest = max(records, key=lambda r: r.creator.provenance.observed_at)
    lines = _profile_lines(newest.creator)
    for record in sorted(records, key=lambda r: r.niche):
        lines.append("")
        lines += _niche_lines(record)
    seen: dict[str, Post] = {}
    for record in records:
        for post in record.posts:
            seen.setdefault(post.id, post)
    epoch = datetime.min.replace(tzinfo=UTC)
    recent = sorted(seen.values(), key=lambda p: p.created_at or epoch, reverse=True)[:posts]
    if recent:
        lines.append("")
        lines.append(f"recent posts ({len(recent)} of {len(seen)}):")
        lines += [_post_line(p) for p in recent]
    return "\n".join(lines)
