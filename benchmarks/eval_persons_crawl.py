"""Person grouping after a real cross-platform crawl of the sandbox, against ground truth.

Run: ``python benchmarks/eval_persons_crawl.py [--creators 500] [--seed 5] [--max-creators 400]
[--niche vegan-cooking] [--platform P]...``

Crawls the niche on every platform the sandbox speaks (or the ``--platform`` ones) through
the CLI, then maps every indexed profile to its person of the world (sandbox/presence.py)
and reports the grouping's precision and recall over same-person profile pairs, with the
missed pairs counted by platform pair.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import emit, machine_line, sandbox, sandbox_platforms, say  # noqa: E402

from creatorscout.plugins.manager import get_plugin_manager  # noqa: E402
from creatorscout.plugins.models import Creator  # noqa: E402
from creatorscout.sandbox.presence import presence  # noqa: E402
from creatorscout.sandbox.vocab import INSTANCES  # noqa: E402
from creatorscout.sandbox.world import World, build_world  # noqa: E402
from creatorscout.search.backend import open_index  # noqa: E402


def base_url(platform: str, sandbox_url: str) -> str:
    """The sandbox URL template for a platform (``{instance}`` and ``{host}`` kept)."""
    default = get_plugin_manager().platforms()[platform].default_base_url
    base = f"{sandbox_url.rstrip('/')}/{platform}"
    for slot in ("{instance}", "{host}"):
        if slot in default:
            return f"{base}/{slot}"
    return base


def owners(world: World) -> dict[str, int]:
    """Ground truth: a profile key of each platform -> the person's index."""
    found: dict[str, int] = {}
    for person in world.people:
        where = presence(world, person.index)
        found[f"mastodon:{person.username}@{INSTANCES[person.instance]}".lower()] = person.index
        if where.website:
            found["web:" + where.website.split("://", 1)[1]] = person.index
        if where.bluesky:
            found["bluesky:" + where.bluesky] = person.index
        if where.github:
            found["github:" + where.github.lower()] = person.index
        if where.peertube:
            found[f"peertube:{where.peertube[1]}@{where.peertube[0]}"] = person.index
        if where.podcast:
            found["podcasts:" + where.podcast] = person.index
    return found


def person_of(creator: Creator, truth: dict[str, int]) -> int | None:
    platform = creator.platform
    if platform == "mastodon":
        return truth.get(creator.id.lower())
    if platform == "web":
        return truth.get("web:" + creator.native_id)
    if platform in ("bluesky", "github"):
        return truth.get(f"{platform}:{creator.handle.lower()}")
    if platform == "peertube":
        return truth.get("peertube:" + creator.native_id)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creators", type=int, default=500, help="People in the world.")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--max-creators", type=int, default=400)
    parser.add_argument("--niche", default="vegan-cooking")
    parser.add_argument("--platform", action="append", default=[])
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    say(machine_line())
    platforms = sandbox_platforms(args.platform)
    world = build_world(seed=args.seed, creators=args.creators)
    truth = owners(world)
    with tempfile.TemporaryDirectory(prefix="cs-persons-") as folder, \
            sandbox(args.creators, args.seed) as url:
        index_url = f"sqlite:///{Path(folder) / 'index.db'}"
        command = [sys.executable, "-m", "creatorscout.cli", "crawl", args.niche,
                   "--max-creators", str(args.max_creators), "--index", index_url,
                   "--allow-private-hosts", "--concurrency", "4"]
        for platform in platforms:
            command += ["--platform", platform,
                        "--base-url", f"{platform}={base_url(platform, url)}"]
        completed = subprocess.run(command, capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)
        if completed.returncode != 0:
            raise SystemExit(f"the crawl failed:\n{completed.stderr[-3000:]}")
        with open_index(index_url, create=False) as index:
            creators = list(index.iter_creators())
            persons = {c.id: index.person_of(c.id) for c in creators}
    real: dict[int, list[str]] = defaultdict(list)
    unmapped = []
    for creator in creators:
        who = person_of(creator, truth)
        if who is None:
            unmapped.append(creator.id)
        else:
            real[who].append(creator.id)
    same = {frozenset(p) for ids in real.values() for p in combinations(ids, 2)}
    groups: dict[str, list[str]] = defaultdict(list)
    for cid, person in persons.items():
        if person is not None:
            groups[person.id].append(cid)
    found = {frozenset(p) for ids in groups.values() for p in combinations(ids, 2)}
    correct = found & same
    precision = len(correct) / len(found) if found else 1.0
    recall = len(correct) / len(same) if same else 1.0
    missed = Counter(tuple(sorted(c.split(":", 1)[0] for c in pair)) for pair in same - found)
    say(f"crawl of {args.niche} on {', '.join(platforms)}: {len(creators)} creators "
        f"({dict(Counter(c.platform for c in creators))}), {len(unmapped)} not mapped to a "
        "person of the world")
    say(f"same-person pairs {len(same)}, grouped pairs {len(found)}, correct {len(correct)}: "
        f"precision {precision:.3f}, recall {recall:.3f}")
    say(f"missed pairs by platform: {dict(missed)}")
    emit("persons_crawl", {"creators": len(creators), "pairs": len(same),
                           "grouped_pairs": len(found), "precision": round(precision, 4),
                           "recall": round(recall, 4)}, args.json)


if __name__ == "__main__":
    main()
