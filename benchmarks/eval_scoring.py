"""Does the scoring tell influence from vanity? Graded on two worlds, many seeds, with baselines.

Evaluation sets:

* **sandbox**: the main synthetic world (``creatorscout.sandbox.world``). Its vocabularies
  overlap the niche files and its fakes and bridges are made of the detectors' own signals,
  so its figures check the *generator*, not the scorer.
* **adversarial**: the world of ``docs/adversarial-world.md``
  (``creatorscout.sandbox.adversarial``), written independently of the niche files and of
  the detectors, with a hidden campaign outcome per creator. Its figures grade the scorer.
* **profiles**: hand-written profiles in ``benchmarks/data/profiles.yaml`` (written by the
  team that wrote the matcher: regression tests, not an evaluation).

In both worlds every indexable person is rendered as the Mastodon API serves them and
parsed by the Mastodon plugin, exactly as in a crawl; then scored per niche with the
scorer's public functions, and the crawl-end niche pass (percentiles, mention graph) runs.

Metrics per world and seed (reported as mean and standard deviation over the seeds):

* relevance nDCG@10 per niche and language (and nDCG@50 over all languages), against
  three baselines: follower count; the
  number of documents (bio, posts) containing a niche keyword or hashtag; the keyword filter
  (at least one such document) then follower count;
* Spearman correlation of the score with the campaign outcome (adversarial world), against
  follower count's: over all creators (finding the niche counts) and over the niche's own
  creators (telling trust from vanity among them);
* fake-engagement ROC AUC of the audience suspicion, against follower count's;
* connector precision and recall of the ``connector``/``both`` label for the bridges;
* sponsored-post precision and recall of the disclosure detection.

Run: ``python benchmarks/eval_scoring.py [--seeds 10] [--creators 1500] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from scipy.stats import spearmanr

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.config.schema import Niche, ScoringConfig
from creatorscout.plugins.models import Creator, Post, Provenance
from creatorscout.scoring import analyse_posts, disclosure_matcher, score_creator
from creatorscout.scoring.niche_pass import apply_context, crawl_context, member_of
from creatorscout.scoring.results import CreatorScore

NICHES = ("vegan-cooking", "georgian-wine", "b2b-martech")
PROFILES = Path(__file__).parent / "data" / "profiles.yaml"
K = 10
DEEP_K = 50
BASELINES = ("followers", "keyword count", "keyword then followers")

Item = tuple[Creator, list[Post], dict[str, Any]]


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


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation (None when either side is constant)."""
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return float(spearmanr(xs, ys).statistic)


