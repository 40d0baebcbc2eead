"""The creatorscout Scrapy add-on: our defaults at "addon" priority, so a user's own
settings (command line or project) still win."""

from __future__ import annotations

import os

from scrapy.settings import BaseSettings

from creatorscout import __version__
from creatorscout.crawler.journal import MIDDLEWARE_ORDER

PROJECT_URL = "https://github.com/creatorscout/creatorscout"


def user_agent() -> str:
    """A User-Agent that names the project and a contact (``CREATORSCOUT_CONTACT``)."""
    contact = os.environ.get("CREATORSCOUT_CONTACT", PROJECT_URL)
    return f"creatorscout/{__version__} (+{contact})"


class CreatorScoutAddon:
    """Wires our middleware and pipelines into Scrapy with polite defaults."""

    def update_settings(self, settings: BaseSettings) -> None:
        defaults = {
            "USER_AGENT": user_agent(),
            "ROBOTSTXT_OBEY": True,  # API requests opt out per request (API terms govern)
            "CONCURRENT_REQUESTS": 16,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
            "DOWNLOAD_TIMEOUT": 30,
            # 429/503 are handled by PlatformRateLimitMiddleware, which waits first.
            "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
            "RETRY_TIMES": 2,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "REMOTE_CONTROL_ENABLED": False,  # Scrapy 2.19 would open a control port
            "LOG_LEVEL": "INFO",
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
            # Scrapy starts CONCURRENT_ITEMS + 1 asyncio tasks for the output of every
            # response (default 100: ~1.7 ms of CPU per response, a third of a bare spider's
            # time). Our pipelines are synchronous, so more than one gains nothing.
            "CONCURRENT_ITEMS": 1,
            # Request fingerprints on disk, not in a set that grows with the crawl.
            "DUPEFILTER_CLASS": "creatorscout.crawler.dupefilter.DiskDupeFilter",
        }
        for key, value in defaults.items():
            settings.set(key, value, priority="addon")
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares.setdefault("creatorscout.crawler.ratelimit.PlatformRateLimitMiddleware", 560)
        # Before robots.txt (100): a refused host is never contacted, not even for robots.
        middlewares.setdefault("creatorscout.crawler.fetchguard.FetchGuardMiddleware", 50)
        # A job's response journal (crawler/journal.py); idle unless HTTPCACHE_ENABLED.
        middlewares.setdefault("scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
                               MIDDLEWARE_ORDER)
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="addon")
        extensions = settings.getdict("EXTENSIONS")
        extensions.setdefault("creatorscout.crawler.progress.CrawlProgress", 500)
        settings.set("EXTENSIONS", extensions, priority="addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        for order, name in enumerate(
            ("ValidatePipeline", "MergePipeline", "ScorePipeline", "IndexPipeline"), start=1
        ):
            pipelines.setdefault(f"creatorscout.crawler.pipelines.{name}", order * 100)
        settings.set("ITEM_PIPELINES", pipelines, priority="addon")
