"""``make demo``: start the sandbox, crawl "vegan-cooking" on every keyless platform
(Mastodon, Bluesky, PeerTube, GitHub, podcasts, websites) into an embedded index, print the
top creators. Offline, reproducible (seeded world)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from creatorscout.sandbox.server import start_sandbox_process

NICHE = "vegan-cooking"


def sandbox_base_urls(url: str) -> dict[str, str]:
    """Every keyless platform, pointed at the sandbox's dialect for it."""
    return {
        "mastodon": f"{url}/mastodon/{{instance}}",
        "bluesky": f"{url}/bluesky",
        "peertube": f"{url}/peertube/{{instance}}",
        "github": f"{url}/github",
        "podcasts": f"{url}/web/{{host}}",
        "web": f"{url}/web/{{host}}",
    }


def _scout(*args: str) -> None:
    command = [sys.executable, "-m", "creatorscout.cli", *args]
    completed = subprocess.run(command, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def main() -> None:
    index_path = Path(os.environ.get("CREATORSCOUT_DEMO_INDEX", "demo.db")).resolve()
    index = f"sqlite:///{index_path}"
    creators = os.environ.get("CREATORSCOUT_DEMO_CREATORS", "2000")
    with start_sandbox_process(creators=int(creators), seed=42) as url:
        print(f"sandbox running at {url} ({creators} synthetic creators, seed 42)", flush=True)
        base_urls = sandbox_base_urls(url)
        args = ["crawl", NICHE, "--max-creators", "200", "--index", index, "--concurrency", "8",
                # the sandbox lives on 127.0.0.1; nothing but the sandbox needs this
                "--allow-private-hosts"]
        for platform, base in base_urls.items():
            args += ["--platform", platform, "--base-url", f"{platform}={base}"]
        _scout(*args)
    print(f"\nTop creators in '{NICHE}' (index: {index_path}):\n", flush=True)
    _scout("search", "--niche", NICHE, "--limit", "15", "--index", index)
    print("\nTry: scout search \"plant based\" --niche vegan-cooking --tier micro "
          f"--min-er 2 --index {index}")
    print(f"\nOpen the web page: make serve (or: scout serve --index {index}), then "
          "http://127.0.0.1:8000/")


if __name__ == "__main__":
    main()
