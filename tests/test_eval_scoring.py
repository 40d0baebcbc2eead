"""The scoring evaluation at a small size: it fails when we do not beat the baselines.

Runs the functions of ``benchmarks/eval_scoring.py`` (full-size numbers over ten seeds are
in BENCHMARKS.md) on small versions of both worlds at two seeds, and on the hand-written
profiles (regression tests: written by the team that wrote the matcher).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from creatorscout.config import load_niche
from tests.factories import make_creator, make_post

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_scoring.py"
SEEDS = (3, 4)
CREATORS = 500


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_scoring", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_scoring"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def adversarial(evaluation: ModuleType) -> list[dict[str, Any]]:
    return evaluation.run("adversarial", SEEDS, CREATORS)


@pytest.fixture(scope="module")
def sandbox(evaluation: ModuleType) -> list[dict[str, Any]]:
    return evaluation.run("sandbox", SEEDS, CREATORS)


def test_metrics_are_right_on_known_cases(evaluation: ModuleType) -> None:
    assert evaluation.precision_at_k([1, 0, 1, 0], k=2) == 0.5
    assert evaluation.ndcg_at_k([1, 1, 0]) == pytest.approx(1.0)
    assert evaluation.ndcg_at_k([0, 1]) < 1.0
    assert evaluation.ndcg_at_k([1, 2]) < evaluation.ndcg_at_k([2, 1])
    assert evaluation.roc_auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert evaluation.roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert evaluation.precision_recall({"a", "b"}, {"a"}) == (0.5, 1.0)
    assert evaluation.spearman([1, 2, 3], [10, 30, 20]) == pytest.approx(0.5)
    assert evaluation.spearman([1, 1], [1, 2]) is None
    stats = evaluation.aggregate([{"x": {"y": 1.0}}, {"x": {"y": 3.0}}])
    assert stats[("x", "y")] == (2.0, pytest.approx(1.4142, abs=1e-3), 2)


def test_the_keyword_baseline_counts_documents_by_substring(evaluation: ModuleType) -> None:
    niche = load_niche("vegan-cooking")
    creator = make_creator(bio="")
    posts = [make_post(creator, 0, "vegan dinner"), make_post(creator, 1, "veganism again"),
             make_post(creator, 2, "football tonight")]
    # a substring count, as a spreadsheet filter would do it: "veganism" counts too
    assert evaluation.keyword_documents(creator, posts, niche) == 2


def test_relevance_beats_the_keyword_count_baseline_on_the_adversarial_world(
        evaluation: ModuleType, adversarial: list[dict[str, Any]]) -> None:
    failures = [loss for result in adversarial for loss in evaluation.losses(result)]
    assert failures == []


def test_relevance_beats_the_keyword_count_baseline_on_the_main_world(
        evaluation: ModuleType, sandbox: list[dict[str, Any]]) -> None:
    failures = [loss for result in sandbox for loss in evaluation.losses(result)]
    assert failures == []


def test_connectors_reach_the_target_on_the_adversarial_world(
        adversarial: list[dict[str, Any]]) -> None:
    for result in adversarial:
        assert result["connector"]["precision"] >= 0.7, result["connector"]
        assert result["connector"]["recall"] >= 0.7, result["connector"]


def test_the_score_follows_the_campaign_outcome_better_than_followers(
        adversarial: list[dict[str, Any]]) -> None:
    for result in adversarial:
        for niche, rho in result["outcome"].items():
            assert rho["score"] > rho["followers"], (niche, rho)


def test_fake_engagement_is_found_better_than_by_follower_count(
        adversarial: list[dict[str, Any]], sandbox: list[dict[str, Any]]) -> None:
    for result in (*adversarial, *sandbox):
        assert result["fake"]["ours"] > result["fake"]["followers"], result["fake"]


def test_hand_written_profiles_stay_regression_tests(evaluation: ModuleType) -> None:
    items = evaluation.profile_items()
    assert len(items) >= 60
    assert len({item[2]["language"] for item in items}) >= 4
    result = evaluation.evaluate(items, min_group=1)
    assert evaluation.losses(result, against="followers") == []
    assert result["fake"]["ours"] > result["fake"]["followers"]
    assert result["sponsored"]["recall"] > 0.9
