"""Shared crawls: creators per second with 1, 2, 4, 8 workers, and a resumed crawl.

    python benchmarks/crawl_workers.py [--latency-ms 100] [--creators 1500]
        [--max-creators 150] [--workers 1 2 4 8] [--redis redis://127.0.0.1:6379/9]
        [--json FILE]

For each worker count: ``scout crawl NICHE --frontier URL`` plus N-1 ``scout worker``
processes against ``scout sandbox --latency-ms N`` (every answer delayed, as a network
would), one embedded index. Measured: wall time until every process has ended, creators
indexed, creators per second, CPU seconds (user + system of every process) per creator,
and Redis commands per creator (``INFO stats`` ``total_commands_processed``).

Then the same crawl on one machine without a frontier, uninterrupted, and killed with
SIGKILL half-way and run again (a resumable job): requests, wall time and CPU of both.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit, machine_line, say

from creatorscout.sandbox.process import start_sandbox_process

NICHE = "vegan-cooking"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _scout(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "creatorscout.cli", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _indexed(index: Path) -> int:
    from creatorscout.search.backend import open_index

    with open_index(f"sqlite:///{index}", create=False) as opened:
        return opened.stats().records


def crawl_args(url: str, index: Path, max_creators: int) -> list[str]:
    return ["crawl", NICHE, "--platform", "mastodon", "--max-creators", str(max_creators),
            "--base-url", f"mastodon={url}/mastodon/{{instance}}", "--index", f"sqlite:///{index}"]


def run_shared(url: str, redis_url: str, workers: int, folder: Path,
               max_creators: int) -> dict[str, Any]:
    from redis import Redis

    server = Redis.from_url(redis_url)
    server.flushdb()
    commands = int(server.info("stats")["total_commands_processed"])
    index = folder / f"shared{workers}.db"
    cpu = _children_cpu()
    started = time.perf_counter()
    processes = [_scout(*crawl_args(url, index, max_creators), "--frontier", redis_url)]
    processes += [_scout("worker", "--frontier", redis_url, "--wait", "60")
                  for _ in range(workers - 1)]
    codes = [p.wait(timeout=3600) for p in processes]
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    commands = int(server.info("stats")["total_commands_processed"]) - commands
    creators = _indexed(index)
    return {"workers": workers, "exit_codes": codes, "creators": creators,
            "seconds": round(wall, 2), "creators_per_second": round(creators / wall, 2),
            "cpu_ms_per_creator": round(1000 * cpu / max(creators, 1), 1),
            "redis_commands_per_creator": round(commands / max(creators, 1), 1)}


def run_resumed(url: str, folder: Path, max_creators: int) -> dict[str, Any]:
    """One machine: an uninterrupted job, and one killed half-way then run again."""
    import json

    out: dict[str, Any] = {}
    for name in ("uninterrupted", "resumed"):
        index = folder / f"{name}.db"
        args = [*crawl_args(url, index, max_creators), "--job", str(folder / name),
                "--stats-json", str(folder / f"{name}.json")]
        cpu = _children_cpu()
        started = time.perf_counter()
        if name == "resumed":
            first = _scout(*args)
            time.sleep(out["uninterrupted"]["seconds"] / 2)
            first.kill()
            first.wait()
        code = _scout(*args).wait(timeout=3600)
        wall = time.perf_counter() - started
        stats = json.loads((folder / f"{name}.json").read_text())
        out[name] = {"exit_code": code, "creators": _indexed(index), "seconds": round(wall, 2),
                     "cpu_seconds": round(_children_cpu() - cpu, 2),
                     "requests_last_run": stats.get("downloader/request_count", 0),
                     "replayed": stats.get("httpcache/hit", 0)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--creators", type=int, default=1500)
    parser.add_argument("--max-creators", type=int, default=150)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--json", default=None)
    options = parser.parse_args()
    say(machine_line())
    result: dict[str, Any] = {"latency_ms": options.latency_ms, "shared": []}
    with tempfile.TemporaryDirectory() as tmp, start_sandbox_process(
        creators=options.creators, seed=42, latency_ms=options.latency_ms
    ) as url:
        folder = Path(tmp)
        for workers in options.workers:
            row = run_shared(url, options.redis, workers, folder, options.max_creators)
            say(f"{workers} workers: {row}")
            result["shared"].append(row)
        result["one_machine"] = run_resumed(url, folder, options.max_creators)
        say(f"one machine: {result['one_machine']}")
    emit("crawl_workers", result, options.json)


if __name__ == "__main__":
    main()
