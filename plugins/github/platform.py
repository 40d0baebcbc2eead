"""The GitHub platform (for tech niches): people found by topic and user search, their
public profile, social links and repositories.

Endpoints (docs.github.com/rest, API version 2022-11-28; no login needed):

* discovery: ``GET /search/repositories?q=topic:{t}&sort=stars`` (the owners of
  repositories tagged with the niche's hashtags as topics) and ``GET /search/users?q=``
  (niche keywords matched against login and name: GitHub documents ``in:login``,
  ``in:name`` and ``in:email`` for user search, not bios; hits are kept only when their
  profile matches the niche), paginated through the ``Link`` header (``rel="next"``);
  search stops at 1,000 results;
* profiles: ``GET /users/{login}`` then ``GET /users/{login}/social_accounts``;
* posts: ``GET /users/{login}/repos?type=owner&sort=pushed``, ``Link``-paginated.

Searched only for niches with a ``platforms.github`` section (tech niches); other niches
discover nothing here beyond their GitHub seeds.

Limits: unauthenticated 60 requests/hour per IP (search: 10/minute); with a token from
``CREATORSCOUT_GITHUB_TOKEN`` or ``GITHUB_TOKEN`` 5,000/hour (search: 30/minute). Search
and the rest are counted apart (``x-ratelimit-resource``), so they get separate download
slots and are paced apart. Exceeding a limit answers 403 or 429: with
``x-ratelimit-remaining: 0`` wait until ``x-ratelimit-reset``; a secondary limit sends
``retry-after``, or nothing, and then "wait at least one minute". Both are classified as
``rate_limited`` so the crawler waits and retries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins.github.entities import (
    PLATFORM,
    EntityError,
    Repairs,
    github_topic,
    parse_repo,
    parse_user,
    social_links,
    user_ref,
)
from creatorscout.plugins.keys import secret_from_env
from creatorscout.plugins.models import Creator, Provenance
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    RateLimit,
    Refusal,
    Skip,
)
from creatorscout.plugins.web import parse_link_header

logger = logging.getLogger(__name__)

TOKEN_VARIABLES = ("CREATORSCOUT_GITHUB_TOKEN", "GITHUB_TOKEN")
API_VERSION = "2022-11-28"
MAX_PER_PAGE = 100
SECONDARY_WAIT = 60.0  # "Otherwise, wait for at least one minute before retrying."
_SKIP = "skip"  # a pair half that ends the pair without a creator
SEARCH_SLOT = "api.github.com/search"  # the search resource has its own budget
CORE_SLOT = "api.github.com"

ENDPOINTS = [
    Endpoint("search_users", r"/search/users$"),
    Endpoint("search_repos", r"/search/repositories$"),
    Endpoint("repos", r"/users/(?P<login>[^/?#]+)/repos$"),
    # GitHub's own pagination links use the numeric form /user/{id}/repos.
    Endpoint("repos", r"/user/(?P<id>\d+)/repos$"),
    Endpoint("social", r"/users/(?P<login>[^/?#]+)/social_accounts$"),
    Endpoint("social", r"/user/(?P<id>\d+)/social_accounts$"),
    Endpoint("user", r"/users/(?P<login>[^/?#]+)$"),
    Endpoint("user", r"/user/(?P<id>\d+)$"),
]


SearchField = Literal["login", "name", "email"]


class GitHubOptions(BaseModel):
    """The ``platforms.github`` section of a niche file. Its presence enables GitHub."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(default=True, description="Set false to switch GitHub off")
    search_topics: bool = Field(
        default=True, description="Find owners of repositories tagged with the niche's topics"
    )
    topics: list[str] = Field(
        default_factory=list,
        description="Repository topics to search; default: the niche's hashtags",
    )
    search_users: bool = Field(default=True, description="Search users by niche keywords")
    search_in: list[SearchField] = Field(
        default_factory=lambda: list[SearchField](["login", "name"]),
        description="Where user search looks (GitHub's in: qualifier)",
    )
    user_qualifiers: str = Field(
        default="type:user",
        description="Extra user-search qualifiers, e.g. 'type:user followers:>100'",
    )
    max_search_terms: int = Field(default=5, ge=0, description="Keywords/topics searched")
    page_size: int = Field(default=30, ge=1, le=MAX_PER_PAGE, description="Results per page")
    social_accounts: bool = Field(
        default=True, description="Read each profile's social accounts (one more request)"
    )


