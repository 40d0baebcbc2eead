"""End to end: `scout crawl --platform peertube` over real HTTP against the sandbox.

The world is rebuilt in this process from the same seed, so every number the crawl indexed
is checked against what the sandbox serves for that person, and every creator against the
world's presence table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.peertube_render import PeerTubeRenderer
from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.world import World
from creatorscout.search.backend import open_index

pytestmark = pytest.mark.crawl

NICHE = "vegan-cooking"


@pytest.fixture(scope="module")
def world(sandbox_world: World) -> World:
    return sandbox_world


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url  # the session's sandbox (tests/conftest.py)


def crawl(url: str, folder: Path, niche: str = NICHE) -> dict[str, Any]:
    stats = folder / "stats.json"
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "crawl", niche,
         "--platform", "peertube", "--max-creators", "10", "--max-posts", "20",
         "--base-url", f"peertube={url}/peertube/{{instance}}",
         "--index", f"sqlite:///{folder / 'index.db'}", "--stats-json", str(stats)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    return json.loads(stats.read_text())


def stat(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(f"creatorscout/{prefix}"))


@pytest.fixture(scope="module")
def index_crawl(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The shipped niche: discovery through the sepiasearch.org index."""
    folder = tmp_path_factory.mktemp("peertube")
    return {"stats": crawl(sandbox, folder), "index": folder / "index.db"}


def records(crawl_result: dict[str, Any]) -> list[Any]:
    with open_index(f"sqlite:///{crawl_result['index']}") as index:
        return list(index.iter_records())


def test_the_search_index_finds_channels_read_on_their_own_servers(index_crawl):
    stats = index_crawl["stats"]
    assert stat(stats, "fetched/peertube") == 10
    assert stat(stats, "indexed") == 10
    assert stats["finish_reason"] == "finished"


def test_indexed_channels_are_the_worlds_with_the_numbers_served(index_crawl, world, sandbox):
    render = PeerTubeRenderer(world, sandbox)
    on_peertube = {presence(world, i).peertube: i for i in people_on(world, "peertube")}
    for record in records(index_crawl):
        creator = record.creator
        name, _, host = creator.handle.partition("@")
        index = on_peertube[(host, name)]
        person = world.people[index]
        assert creator.followers == render.followers(person)
        assert creator.provenance.source_url and f"/peertube/{host}/" in \
            creator.provenance.source_url  # read on its own server, not on the index
        assert not (person.bot or person.noindex)  # opt-outs are never indexed
        # a video without uuid is dropped; one with views "n/a" is kept, its views unknown
        served = [v for v in render.videos(index) if v.malformed != "missing_id"][:20]
        assert len(record.posts) == len(served), creator.id
        unreadable = sum(v.malformed == "bad_count" for v in served)
        assert sum(post.views is None for post in record.posts) == unreadable
        old_server = host == "video.example"
        assert all((post.replies is None) == old_server for post in record.posts)


def test_opt_outs_are_counted(index_crawl):
    reasons = {k.rsplit("/", 1)[-1] for k in index_crawl["stats"]
               if k.startswith("creatorscout/skipped/peertube/")}
    assert reasons <= {"description: #nobot", "description: #noindex",
                       "profile outside the niche", "gone"}, reasons
