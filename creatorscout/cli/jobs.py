"""``scout jobs list|show``: the crawl jobs of an index, and what each has done."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import click

from creatorscout.cli.common import INDEX_HELP, fail, table
from creatorscout.crawler.args import CrawlArgs
from creatorscout.crawler.jobs import (
    Job,
    JobError,
    jobs_root,
    list_jobs,
    load_job,
    remove_job,
    start_spool_job,
)
from creatorscout.crawler.spool import Spool, is_remote, spool_path
from creatorscout.crawler.summary import crawl_counts


def job_summary(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures a finished job keeps from its last run's stats."""
    counts = crawl_counts(stats)
    return {
        "indexed": sum(counts.get("indexed", {}).values()),
        "fetched": sum(counts.get("fetched", {}).values()),
        "requests": int(stats.get("downloader/request_count", 0)),
        "replayed": int(stats.get("httpcache/hit", 0)),
        "finish_reason": str(stats.get("finish_reason", "")),
    }


def job_line(job: Job, stats: dict[str, Any]) -> str:
    """One line for the crawl summary: the job, and what a resume saved."""
    replayed = int(stats.get("httpcache/hit", 0))
    if job.resumed and replayed:
        return (f"  job {job.path}: resumed (run {job.runs}); {replayed} answers replayed "
                "from its journal, not asked again")
    return f"  job {job.path}"


def shared_spool_job(args: CrawlArgs, job_dir: Path | None) -> Job | None:
    """For one process of a shared crawl: the directory where records wait out an outage
    of its Elasticsearch index (None for an embedded index, whose failures are the disk's).
    :class:`JobError` when ``job_dir`` cannot be used."""
    if not is_remote(args.index):
        return None
    return start_spool_job(args, job_dir, f"process-{uuid.uuid4().hex[:8]}")


def settle_spool_job(job: Job | None) -> None:
    """After a shared crawl's process: its directory goes when nothing waits in it, and
    stays (the crawl's summary says where) when records do."""
    if job is None:
        return
    if Spool(spool_path(job.path)).waiting:
        job.save()
        return
    remove_job(job)


@click.group()
def jobs() -> None:
    """Crawl jobs: each crawl's directory, which lets a killed crawl continue."""


@jobs.command("list")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding job directories (default: jobs/ next to the index).")
def list_command(index_url: str | None, root: Path | None) -> None:
    """List the jobs of an index, most recently updated first."""
    try:
        folder = root or jobs_root(index_url)
    except ValueError as exc:
        fail(str(exc), 2)
    found = list_jobs(folder)
    if not found:
        click.echo(f"no crawl jobs under {folder}")
        return
    rows = [("JOB", "NICHE", "PLATFORMS", "STATE", "RUNS", "ANSWERS", "UPDATED")]
    for job in found:
        rows.append((job.path.name, job.niche, ",".join(job.platforms) or "all", job.state,
                     str(job.runs), str(job.answers()), job.updated_at))
    click.echo(table(rows))


@jobs.command("show")
@click.argument("job_ref")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def show_command(job_ref: str, index_url: str | None, fmt: str) -> None:
    """Show one job: a job directory, or a job's name under the index's jobs folder."""
    path = Path(job_ref)
    try:
        if not path.exists():
            path = jobs_root(index_url) / job_ref
        job = load_job(path)
    except JobError as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc), 2)
    data = {
        "path": str(job.path), "niche": job.niche, "platforms": job.platforms,
        "state": job.state, "runs": job.runs, "resumed": job.resumed,
        "answers_journaled": job.answers(),
        "records_waiting": Spool(spool_path(job.path)).waiting, "created_at": job.created_at,
        "updated_at": job.updated_at, "args": job.args, "last_run": job.last,
    }
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(f"job {job.path}")
    click.echo(f"  niche {job.niche} on {', '.join(job.platforms) or 'all platforms'}; "
               f"max {job.args.get('max_creators')} creators; index "
               f"{job.args.get('index') or 'default'}")
    click.echo(f"  state {job.state}; {job.runs} runs ({job.resumed} resumed); "
               f"{job.answers()} answers journaled")
    if data["records_waiting"]:
        click.echo(f"  {data['records_waiting']} records wait for the index in "
                   f"{spool_path(job.path)}: `scout index flush {job.path}` writes them")
    click.echo(f"  created {job.created_at}; updated {job.updated_at}")
    if job.last:
        click.echo("  last run: " + ", ".join(f"{k} {v}" for k, v in sorted(job.last.items())))
