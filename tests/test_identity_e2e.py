"""End to end: a real Mastodon crawl of the sandbox groups its creators with profiles an
earlier crawl stored, at the end of the crawl, across the whole index.

The earlier crawl is simulated: web sites and Bluesky profiles built from
:func:`presence` the way the web and Bluesky plugins fill them (see
tests/test_identity_sandbox.py), upserted before the Mastodon crawl runs. The lead adds the
cross-platform crawl once those plugins land.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from creatorscout.plugins.models import Creator, Provenance
from creatorscout.sandbox.presence import presence, same_person
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.world import World, build_world
from creatorscout.search.backend import open_index
from tests.factories import make_scored

pytestmark = pytest.mark.crawl

SEED = 5
CREATORS = 500
NICHE = "vegan-cooking"


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "creatorscout.cli", *args],
                          capture_output=True, text=True, timeout=300)


def earlier_profiles(world: World) -> Iterator[tuple[int, Creator]]:
    """Every web site and Bluesky account of the world, as the plugins would store them."""
    for person in world.people:
        where = presence(world, person.index)
        mastodon = f"https://{INSTANCES[person.instance]}/@{person.username}"
        if where.website:
            me = ([mastodon] if where.website_links_back else []) + list(where.false_claims)
            if where.website_links_back and where.bluesky:
                me.append(f"https://bsky.app/profile/{where.bluesky}")
            native = where.website.split("://", 1)[1]
            yield person.index, Creator(
                platform="web", native_id=native, handle=native, profile_url=where.website,
                links=me, me_links=me,
                provenance=Provenance(platform="web", plugin="test", plugin_version="0"))
        if where.bluesky:
            domain = not where.bluesky.endswith(".bsky.social")
            yield person.index, Creator(
                platform="bluesky", native_id=f"did:plc:{where.slug}", handle=where.bluesky,
                profile_url=f"https://bsky.app/profile/{where.bluesky}",
                links=[where.website] if where.website else [],
                verified_links=[f"https://{where.bluesky}"] if domain else [],
                provenance=Provenance(platform="bluesky", plugin="test", plugin_version="0"))


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=SEED, creators=CREATORS)


@pytest.fixture(scope="module")
def crawled(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("persons")
    index_path = folder / "index.db"
    earlier = list(earlier_profiles(world))
    with open_index(f"sqlite:///{index_path}") as index:
        index.upsert(make_scored(creator, niche=NICHE) for _, creator in earlier)
    with start_sandbox_process(creators=CREATORS, seed=SEED) as url:
        completed = scout(
            "crawl", NICHE, "--platform", "mastodon", "--max-creators", "40",
            "--base-url", f"mastodon={url}/mastodon/{{instance}}",
            "--index", f"sqlite:///{index_path}", "--stats-json", str(folder / "stats.json"),
            "--concurrency", "4",
        )
    assert completed.returncode == 0, completed.stderr[-3000:]
    owner = {creator.id: index for index, creator in earlier}
    return {"index": f"sqlite:///{index_path}", "stdout": completed.stdout, "owner": owner,
            "stats": json.loads((folder / "stats.json").read_text())}


def person_index(world: World, creator_id: str, owner: dict[str, int]) -> int:
    if creator_id in owner:
        return owner[creator_id]
    return world.person(creator_id.removeprefix("mastodon:")).index


def test_the_crawl_groups_across_the_whole_index(crawled, world: World) -> None:
    stats = crawled["stats"]
    assert stats["creatorscout/persons/grouped_persons"] > 0
    assert "persons in the index:" in crawled["stdout"]
    grouped_mastodon = 0
    with open_index(crawled["index"], create=False) as index:
        creators = list(index.iter_creators())
        seen: set[str] = set()
        for creator in creators:
            person = index.person_of(creator.id)
            assert person is not None
            if person.id in seen or len(person.members) < 2:
                continue
            seen.add(person.id)
            people = {person_index(world, m, crawled["owner"]) for m in person.members}
            assert len(people) == 1, person.members  # never two people in one person
            grouped_mastodon += any(m.startswith("mastodon:") for m in person.members)
    assert grouped_mastodon > 0
    assert len(seen) == stats["creatorscout/persons/grouped_persons"]


def test_false_claims_are_recorded_and_stay_apart(crawled, world: World) -> None:
    claims = 0
    with open_index(crawled["index"], create=False) as index:
        for creator in index.iter_creators():
            person = index.person_of(creator.id)
            assert person is not None
            for item in person.evidence:
                if item.source_id != creator.id or item.target_id is None:
                    continue
                source = person_index(world, item.source_id, crawled["owner"])
                target = person_index(world, item.target_id, crawled["owner"])
                if not same_person(world, source, target):
                    claims += 1
                    assert item.status == "one_way" and not item.merged, item
                    assert item.target_id not in person.members
    assert claims > 0, "no false claim reached an indexed profile in this world"


def test_show_and_collapsed_search(crawled) -> None:
    with open_index(crawled["index"], create=False) as index:
        grouped = next(c.id for c in index.iter_creators() if c.platform == "mastodon"
                       and len(index.person_of(c.id).members) > 1)
        others = index.person_of(grouped).others(grouped)
    shown = scout("show", grouped, "--index", crawled["index"])
    assert shown.returncode == 0, shown.stderr
    assert "same person" in shown.stdout and all(o in shown.stdout for o in others)
    flat = json.loads(scout("search", "--format", "json", "--limit", "1000",
                            "--index", crawled["index"]).stdout)
    collapsed = json.loads(scout("search", "--collapse-person", "--format", "json",
                                 "--limit", "1000", "--index", crawled["index"]).stdout)
    assert collapsed["total"] < flat["total"]
    persons = [hit["person_id"] for hit in collapsed["hits"]]
    assert len(persons) == len(set(persons))
