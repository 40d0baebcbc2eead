"""Real crawls over HTTP against the sandbox with a server, a store or a platform that
misbehaves (issue 12, items 1-3): nothing any of them sends loses the crawl's records, and
the exit code tells the truth.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from creatorscout.crawler.summary import format_summary
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.search.backend import open_index
from creatorscout.testing.crawl import run_crawl_in_child

pytestmark = pytest.mark.e2e

SEED = 7
CREATORS = 300
NICHE = "vegan-cooking"


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "creatorscout.cli", *args],
                          capture_output=True, text=True, timeout=300)


def crawl_args(url: str, index: Path, *extra: str) -> list[str]:
    return ["crawl", NICHE, "--platform", "mastodon", "--max-creators", "40",
            "--snowball-depth", "0", "--base-url", f"mastodon={url}/mastodon/{{instance}}",
            "--index", f"sqlite:///{index}", "--concurrency", "4", *extra]


def stat(stats: dict[str, object], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items()  # type: ignore[call-overload]
               if k.startswith(f"creatorscout/{prefix}") and isinstance(v, int | float))


def test_one_bad_string_from_a_server_loses_no_creator(tmp_path):
    """Every display name carries a lone surrogate: every creator is still indexed."""
    with start_sandbox_process(creators=CREATORS, seed=SEED, bad_text_every=1) as url:
        done = scout(*crawl_args(url, tmp_path / "i.db", "--stats-json",
                                 str(tmp_path / "s.json")))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    stats = json.loads((tmp_path / "s.json").read_text())
    fetched = stat(stats, "fetched")
    assert fetched >= 30
    assert stat(stats, "indexed") == fetched
    assert stat(stats, "store_failed") == 0
    assert stat(stats, "repaired_values/mastodon") >= fetched
    with open_index(f"sqlite:///{tmp_path / 'i.db'}") as index:
        names = [r.creator.display_name or "" for r in index.iter_records()]
    assert len(names) == fetched and all(name.startswith("\ufffd") for name in names)


def test_a_crawl_into_a_locked_index_exits_1_with_the_cause(tmp_path):
    """Another writer holds the index: exit 1 and why, before anything is fetched (a store
    that fails mid-crawl: tests/test_reliability_store.py)."""
    index = tmp_path / "locked.db"
    open_index(f"sqlite:///{index}").close()
    holder = sqlite3.connect(index, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with start_sandbox_process(creators=CREATORS, seed=SEED) as url:
            done = scout(*crawl_args(url, index, "--max-creators", "10"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert done.stderr == ("scout: error: cannot write the index: the database is locked "
                           "by another process (another crawl or a long search?)\n")
    assert "crawl of" not in done.stdout


def test_rate_limited_posts_are_stored_incomplete_and_never_replace_complete_records(
    tmp_path,
):
    folder = tmp_path / "crawl"
    settings = {"CREATORSCOUT_RATELIMIT_RETRIES": 0, "CREATORSCOUT_NICHE_PASS": False}
    with start_sandbox_process(creators=CREATORS, seed=SEED) as url:
        first = run_crawl_in_child(NICHE, platforms=["mastodon"], max_creators=25,
                                   base_urls={"mastodon": f"{url}/mastodon/{{instance}}"},
                                   folder=folder, settings=settings)
    assert first.stat("incomplete") == 0
    with open_index(first.index_url) as index:
        before = {r.id: r for r in index.iter_records()}
    assert len(before) == 25 and all(r.crawl.complete for r in before.values())
    with start_sandbox_process(creators=CREATORS, seed=SEED, fail_every=3) as url:
        again = run_crawl_in_child(NICHE, platforms=["mastodon"], max_creators=25,
                                   base_urls={"mastodon": f"{url}/mastodon/{{instance}}"},
                                   folder=folder, settings=settings)
    incomplete = {item.id for item in again.items if not item.crawl.complete}
    assert incomplete, "the faults never hit a posts request"
    assert again.stat("incomplete/mastodon") == len(incomplete)
    kept = incomplete & set(before)
    assert again.stat("kept_complete/mastodon") == len(kept)
    with open_index(first.index_url) as index:
        for creator_id in kept:
            stored = index.get(creator_id)[0]
            assert stored.crawl.complete
            assert stored.score.engagement.rate == before[creator_id].score.engagement.rate
            assert len(stored.posts) == len(before[creator_id].posts)
        for creator_id in incomplete - set(before):
            assert index.get(creator_id)[0].crawl.complete is False


def test_an_unreachable_platform_is_one_line_and_the_summary_says_why(tmp_path):
    done = scout("crawl", NICHE, "--platform", "mastodon", "--allow-private-hosts",
                 "--base-url", "mastodon=http://127.0.0.1:9/mastodon/{instance}",
                 "--index", f"sqlite:///{tmp_path / 'i.db'}")
    assert done.returncode == 1, done.stderr[-2000:]  # a crawl that stored nothing failed
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2 and "mastodon: cannot reach 127.0.0.1:9" in lines[0]
    assert lines[1] == ("scout: error: the crawl stored no creator (the summary above says "
                        "why per platform)")
    assert "indexed 0:" in done.stdout
    assert "mastodon: could not reach it (" in done.stdout


def test_an_empty_crawl_names_the_niche_terms_when_the_niche_is_the_cause() -> None:
    stats = {"creatorscout/found/mastodon": 437,
             "creatorscout/skipped/mastodon/profile outside the niche": 437,
             "downloader/request_count": 500}
    summary = format_summary(stats, niche="vegan-cooking", terms=["#vegan", "tofu"])
    assert ("mastodon: all 437 accounts found were skipped: 437 profile outside the niche; "
            "its terms are #vegan, tofu") in summary


def test_a_crawl_whose_writes_fail_midway_exits_1_saying_how_many_and_why(tmp_path):
    """The index file may not grow (a real write error: RLIMIT_FSIZE, like a full disk):
    the crawl runs, every creator it could not store is counted, one cause, exit 1."""
    import resource
    import signal

    index = tmp_path / "full.db"
    open_index(f"sqlite:///{index}").close()  # the schema is written before the limit

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    with start_sandbox_process(creators=CREATORS, seed=SEED) as url:
        done = subprocess.run(
            [sys.executable, "-m", "creatorscout.cli", *crawl_args(url, index)],
            capture_output=True, text=True, timeout=300, preexec_fn=small_files,
        )
    assert done.returncode == 1, done.stdout + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    fetched = int(done.stdout.split("fetched ")[1].split(",")[0])
    assert fetched >= 30
    last = done.stderr.strip().splitlines()[-1]
    assert last == (f"scout: error: {fetched} creators could not be stored: disk I/O error "
                    f"writing {index}")
    assert f"store failed mastodon: {fetched}" in done.stdout
