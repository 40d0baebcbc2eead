"""Resumable crawl jobs: ``kill -9`` at five points, then the same command again.

Real crawls (the ``scout`` CLI in a child process) over real HTTP against the sandbox,
served from this process so every request the crawls make is counted. Each interrupted
crawl is compared with one uninterrupted crawl of the same world:

* requests repeated: asked again after the kill although answered before it (bound: 1%);
* creators lost and records stored twice: none;
* the final index equals the uninterrupted crawl's, ids and numbers (times aside).

The crawls run sequentially (``-s CONCURRENT_REQUESTS=1 -s SCRAPER_SLOT_MAX_ACTIVE_SIZE=1``):
with concurrent requests the creators that fill a budget depend on which answers arrive
first, so two *uninterrupted* crawls already differ, and there is nothing exact to compare.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from creatorscout.crawler.journal import JOURNAL_FILE, count_answers
from creatorscout.sandbox.server import SandboxServer
from creatorscout.sandbox.world import build_world
from creatorscout.search.backend import open_index
from tests.index_compare import differences, index_contents

pytestmark = pytest.mark.e2e

SEED = 7
CREATORS = 600
NICHE = "vegan-cooking"
BUDGET = 40
SEQUENTIAL = ("-s", "CONCURRENT_REQUESTS=1", "-s", "SCRAPER_SLOT_MAX_ACTIVE_SIZE=1")
KILL_IN_CRAWL_END = Path(__file__).with_name("kill_in_crawl_end.py")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    # A little latency, as a network has: the kills from outside land between answers.
    with SandboxServer(build_world(seed=SEED, creators=CREATORS), latency_ms=10) as server:
        yield server


def crawl_args(server: SandboxServer, folder: Path) -> list[str]:
    return [
        "crawl", NICHE, "--platform", "mastodon", "--max-creators", str(BUDGET),
        "--base-url", f"mastodon={server.url}/mastodon/{{instance}}",
        "--index", f"sqlite:///{folder / 'index.db'}", "--job", str(folder / "job"),
        "--stats-json", str(folder / "stats.json"), *SEQUENTIAL,
    ]


def requests_since(server: SandboxServer, start: int) -> Counter[str]:
    """API requests the sandbox answered since its log held ``start`` entries, by target."""
    log = list(server.stats.log)
    assert len(log) < (server.stats.log.maxlen or 0), "the sandbox's log overflowed"
    return Counter(target for _, target, _ in log[start:] if "/api/" in target)


def run_to_end(args: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "creatorscout.cli", *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return done


@pytest.fixture(scope="module")
def reference(sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("reference")
    start = len(sandbox.stats.log)
    run_to_end(crawl_args(sandbox, folder))
    asked = requests_since(sandbox, start)
    stats = json.loads((folder / "stats.json").read_text())
    return {
        "index": index_contents(f"sqlite:///{folder / 'index.db'}"),
        "asked": asked,
        # answers journaled (the journal itself is deleted when the job finishes)
        "answers": stats["httpcache/firsthand"],
        "posts": sum(n for target, n in asked.items() if "/statuses" in target),
    }


def posts_answers(journal: Path) -> int:
    import sqlite3

    if not journal.exists():
        return 0
    conn = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=30)
    try:
        return int(conn.execute(
            "SELECT count(*) FROM answers WHERE url LIKE '%/statuses%'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def kill_when(args: list[str], ready: Callable[[], bool]) -> None:
    """Start the crawl and ``kill -9`` it as soon as ``ready()``; fail if it ends first."""
    child = subprocess.Popen([sys.executable, "-m", "creatorscout.cli", *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        while not ready():
            assert child.poll() is None, "the crawl ended before the kill point"
            time.sleep(0.005)
        child.kill()  # SIGKILL: no clean-up of any kind
    finally:
        child.wait(timeout=60)
        if child.stderr is not None:
            child.stderr.close()


POINTS = ["discovery", "profiles", "posts", "late", "crawl-end"]


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_crawl_resumes_where_it_stopped(
    point: str, sandbox: SandboxServer, reference: dict[str, Any], tmp_path: Path
) -> None:
    args = crawl_args(sandbox, tmp_path)
    journal = tmp_path / "job" / JOURNAL_FILE
    index_url = f"sqlite:///{tmp_path / 'index.db'}"
    total = reference["answers"]
    start = len(sandbox.stats.log)
    if point == "crawl-end":
        died = subprocess.run([sys.executable, str(KILL_IN_CRAWL_END), *args],
                              capture_output=True, text=True, timeout=300)
        assert died.returncode == -9, died.stderr[-2000:]
        with open_index(index_url, create=False) as index:
            assert index.pending_passes() == [NICHE]
            passed = [r.score.niche_pass_at is not None for r in index.iter_records()]
        assert 0 < sum(passed) < len(passed) == BUDGET  # killed half-way through the pass
    else:
        ready: Callable[[], bool] = {
            "discovery": lambda: count_answers(journal) >= 2,
            "profiles": lambda: count_answers(journal) >= total * 0.3,
            "posts": lambda: posts_answers(journal) >= reference["posts"] / 2,
            "late": lambda: count_answers(journal) >= total * 0.9,
        }[point]
        kill_when(args, ready)
    before = count_answers(journal)
    assert 0 < before < total or point == "crawl-end"

    resumed = run_to_end(args)

    assert "resumed (run 2)" in resumed.stdout
    asked = requests_since(sandbox, start)
    repeated = sum(max(0, n - reference["asked"][target]) for target, n in asked.items())
    final = index_contents(index_url)  # raises if any record is stored twice
    lost = sorted(set(reference["index"]) - set(final))
    report = {"point": point, "answered_before_kill": before, "reference_requests": total,
              "repeated": repeated, "lost": len(lost), "records": len(final)}
    print(json.dumps(report))
    assert repeated <= total * 0.01, report
    assert not lost, lost
    assert differences(reference["index"], final) == []
    with open_index(index_url, create=False) as index:
        assert index.pending_passes() == []
    shown = subprocess.run([sys.executable, "-m", "creatorscout.cli", "jobs", "show",
                            str(tmp_path / "job"), "--format", "json"],
                           capture_output=True, text=True, timeout=60)
    job = json.loads(shown.stdout)
    assert (job["state"], job["runs"], job["resumed"]) == ("finished", 2, 1)


def test_a_pass_left_pending_is_completed_by_the_next_command(
    sandbox: SandboxServer, reference: dict[str, Any], tmp_path: Path
) -> None:
    args = crawl_args(sandbox, tmp_path)
    index_url = f"sqlite:///{tmp_path / 'index.db'}"
    died = subprocess.run([sys.executable, str(KILL_IN_CRAWL_END), *args],
                          capture_output=True, text=True, timeout=300)
    assert died.returncode == -9
    searched = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "search", "--index", index_url,
         "--format", "json", "--limit", "100"],
        capture_output=True, text=True, timeout=120,
    )
    assert searched.returncode == 0, searched.stderr
    assert f"completed the crawl-end pass of '{NICHE}'" in searched.stderr
    with open_index(index_url, create=False) as index:
        assert index.pending_passes() == []
        assert all(r.score.niche_pass_at is not None for r in index.iter_records())
    # the pass completed from the stored records gives what the uninterrupted crawl gave
    assert differences(reference["index"], index_contents(index_url)) == []


def test_a_job_with_other_arguments_is_not_mixed_in(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    args = crawl_args(sandbox, tmp_path)
    kill_when(args, lambda: count_answers(tmp_path / "job" / JOURNAL_FILE) >= 2)
    other = [*args[:4], "--max-creators", "5", *args[6:]]
    refused = subprocess.run([sys.executable, "-m", "creatorscout.cli", *other],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2
    assert "max_creators" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