class GitHub(Platform):
    """GitHub users, for tech niches."""

    name = PLATFORM
    title = "GitHub"
    default_base_url = "https://api.github.com"
    profile_batch_size = 1
    concurrency = 1  # GitHub asks for serial requests to avoid secondary limits
    Options = GitHubOptions
    options: GitHubOptions
    endpoints = ENDPOINTS
    # Stars, open issues and forks stand for likes, replies and reposts of a repository.
    interactions = frozenset({"likes", "replies", "reposts"})

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self.__token = secret_from_env(*TOKEN_VARIABLES)  # optional
        # Halves of profile pairs waiting for the other half, by login: a Creator, its
        # social links, or _SKIP. An entry lives while both requests are in flight.
        self._pairs: dict[str, Creator | list[str] | str] = {}

    @property
    def authenticated(self) -> bool:
        """Whether requests carry a token (higher limits)."""
        return self.__token is not None

    # -- request builders ------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
        if self.__token:
            headers["Authorization"] = f"Bearer {self.__token.get_secret_value()}"
        return headers

    def _url(self, path: str, params: Sequence[tuple[str, str]] = ()) -> str:
        query = f"?{urlencode(list(params))}" if params else ""
        return f"{self.base_url()}{path}{query}"

    def _request(self, url: str, purpose: Literal["discover", "profile", "posts"],
                 **context: Any) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        slot = SEARCH_SLOT if "/search/" in urlsplit(url).path else CORE_SLOT
        return FetchRequest(url=url, platform=self.name, purpose=purpose, depth=depth,
                            creator_id=creator_id, headers=self._headers(),
                            context={"instance": slot, **context})

    def searches_for(self, niche: Niche) -> bool:
        """GitHub is searched for tech niches only: those with a ``platforms.github``
        section that does not say ``enabled: false``. Seeds are read either way."""
        return bool(self.settings.options) and self.options.enabled

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        seeds = niche.seeds.get(self.name, []) if self.options.enabled else []
        search = self.searches_for(niche)
        if not search and not seeds:
            logger.info("github: niche '%s' has no platforms.github section; GitHub is only "
                        "crawled for tech niches that set one", niche.name)
            return
        if not self.authenticated:
            logger.warning(
                "github: no token set (CREATORSCOUT_GITHUB_TOKEN or GITHUB_TOKEN): "
                "unauthenticated limits apply (60 requests/hour, 10 searches/minute)"
            )
        options = self.options
        per_page = str(options.page_size)
        if search and options.search_topics:
            wanted = options.topics or niche.hashtags
            topics = list(dict.fromkeys(t for t in map(github_topic, wanted) if t))
            for topic in topics[: options.max_search_terms]:
                url = self._url("/search/repositories", [
                    ("q", f"topic:{topic}"), ("sort", "stars"), ("order", "desc"),
                    ("per_page", per_page)])
                yield self._request(url, "discover", via=f"topic:{topic}", page=1)
        if search and options.search_users and options.search_in:
            where = " ".join(f"in:{field}" for field in options.search_in)
            for term in niche.all_keywords()[: options.max_search_terms]:
                words = f'"{term}"' if " " in term.strip() else term.strip()
                query = " ".join(p for p in (words, where, options.user_qualifiers.strip()) if p)
                url = self._url("/search/users", [("q", query), ("per_page", per_page)])
                yield self._request(url, "discover", via=f"users:{term}", page=1)
        for seed in seeds:
            login = seed.strip().lstrip("@").rstrip("/").rsplit("/", 1)[-1]
            if login:
                yield self._request(self._url(f"/users/{quote(login, safe='')}"), "profile",
                                    via="seed", chain=self.options.social_accounts)

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        """``/users/{login}``, and with social accounts on, ``/users/{login}/social_accounts``
        as a *pair*: the creator is handed over when the second of the two answers. The
        crawler reserves the candidate's place in the budget on the first request of a
        candidate, so the social accounts come first: that place is held until the pair is
        complete (a chained follow-up would free it early and over-fetch profiles)."""
        for candidate in candidates:
            login = candidate.ref.lookup.get("login") or candidate.ref.handle
            if not login:
                continue
            path = f"/users/{quote(login, safe='')}"
            common: dict[str, Any] = {"via": candidate.via, "depth": candidate.depth,
                                      "creator_id": candidate.ref.id}
            if self.options.social_accounts:
                yield self._request(self._url(f"{path}/social_accounts"), "profile",
                                    pair=login.lower(), **common)
                common["pair"] = login.lower()
            yield self._request(self._url(path), "profile", **common)

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        login = creator.lookup.get("login") or creator.handle
        per_page = str(min(MAX_PER_PAGE, self.settings.max_posts))
        url = self._url(f"/users/{quote(login, safe='')}/repos", [
            ("type", "owner"), ("sort", "pushed"), ("direction", "desc"),
            ("per_page", per_page)])
        yield self._request(url, "posts", creator_id=creator.id, depth=depth, seen=0,
                            keep_text=not creator.flags.no_post_text)

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, response: FetchResponse) -> ParseResult:
        kind, _ = self.endpoint(response.url)
        data = response.json()
        provenance = self.provenance(response.url)
        result = ParseResult()
        if kind in ("search_users", "search_repos"):
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise MalformedResponse(f"{kind}: expected {{total_count, items: [...]}}")
            self._search_hits(response, kind, items, result)
            self._next_page(response, len(items), result)
        elif kind == "user":
            self._user(response, data, provenance, result)
        elif kind == "social":
            self._social(response, data, result)
        else:
            self._repos(response, data, provenance, result)
        return result

    def _search_hits(self, response: FetchResponse, kind: str, items: list[Any],
                     result: ParseResult) -> None:
        request = response.request
        via = str(request.context.get("via", kind))
        seen: set[str] = set()
        for item in items:
            try:
                raw = item.get("owner") if kind == "search_repos" else item
                ref = user_ref(raw)
            except (EntityError, AttributeError):
                result.malformed += 1
                continue
            if ref.key in seen:
                continue
            seen.add(ref.key)
            account_type = ref.lookup.get("type")
            if account_type in ("Organization", "Bot"):
                result.skipped.append(Skip(key=ref.key, reason=f"type: {account_type}"))
                continue
            result.candidates.append(Candidate(
                ref=ref, depth=request.depth, via=via,
                # user search matches logins and names only: keep hits whose profile is
                # about the niche; a topic is the owner's own statement.
                needs_niche_match=kind == "search_users",
            ))

    def _next_page(self, response: FetchResponse, count: int, result: ParseResult) -> None:
        request = response.request
        page = int(request.context.get("page", 1))
        next_url = parse_link_header(response.header("link")).get("next")
        if next_url and count and page < self.settings.discovery_pages:
            result.requests.append(request.model_copy(
                update={"url": next_url, "context": {**request.context, "page": page + 1}}))

    def _user(self, response: FetchResponse, data: Any, provenance: Provenance,
              result: ParseResult) -> None:
        repairs = Repairs()
        try:
            creator = parse_user(data, provenance, repairs)
        except (EntityError, ValidationError) as exc:
            raise MalformedResponse(f"user: {exc}") from exc
        result.repaired += repairs.count
        request = response.request
        pair = request.context.get("pair")
        if creator.flags.opted_out:
            result.skipped.append(Skip(key=creator.id,
                                       reason=creator.flags.opt_out_reason or "opted out"))
            if pair:
                self._complete(str(pair), _SKIP)
            return
        if pair:
            result.creators += self._complete(str(pair), creator)
        elif request.context.get("chain"):
            # A seed has no pair: its social links are read before it is handed over (the
            # spider keeps a creator as it first arrives), the profile in the context.
            result.requests.append(self._request(
                self._url(f"/users/{quote(creator.handle, safe='')}/social_accounts"),
                "profile", via=request.context.get("via", "profile"), depth=request.depth,
                creator_id=creator.id, user=creator.model_dump(mode="json"),
            ))
        else:  # social accounts off, or `scout parse` on a saved profile
            result.creators.append(creator)

    def _complete(self, pair: str, half: Creator | list[str] | str) -> list[Creator]:
        """Keep the first half of a profile pair; with the second, the finished creator."""
        other = self._pairs.pop(pair, None)
        if other is None:
            self._pairs[pair] = half
            return []
        creator, links = (half, other) if isinstance(half, Creator) else (other, half)
        if not isinstance(creator, Creator) or not isinstance(links, list):
            return []  # one half was an opt-out or a refused profile
        return self._merge(creator, links)

    def _social(self, response: FetchResponse, data: Any, result: ParseResult) -> None:
        if not isinstance(data, list):
            raise MalformedResponse("social_accounts: expected a list")
        context = response.request.context
        user = context.get("user")
        if isinstance(user, dict):  # a seed's chained request
            creator = Creator.model_validate(user)
            result.creators += self._merge(creator, social_links(data))
        elif context.get("pair"):
            result.creators += self._complete(str(context["pair"]), social_links(data))
        # `scout parse` on saved social accounts alone: there is no profile to add them to

    @staticmethod
    def _merge(creator: Creator, links: list[str]) -> list[Creator]:
        merged = creator.links + [u for u in links if u not in creator.links]
        return [creator.model_copy(update={"links": merged})]

    def _repos(self, response: FetchResponse, data: Any, provenance: Provenance,
               result: ParseResult) -> None:
        if not isinstance(data, list):
            raise MalformedResponse("repos: expected a list")
        request = response.request
        context = request.context
        creator_id = request.creator_id
        if creator_id is None:  # `scout parse` on a saved page: the owner is in each repo
            first = next((r for r in data if isinstance(r, dict)), {})
            try:
                creator_id = user_ref(first.get("owner")).id
            except EntityError:
                creator_id = None
            creator_id = creator_id or f"{PLATFORM}:unknown"
        keep_text = bool(context.get("keep_text", True))
        seen = int(context.get("seen", 0))
        repairs = Repairs()
        for raw in data:
            if seen >= self.settings.max_posts:
                break
            if isinstance(raw, dict) and raw.get("fork") is True:
                continue  # a fork is someone else's work, like a boost
            try:
                post = parse_repo(raw, creator_id, provenance, keep_text, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            seen += 1
            result.posts.append(post)
        result.repaired += repairs.count
        next_url = parse_link_header(response.header("link")).get("next")
        if next_url and data and seen < self.settings.max_posts:
            result.requests.append(request.model_copy(
                update={"url": next_url, "context": {**context, "seen": seen}}))

    # -- refusals and rate limits ----------------------------------------------------------

    @staticmethod
    def _rate_limited(response: FetchResponse) -> bool:
        """GitHub's documented signs of a primary or secondary rate limit on a 403/429."""
        if response.status not in (403, 429):
            return False
        if response.status == 429 or (response.header("x-ratelimit-remaining") or "") == "0":
            return True
        if response.header("retry-after") is not None:
            return True
        return b"rate limit" in response.body[:4096].lower()

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """A 403 is a rate limit when GitHub says so (headers or message), else a block;
        451 (unavailable for legal reasons) is a block too."""
        refusal = super().refusal(response)
        if refusal is None:
            return None
        if self._rate_limited(response):
            return refusal.model_copy(update={"kind": "rate_limited"})
        if response.status == 451:
            return refusal.model_copy(update={"kind": "blocked"})
        return refusal

    def rate_limit(self, response: FetchResponse) -> RateLimit | None:
        """``x-ratelimit-*`` (reset in unix seconds) and ``retry-after``; a secondary limit
        that names no time means "wait at least one minute"."""
        info = super().rate_limit(response)
        if not self._rate_limited(response):
            return info
        info = info or RateLimit()
        if info.retry_after is None and not (info.remaining == 0 and info.reset_at):
            info = info.model_copy(update={"retry_after": SECONDARY_WAIT})
        return info

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """Social accounts are a bonus: when they are refused, keep the profile without.
        A refused profile closes its pair, so its social accounts are dropped."""
        kind, _ = self.endpoint(response.url)
        context = response.request.context
        pair = context.get("pair")
        if kind == "social" and isinstance(context.get("user"), dict):
            return ParseResult(creators=[Creator.model_validate(context["user"])])
        if kind == "social" and pair:
            return ParseResult(creators=self._complete(str(pair), []))
        if kind == "user" and pair:
            self._complete(str(pair), _SKIP)
        return None
