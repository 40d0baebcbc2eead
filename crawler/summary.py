"""The end-of-crawl summary: found, fetched, skipped and why, indexed, requests per creator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PREFIX = "creatorscout/"
OUTSIDE_NICHE = "profile outside the niche"
"""The skip reason of a profile whose bio and posts do not mention the niche (spider)."""


def crawl_counts(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Group ``creatorscout/<kind>/<platform>[/<reason>]`` stats by kind."""
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        if not key.startswith(PREFIX) or not isinstance(value, (int, float)):
            continue
        kind, _, rest = key[len(PREFIX):].partition("/")
        grouped[kind][rest or "all"] = int(value)
    return dict(grouped)


def plugin_failures(stats: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Failed plugin calls: platform -> method -> how many times it raised."""
    failures: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in crawl_counts(stats).get("plugin_errors", {}).items():
        platform, _, method = key.partition("/")
        failures[platform][method or "unknown"] = n
    return dict(failures)


def broken_platforms(stats: dict[str, Any]) -> list[str]:
    """One line per platform that produced nothing because its plugin raised (the crawl
    then fails: an empty result must not pass for a quiet niche)."""
    fetched = crawl_counts(stats).get("fetched", {})
    lines = []
    for platform, methods in sorted(plugin_failures(stats).items()):
        if fetched.get(platform, 0) == 0:
            calls = ", ".join(f"{m}() {n}x" for m, n in sorted(methods.items()))
            lines.append(f"platform '{platform}' produced nothing because its plugin raised "
                         f"({calls}); see the log, or run `scout plugins check`")
    return lines


def store_failure(stats: dict[str, Any]) -> str | None:
    """One line when records could not be stored (how many, and the store's cause), else
    None: the crawl then failed, whatever Scrapy's ``finish_reason`` says."""
    failed = sum(crawl_counts(stats).get("store_failed", {}).values())
    cause = stats.get(f"{PREFIX}store_cause")
    if not failed and not cause:
        return None
    head = (f"{failed} creator{'s' if failed != 1 else ''} could not be stored"
            if failed else "the index failed")
    return f"{head}: {cause}" if cause else f"{head} (see the warnings above)"


def indexed_count(stats: dict[str, Any]) -> int:
    """How many creators the crawl stored."""
    return sum(crawl_counts(stats).get("indexed", {}).values())


def index_waits(stats: dict[str, Any]) -> str | None:
    """The summary's line about records that waited for an Elasticsearch outage, or None."""
    waited = int(stats.get(f"{PREFIX}index_waited", 0))
    back = int(stats.get(f"{PREFIX}index_written_back", 0))
    left = int(stats.get(f"{PREFIX}index_still_waiting", 0))
    if not waited and not back and not left:
        return None
    line = (f"{waited} record{'s' if waited != 1 else ''} waited for the index; "
            f"{back} written when it came back")
    if left:
        job = Path(str(stats.get(f"{PREFIX}index_spool", ""))).parent
        line += f"; {left} still waiting: run `scout index flush {job}`"
    return line


def still_waiting(stats: dict[str, Any]) -> str | None:
    """One line when records still wait for the index at the end (the crawl then fails,
    but they are not lost: the line says where they are), else None."""
    left = int(stats.get(f"{PREFIX}index_still_waiting", 0))
    if not left:
        return None
    spool = stats.get(f"{PREFIX}index_spool", "the job directory")
    return (f"{left} record{'s' if left != 1 else ''} still wait for the index in {spool} "
            f"(not lost): run `scout index flush {Path(str(spool)).parent}` when it is back")


def why_empty(counts: dict[str, dict[str, int]], terms: Sequence[str] = ()) -> list[str]:
    """Why a crawl indexed nobody, per platform: unreachable, nothing found, or everyone
    found skipped (and what for). ``terms`` are the niche's terms, named when the niche
    itself is the likely cause (nothing found, or everything found outside it)."""
    shown = ", ".join(terms[:8]) + (f" and {len(terms) - 8} more" if len(terms) > 8 else "")
    its_terms = f"; its terms are {shown}" if shown else ""
    platforms = sorted({key.split("/")[0] for kind in ("requests", "found", "network_errors")
                        for key in counts.get(kind, {})})
    lines = ["indexed 0:"] if platforms else ["indexed 0: no platform made a request"]
    for platform in platforms:
        requests, found, errors = (
            sum(n for key, n in counts.get(kind, {}).items() if key.split("/")[0] == platform)
            for kind in ("requests", "found", "network_errors")
        )
        skipped = {key.split("/", 1)[1]: n for key, n in counts.get("skipped", {}).items()
                   if key.startswith(f"{platform}/")}
        if found == 0 and errors and errors >= requests:
            lines.append(f"  {platform}: could not reach it ({errors} of {requests} requests "
                         "failed; check --base-url and the network)")
        elif found == 0:
            lines.append(f"  {platform}: {requests} discovery requests found no accounts "
                         f"(check the niche's hashtags and keywords{its_terms})")
        elif skipped and sum(skipped.values()) >= found:
            reasons = ", ".join(f"{n} {reason}" for reason, n in
                                sorted(skipped.items(), key=lambda kv: -kv[1]))
            outside = max(skipped, key=lambda reason: skipped[reason]) == OUTSIDE_NICHE
            lines.append(f"  {platform}: all {found} accounts found were skipped: {reasons}"
                         + (its_terms if outside else ""))
        else:
            lines.append(f"  {platform}: {found} accounts found, none stored (see above)")
    return lines


def format_summary(stats: dict[str, Any], niche: str, terms: Sequence[str] = ()) -> str:
    """The summary printed at the end of a crawl; ``terms`` (the niche's keywords and
    hashtags) explain an empty crawl."""
    counts = crawl_counts(stats)

    def total(kind: str) -> int:
        return sum(counts.get(kind, {}).values())

    indexed = total("indexed")
    requests = int(stats.get("downloader/request_count", 0))
    lines = [
        f"crawl of '{niche}' {stats.get('finish_reason', 'finished')}:",
        f"  found {total('found')} creators, fetched {total('fetched')}, "
        f"indexed {indexed}, skipped {total('skipped')}",
    ]
    for reason, n in sorted(counts.get("skipped", {}).items(), key=lambda kv: -kv[1]):
        lines.append(f"    skipped {n:>5}  {reason}")
    for reason, n in sorted(counts.get("not_followed", {}).items()):
        lines.append(f"    not followed {n:>5}  {reason}")
    per_creator = f"{requests / indexed:.2f}" if indexed else "-"
    lines.append(f"  requests {requests} ({per_creator} per indexed creator)")
    for platform, methods in sorted(plugin_failures(stats).items()):
        calls = ", ".join(f"{m}() {n}x" for m, n in sorted(methods.items()))
        lines.append(f"  plugin errors {platform}: {calls}")
    for kind in ("refused", "malformed_responses", "malformed_objects", "repaired_values",
                 "network_errors", "ratelimit", "merged_duplicates",
                 "invalid_objects", "incomplete", "kept_complete", "store_failed",
                 "usage"):
        for what, n in sorted(counts.get(kind, {}).items()):
            lines.append(f"  {kind.replace('_', ' ')} {what}: {n}")
    waits = index_waits(stats)
    if waits is not None:
        lines.append(f"  {waits}")
    if not indexed and waits is None:
        lines += [f"  {line}" for line in why_empty(counts, terms)]
    persons = counts.get("persons")
    if persons:  # the grouping pass ran (over the whole index, not only this crawl)
        lines.append(
            f"  persons in the index: {persons.get('grouped_profiles', 0)} profiles grouped "
            f"into {persons.get('grouped_persons', 0)} persons; "
            f"{persons.get('one_way', 0)} unverified claims, "
            f"{persons.get('conflicts', 0)} conflicts"
        )
    return "\n".join(lines)
