"""The ``scout`` command line. The stable surface: tests and docs use it.

Exit codes: 0 success, 2 bad usage, 1 failure. User mistakes get one line saying what to
fix, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import click
from pydantic import ValidationError

from creatorscout import __version__
from creatorscout.config import ConfigError, UnknownNiche, list_niches, load_niche
from creatorscout.crawler.args import CrawlArgs, parse_base_urls
from creatorscout.crawler.summary import format_summary

INDEX_HELP = (
    "Index URL: sqlite:///path.db or http(s)://host:9200 for Elasticsearch "
    "(default ./creatorscout.db or $CREATORSCOUT_INDEX)"
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit."""
    click.echo(f"scout: error: {message}", err=True)
    sys.exit(code)


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "argument"
    return f"{where.replace('_', '-')}: {first['msg'].removeprefix('Value error, ')}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scout")
def main() -> None:
    """creatorscout: find the creators who matter in a niche, and why."""


# -- crawl ------------------------------------------------------------------------------


@main.command()
@click.argument("niche")
@click.option("--platform", "platforms", multiple=True, help="Platform to crawl (repeatable).")
@click.option("--max-creators", type=int, default=200, show_default=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--base-url", "base_urls", multiple=True, metavar="P=URL",
              help="Point a platform at another server, e.g. the sandbox (repeatable).")
@click.option("--max-posts", type=int, default=40, show_default=True,
              help="Recent posts read per creator.")
@click.option("--snowball-depth", type=int, default=1, show_default=True,
              help="Mention hops followed away from discovery.")
@click.option("--discovery-pages", type=int, default=3, show_default=True)
@click.option("--concurrency", type=int, default=2, show_default=True,
              help="Requests at once per host.")
