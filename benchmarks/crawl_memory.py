"""Memory: peak RSS of a large crawl against the sandbox, and whether it grows with the crawl.

    python benchmarks/crawl_memory.py [--creators 100000] [--time-limit 600]
                                      [--platform P]... [--json FILE]

The sandbox runs in its own process; the measured process is ``scout crawl`` itself (the
command a user types, with ``--snowball-depth 3`` so that the niche holds enough people).
Its RSS is sampled from /proc every ``--interval`` seconds and paired with the crawl's own
progress line (creators accepted and indexed), which gives the RSS curve over the crawl.
The peak is the kernel's high-water mark (VmHWM), read just before the process exits.

When the crawl cannot finish within ``--time-limit`` seconds it is interrupted (SIGINT:
Scrapy's graceful stop, so the index is closed properly) and the curve up to then is
reported as a partial run; the figures say so.

Same-run baseline: the RSS once the crawl has started (the first progress line: code,
plugins, the sandbox's first answers), so the ratio peak / start says how much the crawl
itself added. "Flat" means the RSS of the second half of the crawl grows by less than
10% of the start RSS per 10,000 creators (least-squares slope). The crawl-end passes (niche
pass, persons) run after the crawl, while no progress line is printed; their peak is
reported apart (:func:`crawl_phase`).
Target: peak under 1 GiB.

Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import (
    emit,
    machine_line,
    mib,
    rss_bytes,
    sandbox,
    sandbox_base_url,
    sandbox_platforms,
    say,
)

TARGET_BYTES = 2**30
#: Seconds without a progress line (printed every 5 s) that mark the crawl-end passes.
SILENCE = 15.0
PROGRESS = re.compile(r"crawl: (?P<accepted>\d+)/\d+ creators accepted, (?P<indexed>\d+) indexed")


def world_size(creators: int) -> int:
    """A world whose niche holds comfortably more than ``creators`` reachable people."""
    return min(1_000_000, max(20_000, creators * 10))


def slope_per_10k(points: list[tuple[int, int]]) -> float | None:
    """Least-squares RSS growth in bytes per 10,000 creators over (creators, rss) points."""
    if len(points) < 3:
        return None
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return cov / var * 10_000


def crawl_phase(started: list[dict[str, Any]], accepted: int) -> list[dict[str, Any]]:
    """The samples taken while creators were being crawled, before the crawl-end passes.

    The passes (niche pass, persons) run in the index pipeline's ``close_spider``, which
    blocks the reactor, so the progress lines stop while they run (one more may come after
    them). The crawl phase therefore ends at the last progress line before the longest
    silence of at least :data:`SILENCE` seconds. A crawl too short to show one ends at the
    first sample that reached the highest ``accepted``.
    """
    changes = [0]  # indexes of the samples where a new progress line had arrived
    for i in range(1, len(started)):
        before, now = started[i - 1], started[i]
        if any(now.get(k) != before.get(k) for k in ("lines", "accepted", "indexed")):
            changes.append(i)
    gaps = [(started[b]["t"] - started[a]["t"], a)
            for a, b in zip(changes, changes[1:], strict=False)]
    if started:
        gaps.append((started[-1]["t"] - started[changes[-1]]["t"], changes[-1]))
    longest = max(gaps, default=(0.0, 0))
    if longest[0] >= SILENCE:
        return started[: longest[1] + 1]
    crawling = []
    for sample in started:
        crawling.append(sample)
        if sample["accepted"] >= accepted:
            break
    return crawling


def run(creators: int, platforms: list[str], url: str, folder: Path, interval: float,
        time_limit: float, concurrency: int, niche: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "creatorscout.cli", "crawl", niche,
               "--index", f"sqlite:///{folder / 'index.db'}",
               "--max-creators", str(creators), "--concurrency", str(concurrency),
               "--snowball-depth", "3", "--stats-json", str(folder / "stats.json"),
               "--allow-private-hosts"]  # the sandbox is on 127.0.0.1
    for platform in platforms:
        command += ["--platform", platform,
                    "--base-url", f"{platform}={sandbox_base_url(platform, url)}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True)
    progress = {"accepted": 0, "indexed": 0, "lines": 0}
    stderr_tail: list[str] = []

    def read_progress() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            found = PROGRESS.search(line)
            if found:
                progress["accepted"] = int(found["accepted"])
                progress["indexed"] = int(found["indexed"])
                progress["lines"] += 1
            else:
                stderr_tail.append(line)
                del stderr_tail[:-40]

    reader = threading.Thread(target=read_progress, daemon=True)
    reader.start()
    started = time.monotonic()
    samples: list[dict[str, Any]] = []
    peak = 0
    interrupted = False
    while process.poll() is None:
        now = time.monotonic() - started
        rss = rss_bytes(process.pid)
        if rss is not None:
            peak = max(peak, rss[1])
            samples.append({"t": round(now, 1), "rss": rss[0], **progress})
        if now > time_limit and not interrupted:
            process.send_signal(signal.SIGINT)  # Scrapy stops gracefully, index closed
            interrupted = True
        time.sleep(interval)
    stdout = process.stdout.read() if process.stdout else ""
    reader.join(timeout=5)
    elapsed = time.monotonic() - started
    stats_path = folder / "stats.json"
    if process.returncode not in (0, 1) or not stats_path.exists():
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n"
                           + "".join(stderr_tail)[-3000:] + stdout[-1000:])
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    return {"command": " ".join(command), "samples": samples, "peak": peak,
            "interrupted": interrupted, "seconds": round(elapsed, 1), "stats": stats}


def summarise(outcome: dict[str, Any], creators: int) -> dict[str, Any]:
    samples = outcome["samples"]
    started = [s for s in samples if s["accepted"] > 0]
    # A crawl too short to report progress has no "started" sample; the interpreter's first
    # sample (before imports) would understate the start, so take the last one instead.
    loaded = [s for s in samples if s["rss"]]
    start_rss = started[0]["rss"] if started else (loaded[-1]["rss"] if loaded else 0)
    accepted = max((s["accepted"] for s in samples), default=0)
    stats = outcome["stats"]
    indexed = int(stats.get("creatorscout/indexed", 0))
    crawling = crawl_phase(started, accepted)
    crawl_peak = max((s["rss"] for s in crawling), default=0)
    crawl_end = crawling[-1]["t"] if crawling else float("inf")
    end_peak = max((s["rss"] for s in samples if s["t"] > crawl_end), default=0)
    # the second half of the crawl phase
    half = [(s["accepted"], s["rss"]) for s in crawling
            if accepted and s["accepted"] >= accepted / 2]
    slope = slope_per_10k(half)
    flat = slope is not None and slope < 0.1 * start_rss
    # one point per ~5% of the crawl, for the curve in BENCHMARKS.md
    curve = []
    step = max(1, accepted // 20)
    next_mark = 0
    for sample in started:
        if sample["accepted"] >= next_mark:
            curve.append({"accepted": sample["accepted"], "indexed": sample["indexed"],
                          "t": sample["t"], "rss_mib": round(sample["rss"] / 2**20)})
            next_mark = sample["accepted"] + step
    if samples:
        last = samples[-1]
        curve.append({"accepted": last["accepted"], "indexed": last["indexed"],
                      "t": last["t"], "rss_mib": round(last["rss"] / 2**20), "end": True})
    return {
        "command": outcome["command"],
        "creators_requested": creators,
        "creators_accepted": accepted,
        "creators_indexed": indexed,
        "finished": not outcome["interrupted"] and indexed >= creators,
        "interrupted_after_s": outcome["seconds"] if outcome["interrupted"] else None,
        "seconds": outcome["seconds"],
        "peak_rss_bytes": outcome["peak"],
        "start_rss_bytes": start_rss,
        "ratio_peak_to_start": round(outcome["peak"] / start_rss, 2) if start_rss else None,
        "crawl_phase_peak_rss_bytes": crawl_peak,
        "end_passes_peak_rss_bytes": end_peak,
        "growth_per_10k_creators_bytes": round(slope) if slope is not None else None,
        "flat": flat,
        "target_met": outcome["peak"] < TARGET_BYTES,
        "curve": curve,
        "samples": [[s["t"], s["accepted"], s["indexed"], round(s["rss"] / 2**20, 1),
                     s.get("lines", 0)] for s in samples],
        "samples_columns": ["seconds", "accepted", "indexed", "rss_mib", "progress_lines"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--world", type=int, default=0,
                        help="people in the sandbox (default: 10x creators, 20K-1M)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--niche", default="vegan-cooking")
    parser.add_argument("--platform", action="append", default=[],
                        help="platform to crawl (repeatable; default: all with a dialect)")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--time-limit", type=float, default=600.0,
                        help="interrupt the crawl after this many seconds")
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    options = parser.parse_args(argv)
    if not Path("/proc/self/status").exists():
        raise SystemExit("error: this benchmark reads /proc and runs on Linux only")
    platforms = sandbox_platforms(options.platform)
    world = options.world or world_size(options.creators)
    say(machine_line())
    say(f"crawl memory: {options.creators:,} creators ({', '.join(platforms)}), world of "
        f"{world:,} (seed {options.seed}), time limit {options.time_limit:.0f}s")
    with tempfile.TemporaryDirectory(prefix="cs-bench-memory-") as tmp, \
            sandbox(world, options.seed) as url:
        outcome = run(options.creators, platforms, url, Path(tmp), options.interval,
                      options.time_limit, options.concurrency, options.niche)
    result = summarise(outcome, options.creators)
    for point in result["curve"]:
        say(f"  {point['t']:>7.1f}s  {point['accepted']:>7,} accepted  "
            f"{point['indexed']:>7,} indexed  RSS {point['rss_mib']:>5,} MiB")
    growth = result["growth_per_10k_creators_bytes"]
    state = "finished" if result["finished"] else (
        f"interrupted after {result['interrupted_after_s']}s (partial)"
        if result["interrupted_after_s"] else "ended early")
    say(f"crawl {state}: {result['creators_indexed']:,} creators indexed in "
        f"{result['seconds']}s; peak RSS {mib(result['peak_rss_bytes'])} (start "
        f"{mib(result['start_rss_bytes'])}, ratio {result['ratio_peak_to_start']}; while "
        f"crawling {mib(result['crawl_phase_peak_rss_bytes'])}, crawl-end passes "
        f"{mib(result['end_passes_peak_rss_bytes'])}); growth over the second half of the "
        f"crawl {mib(growth) if growth is not None else '-'} per 10,000 "
        f"creators: {'flat' if result['flat'] else 'GROWING'}; target < 1 GiB: "
        f"{'met' if result['target_met'] else 'NOT met'}")
    emit("crawl_memory", {"world": world, "seed": options.seed, "platforms": platforms,
                          **result}, options.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
