"""End to end on Bluesky: real Scrapy crawls through the CLI against the sandbox's AppView.

The world is rebuilt here from the same seed, and :class:`BlueskyPeople` (what the sandbox
serves) is the ground truth for every number checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from creatorscout.config import load_niche
from creatorscout.plugins.bluesky.session import ENV_HANDLE, ENV_PASSWORD
from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.bluesky_ids import post_of_rkey
from creatorscout.sandbox.bluesky_people import BlueskyPeople
from creatorscout.sandbox.world import World
from creatorscout.search.backend import open_index

pytestmark = pytest.mark.crawl

BUDGET = 25


@pytest.fixture(scope="module")
def people(sandbox_world: World) -> BlueskyPeople:
    return BlueskyPeople(sandbox_world)


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url  # the session's sandbox (tests/conftest.py)


def niche_file(folder: Path, people: BlueskyPeople) -> tuple[Path, dict[str, str]]:
    """The shipped vegan-cooking niche plus seeds: two active accounts, one labelled
    !no-unauthenticated, one deactivated, one taken down, one unknown."""
    niche = load_niche("vegan-cooking").model_dump()
    accounts = sorted(people, key=lambda a: a.index)
    active = [a for a in accounts if a.active and not a.no_unauthenticated]
    seeds = {
        "active1": active[0].handle,
        "active2": f"https://bsky.app/profile/{active[1].did}",
        "labelled": next(a for a in accounts if a.active and a.no_unauthenticated).did,
        "deactivated": next(a.did for a in accounts if a.status == "deactivated"),
        "takendown": "@" + next(a.handle for a in accounts if a.status == "takendown"),
        "unknown": "nobody-at-all.bsky.social",
    }
    niche["name"] = "vegan-bsky"
    niche["seeds"] = {"bluesky": list(seeds.values())}
    path = folder / "vegan-bsky.yaml"
    path.write_text(yaml.safe_dump(niche, allow_unicode=True), encoding="utf-8")
    return path, seeds


def crawl(url: str, niche: Path, folder: Path, *extra: str) -> tuple[dict[str, Any], str]:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_HANDLE, ENV_PASSWORD)}
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "crawl", str(niche),
         "--platform", "bluesky", "--base-url", f"bluesky={url}/bluesky",
         "--max-creators", str(BUDGET), "--max-posts", "20", "--concurrency", "4",
         "--index", f"sqlite:///{folder / 'index.db'}",
         "--stats-json", str(folder / "stats.json"), *extra],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    return json.loads((folder / "stats.json").read_text()), completed.stderr


def stat(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(f"creatorscout/{prefix}"))


@pytest.fixture(scope="module")
def first(sandbox: str, people: BlueskyPeople,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("bluesky")
    niche, seeds = niche_file(folder, people)
    stats, log = crawl(sandbox, niche, folder)
    with open_index(f"sqlite:///{folder / 'index.db'}") as index:
        records = list(index.iter_records())
    return {"stats": stats, "log": log, "records": records, "seeds": seeds}


def test_the_budget_is_filled_and_indexed(first):
    stats = first["stats"]
    assert stats["finish_reason"] == "finished"
    assert stat(stats, "fetched/bluesky") == BUDGET == stat(stats, "indexed")
    assert stat(stats, "found/bluesky") > BUDGET
    assert len({r.id for r in first["records"]}) == BUDGET
    assert stat(stats, "plugin_errors") == 0
    # post search needs an app password: one line says so, and the crawl goes on
    assert first["log"].count("post search is off") == 1


def test_opted_out_and_gone_accounts_are_counted_never_indexed(first, people):
    stats = first["stats"]
    assert stat(stats, "skipped/bluesky/label: !no-unauthenticated") >= 1
    assert stat(stats, "skipped/bluesky/gone") == 3  # deactivated, taken down, unknown
    assert stat(stats, "refused/bluesky/gone") == 3
    for record in first["records"]:
        account = people.resolve(record.creator.native_id)
        assert account is not None and account.active and not account.no_unauthenticated
    ids = {r.creator.native_id for r in first["records"]}
    assert first["seeds"]["labelled"] not in ids and first["seeds"]["deactivated"] not in ids


def test_seeds_are_found_by_handle_and_link(first, people):
    ids = {r.creator.native_id for r in first["records"]}
    seeds = first["seeds"]
    assert people.resolve(seeds["active1"]).did in ids
    assert seeds["active2"].rsplit("/", 1)[1] in ids


def test_numbers_and_identity_match_the_world(first, people):
    for record in first["records"]:
        creator = record.creator
        account = people.resolve(creator.native_id)
        assert creator.id == f"bluesky:{account.did}" and creator.handle == account.handle
        assert creator.followers == account.followers
        assert creator.following == account.follows
        assert creator.posts_count == people.posts_count(account.index)
        assert creator.profile_url == f"https://bsky.app/profile/{account.handle}"
        assert creator.provenance.plugin == "bluesky" and creator.provenance.source_url
        if not account.handle.endswith(".bsky.social"):
            assert creator.verified_links == [f"https://{account.handle}"]


def test_posts_are_the_creators_own_with_their_counts(first, people):
    checked = 0
    for record in first["records"]:
        account = people.resolve(record.creator.native_id)
        own = people.own_posts(account.index)[:20]
        served = {p.number: p for p in own if p.malformed is None}
        assert len(record.posts) <= 20
        assert all(p.creator_id == record.creator.id and not p.is_repost for p in record.posts)
        for post in record.posts:
            rkey = post_of_rkey(post.native_id.rsplit("/", 1)[1])
            assert rkey is not None
            truth = served.get(rkey[1])
            if truth is None:
                continue  # a post served damaged on purpose
            assert post.is_reply == (truth.kind == "reply")
            assert post.likes == round(truth.favourites * account.factor)
            assert post.reposts == round(truth.reblogs * account.factor)
            assert post.replies == round(truth.replies * account.factor)
            assert post.quotes == round(truth.quotes * account.factor)
            checked += 1
    assert checked > 50


def test_mentions_and_follows_snowball(first):
    stats = first["stats"]
    assert stat(stats, "requests/bluesky/graph") > 0
    vias = {r.crawl.via for r in first["records"]}
    assert "seed" in vias and any(v.startswith("search:") for v in vias)
    # candidates from mentions and follows compete for the budget with search results
    assert stat(stats, "found/bluesky") > stat(stats, "fetched/bluesky") + 3
