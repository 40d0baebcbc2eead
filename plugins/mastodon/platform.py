"""The Mastodon platform: discovery, profiles and recent posts through the public API.

Endpoints (docs.joinmastodon.org/methods/):

* discovery: ``GET /api/v1/timelines/tag/{tag}`` on each configured instance (authors of
  niche-tagged posts), ``GET /api/v1/directory`` (accounts that opted into discovery; kept
  only when their profile matches the niche), ``GET /api/v2/search?type=accounts``;
* profiles: ``GET /api/v1/accounts/lookup?acct=`` on the account's home server (its
  numbers are authoritative there), ``GET /api/v1/accounts?id[]=`` in batches otherwise;
* posts: ``GET /api/v1/accounts/{id}/statuses?exclude_reblogs=true&limit=40``, paginated
  through the ``Link`` header.

Respect: accounts with ``discoverable: false``, ``noindex: true`` or ``bot: true`` are
skipped (and counted); ``indexable: false`` keeps the profile and counts but no post text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.mastodon.entities import (
    EntityError,
    Repairs,
    mention_ref,
    parse_account,
    parse_status,
)
from creatorscout.plugins.models import Creator
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    Refusal,
    Skip,
)
from creatorscout.plugins.web import as_list, parse_link_header

ENDPOINTS = [
    Endpoint("tag", r"/api/v1/timelines/tag/(?P<tag>[^/?#]+)$"),
    Endpoint("directory", r"/api/v1/directory$"),
    Endpoint("search", r"/api/v2/search$"),
    # v1 account search answers a bare array of accounts (v2 an object with "accounts").
    Endpoint("search_v1", r"/api/v1/accounts/search$"),
    Endpoint("lookup", r"/api/v1/accounts/lookup$"),
    Endpoint("statuses", r"/api/v1/accounts/(?P<id>[^/?#]+)/statuses$"),
    Endpoint("accounts", r"/api/v1/accounts$"),
    Endpoint("account", r"/api/v1/accounts/(?P<id>[^/?#]+)$"),
]


class MastodonOptions(BaseModel):
    """The ``platforms.mastodon`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    instances: list[str] = Field(
        default_factory=lambda: ["mastodon.social"],
        description="Servers whose hashtag timelines, directory and search are read",
    )
    use_directory: bool = Field(default=True, description="Read the opt-in profile directory")
    search_accounts: bool = Field(default=True, description="Search account names by keyword")
    max_search_terms: int = Field(default=5, ge=0, description="Keywords searched per instance")
    home_lookup: bool = Field(
        default=True,
        description="Read remote accounts on their home server, where counts are authoritative",
    )


class Mastodon(Platform):
    """Mastodon and Mastodon-API-compatible servers."""

    name = "mastodon"
    title = "Mastodon (fediverse)"
    default_base_url = "https://{instance}"
    # GET /api/v1/accounts?id[]= (Mastodon 4.3+) accepts up to 40 ids (verify per server).
    profile_batch_size = 40
    concurrency = 2
    Options = MastodonOptions
    options: MastodonOptions
    endpoints = ENDPOINTS
    interactions = frozenset({"likes", "replies", "reposts", "quotes"})

    page_size = 40

    # -- request builders ------------------------------------------------------------------

    def _url(self, instance: str, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
        query = f"?{urlencode(list(params))}" if params else ""
        return f"{self.base_url(instance)}{path}{query}"

    def _request(self, url: str, purpose: Any, instance: str, **context: Any) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        return FetchRequest(
            url=url,
            platform=self.name,
            purpose=purpose,
            depth=depth,
            creator_id=creator_id,
            context={"instance": instance, **context},
        )

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        options = self.options
        for instance in options.instances:
            for tag in niche.hashtags:
                url = self._url(
                    instance, f"/api/v1/timelines/tag/{quote(tag, safe='')}",
                    [("limit", str(self.page_size))],
                )
                yield self._request(url, "discover", instance, via=f"hashtag:{tag}", page=1)
            if options.use_directory:
                params = [("limit", "80"), ("order", "active"), ("local", "true")]
                url = self._url(instance, "/api/v1/directory", params)
                yield self._request(url, "discover", instance, via="directory", page=1)
            if options.search_accounts:
                for term in niche.all_keywords()[: options.max_search_terms]:
                    params = [("q", term), ("type", "accounts"), ("limit", "40")]
                    url = self._url(instance, "/api/v2/search", params)
                    yield self._request(url, "discover", instance, via=f"search:{term}", page=1)
        for seed in niche.seeds.get(self.name, []):
            username, _, domain = seed.strip().lstrip("@").partition("@")
            if not domain:
                domain = options.instances[0]
            url = self._url(domain, "/api/v1/accounts/lookup", [("acct", username)])
            yield self._request(
                url, "profile", domain, via="seed",
                creator_id=f"{self.name}:{username.lower()}@{domain.lower()}",
            )

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        by_instance: dict[str, list[Candidate]] = {}
        for candidate in candidates:
            lookup = candidate.ref.lookup
            home = lookup.get("domain")
            if self.options.home_lookup and home and lookup.get("username"):
                url = self._url(home, "/api/v1/accounts/lookup", [("acct", lookup["username"])])
                fallback = {
                    "fallback_instance": lookup.get("instance", ""),
                    "fallback_id": lookup.get("local_id", ""),
                }
                yield self._request(
                    url, "profile", home, via=candidate.via, depth=candidate.depth,
                    creator_id=candidate.ref.id, **fallback,
                )
            elif lookup.get("instance") and lookup.get("local_id"):
                by_instance.setdefault(lookup["instance"], []).append(candidate)
        for instance, group in by_instance.items():
            for start in range(0, len(group), self.profile_batch_size):
                batch = group[start : start + self.profile_batch_size]
                params = [("id[]", c.ref.lookup["local_id"]) for c in batch]
                yield self._request(
                    self._url(instance, "/api/v1/accounts", params), "profile", instance,
                    via=batch[0].via, depth=min(c.depth for c in batch),
                )

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        instance = creator.lookup.get("instance")
        local_id = creator.lookup.get("local_id")
        if not instance or not local_id:
            return
        params = [
            ("exclude_reblogs", "true"),
            ("limit", str(min(self.page_size, self.settings.max_posts))),
        ]
        url = self._url(instance, f"/api/v1/accounts/{quote(local_id, safe='')}/statuses", params)
        yield self._request(
            url, "posts", instance, creator_id=creator.id, depth=depth, seen=0,
            keep_text=not creator.flags.no_post_text,
        )

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, response: FetchResponse) -> ParseResult:
        kind, _ = self.endpoint(response.url)
        context = response.request.context
        instance = context.get("instance") or self.instance_of(response.url)
        data = response.json()
        provenance = self.provenance(response.url)
        result = ParseResult()
        depth = response.request.depth
        via = str(context.get("via", kind))
        if kind in ("tag", "directory", "search", "search_v1", "accounts", "account", "lookup"):
            accounts: Any
            if kind == "tag":
                accounts = self._status_authors(data, result)
            elif kind in ("search", "search_v1"):
                # v2 answers {"accounts": [...]}, v1 the bare array; both are the same search.
                accounts = data.get("accounts") if isinstance(data, dict) else data
                kind = "search"
            elif kind in ("account", "lookup"):
                accounts = [data]
            else:
                accounts = data
            if not isinstance(accounts, list):
                raise MalformedResponse(f"{kind}: expected a list of accounts")
            self._accounts(accounts, instance, provenance, result, kind, via, depth)
            if kind == "tag":
                self._mentions(data, instance, result, depth + 1)
            if kind in ("tag", "directory"):
                self._next_page(response, result, len(accounts))
        elif kind == "statuses":
            self._statuses(response, data, instance, provenance, result)
        return result

    @staticmethod
    def _status_authors(data: Any, result: ParseResult) -> list[Any]:
        if not isinstance(data, list):
            raise MalformedResponse("tag timeline: expected a list of statuses")
        authors = []
        for status in data:
            if isinstance(status, dict) and isinstance(status.get("account"), dict):
                authors.append(status["account"])
            else:
                result.malformed += 1
        return authors

    def _accounts(
        self, accounts: list[Any], instance: str, provenance: Any, result: ParseResult,
        kind: str, via: str, depth: int,
    ) -> None:
        seen: set[str] = set()
        repairs = Repairs()
        for raw in accounts:
            try:
                creator = parse_account(raw, instance, provenance, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            if creator.id in seen:
                continue
            seen.add(creator.id)
            if creator.flags.opted_out:
                reason = creator.flags.opt_out_reason or "opted out"
                result.skipped.append(Skip(key=creator.id, reason=reason))
                continue
            if kind in ("lookup", "account", "accounts"):
                result.creators.append(creator)
                continue
            is_remote = creator.lookup["domain"] != instance.lower()
            candidate = Candidate(
                ref=creator.ref(),
                depth=depth,
                via=via,
                needs_niche_match=(kind == "directory"),
                # A local account's numbers are authoritative where we read them; a remote
                # one is looked up on its home server first.
                creator=None if (is_remote and self.options.home_lookup) else creator,
            )
            result.candidates.append(candidate)
        result.repaired += repairs.count

    def _mentions(self, statuses: Any, instance: str, result: ParseResult, depth: int) -> None:
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict):
                continue
            for mention in as_list(status.get("mentions")):
                try:
                    ref = mention_ref(mention, instance)
                except EntityError:
                    continue
                result.candidates.append(Candidate(ref=ref, depth=depth, via="mention"))

    def _next_page(self, response: FetchResponse, result: ParseResult, count: int) -> None:
        context = response.request.context
        page = int(context.get("page", 1))
        if page >= self.settings.discovery_pages or count == 0:
            return
        kind, _ = self.endpoint(response.url)
        next_url = parse_link_header(response.header("link")).get("next")
        if kind == "directory":
            # The directory pages with offset, not Link.
            parts = urlsplit(response.url)
            params = [p for p in parts.query.split("&") if p and not p.startswith("offset=")]
            params.append(f"offset={page * 80}")
            next_url = f"{parts.scheme}://{parts.netloc}{parts.path}?{'&'.join(params)}"
        if next_url:
            result.requests.append(
                response.request.model_copy(
                    update={"url": next_url, "context": {**context, "page": page + 1}}
                )
            )

    def _statuses(
        self, response: FetchResponse, data: Any, instance: str, provenance: Any,
        result: ParseResult,
    ) -> None:
        if not isinstance(data, list):
            raise MalformedResponse("statuses: expected a list")
        request = response.request
        context = request.context
        creator_id = request.creator_id
        if creator_id is None:  # `scout parse` on a saved page: the author is in each status
            first = next((s for s in data if isinstance(s, dict)), None)
            try:
                author = parse_account((first or {}).get("account"), instance, provenance)
                creator_id = author.id
            except (EntityError, ValidationError):
                creator_id = "mastodon:unknown"
        keep_text = bool(context.get("keep_text", True))
        seen = int(context.get("seen", 0))
        repairs = Repairs()
        for raw in data:
            if seen >= self.settings.max_posts:
                break
            if isinstance(raw, dict) and raw.get("reblog") is not None:
                continue  # a boost is someone else's post, not this creator's
            try:
                post = parse_status(raw, instance, creator_id, provenance, keep_text, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            seen += 1
            result.posts.append(post)
            for ref in post.mentions:
                if ref.id != creator_id:
                    result.candidates.append(
                        Candidate(ref=ref, depth=request.depth + 1, via="mention")
                    )
        result.repaired += repairs.count
        next_url = parse_link_header(response.header("link")).get("next")
        if next_url and data and seen < self.settings.max_posts:
            result.requests.append(
                request.model_copy(update={"url": next_url, "context": {**context, "seen": seen}})
            )

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Mastodon 4.5 answers 422 "This method requires an authenticated user" where
        older servers answered 401: both mean a login is required."""
        refusal = super().refusal(response)
        if refusal and response.status == 422 and b"authenticated" in response.body:
            return refusal.model_copy(update={"kind": "login_required"})
        return refusal

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """When a home server will not answer a lookup, read the account where we saw it."""
        context = response.request.context
        kind, _ = self.endpoint(response.url)
        instance, local_id = context.get("fallback_instance"), context.get("fallback_id")
        if kind != "lookup" or not instance or not local_id or refusal.kind == "gone":
            return None
        url = self._url(instance, f"/api/v1/accounts/{quote(local_id, safe='')}")
        request = response.request.model_copy(
            update={"url": url, "context": {"instance": instance, "via": context.get("via")}}
        )
        return ParseResult(requests=[request])
