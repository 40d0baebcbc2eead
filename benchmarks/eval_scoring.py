"""Does the scoring tell influence from vanity? Measured against ground truth and a baseline.

Two evaluation sets:

* **sandbox**: a synthetic world (``creatorscout.sandbox``) with ground truth per person:
  niche membership, fake engagement, bridging between communities, sponsored share. Every
  person the crawler may index (alive, not a bot, not opted out) is rendered as the
  Mastodon API would serve them and parsed by the Mastodon plugin, exactly as in a crawl;
  then scored per niche, and the crawl-end niche pass (percentiles, mention graph) runs.
* **profiles**: hand-labelled realistic profiles in ``benchmarks/data/profiles.yaml``
  (labels documented in ``benchmarks/data/LABELS.md``).

Metrics, each next to the naive baseline (rank by follower count):

* relevance: precision@10 and nDCG@10 per niche and language;
* authenticity: ROC AUC of the audience suspicion for fake engagement, and of the sponsored
  share for creators who post ads; precision/recall of sponsored-post detection;
* connector: precision and recall of the ``connector``/``both`` label for the bridges
  (baseline: the k most-followed creators, k = number of true bridges).

Run: ``python benchmarks/eval_scoring.py [--seed 42] [--creators 5000] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.config.schema import Niche, ScoringConfig
from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.scoring import disclosure_matcher, score_creator
from creatorscout.scoring.niche_pass import apply_context, crawl_context, member_of
from creatorscout.scoring.results import CreatorScore

NICHES = ("vegan-cooking", "georgian-wine", "b2b-martech")
PROFILES = Path(__file__).parent / "data" / "profiles.yaml"
K = 10


# -- metrics ----------------------------------------------------------------------------------


def precision_at_k(ranked: Sequence[float], k: int = K) -> float:
    """Share of relevant items (gain > 0) among the first k (fewer when the list is short)."""
    top = list(ranked[:k])
    return sum(1 for g in top if g > 0) / len(top) if top else 0.0


def ndcg_at_k(ranked: Sequence[float], k: int = K) -> float:
    """nDCG@k with gains as given (2^g - 1), against the ideal order of the same gains."""
    def dcg(gains: Sequence[float]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = dcg(sorted(ranked, reverse=True))
    return dcg(list(ranked)) / ideal if ideal > 0 else 0.0


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Probability that a random positive outranks a random negative (ties count half)."""
    pairs = sorted(zip(scores, labels, strict=True))
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return None
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        mid = (i + j) / 2 + 1
        rank_sum += mid * sum(1 for _, label in pairs[i : j + 1] if label)
        i = j + 1
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def precision_recall(predicted: set[str], actual: set[str]) -> tuple[float, float]:
    hits = len(predicted & actual)
    return (hits / len(predicted) if predicted else 0.0, hits / len(actual) if actual else 0.0)


def ranked_gains(items: Sequence[Any], key: Callable[[Any], float],
                 gain: Callable[[Any], float]) -> list[float]:
    """Gains in the order of ``key`` (descending; ties by position, i.e. stable)."""
    return [gain(item) for item in sorted(items, key=key, reverse=True)]


# -- scoring a set of creators -----------------------------------------------------------


@dataclass
class Scored:
    creator: Creator
    posts: list[Post]
    score: CreatorScore
    truth: dict[str, Any] = field(default_factory=dict)


def score_all(
    items: Sequence[tuple[Creator, list[Post], dict[str, Any]]], niche: Niche,
    scoring: ScoringConfig,
) -> list[Scored]:
    """Score every creator in ``niche`` and run the niche pass over them, as a crawl does."""
    tiers = load_tiers()
    matcher = disclosure_matcher(load_markers())
    scored = [
        Scored(c, p, score_creator(c, p, niche, tiers=tiers, scoring=scoring, markers=matcher),
               t)
        for c, p, t in items
    ]
    context = crawl_context([member_of(s.creator, s.posts, s.score) for s in scored], scoring)
    for s in scored:
        s.score = apply_context(s.score, s.creator.id, context, scoring)
    return scored


