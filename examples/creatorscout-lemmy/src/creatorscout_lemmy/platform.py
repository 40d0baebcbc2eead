"""The Lemmy platform: creators who post about a niche, through Lemmy's public v3 API.

Endpoints (Lemmy 0.19, ``/api/v3``, documented in lemmy-js-client):

* discovery: ``GET /api/v3/search?q=TERM&type_=Posts`` (authors of matching posts, on
  every configured instance) and ``GET /api/v3/post/list?community_name=C`` (authors of
  a community's recent posts, paginated with ``page_cursor``/``next_page``);
* profiles: ``GET /api/v3/user?username=name@home&limit=1`` (the ``person_view``);
* posts: ``GET /api/v3/user?username=name@home&sort=New&limit=20&page=N``, page by page.

Refusals: Lemmy 0.19 answers most errors with HTTP 400 and ``{"error": "<code>"}``,
even "rate limited" and "not found"; :meth:`Lemmy.refusal` reads the code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from creatorscout.config.schema import Niche
from creatorscout.plugins import (
    Candidate,
    Creator,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    Provenance,
    Refusal,
    Skip,
    secret_from_env,
)
from creatorscout.plugins.platform import Purpose, RefusalKind
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout_lemmy.entities import (
    EntityError,
    Repairs,
    opt_out_reason,
    parse_person_view,
    parse_post_view,
    person_ref,
)

TOKEN_ENV = "LEMMY_JWT"
PAGE_SIZE = 20


#: Lemmy's error codes (``{"error": "..."}``) and what they mean for a crawler.
ERRORS: dict[str, RefusalKind] = {
    "rate_limit_error": "rate_limited",
    "couldnt_find_person": "gone",
    "couldnt_find_post": "gone",
    "couldnt_find_community": "gone",
    "deleted": "gone",
    "not_logged_in": "login_required",
    "instance_is_private": "login_required",
    "site_ban": "blocked",
    "instance_is_blocked": "blocked",
    "person_is_blocked": "blocked",
}


class LemmyOptions(BaseModel):
    """The ``platforms.lemmy`` section of a niche file."""

    model_config = ConfigDict(extra="forbid")

    instances: list[str] = Field(
        default_factory=lambda: ["lemmy.world"], description="Instances whose search is read"
    )
    communities: list[str] = Field(
        default_factory=list, description="Communities whose posts are read, e.g. vegan@lemmy.world"
    )
    max_search_terms: int = Field(default=5, ge=0, description="Keywords searched per instance")


class Lemmy(Platform):
    """Lemmy, the federated link aggregator."""

    name = "lemmy"
    title = "Lemmy (fediverse)"
    default_base_url = "https://{instance}"
    profile_batch_size = 1  # one person per /api/v3/user request
    concurrency = 2
    Options = LemmyOptions  # validated when the niche loads: a typo stops the crawl
    options: LemmyOptions
    endpoints = [
        Endpoint("search", r"/api/v3/search$"),
        Endpoint("community", r"/api/v3/post/list$"),
        Endpoint("user", r"/api/v3/user$"),
    ]
    interactions = frozenset({"likes", "replies"})  # upvotes and comments; no reposts
    has_followers = False  # Lemmy people have no followers

    # -- requests ----------------------------------------------------------------------------

    def _request(
        self, instance: str, path: str, params: list[tuple[str, str]], purpose: Purpose,
        **fields: Any,
    ) -> FetchRequest:
        headers = {}
        token = secret_from_env(TOKEN_ENV)  # a SecretStr: printed, it shows no value
        if token:  # Lemmy 0.19 reads the JWT from this header; never put it in the URL
            headers["Authorization"] = f"Bearer {token.get_secret_value()}"
        context = {"instance": instance, **fields.pop("context", {})}
        url = f"{self.base_url(instance)}{path}?{urlencode(params)}"
        return FetchRequest(
            url=url, platform=self.name, purpose=purpose, headers=headers, context=context,
            **fields,
        )

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        terms = list(dict.fromkeys(niche.hashtags + niche.all_keywords()))
        for instance in self.options.instances:
            for term in terms[: self.options.max_search_terms]:
                params = [("q", term), ("type_", "Posts"), ("listing_type", "All"),
                          ("sort", "New"), ("limit", str(PAGE_SIZE)), ("page", "1")]
                yield self._request(instance, "/api/v3/search", params, "discover",
                                    context={"via": f"search:{term}", "page": 1})
        for community in self.options.communities:
            instance = community.partition("@")[2] or self.options.instances[0]
            params = [("community_name", community), ("sort", "New"),
                      ("limit", str(PAGE_SIZE))]
            yield self._request(instance, "/api/v3/post/list", params, "discover",
                                context={"via": f"community:{community}", "page": 1})

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        for candidate in candidates:
            lookup = candidate.ref.lookup
            if not lookup.get("username"):
                continue
            params = [("username", f"{lookup['username']}@{lookup['domain']}"), ("limit", "1")]
            yield self._request(
                lookup["instance"], "/api/v3/user", params, "profile",
                creator_id=candidate.ref.id, depth=candidate.depth,
                context={"via": candidate.via},
            )

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        lookup = creator.lookup
        params = [("username", f"{lookup['username']}@{lookup['domain']}"), ("sort", "New"),
                  ("limit", str(PAGE_SIZE)), ("page", "1")]
        yield self._request(
            lookup["instance"], "/api/v3/user", params, "posts", creator_id=creator.id,
            depth=depth, context={"page": 1, "seen": 0,
                                  "keep_text": not creator.flags.no_post_text},
        )

    # -- parsing -------------------------------------------------------------------------------

    def parse(self, response: FetchResponse) -> ParseResult:
        endpoint, _ = self.endpoint(response.url)  # MalformedResponse for any other URL
        data = response.json()
        if not isinstance(data, dict):
            raise MalformedResponse(f"{endpoint}: expected a JSON object")
        request = response.request
        instance = request.context.get("instance") or self.instance_of(response.url)
        provenance = self.provenance(response.url)
        result = ParseResult()
        if endpoint in ("search", "community"):
            self._authors(data, instance, request, result)
        else:
            self._user(data, instance, request, provenance, result)
        return result

    def _authors(
        self, data: dict[str, Any], instance: str, request: FetchRequest, result: ParseResult
    ) -> None:
        """Search results and community listings: the authors become candidates."""
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise MalformedResponse("expected a 'posts' list")
        via = str(request.context.get("via", "search"))
        for view in posts:
            try:
                person = view["creator"]
                ref = person_ref(person, instance)
            except (EntityError, KeyError, TypeError):
                result.malformed += 1
                continue
            reason = opt_out_reason(person)
            if reason:
                result.skipped.append(Skip(key=ref.key, reason=reason))
                continue
            result.candidates.append(Candidate(ref=ref, depth=request.depth, via=via))
        page = int(request.context.get("page", 1))
        if not posts or page >= self.settings.discovery_pages:
            return
        cursor = data.get("next_page")
        if self.endpoint(request.url)[0] == "community":
            if not cursor:
                return
            url = _with_param(request.url, "page_cursor", str(cursor))
        else:
            url = _with_param(request.url, "page", str(page + 1))
        result.requests.append(request.model_copy(
            update={"url": url, "context": {**request.context, "page": page + 1}}
        ))

    def _user(
        self, data: dict[str, Any], instance: str, request: FetchRequest,
        provenance: Provenance, result: ParseResult,
    ) -> None:
        """``GET /api/v3/user``: the profile, and the posts when we asked for posts."""
        repairs = Repairs()
        try:
            creator = parse_person_view(data.get("person_view"), instance, provenance, repairs)
        except (EntityError, ValidationError) as exc:
            raise MalformedResponse(f"user: unusable person_view: {exc}") from exc
        if creator.flags.opted_out:
            reason = creator.flags.opt_out_reason or "opted out"
            result.skipped.append(Skip(key=creator.id, reason=reason))
            return
        if request.purpose != "posts":
            result.creators.append(creator)
        if request.purpose in ("posts", "discover"):  # "discover": `scout parse` of a page
            self._posts(data, request.creator_id or creator.id, request, provenance, result,
                        repairs)
        result.repaired += repairs.count

    def _posts(
        self, data: dict[str, Any], creator_id: str, request: FetchRequest,
        provenance: Provenance, result: ParseResult, repairs: Repairs,
    ) -> None:
        posts = data.get("posts")
        if not isinstance(posts, list):
            raise MalformedResponse("user: expected a 'posts' list")
        seen = int(request.context.get("seen", 0))
        keep_text = bool(request.context.get("keep_text", True))
        for view in posts:
            if seen >= self.settings.max_posts:
                break
            if isinstance(view, dict) and isinstance(view.get("post"), dict) and (
                    view["post"].get("deleted") or view["post"].get("removed")):
                continue  # gone from the platform: not the creator's output any more
            try:
                post = parse_post_view(view, creator_id, provenance, repairs, keep_text)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            result.posts.append(post)
            seen += 1
        page = int(request.context.get("page", 1))
        if len(posts) >= PAGE_SIZE and seen < self.settings.max_posts:
            url = _with_param(request.url, "page", str(page + 1))
            result.requests.append(request.model_copy(
                update={"url": url, "context": {**request.context, "page": page + 1,
                                                "seen": seen}}
            ))

    # -- refusals ------------------------------------------------------------------------------

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Lemmy 0.19 refuses with HTTP 400 and an error code in the body; map the codes
        to what they mean (rate limited, gone, login required, blocked)."""
        refusal = super().refusal(response)
        if refusal is None or response.status != 400:
            return refusal
        try:
            code = json.loads(response.body).get("error")
        except (ValueError, AttributeError):
            return refusal
        kind = ERRORS.get(code) if isinstance(code, str) else None
        if kind is None:
            return refusal
        return refusal.model_copy(update={"kind": kind, "message": code})


def _with_param(url: str, key: str, value: str) -> str:
    """``url`` with the query parameter ``key`` set to ``value``."""
    parts = urlsplit(url)
    pairs = [p for p in parts.query.split("&") if p and not p.startswith(f"{key}=")]
    pairs.append(urlencode([(key, value)]))
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{'&'.join(pairs)}"
