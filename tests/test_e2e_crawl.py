"""End to end: real Scrapy crawls over real HTTP against the sandbox, through the CLI.

The sandbox world is rebuilt in this process from the same seed, so every assertion can be
checked against the world's ground truth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.world import World
from creatorscout.search.backend import open_index
from creatorscout.search.query import SearchQuery
from tests.conftest import SANDBOX_SEED

pytestmark = pytest.mark.crawl

SEED = SANDBOX_SEED  # the session sandbox's (tests/conftest.py)
NICHE = "vegan-cooking"


@pytest.fixture(scope="module")
def world(sandbox_world: World) -> World:
    return sandbox_world


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url  # the session's sandbox (tests/conftest.py)


def scout(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", *args],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )


def crawl(url: str, index: Path, stats: Path, *extra: str) -> dict[str, Any]:
    completed = scout(
        "crawl", NICHE, "--platform", "mastodon", "--max-creators", "60",
        "--base-url", f"mastodon={url}/mastodon/{{instance}}",
        "--index", f"sqlite:///{index}", "--stats-json", str(stats), "--concurrency", "4",
        *extra,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    assert f"crawl of '{NICHE}' finished" in completed.stdout
    return json.loads(stats.read_text())


@pytest.fixture(scope="module")
def first_crawl(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("crawl")
    index = folder / "index.db"
    stats = crawl(sandbox, index, folder / "stats.json")
    return {"index": index, "stats": stats, "folder": folder}


def stat(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(f"creatorscout/{prefix}"))


def test_crawl_fills_the_budget_and_indexes_every_creator(first_crawl):
    stats = first_crawl["stats"]
    assert stat(stats, "fetched/mastodon") == 60
    assert stat(stats, "indexed") == 60
    assert stat(stats, "found/mastodon") > 60
    assert stats["finish_reason"] == "finished"
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        assert index.stats().creators == 60


def test_opt_outs_are_skipped_counted_and_never_indexed(first_crawl, world):
    stats = first_crawl["stats"]
    reasons = {k.split("/", 3)[-1] for k in stats if k.startswith("creatorscout/skipped/")}
    assert reasons & {"bot: true", "discoverable: false", "noindex: true"}, reasons
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        records = list(index.iter_records())
    for record in records:
        truth = world.truth(record.creator.handle)
        assert not truth.bot, record.id
        assert truth.discoverable is True, record.id
        assert not truth.noindex, record.id
        assert not (truth.deleted or truth.suspended), record.id
        if not truth.indexable:  # indexable: false keeps counts, stores no text
            assert record.creator.flags.no_post_text
            assert all(post.text is None for post in record.posts)


def test_numbers_match_the_world_and_carry_provenance(first_crawl, world):
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        records = list(index.iter_records())
    for record in records:
        truth = world.truth(record.creator.handle)
        assert record.creator.followers == truth.followers
        assert record.creator.provenance.plugin == "mastodon"
        assert record.creator.provenance.source_url
        assert all(not post.is_repost for post in record.posts)
        engagement = record.score.engagement
        if engagement.rate is not None:
            assert engagement.posts_used > 0 and engagement.definition


def test_top_creators_are_in_the_niche(first_crawl, world):
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        top = index.search(SearchQuery(niche=NICHE, limit=10)).hits
    in_niche = [world.truth(hit.record.creator.handle).in_niche[NICHE] for hit in top]
    assert sum(in_niche) >= 8, in_niche


def test_search_and_show_through_the_cli(first_crawl):
    index = f"sqlite:///{first_crawl['index']}"
    completed = scout("search", "vegan", "--niche", NICHE, "--format", "json", "--index", index)
    assert completed.returncode == 0, completed.stderr
    hits = json.loads(completed.stdout)["hits"]
    assert hits and all(hit["niche"] == NICHE for hit in hits)
    shown = scout("show", hits[0]["id"], "--index", index)
    assert shown.returncode == 0, shown.stderr
    assert hits[0]["handle"] in shown.stdout and "relevance" in shown.stdout
    table = scout("search", "--niche", NICHE, "--limit", "5", "--index", index)
    assert table.returncode == 0 and table.stdout.count("mastodon:") == 5
    missing = scout("show", "mastodon:nobody@nowhere.example", "--index", index)
    assert missing.returncode == 1 and "no creator" in missing.stderr


def test_malformed_statuses_are_counted_and_the_crawl_goes_on(first_crawl, world):
    stats = first_crawl["stats"]
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        handles = [r.creator.handle for r in index.iter_records()]
    broken = sum(len(world.truth(h).malformed) for h in handles)
    if broken:
        assert stat(stats, "malformed_objects") + stat(stats, "repaired_values") > 0


def test_crawling_twice_creates_no_duplicates(first_crawl, sandbox):
    folder: Path = first_crawl["folder"]
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        before = index.stats()
    crawl(sandbox, first_crawl["index"], folder / "stats2.json")
    with open_index(f"sqlite:///{first_crawl['index']}") as index:
        after = index.stats()
        ids = [r.id for r in index.iter_records()]
    assert len(ids) == len(set(ids))
    assert after.records == after.creators  # one niche: one record per creator
    assert before.creators <= after.creators <= before.creators + 60


@pytest.mark.parametrize(("fault", "status"), [("fail_every", 429), ("unavailable_every", 503)])
def test_rate_limited_sandbox_is_waited_out_not_hammered(tmp_path, fault, status):
    with start_sandbox_process(creators=300, seed=SEED, **{fault: 9}) as url:
        stats = crawl(url, tmp_path / "rl.db", tmp_path / "rl.json", "--max-creators", "15")
    assert stats.get(f"creatorscout/ratelimit/{status}", 0) > 0
    assert stats.get("creatorscout/ratelimit/waited_seconds", 0) >= 1
    assert stat(stats, "refused") == 0  # every 429 was retried after waiting
    assert stat(stats, "indexed") == 15


def test_creators_that_are_gone_are_deleted_from_the_index(sandbox, world, tmp_path):
    """A profile that now answers 404 is removed, not kept stale (platform terms)."""
    from tests.factories import make_creator, make_scored

    deleted = [p.acct for p in world.people if world.truth(p.index).deleted][:3]
    alive = [p.acct for p in world.people if world.truth(p.index).in_niche[NICHE]
             and world.truth(p.index).opted_out is None and not world.truth(p.index).bot
             and not world.truth(p.index).deleted and not world.truth(p.index).suspended][:2]
    assert deleted and alive
    config = tmp_path / "config"
    (config / "niches").mkdir(parents=True)
    seeds = ", ".join(deleted + alive)
    (config / "niches" / "gone-test.yaml").write_text(
        f"name: gone-test\nhashtags: []\nseeds:\n  mastodon: [{seeds}]\n"
        "platforms:\n  mastodon: {use_directory: false, search_accounts: false}\n",
        encoding="utf-8",
    )
    index_path = tmp_path / "gone.db"
    with open_index(f"sqlite:///{index_path}") as index:
        index.upsert(make_scored(make_creator(acct.lower(), handle=acct), niche="gone-test")
                     for acct in deleted)
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "crawl", "gone-test",
         "--platform", "mastodon", "--snowball-depth", "0",
         "--base-url", f"mastodon={sandbox}/mastodon/{{instance}}",
         "--index", f"sqlite:///{index_path}", "--stats-json", str(tmp_path / "s.json")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CREATORSCOUT_CONFIG": str(config)},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    stats = json.loads((tmp_path / "s.json").read_text())
    assert stat(stats, "skipped/mastodon/gone") == len(deleted)
    assert stat(stats, "deleted/mastodon") == len(deleted)
    with open_index(f"sqlite:///{index_path}") as index:
        left = {r.creator.handle.lower() for r in index.iter_records()}
    assert not left & {acct.lower() for acct in deleted}
    assert left == {acct.lower() for acct in alive}
