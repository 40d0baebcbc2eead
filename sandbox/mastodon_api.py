"""The Mastodon dialect: routing, parameters, pagination and errors of Mastodon's REST API.

Every server of the world lives under ``/mastodon/{server}``; its API base is
``{sandbox}/mastodon/{server}`` (so ``.../api/v1/...``). Unknown servers answer 404.

Behaviour follows Mastodon 4.5 (controllers in ``app/controllers/api/``):

* ``limit`` is clamped to twice the default (statuses 20/40, accounts 40/80, search 20/40);
* ``GET /api/v1/accounts?id[]=`` takes at most 40 ids (``DEFAULT_ACCOUNTS_LIMIT``), more
  is a 422; unknown and deleted ids are left out;
* account statuses page with ``max_id``/``since_id``/``min_id``; the ``Link`` header has
  ``rel="next"`` (``max_id``) only when the page is full and ``rel="prev"`` (``min_id``)
  when it is not empty; ``pinned=true`` pages have no ``Link``;
* hashtag timelines put ``next`` and ``prev`` on every non-empty page and keep only
  ``local``, ``limit`` and ``only_media`` in them (``any[]``, ``all[]``, ``none[]`` and
  ``remote`` are dropped, as Mastodon's ``PERMITTED_PARAMS`` do); an unknown tag is an
  empty list, not a 404;
* the directory pages with ``offset`` and has no ``Link``;
* ``/api/v2/search`` without a token refuses ``offset`` and ``resolve=true`` (401), and
  finds no statuses;
* errors are ``{"error": "..."}``: 404 "Record not found", 422 for bad parameters.
"""

from __future__ import annotations

import heapq
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from threading import Lock
from typing import Any, Final
from urllib.parse import quote, urlencode

from creatorscout.sandbox.dialect import Endpoint, Request, Response
from creatorscout.sandbox.mastodon_ids import (
    account_id,
    account_index,
    parse_id,
    status_id,
    status_key,
)
from creatorscout.sandbox.mastodon_render import MastodonRenderer
from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.posts import F_MEDIA, Post, decode_post_key
from creatorscout.sandbox.tags import TAGS, is_valid_tag, normalize_tag
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.world import World

VERSION: Final = "4.5.0"
NOT_FOUND: Final = "Record not found"
MAX_BATCH_IDS: Final = 40
TAGS_PER_MODE: Final = 4  # TagFeed::LIMIT_PER_MODE: any[], all[] and none[] take 4 tags each
_FALSE: Final = frozenset({"0", "f", "F", "false", "FALSE", "off", "OFF"})
_STATUS_KEYS: Final = ("exclude_reblogs", "exclude_replies", "limit", "only_media", "pinned",
                       "tagged")
_TAG_TIMELINE_KEYS: Final = ("limit", "local", "only_media")

ROBOTS_TXT: Final = """\
# See http://www.robotstxt.org/robotstxt.html for documentation on how to use the robots.txt file

User-agent: *
Disallow: /media_proxy/
Disallow: /interact/

# AI crawlers are blocked site-wide (the list of Mastodon's default public/robots.txt)
User-agent: GPTBot
User-agent: ChatGPT-User
User-agent: OAI-SearchBot
User-agent: Amazonbot
User-agent: Applebot
User-agent: Applebot-Extended
User-agent: CCBot
User-agent: FacebookBot
User-agent: Meta-ExternalAgent
User-agent: Google-Extended
User-agent: anthropic-ai
User-agent: ClaudeBot
User-agent: Claude-Web

Disallow: /
"""
AI_AGENTS: Final = tuple(
    line.split(": ", 1)[1] for line in ROBOTS_TXT.splitlines()
    if line.startswith("User-agent: ") and not line.endswith("*")
)


class BadRequest(Exception):
    """A parameter is invalid: answered with the given status and message."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def truthy(value: str | None) -> bool:
    """Rails' boolean cast: absent, empty, "0", "false", "off"... are false."""
    return value is not None and value != "" and value not in _FALSE