@click.option("--stats-json", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the crawl statistics to this JSON file.")
@click.option("--allow-private-hosts", is_flag=True,
              help="Let web pages and feeds be fetched from loopback/private addresses "
                   "(the sandbox needs it; metadata addresses stay refused).")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def crawl(
    niche: str, platforms: tuple[str, ...], max_creators: int, index_url: str | None,
    base_urls: tuple[str, ...], max_posts: int, snowball_depth: int, discovery_pages: int,
    concurrency: int, stats_json: Path | None, allow_private_hosts: bool, verbose: int,
) -> None:
    """Discover, fetch, score and index the creators of NICHE."""
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.es_errors import ElasticsearchError

    try:
        args = CrawlArgs(
            niche=niche, platforms=list(platforms), max_creators=max_creators,
            index=index_url, base_urls=parse_base_urls(base_urls), max_posts=max_posts,
            snowball_depth=snowball_depth, discovery_pages=discovery_pages,
            concurrency=concurrency, allow_private_hosts=allow_private_hosts,
        )
        load_niche(niche)
        open_index(index_url).close()  # fail before crawling, not after
    except ValidationError as exc:
        fail(_validation_message(exc), 2)
    except (UnknownNiche, IndexUnavailable, InvalidIndexURL) as exc:
        fail(str(exc), 2)
    except (ConfigError, ElasticsearchError) as exc:
        fail(str(exc), 1)
    except ValueError as exc:
        fail(str(exc), 2)
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    try:
        stats = run_crawl(
            args,
            settings={"LOG_LEVEL": level, "CREATORSCOUT_PROGRESS_INTERVAL": 5.0},
        )
    except CrawlError as exc:
        fail(str(exc), 2)
    except ConfigError as exc:
        fail(str(exc), 1)
    if stats_json is not None:
        stats_json.write_text(json.dumps(stats, default=str, indent=2), encoding="utf-8")
    click.echo(format_summary(stats, niche=args.niche))
    if stats.get("finish_reason") not in (None, "finished"):
        fail(f"crawl ended early: {stats.get('finish_reason')}")


# -- search and show ----------------------------------------------------------------------


@main.command()
@click.argument("query", required=False)
@click.option("--niche", default=None)
@click.option("--platform", "platforms", multiple=True)
@click.option("--tier", "tiers", multiple=True, help="nano, micro, mid, macro, mega, unknown")
@click.option("--min-followers", type=int, default=None)
@click.option("--max-followers", type=int, default=None)
@click.option("--min-er", type=float, default=None, help="Minimum engagement rate, percent.")
@click.option("--lang", "languages", multiple=True, help="Language code, e.g. de.")
@click.option("--role", type=click.Choice(["influencer", "connector", "both", "neither"]))
@click.option("--min-score", type=float, default=None, help="Minimum composite score, 0-100.")
@click.option("--min-relevance", type=float, default=None, help="Minimum niche relevance, 0-1.")
@click.option("--min-authenticity", type=float, default=None,
              help="Minimum authenticity (1 - audience suspicion), 0-1.")
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
@click.option("--sort", type=click.Choice(["score", "followers", "er", "relevance",
                                           "authenticity", "er_percentile", "influence",
                                           "bridging"]),
              default="score", show_default=True)
@click.option("--collapse-person", is_flag=True, default=False,
              help="One hit per person: a person's profiles on several platforms count once.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def search(
    query: str | None, niche: str | None, platforms: tuple[str, ...], tiers: tuple[str, ...],
    min_followers: int | None, max_followers: int | None, min_er: float | None,
    languages: tuple[str, ...], role: str | None, sort: str, limit: int, offset: int, fmt: str,
    index_url: str | None, **score_filters: object,
) -> None:
    """Search the index: free text plus filters."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.query import SearchQuery
    from creatorscout.search.render import render_results

    try:
        search_query = SearchQuery(
            text=query, niche=niche, platforms=list(platforms), tiers=list(tiers),
            min_followers=min_followers, max_followers=max_followers, min_er=min_er,
            languages=list(languages), role=role, sort=sort, limit=limit,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in score_filters.items()},
            offset=offset,
        )
    except ValidationError as exc:
        fail(_validation_message(exc), 2)
    try:
        with open_index(index_url, create=False) as index:
            results = index.search(search_query)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    click.echo(render_results(results, fmt), nl=fmt != "csv")


@main.command()
@click.argument("creator")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show(creator: str, index_url: str | None, fmt: str) -> None:
    """Show one creator (stable id like mastodon:alice@example.social, or a handle)."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.render import render_show

    person = None
    profiles = {}
    try:
        with open_index(index_url, create=False) as index:
            matches = index.candidates(creator)
            records = index.get(matches[0]) if len(matches) == 1 else []
            if records:
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


# -- sandbox, parse ------------------------------------------------------------------------


@main.command()
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--creators", type=int, default=2000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--fail-every", type=int, default=0, help="Every Nth API request answers 429.")
def sandbox(port: int, creators: int, seed: int, fail_every: int) -> None:
    """Serve the synthetic creator world on 127.0.0.1 (the platforms' API dialects)."""
    from creatorscout.sandbox.server import run

    run(port=port, creators=creators, seed=seed, fail_every=fail_every)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the response was fetched from.")
@click.option("--platform", default=None, help="Which plugin parses it (default: by URL).")
@click.option("--status", type=int, default=200, show_default=True)
def parse(file: Path, url: str, platform: str | None, status: int) -> None:
    """Print what the plugins extract from a saved response, as JSON lines."""
    from creatorscout.crawler.parse_file import parse_saved_response

    try:
        for line in parse_saved_response(file, url, platform, status):
            click.echo(line)
    except ValueError as exc:
        fail(str(exc), 2)


# -- plugins, niches, index -------------------------------------------------------------------


@main.group()
def plugins() -> None:
    """Installed platform plugins."""


