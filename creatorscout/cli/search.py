"""``scout search`` and ``scout show``: read the index."""

from __future__ import annotations

import json
from typing import Any

import click
from pydantic import ValidationError

from creatorscout.cli.common import (
    INDEX_HELP,
    complete_pending_passes,
    fail,
    validation_message,
)
from creatorscout.search.query import SORT_SPECS, SORTS, SearchQuery


@click.command()
@click.argument("query", required=False)
@click.option("--niche", default=None)
@click.option("--platform", "platforms", multiple=True)
@click.option("--tier", "tiers", multiple=True,
              help="emerging, nano, micro, mid, macro, mega, unknown (the default scheme).")
@click.option("--min-followers", type=int, default=None)
@click.option("--max-followers", type=int, default=None)
@click.option("--min-er", type=float, default=None, help="Minimum engagement rate, percent.")
@click.option("--lang", "languages", multiple=True, help="Language code, e.g. de.")
@click.option("--role", type=click.Choice(["influencer", "connector", "both", "neither"]))
@click.option("--min-score", type=float, default=None, help="Minimum composite score, 0-100.")
@click.option("--min-relevance", type=float, default=None, help="Minimum niche relevance, 0-1.")
@click.option("--min-authenticity", type=float, default=None,
              help="Minimum authenticity (share of audience checks passed), 0-1.")
@click.option("--min-influence", type=float, default=None,
              help="Minimum PageRank percentile in the crawl's mention graph, 0-100.")
@click.option("--min-bridging", type=float, default=None,
              help="Minimum participation across communities in the mention graph, 0-1.")
@click.option("--max-sponsored", type=float, default=None,
              help="Maximum share of recent posts marked as ads, 0-1.")
@click.option("--flag", "flags", multiple=True,
              help="Has this flag, e.g. low_engagement, sponsored_heavy (repeatable: any).")
@click.option("--exclude-flag", "exclude_flags", multiple=True,
              help="Has not this flag (repeatable).")
@click.option("--no-flags", is_flag=True, default=False, help="Only creators without flags.")
@click.option("--sort", type=click.Choice(SORTS), default="score", show_default=True,
              help="; ".join(f"{name}: {spec.meaning}" for name, spec in SORT_SPECS.items())
              + ".")
@click.option("--collapse-person", is_flag=True, default=False,
              help="One hit per person: a person's profiles on several platforms count once.")
@click.option("--by-platform", is_flag=True, default=False,
              help="One group per platform (most creators first), each ranked by --sort, "
              "--limit hits each: compare creators with their own platform only.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def search(
    query: str | None, niche: str | None, platforms: tuple[str, ...], tiers: tuple[str, ...],
    min_followers: int | None, max_followers: int | None, min_er: float | None,
    languages: tuple[str, ...], role: str | None, sort: str, limit: int, offset: int, fmt: str,
    index_url: str | None, by_platform: bool, **score_filters: object,
) -> None:
    """Search the index: free text plus filters."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.filter_check import UnknownFilter, check_known_filters
    from creatorscout.search.render import render_groups, render_results

    try:
        search_query = SearchQuery(
            text=query, niche=niche, platforms=list(platforms), tiers=list(tiers),
            min_followers=min_followers, max_followers=max_followers, min_er=min_er,
            languages=list(languages), role=role, sort=sort, limit=limit,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in score_filters.items()},
            offset=offset,
        )
    except ValidationError as exc:
        fail(validation_message(exc), 2)
    try:
        with open_index(index_url, create=False) as index:
            complete_pending_passes(index)
            results = index.search(search_query)
            if results.total == 0:  # say why when a filter value cannot match
                check_known_filters(search_query, index)
            groups = {
                platform: index.search(search_query.model_copy(update={"platforms": [platform]}))
                for platform in results.facets.get("platform", {})
            } if by_platform else None
    except (InvalidIndexURL, IndexUnavailable, UnknownFilter) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    if groups is not None:
        click.echo(render_groups(groups, fmt), nl=fmt != "csv")
    else:
        click.echo(render_results(results, fmt), nl=fmt != "csv")


@click.command()
@click.argument("creator")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(creator: str, index_url: str | None, fmt: str) -> None:
    """Show one creator (stable id like mastodon:alice@example.social, or a handle)."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.history import history_lines
    from creatorscout.search.render import render_show

    person = None
    profiles = {}
    growth: list[dict[str, Any]] = []
    try:
        with open_index(index_url, create=False) as index:
            complete_pending_passes(index)
            matches = index.candidates(creator)
            records = index.get(matches[0]) if len(matches) == 1 else []
            if records:
                growth = index.history(records[0].id)
                try:
                    person = index.person_of(records[0].id)
                except NotImplementedError:
                    person = None  # a backend without persons: show the profile alone
                for other in person.others(records[0].id) if person else []:
                    stored = index.get(other)
                    if stored:
                        profiles[other] = stored[0].creator
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    if len(matches) > 1:
        shown = ", ".join(matches[:5]) + (" ..." if len(matches) > 5 else "")
        fail(f"'{creator}' could be {len(matches)} creators: {shown}; give the full id", 2)
    if not records:
        fail(f"no creator '{creator}' in the index; try `scout search {creator.split(':')[-1]}`")
    if fmt == "json":
        click.echo(json.dumps([r.model_dump(mode="json") for r in records], indent=2,
                              ensure_ascii=False))
    else:
        click.echo(render_show(records, person=person, profiles=profiles))
        if growth:
            click.echo("\n" + "\n".join(history_lines(growth)))
