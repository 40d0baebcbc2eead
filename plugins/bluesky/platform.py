"""The Bluesky platform: discovery, profiles and recent posts through the public AppView.

Endpoints (``GET {base}/xrpc/{nsid}``, base ``https://public.api.bsky.app``, no login):

* discovery: ``app.bsky.actor.searchActors?q=`` per niche keyword (``cursor`` pages), the
  niche's seed accounts, and, only with an app password, ``app.bsky.feed.searchPosts``
  on the account's PDS (see :mod:`.session`);
* profiles: ``app.bsky.actor.getProfiles?actors=`` in batches of 25 (the lexicon's
  ``maxLength``); an actor missing from the answer is asked for alone with
  ``app.bsky.actor.getProfile``, whose error says why (``AccountDeactivated``,
  ``AccountTakedown``, "Profile not found"): such accounts are reported as gone;
* posts: ``app.bsky.feed.getAuthorFeed?actor=&filter=`` (``cursor`` pages): reposts
  (``reason: #reasonRepost``) are skipped, replies kept with ``is_reply``;
* snowball: mentions from facets and the authors replied to (one hop deeper), and
  ``app.bsky.graph.getFollows`` (bounded by ``follows_limit``).

Respect: accounts labelled ``!no-unauthenticated`` (logged-out visibility off) are skipped
and counted, wherever they are seen. Rate limits come as ``RateLimit-Limit``,
``RateLimit-Remaining``, ``RateLimit-Reset`` (unix seconds) and ``RateLimit-Policy``
(``N;w=S``); errors as ``{"error": Name, "message": text}``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins import jsonbody
from creatorscout.plugins.bluesky.entities import (
    REASON_REPOST,
    EntityError,
    Repairs,
    actor_ref,
    opt_out_reason,
    parse_post,
    parse_profile,
    reason_type,
    reply_parent_author,
)
from creatorscout.plugins.bluesky.identity import (
    PLATFORM,
    actor_from_link,
    actor_from_seed,
    is_did,
)
from creatorscout.plugins.bluesky.options import BlueskyOptions
from creatorscout.plugins.bluesky.session import (
    ENV_HANDLE,
    ENV_PASSWORD,
    Session,
    SessionError,
    credentials_from_env,
    session_from_answer,
    sign_in_failure,
    sign_in_request,
)
from creatorscout.plugins.matching import TermSet
from creatorscout.plugins.models import Creator, CreatorRef, utc_now
from creatorscout.plugins.niche import mentions_niche, niche_terms
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    RateLimit,
    Refusal,
    Skip,
    parse_rate_limit_headers,
)

logger = logging.getLogger(__name__)

SEARCH_ACTORS = "app.bsky.actor.searchActors"
GET_PROFILES = "app.bsky.actor.getProfiles"
GET_PROFILE = "app.bsky.actor.getProfile"
AUTHOR_FEED = "app.bsky.feed.getAuthorFeed"
GET_FOLLOWS = "app.bsky.graph.getFollows"
SEARCH_POSTS = "app.bsky.feed.searchPosts"
CREATE_SESSION_NSID = "com.atproto.server.createSession"
READS = (SEARCH_ACTORS, GET_PROFILES, GET_PROFILE, AUTHOR_FEED, GET_FOLLOWS, SEARCH_POSTS,
         CREATE_SESSION_NSID)
_NSID = re.compile(r"/xrpc/(?P<nsid>[A-Za-z0-9.-]+)$")
_POLICY_WINDOW = re.compile(r"w=(?P<seconds>\d+)")

GONE_ERRORS = frozenset({"AccountDeactivated", "AccountTakedown", "RepoNotFound",
                         "RepoDeactivated", "RepoTakendown", "RepoSuspended"})
GONE_MESSAGES = frozenset({"profile not found", "actor not found"})
BLOCKED_ERRORS = frozenset({"BlockedActor", "BlockedByActor"})
LOGIN_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthMissing",
                          "AuthenticationRequired"})


def _xrpc_error(body: bytes) -> tuple[str, str]:
    """``(error, message)`` of an XRPC error body (empty strings when it is not one)."""
    try:
        data = jsonbody.loads(body)
    except ValueError:
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    error, message = data.get("error"), data.get("message")
    return (error if isinstance(error, str) else "", message if isinstance(message, str) else "")


def with_cursor(url: str, cursor: str) -> str:
    """``url`` with its ``cursor`` parameter set to ``cursor`` (other parameters kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "cursor"]
    query.append(("cursor", cursor))
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_values(url: str, name: str) -> list[str]:
    """Every value of a query parameter (``actors=a&actors=b``)."""
    return [v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if k == name]


