"""The process a crawl started over HTTP runs in: ``python -m creatorscout.api.crawl_child
ARGS_JSON``, where ARGS_JSON is a :class:`CrawlArgs` document.

It runs the crawl exactly as ``scout crawl`` does (Scrapy's reactor runs once per process,
which is why every crawl gets its own) and reports on stdout as JSON lines, one event per
line, for :class:`creatorscout.api.crawls.CrawlManager` to read:

* ``{"event": "progress", "counters": {...}}`` every ``CREATORSCOUT_API_PROGRESS_INTERVAL``
  seconds and when the spider closes;
* ``{"event": "finished", "finish_reason": ..., "summary": ..., "counters": {...}}`` at the
  end, or ``{"event": "failed", "error": ...}`` when the crawl could not run.

SIGINT stops it cleanly (Scrapy finishes what is in flight; the niche pass and the index
still run), like Ctrl-C on ``scout crawl``.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from creatorscout.crawler.progress import CrawlProgress

INTERVAL_SETTING = "CREATORSCOUT_API_PROGRESS_INTERVAL"
_stop_requested = threading.Event()
"""SIGINT before Scrapy installed its own handler (the process was still starting)."""


def _early_stop(_signum: int, _frame: FrameType | None) -> None:
    _stop_requested.set()


def emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event, default=str) + "\n")
    sys.stdout.flush()


def counters(crawler: Crawler, started: float) -> dict[str, Any]:
    """The counts ``scout crawl`` prints on its progress line."""
    stats: dict[str, Any] = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    return {
        "accepted": int(getattr(spider, "accepted", 0)),
        "budget": int(getattr(spider, "max_creators", 0)),
        "indexed": int(stats.get("creatorscout/indexed", 0)),
        "skipped": int(sum(v for k, v in stats.items() if k.startswith("creatorscout/skipped/"))),
        "requests": int(stats.get("downloader/request_count", 0)),
        "elapsed": round(time.monotonic() - started, 1),
    }


class JsonProgress(CrawlProgress):
    """The CLI's progress line as a JSON event on stdout."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonProgress:
        interval = crawler.settings.getfloat(INTERVAL_SETTING, 0)
        if interval <= 0:
            raise NotConfigured(f"{INTERVAL_SETTING} is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        super().opened()
        if _stop_requested.is_set():  # asked to stop while starting: stop now, cleanly
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(self.crawler.stop_async())

    def closed(self, reason: str = "") -> None:
        super().closed(reason)
        self.report()

    def report(self) -> None:
        emit({"event": "progress", "counters": counters(self.crawler, self.started)})


def main(argv: list[str]) -> int:
    from creatorscout.config import ConfigError
    from creatorscout.crawler.args import CrawlArgs
    from creatorscout.crawler.run import CrawlError, run_crawl
    from creatorscout.crawler.summary import crawl_counts, format_summary

    signal.signal(signal.SIGINT, _early_stop)
    interval = float(argv[2]) if len(argv) > 2 else 1.0
    try:
        args = CrawlArgs.model_validate_json(argv[1])
        started = time.monotonic()
        stats = run_crawl(args, settings={
            "LOG_LEVEL": "WARNING",
            "EXTENSIONS": {
                "creatorscout.crawler.progress.CrawlProgress": 500,
                "creatorscout.api.crawl_child.JsonProgress": 510,
            },
            INTERVAL_SETTING: interval,
        })
    except (CrawlError, ConfigError, ValueError) as exc:
        emit({"event": "failed", "error": str(exc).splitlines()[0]})
        return 1
    counts = crawl_counts(stats)
    emit({
        "event": "finished",
        "finish_reason": stats.get("finish_reason", "finished"),
        "summary": format_summary(stats, niche=args.niche),
        "counters": {
            "indexed": sum(counts.get("indexed", {}).values()),
            "skipped": sum(counts.get("skipped", {}).values()),
            "requests": int(stats.get("downloader/request_count", 0)),
            "elapsed": round(time.monotonic() - started, 1),
        },
    })
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