@plugins.command("list")
def plugins_list() -> None:
    """Name, version and platforms of every plugin; plugins that failed to load."""
    from creatorscout.plugins.manager import PluginError, get_plugin_manager

    try:
        host = get_plugin_manager()
    except PluginError as exc:
        fail(str(exc))
    rows = [("plugin", "version", "platforms", "source")]
    for info in host.plugins():
        rows.append((info.name, info.version, ", ".join(info.platforms) or "-",
                     "built-in" if info.builtin else info.module))
    click.echo(_table(rows))
    for problem in host.errors:
        click.echo(f"warning: {problem}", err=True)


@plugins.command("new")
@click.argument("name")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to create (default: ./creatorscout-NAME).")
@click.option("--title", default=None, help="The platform's human name (default: Name).")
def plugins_new(name: str, output: Path | None, title: str | None) -> None:
    """Write a ready plugin package for platform NAME: pyproject with the entry point, a
    Platform subclass to fill in, saved responses, tests using creatorscout.testing."""
    from creatorscout.testing.scaffold import ScaffoldError, render_plugin

    try:
        folder = render_plugin(name, output, title=title)
    except ScaffoldError as exc:
        fail(str(exc), 2)
    click.echo(f"wrote {folder}\nnext: cd {folder} && pip install -e . && pytest")


@plugins.command("check")
@click.option("--platform", "platforms", multiple=True, help="Check only this platform.")
@click.option("--fixtures", multiple=True, metavar="P=DIR",
              help="Saved responses of platform P (default: tests/fixtures/P/).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Field-coverage baseline JSON (default: tests/field_coverage.json).")
@click.option("--update-baseline", is_flag=True, help="Write the coverage found to the baseline.")
def plugins_check(platforms: tuple[str, ...], fixtures: tuple[str, ...], baseline: Path | None,
                  update_baseline: bool) -> None:
    """Check every plugin: it loads, starts, discovers, classifies refusals; which fields
    its saved responses fill, and whether any dropped below the baseline."""
    from creatorscout.plugins.manager import PluginError, get_plugin_manager
    from creatorscout.testing.check import DEFAULT_BASELINE, check_platforms, report
    from creatorscout.testing.coverage import write_baseline

    folders: dict[str, Path] = {}
    for pair in fixtures:
        platform, sep, folder = pair.partition("=")
        if not sep or not platform or not folder:
            fail(f"--fixtures '{pair}': write it as PLATFORM=DIR", 2)
        folders[platform] = Path(folder)
    try:
        host = get_plugin_manager()
    except PluginError as exc:
        fail(str(exc))
    unknown = sorted((set(platforms) | set(folders)) - set(host.platforms()))
    if unknown:
        fail(f"unknown platform '{unknown[0]}'; installed platforms: "
             f"{', '.join(sorted(host.platforms())) or 'none'}", 2)
    if baseline is None and (DEFAULT_BASELINE.exists() or update_baseline):
        baseline = DEFAULT_BASELINE
    checks = check_platforms(host, fixtures=folders, baseline=None if update_baseline
                             else baseline, only=list(platforms) or None)
    for check in checks:
        click.echo(report(check))
    for problem in host.errors:
        click.echo(f"error: {problem}", err=True)
    if update_baseline and baseline is not None:
        measured = [c.coverage for c in checks if c.coverage is not None]
        write_baseline(baseline, measured)
        click.echo(f"baseline {baseline}: wrote {', '.join(c.platform for c in measured)}")
    if host.errors or not all(check.ok for check in checks):
        sys.exit(1)


@main.group()
def niches() -> None:
    """Niche definitions (config/niches/*.yaml and $CREATORSCOUT_CONFIG/niches)."""


@niches.command("list")
def niches_list() -> None:
    try:
        rows = [("niche", "languages", "hashtags", "title")]
        for niche in list_niches():
            rows.append((niche.name, ",".join(niche.languages), str(len(niche.hashtags)),
                         niche.title))
    except ConfigError as exc:
        fail(str(exc))
    click.echo(_table(rows))


