"""``make demo``: start the sandbox, crawl "vegan-cooking" on Mastodon into an embedded
index, print the top creators. Offline, reproducible (seeded world)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from creatorscout.sandbox.server import start_sandbox_process

NICHE = "vegan-cooking"


def _scout(*args: str) -> None:
    command = [sys.executable, "-m", "creatorscout.crawler.cli", *args]
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def main() -> None:
    index_path = Path(os.environ.get("CREATORSCOUT_DEMO_INDEX", "demo.db")).resolve()
    index = f"sqlite:///{index_path}"
    creators = os.environ.get("CREATORSCOUT_DEMO_CREATORS", "2000")
    with start_sandbox_process(creators=int(creators), seed=42) as url:
        print(f"sandbox running at {url} ({creators} synthetic creators, seed 42)", flush=True)
        _scout(
            "crawl", NICHE, "--platform", "mastodon", "--max-creators", "150",
            "--base-url", f"mastodon={url}/mastodon/{{instance}}", "--index", index,
            "--concurrency", "8",
        )
    print(f"\nTop creators in '{NICHE}' (index: {index_path}):\n", flush=True)
    _scout("search", "--niche", NICHE, "--limit", "15", "--index", index)
    print("\nTry: scout search \"plant based\" --niche vegan-cooking --tier micro "
          f"--min-er 2 --index {index}")


if __name__ == "__main__":
    main()
