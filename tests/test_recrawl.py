"""``scout recrawl``: known creators refreshed without discovery, growth history on the
embedded index, gone and opted-out creators removed, the data-age rule.

Real crawls through the CLI against the sandbox served from this process; the world is
changed between the crawl and the recrawl as the platforms would change (an account
deleted, another opting out with ``noindex``).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from creatorscout.crawler.recrawl import expire_unrefreshed
from creatorscout.plugins.platform import Platform
from creatorscout.sandbox.server import SandboxServer
from creatorscout.sandbox.world import build_world
from creatorscout.search.backend import open_index
from tests.factories import make_scored

pytestmark = pytest.mark.e2e

NICHE = "vegan-cooking"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(build_world(seed=11, creators=400)) as server:
        yield server


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "creatorscout.cli", *args],
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def change_person(server: SandboxServer, handle: str, **changes: Any) -> None:
    """Change one account of the world (as its owner would) and drop the sandbox's caches
    of what it renders (they assume a world that never changes)."""
    world = server.world
    for i, person in enumerate(world.people):
        if person.acct.lower() == handle.lower():
            world.people[i] = dataclasses.replace(person, **changes)
            break
    else:
        raise AssertionError(f"nobody called {handle}")
    for owner in (world, *server.dialects.values()):
        for value in [*vars(owner).values()]:
            for held in (value, *getattr(value, "__dict__", {}).values()):
                if hasattr(held, "cache_clear"):
                    held.cache_clear()


def test_recrawl_refreshes_known_creators_only_and_grows_their_history(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    index_url = f"sqlite:///{tmp_path / 'index.db'}"
    base = ("--base-url", f"mastodon={sandbox.url}/mastodon/{{instance}}",
            "--index", index_url)
    crawled = scout("crawl", NICHE, "--platform", "mastodon", "--max-creators", "30", *base,
                    "--concurrency", "4")
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    with open_index(index_url, create=False) as index:
        before = {r.id: r for r in index.iter_records(niche=NICHE)}
    assert len(before) == 30
    ids = sorted(before)
    deleted, opted = before[ids[0]], before[ids[1]]
    change_person(sandbox, deleted.creator.handle, deleted=True)
    change_person(sandbox, opted.creator.handle, noindex=True)
    asked_before = len(sandbox.stats.log)

    stats_file = tmp_path / "recrawl.json"
    done = scout("recrawl", NICHE, "--older-than", "0", "--platform", "mastodon", *base,
                 "--stats-json", str(stats_file))
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(stats_file.read_text())

    kinds = [target for _, target, _ in list(sandbox.stats.log)[asked_before:]]
    discovery = [t for t in kinds if "/tags/" in t or "/directory" in t or "/search" in t]
    assert discovery == []  # known creators only: no discovery, no snowball
    requests = stats["downloader/request_count"]
    refreshed = stats.get("creatorscout/indexed", 0)
    assert refreshed == 28
    assert requests / refreshed <= 2.5  # a profile and a page of posts, roughly
    assert "refreshed 28 creators" in done.stdout
    with open_index(index_url, create=False) as index:
        after = {r.id: r for r in index.iter_records(niche=NICHE)}
        assert set(after) == set(before) - {deleted.id, opted.id}
        assert index.history(opted.id) == [] and index.history(deleted.id) == []
        for creator_id, record in after.items():
            assert record.crawl.crawled_at > before[creator_id].crawl.crawled_at
            assert (record.crawl.via, record.crawl.depth) == (
                before[creator_id].crawl.via, before[creator_id].crawl.depth)
            history = index.history(creator_id)
            assert len(history) == 2, history
            assert len(record.score.follower_history) == 2
        kept = ids[2]
    shown = scout("show", kept, "--index", index_url)
    assert shown.returncode == 0
    assert "growth history (2 of 2 observations):" in shown.stdout


class _Limited(Platform):
    """A platform whose terms allow 30 days without refresh (as YouTube's do)."""

    name = "limited"
    default_base_url = "http://127.0.0.1:9"
    max_data_age_days = 30

    def discover(self, niche: Any) -> Any:
        return []

    def profile_requests(self, candidates: Any) -> Any:
        return []

    def posts_requests(self, creator: Any, depth: int = 0) -> Any:
        return []

    def parse(self, response: Any) -> Any:
        raise NotImplementedError


def test_creators_not_refreshed_within_the_platforms_limit_are_deleted(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    old = make_scored(native_id="old", platform="limited", crawled_at=now - timedelta(days=31))
    fresh = make_scored(native_id="fresh", platform="limited",
                        crawled_at=now - timedelta(days=29))
    unlimited = make_scored(native_id="old", crawled_at=now - timedelta(days=300))
    with open_index(f"sqlite:///{tmp_path / 'i.db'}") as index:
        index.upsert([old, fresh, unlimited])
        removed = expire_unrefreshed(index, NICHE, {"limited": _Limited()}, now)
        assert removed == {"limited": 1}
        assert {r.id for r in index.iter_records()} == {"limited:fresh", "mastodon:old"}
