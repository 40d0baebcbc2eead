"""Run one niche crawl: build the platforms, configure Scrapy, collect the stats."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from creatorscout.config import (
    ConfigError,
    load_markers,
    load_scoring,
    load_tiers,
)
from creatorscout.config.schema import Niche
from creatorscout.crawler.addon import CreatorScoutAddon
from creatorscout.crawler.args import CrawlArgs
from creatorscout.crawler.spider import NicheSpider
from creatorscout.plugins.manager import PluginError, PluginHost, get_plugin_manager
from creatorscout.plugins.options import load_checked_niche
from creatorscout.plugins.platform import Platform, PlatformSettings
from creatorscout.scoring import COMPONENTS


class CrawlError(ValueError):
    """A crawl that cannot start; the message says what to fix."""


def check_config() -> None:
    """Load every config file the pipelines need, so mistakes stop the crawl before it
    starts (as one-line ConfigErrors), not on every item."""
    load_tiers()
    load_markers()
    scoring = load_scoring()
    unknown = sorted(set(scoring.weights) - set(COMPONENTS))
    if unknown:
        raise ConfigError(
            f"scoring.yaml: weights.{unknown[0]}: unknown component; "
            f"known components: {', '.join(COMPONENTS)}"
        )


def build_platforms(args: CrawlArgs, niche: Niche, host: PluginHost) -> dict[str, Platform]:
    """Instantiate the requested platforms with this crawl's settings."""
    available = host.platforms()
    names = args.platforms or sorted(available)
    unknown = [name for name in list(names) + list(args.base_urls) if name not in available]
    if unknown:
        known = ", ".join(sorted(available)) or "none"
        raise CrawlError(
            f"unknown platform '{unknown[0]}'; installed platforms: {known} "
            "(see `scout plugins list`)"
        )
    idle = sorted(set(args.base_urls) - set(names))
    if idle:
        raise CrawlError(
            f"--base-url {idle[0]}=...: platform '{idle[0]}' is not crawled "
            f"(--platform {' --platform '.join(names)}); add --platform {idle[0]} or drop "
            "the --base-url, so no platform is crawled live by mistake"
        )
    platforms: dict[str, Platform] = {}
    for name in names:
        cls = available[name]
        settings = PlatformSettings(
            base_url=args.base_urls.get(name),
            max_posts=args.max_posts,
            snowball_depth=args.snowball_depth,
            discovery_pages=args.discovery_pages,
            options=niche.platform_options(name),
        )
        try:
            platforms[name] = cls(settings)
        except Exception as exc:
            raise CrawlError(f"platform '{name}' could not start: {exc}") from exc
    return platforms


def trusted_api_hosts(base_urls: dict[str, str]) -> list[str]:
    """``"platform host[:port]"`` for every base URL the user typed (``--base-url``): that
    platform's API requests there skip the fetch guard (see
    :mod:`creatorscout.crawler.fetchguard`); other platforms' requests are checked. A host
    that is itself a template (``https://{instance}``) is user content, never trusted."""
    hosts = []
    for platform, url in base_urls.items():
        netloc = urlsplit(url).netloc.lower()
        if netloc and "{" not in netloc:
            hosts.append(f"{platform} {netloc}")
    return sorted(set(hosts))


def scrapy_settings(args: CrawlArgs, overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    CreatorScoutAddon().update_settings(settings)
    settings.set("CREATORSCOUT_INDEX", args.index, priority="cmdline")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", args.concurrency, priority="cmdline")
    settings.set("CREATORSCOUT_ALLOW_PRIVATE_HOSTS", args.allow_private_hosts, priority="cmdline")
    settings.set("CREATORSCOUT_TRUSTED_API_HOSTS", trusted_api_hosts(args.base_urls),
                 priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    args: CrawlArgs,
    *,
    host: PluginHost | None = None,
    settings: dict[str, Any] | None = None,
    on_item: Callable[[Any], None] | None = None,
) -> dict[str, Any]:
    """Run the crawl to the end (blocking) and return Scrapy's stats.

    Runs the Twisted reactor, so it can be called once per process; tests and the CLI
    run crawls in their own process.
    """
    host = host or get_plugin_manager()
    for problem in host.errors:
        logging.getLogger("creatorscout").warning("%s", problem)
    # Plugin options are checked with the niche, before any request.
    niche = load_checked_niche(args.niche, host.platforms())
    check_config()
    try:
        platforms = build_platforms(args, niche, host)
    except PluginError as exc:
        raise CrawlError(str(exc)) from exc
    process = CrawlerProcess(scrapy_settings(args, settings))
    crawler = process.create_crawler(NicheSpider)
    if on_item is not None:
        crawler.signals.connect(
            lambda item, **_: on_item(item), signal=signals.item_scraped, weak=False
        )
    process.crawl(
        crawler, niche=niche, platforms=platforms, max_creators=args.max_creators,
        snowball_depth=args.snowball_depth,
    )
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    return dict(stats)
