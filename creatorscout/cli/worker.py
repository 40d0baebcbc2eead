"""``scout worker --frontier URL``: join a crawl shared through Redis, from any machine."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from creatorscout.cli.common import fail, validation_message
from creatorscout.crawler.args import CrawlArgs
from creatorscout.crawler.spider import NicheSpider
from creatorscout.crawler.summary import format_summary, still_waiting, store_failure


@dataclass(frozen=True)
class Placement:
    """Where a crawl's state lives: the Scrapy settings and spider that put it there."""

    settings: dict[str, Any] = field(default_factory=dict)
    spider_cls: type[NicheSpider] = NicheSpider


#: One machine: the crawl's state in its job directory.
LOCAL = Placement()


def join_frontier(url: str, args: CrawlArgs) -> Placement:
    """Publish the crawl on the frontier at ``url`` (or join the same crawl already there).
    ValueError, one line, when Redis does not answer or holds another crawl."""
    from redis.exceptions import RedisError

    from creatorscout.crawler.frontier import Frontier, frontier_settings
    from creatorscout.crawler.worker import FrontierSpider

    try:
        frontier = Frontier(url)
        frontier.publish(args.model_dump(mode="json"))
    except RedisError as exc:
        raise ValueError(f"--frontier {url}: Redis does not answer ({exc})") from None
    return Placement(frontier_settings(url), FrontierSpider)


@click.command()
@click.option("--frontier", required=True, metavar="redis://HOST:6379/DB",
              help="The Redis of the crawl to join (started by `scout crawl --frontier`).")
@click.option("--wait", type=float, default=60.0, show_default=True,
              help="Seconds to wait for a crawl to be started on the frontier.")
@click.option("--index", "index_url", default=None,
              help="The crawl's index as this machine reaches it (default: the URL the "
                   "crawl was started with).")
@click.option("--stats-json", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write this worker's statistics to this JSON file.")
@click.option("--job", "job_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="With an Elasticsearch index: where this worker keeps the records an "
                   "outage of the cluster makes wait (default: a directory of its own "
                   "under ./creatorscout-jobs, removed when nothing waits).")
@click.option("-s", "--set", "scrapy_sets", multiple=True, metavar="NAME=VALUE",
              help="Set a Scrapy setting (repeatable).")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def worker(frontier: str, wait: float, index_url: str | None, stats_json: Path | None,
           job_dir: Path | None, scrapy_sets: tuple[str, ...], verbose: int) -> None:
    """Work on the crawl shared at FRONTIER until its frontier is drained."""
    from redis.exceptions import RedisError

    from creatorscout.cli.crawl import parse_sets
    from creatorscout.cli.jobs import settle_spool_job, shared_spool_job
    from creatorscout.config import ConfigError
    from creatorscout.crawler.frontier import Frontier, frontier_settings
    from creatorscout.crawler.jobs import JobError
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.crawler.worker import FrontierSpider

    try:
        overrides = parse_sets(scrapy_sets)
        shared = Frontier(frontier)
        published = shared.wait_for_args(wait)
    except RedisError as exc:
        fail(f"--frontier {frontier}: Redis does not answer ({exc})", 1)
    except ValueError as exc:
        fail(str(exc), 2)
    if published is None:
        fail(f"no crawl on {frontier} after {wait:.0f}s: start one with "
             "`scout crawl NICHE --frontier URL`", 1)
    try:
        args = CrawlArgs(**{**published, **({"index": index_url} if index_url else {})})
    except ValidationError as exc:
        fail(f"the crawl on {frontier} has arguments this worker cannot use: "
             f"{validation_message(exc)}", 1)
    try:
        spool_job = shared_spool_job(args, job_dir)
    except JobError as exc:
        fail(str(exc), 2)
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    try:
        stats = run_crawl(
            args, spider_cls=FrontierSpider,
            settings={"LOG_LEVEL": level, "CREATORSCOUT_PROGRESS_INTERVAL": 5.0,
                      **frontier_settings(frontier),
                      **(spool_job.spool_settings() if spool_job else {}), **overrides},
        )
    except CrawlError as exc:
        fail(str(exc), 2)
    except ConfigError as exc:
        fail(str(exc), 1)
    settle_spool_job(spool_job)
    if stats_json is not None:
        stats_json.write_text(json.dumps(stats, default=str, indent=2), encoding="utf-8")
    click.echo(format_summary(stats, niche=args.niche).replace("crawl of", "worker on", 1))
    failure = store_failure(stats) or still_waiting(stats)
    if failure is not None:
        fail(failure)
    if stats.get("finish_reason") not in (None, "finished"):
        fail(f"worker ended early: {stats.get('finish_reason')}")
