"""`scout crawl` as a user runs it, for the platforms' end-to-end tests: a child process
(the Twisted reactor runs once per process) over real HTTP against a sandbox, with its exit
code checked and its output, stats, index and the sandbox's request counts handed back.

Every platform crawled gets ``--base-url NAME=URL/NAME``: a test never reaches a live
platform. A crawl that can store nobody exits 1 with one line; ``expect=1`` checks it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creatorscout.sandbox import SandboxServer
from creatorscout.search.backend import open_index
from creatorscout.search.records import ScoredCreator

#: The last line of a crawl that stored no creator (exit 1).
EMPTY_CRAWL = "scout: error: the crawl stored no creator"


@dataclass
class ScoutCrawl:
    """What one ``scout crawl`` left: its output, stats and index, and what it asked of
    the sandbox (``sandbox``: requests by kind, when the in-process server was given)."""

    returncode: int
    stdout: str
    stderr: str
    stats: dict[str, Any]
    folder: Path
    url: str
    sandbox: dict[str, int]

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def index(self) -> Path:
        return self.folder / "i.db"

    def records(self) -> list[ScoredCreator]:
        """The indexed creators, with their posts."""
        with open_index(f"sqlite:///{self.index}") as index:
            return list(index.iter_records())

    def stat(self, prefix: str) -> int:
        """The sum of the ``creatorscout/<prefix>...`` stats."""
        return sum(v for k, v in self.stats.items() if k.startswith(f"creatorscout/{prefix}"))

    def lines(self, text: str) -> list[str]:
        """The output lines that hold ``text``."""
        return [line for line in self.output.splitlines() if text in line]


def scout_crawl(url: str, niche: str, platforms: Sequence[str], folder: Path, *,
                env: Mapping[str, str] | None = None, clear: Sequence[str] = (),
                args: Sequence[str] = (), max_creators: int = 8, max_posts: int = 10,
                server: SandboxServer | None = None, expect: int = 0) -> ScoutCrawl:
    """Crawl ``niche`` (a name or a YAML path) on ``platforms`` of the sandbox at ``url``.

    ``clear`` names the environment variables (or their prefixes: ``"REDDIT_"``) the child
    must not inherit and ``env`` sets its own; ``args`` are more options (``-vv``). The exit
    code must be ``expect``, and no traceback may show."""
    stats = folder / "stats.json"
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(tuple(clear))}
    child_env.update(env or {})
    command = [sys.executable, "-m", "creatorscout.cli", "crawl", niche]
    for platform in platforms:
        command += ["--platform", platform, "--base-url", f"{platform}={url}/{platform}"]
    command += ["--max-creators", str(max_creators), "--max-posts", str(max_posts),
                "--index", f"sqlite:///{folder / 'i.db'}", "--stats-json", str(stats), *args]
    before = server.stats.snapshot()["by_kind"] if server else {}
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300,
                               env=child_env)
    after = server.stats.snapshot()["by_kind"] if server else {}
    assert completed.returncode == expect, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    if expect == 1:
        assert completed.stderr.strip().splitlines()[-1].startswith(EMPTY_CRAWL)
    return ScoutCrawl(
        returncode=completed.returncode, stdout=completed.stdout, stderr=completed.stderr,
        stats=json.loads(stats.read_text()) if stats.exists() else {}, folder=folder, url=url,
        sandbox={kind: after.get(kind, 0) - before.get(kind, 0) for kind in after})
