"""The HTTP API under load: requests/s and latency of ``GET /api/v1/creators`` at a given
index size, over HTTP from a load generator in a second process, next to the same query run
in-process (``Index.search``, what the route calls).

    python benchmarks/api_latency.py [--size 100000] [--concurrency 1,4] [--duration 20]
                                     [--records INDEX_URL] [--index INDEX_URL] [--json FILE]

The index is built from a real sandbox crawl's records copied into ``--size`` distinct
creators (``_records.synthetic``, as benchmarks/index_load_search.py does), spread over
three niches; ``--index`` reuses a built one. The server is ``scout serve`` (uvicorn, one
worker, the defaults a user gets); the load generator (``_load_gen.py``) keeps one
keep-alive connection per thread. On a 2-core machine the generator and the server share
the CPU, so the HTTP figures are a floor.

The in-process figures are the same query, sequential, after one warm-up: the difference is
what HTTP, routing, validation and JSON cost per request.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import BENCH_DIR, Stopwatch, emit, machine_line, percentile, say
from _records import records_from, synthetic

NICHES = ("vegan-cooking", "georgian-wine", "b2b-martech")
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("niche+tier, by score", {"niche": "vegan-cooking", "tiers": ["micro", "nano"]}),
    ("words+niche+min followers", {"text": "vegan", "niche": "vegan-cooking",
                                   "min_followers": 1000}),
    ("everything, by followers", {"sort": "followers"}),
]


def build(url: str, size: int, templates: list[Any]) -> float:
    from creatorscout.search.backend import open_index, write_in_batches

    with Stopwatch() as watch, open_index(url) as index, index.bulk():
        write_in_batches(synthetic(templates, size, niches=NICHES), index.upsert,
                         batch_size=1000)
    return watch.seconds


def _exists(url: str) -> bool:
    from creatorscout.search.backend import sqlite_path

    return Path(sqlite_path(url)).exists()


def in_process(url: str, fields: dict[str, Any], runs: int) -> dict[str, Any]:
    from creatorscout.search.backend import open_index
    from creatorscout.search.query import SearchQuery

    query = SearchQuery(**fields)
    with open_index(url, create=False) as index:
        total = index.search(query).total
        times = []
        for _ in range(runs):
            with Stopwatch() as watch:
                index.search(query)
            times.append(watch.seconds)
    return {"matches": total, "rps": round(len(times) / sum(times), 1),
            "p50_ms": round(percentile(times, 50) * 1000, 2),
            "p95_ms": round(percentile(times, 95) * 1000, 2)}


def serve(url: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "creatorscout.cli", "serve", "--port", "0", "--index", url,
         "--log-level", "warning"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    found = re.search(r"serving (http://\S+?)/api/v1", line)
    if not found:
        process.kill()
        raise SystemExit(f"scout serve did not start: {line}")
    base = found.group(1)
    import httpx2

    for _ in range(300):
        try:
            if httpx2.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                break
        except httpx2.TransportError:
            time.sleep(0.1)
    return process, base


def load(base: str, path: str, concurrency: int, duration: float) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH_DIR / "_load_gen.py"), base, path, str(concurrency),
         str(duration)], capture_output=True, text=True, timeout=duration + 300,
    )
    if completed.returncode != 0:
        raise SystemExit(f"the load generator failed:\n{completed.stderr[-3000:]}")
    return dict(json.loads(completed.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--concurrency", default="1,4")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=50, help="in-process runs per query")
    parser.add_argument("--templates", type=int, default=300)
    parser.add_argument("--records", help="take the templates from this index URL")
    parser.add_argument("--index", help="an SQLite index URL: used as it is when the file "
                        "exists, else built there and kept")
    parser.add_argument("--queries", default=",".join(str(n) for n in range(len(QUERIES))),
                        help="which of the queries to run, by number (0-based)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    chosen = [QUERIES[int(n)] for n in args.queries.split(",")]
    say(machine_line())
    with tempfile.TemporaryDirectory(prefix="cs-bench-api-") as folder:
        url = args.index or f"sqlite:///{Path(folder) / 'api.db'}"
        result: dict[str, Any] = {"size": args.size, "queries": []}
        if not _exists(url):
            templates = records_from(args.records, args.templates)
            seconds = build(url, args.size, templates)
            result["build_seconds"] = round(seconds, 1)
            say(f"built an index of {args.size:,} creators in {seconds:.0f} s")
        process, base = serve(url)
        try:
            for name, fields in chosen:
                local = in_process(url, fields, args.runs)
                path = "/api/v1/creators?" + urlencode(fields, doseq=True)
                row: dict[str, Any] = {"query": name, "path": path, "in_process": local,
                                       "http": {}}
                say(f"{name} ({local['matches']:,} matches): in-process {local['rps']} q/s, "
                    f"p50 {local['p50_ms']} ms, p95 {local['p95_ms']} ms")
                for concurrency in (int(c) for c in args.concurrency.split(",")):
                    over = load(base, path, concurrency, args.duration)
                    row["http"][str(concurrency)] = over
                    say(f"  HTTP, {concurrency} client(s): {over['rps']} req/s, p50 "
                        f"{over['p50_ms']} ms, p95 {over['p95_ms']} ms, errors {over['errors']}")
                result["queries"].append(row)
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr is not None:
                process.stderr.close()
    emit("api_latency", result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
