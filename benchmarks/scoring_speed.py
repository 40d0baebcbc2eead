"""Scoring speed: creators per second for the per-creator scores, and the crawl-level
mention-graph (connector) step at 10,000 and 100,000 creators.

    python benchmarks/scoring_speed.py [--creators 400] [--graph-sizes 10000,100000]
                                       [--json FILE]

Per-creator: creators and posts from a real sandbox crawl (``_records.py``), scored in
their niche exactly as the crawl's ScorePipeline does (tiers, weights and disclosure
markers from the shipped config). Same-run baseline: a JSON round trip of the same
creator and posts through pydantic (``model_dump_json`` + ``model_validate_json``), the
cost of merely handling the data.

Graph: a synthetic mention graph of N creators in 40 planted communities, 20 mentions each
(80% inside their community; 5% bridges spread across communities), through
``scoring.niche_pass.crawl_context`` (percentiles per platform and tier, PageRank, Leiden,
participation). Same-run baseline: building the same graph in igraph and running PageRank
alone. Target: 100,000 creators in under 60 s.

``benchmarks/bench_scoring.py`` and ``benchmarks/eval_scoring.py`` (the scoring owners')
measure the same things on the sandbox world directly and the scoring quality.
"""

from __future__ import annotations

import argparse
import random
from typing import Any

from _common import Stopwatch, emit, machine_line, say
from _records import records_from

GRAPH_TARGET_SECONDS = 60.0
GRAPH_TARGET_SIZE = 100_000


def per_creator(records: list[Any]) -> dict[str, Any]:
    from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
    from creatorscout.scoring import disclosure_matcher, score_creator

    tiers, scoring = load_tiers(), load_scoring()
    markers = disclosure_matcher(load_markers())
    niches = {name: load_niche(name) for name in {r.crawl.niche for r in records}}
    items = [(r.creator, r.posts, niches[r.crawl.niche]) for r in records]
    for creator, posts, niche in items[:20]:  # warm caches, as a crawl's first creators do
        score_creator(creator, posts, niche, tiers=tiers, scoring=scoring, markers=markers)
    with Stopwatch() as scored:
        for creator, posts, niche in items:
            score_creator(creator, posts, niche, tiers=tiers, scoring=scoring, markers=markers)
    with Stopwatch() as baseline:
        for creator, posts, _ in items:
            type(creator).model_validate_json(creator.model_dump_json())
            for post in posts:
                type(post).model_validate_json(post.model_dump_json())
    count = len(items)
    return {
        "creators": count,
        "posts_per_creator": round(sum(len(p) for _, p, _ in items) / count, 1),
        "creators_per_s": round(count / scored.seconds, 1),
        "ms_per_creator": round(1000 * scored.seconds / count, 2),
        "baseline_ms_per_creator": round(1000 * baseline.seconds / count, 2),
        "ratio_to_baseline": round(scored.seconds / baseline.seconds, 2),
    }


def mention_graph(n: int, seed: int = 1) -> list[tuple[str, dict[str, int]]]:
    """N creators in 40 planted communities, 20 mentions each; 5% bridges."""
    rng = random.Random(seed)
    communities = 40
    creators = []
    for i in range(n):
        home = i % communities
        bridge = rng.random() < 0.05
        mentions: dict[str, int] = {}
        for _ in range(20):
            leave = (bridge and rng.random() < 0.6) or rng.random() < 0.2
            community = rng.randrange(communities) if leave else home
            j = rng.randrange(max(1, n // communities)) * communities + community
            mentions[f"mastodon:m{j}"] = mentions.get(f"mastodon:m{j}", 0) + 1
        creators.append((f"mastodon:m{i}", mentions))
    return creators


def graph_step(n: int) -> dict[str, Any]:
    from creatorscout.config import load_scoring
    from creatorscout.scoring.niche_pass import NicheMember, crawl_context

    scoring = load_scoring()
    creators = mention_graph(n)
    rng = random.Random(2)
    tiers = ("nano", "micro", "mid")
    members = [
        NicheMember(creator_id=cid, platform="mastodon", tier=tiers[i % 3],
                    rate=rng.uniform(0.1, 8.0), derived_metrics=True, mentions=mentions)
        for i, (cid, mentions) in enumerate(creators)
    ]
    with Stopwatch() as step:
        context = crawl_context(members, scoring)
    baseline = _pagerank_only(creators)
    roles = context.roles.values()
    edges = sum(len(m) for _, m in creators)
    result: dict[str, Any] = {
        "creators": n,
        "edges": edges,
        "seconds": round(step.seconds, 2),
        "connectors": sum(1 for r in roles if r.role in ("connector", "both")),
        "influencers": sum(1 for r in roles if r.role in ("influencer", "both")),
        "baseline_pagerank_seconds": round(baseline, 2) if baseline is not None else None,
        "ratio_to_baseline": round(step.seconds / baseline, 1) if baseline else None,
    }
    if n >= GRAPH_TARGET_SIZE:
        result["target_met"] = step.seconds < GRAPH_TARGET_SECONDS
    return result


def _pagerank_only(creators: list[tuple[str, dict[str, int]]]) -> float | None:
    try:
        import igraph
    except ImportError:
        return None
    with Stopwatch() as watch:
        index: dict[str, int] = {cid: i for i, (cid, _) in enumerate(creators)}
        edges, weights = [], []
        for cid, mentions in creators:
            for other, count in mentions.items():
                edges.append((index[cid], index.setdefault(other, len(index))))
                weights.append(float(count))
        graph = igraph.Graph(n=len(index), edges=edges, directed=True)
        graph.pagerank(weights=weights, damping=0.85)
    return watch.seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=400,
                        help="creators crawled from the sandbox and scored")
    parser.add_argument("--records", help="score the records of this index URL instead of "
                        "crawling the sandbox (e.g. sqlite:///my-crawl.db)")
    parser.add_argument("--graph-sizes", default="10000,100000",
                        help="comma-separated creator counts for the graph step")
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    options = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in options.graph_sizes.split(",") if s.strip()]
    say(machine_line())
    records = records_from(options.records, options.creators)
    creators = per_creator(records)
    say(f"per-creator scoring: {creators['creators']} crawled creators, "
        f"{creators['posts_per_creator']} posts each: {creators['creators_per_s']} creators/s "
        f"({creators['ms_per_creator']} ms each; a pydantic JSON round trip of the same data "
        f"{creators['baseline_ms_per_creator']} ms, ratio {creators['ratio_to_baseline']})")
    graphs = []
    for n in sizes:
        graph = graph_step(n)
        graphs.append(graph)
        verdict = ""
        if "target_met" in graph:
            verdict = f" (target < {GRAPH_TARGET_SECONDS:.0f} s: " + \
                ("met)" if graph["target_met"] else "NOT met)")
        say(f"graph step: {n:,} creators, {graph['edges']:,} mentions: {graph['seconds']} s"
            f"{verdict}; {graph['connectors']:,} connectors, {graph['influencers']:,} "
            f"influencers; igraph PageRank alone {graph['baseline_pagerank_seconds']} s "
            f"(ratio {graph['ratio_to_baseline']})")
    emit("scoring_speed", {"per_creator": creators, "graph": graphs}, options.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
