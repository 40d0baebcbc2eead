"""Every benchmark script runs end to end at a tiny size, so none of them can rot.

Each test runs a script under ``benchmarks/`` exactly as a user would (a child process:
the crawl benchmarks start their own sandbox and crawler processes) and checks the shape
and the sense of its ``BENCH_RESULT`` JSON. No timing is asserted here: speed targets are
what the benchmarks themselves report (BENCHMARKS.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creatorscout.search.backend import open_index
from tests.factories import make_creator, make_post, make_scored

pytestmark = pytest.mark.e2e

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
PREFIX = "BENCH_RESULT "


def bench(script: str, *args: str, timeout: float = 240) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
    )
    assert completed.returncode == 0, completed.stderr[-3000:] + completed.stdout[-2000:]
    lines = [line for line in completed.stdout.splitlines() if line.startswith(PREFIX)]
    assert len(lines) == 1, completed.stdout[-2000:]
    result: dict[str, Any] = json.loads(lines[0][len(PREFIX):])
    assert result["machine"]["nproc"] >= 1
    assert result["machine"]["versions"]["scrapy"]
    return result


@pytest.fixture(scope="module")
def records_index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small index of scored creators with texts the benchmark queries look for."""
    path = tmp_path_factory.mktemp("records") / "records.db"
    texts = ["New vegan recipe: tofu with lentils", "plant based dinner, rezept inside",
             "טבעוני וטעים", "Rainy day, good book."]
    records = []
    for n in range(12):
        creator = make_creator(str(n), handle=f"lena{n}@vegan.social",
                               bio="vegan recipe developer", languages=["en", "de"])
        posts = [make_post(creator, i, text=texts[(n + i) % len(texts)]) for i in range(4)]
        records.append(make_scored(creator, posts=posts, role="connector" if n % 3 else None,
                                   tier="micro" if n % 2 else "nano", er=2.0 + n % 3))
    with open_index(f"sqlite:///{path}") as index:
        index.upsert(records)
    return f"sqlite:///{path}"


def test_crawl_throughput_compares_the_crawl_with_a_bare_spider() -> None:
    result = bench("crawl_throughput.py", "--creators", "5", "--world", "2000",
                   "--repeat", "1", "--platform", "mastodon")
    [mastodon] = result["platforms"]
    assert mastodon["creators_indexed"] == 5
    # the bare spider fetched and decoded exactly the URLs the crawl fetched
    assert mastodon["bare_requests"] == mastodon["requests"] > 5
    assert mastodon["bare_decoded"] == mastodon["requests"]
    assert mastodon["crawl_seconds"] > 0 and mastodon["bare_seconds"] > 0
    assert mastodon["ratio"] == pytest.approx(
        mastodon["bare_seconds"] / mastodon["crawl_seconds"], rel=0.01)


def test_request_efficiency_counts_requests_per_creator_against_naive() -> None:
    result = bench("request_efficiency.py", "--creators", "5", "--world", "2000",
                   "--platform", "mastodon")
    [mastodon] = result["platforms"]
    assert mastodon["creators_indexed"] == 5
    assert mastodon["requests_per_creator"] == pytest.approx(mastodon["requests"] / 5, 0.01)
    assert mastodon["naive_requests"] == (
        mastodon["requests_by_purpose"].get("discover", 0) + 5 + mastodon["posts_indexed"])
    assert mastodon["command"].startswith("scout crawl vegan-cooking --platform mastodon")


def test_index_benchmark_loads_and_searches_at_each_size(records_index: str) -> None:
    result = bench("index_load_search.py", "--records", records_index, "--sizes", "30,60",
                   "--posts", "3", "--runs", "2", "--backend", "sqlite")
    [sqlite] = result["backends"]
    assert [p["creators"] for p in sqlite["checkpoints"]] == [30, 60]
    for point in sqlite["checkpoints"]:
        assert point["load_creators_per_s"] > 0 and point["baseline_creators_per_s"] > 0
        assert point["size_bytes"] > 0
        search = point["search"]
        assert search["p50_ms"] <= search["p95_ms"] <= search["p99_ms"]
        assert len(search["queries"]) == 7
    # synthetic creators are distinct: the words query finds more at twice the size
    first, second = (p["search"]["queries"][0]["matches"] for p in sqlite["checkpoints"])
    assert 0 < first < second


def test_scoring_benchmark_scores_creators_and_times_the_graph(records_index: str) -> None:
    result = bench("scoring_speed.py", "--records", records_index, "--graph-sizes", "300")
    assert result["per_creator"]["creators"] == 12
    assert result["per_creator"]["creators_per_s"] > 0
    [graph] = result["graph"]
    assert graph["creators"] == 300 and graph["edges"] > 300 and graph["seconds"] > 0


def test_memory_benchmark_samples_the_crawler_rss() -> None:
    result = bench("crawl_memory.py", "--creators", "5", "--world", "2000",
                   "--platform", "mastodon", "--interval", "0.2")
    assert result["creators_indexed"] == 5 and result["finished"]
    assert result["peak_rss_bytes"] >= result["start_rss_bytes"] > 10 * 2**20
    assert result["curve"] and result["curve"][-1]["end"]


def test_run_all_rejects_an_unknown_benchmark() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--only", "nope"],
        capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 2
    assert "unknown benchmark 'nope'" in completed.stderr


def test_workers_benchmark_runs_shared_and_resumed_crawls() -> None:
    from tests.redis_server import redis_database, redis_server

    with redis_server() as address, redis_database(*address) as url:
        result = bench("crawl_workers.py", "--workers", "1", "2", "--max-creators", "5",
                       "--creators", "300", "--latency-ms", "0", "--redis", url, timeout=400)
    assert [row["workers"] for row in result["shared"]] == [1, 2]
    for row in result["shared"]:
        assert set(row["exit_codes"]) == {0}
        assert row["creators"] >= 5 and row["redis_commands_per_creator"] > 0
    one = result["one_machine"]
    assert one["uninterrupted"]["creators"] == one["resumed"]["creators"] == 5
