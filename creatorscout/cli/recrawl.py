"""``scout recrawl``: refresh a niche's known creators (profile and recent posts), no
discovery; growth history grows, gone and opted-out creators leave the index."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from pydantic import ValidationError

from creatorscout.cli.common import (
    INDEX_HELP,
    complete_pending_passes,
    fail,
    validation_message,
)
from creatorscout.cli.crawl import parse_sets
from creatorscout.config import ConfigError, UnknownNiche, load_niche
from creatorscout.crawler.args import CrawlArgs, parse_base_urls
from creatorscout.crawler.summary import crawl_counts, format_summary

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 86400, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> timedelta:
    """``7d``, ``12h``, ``30m``, ``2w``, ``0`` (a bare number is days)."""
    found = _DURATION.match(text)
    if found is None:
        raise ValueError(f"--older-than '{text}': write a number and a unit, e.g. 7d, 12h, 2w")
    return timedelta(seconds=float(found.group(1)) * _UNIT_SECONDS[found.group(2)])


@click.command()
@click.argument("niche")
@click.option("--older-than", default="7d", show_default=True,
              help="Refresh creators last crawled at least this long ago (7d, 12h, 0).")
@click.option("--platform", "platforms", multiple=True, help="Only this platform (repeatable).")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--base-url", "base_urls", multiple=True, metavar="P=URL",
              help="Point a platform at another server, e.g. the sandbox (repeatable).")
@click.option("--max-posts", type=int, default=40, show_default=True,
              help="Recent posts read per creator.")
@click.option("--concurrency", type=int, default=2, show_default=True,
              help="Requests at once per host.")
@click.option("--allow-private-hosts", is_flag=True,
              help="Let web pages and feeds be fetched from loopback/private addresses.")
@click.option("--stats-json", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the crawl statistics to this JSON file.")
@click.option("-s", "--set", "scrapy_sets", multiple=True, metavar="NAME=VALUE",
              help="Set a Scrapy setting (repeatable).")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def recrawl(
    niche: str, older_than: str, platforms: tuple[str, ...], index_url: str | None,
    base_urls: tuple[str, ...], max_posts: int, concurrency: int, allow_private_hosts: bool,
    stats_json: Path | None, scrapy_sets: tuple[str, ...], verbose: int,
) -> None:
    """Refresh the creators of NICHE already in the index, without discovery."""
    from creatorscout.crawler.recrawl import RecrawlSpider, due_for_recrawl, expire_unrefreshed
    from creatorscout.crawler.run import CrawlError, build_platforms, run_crawl
    from creatorscout.plugins.manager import get_plugin_manager
    from creatorscout.search.backend import IndexOpenError, open_index
    from creatorscout.search.es_errors import ElasticsearchError

    try:
        age = parse_age(older_than)
        args = CrawlArgs(
            niche=niche, platforms=list(platforms), index=index_url,
            base_urls=parse_base_urls(base_urls), max_posts=max_posts, snowball_depth=0,
            concurrency=concurrency, allow_private_hosts=allow_private_hosts,
        )
        overrides = parse_sets(scrapy_sets)
        loaded = load_niche(niche)
        built = build_platforms(args, loaded, get_plugin_manager())
        index = open_index(index_url, create=False)
    except ValidationError as exc:
        fail(validation_message(exc), 2)
    except (UnknownNiche, CrawlError, IndexOpenError) as exc:
        fail(str(exc), 2)
    except (ConfigError, ElasticsearchError) as exc:
        fail(str(exc), 1)
    except ValueError as exc:
        fail(str(exc), 2)
    now = datetime.now(UTC)
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    with index:
        complete_pending_passes(index)
        due = due_for_recrawl(index, loaded.name, older_than=age, platforms=built, now=now)
        try:
            stats = run_crawl(
                args, spider_cls=RecrawlSpider, spider_kwargs={"known": due},
                settings={"LOG_LEVEL": level, "CREATORSCOUT_PROGRESS_INTERVAL": 5.0,
                          **overrides},
            )
        except CrawlError as exc:
            fail(str(exc), 2)
        except ConfigError as exc:
            fail(str(exc), 1)
        expired = expire_unrefreshed(index, loaded.name, built, datetime.now(UTC))
    for platform, count in expired.items():
        stats[f"creatorscout/expired/{platform}"] = count
    if stats_json is not None:
        stats_json.write_text(json.dumps(stats, default=str, indent=2), encoding="utf-8")
    click.echo(format_summary(stats, niche=loaded.name).replace("crawl of", "recrawl of", 1))
    counts = crawl_counts(stats)
    refreshed = sum(counts.get("indexed", {}).values())
    removed = sum(counts.get("removed", {}).values()) + sum(counts.get("deleted", {}).values())
    requests = int(stats.get("downloader/request_count", 0))
    per = f"{requests / refreshed:.2f}" if refreshed else "-"
    click.echo(f"  refreshed {refreshed} creators ({per} requests each), removed {removed} "
               f"gone or opted out, expired {sum(expired.values())} past their platform's "
               "data-age limit")
    if stats.get("finish_reason") not in (None, "finished"):
        fail(f"recrawl ended early: {stats.get('finish_reason')}")
