"""End to end: `scout crawl --platform reddit` over real HTTP against the sandbox.

The crawl signs in once through the crawler (a POST with Basic auth), searches the
niche's subreddits, reads their posters' profiles and posts with the bearer token, and
indexes the world's people with the numbers served; opted-out and suspended accounts are
skipped and counted; neither the client secret nor the token ever leaves.
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
from creatorscout.sandbox.reddit_render import RedditRenderer, on_reddit
from creatorscout.sandbox.world import World
from creatorscout.search.backend import open_index

pytestmark = pytest.mark.crawl

CLIENT, SECRET = "e2eClientId", "e2e-secret-0123456789abcdefghij"


@pytest.fixture(scope="module")
def run(sandbox_server: SandboxServer, tmp_path_factory: pytest.TempPathFactory
        ) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("reddit")
    stats = folder / "stats.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDDIT_")}
    env.update({"REDDIT_CLIENT_ID": CLIENT, "REDDIT_CLIENT_SECRET": SECRET,
                "REDDIT_USERNAME": "scout_e2e"})
    before = sandbox_server.stats.snapshot()["by_kind"]
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "crawl", "vegan-cooking",
         "--platform", "reddit", "--max-creators", "10", "--max-posts", "10",
         "--base-url", f"reddit={sandbox_server.url}/reddit",
         "--index", f"sqlite:///{folder / 'i.db'}", "--stats-json", str(stats), "-vv"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    after = sandbox_server.stats.snapshot()["by_kind"]
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    return {"stats": json.loads(stats.read_text()), "index": folder / "i.db",
            "url": sandbox_server.url, "output": completed.stdout + completed.stderr,
            "folder": folder, "sandbox": {k: after.get(k, 0) - before.get(k, 0)
                                          for k in after}}


def records(run: dict[str, Any]) -> list[Any]:
    with open_index(f"sqlite:///{run['index']}") as index:
        return list(index.iter_records())


def test_one_sign_in_then_the_api_with_the_token(run):
    calls = run["sandbox"]
    assert calls.get("reddit.access_token") == 1
    assert calls.get("reddit.subreddits_search", 0) >= 1
    assert calls.get("reddit.user_about", 0) >= 10
    assert calls.get("reddit.user_submitted", 0) >= 10
    assert run["stats"].get("creatorscout/refused/reddit/login_required", 0) == 0


def test_indexed_people_are_the_worlds_with_the_numbers_served(run, sandbox_world: World):
    render = RedditRenderer(sandbox_world, run["url"])
    names = {render.username(p.index): p.index for p in sandbox_world.people
             if on_reddit(sandbox_world, p.index)}
    found = records(run)
    assert len(found) == 10
    for record in found:
        creator = record.creator
        index = names[creator.handle]
        person = sandbox_world.people[index]
        assert creator.native_id == render.account_id(index)
        assert creator.followers == render.followers(person)
        assert not person.noindex and not person.suspended
        served = {render.post_id(p): p for p in render.submissions(index)[:10]
                  if p.malformed != "missing_id"}
        assert {p.native_id for p in record.posts} == set(served)
        for post in record.posts:
            world_post = served[post.native_id]
            assert post.is_repost == (world_post.kind == "reblog")
            assert post.adult == world_post.sensitive
            if not post.is_repost:
                assert post.likes == world_post.favourites


def test_the_secret_and_the_token_never_leave(run):
    assert SECRET not in run["output"] and "sbx-" not in run["output"]
    for path in run["folder"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and b"bearer sbx-" not in data, path


def test_without_keys_one_line_and_the_crawl_goes_on(sandbox_server: SandboxServer,
                                                       tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("REDDIT_")}
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "crawl", "vegan-cooking",
         "--platform", "reddit", "--platform", "github", "--max-creators", "3",
         "--base-url", f"reddit={sandbox_server.url}/reddit",
         "--base-url", f"github={sandbox_server.url}/github",
         "--index", f"sqlite:///{tmp_path / 'i.db'}"],
        capture_output=True, text=True, timeout=300, env=env,
    )
    # GitHub goes on; whether its 3-creator crawl stores anyone in this niche is the
    # world's business: a crawl that stored nobody fails with its own line, nothing else
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    if completed.returncode == 1:
        assert completed.stderr.strip().splitlines()[-1].startswith(
            "scout: error: the crawl stored no creator")
    assert "github" in completed.stdout  # the summary shows GitHub was crawled
    lines = [line for line in completed.stderr.splitlines() if "reddit:" in line]
    assert len(lines) == 1
    assert lines[0].endswith("reddit: no API key; set REDDIT_CLIENT_ID and "
                             "REDDIT_CLIENT_SECRET to crawl Reddit")
