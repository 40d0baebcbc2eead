"""The scoring evaluation at a small size: it must beat the follower-count baseline.

Runs the same functions as ``benchmarks/eval_scoring.py`` (full-size numbers are in
BENCHMARKS.md) on a small sandbox world and on the hand-labelled profiles.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_scoring.py"


@pytest.fixture(scope="module")
def evaluation() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_scoring", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_scoring"] = module
    spec.loader.exec_module(module)
    return module


def test_metrics_are_right_on_known_cases(evaluation: ModuleType) -> None:
    assert evaluation.precision_at_k([1, 0, 1, 0], k=2) == 0.5
    assert evaluation.ndcg_at_k([1, 1, 0]) == pytest.approx(1.0)
    assert evaluation.ndcg_at_k([0, 1]) < 1.0
    assert evaluation.roc_auc([0.9, 0.8, 0.1], [True, True, False]) == 1.0
    assert evaluation.roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert evaluation.precision_recall({"a", "b"}, {"a"}) == (0.5, 1.0)


def test_small_sandbox_world_beats_the_follower_baseline(evaluation: ModuleType) -> None:
    result = evaluation.evaluate(evaluation.sandbox_items(seed=5, creators=700))
    assert evaluation.beats_baseline(result) == []
    assert result["authenticity"]["suspicion auc"] > 0.8
    assert result["connector"]["recall"] > 0.5
    assert result["sponsored"]["post precision"] > 0.9


def test_hand_labelled_profiles_beat_the_follower_baseline(evaluation: ModuleType) -> None:
    items = evaluation.profile_items()
    assert len(items) >= 60
    assert len({item[2]["language"] for item in items}) >= 4
    result = evaluation.evaluate(items, min_group=1)
    assert evaluation.beats_baseline(result) == []
    assert result["sponsored"]["post recall"] > 0.9
