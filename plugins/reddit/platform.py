"""Reddit through its Data API (www.reddit.com/dev/api), application-only OAuth.

Sign-in (github.com/reddit-archive/reddit/wiki/OAuth2, "Application Only OAuth"): a
``POST https://www.reddit.com/api/v1/access_token`` with HTTP Basic auth (the app's client
id and secret, from ``REDDIT_CLIENT_ID`` and ``REDDIT_CLIENT_SECRET``) and
``grant_type=client_credentials``, made through the crawler like any request; the bearer
token it returns goes in the ``Authorization`` header of every API call to
``https://oauth.reddit.com`` and is never logged or stored. A 401 signs in again once.

Every request carries a User-Agent in the form Reddit requires,
``<platform>:<app id>:<version> (by /u/<username>)`` (``platforms.reddit.user_agent`` or
``REDDIT_USER_AGENT``; the default names creatorscout and ``REDDIT_USERNAME``). Limits:
100 queries a minute per client id, told by ``X-Ratelimit-Used``, ``-Remaining`` and
``-Reset`` (seconds until the window ends), which the crawler paces by.

* discovery: ``/subreddits/search?q=`` per niche keyword and the niche's
  ``platforms.reddit.subreddits``; each subreddit's ``top`` (``t=month``) and ``new``
  posts; their authors become candidates (``[deleted]`` and bots skipped);
* profiles: ``/user/NAME/about``; ``hide_from_robots`` is an opt-out (skipped and
  counted), suspended accounts are gone;
* posts: ``/user/NAME/submitted?sort=new``, Listings paged with ``after``; every call
  asks for ``raw_json=1``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout import __version__
from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, CreatorRef
from creatorscout.plugins.oauth import AppSignIn
from creatorscout.plugins.pages import first_posts_page, read_post_page
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    PlatformSettings,
    Refusal,
    Skip,
)
from creatorscout.plugins.reddit.entities import (
    PLATFORM,
    EntityError,
    author_ref,
    parse_account,
    parse_link,
    things,
)
from creatorscout.plugins.web import Repairs, links_on, with_param

ID_VARIABLE = "REDDIT_CLIENT_ID"
SECRET_VARIABLE = "REDDIT_CLIENT_SECRET"
MAX_LIMIT = 100
_USERNAME = re.compile(r"^[A-Za-z0-9_-]{3,20}$")

ENDPOINTS = [
    Endpoint("subreddits", r"/subreddits/search(\.json)?$"),
    Endpoint("subreddit", r"/r/(?P<sub>[^/]+)/(?P<sort>top|new|hot)(\.json)?$"),
    Endpoint("about", r"/user/(?P<name>[^/]+)/about(\.json)?$"),
    Endpoint("submitted", r"/user/(?P<name>[^/]+)/submitted(\.json)?$"),
]


Sort = Literal["top", "new", "hot"]


class RedditOptions(BaseModel):
    """The ``platforms.reddit`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    subreddits: list[str] = Field(default_factory=list,
                                  description="Subreddits read whatever the search finds")
    search_subreddits: bool = Field(default=True,
                                    description="Find subreddits matching the keywords")
    max_search_terms: int = Field(default=5, ge=0, description="Keywords searched")
    max_subreddits: int = Field(default=5, ge=1, description="Subreddits found per search")
    sorts: list[Sort] = Field(default_factory=lambda: list[Sort](["top", "new"]),
                              description="Listings read per subreddit")
    top_period: Literal["hour", "day", "week", "month", "year", "all"] = "month"
    page_size: int = Field(default=100, ge=1, le=MAX_LIMIT)
    user_agent: str | None = Field(
        default=None, description="<platform>:<app id>:<version> (by /u/<username>)")


def _sub(name: str) -> str:
    return name.strip().removeprefix("/").removeprefix("r/").strip("/")


class Reddit(AppSignIn):
    """Reddit users found through the subreddits of a niche."""

    name = PLATFORM
    title = "Reddit"
    default_base_url = "https://oauth.reddit.com"
    profile_batch_size = 1  # /user/NAME/about takes one name
    concurrency = 1
    Options = RedditOptions
    options: RedditOptions
    endpoints = ENDPOINTS
    client_variables = (ID_VARIABLE, SECRET_VARIABLE)
    token_host = "https://www.reddit.com"
    token_path = "/api/v1/access_token"
    token_scheme = "bearer"  # as Reddit's OAuth2 wiki writes it
    interactions = frozenset({"likes", "replies"})  # score and comments
    has_opt_out = True  # hide_from_robots

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self._subreddits: set[str] = set()

    # -- requests --------------------------------------------------------------------------

    def user_agent(self) -> str:
        """The User-Agent Reddit's API rules ask for."""
        configured = self.options.user_agent or os.environ.get("REDDIT_USER_AGENT", "")
        if configured.strip():
            return configured.strip()
        user = os.environ.get("REDDIT_USERNAME", "").strip() or "creatorscout"
        return f"python:creatorscout:{__version__} (by /u/{user})"

    def identity_headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent()}

    def _request(self, path: str, params: Sequence[tuple[str, str]],
                 purpose: Literal["discover", "profile", "posts"], **context: Any
                 ) -> FetchRequest:
        depth = int(context.pop("depth", 0))
        creator_id = context.pop("creator_id", None)
        query = urlencode([*params, ("raw_json", "1")])
        return FetchRequest(url=f"{self.base_url()}{path}?{query}", platform=self.name,
                            purpose=purpose, depth=depth, creator_id=creator_id,
                            headers=self.api_headers(), context=context)

    def discovery(self, niche: Niche) -> list[FetchRequest]:
        requests = []
        for sub in self.options.subreddits:
            requests += self._listings(_sub(sub), 0)
        if self.options.search_subreddits:
            for term in niche.all_keywords()[: self.options.max_search_terms]:
                requests.append(self._request(
                    "/subreddits/search", [("q", term), ("limit", "25")], "discover",
                    via=f"subreddits:{term}"))
        return requests

    def _listings(self, sub: str, depth: int) -> list[FetchRequest]:
        if not sub or sub.lower() in self._subreddits:
            return []
        self._subreddits.add(sub.lower())
        requests = []
        for sort in self.options.sorts:
            params = [("limit", str(self.options.page_size))]
            if sort == "top":
                params.insert(0, ("t", self.options.top_period))
            requests.append(self._request(f"/r/{quote(sub, safe='')}/{sort}", params,
                                          "discover", via=f"r/{sub}", page=1, depth=depth))
        return requests

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        for candidate in candidates:
            name = candidate.ref.lookup.get("name") or candidate.ref.handle
            if name:
                yield self._request(f"/user/{quote(name, safe='')}/about", [], "profile",
                                    via=candidate.via, depth=candidate.depth,
                                    creator_id=candidate.ref.id)

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Reddit users another platform's creator links to: ``reddit.com/user/NAME`` and
        ``reddit.com/u/NAME`` (none without keys: only the API reads them)."""
        if creator.platform == self.name or not self.has_keys:
            return []
        found: dict[str, Candidate] = {}
        for link, segments in links_on(creator, "reddit.com", "old."):
            if len(segments) < 2 or segments[0] not in ("user", "u"):
                continue
            name = segments[1]
            if _USERNAME.match(name) and name.lower() not in found:
                found[name.lower()] = Candidate(
                    ref=CreatorRef(platform=self.name, handle=name, url=link,
                                   lookup={"name": name}),
                    depth=depth, via=f"link:{creator.id}")
        return list(found.values())

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        name = creator.lookup.get("name") or creator.handle
        limit = str(min(MAX_LIMIT, self.settings.max_posts))
        yield self._request(f"/user/{quote(name, safe='')}/submitted",
                            [("sort", "new"), ("limit", limit)], "posts",
                            creator_id=creator.id, depth=depth, **first_posts_page(creator))

    # -- parsing ---------------------------------------------------------------------------

    def parse_answer(self, response: FetchResponse, kind: str, data: Any,
                     result: ParseResult) -> None:
        if kind == "about":
            self._about(response, data, result)
        else:
            wanted = {"subreddits": "t5", "subreddit": "t3", "submitted": "t3"}[kind]
            try:
                items, bad, after = things(data, wanted)
            except EntityError as exc:
                raise MalformedResponse(f"{kind}: {exc}") from exc
            result.malformed += bad
            if kind == "subreddits":
                self._subreddit_hits(response, items, result)
            elif kind == "subreddit":
                self._authors(response, items, result)
            else:
                self._submitted(response, items, after, result)
                return
            self._next_page(response, len(items), after, result)

    def _subreddit_hits(self, response: FetchResponse, items: list[dict[str, Any]],
                        result: ParseResult) -> None:
        found = 0
        for item in items:
            name = item.get("display_name")
            if not isinstance(name, str) or not name:
                result.malformed += 1
                continue
            if item.get("over18") is True:
                continue  # adult communities are no brand's place to look
            if found < self.options.max_subreddits:
                found += 1
                result.requests += self._listings(name, response.request.depth)

    def _authors(self, response: FetchResponse, items: list[dict[str, Any]],
                 result: ParseResult) -> None:
        request = response.request
        seen: set[str] = set()
        for item in items:
            ref = author_ref(item)
            if ref is None:
                continue  # [deleted], AutoModerator
            if ref.key not in seen:
                seen.add(ref.key)
                result.candidates.append(Candidate(
                    ref=ref, depth=request.depth, via=str(request.context.get("via", "r/")),
                    # a subreddit's posters talk about many things: their own posts decide
                    needs_niche_match=True))

    def _next_page(self, response: FetchResponse, count: int, after: str | None,
                   result: ParseResult) -> None:
        request = response.request
        page = int(request.context.get("page", 1))
        if after and count and page < self.settings.discovery_pages:
            url = with_param(response.url, "after", after)
            result.requests.append(request.model_copy(
                update={"url": url, "context": {**request.context, "page": page + 1}}))

    def _about(self, response: FetchResponse, data: Any, result: ParseResult) -> None:
        repairs = Repairs()
        try:
            account = parse_account(data, self.provenance(response.url), repairs)
        except (EntityError, ValidationError) as exc:
            raise MalformedResponse(f"about: {exc}") from exc
        result.repaired += repairs.count
        name = self.endpoint(response.url)[1]["name"]
        if account == "suspended":
            result.skipped.append(Skip(key=response.request.creator_id or
                                       f"{PLATFORM}:{name}", reason="suspended"))
        elif isinstance(account, Creator):
            if account.flags.opted_out:
                result.skipped.append(Skip(key=account.id, reason="hide_from_robots"))
            else:
                result.creators.append(account)

    def _submitted(self, response: FetchResponse, items: list[dict[str, Any]],
                   after: str | None, result: ParseResult) -> None:
        creator_id = response.request.creator_id or next(
            (f"{PLATFORM}:{i['author_fullname'][3:]}" for i in items
             if str(i.get("author_fullname", "")).startswith("t2_")), f"{PLATFORM}:unknown")
        next_url = with_param(response.url, "after", after) if after else None
        read_post_page(self, response, items, parse_link, creator_id, next_url, result)

    # -- refusals --------------------------------------------------------------------------

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Reddit says ``{"message", "error"}`` or, for subreddits, ``{"reason"}``:
        ``private`` and ``quarantined`` need a login, ``banned`` is gone."""
        refusal = super().refusal(response)
        if refusal is None:
            return None
        try:
            reason = json.loads(response.body).get("reason")
        except (ValueError, AttributeError):
            reason = None
        if reason in ("private", "quarantined", "gold_only"):
            return refusal.model_copy(update={"kind": "login_required", "message": reason})
        if reason == "banned":
            return refusal.model_copy(update={"kind": "gone", "message": reason})
        return refusal
