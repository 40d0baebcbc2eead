"""``make demo``: start the sandbox, crawl "vegan-cooking" on every platform (Mastodon,
Bluesky, PeerTube, GitHub, podcasts, websites, and YouTube, Reddit and Twitch with sandbox keys
the demo sets itself) into an embedded index, print the top creators and a search to try next.

Offline and repeatable: the world is seeded, the index is made fresh on every run (the
old ``demo.db`` is replaced, never added to), and the crawl reads every creator the
niche's discovery finds in the sandbox (no budget cut, no snowballing), so which creators
are kept, and from where, does not depend on the order in which the responses came back:
the same seed gives the same index. (A budget or snowballing makes a crawl depend on that
order: who is found first, and how many hops away, decides who is kept.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from creatorscout.sandbox.server import start_sandbox_process

NICHE = "vegan-cooking"
SEED = 42
#: Above what the niche's discovery finds in the demo world: the crawl is never cut short,
#: so its result is the same whatever the arrival order.
MAX_CREATORS = 5000
#: Searches offered as "Try:", the most specific first; the first that finds creators in
#: this index is printed (checked, so the suggestion never comes back empty).
SUGGESTIONS: tuple[tuple[str, ...], ...] = (
    ("plant based", "--tier", "micro", "--min-er", "2"),
    ("plant based", "--tier", "nano"),
    ("vegan", "--role", "connector"),
    ("vegan",),
)


#: Keys for the platforms that need one: the sandbox accepts any, and the demo never sends
#: the user's real keys (from the environment) anywhere.
SANDBOX_KEYS = {"YOUTUBE_API_KEY": "sandbox-demo-key", "REDDIT_CLIENT_ID": "sandbox-demo",
                "REDDIT_CLIENT_SECRET": "sandbox-demo-secret", "TWITCH_CLIENT_ID": "sandbox-demo",
                "TWITCH_CLIENT_SECRET": "sandbox-demo-secret",
                # the sandbox takes any token starting "user-" as a user access token
                "TWITCH_USER_TOKEN": "user-sandbox-demo"}


def sandbox_base_urls(url: str) -> dict[str, str]:
    """Every platform, pointed at the sandbox's dialect for it."""
    return {
        "mastodon": f"{url}/mastodon/{{instance}}",
        "bluesky": f"{url}/bluesky",
        "peertube": f"{url}/peertube/{{instance}}",
        "github": f"{url}/github",
        "podcasts": f"{url}/web/{{host}}",
        "web": f"{url}/web/{{host}}",
        "youtube": f"{url}/youtube",
        "reddit": f"{url}/reddit",
        "twitch": f"{url}/twitch",
    }


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "creatorscout.cli", *args]


def _scout(*args: str) -> None:
    completed = subprocess.run(_command(*args), check=False,
                               env={**os.environ, **SANDBOX_KEYS})
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def _fresh(index_path: Path) -> None:
    """Remove the previous demo index (and SQLite's WAL and shared-memory files)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{index_path}{suffix}").unlink(missing_ok=True)


def suggestion(index: str) -> str | None:
    """The first of :data:`SUGGESTIONS` that finds creators in ``index``, as a command."""
    for query, *filters in SUGGESTIONS:
        args = ["search", query, "--niche", NICHE, *filters, "--index", index]
        found = subprocess.run(_command(*args, "--format", "json", "--limit", "1"),
                               capture_output=True, text=True, check=False)
        try:
            total = json.loads(found.stdout)["total"] if found.returncode == 0 else 0
        except (json.JSONDecodeError, KeyError, TypeError):
            total = 0
        if total:
            shown = " ".join(f'"{a}"' if " " in a else a for a in args)
            return f"scout {shown}"
    return None


def main() -> None:
    index_path = Path(os.environ.get("CREATORSCOUT_DEMO_INDEX", "demo.db")).resolve()
    index = f"sqlite:///{index_path}"
    creators = os.environ.get("CREATORSCOUT_DEMO_CREATORS", "2000")
    _fresh(index_path)
    with start_sandbox_process(creators=int(creators), seed=SEED) as url:
        print(f"sandbox running at {url} ({creators} synthetic creators, seed {SEED}); "
              f"fresh index {index_path}", flush=True)
        base_urls = sandbox_base_urls(url)
        args = ["crawl", NICHE, "--max-creators", str(MAX_CREATORS), "--index", index,
                "--snowball-depth", "0", "--concurrency", "8",
                # the sandbox lives on 127.0.0.1; nothing but the sandbox needs this
                "--allow-private-hosts"]
        for platform, base in base_urls.items():
            args += ["--platform", platform, "--base-url", f"{platform}={base}"]
        _scout(*args)
    print(f"\nTop creators in '{NICHE}' (index: {index_path}):\n", flush=True)
    _scout("search", "--niche", NICHE, "--limit", "15", "--index", index)
    tip = suggestion(index)
    if tip is not None:
        print(f"\nTry: {tip}")
    print(f"\nOpen the web page: make serve (or: scout serve --index {index}), then "
          "http://127.0.0.1:8000/")


if __name__ == "__main__":
    main()
