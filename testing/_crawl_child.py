"""The child side of :func:`creatorscout.testing.run_crawl_in_child` (one crawl, then exit).

``python -m creatorscout.testing._crawl_child SPEC.json``: restores the parent's
``sys.path``, runs the crawl with the plugins the entry points offer, and writes every
scored item as a JSON line, the stats as JSON and the log to the files the spec names.
Exit codes follow ``scout crawl``: 2 when the crawl cannot start, 1 on a failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    for entry in reversed(spec["sys_path"]):
        if entry not in sys.path:
            sys.path.insert(0, entry)

    from creatorscout.config import ConfigError
    from creatorscout.crawler.args import CrawlArgs
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.crawler.summary import broken_platforms

    items = open(spec["items"], "w", encoding="utf-8")  # noqa: SIM115 - closed below

    def on_item(item: Any) -> None:
        dump = getattr(item, "model_dump_json", None)
        if dump is not None:
            items.write(dump() + "\n")
            items.flush()

    settings = {**spec["settings"], "LOG_FILE": spec["log"], "LOG_LEVEL": "DEBUG"}
    try:
        stats = run_crawl(CrawlArgs(**spec["args"]), settings=settings, on_item=on_item)
    except (CrawlError, ConfigError) as exc:
        print(f"scout: error: {exc}", file=sys.stderr)
        return 2
    finally:
        items.close()
    Path(spec["stats"]).write_text(json.dumps(stats, default=str), encoding="utf-8")
    broken = broken_platforms(stats)
    if broken:
        print(f"scout: error: {'; '.join(broken)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
