"""Request efficiency: HTTP requests per indexed creator, per platform, against the naive
one-request-per-object approach.

    python benchmarks/request_efficiency.py [--creators 500] [--platform P]... [--json FILE]

For each platform the sandbox speaks (or each ``--platform``) this runs the command a user
types, ``scout crawl NICHE --platform P --base-url P=SANDBOX ... --stats-json FILE``, with
the crawl's defaults (40 posts, one snowball hop, three discovery pages), and reads what
the index holds afterwards.

The baseline, counted from the same crawl: a naive crawler that makes the same discovery
requests but then fetches every object on its own, one request per profile and one per
post (``discover + creators + posts``). That is a lower bound for the naive crawler (it
would also fetch the profiles we skipped), so the saving shown is conservative. Batched
endpoints show as profile requests per creator below 1 (Mastodon ``accounts?id[]`` takes
40, Bluesky ``getProfiles`` 25); paged post lists as posts requests per creator well below
the posts per creator.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from _common import (
    emit,
    machine_line,
    niche_order,
    sandbox,
    sandbox_base_url,
    sandbox_platforms,
    say,
)

PURPOSES = ("discover", "profile", "posts", "graph")


def crawl(platform: str, url: str, folder: Path, creators: int, concurrency: int,
          niche: str) -> tuple[list[str], dict[str, Any]]:
    stats_path = folder / "stats.json"
    command = [
        "scout", "crawl", niche, "--platform", platform,
        "--base-url", f"{platform}={sandbox_base_url(platform, url)}",
        "--index", f"sqlite:///{folder / 'index.db'}", "--max-creators", str(creators),
        "--concurrency", str(concurrency), "--stats-json", str(stats_path),
        "--allow-private-hosts",  # the sandbox is on 127.0.0.1
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", *command[1:]],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stderr[-3000:]}")
    return command, json.loads(stats_path.read_text(encoding="utf-8"))


def index_counts(folder: Path, platform: str) -> tuple[int, int]:
    """(creators, posts) of ``platform`` in the crawl's index."""
    from creatorscout.search.backend import open_index

    creators = posts = 0
    with open_index(f"sqlite:///{folder / 'index.db'}", create=False) as index:
        for record in index.iter_records():
            if record.creator.platform == platform:
                creators += 1
                posts += len(record.posts)
    return creators, posts


def measure(platform: str, url: str, creators: int, concurrency: int,
            niches: list[str]) -> dict[str, Any]:
    """Crawl with the first of ``niches`` in which the platform finds anyone (GitHub has
    no vegan cooks; it is for tech niches)."""
    for niche in niches:
        with tempfile.TemporaryDirectory(prefix="cs-bench-requests-") as tmp:
            folder = Path(tmp)
            command, stats = crawl(platform, url, folder, creators, concurrency, niche)
            indexed, posts = index_counts(folder, platform)
        if indexed:
            break
    by_purpose: Counter[str] = Counter()
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 4 and parts[:2] == ["creatorscout", "requests"] and \
                parts[2] == platform:
            by_purpose[parts[3]] += int(value)
    total = int(stats.get("downloader/request_count", 0))
    naive = by_purpose["discover"] + indexed + posts
    per = (lambda n: round(n / indexed, 3)) if indexed else (lambda n: None)
    return {
        "platform": platform,
        "niche": niche,
        "command": " ".join(command),
        "creators_indexed": indexed,
        "posts_indexed": posts,
        "requests": total,
        "requests_by_purpose": dict(by_purpose),
        "requests_per_creator": per(total),
        "per_creator_by_purpose": {p: per(by_purpose[p]) for p in PURPOSES if by_purpose[p]},
        "posts_per_creator": per(posts),
        "naive_requests": naive,
        "naive_per_creator": per(naive),
        "saving": round(naive / total, 1) if total else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=500, help="creators per crawl")
    parser.add_argument("--world", type=int, default=20_000, help="people in the sandbox")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--niche", default="vegan-cooking")
    parser.add_argument("--platform", action="append", default=[],
                        help="platform to measure (repeatable; default: all with a dialect)")
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    options = parser.parse_args(argv)
    platforms = sandbox_platforms(options.platform)
    say(machine_line())
    say(f"request efficiency: {options.creators} creators per platform, world of "
        f"{options.world} (seed {options.seed}), niche {options.niche}")
    results = []
    niches = niche_order(options.niche)
    with sandbox(options.world, options.seed) as url:
        for platform in platforms:
            result = measure(platform, url, options.creators, options.concurrency, niches)
            results.append(result)
            if not result["creators_indexed"]:
                say(f"{platform}: no creator indexed in any niche ({', '.join(niches)})")
                continue
            parts = ", ".join(f"{p} {v}" for p, v in result["per_creator_by_purpose"].items())
            say(f"{platform} ({result['niche']}): {result['creators_indexed']} creators, "
                f"{result['posts_indexed']} posts indexed with {result['requests']} requests: "
                f"{result['requests_per_creator']} per creator ({parts}); naive one request "
                f"per object: {result['naive_per_creator']} per creator "
                f"({result['saving']}x more)")
    emit("request_efficiency", {"creators": options.creators, "world": options.world,
                                "seed": options.seed, "niche": options.niche,
                                "platforms": results}, options.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
