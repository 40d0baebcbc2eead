"""Crawl jobs: every crawl has a directory that lets it survive a crash.

A job directory holds ``job.json`` (the crawl's arguments, its state, its runs) and the
response journal (:mod:`creatorscout.crawler.journal`). Running the same crawl again while
its job is unfinished resumes it: the crawl starts over, every request already answered is
answered from the journal, and only the rest goes to the network. A finished job run again
starts a new crawl in the same directory (a weekly crawl of a niche re-fetches; use
``scout recrawl`` for the cheap refresh).

The default directory is ``jobs/NICHE--PLATFORMS`` next to an embedded index file, or under
``./creatorscout-jobs`` for an in-memory or Elasticsearch index.

A shared crawl (``--frontier``) keeps its state on the frontier, not in a job; each of its
processes writing to an Elasticsearch index still gets a directory of its own
(:func:`start_spool_job`), holding only the records an outage of the cluster makes wait.

State changes are written atomically (a temporary file renamed over ``job.json``), so a
kill at any moment leaves either the old or the new state.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from creatorscout.crawler.args import CrawlArgs
from creatorscout.crawler.journal import JOURNAL_FILE, count_answers, journal_settings
from creatorscout.search.backend import default_url, sqlite_path

JOB_FILE = "job.json"
JOBS_FOLDER = "jobs"
NO_FILE_ROOT = "creatorscout-jobs"

State = Literal["running", "finished"]


class JobError(ValueError):
    """A job that cannot be used as asked; the message says what to do."""


def _slug(text: str) -> str:
    name = Path(text).stem if text.endswith((".yaml", ".yml")) else text
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "niche"


def jobs_root(index_url: str | None) -> Path:
    """Where the jobs of an index live by default."""
    url = index_url or default_url()
    if url.strip().lower().startswith(("http://", "https://")):
        return Path(NO_FILE_ROOT).resolve()
    path = sqlite_path(url)
    if path == ":memory:":
        return Path(NO_FILE_ROOT).resolve()
    return Path(path).resolve().parent / JOBS_FOLDER


def default_job_dir(args: CrawlArgs) -> Path:
    """``jobs/NICHE--PLATFORMS`` under :func:`jobs_root` (``all`` when no platform given)."""
    platforms = "+".join(sorted(args.platforms)) if args.platforms else "all"
    return jobs_root(args.index) / f"{_slug(args.niche)}--{_slug(platforms)}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _identity(args: CrawlArgs) -> dict[str, Any]:
    """The arguments that must match for a run to continue a job (all of them)."""
    return args.model_dump(mode="json")


@dataclass
class Job:
    """One job directory and its ``job.json``."""

    path: Path
    args: dict[str, Any]
    state: State = "running"
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    runs: int = 0
    resumed: int = 0
    last: dict[str, Any] = field(default_factory=dict)

    @property
    def journal(self) -> Path:
        return self.path / JOURNAL_FILE

    @property
    def niche(self) -> str:
        return str(self.args.get("niche", "?"))

    @property
    def platforms(self) -> list[str]:
        return list(self.args.get("platforms") or [])

    def answers(self) -> int:
        """Answers journaled so far (what a resume will not ask again)."""
        return count_answers(self.journal)

    def scrapy_settings(self) -> dict[str, Any]:
        """Settings that journal this job's answers and replay them on resume."""
        return {**journal_settings(self.path), **self.spool_settings()}

    def spool_settings(self) -> dict[str, Any]:
        """Settings that keep only the records an index outage makes wait here (a shared
        crawl's process: its answers are the frontier's business, not journaled)."""
        return {"CREATORSCOUT_JOB_DIR": str(self.path),
                "CREATORSCOUT_JOB_STARTED": self.created_at}

    def save(self) -> None:
        self.updated_at = _now()
        data = {
            "args": self.args, "state": self.state, "created_at": self.created_at,
            "updated_at": self.updated_at, "runs": self.runs, "resumed": self.resumed,
            "last": self.last,
        }
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.path / f".{JOB_FILE}.tmp"
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path / JOB_FILE)

    def finish(self, summary: dict[str, Any]) -> None:
        """Mark the crawl (and its crawl-end passes) done; keep its summary figures, and
        delete the journal: raw answers hold what the index never keeps (e-mail addresses,
        opted-out profiles), and a finished job has no use for them."""
        self.state = "finished"
        self.last = summary
        self.save()
        _drop_journal(self.path)


