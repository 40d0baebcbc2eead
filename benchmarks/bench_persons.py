"""One person, many profiles: grouping speed and quality on the sandbox world.

Run: ``python benchmarks/bench_persons.py [--creators 100000] [--index-creators 50000]``.

Profiles are built from the world's presence data (sandbox/presence.py) the way the
plugins fill them (the evidence contract on ``Creator``): Mastodon with its profile fields
(verified when the site links back), a site with ``rel=me`` links (and the false claims),
Bluesky linking the site and verifying its own domain, GitHub linking the site and its
social accounts. Reported:

* ``group_profiles`` time for every profile of a world of ``--creators`` people;
* the whole crawl-end pass on an SQLite index of ``--index-creators`` creators (read the
  creators, group, write person ids and evidence);
* precision and recall of the merges against the ground truth (``same_person``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))  # tests.factories: a record per creator

from _common import emit, machine_line, say  # noqa: E402

from creatorscout.plugins.models import Creator, Provenance  # noqa: E402
from creatorscout.sandbox.people import profile  # noqa: E402
from creatorscout.sandbox.presence import presence, same_person  # noqa: E402
from creatorscout.sandbox.vocab import INSTANCES  # noqa: E402
from creatorscout.sandbox.world import World, build_world  # noqa: E402
from creatorscout.scoring.identity import IdentityProfile, group_profiles  # noqa: E402
from creatorscout.search.persons import regroup  # noqa: E402
from creatorscout.search.sqlite_index import SqliteIndex  # noqa: E402
from tests.factories import make_scored  # noqa: E402


def profiles_of(world: World) -> list[tuple[int, Creator]]:
    out: list[tuple[int, Creator]] = []
    for person in world.people:
        if not person.alive:
            continue
        i = person.index
        where = presence(world, i)
        server = INSTANCES[person.instance]
        mastodon_url = f"https://{server}/@{person.username}"
        links = [v for _n, v, is_link, _ver in profile(world.seed, person).fields if is_link]
        verified = [v for _n, v, is_link, ver in profile(world.seed, person).fields
                    if is_link and ver is not None]
        prov = Provenance(platform="mastodon", plugin="bench", plugin_version="0")
        out.append((i, Creator(platform="mastodon", native_id=f"{person.username}@{server}",
                               handle=f"{person.username}@{server}", profile_url=mastodon_url,
                               links=links, verified_links=verified, provenance=prov)))
        own = [mastodon_url]
        if where.bluesky:
            own.append(f"https://bsky.app/profile/{where.bluesky}")
        if where.github:
            own.append(f"https://github.com/{where.github}")
        if where.website:
            me = (own if where.website_links_back else []) + list(where.false_claims)
            native = where.website.split("://", 1)[1]
            out.append((i, Creator(platform="web", native_id=native, handle=native,
                                   profile_url=where.website, links=me, me_links=me,
                                   provenance=prov)))
        if where.bluesky:
            domain = not where.bluesky.endswith(".bsky.social")
            did = "did:plc:" + hashlib.sha256(where.slug.encode()).hexdigest()[:24]
            out.append((i, Creator(
                platform="bluesky", native_id=did, handle=where.bluesky,
                profile_url=f"https://bsky.app/profile/{where.bluesky}",
                links=([where.website] if where.website else []) + list(where.false_claims),
                verified_links=[f"https://{where.bluesky}"] if domain else [],
                provenance=prov)))
        if where.github:
            out.append((i, Creator(
                platform="github", native_id=f"gh-{i}", handle=where.github,
                profile_url=f"https://github.com/{where.github}",
                links=([where.website] if where.website else []) + own[:2],
                provenance=prov)))
    return out


def quality(world: World, profiles: list[tuple[int, Creator]],
            person_of: dict[str, str]) -> tuple[float, float, int, int]:
    owner = {c.id: i for i, c in profiles}
    members: dict[str, list[str]] = defaultdict(list)
    for cid, pid in person_of.items():
        members[pid].append(cid)
    found = [p for ids in members.values() for p in combinations(ids, 2)]
    correct = sum(1 for a, b in found if same_person(world, owner[a], owner[b]))
    by_person: dict[int, int] = defaultdict(int)
    for i, _c in profiles:
        by_person[i] += 1
    truth = sum(n * (n - 1) // 2 for n in by_person.values())
    precision = correct / len(found) if found else 1.0
    return precision, correct / truth if truth else 1.0, len(found), truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--index-creators", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    say(machine_line())

    world = build_world(seed=args.seed, creators=args.creators)
    built = profiles_of(world)
    identities = [IdentityProfile.of(c) for _, c in built]
    started, cpu = time.perf_counter(), time.process_time()
    grouping = group_profiles(identities)
    group_s, group_cpu = time.perf_counter() - started, time.process_time() - cpu
    stats = grouping.stats()
    precision, recall, found, truth = quality(world, built, grouping.person_of)
    say(f"grouping: {len(identities):,} profiles of {args.creators:,} people in "
        f"{group_s:.2f} s, {group_cpu:.2f} s CPU ({len(identities) / group_cpu:,.0f} "
        f"profiles per CPU second); "
        f"{stats.grouped_persons:,} persons of 2+ profiles, {stats.one_way:,} one-way "
        f"claims, {stats.conflicts} conflicts")
    say(f"quality: precision {precision:.4f} ({found:,} merged pairs), recall {recall:.4f} "
        f"of {truth:,} same-person pairs (the rest have no two-way evidence)")

    small = build_world(seed=args.seed, creators=args.index_creators)
    records = profiles_of(small)
    with tempfile.TemporaryDirectory() as folder, SqliteIndex(Path(folder) / "p.db") as index:
        batch = [make_scored(c) for _, c in records]
        for start in range(0, len(batch), 5000):
            index.upsert(batch[start:start + 5000])
        started, cpu = time.perf_counter(), time.process_time()
        regroup(index)
        first_s, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        regroup(index)
        again_s, again_cpu = time.perf_counter() - started, time.process_time() - cpu
    say(f"crawl-end pass on an index of {len(records):,} creators: {first_s:.2f} s "
        f"({first_cpu:.2f} s CPU) the first time, {again_s:.2f} s ({again_cpu:.2f} s CPU) "
        "again (only changed person ids are written)")
    emit("persons", {
        "profiles": len(identities), "group_seconds": round(group_s, 3),
        "group_cpu_seconds": round(group_cpu, 3),
        "profiles_per_cpu_second": round(len(identities) / group_cpu),
        "precision": round(precision, 4), "recall": round(recall, 4),
        "index_creators": len(records), "pass_seconds_first": round(first_s, 3),
        "pass_cpu_seconds_first": round(first_cpu, 3), "pass_seconds_again": round(again_s, 3),
        "pass_cpu_seconds_again": round(again_cpu, 3),
    }, args.json)


if __name__ == "__main__":
    main()