class Bluesky(Platform):
    """Bluesky, through the public AppView (``public.api.bsky.app``)."""

    name = PLATFORM
    title = "Bluesky"
    default_base_url = "https://public.api.bsky.app"
    profile_batch_size = 25  # app.bsky.actor.getProfiles: actors maxLength 25
    concurrency = 2
    Options = BlueskyOptions
    options: BlueskyOptions
    interactions = frozenset({"likes", "replies", "reposts", "quotes"})

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        super().__init__(settings)
        self._niche_terms: TermSet | None = None
        self._session: Session | None = None
        self._post_search_terms: list[str] = []

    # -- request builders ------------------------------------------------------------------

    def _url(self, nsid: str, params: Sequence[tuple[str, str]] = (),
             base: str | None = None) -> str:
        query = f"?{urlencode(list(params))}" if params else ""
        return f"{(base or self.base_url()).rstrip('/')}/xrpc/{nsid}{query}"

    def _request(self, url: str, purpose: Any, **fields: Any) -> FetchRequest:
        return FetchRequest(url=url, platform=self.name, purpose=purpose, **fields)

    def _search_terms(self, niche: Niche) -> list[str]:
        terms = self.options.search_terms or niche.all_keywords()
        return list(dict.fromkeys(t.strip() for t in terms if t.strip()))[
            : self.options.max_search_terms
        ]

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        options = self.options
        self._niche_terms = niche_terms(niche).terms
        terms = self._search_terms(niche)
        if options.search_actors:
            for term in terms:
                params = [("q", term), ("limit", str(options.search_page_size))]
                yield self._request(self._url(SEARCH_ACTORS, params), "discover",
                                    context={"via": f"search:{term}", "page": 1})
        seeds: list[str] = []
        for seed in niche.seeds.get(self.name, []):
            actor = actor_from_seed(seed)
            if actor is None:
                logger.warning("bluesky: seed %r is not a handle, DID or bsky.app profile "
                               "link; it is left out", seed)
            elif actor not in seeds:
                seeds.append(actor)
        for start in range(0, len(seeds), self.profile_batch_size):
            batch = seeds[start : start + self.profile_batch_size]
            yield self._request(self._url(GET_PROFILES, [("actors", a) for a in batch]),
                                "profile", context={"via": "seed"})
        self._post_search_terms = terms + [f"#{tag}" for tag in niche.hashtags]
        if self._session is not None:
            yield from self._post_searches(self._session)
        else:
            yield from self._sign_in()

    def _sign_in(self) -> Iterable[FetchRequest]:
        """The sign-in request post search needs (its answer, parsed, starts post search),
        or nothing with one line saying why."""
        if not self.options.search_posts:
            return
        credentials = credentials_from_env()
        if credentials is None:
            logger.warning(
                "bluesky: post search is off: it needs an app password; set %s and %s "
                "(or platforms.bluesky.search_posts: false to silence this). Account search, "
                "seeds, mentions and follows still run.", ENV_HANDLE, ENV_PASSWORD,
            )
            return
        handle, password = credentials
        yield sign_in_request(self.name, self.options.auth_service, handle, password)

    def _post_searches(self, session: Session) -> Iterable[FetchRequest]:
        for term in self._post_search_terms:
            params = [("q", term), ("sort", "latest"),
                      ("limit", str(self.options.search_page_size))]
            yield self._request(
                self._url(SEARCH_POSTS, params, base=session.service), "discover",
                headers=session.headers(), context={"via": f"post-search:{term}", "page": 1},
            )

    def _signed_in(self, response: FetchResponse) -> ParseResult:
        """A createSession answer: keep the session, start post search."""
        handle = (credentials_from_env() or ("", ""))[0]
        try:
            self._session = session_from_answer(self.options.auth_service, handle,
                                                response.body)
        except SessionError as exc:
            logger.warning("bluesky: post search is off: %s", exc)
            return ParseResult()
        return ParseResult(requests=list(self._post_searches(self._session)))

    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        by_depth: dict[int, list[Candidate]] = {}
        for candidate in candidates:
            by_depth.setdefault(candidate.depth, []).append(candidate)
        for depth, group in sorted(by_depth.items()):
            for start in range(0, len(group), self.profile_batch_size):
                batch = group[start : start + self.profile_batch_size]
                actors = [
                    c.ref.native_id or c.ref.lookup.get("actor") or c.ref.handle or ""
                    for c in batch
                ]
                params = [("actors", a) for a in dict.fromkeys(actors) if a]
                if not params:
                    continue
                yield self._request(self._url(GET_PROFILES, params), "profile", depth=depth,
                                    context={"via": batch[0].via})

    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        did = creator.native_id
        options = self.options
        params = [("actor", did), ("limit", str(min(100, self.settings.max_posts))),
                  ("filter", options.author_feed_filter)]
        yield self._request(
            self._url(AUTHOR_FEED, params), "posts", depth=depth, creator_id=creator.id,
            context={"seen": 0, "keep_text": not creator.flags.no_post_text},
        )
        if options.follows_limit and depth < self.settings.snowball_depth:
            params = [("actor", did), ("limit", str(min(100, options.follows_limit)))]
            yield self._request(self._url(GET_FOLLOWS, params), "graph", depth=depth,
                                creator_id=creator.id, context={"read": 0, "page": 1})

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Bluesky profiles another platform's creator links to: ``bsky.app/profile/X``
        links and ``https://X.bsky.social`` (a handle written as a URL)."""
        if creator.platform == self.name:
            return []
        found: list[Candidate] = []
        for link in dict.fromkeys([*creator.links, *creator.me_links]):
            actor = actor_from_link(link)
            if actor is None or any(c.ref.lookup["actor"] == actor for c in found):
                continue
            ref = CreatorRef(
                platform=self.name, native_id=actor if is_did(actor) else None,
                handle=None if is_did(actor) else actor, url=link, lookup={"actor": actor},
            )
            found.append(Candidate(ref=ref, depth=depth, via=f"link:{creator.id}"))
        return found

    # -- parsing ---------------------------------------------------------------------------

    @staticmethod
    def _nsid(url: str) -> str:
        match = _NSID.search(urlsplit(url).path.rstrip("/"))
        if not match or match.group("nsid") not in READS:
            raise MalformedResponse(f"not a Bluesky XRPC method this plugin reads: {url}")
        return match.group("nsid")

    def owns_url(self, url: str) -> bool:
        try:
            self._nsid(url)
        except MalformedResponse:
            return False
        return True

    def parse(self, response: FetchResponse) -> ParseResult:
        nsid = self._nsid(response.url)
        if nsid == CREATE_SESSION_NSID:
            return self._signed_in(response)
        data = response.json()
        if not isinstance(data, dict):
            raise MalformedResponse(f"{nsid}: expected a JSON object")
        result = ParseResult()
        if nsid in (SEARCH_ACTORS, SEARCH_POSTS):
            self._search(response, nsid, data, result)
        elif nsid in (GET_PROFILES, GET_PROFILE):
            self._profiles(response, nsid, data, result)
        elif nsid == AUTHOR_FEED:
            self._feed(response, data, result)
        else:
            self._follows(response, data, result)
        return result

    def _next_page(self, response: FetchResponse, data: dict[str, Any], result: ParseResult,
                   count: int, **context: Any) -> None:
        """Ask for the page after this one while there is a new cursor and items came."""
        cursor = data.get("cursor")
        request = response.request
        if not isinstance(cursor, str) or not cursor or count == 0:
            return
        if query_values(response.url, "cursor") == [cursor]:
            return  # the same cursor again: the listing does not move on
        merged = {**request.context, **context}
        result.requests.append(request.model_copy(
            update={"url": with_cursor(response.url, cursor), "context": merged}
        ))

    def _search(self, response: FetchResponse, nsid: str, data: dict[str, Any],
                result: ParseResult) -> None:
        """Search results: accounts (searchActors) or the authors of posts (searchPosts)."""
        key = "actors" if nsid == SEARCH_ACTORS else "posts"
        items = data.get(key)
        if not isinstance(items, list):
            raise MalformedResponse(f"{nsid}: expected a list in '{key}'")
        request = response.request
        query = next(iter(query_values(response.url, "q")), "")
        via = str(request.context.get("via") or f"search:{query}")
        seen: set[str] = set()
        for raw in items:
            view = raw if nsid == SEARCH_ACTORS else (
                raw.get("author") if isinstance(raw, dict) else None)
            try:
                ref = actor_ref(view)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            assert isinstance(view, dict) and ref.id is not None
            if ref.id in seen:
                continue
            seen.add(ref.id)
            reason = opt_out_reason(view)
            if reason is not None:
                result.skipped.append(Skip(key=ref.key, reason=reason))
            else:
                result.candidates.append(Candidate(ref=ref, depth=request.depth, via=via))
        page = int(request.context.get("page", 1))
        if page < self.settings.discovery_pages:
            self._next_page(response, data, result, len(items), page=page + 1)

    def _profiles(self, response: FetchResponse, nsid: str, data: dict[str, Any],
                  result: ParseResult) -> None:
        """Profiles (opted-out ones flagged); actors missing from a batch asked alone."""
        profiles = [data] if nsid == GET_PROFILE else data.get("profiles")
        if not isinstance(profiles, list):
            raise MalformedResponse(f"{nsid}: expected a list in 'profiles'")
        provenance = self.provenance(response.url)
        repairs = Repairs()
        found: set[str] = set()
        for raw in profiles:
            try:
                creator = parse_profile(raw, provenance, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            found.add(creator.native_id)
            handle = raw.get("handle") if isinstance(raw, dict) else None
            if isinstance(handle, str):
                found.add(handle.lower())
            result.creators.append(creator)
        result.repaired += repairs.count
        if nsid != GET_PROFILES:
            return
        request = response.request
        for actor in dict.fromkeys(query_values(response.url, "actors")):
            if actor in found or actor.lower() in found:
                continue
            # getProfiles silently leaves out deleted, deactivated, taken-down and unknown
            # accounts; getProfile says which it is (and the crawler counts it as gone).
            result.requests.append(self._request(
                self._url(GET_PROFILE, [("actor", actor)]), "profile", depth=request.depth,
                creator_id=f"{PLATFORM}:{actor}", context={"via": request.context.get("via")},
            ))

    def _feed(self, response: FetchResponse, data: dict[str, Any], result: ParseResult) -> None:
        feed = data.get("feed")
        if not isinstance(feed, list):
            raise MalformedResponse(f"{AUTHOR_FEED}: expected a list in 'feed'")
        request = response.request
        context = request.context
        creator_id = request.creator_id
        if creator_id is None:  # `scout parse` on a saved page: the actor is in the URL
            actor = next(iter(query_values(response.url, "actor")), "")
            creator_id = f"{PLATFORM}:{actor}" if is_did(actor) else None
        provenance = self.provenance(response.url)
        keep_text = bool(context.get("keep_text", True))
        seen = int(context.get("seen", 0))
        repairs = Repairs()
        mentioned: set[str] = set()
        for item in feed:
            if seen >= self.settings.max_posts:
                break
            if not isinstance(item, dict) or not isinstance(item.get("post"), dict):
                result.malformed += 1
                continue
            if reason_type(item) == REASON_REPOST:
                continue  # someone else's post this creator reposted
            try:
                post = parse_post(item["post"], provenance, keep_text, repairs)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            if creator_id is None:
                creator_id = post.creator_id
            if post.creator_id != creator_id:
                continue  # not the creator's own post (a feed item we do not expect)
            parent = reply_parent_author(item) if post.is_reply else None
            if parent is not None and parent.id != creator_id and all(
                m.id != parent.id for m in post.mentions
            ):
                post.mentions.append(parent)  # a reply addresses its parent's author
            seen += 1
            result.posts.append(post)
            for ref in post.mentions:
                if ref.key not in mentioned:
                    mentioned.add(ref.key)
                    result.candidates.append(
                        Candidate(ref=ref, depth=request.depth + 1, via="mention")
                    )
        result.repaired += repairs.count
        if seen < self.settings.max_posts:
            self._next_page(response, data, result, len(feed), seen=seen)

    def _follows(self, response: FetchResponse, data: dict[str, Any],
                 result: ParseResult) -> None:
        follows = data.get("follows")
        if not isinstance(follows, list):
            raise MalformedResponse(f"{GET_FOLLOWS}: expected a list in 'follows'")
        request = response.request
        limit = self.options.follows_limit
        read = int(request.context.get("read", 0))
        subject = data.get("subject")
        whose = subject.get("handle") if isinstance(subject, dict) else None
        via = f"follows:{whose}" if isinstance(whose, str) else "follows"
        for raw in follows:
            if read >= limit:
                break
            read += 1
            try:
                ref = actor_ref(raw)
            except (EntityError, ValidationError):
                result.malformed += 1
                continue
            assert isinstance(raw, dict)
            reason = opt_out_reason(raw)
            if reason is not None:
                result.skipped.append(Skip(key=ref.key, reason=reason))
            elif self._in_niche(raw):
                result.candidates.append(Candidate(ref=ref, depth=request.depth + 1, via=via))
        page = int(request.context.get("page", 1))
        if read < limit and page < self.settings.discovery_pages:
            self._next_page(response, data, result, len(follows), read=read, page=page + 1)

    def _in_niche(self, view: dict[str, Any]) -> bool:
        """Whether a followed account's own words mention the niche (when filtering), by
        the rules the crawler matches profiles with."""
        if not (self.options.follows_niche_filter and self._niche_terms):
            return True
        texts = (view.get("displayName"), view.get("description"), view.get("handle"))
        return mentions_niche(self._niche_terms, *(t for t in texts if isinstance(t, str)))

    # -- refusals and rate limits ------------------------------------------------------------

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """XRPC errors are 400s with a name: gone accounts, blocks, expired sessions.

        Post search without a session is a 403 (an HTML page from the AppView's CDN):
        that means a login is required, not that we are blocked.
        """
        refusal = super().refusal(response)
        if refusal is None:
            return None
        error, message = _xrpc_error(response.body)
        kind = refusal.kind
        if response.status == 400:
            if error in GONE_ERRORS or message.strip().lower() in GONE_MESSAGES:
                kind = "gone"
            elif error in BLOCKED_ERRORS:
                kind = "blocked"
            elif error in LOGIN_ERRORS:
                kind = "login_required"
        elif response.status == 403:
            try:
                if self._nsid(response.url) == SEARCH_POSTS:
                    kind = "login_required"
            except MalformedResponse:
                pass
        text = f"{error}: {message}" if error else refusal.message
        return refusal.model_copy(update={"kind": kind, "message": text[:200]})

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """A refused sign-in turns post search off, in one line that says why."""
        try:
            nsid = self._nsid(response.url)
        except MalformedResponse:
            return None
        if nsid != CREATE_SESSION_NSID:
            return None
        failure = sign_in_failure(self.options.auth_service, response.status, response.body)
        logger.warning("bluesky: post search is off: %s", failure)
        return ParseResult()

    def rate_limit(self, response: FetchResponse) -> RateLimit | None:
        """``RateLimit-*`` headers (reset in unix seconds); when a reset is missing, the
        window of ``RateLimit-Policy: N;w=S`` bounds it."""
        info = parse_rate_limit_headers(response.headers)
        policy = response.header("ratelimit-policy")
        match = _POLICY_WINDOW.search(policy or "")
        if match and (info is None or info.reset_at is None):
            reset = utc_now() + timedelta(seconds=int(match.group("seconds")))
            info = (info or RateLimit()).model_copy(update={"reset_at": reset})
        return info
