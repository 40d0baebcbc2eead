"""Run every benchmark and summarise the targets: ``make bench``.

    python benchmarks/run_all.py [--profile full|quick] [--only NAME]... [--out FILE]

Profiles:

* ``full`` (default, what BENCHMARKS.md records; about 1.5-2 hours on 2 cores): the sizes
  the targets are stated for (100,000-creator crawl for memory, 1,000,000 creators in the
  index, 100,000 in the mention graph);
* ``quick`` (a few minutes): the same benchmarks at small sizes, to see that everything
  runs and roughly where things stand. Small sizes do not test the targets.

Each benchmark is its own script (run ``python benchmarks/NAME.py --help``); this runs them
one after the other, shows their output as it comes, and writes every result (the
``BENCH_RESULT`` JSON each script prints) to ``--out`` (default
``benchmarks/results/latest-PROFILE.json``). Elasticsearch figures are included when
``CREATORSCOUT_ES_URL`` is set.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import BENCH_DIR, RESULT_PREFIX, machine_info, machine_line, say

PROFILES: dict[str, dict[str, list[str]]] = {
    "full": {
        "crawl_throughput": ["--creators", "2000", "--repeat", "2"],
        "request_efficiency": ["--creators", "500"],
        "scoring_speed": ["--creators", "400", "--graph-sizes", "10000,100000"],
        "index_load_search": ["--sizes", "100000,1000000", "--posts", "10", "--runs", "10"],
        # ~30 minutes on 2 cores (BENCHMARKS.md); the limit leaves room on a slower machine
        "crawl_memory": ["--creators", "100000", "--platform", "mastodon",
                         "--time-limit", "4800"],
        "api_latency": ["--size", "100000", "--concurrency", "1,4", "--duration", "20"],
        "eval_lookalikes": ["--seeds", "42,7,3", "--creators", "2000", "--sample", "200"],
    },
    "quick": {
        "crawl_throughput": ["--creators", "200", "--repeat", "1", "--platform", "mastodon"],
        "request_efficiency": ["--creators", "100"],
        "scoring_speed": ["--creators", "100", "--graph-sizes", "10000"],
        "index_load_search": ["--sizes", "5000,20000", "--posts", "10", "--templates", "100",
                              "--runs", "5"],
        "crawl_memory": ["--creators", "2000", "--time-limit", "120"],
        "api_latency": ["--size", "5000", "--templates", "100", "--duration", "5"],
        "eval_lookalikes": ["--seeds", "42", "--creators", "600", "--sample", "40"],
    },
    "smoke": {  # the test suite's run (tests/test_benchmarks_smoke.py): tiny, no figures
        "crawl_throughput": ["--creators", "5", "--world", "2000", "--repeat", "1",
                             "--platform", "mastodon"],
        "request_efficiency": ["--creators", "5", "--world", "2000", "--platform", "mastodon"],
        "scoring_speed": ["--creators", "5", "--graph-sizes", "300"],
        "index_load_search": ["--sizes", "40,80", "--posts", "2", "--templates", "5",
                              "--runs", "2", "--backend", "sqlite"],
        "crawl_memory": ["--creators", "5", "--world", "2000", "--platform", "mastodon",
                         "--interval", "0.2"],
        "eval_lookalikes": ["--seeds", "1", "--creators", "300", "--sample", "10"],
    },
}


def run_one(name: str, args: list[str]) -> dict[str, Any] | None:
    command = [sys.executable, str(BENCH_DIR / f"{name}.py"), *args]
    say(f"\n== {name}: {' '.join(command[1:])}")
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                               stdin=subprocess.DEVNULL)
    result = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX):])
        elif not line.startswith("machine: "):
            sys.stdout.write(line)
            sys.stdout.flush()
    code = process.wait()
    if code != 0 or result is None:
        say(f"!! {name} failed (exit code {code})")
        return None
    result["command"] = " ".join(["python", *command[1:]])
    result["wall_seconds"] = round(time.monotonic() - started, 1)
    return result


def verdicts(results: dict[str, Any]) -> list[str]:
    """One line per target: met or not, with the figure."""
    lines = []
    crawl = results.get("crawl_throughput")
    for item in (crawl or {}).get("platforms", []):
        lines.append(f"crawl throughput {item['platform']}: {item['ratio']:.2f} of the bare "
                     f"spider (target >= 0.8): {'met' if item['met'] else 'NOT met'}")
    for item in (results.get("request_efficiency") or {}).get("platforms", []):
        if item.get("creators_indexed"):
            lines.append(f"requests {item['platform']}: {item['requests_per_creator']} per "
                         f"creator vs {item['naive_per_creator']} naive "
                         f"({item['saving']}x fewer)")
    index = results.get("index_load_search")
    for backend in (index or {}).get("backends", []):
        for point in backend["checkpoints"]:
            lines.append(
                f"index {backend['backend']} {point['creators']:,}: load "
                f"{point['load_creators_per_s']:,}/s (target > 10,000: "
                f"{'met' if point['load_target_met'] else 'NOT met'}), search p95 "
                f"{point['search']['p95_ms']} ms"
                + (f" (target < 100 ms: {'met' if point['p95_target_met'] else 'NOT met'})"
                   if "p95_target_met" in point else ""))
    scoring = results.get("scoring_speed")
    if scoring:
        lines.append(f"scoring: {scoring['per_creator']['creators_per_s']} creators/s")
        for graph in scoring["graph"]:
            verdict = ""
            if "target_met" in graph:
                verdict = f" (target < 60 s: {'met' if graph['target_met'] else 'NOT met'})"
            lines.append(f"graph step {graph['creators']:,}: {graph['seconds']} s{verdict}")
    memory = results.get("crawl_memory")
    if memory:
        lines.append(
            f"memory: peak {memory['peak_rss_bytes'] / 2**20:,.0f} MiB over "
            f"{memory['creators_indexed']:,} creators "
            f"({'finished' if memory['finished'] else 'partial'}; target < 1 GiB: "
            f"{'met' if memory['target_met'] else 'NOT met'}; "
            f"{'flat' if memory['flat'] else 'growing'})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="full")
    parser.add_argument("--only", action="append", default=[],
                        help=f"run only this benchmark (repeatable): {', '.join(PROFILES['full'])}")
    parser.add_argument("--out", help="where to write all results as JSON")
    options = parser.parse_args(argv)
    profile = PROFILES[options.profile]
    unknown = [name for name in options.only if name not in profile]
    if unknown:
        parser.error(f"unknown benchmark '{unknown[0]}'; known: {', '.join(profile)}")
    say(machine_line())
    results: dict[str, Any] = {}
    failed = []
    for name, args in profile.items():
        if options.only and name not in options.only:
            continue
        result = run_one(name, args)
        if result is None:
            failed.append(name)
        else:
            results[name] = result
    out = Path(options.out) if options.out else \
        BENCH_DIR / "results" / f"latest-{options.profile}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"profile": options.profile, "machine": machine_info(),
                               "results": results}, indent=2, default=str) + "\n",
                   encoding="utf-8")
    say("\n== targets")
    for line in verdicts(results):
        say(f"  {line}")
    say(f"results written to {out}")
    if failed:
        say(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
