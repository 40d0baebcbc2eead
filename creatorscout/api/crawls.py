"""Crawls started over HTTP: each one a separate process, followed through its events.

A crawl runs ``python -m creatorscout.api.crawl_child`` (Scrapy's reactor runs once per
process, and a crawl must not stall the server). A reader thread per crawl turns the
child's JSON lines into the crawl's :class:`CrawlStatus` and an append-only event log,
which ``GET /crawls/{id}/events`` streams as Server-Sent Events (a client that reconnects
with ``Last-Event-ID`` continues where it left off).

Stopping sends SIGINT, as Ctrl-C does to ``scout crawl``: Scrapy finishes what is in
flight and the crawl's records are indexed; a child still alive after
:data:`STOP_GRACE` seconds is terminated.

Where platforms are fetched from (``--base-url``) and whether private hosts may be fetched
are server settings, never request fields: an HTTP client must not point the crawler at
arbitrary hosts.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from creatorscout.api.schemas import CrawlCounters, CrawlStart, CrawlStatus

MAX_RUNNING = 2
"""Crawls at once (each is a Scrapy process with its own connections)."""
MAX_KEPT = 50
"""Finished crawls remembered (the oldest are forgotten first)."""
STOP_GRACE = 30.0
"""Seconds a stopping crawl gets before it is terminated."""
POLL = 0.2
"""Seconds between checks for new events while streaming."""


class CrawlRefused(ValueError):
    """A crawl that cannot start now; the message says why and what to do."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class CrawlRun:
    status: CrawlStatus
    process: subprocess.Popen[str] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    log_path: Path | None = None

    @property
    def done(self) -> bool:
        return self.status.state in ("finished", "stopped", "failed")