# -- the sandbox set ----------------------------------------------------------------------------


def sandbox_items(seed: int, creators: int) -> list[tuple[Creator, list[Post], dict[str, Any]]]:
    """The indexable people of a world as the Mastodon plugin parses them, with truth."""
    from creatorscout.plugins.mastodon.entities import parse_account, parse_status
    from creatorscout.sandbox.mastodon_render import MastodonRenderer
    from creatorscout.sandbox.world import build_world

    world = build_world(seed=seed, creators=creators)
    render = MastodonRenderer(world, "http://sandbox.invalid")
    provenance = Provenance(platform="mastodon", plugin="eval", plugin_version="0")
    items = []
    for person in world.people:
        truth = world.truth(person.index)
        if not person.alive or person.bot or truth.opted_out or person.moved_to is not None:
            continue
        creator = parse_account(render.account(person, person.instance), person.instance_name,
                                provenance)
        posts = []
        sponsored_posts = set()
        for post in world.posts(person.index):
            if post.malformed:
                continue
            parsed = parse_status(render.status(post, person.instance), person.instance_name,
                                  creator.id, provenance, keep_text=True)
            posts.append(parsed)
            if post.sponsored:
                sponsored_posts.add(parsed.id)
        items.append((creator, posts[:40], {
            "in_niche": dict(truth.in_niche), "fake": truth.fake_engagement,
            "bridge": truth.is_bridge, "sponsored_share": truth.sponsored_share,
            "sponsored_posts": sponsored_posts, "language": truth.languages[0],
        }))
    return items


# -- the hand-labelled set --------------------------------------------------------------------


