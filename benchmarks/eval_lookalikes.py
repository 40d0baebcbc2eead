"""Are the lookalikes alike? Precision@10 against ground truth and two baselines.

The sandbox world (``creatorscout.sandbox``) knows every person's primary community and
language. Every indexable person is parsed as the Mastodon plugin parses them, scored for
each niche they belong to with the crawl-end niche pass (mention graph, communities), as
``scout crawl`` of each niche would, and written to an embedded index. Then, for a random
sample of creators, the first 10 lookalikes (:func:`find_lookalikes`, what ``scout
similar`` and ``GET /creators/{id}/similar`` answer) are judged: a lookalike is relevant
when it has the same primary community *and* the same first language as the creator.

Baselines, from the same index and sample:

* random: 10 other indexed creators drawn at random;
* followers: the 10 creators with the closest follower counts (log scale).

Each part of the similarity alone (text, graph, closeness; over the same candidates) is
reported too, to show what each contributes. Several seeds, since one world can flatter.

Run: ``python benchmarks/eval_lookalikes.py [--seeds 42,7] [--creators 2000] [--sample 200]``.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit, machine_line, say

K = 10
WEIGHT_GRID = ((0.5, 0.3, 0.2), (0.6, 0.3, 0.1), (0.6, 0.2, 0.2), (0.7, 0.2, 0.1),
               (0.7, 0.3, 0.0), (0.8, 0.1, 0.1))
"""Other weightings of (text, graph, closeness), ranked over the same candidates."""


def build_index(seed: int, creators: int, url: str) -> dict[str, tuple[str, str]]:
    """Index the world's creators per niche; return creator id -> (community, language)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from eval_scoring import NICHES, sandbox_items, score_all

    from creatorscout.config import load_niche, load_scoring
    from creatorscout.sandbox.world import build_world
    from creatorscout.search.backend import open_index
    from creatorscout.search.records import CrawlInfo, ScoredCreator

    items = sandbox_items(seed, creators)
    world = build_world(seed=seed, creators=creators)
    by_acct = {}
    for person in world.people:
        truth = world.truth(person.index)
        by_acct[truth.acct.lower()] = (truth.primary_community, truth.languages[0])
    scoring = load_scoring()
    truth_of: dict[str, tuple[str, str]] = {}
    with open_index(url) as index:
        for name in NICHES:
            members = [item for item in items if item[2]["grade"][name] > 0]
            records = []
            for s in score_all(members, load_niche(name), scoring):
                records.append(ScoredCreator(
                    creator=s.creator, posts=s.posts, score=s.score,
                    crawl=CrawlInfo(niche=name, via="eval", crawled_at=s.score.computed_at)))
                acct = s.creator.handle.lower()
                if acct in by_acct:
                    truth_of[s.creator.id] = by_acct[acct]
            index.upsert(records)
    return truth_of


def precision(ids: list[str], truth: dict[str, tuple[str, str]], source: str) -> float:
    top = ids[:K]
    if not top:
        return 0.0
    return sum(1 for cid in top if truth.get(cid) == truth[source]) / len(top)


def evaluate(seed: int, creators: int, sample: int) -> dict[str, Any]:
    from creatorscout.search.backend import open_index
    from creatorscout.search.similar import find_lookalikes

    with tempfile.TemporaryDirectory(prefix="cs-eval-lookalikes-") as folder:
        url = f"sqlite:///{Path(folder) / 'eval.db'}"
        started = time.perf_counter()
        truth = build_index(seed, creators, url)
        built = time.perf_counter() - started
        rng = random.Random(seed)
        with open_index(url, create=False) as index:
            followers = {}
            for record in index.iter_records():
                followers[record.id] = record.creator.followers or 0
            ids = sorted(cid for cid in followers if cid in truth)
            sources = rng.sample(ids, min(sample, len(ids)))
            scores: dict[str, list[float]] = {name: [] for name in (
                "lookalikes", "random", "followers", "text only", "graph only",
                "closeness only")}
            grid: dict[str, list[float]] = {"/".join(f"{w:g}" for w in weights): []
                                            for weights in WEIGHT_GRID}
            base_rate = []
            query_seconds = []
            for source in sources:
                t0 = time.perf_counter()
                _, _, found = find_lookalikes(index, source, limit=K)
                query_seconds.append(time.perf_counter() - t0)
                scores["lookalikes"].append(
                    precision([h.record.id for h in found], truth, source))
                _, _, pool = find_lookalikes(index, source, limit=1000)
                for part in ("text", "graph", "closeness"):
                    ranked = sorted(pool, key=lambda h, p=part: (-h.parts[p], h.record.id))
                    scores[f"{part} only"].append(
                        precision([h.record.id for h in ranked], truth, source))
                for weights in WEIGHT_GRID:
                    ranked = sorted(pool, key=lambda h, w=weights: (
                        -(w[0] * h.parts["text"] + w[1] * h.parts["graph"]
                          + w[2] * h.parts["closeness"]), h.record.id))
                    grid["/".join(f"{w:g}" for w in weights)].append(
                        precision([h.record.id for h in ranked], truth, source))
                others = [cid for cid in ids if cid != source]
                scores["random"].append(precision(rng.sample(others, K), truth, source))
                mine = math.log1p(followers[source])
                nearest = sorted(others, key=lambda c: (abs(math.log1p(followers[c]) - mine), c))
                scores["followers"].append(precision(nearest, truth, source))
                base_rate.append(sum(1 for c in others if truth[c] == truth[source])
                                 / len(others))
    return {
        "seed": seed, "world": creators, "indexed_creators": len(ids), "sample": len(sources),
        "build_seconds": round(built, 1),
        "precision_at_10": {name: round(sum(v) / len(v), 3) for name, v in scores.items()},
        "weights_text_graph_closeness": {
            name: round(sum(v) / len(v), 3) for name, v in grid.items()},
        "base_rate": round(sum(base_rate) / len(base_rate), 3),
        "median_query_ms": round(sorted(query_seconds)[len(query_seconds) // 2] * 1000, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="42,7")
    parser.add_argument("--creators", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    say(machine_line())
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        result = evaluate(seed, args.creators, args.sample)
        results.append(result)
        say(f"seed {seed}: {result['indexed_creators']} creators indexed from a "
            f"{args.creators}-person world, {result['sample']} sampled; relevant = same "
            f"primary community and language (base rate {result['base_rate']:.3f})")
        for name, value in result["precision_at_10"].items():
            say(f"  precision@10 {name:<15} {value:.3f}")
        weighted = result["weights_text_graph_closeness"].items()
        say("  weights text/graph/closeness: "
            + ", ".join(f"{name} {value:.3f}" for name, value in weighted))
        say(f"  median lookalike query {result['median_query_ms']} ms")
    failed = [r["seed"] for r in results
              if r["precision_at_10"]["lookalikes"] <= max(r["precision_at_10"]["random"],
                                                           r["precision_at_10"]["followers"])]
    emit("eval_lookalikes", {"results": results, "beats_baselines": not failed}, args.json)
    if failed:
        say(f"lookalikes do not beat the baselines on seed(s) {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
