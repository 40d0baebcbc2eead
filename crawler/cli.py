"""The ``scout`` command line. The stable surface: tests and docs use it.

Exit codes: 0 success, 2 bad usage, 1 failure. User mistakes get one line saying what to
fix, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from creatorscout.config import ConfigError, UnknownNiche, list_niches, load_niche
from creatorscout.crawler.args import CrawlArgs, parse_base_urls
from creatorscout.crawler.summary import format_summary
from pydantic import ValidationError

from creatorscout import __version__

INDEX_HELP = "Index URL: sqlite:///path.db (default ./creatorscout.db or $CREATORSCOUT_INDEX)"


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
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def crawl(
    niche: str, platforms: tuple[str, ...], max_creators: int, index_url: str | None,
    base_urls: tuple[str, ...], max_posts: int, snowball_depth: int, discovery_pages: int,
    concurrency: int, stats_json: Path | None, verbose: int,
) -> None:
    """Discover, fetch, score and index the creators of NICHE."""
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index

    try:
        args = CrawlArgs(
            niche=niche, platforms=list(platforms), max_creators=max_creators,
            index=index_url, base_urls=parse_base_urls(base_urls), max_posts=max_posts,
            snowball_depth=snowball_depth, discovery_pages=discovery_pages,
            concurrency=concurrency,
        )
        load_niche(niche)
        open_index(index_url).close()  # fail before crawling, not after
    except ValidationError as exc:
        fail(_validation_message(exc), 2)
    except (UnknownNiche, IndexUnavailable, InvalidIndexURL) as exc:
        fail(str(exc), 2)
    except ConfigError as exc:
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
@click.option("--sort", type=click.Choice(["score", "followers", "er", "relevance"]),
              default="score", show_default=True)
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--offset", type=int, default=0)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def search(
    query: str | None, niche: str | None, platforms: tuple[str, ...], tiers: tuple[str, ...],
    min_followers: int | None, max_followers: int | None, min_er: float | None,
    languages: tuple[str, ...], role: str | None, sort: str, limit: int, offset: int, fmt: str,
    index_url: str | None,
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

    try:
        with open_index(index_url, create=False) as index:
            matches = index.candidates(creator)
            records = index.get(matches[0]) if len(matches) == 1 else []
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
        click.echo(render_show(records))


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


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )



if __name__ == "__main__":  # python -m creatorscout.crawler.cli
    main()
