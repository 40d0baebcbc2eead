"""The fetch guard: a downloader middleware that refuses loopback, private, link-local and
metadata addresses (the policy is :mod:`creatorscout.plugins.fetchguard`).

It runs before every other downloader middleware (priority 50, before robots.txt at 100),
for every request that reaches the downloader: discovery, profiles, posts, robots.txt and
every redirect hop (Scrapy's RedirectMiddleware schedules the next hop as a new request,
which comes through here again; plugins that follow redirects themselves do the same).
The host name is resolved with ``socket.getaddrinfo`` in a worker thread (the reactor is
not blocked) and *every* address it resolves to must be allowed; a name that does not
resolve is refused too (fail closed). Results are cached per host for
``CREATORSCOUT_FETCH_GUARD_TTL`` seconds (default 60).

Settings:

* ``CREATORSCOUT_ALLOW_PRIVATE_HOSTS`` (``scout crawl --allow-private-hosts``): allow
  loopback and private addresses (the sandbox on 127.0.0.1 needs it). Metadata endpoints
  stay refused.
* ``CREATORSCOUT_TRUSTED_API_HOSTS``: ``"platform host:port"`` values the user configured
  as API base URLs (``--base-url platform=URL``). That platform's API requests
  (``FetchRequest.api``) to exactly these are not checked: the user chose them. Another
  platform's requests there, and web pages and feeds, are always checked. (A bare
  ``host:port`` trusts the host for every platform.)

Only ``http`` and ``https`` are fetched: a ``file:``, ``ftp:`` or ``gopher:`` URL from user
content is refused whatever its host.
* ``CREATORSCOUT_FETCH_GUARD_ENABLED`` (default true).

Known limit: Twisted resolves the name again when it connects, so a DNS server that
answers with a public address to us and a private one a moment later (DNS rebinding with
a zero TTL) is not caught here.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import NoReturn
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from creatorscout.plugins.fetchguard import address_refusal, host_refusal, parse_address
from creatorscout.plugins.platform import FetchRequest

logger = logging.getLogger(__name__)


class PrivateHostRefused(IgnoreRequest):
    """The request's host is (or resolves to) an address the crawl must not reach."""


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


class FetchGuardMiddleware:
    """Refuse requests to addresses user content must not make us reach."""

    def __init__(self, crawler: Crawler, allow_private: bool,
                 trusted: set[tuple[str, str]], ttl: float) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.trusted = trusted
        self.ttl = ttl
        self._cache: dict[tuple[str, int], tuple[float, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchGuardMiddleware:
        settings = crawler.settings
        if not settings.getbool("CREATORSCOUT_FETCH_GUARD_ENABLED", True):
            raise NotConfigured("CREATORSCOUT_FETCH_GUARD_ENABLED is off")
        trusted = set()
        for entry in settings.getlist("CREATORSCOUT_TRUSTED_API_HOSTS"):
            platform, _, host = entry.lower().rpartition(" ")
            trusted.add((platform or "*", host))
        return cls(
            crawler,
            allow_private=settings.getbool("CREATORSCOUT_ALLOW_PRIVATE_HOSTS", False),
            trusted=trusted,
            ttl=settings.getfloat("CREATORSCOUT_FETCH_GUARD_TTL", 60.0),
        )

    def _trusted(self, request: Request, netloc: str) -> bool:
        fetch = request.meta.get("fetch")
        if not isinstance(fetch, FetchRequest) or not fetch.api:
            return False
        return (fetch.platform.lower(), netloc) in self.trusted or ("*", netloc) in self.trusted

    async def process_request(self, request: Request) -> None:
        try:
            parts = urlsplit(request.url)
        except ValueError:
            self._refuse(request, "malformed URL")
        if parts.scheme.lower() not in ("http", "https"):
            self._refuse(request, f"scheme {parts.scheme or 'none'} is not fetched")
        host = (parts.hostname or "").lower()
        try:
            port = parts.port or _default_port(parts.scheme)
        except ValueError:
            self._refuse(request, "malformed port")
        netloc = f"{host}:{port}" if parts.port else host
        if self._trusted(request, parts.netloc.lower()) or self._trusted(request, netloc):
            return None
        reason = host_refusal(host, allow_private=self.allow_private)
        if reason is None and parse_address(host) is None:
            reason = await self._resolved_refusal(host, port)
        if reason is not None:
            self._refuse(request, reason)
        return None

    async def _resolved_refusal(self, host: str, port: int) -> str | None:
        key = (host, port)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            infos = await asyncio.to_thread(
                socket.getaddrinfo, host, port, type=socket.SOCK_STREAM
            )
        except (OSError, UnicodeError) as exc:
            reason: str | None = f"does not resolve ({type(exc).__name__})"
        else:
            reason = None
            for info in infos:
                address = parse_address(str(info[4][0]))
                if address is None:
                    continue
                found = address_refusal(address, allow_private=self.allow_private)
                if found is not None:
                    reason = f"resolves to a {found}"
                    break
        self._cache[key] = (now + self.ttl, reason)
        return reason

    def _refuse(self, request: Request, reason: str) -> NoReturn:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"creatorscout/fetch_guard/{reason}")
        logger.info("fetch guard refused %s: %s", request.url, reason)
        raise PrivateHostRefused(f"private host: {reason}")
