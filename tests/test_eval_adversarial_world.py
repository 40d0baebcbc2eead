"""The adversarial world follows its specification (docs/adversarial-world.md) and is served.

These check the generator, not the scorer: the scorer is graded on this world by
``benchmarks/eval_scoring.py`` and ``tests/test_eval_scoring.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from scipy.stats import spearmanr

from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.adversarial import AdversarialWorld, build_adversarial_world
from creatorscout.sandbox.adversarial_vocab import ADV_COMMUNITIES, ADV_NICHES

SEED = 11
CREATORS = 1200


@pytest.fixture(scope="module")
def world() -> AdversarialWorld:
    return build_adversarial_world(seed=SEED, creators=CREATORS)


def _texts(world: AdversarialWorld, index: int) -> list[str]:
    return [post.text for post in world.posts(index)]


def test_the_same_seed_gives_the_same_world_and_another_seed_another(
        world: AdversarialWorld) -> None:
    again = build_adversarial_world(seed=SEED, creators=CREATORS)
    assert [_texts(again, i) for i in range(50)] == [_texts(world, i) for i in range(50)]
    assert [again.truth(i) for i in range(50)] == [world.truth(i) for i in range(50)]
    other = build_adversarial_world(seed=SEED + 1, creators=CREATORS)
    assert [_texts(other, i) for i in range(50)] != [_texts(world, i) for i in range(50)]


def test_too_many_creators_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="creators must be between"):
        build_adversarial_world(seed=1, creators=0)


def test_look_alikes_share_the_niches_surface_strings(world: AdversarialWorld) -> None:
    def written_by(community: str) -> str:
        return " ".join(t for i in range(len(world)) for t in _texts(world, i)
                        if world.truth(i).primary_community == community)

    assert "Linsen" in written_by("opticians")
    assert "Rezept" in written_by("pharmacies") and "حمص" in written_by("pharmacies")
    assert "מתכונת" in written_by("pharmacies")
    assert "#PR" in written_by("runners") or "5k PR" in written_by("runners")
    assert "Head of PR" in written_by("pr-agencies")
    assert "ღვინობისთვ" in written_by("georgian-life")
    assert "виноват" in written_by("pubs")


def test_bridges_post_in_both_communities_are_mentioned_from_both_and_say_nothing_in_bio(
        world: AdversarialWorld) -> None:
    bridges = [t for t in (world.truth(i) for i in range(len(world))) if t.is_bridge]
    assert 0.04 * len(world) < len(bridges) < 0.14 * len(world)
    mentioned_from: dict[int, set[str]] = {}
    for i in range(len(world)):
        side = world.truth(i).primary_community
        for post in world.posts(i):
            for other in post.mentions:
                mentioned_from.setdefault(other, set()).add(side)
    both = 0
    for truth in bridges:
        communities = Counter(world.post_truth(truth.index, p.number).community
                              for p in world.posts(truth.index))
        assert communities[truth.communities[1]] > 0, truth
        bio = " ".join(text for kind, text in world.profile(truth.index).bio if kind == "text")
        assert "connect" not in bio.casefold() and truth.communities[1] not in bio
        both += set(truth.communities) <= mentioned_from.get(truth.index, set())
    assert both >= 0.6 * len(bridges)


def test_follower_counts_follow_the_community_not_the_campaign_outcome(
        world: AdversarialWorld) -> None:
    truths = [world.truth(i) for i in range(len(world))]
    medians = {}
    for community in ("pr-agencies", "vegan-cooking"):
        counts = sorted(t.real_followers for t in truths if t.primary_community == community)
        medians[community] = counts[len(counts) // 2]
    assert medians["pr-agencies"] > 5 * medians["vegan-cooking"]
    vegans = [t for t in truths if t.relevance["vegan-cooking"] == 2]
    rho = spearmanr([t.followers for t in vegans],
                    [t.outcome["vegan-cooking"] for t in vegans]).statistic
    assert rho < 0.1
    outsiders = [t for t in truths if all(c not in ADV_NICHES for c in t.communities)]
    assert outsiders and all(max(t.outcome.values()) == 0 for t in outsiders)


def test_fakes_that_buy_interactions_in_proportion_keep_a_natural_mix(
        world: AdversarialWorld) -> None:
    def reply_share(kind: str | None) -> float:
        likes = replies = 0
        for i in range(len(world)):
            if world.truth(i).fake_kind == kind:
                for post in world.posts(i):
                    likes += post.favourites
                    replies += post.replies
        return replies / max(1, likes + replies)

    honest, bought, pod = (reply_share(None), reply_share("bought_engagement"),
                           reply_share("pod"))
    assert abs(bought - honest) < 0.5 * honest
    assert pod < 0.5 * honest


def test_ads_are_disclosed_or_not_and_innocent_words_are_not_ads(
        world: AdversarialWorld) -> None:
    kinds: Counter[str] = Counter()
    for i in range(len(world)):
        for post in world.posts(i):
            truth = world.post_truth(i, post.number)
            kinds["disclosed" if truth.disclosed else "undisclosed" if truth.sponsored
                  else "innocent" if truth.innocent_words else "unpaid"
                  if truth.unpaid_disclosure else "other"] += 1
            assert not (truth.innocent_words and truth.sponsored)
    assert kinds["disclosed"] > kinds["undisclosed"] > 0
    assert kinds["innocent"] > 0 and kinds["unpaid"] > 0


def test_every_community_has_members(world: AdversarialWorld) -> None:
    primaries = Counter(world.truth(i).primary_community for i in range(len(world)))
    assert set(primaries) == {c.name for c in ADV_COMMUNITIES}


def test_a_real_crawl_of_the_adversarial_world_over_http(tmp_path: Path) -> None:
    small = build_adversarial_world(seed=SEED, creators=400)
    index = tmp_path / "index.db"
    stats = tmp_path / "stats.json"
    with SandboxServer(small) as server:
        completed = subprocess.run(
            [sys.executable, "-m", "creatorscout.cli", "crawl", "vegan-cooking",
             "--platform", "mastodon", "--max-creators", "25",
             "--base-url", f"mastodon={server.url}/mastodon/{{instance}}",
             "--index", f"sqlite:///{index}", "--stats-json", str(stats),
             "--concurrency", "4"],
            capture_output=True, text=True, timeout=300,
        )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    indexed = sum(v for k, v in json.loads(stats.read_text()).items()
                  if k.startswith("creatorscout/indexed"))
    assert indexed == 25


def test_scout_sandbox_rejects_a_bad_world_in_one_line() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "sandbox", "--world", "nonsense"],
        capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr and "nonsense" in completed.stderr