def profile_items(path: Path = PROFILES) -> list[tuple[Creator, list[Post], dict[str, Any]]]:
    """The hand-labelled profiles as Creators and Posts, with their labels."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    provenance = Provenance(platform="mastodon", plugin="profiles", plugin_version="1",
                            observed_at=now)
    items = []
    for entry in data["profiles"]:
        creator = Creator(
            platform="mastodon", native_id=entry["id"], handle=entry["id"],
            display_name=entry.get("name"), bio=entry.get("bio", ""),
            followers=entry.get("followers"), following=entry.get("following"),
            languages=[entry["language"]], provenance=provenance,
        )
        posts = []
        sponsored = set()
        for n, raw in enumerate(entry.get("posts", [])):
            likes, replies, reposts = raw.get("counts", entry.get("counts", [20, 2, 3]))
            post = Post(
                platform="mastodon", native_id=f"{entry['id']}/{n}", creator_id=creator.id,
                created_at=now - timedelta(days=2 * n), text=raw["text"],
                language=entry["language"], likes=likes, replies=replies, reposts=reposts,
                quotes=0, provenance=provenance,
            )
            posts.append(post)
            if raw.get("ad"):
                sponsored.add(post.id)
        relevance = entry.get("relevance", {})
        items.append((creator, posts, {
            "in_niche": {n: relevance.get(n, 0) > 0 for n in NICHES},
            "grade": {n: float(relevance.get(n, 0)) for n in NICHES},
            "fake": bool(entry.get("fake", False)), "language": entry["language"],
            "sponsored_posts": sponsored,
        }))
    return items


# -- evaluation ---------------------------------------------------------------------------------


def _sponsored_post_pr(scored: Sequence[Scored], markers_json: str) -> tuple[float, float]:
    from creatorscout.config.schema import MarkerConfig
    from creatorscout.scoring.composite import analyse_posts
    matcher = disclosure_matcher(MarkerConfig.model_validate_json(markers_json))
    predicted: set[str] = set()
    actual: set[str] = set()
    for s in scored:
        originals = [p for p in s.posts if not p.is_reply and not p.is_repost]
        docs = analyse_posts(originals)
        for post in originals:
            doc = docs.get(post.id)
            if doc is not None and matcher.find(doc):
                predicted.add(post.id)
        actual |= {pid for pid in s.truth["sponsored_posts"]
                   if any(p.id == pid for p in originals)}
    return precision_recall(predicted, actual)


def evaluate(items: Sequence[tuple[Creator, list[Post], dict[str, Any]]],
             scoring: ScoringConfig | None = None, *, min_group: int = 10) -> dict[str, Any]:
    """All metrics for one evaluation set, ours next to the follower-count baseline."""
    scoring = scoring or load_scoring()
    out: dict[str, Any] = {"creators": len(items), "relevance": {}, "niches": {}}
    first: list[Scored] | None = None
    for name in NICHES:
        niche = load_niche(name)
        scored = score_all(items, niche, scoring)
        first = first or scored

        def gain(s: Scored, name: str = name) -> float:
            grades = s.truth.get("grade")
            return grades[name] if grades else float(s.truth["in_niche"][name])

        groups: dict[str, list[Scored]] = {"all": scored}
        for s in scored:
            groups.setdefault(s.truth["language"], []).append(s)
        rows = {}
        for lang, members in sorted(groups.items()):
            if lang != "all" and (lang not in niche.languages or len(members) < min_group
                                  or not any(gain(s) > 0 for s in members)):
                continue
            ours = ranked_gains(members, lambda s: s.score.relevance.score, gain)
            base = ranked_gains(members, lambda s: s.creator.followers or 0, gain)
            rows[lang] = {
                "n": len(members), "relevant": sum(1 for s in members if gain(s) > 0),
                "p@10": precision_at_k(ours), "p@10 baseline": precision_at_k(base),
                "ndcg@10": ndcg_at_k(ours), "ndcg@10 baseline": ndcg_at_k(base),
            }
        out["relevance"][name] = rows
        # the composite ranking of the niche, too (what `scout search --niche` shows)
        ours = ranked_gains(scored, lambda s: s.score.score, gain)
        base = ranked_gains(scored, lambda s: s.creator.followers or 0, gain)
        out["niches"][name] = {"score p@10": precision_at_k(ours),
                               "score ndcg@10": ndcg_at_k(ours),
                               "baseline p@10": precision_at_k(base),
                               "baseline ndcg@10": ndcg_at_k(base)}
    assert first is not None
    scored = first
    followers = [float(s.creator.followers or 0) for s in scored]
    fake = [bool(s.truth["fake"]) for s in scored]
    suspicion = [s.score.authenticity.suspicion if s.score.authenticity else 0.0
                 for s in scored]
    out["authenticity"] = {
        "fake creators": sum(fake),
        "suspicion auc": roc_auc(suspicion, fake), "baseline auc": roc_auc(followers, fake),
    }
    if "sponsored_share" in scored[0].truth:
        ads = [s.truth["sponsored_share"] > 0 for s in scored]
        share = [(s.score.authenticity.sponsored.share or 0.0) if s.score.authenticity else 0.0
                 for s in scored]
        out["sponsored"] = {"creators with ads": sum(ads), "share auc": roc_auc(share, ads),
                            "baseline auc": roc_auc(followers, ads)}
    precision, recall = _sponsored_post_pr(scored, load_markers().model_dump_json())
    out.setdefault("sponsored", {}).update({"post precision": precision,
                                            "post recall": recall})
    if "bridge" in scored[0].truth:
        bridges = {s.creator.id for s in scored if s.truth["bridge"]}
        predicted = {s.creator.id for s in scored if s.score.role in ("connector", "both")}
        by_followers = sorted(scored, key=lambda s: s.creator.followers or 0, reverse=True)
        baseline = {s.creator.id for s in by_followers[: len(bridges)]}
        p, r = precision_recall(predicted, bridges)
        bp, br = precision_recall(baseline, bridges)
        out["connector"] = {"bridges": len(bridges), "predicted": len(predicted),
                            "precision": p, "recall": r,
                            "baseline precision": bp, "baseline recall": br}
    return out


def beats_baseline(result: dict[str, Any]) -> list[str]:
    """The metrics where ours does not beat the baseline (empty: beats it everywhere)."""
    failures = []
    for niche, rows in result["relevance"].items():
        for lang, row in rows.items():
            best = {"p@10": min(row["relevant"], K) / min(row["n"], K), "ndcg@10": 1.0}
            for metric in ("p@10", "ndcg@10"):
                if row[metric] <= row[f"{metric} baseline"] and row[metric] < best[metric]:
                    failures.append(f"relevance {niche}/{lang} {metric}")
    auth = result["authenticity"]
    if auth["suspicion auc"] is not None and auth["suspicion auc"] <= (auth["baseline auc"] or 0):
        failures.append("authenticity auc")
    sponsored = result.get("sponsored", {})
    if sponsored.get("share auc") is not None and sponsored["share auc"] <= (
            sponsored["baseline auc"] or 0):
        failures.append("sponsored auc")
    connector = result.get("connector")
    if connector:
        for metric in ("precision", "recall"):
            if connector[metric] <= connector[f"baseline {metric}"]:
                failures.append(f"connector {metric}")
    return failures


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def report(name: str, result: dict[str, Any]) -> str:
    """The metrics as Markdown tables."""
    lines = [f"### {name} ({result['creators']} creators)", "",
             "| niche | language | n | relevant | P@10 | P@10 baseline | nDCG@10 |"
             " nDCG@10 baseline |", "|---|---|---|---|---|---|---|---|"]
    for niche, rows in result["relevance"].items():
        for lang, row in rows.items():
            lines.append(f"| {niche} | {lang} | {row['n']} | {row['relevant']} | "
                         f"{_fmt(row['p@10'])} | {_fmt(row['p@10 baseline'])} | "
                         f"{_fmt(row['ndcg@10'])} | {_fmt(row['ndcg@10 baseline'])} |")
    lines += ["", "| niche | composite P@10 | nDCG@10 | baseline P@10 | baseline nDCG@10 |",
              "|---|---|---|---|---|"]
    for niche, row in result["niches"].items():
        lines.append(f"| {niche} | {_fmt(row['score p@10'])} | {_fmt(row['score ndcg@10'])} | "
                     f"{_fmt(row['baseline p@10'])} | {_fmt(row['baseline ndcg@10'])} |")
    lines += ["", "| metric | ours | baseline |", "|---|---|---|"]
    auth = result["authenticity"]
    lines.append(f"| fake engagement ROC AUC ({auth['fake creators']} fake) | "
                 f"{_fmt(auth['suspicion auc'])} | {_fmt(auth['baseline auc'])} |")
    sponsored = result.get("sponsored", {})
    if "share auc" in sponsored:
        lines.append(f"| posts ads ROC AUC ({sponsored['creators with ads']} creators) | "
                     f"{_fmt(sponsored['share auc'])} | {_fmt(sponsored['baseline auc'])} |")
    lines.append(f"| sponsored-post detection precision / recall | "
                 f"{_fmt(sponsored.get('post precision'))} / "
                 f"{_fmt(sponsored.get('post recall'))} | - |")
    connector = result.get("connector")
    if connector:
        lines.append(f"| connector precision ({connector['predicted']} labelled, "
                     f"{connector['bridges']} bridges) | {_fmt(connector['precision'])} | "
                     f"{_fmt(connector['baseline precision'])} |")
        lines.append(f"| connector recall | {_fmt(connector['recall'])} | "
                     f"{_fmt(connector['baseline recall'])} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--creators", type=int, default=5000)
    parser.add_argument("--json", type=Path, default=None, help="Also write the numbers here.")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    results = {
        "sandbox": evaluate(sandbox_items(args.seed, args.creators)),
        "profiles": evaluate(profile_items(), min_group=1),
    }
    print(report(f"sandbox world, seed {args.seed}", results["sandbox"]))
    print()
    print(report("hand-labelled profiles", results["profiles"]))
    failures = beats_baseline(results["sandbox"]) + beats_baseline(results["profiles"])
    print(f"\n{time.perf_counter() - started:.0f} s; "
          + ("beats the baseline on every metric" if not failures
             else "does NOT beat the baseline on: " + ", ".join(failures)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
