"""``scout crawl``: discover, fetch, score and index a niche."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from pydantic import ValidationError

from creatorscout.cli.common import (
    INDEX_HELP,
    complete_pending_passes,
    fail,
    validation_message,
)
from creatorscout.cli.jobs import job_line, job_summary, settle_spool_job, shared_spool_job
from creatorscout.cli.worker import LOCAL, join_frontier
from creatorscout.config import ConfigError, UnknownNiche, niche_warnings
from creatorscout.crawler.args import CrawlArgs, parse_base_urls
from creatorscout.crawler.summary import (
    broken_platforms,
    format_summary,
    indexed_count,
    still_waiting,
    store_failure,
)


def parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("CONCURRENT_REQUESTS=1",)`` -> ``{"CONCURRENT_REQUESTS": "1"}`` (Scrapy converts
    the strings to the setting's type when it is read); errors name the bad pair."""
    settings: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or name.strip() != name.strip().upper():
            raise ValueError(f"--set '{pair}': write it as NAME=VALUE with an upper-case "
                             "Scrapy setting name")
        settings[name.strip()] = value.strip()
    return settings


@click.command()
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
@click.option("--job", "job_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="The crawl's job directory (default: jobs/NICHE--PLATFORMS next to the "
                   "index). Run the same command again after a crash to resume. With "
                   "--frontier and an Elasticsearch index: where this process keeps "
                   "records an outage makes wait.")
@click.option("--frontier", default=None, metavar="redis://HOST:6379/DB",
              help="Share this crawl through Redis: `scout worker --frontier URL` on any "
                   "machine joins it (see README, Crawling on many machines).")
@click.option("-s", "--set", "scrapy_sets", multiple=True, metavar="NAME=VALUE",
              help="Set a Scrapy setting for this crawl, as `scrapy crawl -s` does "
                   "(repeatable), e.g. -s CONCURRENT_REQUESTS=1.")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def crawl(
    niche: str, platforms: tuple[str, ...], max_creators: int, index_url: str | None,
    base_urls: tuple[str, ...], max_posts: int, snowball_depth: int, discovery_pages: int,
    concurrency: int, stats_json: Path | None, allow_private_hosts: bool, job_dir: Path | None,
    frontier: str | None, scrapy_sets: tuple[str, ...], verbose: int,
) -> None:
    """Discover, fetch, score and index the creators of NICHE.

    Every crawl is a job: killed at any moment, the same command continues it without
    asking the platforms again for what they already answered (see `scout jobs`).
    """
    from creatorscout.crawler.jobs import JobError, start_job
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.plugins.manager import get_plugin_manager
    from creatorscout.plugins.options import NicheOptionsError, load_checked_niche
    from creatorscout.search.backend import (
        DamagedIndex,
        IndexNotWritable,
        IndexUnavailable,
        InvalidIndexURL,
        open_index,
    )
    from creatorscout.search.es_errors import ElasticsearchError

    shared = LOCAL
    job = spool_job = None
    try:
        args = CrawlArgs(
            niche=niche, platforms=list(platforms), max_creators=max_creators,
            index=index_url, base_urls=parse_base_urls(base_urls), max_posts=max_posts,
            snowball_depth=snowball_depth, discovery_pages=discovery_pages,
            concurrency=concurrency, allow_private_hosts=allow_private_hosts,
        )
        # The niche and its plugin options, checked before any request.
        checked = load_checked_niche(niche, get_plugin_manager().platforms())
        for warning in niche_warnings(checked):
            click.echo(f"scout: warning: {warning}", err=True)
        with open_index(index_url) as opened:  # fail before crawling, not after
            opened.check_writable()
            complete_pending_passes(opened)
        overrides = parse_sets(scrapy_sets)
        if frontier is not None:
            # a shared crawl: its state is the frontier's (Redis), not a job directory's
            shared = join_frontier(frontier, args)
            spool_job = shared_spool_job(args, job_dir)
        else:
            job = start_job(args, job_dir)
    except ValidationError as exc:
        fail(validation_message(exc), 2)
    except (UnknownNiche, NicheOptionsError, IndexUnavailable, InvalidIndexURL, JobError) as exc:
        fail(str(exc), 2)
    except (IndexNotWritable, DamagedIndex) as exc:  # the place fails, not the command
        fail(str(exc), 1)
    except ConfigError as exc:  # a config mistake, like a usage one: the user fixes a file
        fail(str(exc), 2)
    except ElasticsearchError as exc:
        fail(str(exc), 1)
    except ValueError as exc:
        fail(str(exc), 2)
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    if not verbose:
        # the spider says once per host that it cannot be reached, and the summary counts
        # the failures; Scrapy's retry middleware would add a line per failed request
        # (a filter: Scrapy's logging set-up resets the levels of its loggers)
        logging.getLogger("scrapy.downloadermiddlewares.retry").addFilter(
            lambda record: record.levelno >= logging.CRITICAL)
    try:
        stats = run_crawl(
            args,
            settings={"LOG_LEVEL": level, "CREATORSCOUT_PROGRESS_INTERVAL": 5.0,
                      **shared.settings,
                      **(spool_job.spool_settings() if spool_job else {}), **overrides},
            job=job,
            spider_cls=shared.spider_cls,
        )
    except (CrawlError, ConfigError) as exc:
        fail(str(exc), 2)
    settle_spool_job(spool_job)
    if stats_json is not None:
        stats_json.write_text(json.dumps(stats, default=str, indent=2), encoding="utf-8")
    terms = [f"#{tag}" for tag in checked.hashtags] + [
        word for words in checked.keywords.values() for word in words]
    click.echo(format_summary(stats, niche=args.niche, terms=terms))
    if job is not None:
        click.echo(job_line(job, stats))
    failure = store_failure(stats) or still_waiting(stats)
    if failure is not None:
        fail(failure)
    if stats.get("finish_reason") not in (None, "finished"):
        fail(f"crawl ended early: {stats.get('finish_reason')}")
    if job is not None:
        job.finish(job_summary(stats))
    broken = broken_platforms(stats)
    if broken:
        fail("; ".join(broken))
    # a shared crawl's creators are stored by whichever worker fetched them: this process
    # storing none of them is no failure of the crawl
    if frontier is None and not indexed_count(stats):
        fail("the crawl stored no creator (the summary above says why per platform)")
