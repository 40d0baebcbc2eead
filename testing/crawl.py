"""Run a real crawl (Scrapy, HTTP, pipelines, index) and hand back the scored items.

The Twisted reactor runs once per process, so every crawl runs in a child process:
``python -m creatorscout.testing._crawl_child SPEC``. The child gets this process's
``sys.path`` (so plugins registered with :func:`~creatorscout.testing.registered_plugin`
are found through their entry points there too), runs
:func:`creatorscout.crawler.run.run_crawl`, and writes the scored items, the stats and the
full DEBUG log to files this process reads back.

Crawls through the kit are quick and polite to a local server: rate-limit waits are capped
(``CREATORSCOUT_RATELIMIT_MAX_WAIT``, 2 s by default here) and retried at most twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from creatorscout.config.schema import Niche
from creatorscout.search.records import ScoredCreator

DEFAULT_SETTINGS: dict[str, Any] = {
    "CREATORSCOUT_RATELIMIT_MAX_WAIT": 2.0,
    "CREATORSCOUT_RATELIMIT_RETRIES": 2,
    "DOWNLOAD_TIMEOUT": 20,
    "RETRY_TIMES": 0,
}


class CrawlFailed(AssertionError):
    """The crawl child exited with an error; the message holds the end of its output."""


@dataclass
class CrawlRun:
    """What a crawl produced: the scored items (as indexed), Scrapy's stats, the log."""

    items: list[ScoredCreator]
    stats: dict[str, Any]
    log: str
    returncode: int
    folder: Path
    errors: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [item.creator.id for item in self.items]

    def stat(self, prefix: str) -> int:
        """The sum of the ``creatorscout/<prefix>...`` stats (``"refused/lemmy"``)."""
        return int(sum(v for k, v in self.stats.items()
                       if k.startswith(f"creatorscout/{prefix}") and isinstance(v, int | float)))

    def stats_under(self, prefix: str) -> dict[str, int]:
        """The ``creatorscout/<prefix>/...`` stats by their remaining key."""
        start = f"creatorscout/{prefix}/"
        return {k[len(start):]: int(v) for k, v in self.stats.items() if k.startswith(start)}

    @property
    def index_url(self) -> str:
        return f"sqlite:///{self.folder / 'index.db'}"


def _niche_file(niche: Niche | str | Path, folder: Path) -> str:
    if isinstance(niche, Niche):
        path = folder / f"{niche.name}.yaml"
        path.write_text(yaml.safe_dump(niche.model_dump(), allow_unicode=True), encoding="utf-8")
        return str(path)
    return str(niche)


def run_crawl_in_child(
    niche: Niche | str | Path,
    *,
    platforms: list[str] | None = None,
    base_urls: dict[str, str] | None = None,
    max_creators: int = 20,
    max_posts: int = 10,
    snowball_depth: int = 0,
    discovery_pages: int = 1,
    concurrency: int = 4,
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    folder: Path | None = None,
    timeout: float = 180.0,
    check: bool = True,
) -> CrawlRun:
    """Crawl ``niche`` (a name, a YAML path or a :class:`Niche`) in a child process.

    ``base_urls`` point platforms at local servers (a replay server, the sandbox): a test
    must never reach a live platform, so give one for every platform the niche reaches.
    ``env`` adds environment variables for the child (a plugin's token). With ``check``
    (the default) a child that fails raises :class:`CrawlFailed` with its output.
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="creatorscout-crawl-"))
    folder.mkdir(parents=True, exist_ok=True)
    spec = {
        "sys_path": [p for p in sys.path if p],
        "args": {
            "niche": _niche_file(niche, folder),
            "platforms": list(platforms or []),
            "index": f"sqlite:///{folder / 'index.db'}",
            "base_urls": dict(base_urls or {}),
            "max_creators": max_creators,
            "max_posts": max_posts,
            "snowball_depth": snowball_depth,
            "discovery_pages": discovery_pages,
            "concurrency": concurrency,
            "allow_private_hosts": True,
        },
        "settings": {**DEFAULT_SETTINGS, **(settings or {})},
        "items": str(folder / "items.jsonl"),
        "stats": str(folder / "stats.json"),
        "log": str(folder / "crawl.log"),
    }
    items_path, stats_path, log_path = (Path(str(spec[k])) for k in ("items", "stats", "log"))
    spec_path = folder / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    child_env = {**os.environ, **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.testing._crawl_child", str(spec_path)],
        capture_output=True, text=True, timeout=timeout, env=child_env,
        stdin=subprocess.DEVNULL,
    )
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    log += completed.stderr
    if check and completed.returncode != 0:
        raise CrawlFailed(
            f"the crawl child exited with {completed.returncode}:\n{completed.stderr[-4000:]}"
        )
    items = []
    if items_path.exists():
        for line in items_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(ScoredCreator.model_validate_json(line))
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    errors = [line for line in completed.stderr.splitlines() if line.startswith("scout: error:")]
    return CrawlRun(items=items, stats=stats, log=log, returncode=completed.returncode,
                    folder=folder, errors=errors)