def _ruby_int(value: str) -> int:
    """Ruby's ``String#to_i``: the leading integer, 0 when there is none."""
    match = re.match(r"\s*([-+]?\d+)", value)
    return int(match.group(1)) if match else 0


class MastodonDialect:
    """Mastodon's REST API over the world, one fake server per name in :data:`INSTANCES`."""

    name = "mastodon"

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.render = MastodonRenderer(world, base_url)
        self._directories: dict[tuple[int, str, bool], array[int]] = {}
        self._lock = Lock()
        self._routes: list[tuple[re.Pattern[str], str, bool, Callable[..., Response]]] = [
            (re.compile(r"/api/v1/timelines/tag/(?P<tag>[^/]+)"), "timelines_tag", True,
             self.tag_timeline),
            (re.compile(r"/api/v1/directory"), "directory", True, self.directory),
            (re.compile(r"/api/v1/accounts"), "accounts_batch", True, self.accounts_batch),
            (re.compile(r"/api/v1/accounts/lookup"), "accounts_lookup", True, self.lookup),
            (re.compile(r"/api/v1/accounts/(?P<raw>[^/]+)/statuses"), "account_statuses", True,
             self.account_statuses),
            (re.compile(r"/api/v1/accounts/(?P<raw>[^/]+)"), "account", True, self.account),
            (re.compile(r"/api/v1/statuses/(?P<raw>[^/]+)"), "status", True, self.status),
            (re.compile(r"/api/v2/search"), "search", True, self.search),
            (re.compile(r"/api/v1/tags/(?P<name>[^/]+)"), "tag", True, self.tag),
            (re.compile(r"/api/v2/instance"), "instance", True, self.instance),
            (re.compile(r"/api/.*"), "unknown_api", True, self.not_found),
            (re.compile(r"/robots\.txt"), "robots", False, self.robots),
            (re.compile(r"/\.well-known/nodeinfo"), "nodeinfo", False, self.nodeinfo_links),
            (re.compile(r"/nodeinfo/2\.0"), "nodeinfo", False, self.nodeinfo),
            (re.compile(r"/\.well-known/webfinger"), "webfinger", False, self.webfinger),
        ]

    # -- the Dialect protocol --------------------------------------------------------------

    def match(self, request: Request) -> Endpoint | None:
        """Route ``/{server}/...`` to a handler; ``None`` for unknown servers and paths."""
        server, _, rest = request.path.lstrip("/").partition("/")
        if server not in INSTANCES:
            return None
        instance = INSTANCES.index(server)
        path = "/" + rest.rstrip("/")
        for pattern, kind, api, handler in self._routes:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            arguments = found.groupdict()

            def run(handler: Callable[..., Response] = handler,
                    arguments: dict[str, Any] = arguments) -> Response:
                try:
                    return handler(instance, request, **arguments)
                except BadRequest as exc:
                    return self.error(exc.status, str(exc))

            return Endpoint(kind=kind, scope=f"{self.name}/{server}", api=api, handler=run)
        return None

    def error(self, status: int, message: str,
              headers: list[tuple[str, str]] | None = None) -> Response:
        """Mastodon's error body: ``{"error": message}``."""
        return Response.json({"error": message}, status=status, headers=headers)

    def rate_limit_headers(self, limit: int, remaining: int,
                           reset_epoch: float) -> list[tuple[str, str]]:
        """``X-RateLimit-*``; the reset is an ISO 8601 timestamp (``iso8601(6)``, as Mastodon)."""
        reset = datetime.fromtimestamp(reset_epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)),
                ("X-RateLimit-Reset", reset)]

    def robots_disallow(self) -> list[str]:
        """Mastodon's default disallowed paths, on every server of the world."""
        return [f"/{self.name}/{server}{path}" for server in INSTANCES
                for path in ("/media_proxy/", "/interact/")]

    # -- parameters ------------------------------------------------------------------------

    @staticmethod
    def _limit(request: Request, default: int) -> int:
        raw = request.param("limit")
        if raw is None:
            return default
        return min(abs(_ruby_int(raw)), default * 2)

    @staticmethod
    def _cursor(request: Request, name: str, instance: int) -> int | None:
        raw = request.param(name)
        if raw is None or raw == "":
            return None
        value = parse_id(raw)
        if value is None:
            raise BadRequest(f"Validation failed: {name} must be a status id")
        return status_key(value, instance)

    def _link(self, instance: int, path: str, request: Request, keep: tuple[str, ...],
              cursors: list[tuple[str, str, int]]) -> str:
        """A ``Link`` header: the kept parameters plus one cursor per (rel, name, id),
        query keys sorted as Rails' ``to_query`` does."""
        base = self.render.server_url(instance)
        links = []
        for rel, cursor, value in cursors:
            params = {k: v for k in keep if (v := request.param(k)) is not None}
            params[cursor] = str(value)
            links.append(f'<{base}{path}?{urlencode(sorted(params.items()))}>; rel="{rel}"')
        return ", ".join(links)

    def _person(self, instance: int, raw: str) -> Person | None:
        """The person behind an account id on ``instance`` (``None``: 404)."""
        value = parse_id(raw)
        if value is None:
            return None
        index = account_index(value, instance)
        if index >= len(self.world.people):
            return None
        person = self.world.people[index]
        if account_id(person, instance) != value or person.deleted:
            return None
        return person

    # -- accounts --------------------------------------------------------------------------

    def not_found(self, instance: int, request: Request) -> Response:
        """Anything that does not exist."""
        return self.error(404, NOT_FOUND)

    def account(self, instance: int, request: Request, raw: str) -> Response:
        """``GET /api/v1/accounts/:id``."""
        person = self._person(instance, raw)
        if person is None:
            return self.error(404, NOT_FOUND)
        return Response.json(self.render.account(person, instance))

    def accounts_batch(self, instance: int, request: Request) -> Response:
        """``GET /api/v1/accounts?id[]=...`` (Mastodon 4.3+), at most 40 distinct ids."""
        raws = list(dict.fromkeys(request.params("id")))
        if len(raws) > MAX_BATCH_IDS:
            raise BadRequest("Mastodon::ValidationError")
        found = [p for p in (self._person(instance, raw) for raw in raws) if p is not None]
        return Response.json([self.render.account(p, instance) for p in found])

    def lookup(self, instance: int, request: Request) -> Response:
        """``GET /api/v1/accounts/lookup?acct=user`` or ``user@server``."""
        acct = (request.param("acct") or "").strip().lstrip("@")
        user, _, domain = acct.partition("@")
        server = INSTANCES.index(domain) if domain in INSTANCES else (
            instance if domain == "" else None)
        index = None if server is None or not user else self.world.find_username(server, user)
        if index is None or self.world.people[index].deleted:
            return self.error(404, NOT_FOUND)
        return Response.json(self.render.account(self.world.people[index], instance))

    def directory(self, instance: int, request: Request) -> Response:
        """``GET /api/v1/directory``: accounts that opted into discovery."""
        order = request.param("order") or "active"
        if order not in ("active", "new"):
            raise BadRequest("Validation failed: order must be active or new")
        raw_offset = request.param("offset") or "0"
        if not raw_offset.isascii() or not raw_offset.isdigit():
            raise BadRequest("Validation failed: offset must be a number")
        offset = int(raw_offset)
        limit = self._limit(request, 40)
        listing = self._directory(instance, order, truthy(request.param("local")))
        page = listing[offset : offset + limit]
        return Response.json([self.render.account(self.world.people[i], instance) for i in page])

    def _directory(self, instance: int, order: str, local: bool) -> array[int]:
        key = (instance, order, local)
        with self._lock:
            listing = self._directories.get(key)
            if listing is None:
                people = [
                    p for p in self.world.people
                    if p.discoverable is True and p.alive and p.moved_to is None
                    and not p.limited and (not local or p.instance == instance)
                ]
                if order == "active":
                    people.sort(key=lambda p: (p.last_sec is not None, p.last_sec or 0,
                                               account_id(p, instance)), reverse=True)
                else:
                    people.sort(key=lambda p: account_id(p, instance), reverse=True)
                listing = self._directories[key] = array("l", (p.index for p in people))
        return listing

    # -- statuses --------------------------------------------------------------------------

    def status(self, instance: int, request: Request, raw: str) -> Response:
        """``GET /api/v1/statuses/:id``."""
        value = parse_id(raw)
        post = None if value is None else self.world.post_by_key(status_key(value, instance))
        if post is None or not self.world.people[post.author].alive:
            return self.error(404, NOT_FOUND)
        return Response.json(self.render.status(post, instance))

    def account_statuses(self, instance: int, request: Request, raw: str) -> Response:
        """``GET /api/v1/accounts/:id/statuses``, newest first, ``Link``-paginated."""
        person = self._person(instance, raw)
        if person is None:
            return self.error(404, NOT_FOUND)
        limit = self._limit(request, 20)
        max_key = self._cursor(request, "max_id", instance)
        since_key = self._cursor(request, "since_id", instance)
        min_key = self._cursor(request, "min_id", instance)
        pinned = truthy(request.param("pinned"))
        posts: list[Post] = [] if person.suspended else list(self.world.posts(person.index))
        if pinned:
            posts = [p for p in posts if p.pinned]
        if truthy(request.param("exclude_reblogs")):
            posts = [p for p in posts if p.kind != "reblog"]
        if truthy(request.param("exclude_replies")):
            posts = [p for p in posts
                     if p.reply_to is None or p.reply_to[0] == person.index]
        if truthy(request.param("only_media")):
            posts = [p for p in posts if p.media]
        tagged = request.param("tagged")
        if tagged:
            wanted = normalize_tag(tagged)
            posts = [p for p in posts if wanted in p.tags]
        page = _paginate(posts, limit, max_key, since_key, min_key)
        headers = []
        if not pinned and page:
            path = f"/api/v1/accounts/{raw}/statuses"
            cursors = []
            if len(page) == limit:
                cursors.append(("next", "max_id", status_id(page[-1].key, instance)))
            cursors.append(("prev", "min_id", status_id(page[0].key, instance)))
            headers.append(("Link", self._link(instance, path, request, _STATUS_KEYS, cursors)))
        return Response.json([self.render.status(p, instance) for p in page], headers=headers)

    def tag_timeline(self, instance: int, request: Request, tag: str) -> Response:
        """``GET /api/v1/timelines/tag/:hashtag``: public statuses with the tag, newest first."""
        limit = self._limit(request, 20)
        max_key = self._cursor(request, "max_id", instance)
        since_key = self._cursor(request, "since_id", instance)
        min_key = self._cursor(request, "min_id", instance)
        names = [tag, *request.params("any")[:TAGS_PER_MODE]]
        all_ids = {TAGS.id(t) for t in request.params("all")[:TAGS_PER_MODE]}
        none_ids = {TAGS.id(t) for t in request.params("none")[:TAGS_PER_MODE]} - {None}
        local = truthy(request.param("local"))
        remote = truthy(request.param("remote"))
        only_media = truthy(request.param("only_media"))
        if not is_valid_tag(normalize_tag(tag)) or None in all_ids or limit == 0:
            return Response.json([])
        streams = [_keys_between(self.world.tag_keys(name), max_key, since_key, min_key)
                   for name in names]
        merged = heapq.merge(*streams, reverse=min_key is None)
        keys: list[int] = []
        previous = None
        for key in merged:
            if key == previous:
                continue
            previous = key
            _sec, author, number = decode_post_key(key)
            person = self.world.people[author]
            if (local and person.instance != instance) or (remote and person.instance == instance):
                continue
            if all_ids or none_ids or only_media:
                row = self.world.skeleton(author)[number]
                tags = set(row[4])
                if not all_ids <= tags or none_ids & tags:
                    continue
                if only_media and not row[5] & F_MEDIA:
                    continue
            keys.append(key)
            if len(keys) >= limit:
                break
        if min_key is not None:
            keys.reverse()
        posts = [post for post in map(self.world.post_by_key, keys) if post is not None]
        headers = []
        if posts:
            path = f"/api/v1/timelines/tag/{quote(tag, safe='')}"
            cursors = [("next", "max_id", status_id(posts[-1].key, instance)),
                       ("prev", "min_id", status_id(posts[0].key, instance))]
            headers.append(("Link", self._link(instance, path, request, _TAG_TIMELINE_KEYS,
                                               cursors)))
        return Response.json([self.render.status(p, instance) for p in posts], headers=headers)

    # -- search, tags, instance ------------------------------------------------------------

    def search(self, instance: int, request: Request) -> Response:
        """``GET /api/v2/search``: accounts and hashtags (statuses need a token and ES)."""
        query = request.param("q")
        if query is None or query.strip() == "":
            raise BadRequest("param is missing or the value is empty: q", status=400)
        signed_in = "authorization" in request.headers
        if not signed_in and request.param("offset") not in (None, ""):
            raise BadRequest("Search queries pagination is not supported without "
                             "authentication", status=401)
        if not signed_in and truthy(request.param("resolve")):
            raise BadRequest("Search queries that resolve remote resources are not "
                             "supported without authentication", status=401)
        kind = request.param("type")
        limit = self._limit(request, 20)
        offset = _ruby_int(request.param("offset") or "0") if signed_in else 0
        accounts: list[dict[str, Any]] = []
        hashtags: list[dict[str, Any]] = []
        if kind in (None, "", "accounts"):
            found = self._search_accounts(instance, query.strip(), offset + limit)
            accounts = [self.render.account(p, instance) for p in found[offset:]]
        if kind in (None, "", "hashtags"):
            term = normalize_tag(query.strip())
            names = sorted((n for n in TAGS.names if n.startswith(term)),
                           key=lambda n: (n != term, len(n), n))
            hashtags = [self.render.tag(n, instance) for n in names[offset : offset + limit]]
        return Response.json({"accounts": accounts, "statuses": [], "hashtags": hashtags})

    def _search_accounts(self, instance: int, query: str, wanted: int) -> list[Person]:
        text = query.lstrip("@").lower()
        user, _, domain = text.partition("@")
        if domain:
            server = INSTANCES.index(domain) if domain in INSTANCES else None
            index = None if server is None else self.world.find_username(server, user)
            if index is None or not self.world.people[index].alive:
                return []
            return [self.world.people[index]]
        exact: list[Person] = []
        partial: list[Person] = []
        for person in self.world.people:
            if not person.alive:
                continue
            name = person.username.lower()
            if name == text:
                exact.append(person)
            elif person.discoverable is True and (
                name.startswith(text)
                or any(word.startswith(text) for word in person.display_name.lower().split())
            ):
                partial.append(person)
        exact.sort(key=lambda p: (p.instance != instance, -p.followers))
        partial.sort(key=lambda p: -p.followers)
        return (exact + partial)[:wanted]

    def tag(self, instance: int, request: Request, name: str) -> Response:
        """``GET /api/v1/tags/:name``: the tag with its week of usage."""
        if not is_valid_tag(normalize_tag(name)):
            return self.error(404, NOT_FOUND)
        return Response.json(self.render.tag(name, instance))

    def instance(self, instance: int, request: Request) -> Response:
        """``GET /api/v2/instance`` (a minimal but well-formed Instance entity)."""
        server = INSTANCES[instance]
        url = self.render.server_url(instance)
        active = sum(1 for p in self.world.people if p.instance == instance and p.alive
                     and p.last_sec is not None and p.last_sec > ANCHOR_SEC - 30 * DAY)
        public = {"local": "public", "remote": "public"}
        return Response.json({
            "domain": server,
            "title": server,
            "version": VERSION,
            "source_url": "https://github.com/mastodon/mastodon",
            "description": f"A server of the creatorscout sandbox ({len(self.world)} creators, "
                           f"seed {self.world.seed}). Synthetic data.",
            "usage": {"users": {"active_month": active}},
            "thumbnail": {"url": f"{url}/packs/media/images/preview.png"},
            "icon": [],
            "languages": ["en"],
            "configuration": {
                "urls": {"streaming": url.replace("http", "ws", 1), "status": None,
                         "about": f"{url}/about", "privacy_policy": f"{url}/privacy-policy",
                         "terms_of_service": None},
                "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
                "statuses": {"max_characters": 500, "max_media_attachments": 4,
                             "characters_reserved_per_url": 23},
                "translation": {"enabled": False},
                "timelines_access": {"live_feeds": public, "hashtag_feeds": public,
                                     "trending_link_feeds": public},
            },
            "registrations": {"enabled": True, "approval_required": False, "message": None,
                              "url": None},
            "contact": {"email": f"admin@{server}", "account": None},
            "rules": [],
        })

    # -- documents -------------------------------------------------------------------------

    def robots(self, instance: int, request: Request) -> Response:
        """The server's own robots.txt (Mastodon's default file)."""
        return Response.text(ROBOTS_TXT)

    def nodeinfo_links(self, instance: int, request: Request) -> Response:
        """``/.well-known/nodeinfo``."""
        href = f"{self.render.server_url(instance)}/nodeinfo/2.0"
        return Response.json({"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": href}]})

    def nodeinfo(self, instance: int, request: Request) -> Response:
        """``/nodeinfo/2.0``: which software this is."""
        local = [p for p in self.world.people if p.instance == instance and p.alive]
        return Response.json({
            "version": "2.0",
            "software": {"name": "mastodon", "version": VERSION},
            "protocols": ["activitypub"],
            "services": {"outbound": [], "inbound": []},
            "usage": {"users": {
                "total": len(local),
                "activeMonth": sum(1 for p in local if (p.last_sec or 0) > ANCHOR_SEC - 30 * DAY),
                "activeHalfyear": sum(1 for p in local
                                      if (p.last_sec or 0) > ANCHOR_SEC - 180 * DAY),
            }, "localPosts": sum(p.older_statuses for p in local)},
            "openRegistrations": True,
            "metadata": {"nodeName": INSTANCES[instance]},
        })

    def webfinger(self, instance: int, request: Request) -> Response:
        """``/.well-known/webfinger?resource=acct:user@server``."""
        resource = (request.param("resource") or "").removeprefix("acct:")
        user, _, domain = resource.lstrip("@").partition("@")
        index = self.world.find_username(instance, user) if domain in ("", INSTANCES[instance]) \
            else None
        if index is None or self.world.people[index].deleted:
            return Response.text("", status=404)
        person = self.world.people[index]
        account = self.render.account(person, instance)
        body = Response.json({
            "subject": f"acct:{person.acct}",
            "aliases": [account["url"], account["uri"]],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html",
                 "href": account["url"]},
                {"rel": "self", "type": "application/activity+json", "href": account["uri"]},
            ],
        })
        body.content_type = "application/jrd+json; charset=utf-8"
        return body


def _keys_between(keys: array[int], max_key: int | None, since_key: int | None,
                  min_key: int | None) -> Iterator[int]:
    """Keys of an ascending array within the cursors: newest first, or oldest first after
    ``min_id`` (Mastodon then returns the page reversed, newest first)."""
    high = len(keys) if max_key is None else bisect_left(keys, max_key)
    if min_key is not None:
        for position in range(bisect_right(keys, min_key), high):
            yield keys[position]
        return
    low = 0 if since_key is None else bisect_right(keys, since_key)
    for position in range(high - 1, low - 1, -1):
        yield keys[position]


def _paginate(posts: list[Post], limit: int, max_key: int | None, since_key: int | None,
              min_key: int | None) -> list[Post]:
    """Mastodon's ``paginate_by_id`` over newest-first posts."""
    chosen = [p for p in posts
              if (max_key is None or p.key < max_key) and (since_key is None or p.key > since_key)
              and (min_key is None or p.key > min_key)]
    if min_key is not None:
        return chosen[-limit:] if limit else []
    return chosen[:limit]
