"""Scoring speed: creators per second (40 posts each) and the mention-graph step on 100K.

Run: ``python benchmarks/bench_scoring.py [--creators 600] [--graph 100000]``.
The per-creator part scores real sandbox creators (parsed as in a crawl) in vegan-cooking;
the graph part builds a synthetic mention graph of N creators in 40 planted communities,
each mentioning 20 accounts (80% in their community, bridges across three), and times
:func:`creatorscout.scoring.graph.mention_roles` (python-igraph).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from eval_scoring import sandbox_items  # noqa: E402

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers  # noqa: E402
from creatorscout.scoring import disclosure_matcher, score_creator  # noqa: E402
from creatorscout.scoring.graph import mention_roles  # noqa: E402


def bench_creators(people: int) -> float:
    items = [(c, p) for c, p, _ in sandbox_items(42, people) if len(p) >= 30]
    niche, tiers, scoring = load_niche("vegan-cooking"), load_tiers(), load_scoring()
    matcher = disclosure_matcher(load_markers())
    for c, p in items[:20]:  # warm the caches, as a crawl does after its first creators
        score_creator(c, p, niche, tiers=tiers, scoring=scoring, markers=matcher)
    started = time.perf_counter()
    for c, p in items:
        score_creator(c, p, niche, tiers=tiers, scoring=scoring, markers=matcher)
    elapsed = time.perf_counter() - started
    posts = sum(len(p) for _, p in items) / len(items)
    print(f"per-creator scoring: {len(items)} creators, {posts:.1f} posts each: "
          f"{len(items) / elapsed:.0f} creators/s ({elapsed / len(items) * 1000:.2f} ms each)")
    return len(items) / elapsed


def bench_graph(n: int) -> float:
    rng = random.Random(1)
    communities = 40
    creators = []
    for i in range(n):
        home = i % communities
        bridge = rng.random() < 0.05
        mentions: dict[str, int] = {}
        for _ in range(20):
            c = rng.randrange(communities) if (bridge and rng.random() < 0.6) or (
                rng.random() < 0.2) else home
            j = rng.randrange(n // communities) * communities + c
            mentions[f"m:{j}"] = mentions.get(f"m:{j}", 0) + 1
        creators.append((f"m:{i}", mentions))
    started = time.perf_counter()
    roles = mention_roles(creators, load_scoring().graph)
    elapsed = time.perf_counter() - started
    connectors = sum(1 for r in roles.values() if r.role in ("connector", "both"))
    print(f"mention graph: {n:,} creators, {sum(len(m) for _, m in creators):,} edges: "
          f"{elapsed:.1f} s ({connectors:,} connectors)")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--creators", type=int, default=600)
    parser.add_argument("--graph", type=int, default=100_000)
    args = parser.parse_args()
    bench_creators(args.creators)
    bench_graph(args.graph)
    return 0


if __name__ == "__main__":
    sys.exit(main())