class CrawlManager:
    """Starts, follows and stops crawl processes for one index."""

    def __init__(
        self,
        index_url: str | None,
        *,
        base_urls: dict[str, str] | None = None,
        allow_private_hosts: bool = False,
        max_running: int = MAX_RUNNING,
        progress_interval: float = 1.0,
        workdir: Path | None = None,
    ) -> None:
        self.index_url = index_url
        self.base_urls = dict(base_urls or {})
        self.allow_private_hosts = allow_private_hosts
        self.max_running = max_running
        self.progress_interval = progress_interval
        self._workdir = workdir
        self._runs: dict[str, CrawlRun] = {}
        self._lock = threading.Lock()

    def workdir(self) -> Path:
        """Where the crawls' logs go (a temporary folder made on the first crawl)."""
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="scout-crawls-"))
        return self._workdir

    # -- starting ----------------------------------------------------------------------

    def start(self, request: CrawlStart) -> CrawlStatus:
        from creatorscout.crawler.args import CrawlArgs

        niche = self._check_niche(request.niche)
        platforms = self._check_platforms(request.platforms)
        with self._lock:
            running = sum(1 for run in self._runs.values() if not run.done)
            if running >= self.max_running:
                raise CrawlRefused(
                    f"{running} crawls are running (the most at once is {self.max_running}); "
                    "wait for one to end or stop one with DELETE /api/v1/crawls/{id}",
                    status=409,
                )
            crawl_id = uuid.uuid4().hex[:12]
            args = CrawlArgs(
                niche=niche, platforms=platforms, max_creators=request.budget,
                index=self.index_url, base_urls=self.base_urls, max_posts=request.max_posts,
                allow_private_hosts=self.allow_private_hosts,
            )
            log_path = self.workdir() / f"{crawl_id}.log"
            with log_path.open("w", encoding="utf-8") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "creatorscout.api.crawl_child",
                     args.model_dump_json(), str(self.progress_interval)],
                    stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, text=True,
                    # its own session: a Ctrl-C meant for the server reaches the crawls
                    # only through shutdown(), which stops them cleanly
                    start_new_session=True,
                )
            status = CrawlStatus(
                id=crawl_id, niche=niche, platforms=platforms, budget=request.budget,
                state="running", started_at=datetime.now(UTC),
                counters=CrawlCounters(budget=request.budget), pid=process.pid,
            )
            run = CrawlRun(status=status, process=process, log_path=log_path)
            self._runs[crawl_id] = run
            self._record(run, "started")
            self._forget_old()
        threading.Thread(target=self._read, args=(run,), name=f"crawl-{crawl_id}",
                         daemon=True).start()
        return status.model_copy(deep=True)

    def _check_niche(self, name: str) -> str:
        from creatorscout.config import ConfigError, list_niches

        try:
            niches = list_niches()
        except ConfigError as exc:
            raise CrawlRefused(str(exc), status=503) from None
        wanted = name.strip().casefold()
        for niche in niches:
            if niche.name.casefold() == wanted:
                return niche.name
        known = ", ".join(n.name for n in niches) or "none"
        raise CrawlRefused(f"no niche '{name}'; configured niches: {known}")

    def _check_platforms(self, names: list[str]) -> list[str]:
        from creatorscout.plugins.manager import get_plugin_manager

        available = get_plugin_manager().platforms()
        wanted = [n.strip().lower() for n in names]
        unknown = [n for n in wanted if n not in available]
        if unknown:
            raise CrawlRefused(f"unknown platform '{unknown[0]}'; installed platforms: "
                               f"{', '.join(sorted(available))}")
        return sorted(set(wanted))

    # -- following ---------------------------------------------------------------------

    def _read(self, run: CrawlRun) -> None:
        """Turn the child's JSON lines into status updates until it exits."""
        process = run.process
        assert process is not None and process.stdout is not None
        ended: dict[str, Any] | None = None
        for line in process.stdout:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue  # a stray print of a plugin, not one of our events
            kind = event.get("event")
            with self._lock:
                status = run.status
                if isinstance(event.get("counters"), dict):
                    merged = status.counters.model_dump() | {
                        k: v for k, v in event["counters"].items()
                        if k in CrawlCounters.model_fields
                    }
                    status.counters = CrawlCounters(**merged)
                if kind == "progress":
                    self._record(run, "progress")
                elif kind in ("finished", "failed"):
                    ended = event
        process.stdout.close()
        code = process.wait()
        with self._lock:
            status = run.status
            status.ended_at = datetime.now(UTC)
            if ended and ended.get("event") == "finished":
                status.finish_reason = str(ended.get("finish_reason"))
                status.summary = ended.get("summary")
                stopped = status.state == "stopping" or status.finish_reason == "shutdown"
                status.state = "stopped" if stopped else "finished"
            elif status.state == "stopping":
                status.state = "stopped"
                status.finish_reason = "stopped"
            else:
                status.state = "failed"
                status.error = (ended or {}).get("error") or self._last_log_line(run) or (
                    f"the crawl process exited with code {code}")
            self._record(run, status.state)

    @staticmethod
    def _last_log_line(run: CrawlRun) -> str | None:
        if run.log_path is None or not run.log_path.exists():
            return None
        lines = [ln.strip() for ln in run.log_path.read_text(errors="replace").splitlines()]
        lines = [ln for ln in lines if ln]
        return lines[-1][:500] if lines else None

    def _record(self, run: CrawlRun, kind: str) -> None:
        """Append an event (call with the lock held)."""
        run.events.append({"id": len(run.events) + 1, "event": kind,
                           "data": run.status.model_dump(mode="json")})

    def _forget_old(self) -> None:
        done = [cid for cid, run in self._runs.items() if run.done]
        for cid in done[: max(0, len(done) - MAX_KEPT)]:
            del self._runs[cid]

    def all(self) -> list[CrawlStatus]:
        with self._lock:
            runs = sorted(self._runs.values(), key=lambda r: r.status.started_at, reverse=True)
            return [run.status.model_copy(deep=True) for run in runs]

    def get(self, crawl_id: str) -> CrawlStatus | None:
        with self._lock:
            run = self._runs.get(crawl_id)
            return run.status.model_copy(deep=True) if run else None

    async def events(self, crawl_id: str, after: int = 0) -> AsyncIterator[dict[str, Any]]:
        """The crawl's events after number ``after``, then new ones as they come, until the
        crawl has ended and every event was given."""
        while True:
            with self._lock:
                run = self._runs.get(crawl_id)
                if run is None:
                    return
                fresh = run.events[after:]
                done = run.done
            for event in fresh:
                yield event
            after += len(fresh)
            if done and not fresh:
                return
            await asyncio.sleep(POLL)

    # -- stopping ----------------------------------------------------------------------

    def stop(self, crawl_id: str) -> CrawlStatus | None:
        """Ask a crawl to stop (SIGINT); returns at once. None for an unknown id."""
        with self._lock:
            run = self._runs.get(crawl_id)
            if run is None:
                return None
            if not run.done and run.status.state != "stopping" and run.process is not None:
                run.status.state = "stopping"
                self._record(run, "stopping")
                _signal(run.process, signal.SIGINT)
                timer = threading.Timer(STOP_GRACE, self._terminate, args=(run,))
                timer.daemon = True
                timer.start()
            return run.status.model_copy(deep=True)

    def _terminate(self, run: CrawlRun) -> None:
        if run.process is not None and run.process.poll() is None:
            _signal(run.process, signal.SIGTERM)

    def shutdown(self, timeout: float = STOP_GRACE) -> None:
        """Stop every running crawl and wait for them (the server is going away)."""
        with self._lock:
            running = [cid for cid, run in self._runs.items() if not run.done]
        for cid in running:
            self.stop(cid)
        for cid in running:
            process = self._runs[cid].process
            if process is None:
                continue
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _signal(process: subprocess.Popen[str], signum: int) -> None:
    try:
        os.kill(process.pid, signum)
    except ProcessLookupError:
        pass  # it ended on its own meanwhile