def ranked_gains(items: Sequence[Any], key: Callable[[Any], Any],
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


def score_all(items: Sequence[Item], niche: Niche, scoring: ScoringConfig,
              analyses: dict[str, dict[str, Any]] | None = None) -> list[Scored]:
    """Score every creator in ``niche`` and run the niche pass over them, as a crawl does.
    ``analyses`` (creator id -> its posts' analysed texts) is filled on the first call and
    shared by the next ones: the analysis of a text does not depend on the niche."""
    tiers = load_tiers()
    matcher = disclosure_matcher(load_markers())
    shared = {} if analyses is None else analyses

    def analysed(creator: Creator, posts: list[Post]) -> dict[str, Any]:
        if creator.id not in shared:
            shared[creator.id] = analyse_posts(posts)
        return shared[creator.id]

    scored = [
        Scored(c, p, score_creator(c, p, niche, tiers=tiers, scoring=scoring, markers=matcher,
                                   analyses=analysed(c, p)), t)
        for c, p, t in items
    ]
    context = crawl_context([member_of(s.creator, s.posts, s.score) for s in scored], scoring)
    for s in scored:
        s.score = apply_context(s.score, s.creator.id, context, scoring)
    return scored


# -- the worlds ----------------------------------------------------------------------------------


def _world_items(world: Any, truth_of: Callable[[Any, Any, list[Post]], dict[str, Any]],
                 keep: Callable[[Any], bool]) -> list[Item]:
    """A world's people as the Mastodon plugin parses them, with ``truth_of`` per person."""
    from creatorscout.plugins.mastodon.entities import parse_account, parse_status
    from creatorscout.sandbox.mastodon_render import MastodonRenderer

    render = MastodonRenderer(world, "http://sandbox.invalid")
    provenance = Provenance(platform="mastodon", plugin="eval", plugin_version="0")
    items: list[Item] = []
    for person in world.people:
        if not keep(person):
            continue
        creator = parse_account(render.account(person, person.instance), person.instance_name,
                                provenance)
        pairs = []
        for post in world.posts(person.index):
            if post.malformed:
                continue
            parsed = parse_status(render.status(post, person.instance), person.instance_name,
                                  creator.id, provenance, keep_text=True)
            pairs.append((post, parsed))
        pairs = pairs[:40]
        items.append((creator, [p for _, p in pairs], truth_of(world, person, pairs)))
    return items


def sandbox_items(seed: int, creators: int) -> list[Item]:
    """The indexable people of the main world, with truth."""
    from creatorscout.sandbox.world import build_world

    def truth_of(world: Any, person: Any, pairs: list[tuple[Any, Post]]) -> dict[str, Any]:
        truth = world.truth(person.index)
        return {
            "grade": {n: float(truth.in_niche[n]) for n in NICHES},
            "fake": truth.fake_engagement, "bridge": truth.is_bridge,
            "sponsored_posts": {p.id for raw, p in pairs if raw.sponsored},
            "ignored_posts": set(), "language": truth.languages[0],
        }

    def keep(person: Any) -> bool:
        truth = world.truth(person.index)
        return (person.alive and not person.bot and truth.opted_out is None
                and person.moved_to is None)

    world = build_world(seed=seed, creators=creators)
    return _world_items(world, truth_of, keep)


def adversarial_items(seed: int, creators: int) -> list[Item]:
    """The people of the adversarial world, with truth and the hidden campaign outcome."""
    from creatorscout.sandbox.adversarial import build_adversarial_world

    def truth_of(world: Any, person: Any, pairs: list[tuple[Any, Post]]) -> dict[str, Any]:
        truth = world.truth(person.index)
        posts = [(world.post_truth(person.index, raw.number), p) for raw, p in pairs]
        return {
            "grade": {n: float(truth.relevance[n]) for n in NICHES},
            "fake": truth.fake_kind is not None, "bridge": truth.is_bridge,
            "sponsored_posts": {p.id for t, p in posts if t.sponsored},
            "disclosed_posts": {p.id for t, p in posts if t.disclosed},
            # "unbezahlte Werbung": whether it counts is a product decision (the spec)
            "ignored_posts": {p.id for t, p in posts if t.unpaid_disclosure},
            "language": truth.languages[0], "outcome": dict(truth.outcome),
        }

    world = build_adversarial_world(seed=seed, creators=creators)
    return _world_items(world, truth_of, lambda person: True)


def profile_items(path: Path = PROFILES) -> list[Item]:
    """The hand-written profiles as Creators and Posts, with their labels."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    now = datetime(2026, 11, 1, tzinfo=UTC)
    provenance = Provenance(platform="mastodon", plugin="profiles", plugin_version="1",
                            observed_at=now)
    items: list[Item] = []
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
            "grade": {n: float(relevance.get(n, 0)) for n in NICHES},
            "fake": bool(entry.get("fake", False)), "language": entry["language"],
            "sponsored_posts": sponsored, "ignored_posts": set(),
        }))
    return items


# -- baselines ----------------------------------------------------------------------------------


def keyword_documents(creator: Creator, posts: Iterable[Post], niche: Niche) -> int:
    """How many of the creator's documents (bio, each post) contain a niche keyword or
    hashtag: a case-insensitive substring search, what a spreadsheet filter does."""
    terms = {t.casefold() for words in niche.keywords.values() for t in words}
    terms |= {t.casefold() for t in niche.hashtags}
    terms.discard("")
    documents = [creator.bio or ""]
    documents += [f"{p.text or ''} {' '.join(p.hashtags)}" for p in posts if not p.is_repost]
    return sum(1 for doc in documents if any(t in doc.casefold() for t in terms))


def baseline_keys(s: Scored, keyword_docs: int) -> dict[str, Any]:
    followers = s.creator.followers or 0
    return {"followers": followers, "keyword count": keyword_docs,
            "keyword then followers": (keyword_docs > 0, followers)}


# -- evaluation ---------------------------------------------------------------------------------


def sponsored_post_pr(scored: Sequence[Any], kind: str = "sponsored_posts"
                      ) -> tuple[float, float]:
    """Precision and recall of the disclosure detection over the original posts, against
    the truth's ``kind`` (all paid ads, or ``disclosed_posts``: the disclosed ones)."""
    matcher = disclosure_matcher(load_markers())
    predicted: set[str] = set()
    actual: set[str] = set()
    for s in scored:
        originals = [p for p in s.posts if not p.is_reply and not p.is_repost]
        ignored = s.truth.get("ignored_posts", set())
        docs = analyse_posts(originals)
        for post in originals:
            if post.id in ignored:
                continue
            doc = docs.get(post.id)
            if doc is not None and matcher.find(doc):
                predicted.add(post.id)
            if post.id in s.truth[kind]:
                actual.add(post.id)
    return precision_recall(predicted, actual)


def evaluate(items: Sequence[Item], scoring: ScoringConfig | None = None, *,
             min_group: int = 10) -> dict[str, Any]:
    """All metrics for one evaluation set (one world, one seed), ours next to the baselines."""
    scoring = scoring or load_scoring()
    out: dict[str, Any] = {"creators": len(items), "relevance": {}, "outcome": {}}
    first: list[Scored] | None = None
    analyses: dict[str, dict[str, Any]] = {}
    for name in NICHES:
        niche = load_niche(name)
        scored = score_all(items, niche, scoring, analyses)
        first = first or scored
        keys = {s.creator.id: baseline_keys(s, keyword_documents(s.creator, s.posts, niche))
                for s in scored}

        def gain(s: Scored, name: str = name) -> float:
            return float(s.truth["grade"][name])

        groups: dict[str, list[Scored]] = {"all": scored}
        for s in scored:
            groups.setdefault(s.truth["language"], []).append(s)
        rows = {}
        for lang, members in sorted(groups.items()):
            if lang != "all" and (lang not in niche.languages or len(members) < min_group
                                  or not any(gain(s) > 0 for s in members)):
                continue
            row: dict[str, Any] = {
                "n": len(members), "relevant": sum(1 for s in members if gain(s) > 0),
                "ours": ndcg_at_k(ranked_gains(members, lambda s: s.score.relevance.score,
                                               gain)),
                "score": ndcg_at_k(ranked_gains(members, lambda s: s.score.score, gain)),
            }
            for baseline in BASELINES:
                row[baseline] = ndcg_at_k(ranked_gains(
                    members, lambda s, b=baseline, k=keys: k[s.creator.id][b], gain))
            if lang == "all":
                # deeper than the first page: the top 10 of a big niche is easy to fill
                row["ours@50"] = ndcg_at_k(ranked_gains(
                    members, lambda s: s.score.relevance.score, gain), DEEP_K)
                for baseline in BASELINES:
                    row[f"{baseline}@50"] = ndcg_at_k(ranked_gains(
                        members, lambda s, b=baseline, k=keys: k[s.creator.id][b], gain),
                        DEEP_K)
            rows[lang] = row
        out["relevance"][name] = rows
        if "outcome" in scored[0].truth:
            # over everybody (finding the niche counts) and over the niche's own creators
            # only (telling trust from vanity among them)
            members_only = [s for s in scored if gain(s) >= 2]
            out["outcome"][name] = {}
            for label, group in (("", scored), (" in niche", members_only)):
                outcome = [s.truth["outcome"][name] for s in group]
                out["outcome"][name]["score" + label] = spearman(
                    [s.score.score for s in group], outcome)
                out["outcome"][name]["followers" + label] = spearman(
                    [float(s.creator.followers or 0) for s in group], outcome)
    assert first is not None
    scored = first
    followers = [float(s.creator.followers or 0) for s in scored]
    fake = [bool(s.truth["fake"]) for s in scored]
    suspicion = [s.score.authenticity.suspicion if s.score.authenticity else 0.0
                 for s in scored]
    out["fake"] = {"creators": sum(fake), "ours": roc_auc(suspicion, fake),
                   "followers": roc_auc(followers, fake)}
    precision, recall = sponsored_post_pr(scored)
    out["sponsored"] = {"precision": precision, "recall": recall}
    if "disclosed_posts" in scored[0].truth:
        # undisclosed ads carry no disclosure to find: recall over the disclosed ones
        out["sponsored"]["recall (disclosed ads)"] = sponsored_post_pr(
            scored, "disclosed_posts")[1]
    if "bridge" in scored[0].truth:
        bridges = {s.creator.id for s in scored if s.truth["bridge"]}
        predicted = {s.creator.id for s in scored if s.score.role in ("connector", "both")}
        by_followers = sorted(scored, key=lambda s: s.creator.followers or 0, reverse=True)
        p, r = precision_recall(predicted, bridges)
        bp, br = precision_recall({s.creator.id for s in by_followers[: len(bridges)]},
                                  bridges)
        out["connector"] = {"bridges": len(bridges), "labelled": len(predicted),
                            "precision": p, "recall": r,
                            "followers precision": bp, "followers recall": br}
    return out


def losses(result: dict[str, Any], against: str = "keyword count") -> list[str]:
    """Where our relevance ranking does not beat baseline ``against`` (nDCG@10, per niche,
    over all languages; a perfect 1.0 counts as a win)."""
    failures = []
    for niche, rows in result["relevance"].items():
        row = rows["all"]
        if row["ours"] <= row[against] and row["ours"] < 1.0:
            failures.append(f"relevance {niche}: {row['ours']:.3f} vs {row[against]:.3f}")
    return failures


# -- many seeds -------------------------------------------------------------------------------


def _leaves(tree: Any, prefix: tuple[str, ...] = ()) -> Iterable[tuple[tuple[str, ...], Any]]:
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _leaves(value, (*prefix, str(key)))
    else:
        yield prefix, tree


def aggregate(results: Sequence[dict[str, Any]]) -> dict[tuple[str, ...], tuple[float, float, int]]:
    """Per metric path: (mean, standard deviation, seeds with a value)."""
    values: dict[tuple[str, ...], list[float]] = {}
    for result in results:
        for path, value in _leaves(result):
            if isinstance(value, int | float) and not isinstance(value, bool):
                values.setdefault(path, []).append(float(value))
    return {path: (statistics.fmean(v), statistics.stdev(v) if len(v) > 1 else 0.0, len(v))
            for path, v in values.items()}


def _ms(stats: dict[tuple[str, ...], tuple[float, float, int]], *path: str) -> str:
    found = stats.get(path)
    if found is None:
        return "-"
    mean, sd, _ = found
    return f"{mean:.3f} ± {sd:.3f}"


def report(name: str, results: Sequence[dict[str, Any]]) -> str:
    """Mean ± standard deviation over the seeds, as Markdown tables."""
    stats = aggregate(results)
    seeds = len(results)
    creators = int(stats[("creators",)][0])
    lines = [f"### {name} ({seeds} seeds, {creators} creators each)", "",
             "Relevance nDCG@10 (ranking by our relevance; by our composite score; by each "
             "baseline):", "",
             "| niche | language | ours (relevance) | ours (score) | followers | "
             "keyword count | keyword then followers |", "|---|---|---|---|---|---|---|"]
    langs: dict[str, list[str]] = {}
    for result in results:
        for niche, rows in result["relevance"].items():
            for lang in rows:
                if lang not in langs.setdefault(niche, []):
                    langs[niche].append(lang)
    for niche, seen in langs.items():
        for lang in sorted(seen, key=lambda x: (x != "all", x)):
            cells = [_ms(stats, "relevance", niche, lang, m)
                     for m in ("ours", "score", *BASELINES)]
            lines.append(f"| {niche} | {lang} | " + " | ".join(cells) + " |")
    lines += ["", f"Relevance nDCG@{DEEP_K}, all languages:", "",
              "| niche | ours (relevance) | followers | keyword count | keyword then followers |",
              "|---|---|---|---|---|"]
    for niche in langs:
        cells = [_ms(stats, "relevance", niche, "all", f"{m}@50")
                 for m in ("ours", *BASELINES)]
        lines.append(f"| {niche} | " + " | ".join(cells) + " |")
    lines += ["", "| metric | ours | baseline (follower count) |", "|---|---|---|"]
    for niche in NICHES:
        if ("outcome", niche, "score") in stats:
            lines.append(f"| Spearman with campaign outcome, {niche}, all creators | "
                         f"{_ms(stats, 'outcome', niche, 'score')} | "
                         f"{_ms(stats, 'outcome', niche, 'followers')} |")
            lines.append(f"| Spearman with campaign outcome, {niche}, its own creators | "
                         f"{_ms(stats, 'outcome', niche, 'score in niche')} | "
                         f"{_ms(stats, 'outcome', niche, 'followers in niche')} |")
    lines.append(f"| fake-engagement ROC AUC | {_ms(stats, 'fake', 'ours')} | "
                 f"{_ms(stats, 'fake', 'followers')} |")
    if ("connector", "precision") in stats:
        lines.append(f"| connector precision | {_ms(stats, 'connector', 'precision')} | "
                     f"{_ms(stats, 'connector', 'followers precision')} |")
        lines.append(f"| connector recall | {_ms(stats, 'connector', 'recall')} | "
                     f"{_ms(stats, 'connector', 'followers recall')} |")
    lines.append(f"| sponsored-post precision | {_ms(stats, 'sponsored', 'precision')} | - |")
    lines.append(f"| sponsored-post recall | {_ms(stats, 'sponsored', 'recall')} | - |")
    if ("sponsored", "recall (disclosed ads)") in stats:
        lines.append(f"| sponsored-post recall, disclosed ads only | "
                     f"{_ms(stats, 'sponsored', 'recall (disclosed ads)')} | - |")
    return "\n".join(lines)


WORLDS: dict[str, Callable[[int, int], list[Item]]] = {
    "sandbox": sandbox_items, "adversarial": adversarial_items,
}


def run(world: str, seeds: Sequence[int], creators: int) -> list[dict[str, Any]]:
    """The metrics of ``world`` at each seed."""
    return [evaluate(WORLDS[world](seed, creators)) for seed in seeds]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 1..N (default 10)")
    parser.add_argument("--creators", type=int, default=1500)
    parser.add_argument("--world", choices=[*WORLDS, "both"], default="both")
    parser.add_argument("--json", type=Path, default=None, help="Also write the numbers here.")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    seeds = list(range(1, args.seeds + 1))
    worlds = list(WORLDS) if args.world == "both" else [args.world]
    results = {world: run(world, seeds, args.creators) for world in worlds}
    results["profiles"] = [evaluate(profile_items(), min_group=1)]
    for world in worlds:
        print(report(f"{world} world", results[world]))
        print()
    print(report("hand-written profiles (regression, not an evaluation)", results["profiles"]))
    failures = [f"{world} seed {seed}: {loss}" for world in worlds
                for seed, result in zip(seeds, results[world], strict=True)
                for loss in losses(result)]
    print(f"\n{time.perf_counter() - started:.0f} s; "
          + ("relevance beats the keyword-count baseline everywhere" if not failures
             else "relevance does NOT beat the keyword-count baseline on: "
             + "; ".join(failures)))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
