"""``scout index flush JOB``: write the records that waited for an index outage (issue 17).

A crawl whose Elasticsearch index was unreachable or answered 429/5xx keeps the records it
could not write in ``JOB/waiting.jsonl`` (:mod:`creatorscout.crawler.spool`). This command
writes them, removes what was written, and then runs the crawl-end passes the crawl left
out for their niches.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from creatorscout.cli.common import fail


def _job_index(job_dir: Path) -> tuple[str | None, datetime | None]:
    """The index URL the job crawled into and when it started (None when unknown)."""
    from creatorscout.crawler.jobs import JOB_FILE, load_job

    if not (job_dir / JOB_FILE).exists():
        return None, None
    job = load_job(job_dir)
    url = job.args.get("index")
    return (str(url) if url else None), datetime.fromisoformat(job.created_at)


@click.command("flush")
@click.argument("job_dir", metavar="JOB", type=click.Path(path_type=Path))
@click.option("--index", "index_url", default=None, metavar="URL",
              help="The index to write to (default: the one the job crawled into).")
def index_flush(job_dir: Path, index_url: str | None) -> None:
    """Write the records that waited in JOB (a crawl's job directory) for the index."""
    from creatorscout.config import load_scoring
    from creatorscout.crawler.jobs import JobError
    from creatorscout.crawler.pipelines import keep_complete
    from creatorscout.crawler.spool import Spool, is_outage, spool_path
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.crawl_end import carry_history, run_crawl_end
    from creatorscout.search.records import ScoredCreator

    if not job_dir.is_dir():
        fail(f"{job_dir} is not a job directory (see `scout jobs list`)", 2)
    spool = Spool(spool_path(job_dir))
    if not spool.waiting:
        click.echo(f"nothing waits in {job_dir}")
        return
    try:
        job_url, started = _job_index(job_dir)
    except JobError as exc:
        fail(str(exc), 2)
    scoring = load_scoring()
    niches: set[str] = set()
    problems: list[Exception] = []
    try:
        with open_index(index_url or job_url) as opened:

            def write(records: list[ScoredCreator]) -> list[ScoredCreator]:
                try:  # as the crawl's index pipeline writes them
                    kept = keep_complete(opened, records, lambda _key: None)
                    kept = carry_history(opened, kept, scoring, since=started)
                    opened.upsert(kept)
                except Exception as exc:  # kept in the spool: nothing is lost
                    problems.append(exc)
                    return records
                niches.update(record.niche for record in records)
                return []

            written = spool.drain(write, 200)
            if not spool.waiting and niches:  # the passes the crawl left for this moment
                for niche in sorted(niches):
                    run_crawl_end(opened, niche, scoring, persons=False)
                run_crawl_end(opened, None, scoring)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:  # the index failed before or after the write-back
        left = f"; {spool.waiting} record(s) still wait in {spool.path}" if spool.waiting else ""
        fail(f"{exc}{left}")
    click.echo(f"wrote {written} waiting record{'s' if written != 1 else ''} "
               f"from {spool.path}")
    if spool.unreadable:
        click.echo(f"scout: warning: {spool.unreadable} unreadable line(s) skipped", err=True)
    if spool.waiting:
        first = problems[0] if problems else None
        why = (str(first).splitlines()[0] if str(first) else type(first).__name__)
        what = "the index cannot take writes yet" if first and is_outage(first) else "failed"
        fail(f"{spool.waiting} record(s) still wait in {spool.path} ({what}: {why}); "
             "run this again when it is fixed")
