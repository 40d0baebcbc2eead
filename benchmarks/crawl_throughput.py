"""Crawl throughput: creators fully processed per second against the sandbox, compared in
the same run with a bare Scrapy spider that requests the same URLs and only decodes JSON.

    python benchmarks/crawl_throughput.py [--creators 2000] [--concurrency 8] [--repeat 2]
                                          [--platform P]... [--json FILE]

For each platform the sandbox speaks (or each ``--platform``): start the sandbox in its own
process, run the real crawl (discover, profile, posts, parse, score, index into a fresh
SQLite file) in a child process, recording every URL it fetched; then run the bare spider
over exactly those URLs with the same engine settings. Both times are Scrapy's own
``elapsed_time_seconds`` (engine open to close; process start-up excluded). With
``--repeat`` the best time of each side counts.

Target: the crawl reaches at least 0.8 of the bare spider's creators per second. The CPU
seconds each side's crawler process spent between spider open and close are printed too:
their ratio is steadier than wall time on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from _common import (
    emit,
    machine_line,
    niche_order,
    python_child,
    sandbox,
    sandbox_base_url,
    sandbox_platforms,
    say,
)

TARGET = 0.8


def world_size(creators: int) -> int:
    """A world big enough that the niche has well over ``creators`` reachable people."""
    return min(1_000_000, max(20_000, creators * 12))


def crawl_args(platform: str, url: str, folder: Path, creators: int, concurrency: int,
               niche: str) -> dict[str, Any]:
    return {
        "niche": niche,
        "platforms": [platform],
        "max_creators": creators,
        "index": f"sqlite:///{folder / 'index.db'}",
        "base_urls": {platform: sandbox_base_url(platform, url)},
        "concurrency": concurrency,
        "snowball_depth": 3,
        "allow_private_hosts": True,  # the sandbox is on 127.0.0.1 (web pages, feeds)
    }


def run_side(mode: str, spec: dict[str, Any], folder: Path) -> dict[str, Any]:
    spec_path = folder / f"{mode}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    python_child("_crawl_child.py", mode, str(spec_path))
    stats: dict[str, Any] = json.loads(Path(spec["stats"]).read_text(encoding="utf-8"))
    return stats


def run_pair(platform: str, world: int, seed: int, creators: int, concurrency: int,
             niche: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """One crawl and one bare run over its URLs. Each side gets a freshly started sandbox:
    a sandbox that has already served a URL answers it faster (its caches are warm), which
    would flatter whichever side ran second."""
    with tempfile.TemporaryDirectory(prefix="cs-bench-crawl-") as tmp:
        folder = Path(tmp)
        urls = folder / "urls.jsonl"
        with sandbox(world, seed) as url:
            args = crawl_args(platform, url, folder, creators, concurrency, niche)
            full = run_side("full", {"args": args, "urls": str(urls),
                                     "stats": str(folder / "full-stats.json")}, folder)
        if not full.get("creatorscout/indexed"):
            return full, {}
        with sandbox(world, seed) as fresh:
            # same world, new port: point the recorded URLs at the fresh sandbox
            urls.write_text(urls.read_text(encoding="utf-8").replace(url, fresh),
                            encoding="utf-8")
            args = crawl_args(platform, fresh, folder, creators, concurrency, niche)
            bare = run_side("bare", {"args": args, "urls": str(urls),
                                     "stats": str(folder / "bare-stats.json")}, folder)
    return full, bare


def measure(platform: str, world: int, seed: int, creators: int, concurrency: int,
            repeat: int, niches: list[str]) -> dict[str, Any] | None:
    """Best of ``repeat`` runs of each side, in the first niche where the platform indexes
    anyone; ``None`` when it indexes nobody in any niche."""
    best_full: dict[str, Any] | None = None
    best_bare: dict[str, Any] | None = None
    niche = niches[0]
    for niche in niches:
        full, bare = run_pair(platform, world, seed, creators, concurrency, niche)
        if bare:
            break
    else:
        return None
    for attempt in range(repeat):
        if attempt:
            full, bare = run_pair(platform, world, seed, creators, concurrency, niche)
        say(f"  run {attempt + 1}/{repeat} ({niche}): crawl "
            f"{full['elapsed_time_seconds']:.2f}s, bare {bare['elapsed_time_seconds']:.2f}s "
            f"({full.get('downloader/request_count', 0)} requests)")
        if best_full is None or full["elapsed_time_seconds"] < best_full["elapsed_time_seconds"]:
            best_full = full
        if best_bare is None or bare["elapsed_time_seconds"] < best_bare["elapsed_time_seconds"]:
            best_bare = bare
    assert best_full is not None and best_bare is not None
    indexed = int(best_full.get("creatorscout/indexed", 0))
    requests = int(best_full.get("downloader/request_count", 0))
    full_s = float(best_full["elapsed_time_seconds"])
    bare_s = float(best_bare["elapsed_time_seconds"])
    crawl_rate = indexed / full_s if full_s else 0.0
    bare_rate = indexed / bare_s if bare_s else 0.0
    ratio = crawl_rate / bare_rate if bare_rate else 0.0
    full_cpu = float(best_full.get("bench/cpu_seconds", 0.0))
    bare_cpu = float(best_bare.get("bench/cpu_seconds", 0.0))
    return {
        "platform": platform,
        "niche": niche,
        "creators_indexed": indexed,
        "requests": requests,
        "bare_requests": int(best_bare.get("downloader/request_count", 0)),
        "bare_decoded": int(best_bare.get("bare/decoded", 0)),
        "crawl_seconds": round(full_s, 3),
        "bare_seconds": round(bare_s, 3),
        "crawl_creators_per_s": round(crawl_rate, 2),
        "bare_creators_per_s": round(bare_rate, 2),
        "crawl_requests_per_s": round(requests / full_s, 1) if full_s else 0.0,
        "bare_requests_per_s": round(requests / bare_s, 1) if bare_s else 0.0,
        "crawl_cpu_ms_per_creator": round(1000 * full_cpu / indexed, 2) if indexed else None,
        "bare_cpu_ms_per_creator": round(1000 * bare_cpu / indexed, 2) if indexed else None,
        "cpu_ratio": round(bare_cpu / full_cpu, 3) if full_cpu else None,
        "ratio": round(ratio, 3),
        "target": TARGET,
        "met": ratio >= TARGET,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=2000, help="creators per crawl")
    parser.add_argument("--world", type=int, default=0,
                        help="people in the sandbox world (default: 12x creators, >= 20000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8, help="requests at once per host")
    parser.add_argument("--repeat", type=int, default=2, help="runs per side; the best counts")
    parser.add_argument("--niche", default="vegan-cooking")
    parser.add_argument("--platform", action="append", default=[],
                        help="platform to measure (repeatable; default: all with a dialect)")
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    options = parser.parse_args(argv)
    platforms = sandbox_platforms(options.platform)
    world = options.world or world_size(options.creators)
    say(machine_line())
    say(f"crawl throughput: {options.creators} creators per crawl, world of {world} "
        f"(seed {options.seed}), concurrency {options.concurrency}, niche {options.niche}")
    results = []
    for platform in platforms:
        say(f"{platform}:")
        result = measure(platform, world, options.seed, options.creators, options.concurrency,
                         options.repeat, niche_order(options.niche))
        if result is None:
            say("  indexed nobody in any shipped niche: not measured")
            continue
        results.append(result)
        verdict = "met" if result["met"] else "NOT met"
        say(f"  crawler CPU per creator: crawl {result['crawl_cpu_ms_per_creator']} ms, "
            f"bare {result['bare_cpu_ms_per_creator']} ms (CPU ratio "
            f"{result['cpu_ratio']})")
        say(f"  crawl {result['crawl_creators_per_s']:.1f} creators/s "
            f"({result['crawl_requests_per_s']:.0f} requests/s), bare spider "
            f"{result['bare_creators_per_s']:.1f} creators/s "
            f"({result['bare_requests_per_s']:.0f} requests/s): ratio "
            f"{result['ratio']:.2f} (target >= {TARGET}: {verdict})")
    emit("crawl_throughput", {
        "creators": options.creators, "world": world, "seed": options.seed,
        "concurrency": options.concurrency, "repeat": options.repeat, "niche": options.niche,
        "platforms": results,
    }, options.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
