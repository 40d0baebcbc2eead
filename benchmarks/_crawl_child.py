"""One crawl in its own process, for the crawl benchmarks (the Twisted reactor runs once per
process). Not meant to be run by hand; the benchmark scripts call it.

``python benchmarks/_crawl_child.py full SPEC.json``
    The real crawl (``run_crawl``: discover, profile, posts, parse, score, index), with an
    extension that records every response's URL and download slot. Writes the stats and
    the URL list to the files the spec names.

``python benchmarks/_crawl_child.py bare SPEC.json``
    The baseline: a bare Scrapy spider that requests the recorded URLs (same download
    slots, same engine settings: concurrency, reactor, timeouts) and only decodes the JSON
    (or, for feeds and pages, the text).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Request, Response


class CpuClock:
    """Puts the process CPU seconds between spider open and close in the stats, so the
    two sides can be compared by CPU as well as by wall time (robust on a busy machine)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = 0.0
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CpuClock:
        return cls(crawler)

    def opened(self) -> None:
        self.started = time.process_time()

    def closed(self) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("bench/cpu_seconds", time.process_time() - self.started)


class UrlRecorder:
    """Writes ``{"url", "slot", "status"}`` for every response, as JSON lines."""

    path: str = ""

    def __init__(self, crawler: Crawler) -> None:
        self.out: IO[str] = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 - closed
        crawler.signals.connect(self.received, signal=signals.response_received)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlRecorder:
        return cls(crawler)

    def received(self, response: Response, request: Request) -> None:
        record = {"url": request.url, "slot": request.meta.get("download_slot"),
                  "status": response.status}
        self.out.write(json.dumps(record) + "\n")

    def closed(self) -> None:
        self.out.close()


class BareSpider(scrapy.Spider):
    """Requests a fixed list of URLs and decodes each body as JSON. Nothing else."""

    name = "bare"

    def __init__(self, urls: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.decoded = 0

    async def start(self) -> AsyncIterator[Any]:
        for entry in self.urls:
            meta = {"handle_httpstatus_all": True}
            if entry.get("slot"):
                meta["download_slot"] = entry["slot"]
            yield scrapy.Request(entry["url"], dont_filter=True, meta=meta)

    def parse(self, response: Response, **kwargs: Any) -> None:
        try:
            json.loads(response.body)
        except ValueError:  # feeds and web pages: decoding the text is the equivalent
            response.body.decode("utf-8", "replace")
        self.decoded += 1


def _numbers(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}


def full(spec: dict[str, Any]) -> None:
    from creatorscout.crawler.args import CrawlArgs
    from creatorscout.crawler.run import run_crawl, scrapy_settings

    UrlRecorder.path = spec["urls"]
    args = CrawlArgs(**spec["args"])
    extensions = scrapy_settings(args).getdict("EXTENSIONS")
    extensions[UrlRecorder] = 0
    extensions[CpuClock] = 0
    settings = {"LOG_LEVEL": "WARNING", "CREATORSCOUT_PROGRESS_INTERVAL": 0,
                "EXTENSIONS": extensions, **spec.get("settings", {})}
    stats = run_crawl(args, settings=settings)
    Path(spec["stats"]).write_text(json.dumps(_numbers(stats)), encoding="utf-8")


def bare(spec: dict[str, Any]) -> None:
    from creatorscout.crawler.args import CrawlArgs
    from creatorscout.crawler.run import scrapy_settings

    lines = Path(spec["urls"]).read_text(encoding="utf-8").splitlines()
    urls = [json.loads(line) for line in lines if line.strip()]
    # The crawl's own engine settings (concurrency, reactor, timeouts, user agent), without
    # our pipelines, middleware and extensions.
    settings = scrapy_settings(CrawlArgs(**spec["args"]), {
        "ITEM_PIPELINES": {}, "DOWNLOADER_MIDDLEWARES": {}, "EXTENSIONS": {CpuClock: 0},
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", **spec.get("settings", {}),
    })
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    spider = crawler.spider
    result = {**_numbers(stats), "bare/decoded": getattr(spider, "decoded", 0),
              "bare/urls": len(urls)}
    Path(spec["stats"]).write_text(json.dumps(result), encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("full", "bare"):
        print("usage: _crawl_child.py full|bare SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    (full if argv[0] == "full" else bare)(spec)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
