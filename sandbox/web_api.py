"""The web dialect: every host a crawler reads as a web page, a feed or the iTunes API.

Served under ``/web/{host}/...``: a logical URL ``https://H/path?q`` is requested as
``{sandbox}/web/H/path?q`` (the ``{host}`` base-URL template of the ``web`` and
``podcasts`` plugins). Hosts:

* personal websites (:mod:`.web_sites`): ``slug.example``, ``blog.slug.example``,
  ``links.example/slug``: ``/`` (home page), the feed, ``/robots.txt``,
  ``/.well-known/atproto-did`` (a domain that is its owner's Bluesky handle);
* ``feeds.example``: podcast feeds ``/{slug}.xml`` (:mod:`.podcast_feeds`);
* ``itunes.apple.com``: ``/search`` and ``/lookup`` of the iTunes Search API. These are the
  only API endpoints here (rate limits and injected faults apply; Apple sends no
  rate-limit headers); pages and feeds are documents.

Everything else answers 404. Sites whose robots.txt disallows everything are also listed
in the sandbox's own ``/robots.txt``, the one a crawler actually reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Final

from creatorscout.sandbox.bluesky_ids import did_for
from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.podcast_feeds import FEEDS_HOST, ITUNES_HOST, Podcasts, itunes_error
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.web_sites import LINKS_HOST, Sites
from creatorscout.sandbox.world import World

_HTML: Final = "text/html; charset=utf-8"
_XML: Final = "application/rss+xml; charset=utf-8"
_MEDIA: Final = frozenset({"podcast", "all"})


class WebDialect:
    """Websites, podcast feeds and the iTunes Search API over the world."""

    name = "web"

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.sites = Sites(world, base_url)
        self.podcasts = Podcasts(world, self.sites)

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        host, _, rest = request.path.lstrip("/").partition("/")
        host = host.lower()
        path = "/" + rest
        if host == ITUNES_HOST:
            return self._itunes(request, path)
        if host == FEEDS_HOST:
            return self._feeds(path)
        if path == "/.well-known/atproto-did":
            owner = self.sites.owner_of_domain(host)
            if owner is None or presence(self.world, owner).bluesky != host:
                return None
            did = did_for(self.world.seed, owner)
            return self._document("atproto_did", host, lambda: Response.text(did))
        if host == LINKS_HOST and path == "/robots.txt":
            return self._document("robots", host,
                                  lambda: Response.text("User-agent: *\nAllow: /\n"))
        found = self.sites.find(host, path)
        if found is None:
            return None
        site, below = found
        if below == "/robots.txt" and not site.root:
            return self._document("robots", host, lambda: Response.text(self.sites.robots(site)))
        if below.rstrip("/") == "":
            podcast = presence(self.world, site.index).podcast
            show = self.podcasts.by_slug(podcast) if podcast else None
            apple = show.apple_url if show is not None else None
            headers = [("X-Robots-Tag", "noindex")] if site.noindex == "header" else []
            return self._document("home", host, lambda: Response.text(
                self.sites.home(site, apple), content_type=_HTML, headers=headers))
        if site.feed_path is not None and below == site.feed_path:
            def feed() -> Response:
                body, content_type = self.sites.feed(site)
                return Response.text(body, content_type=content_type)
            return self._document("feed", host, feed)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """Apple's JSON error shape (pages that do not exist are 404 too)."""
        return Response.json({"errorMessage": message}, status=status, headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """None: Apple sends no rate-limit headers (it is documented as ~20 calls/min)."""
        return []

    def robots_disallow(self) -> list[str]:
        return self._disallowed

    @cached_property
    def _disallowed(self) -> list[str]:
        paths = []
        for host in self.sites.hosts():
            found = self.sites.find(host, "/")
            if found is not None and found[0].robots_blocked:
                paths.append(f"/{self.name}/{host}/")
        return paths

    # -- routes ----------------------------------------------------------------------------

    def _document(self, kind: str, host: str, handler: Callable[[], Response]) -> Endpoint:
        return Endpoint(kind=kind, scope=f"{self.name}/{host}", api=False, handler=handler)

    def _feeds(self, path: str) -> Endpoint | None:
        if path == "/robots.txt":
            return self._document("robots", FEEDS_HOST,
                                  lambda: Response.text("User-agent: *\nAllow: /\n"))
        name = path.strip("/")
        if not name.endswith(".xml"):
            return None
        show = self.podcasts.by_slug(name.removesuffix(".xml"))
        if show is None:
            return None
        return self._document("podcast_feed", FEEDS_HOST, lambda: Response.text(
            self.podcasts.feed(show), content_type=_XML))

    def _itunes(self, request: Request, path: str) -> Endpoint | None:
        params = {k: v for k, v in request.query}
        if path == "/search":
            def search() -> Response:
                if not params.get("term"):
                    return Response.text(itunes_error("Invalid value(s) for key(s): [term]",
                                                      params), status=400)
                if params.get("media", "all") not in _MEDIA:
                    return Response.json({"resultCount": 0, "results": []})
                limit = params.get("limit", "50")
                size = max(1, min(200, int(limit))) if limit.isdigit() else 50
                return Response.json(self.podcasts.search(params["term"], size))
            return Endpoint(kind="itunes_search", scope=f"{self.name}/{ITUNES_HOST}", api=True,
                            handler=search)
        if path == "/lookup":
            def lookup() -> Response:
                ids = [int(v) for v in params.get("id", "").split(",") if v.strip().isdigit()]
                return Response.json(self.podcasts.lookup(ids))
            return Endpoint(kind="itunes_lookup", scope=f"{self.name}/{ITUNES_HOST}", api=True,
                            handler=lookup)
        return None