def load_job(path: Path) -> Job:
    """Read a job directory; :class:`JobError` when it is not one."""
    file = path / JOB_FILE
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise JobError(f"{path}: not a crawl job (no {JOB_FILE}); see `scout jobs list`") \
            from None
    except (OSError, ValueError) as exc:
        raise JobError(f"{file}: unreadable job file ({exc}); remove the directory to start "
                       "over") from None
    if not isinstance(data, dict) or not isinstance(data.get("args"), dict):
        raise JobError(f"{file}: not a job file; remove the directory to start over")
    return Job(
        path=path, args=data["args"], state=data.get("state", "running"),
        created_at=str(data.get("created_at", "")), updated_at=str(data.get("updated_at", "")),
        runs=int(data.get("runs", 0)), resumed=int(data.get("resumed", 0)),
        last=dict(data.get("last") or {}),
    )


def _refuse_other_directory(path: Path) -> None:
    """:class:`JobError` when ``path`` is a non-empty directory that is not a job's."""
    if path.exists() and not (path / JOB_FILE).exists() and any(path.iterdir()):
        raise JobError(f"--job {path}: the directory exists and is not a crawl job; "
                       "choose another")


def start_job(args: CrawlArgs, path: Path | None = None) -> Job:
    """The job for this crawl: resumed when ``path`` holds an unfinished job with the same
    arguments, started afresh when it holds none or a finished one.

    Raises :class:`JobError` when ``path`` holds an unfinished job of other arguments:
    resuming it with these would mix two crawls, and starting over would lose it.
    """
    path = (path or default_job_dir(args)).resolve()
    wanted = _identity(args)
    _refuse_other_directory(path)
    if (path / JOB_FILE).exists():
        job = load_job(path)
        if job.state == "running":
            if job.args != wanted:
                changed = sorted(k for k in set(wanted) | set(job.args)
                                 if wanted.get(k) != job.args.get(k))
                raise JobError(
                    f"job {path} is an unfinished crawl with other arguments "
                    f"({', '.join(changed)} differ); run it with its own arguments to "
                    "finish it, or pass --job with another directory"
                )
            job.runs += 1
            job.resumed += 1
            job.save()
            return job
        # finished: a new crawl; the old answers must not be replayed
        _drop_journal(path)
    job = Job(path=path, args=wanted, runs=1)
    job.save()
    return job


def start_spool_job(args: CrawlArgs, path: Path | None, process_id: str) -> Job:
    """The directory where one process of a shared crawl keeps the records an index outage
    makes wait: ``path``, or ``jobs/NICHE--PLATFORMS--PROCESS_ID`` under :func:`jobs_root`
    (each process its own: two processes appending to one spool would interleave).

    A ``path`` that already holds a job keeps its records: they are written back first,
    before this crawl's. Raises :class:`JobError` when ``path`` is a directory of
    something else.
    """
    default = default_job_dir(args)
    path = (path or default.with_name(f"{default.name}--{_slug(process_id)}")).resolve()
    _refuse_other_directory(path)
    if (path / JOB_FILE).exists():
        job = load_job(path)
        job.runs += 1
    else:
        job = Job(path=path, args=_identity(args), runs=1)
    job.state = "running"
    job.save()
    return job


def _drop_journal(path: Path) -> None:
    journal = path / JOURNAL_FILE
    for leftover in (journal, journal.with_name(f"{JOURNAL_FILE}-wal"),
                     journal.with_name(f"{JOURNAL_FILE}-shm")):
        leftover.unlink(missing_ok=True)


def list_jobs(root: Path) -> list[Job]:
    """Every readable job directly under ``root``, most recently updated first."""
    if not root.is_dir():
        return []
    jobs = []
    for child in sorted(root.iterdir()):
        if (child / JOB_FILE).exists():
            try:
                jobs.append(load_job(child))
            except JobError:
                continue
    return sorted(jobs, key=lambda job: job.updated_at, reverse=True)


def remove_job(job: Job) -> None:
    """Delete a job directory (its journal and state)."""
    shutil.rmtree(job.path)
