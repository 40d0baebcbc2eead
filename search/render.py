"""Search results and creator profiles as text: ``table``, ``json``, ``csv``, and ``show``.

Unknown values are ``-`` in the table and ``null`` in JSON and empty in CSV, never 0.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.scoring.components import ordinal
from creatorscout.scoring.identity import Evidence, Person
from creatorscout.scoring.results import CreatorScore
from creatorscout.search.query import Hit, SearchResults
from creatorscout.search.records import ScoredCreator

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")

UNKNOWN = "-"

INCOMPLETE_MARK = "*"
INCOMPLETE_NOTE = ("posts not all read (refused or rate-limited): the scores lack data; "
                   "the next crawl fetches them again")

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
ALSO_COLUMN = "also"
"""Extra table column, shown when a hit's person has other profiles: ``+N``."""

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
    "person_id",
    "other_profiles",
    "complete",
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


def render_groups(groups: Mapping[str, SearchResults], fmt: str = "table") -> str:
    """``--by-platform``: one result list per platform, in the given order. ``table``: a
    titled table each; ``json``: ``{"groups": {platform: document}}``; ``csv``: one header,
    then every group's rows (the platform column tells them apart)."""
    if fmt == "json":
        return json.dumps({"groups": {p: results_document(r) for p, r in groups.items()}},
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        parts = [render_csv(r) for r in groups.values()]
        header = ",".join(CSV_COLUMNS) + "\n"
        return header + "".join(part.split("\n", 1)[1] for part in parts)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if not groups:
        return "no creators matched"
    return "\n\n".join(
        f"{platform}: {r.total} creator{'s' if r.total != 1 else ''}\n{render_table(r)}"
        for platform, r in groups.items()
    )


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
        "coverage": score.coverage,
        "sponsored_share": score.authenticity.sponsored.share if score.authenticity else None,
        "flags": list(score.flags),
        "role": score.role,
        "complete": record.crawl.complete,
        "languages": list(creator.languages),
        "text_rank": hit.text_rank,
        "person_id": hit.person_id,
        "other_profiles": list(hit.other_profiles),
        "matched_terms": dict(score.relevance.matched_terms),
        "matched_words": dict(score.relevance.matched_words),
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
            _number(row["score"], 1) + ("" if row["complete"] else INCOMPLETE_MARK),
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
    if any(not hit.record.crawl.complete for hit in results.hits):
        footer += f"\n{INCOMPLETE_MARK} {INCOMPLETE_NOTE}"
    columns: tuple[str, ...] = TABLE_COLUMNS
    if any(hit.other_profiles for hit in results.hits):
        # the same person's other profiles, counted: `scout show ID` lists them
        columns += (ALSO_COLUMN,)
        for row, hit in zip(rows, results.hits, strict=True):
            row.append(f"+{len(hit.other_profiles)}" if hit.other_profiles else "")
    return format_table(columns, rows, _RIGHT) + "\n" + footer


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
        values = dict(row, languages=";".join(row["languages"]),
                      other_profiles=";".join(row["other_profiles"]))
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


def _day(value: datetime | None) -> str:
    return UNKNOWN if value is None else value.strftime("%Y-%m-%d")


def _engagement_lines(score: CreatorScore) -> list[str]:
    """Which definition, over which window and how many posts, against which benchmark."""
    engagement = score.engagement
    lines = []
    if engagement.rate is None:
        lines.append(f"  engagement: -% ({engagement.note or 'unknown'})")
    else:
        per = "view" if engagement.basis == "views" else "follower"
        how = "mean" if engagement.method == "industry" else "median"
        window = ""
        if engagement.window_start is not None and engagement.window_end is not None:
            days = max(1, round((engagement.window_end - engagement.window_start)
                                .total_seconds() / 86400))
            window = (f", {_day(engagement.window_start)} to {_day(engagement.window_end)} "
                      f"({days} days)")
        lines.append(
            f"  engagement: {engagement.rate:.2f}% of {per}s per post, {how} of "
            f"{engagement.posts_used} posts{window}; confidence {engagement.confidence}"
        )
    lines.append(f"    definition ({engagement.method}): {engagement.definition}")
    if engagement.scored_rate is not None:
        lines.append(f"    scored on conversation (replies, reposts, quotes): "
                     f"{engagement.scored_rate:.2f}%")
    if engagement.benchmark is not None:
        bench = (f"    typical: {engagement.benchmark:.2f}% "
                 f"({engagement.benchmark_source or 'benchmark'})")
        if engagement.percentile is not None:
            bench += (f"; {ordinal(engagement.percentile)} percentile of {engagement.peers} "
                      f"{score.tier.tier} creators on {score.platform} in this crawl")
        lines.append(bench)
    if engagement.note and engagement.rate is not None:
        lines.append(f"    note: {engagement.note}")
    return lines


def _audience_lines(score: CreatorScore) -> list[str]:
    authenticity = score.authenticity
    if authenticity is None:
        return []
    lines = [f"  audience checks: {authenticity.score:.0%} passed"]
    for name, evidence in authenticity.evidence.items():
        strength = authenticity.signals.get(name, 0.0)
        verdict = "ok" if strength < 0.25 else "warning" if strength < 1 else "failed"
        lines.append(f"    {name.replace('_', ' ')}: {verdict} ({evidence})")
    for name, why in authenticity.unchecked.items():
        lines.append(f"    {name.replace('_', ' ')}: not checked, counts as failed ({why})")
    sponsored = authenticity.sponsored
    if sponsored.share is not None:
        markers = ", ".join(f"{m} ({n})" for m, n in sponsored.markers.items())
        lines.append(
            f"  sponsored: {sponsored.posts_sponsored} of {sponsored.posts_considered} "
            f"original posts disclose an ad ({sponsored.share:.0%})"
            + (f"; disclosures: {markers}" if markers else "")
        )
    return lines


def _network_line(score: CreatorScore) -> str | None:
    net = score.network
    if net is None:
        return None
    return (
        f"  network: mentions others {net.out_mentions} times; mention graph of "
        f"{net.graph_nodes:,} accounts (the role line above says what it makes them)"
    )


def _niche_lines(record: ScoredCreator) -> list[str]:
    score = record.score
    tier = score.tier
    relevance = score.relevance
    lines = [f"niche {record.niche}: score {score.score:.1f}/100, role {score.role or UNKNOWN}"]
    lines += ["  " + line for line in score.explanation()]
    bands = ", ".join(f"{name} {minimum:,}+" for name, minimum in tier.thresholds.items())
    lines.append(
        f"  tier: {tier.tier} (followers {_count(tier.followers)}; scheme {tier.scheme} "
        f"v{tier.scheme_version}: {bands})"
    )
    lines += _engagement_lines(score)
    lines.append(
        f"  relevance: {relevance.score:.2f} ({relevance.posts_matched} of "
        f"{relevance.posts_considered} posts matched"
        f"{', bio matched' if relevance.bio_matched else ''})"
    )
    if relevance.matched_terms:
        words = relevance.matched_words
        terms = ", ".join(
            f"{t} ({n})" + (f" from {'/'.join(words[t])}" if words.get(t) else "")
            for t, n in sorted(relevance.matched_terms.items())
        )
        lines.append(f"  matched terms: {terms}")
    if relevance.snippet:
        lines.append(f"  snippet: {_short(relevance.snippet)}")
    lines += _audience_lines(score)
    network = _network_line(score)
    if network is not None:
        lines.append(network)
    if not score.derived_metrics:
        lines.append(f"  derived metrics off for {score.platform} (platform terms; "
                     "see scoring.yaml)")
    if score.flags:
        lines.append(f"  flags: {', '.join(score.flags)}")
        for flag in score.flag_details:
            for item in flag.evidence:
                lines.append(f"    {flag.name}: {_short(item)}")
    crawl = record.crawl
    lines.append(
        f"  found via {crawl.via} (depth {crawl.depth}), crawled {_when(crawl.crawled_at)}"
    )
    if not crawl.complete:
        lines.append(f"  incomplete: {INCOMPLETE_NOTE}")
    return lines


def _post_line(post: Post) -> str:
    counts = (
        f"{_count(post.likes)} likes, {_count(post.replies)} replies, "
        f"{_count(post.reposts)} reposts"
    )
    text = _short(post.text) if post.text else "(text not stored)"
    where = f" {post.url}" if post.url else ""
    return f"  {_when(post.created_at)}  {counts}{where}\n    {text}"


_PUBLISHED = {"verified": "verified link", "rel_me": "rel=me link", "link": "profile link"}


def _evidence_line(item: Evidence) -> str:
    target = f" ({item.target_id})" if item.target_id else ""
    return f"    {item.source_id}: {_PUBLISHED[item.published]} {item.link}{target}: {item.note}"


def person_lines(
    person: Person, creator_id: str, profiles: Mapping[str, Creator] | None = None
) -> list[str]:
    """The person section of ``scout show``: the other profiles (with handle and profile
    URL when ``profiles`` has them) and why we believe they are the same person, then
    claims that were not merged (one-way, conflicts)."""
    others = person.others(creator_id)
    profiles = profiles or {}
    members = set(person.members)
    joined = [e for e in person.evidence if e.merged]
    open_claims = [e for e in person.evidence if not e.merged and e.status != "conflict"
                   and not (e.source_id in members and e.target_id in members)]
    conflicts = [e for e in person.evidence if e.status == "conflict"]
    lines: list[str] = []
    if others:
        lines.append(f"same person ({person.id}), also on:")
        for other in others:
            known = profiles.get(other)
            shown = f"  {other}"
            if known is not None:
                shown += f"  {_clean(known.handle)}"
                if known.profile_url:
                    shown += f"  {known.profile_url}"
            lines.append(shown)
        lines.append("  because:")
        lines += [_evidence_line(e) for e in joined]
    if open_claims:
        lines.append("unverified claims (recorded, never merged):")
        lines += [_evidence_line(e) for e in open_claims]
    if conflicts:
        lines.append("conflicting links (not merged):")
        lines += [_evidence_line(e) for e in conflicts]
    return lines


def render_show(
    records: list[ScoredCreator], *, posts: int = RECENT_POSTS, person: Person | None = None,
    profiles: Mapping[str, Creator] | None = None,
) -> str:
    """``scout show``: the profile, counts with provenance, the same person's other
    profiles with the evidence (when ``person`` is given; ``profiles`` maps their ids to
    their profiles), each niche's score explained, and a few recent posts. ``records`` are
    one creator's records (any order)."""
    if not records:
        return "no records for this creator"
    newest = max(records, key=lambda r: r.creator.provenance.observed_at)
    lines = _profile_lines(newest.creator)
    if person is not None:
        section = person_lines(person, newest.creator.id, profiles)
        if section:
            lines.append("")
            lines += section
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