@niches.command("show")
@click.argument("name")
def niches_show(name: str) -> None:
    """Print a niche's definition as YAML."""
    import yaml

    try:
        niche = load_niche(name)
    except ConfigError as exc:
        fail(str(exc), 2)
    click.echo(yaml.safe_dump(niche.model_dump(), allow_unicode=True, sort_keys=False))


@main.group()
def index() -> None:
    """The search index."""


@index.command("stats")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_stats(index_url: str | None) -> None:
    """Creators, records, niches and platforms in the index."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index

    try:
        with open_index(index_url, create=False) as opened:
            stats = opened.stats()
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    click.echo(json.dumps(stats.model_dump(), indent=2, ensure_ascii=False))


@index.command("regroup")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_regroup(index_url: str | None) -> None:
    """Group every creator of the index into persons by verified cross-links (each crawl
    does this at its end; run it after `scout index copy`)."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.persons import PersonsUnsupported, regroup

    try:
        with open_index(index_url, create=False) as opened:
            grouped = regroup(opened)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except (ValueError, PersonsUnsupported) as exc:
        fail(str(exc))
    click.echo(
        f"{grouped.profiles} profiles: {grouped.grouped_profiles} grouped into "
        f"{grouped.grouped_persons} persons; {grouped.one_way} unverified claims, "
        f"{grouped.conflicts} conflicts"
    )


@index.command("copy")
@click.option("--index", "index_url", default=None, help="The index to copy from. " + INDEX_HELP)
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The index to copy into (created if missing), e.g. http://localhost:9200.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=1000, show_default=True)
def index_copy(index_url: str | None, target_url: str, batch_size: int) -> None:
    """Copy every record (creators, scores, posts) into another index, group the persons
    there, and between Elasticsearch indexes copy the growth history too. Safe to re-run:
    records are replaced, not doubled."""
    from creatorscout.search.backend import (
        IndexUnavailable,
        InvalidIndexURL,
        copy_index,
        open_index,
    )
    from creatorscout.search.es_index import ElasticIndex, copy_history
    from creatorscout.search.persons import PersonsUnsupported, regroup

    def report(what: str, total: int | None) -> Callable[[int], None]:
        def show(done: int) -> None:
            share = f" ({done * 100 // total}%)" if total else ""
            click.echo(f"copied {done}/{total if total is not None else '?'} {what}{share}",
                       err=True)
        return show

    try:
        with open_index(index_url, create=False) as source:
            if target_url.strip() in (source.url, index_url):
                fail(f"--to {target_url} is the index being copied; name another index", 2)
            stats = source.stats()
            with open_index(target_url) as target:
                if target.url == source.url:
                    fail(f"--to {target_url} is the index being copied; name another index", 2)
                click.echo(f"copying {stats.records} records of {stats.creators} creators "
                           f"from {source.url} to {target.url}", err=True)
                copied = copy_index(source, target, batch_size=batch_size,
                                    progress=report("records", stats.records))
                snapshots = copy_history(source, target, batch_size=batch_size,
                                         progress=report("history snapshots", None))
                history_note = ""
                if isinstance(source, ElasticIndex) and not isinstance(target, ElasticIndex):
                    history_note = "; the growth history stays in Elasticsearch (the embedded " \
                                   "index keeps only the latest numbers)"
                elif snapshots:
                    history_note = f" and {snapshots} history snapshots"
                skipped = target.opted_out_skipped
                # persons follow from the profiles: grouping the copy reproduces them
                try:
                    grouped = regroup(target)
                    persons_note = (f"; {grouped.grouped_profiles} profiles grouped into "
                                    f"{grouped.grouped_persons} persons")
                except PersonsUnsupported:
                    persons_note = ""
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    opted = f"; {skipped} records of opted-out creators skipped" if skipped else ""
    click.echo(f"copied {copied} records{history_note} to {target.url}{opted}{persons_note}")


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )



if __name__ == "__main__":  # python -m creatorscout.crawler.cli
    main()
