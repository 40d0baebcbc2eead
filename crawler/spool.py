"""Records that wait for the index: a spool file in the crawl's job directory (issue 17).

When Elasticsearch is unreachable or answers 429/5xx after the client's retries (an
outage, :func:`is_outage`), the index pipeline appends the batch it could not write to
``JOB/waiting.jsonl`` (one record per line, fsync'd: a kill loses nothing appended) and
goes on crawling. The spool is written back, oldest first, at later batches, when the
crawl ends, and by ``scout index flush JOB``; what was written is removed from the file.

The file is rewritten atomically (a temporary file renamed over it), so a kill while it is
written back leaves either the old spool or the new one: a record is written at most
twice, which the index's upserts (idempotent by stable id) make harmless.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Generator
from itertools import islice
from pathlib import Path

from pydantic import ValidationError

from creatorscout.search.backend import default_url
from creatorscout.search.es_errors import (
    ElasticsearchBusy,
    ElasticsearchUnreachable,
    ElasticsearchWriteError,
)
from creatorscout.search.records import ScoredCreator

logger = logging.getLogger(__name__)

SPOOL_FILE = "waiting.jsonl"


def _busy(status: object) -> bool:
    return isinstance(status, int) and (status == 429 or status >= 500)


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the cluster cannot take writes now (unreachable, 429, 5xx),
    rather than that a record or the cluster's configuration is wrong."""
    if isinstance(exc, ElasticsearchWriteError):  # documents refused one by one
        return bool(exc.failures) and all(_busy(f.get("status")) for f in exc.failures)
    return isinstance(exc, (ElasticsearchUnreachable, ElasticsearchBusy))


def is_remote(url: str | None) -> bool:
    """Whether the index ``url`` names (None: the default) is an Elasticsearch cluster,
    whose outages pass (an embedded index's failures are the disk's: they fail the crawl)."""
    target = default_url() if url is None else url
    return target.strip().lower().startswith(("http://", "https://"))


def spool_path(job_dir: str | Path) -> Path:
    """The spool file of a job directory."""
    return Path(job_dir) / SPOOL_FILE


class Spool:
    """The records of one job directory that wait for the index."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.waiting = self._count()
        self.unreadable = 0

    def _count(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())

    def append(self, records: list[ScoredCreator]) -> None:
        """Add records at the end, durably (flushed and fsync'd before returning)."""
        if not records:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = "".join(record.model_dump_json() + "\n" for record in records)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        self.waiting += len(records)

    def _lines(self) -> Generator[str, None, None]:
        with self.path.open(encoding="utf-8") as handle:
            yield from (line for line in handle if line.strip())

    def _parse(self, lines: list[str]) -> list[ScoredCreator]:
        records = []
        for line in lines:
            try:
                records.append(ScoredCreator.model_validate_json(line))
            except ValidationError as exc:  # e.g. a line cut short by a full disk
                self.unreadable += 1
                logger.warning("%s: an unreadable line was skipped (%s)", self.path,
                               exc.errors()[0].get("msg", "invalid"))
        return records

    def drain(self, write: Callable[[list[ScoredCreator]], list[ScoredCreator]],
              batch_size: int) -> int:
        """Write the waiting records back in batches, oldest first; return how many left.

        ``write`` stores a batch and returns the records that met an outage (none when
        the index took them all). At the first outage the rest stays in the spool, in
        order; when everything was written the file is removed.
        """
        if not self.waiting:
            return 0
        lines = self._lines()
        left: list[ScoredCreator] = []
        written = 0
        for chunk in iter(lambda: list(islice(lines, batch_size)), []):
            batch = self._parse(chunk)
            left = write(batch) if batch else []
            written += len(batch) - len(left)
            if left:
                break
        rest = [record.model_dump_json() + "\n" for record in left] + list(lines)
        lines.close()
        if rest:
            tmp = self.path.with_name(f".{self.path.name}.tmp")
            with tmp.open("w", encoding="utf-8") as handle:
                handle.writelines(rest)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        else:
            self.path.unlink(missing_ok=True)
        self.waiting = len(rest)
        return written
