"""The API's benchmark scripts run end to end at a tiny size (see
tests/test_benchmarks_smoke.py): the load test over HTTP and the lookalike evaluation."""

from __future__ import annotations

import pytest

from tests.test_benchmarks_smoke import bench
from tests.test_benchmarks_smoke import records_index as records_index  # fixture

pytestmark = pytest.mark.e2e


def test_api_latency_measures_http_next_to_in_process(records_index: str) -> None:
    result = bench("api_latency.py", "--size", "60", "--records", records_index,
                   "--templates", "5", "--duration", "1", "--runs", "2", "--concurrency", "1,2")
    assert result["size"] == 60 and len(result["queries"]) == 3
    for row in result["queries"]:
        assert row["in_process"]["rps"] > 0 and row["in_process"]["matches"] >= 0
        for concurrency in ("1", "2"):
            over = row["http"][concurrency]
            assert over["errors"] == 0 and over["requests"] > 0
            assert over["p50_ms"] <= over["p95_ms"]


def test_eval_lookalikes_compares_with_both_baselines() -> None:
    result = bench("eval_lookalikes.py", "--seeds", "1", "--creators", "300", "--sample", "10",
                   timeout=600)
    [one] = result["results"]
    precision = one["precision_at_10"]
    assert set(precision) == {"lookalikes", "random", "followers", "text only", "graph only",
                              "closeness only"}
    assert all(0 <= value <= 1 for value in precision.values())
    assert one["sample"] == 10 and one["indexed_creators"] > 10
