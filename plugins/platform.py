"""The ``Platform`` base class: what a platform plugin must do.

A plugin never talks to the network itself. It *describes* requests
(:class:`FetchRequest`) and *parses* responses (:class:`FetchResponse`) into a
:class:`ParseResult`. The crawler (Scrapy) does the fetching, politeness, retries and
rate limiting. That keeps plugins small, free of Scrapy, and testable from saved
responses (``scout parse``).

The life of a creator in a crawl:

1. :meth:`Platform.discover` yields discovery requests for a niche (hashtag timelines,
   keyword search, directories). Parsing them yields full :class:`Creator` profiles when
   the response embeds them, or :class:`Candidate` references when it does not.
2. :meth:`Platform.profile_requests` fetches candidates' profiles, batched up to
   :attr:`Platform.profile_batch_size` per request where the API allows.
3. :meth:`Platform.posts_requests` fetches a creator's recent posts; parsing them yields
   :class:`Post` objects, the mentions inside them (new candidates, one hop deeper), and
   a next-page request while more posts are wanted.

A profile response may also carry the creator's recent posts (a podcast or blog feed is
both): posts returned with the creator in the same :class:`ParseResult` are kept, and
:meth:`Platform.posts_requests` may then yield nothing.

Creators found through other creators' links (a website in a Mastodon bio, a podcast's
home page) come from :meth:`Platform.candidates_from_links`: when any platform's creator
is accepted, the crawler asks every platform of the crawl which of its links it can follow.

Opt-outs are the plugin's to detect (each platform signals them differently): a creator
who opted out is returned with ``flags.opted_out`` set and a reason, and the crawler
skips and counts it.
"""

from __future__ import annotations

import difflib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Literal, NamedTuple
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from creatorscout.config.schema import Niche
from creatorscout.plugins import jsonbody
from creatorscout.plugins.models import Creator, CreatorRef, Post, Provenance, utc_now

Purpose = Literal["discover", "profile", "posts", "graph"]
Interaction = Literal["likes", "replies", "reposts", "quotes", "views"]
#: Every interaction count a :class:`Post` has.
INTERACTIONS: frozenset[Interaction] = frozenset(
    ("likes", "replies", "reposts", "quotes", "views")
)


class FetchRequest(BaseModel):
    """A request a plugin wants made. The crawler turns it into an HTTP request."""

    model_config = ConfigDict(extra="forbid")

    url: str
    platform: str
    purpose: Purpose
    method: str = "GET"
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="Request headers (a token goes here, never in the URL or context)",
    )
    body: bytes | None = Field(
        default=None, description="The request body (a POST's JSON); set Content-Type too"
    )
    api: bool = Field(
        default=True,
        description="True for documented API endpoints (governed by the API's terms); "
        "False for web pages and feeds, which obey robots.txt",
    )
    depth: int = Field(default=0, description="Snowball hops from the niche's own discovery")
    creator_id: str | None = Field(
        default=None, description="The creator this request is about (profile/posts)"
    )
    context: dict[str, Any] = Field(
        default_factory=dict, description="Plugin-private state handed back to parse()"
    )


class FetchResponse(BaseModel):
    """A response as the plugin sees it: status, headers (lower-case names) and body."""

    model_config = ConfigDict(extra="forbid")

    url: str
    status: int
    headers: dict[str, str] = Field(default_factory=dict)
    body: bytes = b""
    request: FetchRequest

    def header(self, name: str) -> str | None:
        """A header's value, case-insensitively, or ``None``."""
        return self.headers.get(name.lower())

    def json(self) -> Any:  # type: ignore[override]  # pydantic's json() is deprecated
        """The body decoded as JSON; raises :class:`MalformedResponse` when it is not."""
        try:
            return jsonbody.loads(self.body)
        except jsonbody.TooDeep as exc:
            raise MalformedResponse(str(exc)) from None
        except ValueError as exc:  # bad JSON, bad UTF-8
            raise MalformedResponse(f"body is not JSON: {exc}") from exc


class MalformedResponse(ValueError):
    """Raised by a parser when a response cannot be understood at all."""


class OptionsError(ValueError):
    """A platform's options (the niche file's ``platforms.<name>`` section) are invalid.

    ``path`` is the YAML path of the first mistake (``("platforms", "mastodon",
    "instancs")``) and ``problem`` what is wrong there; ``str()`` is one line of both."""

    def __init__(self, path: tuple[str | int, ...], problem: str) -> None:
        self.path = path
        self.problem = problem
        where = ".".join(str(p) for p in path)
        super().__init__(f"{where}: {problem}")


class NoOptions(BaseModel):
    """The options of a platform that takes none: any key is a mistake."""

    model_config = ConfigDict(extra="forbid")


class Endpoint(NamedTuple):
    """One API endpoint a platform reads: its name (what :meth:`Platform.parse`
    dispatches on) and a regular expression searched in the URL's path (end it with ``$``;
    named groups become the values :meth:`Platform.endpoint` returns)."""

    name: str
    path: str


class Candidate(BaseModel):
    """A creator worth fetching: a reference, how far from the seeds, and why."""

    model_config = ConfigDict(extra="forbid")

    ref: CreatorRef
    depth: int = 0
    via: str = Field(description="How it was found: 'hashtag:vegan', 'directory', 'mention'...")
    creator: Creator | None = Field(
        default=None,
        description="The full profile when the response embedded it (no profile fetch needed)",
    )
    needs_niche_match: bool = Field(
        default=False,
        description="Found by a broad source (a directory): keep it only when its profile "
        "matches the niche's terms",
    )


class Skip(BaseModel):
    """A creator (or object) deliberately not kept, with the reason counted in crawl stats."""

    model_config = ConfigDict(extra="forbid")

    key: str
    reason: str


RefusalKind = Literal["blocked", "login_required", "rate_limited", "gone", "server_error"]


class Refusal(BaseModel):
    """The platform refused a request: reported as such, never as an empty result."""

    model_config = ConfigDict(extra="forbid")

    kind: RefusalKind
    status: int
    url: str
    message: str = ""


class ParseResult(BaseModel):
    """Everything a plugin extracted from one response."""

    model_config = ConfigDict(extra="forbid")

    creators: list[Creator] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    posts: list[Post] = Field(default_factory=list)
    requests: list[FetchRequest] = Field(default_factory=list)
    skipped: list[Skip] = Field(default_factory=list)
    malformed: int = Field(default=0, description="Objects in the response that were unusable")
    repaired: int = Field(
        default=0, description="Values that were unusable and kept as unknown (None)"
    )
    refusal: Refusal | None = None

    def extend(self, other: ParseResult) -> None:
        """Add another result's findings to this one."""
        self.creators += other.creators
        self.candidates += other.candidates
        self.posts += other.posts
        self.requests += other.requests
        self.skipped += other.skipped
        self.malformed += other.malformed
        self.repaired += other.repaired
        self.refusal = self.refusal or other.refusal


class RateLimit(BaseModel):
    """What a response said about the platform's rate limit."""

    model_config = ConfigDict(extra="forbid")

    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    retry_after: float | None = Field(default=None, description="Seconds to wait before retrying")


class PlatformSettings(BaseModel):
    """How the crawl configures one platform. Users set these from the CLI or config."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None, description="Overrides the platform's default base URL (e.g. the sandbox)"
    )
    max_posts: int = Field(default=40, ge=1, description="Recent posts to read per creator")
    snowball_depth: int = Field(
        default=1, ge=0, description="How many hops to follow mentions away from discovery"
    )
    discovery_pages: int = Field(
        default=3, ge=1, description="Pages to read per discovery source (hashtag, search...)"
    )
    options: dict[str, Any] = Field(default_factory=dict)


class Platform(ABC):
    """Base class of every platform. Subclass it and register the class with the
    ``register_platforms`` hook.

    Class attributes to set:

    * ``name``: short lower-case id used in stable ids and on the CLI (``mastodon``).
    * ``title``: human name.
    * ``default_base_url``: where the live API is. It may contain ``{instance}`` for
      federated platforms; the crawler substitutes each configured instance.
    * ``profile_batch_size``: how many profiles one request can fetch (1 = no batching).
    * ``concurrency``: simultaneous requests per host; keep it low and polite.
    * ``Options``: a pydantic model (``extra="forbid"``) of the niche file's
      ``platforms.<name>`` section. It is validated when the niche loads (a typo stops
      ``scout niches show`` and ``scout crawl`` with the file and YAML path), and the
      instance's ``options`` holds the validated model.
    * ``endpoints``: the API endpoints the platform reads (:class:`Endpoint`):
      :meth:`owns_url` and :meth:`endpoint` use them, ``parse`` dispatches on the name.
    * ``interactions``: which post counts the platform publishes (``likes``, ``replies``,
      ``reposts``, ``quotes``, ``views``); the others must stay ``None``, and scoring
      leaves out what a platform cannot have (no ``interaction_mix`` without reposts).
    * ``has_followers``: whether profiles publish follower counts (if not, ``followers``
      stays ``None``, never 0).
    * ``has_opt_out``: whether the platform has a signal by which creators opt out
      (``noindex``, ``discoverable: false``...); if so the contract suite wants a saved
      example of it.
    * ``catch_all``: the platform reads URLs of any shape (web pages): ``scout parse``
      tries it only when no other platform claims a URL.
    * ``max_data_age_days``: when the platform's terms allow keeping its data only so long
      without refreshing it (YouTube's API terms: 30 days), ``scout recrawl`` deletes the
      creators it could not refresh within that age. None: no such rule.
    """

    name: ClassVar[str]
    title: ClassVar[str] = ""
    default_base_url: ClassVar[str]
    profile_batch_size: ClassVar[int] = 1
    concurrency: ClassVar[int] = 2
    Options: ClassVar[type[BaseModel]] = NoOptions
    endpoints: ClassVar[Sequence[Endpoint]] = ()
    interactions: ClassVar[frozenset[Interaction]] = INTERACTIONS
    has_followers: ClassVar[bool] = True
    has_opt_out: ClassVar[bool] = True
    catch_all: ClassVar[bool] = False
    max_data_age_days: ClassVar[int | None] = None
    #: Endpoints the live platform serves on another host than ``default_base_url``
    #: (``{endpoint name: "https://host"}``: YouTube's channel feed, Reddit's sign-in):
    #: :meth:`owns_url` accepts them there too.
    endpoint_hosts: ClassVar[Mapping[str, str]] = {}

    #: Set by the plugin manager from the distribution that registered the class.
    plugin_name: ClassVar[str] = "unknown"
    plugin_version: ClassVar[str] = "0"

    def __init__(self, settings: PlatformSettings | None = None) -> None:
        self.settings = settings or PlatformSettings()
        #: ``settings.options`` validated as :attr:`Options` (annotate it with your model).
        self.options: Any = self.validate_options(self.settings.options)

    @classmethod
    def validate_options(cls, options: Mapping[str, Any]) -> BaseModel:
        """``options`` as :attr:`Options`, or :class:`OptionsError` naming the first
        mistake's YAML path (``platforms.<name>.<key>``) and the fix."""
        try:
            return cls.Options.model_validate(dict(options))
        except ValidationError as exc:
            first = exc.errors()[0]
            path: tuple[str | int, ...] = ("platforms", cls.name, *first["loc"])
            if first["type"] == "extra_forbidden":
                allowed = sorted(cls.Options.model_fields)
                close = difflib.get_close_matches(str(first["loc"][-1]), allowed, n=1)
                hint = f"did you mean {close[0]}? " if close else ""
                problem = f"unknown key; {hint}allowed keys: {', '.join(allowed) or 'none'}"
            else:
                problem = str(first["msg"]).removeprefix("Value error, ")
            more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
            raise OptionsError(path, problem + more) from None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._endpoint_patterns = [(e.name, re.compile(e.path)) for e in cls.endpoints]

    _endpoint_patterns: ClassVar[list[tuple[str, re.Pattern[str]]]] = []

    # -- what each platform must implement -------------------------------------------

    @abstractmethod
    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        """Yield the first discovery requests for ``niche``: hashtags, keyword search,
        directories, seed accounts. Follow-up pages come from :meth:`parse`."""

    @abstractmethod
    def profile_requests(self, candidates: Sequence[Candidate]) -> Iterable[FetchRequest]:
        """Yield requests that fetch these candidates' profiles, batched where possible.
        The crawler never passes more than :attr:`profile_batch_size` at once."""

    @abstractmethod
    def posts_requests(self, creator: Creator, depth: int = 0) -> Iterable[FetchRequest]:
        """Yield the request(s) for the creator's most recent original posts."""

    @abstractmethod
    def parse(self, response: FetchResponse) -> ParseResult:
        """Turn one response into creators, candidates, posts and follow-up requests.

        Must not raise on bad data: count unusable objects in ``malformed`` and go on.
        May raise :class:`MalformedResponse` when the whole body is unusable.
        Non-2xx responses never reach here; see :meth:`refusal`."""

    # -- shared behaviour plugins may override ------------------------------------------

    def base_url(self, instance: str | None = None) -> str:
        """The base URL for a request, with ``{instance}`` filled in when given."""
        template = (self.settings.base_url or self.default_base_url).rstrip("/")
        if "{instance}" in template:
            if instance is None:
                raise ValueError(f"{self.name}: this platform needs an instance")
            return template.replace("{instance}", instance)
        return template

    def provenance(self, source_url: str | None) -> Provenance:
        """A :class:`Provenance` stamped now, for records read from ``source_url``."""
        return Provenance(
            platform=self.name,
            plugin=self.plugin_name,
            plugin_version=self.plugin_version,
            source_url=source_url,
            observed_at=utc_now(),
        )

    def endpoint(self, url: str) -> tuple[str, dict[str, str]]:
        """Which of :attr:`endpoints` ``url`` is: its name and the pattern's named groups.

        :raises MalformedResponse: when it is none of them."""
        path = urlsplit(url).path.rstrip("/")
        for name, pattern in self._endpoint_patterns:
            match = pattern.search(path)
            if match:
                return name, match.groupdict()
        title = self.title or self.name
        raise MalformedResponse(f"not a {title} API endpoint this plugin reads: {path}")

    def owns_url(self, url: str) -> bool:
        """True when ``url`` is one of this platform's API URLs (used by ``scout parse``
        and the contract suite): under its base URL (configured or default; any host for a
        federated ``https://{instance}``; an :attr:`endpoint_hosts` host for its endpoint)
        and, when :attr:`endpoints` are declared, one of them."""
        kind = ""
        if self._endpoint_patterns:
            try:
                kind, _ = self.endpoint(url)
            except MalformedResponse:
                return False
        templates = {self.settings.base_url or self.default_base_url, self.default_base_url}
        if kind in self.endpoint_hosts:
            templates.add(self.endpoint_hosts[kind])
        return any(_under(template, url) for template in templates)

    def instance_of(self, url: str) -> str:
        """The instance (host) a URL belongs to, by matching it against the base-URL
        template (a sandbox or replay server puts the instance in the path)."""
        template = (self.settings.base_url or self.default_base_url).rstrip("/")
        pattern = re.escape(template).replace(re.escape("{instance}"), r"(?P<instance>[^/]+)")
        match = re.match(pattern, url)
        if match and "instance" in match.groupdict():
            return match.group("instance").lower()
        return urlsplit(url).netloc.lower()

    def candidates_from_links(self, creator: Creator, depth: int) -> list[Candidate]:
        """Candidates of this platform among an accepted creator's links.

        Called for every creator the crawl accepts, on any platform (this one included),
        with ``depth`` one hop further than the creator. Return references this platform
        can fetch (a personal website, an Apple Podcasts page...), or ``[]`` (the default)
        for links that are not this platform's. The crawler de-duplicates them and keeps
        ``snowball_depth``. Must not fetch anything and must not raise."""
        return []

    def usage(self) -> dict[str, int]:
        """What the crawl spent on this platform beyond requests, by label (YouTube: quota
        units per API method). Read once when the crawl ends and shown in its summary as
        ``usage <platform>/<label>``; ``{}`` (the default) when there is nothing to say."""
        return {}

    def on_refusal(self, response: FetchResponse, refusal: Refusal) -> ParseResult | None:
        """A chance to recover from a refused request (e.g. try another endpoint).

        Return follow-up requests in a :class:`ParseResult`, or ``None`` (the default) to
        let the crawler record the refusal. Rate-limited responses are retried by the
        crawler and never reach here."""
        return None

    def rate_limit(self, response: FetchResponse) -> RateLimit | None:
        """Read the rate-limit headers. The default understands ``X-RateLimit-*`` and
        ``RateLimit-*`` (reset as unix time, ISO-8601 or seconds) and ``Retry-After``."""
        return parse_rate_limit_headers(response.headers)

    def refusal(self, response: FetchResponse) -> Refusal | None:
        """Classify a non-2xx response. Override for platforms that refuse with 200s."""
        status = response.status
        if 200 <= status < 300:
            return None
        kind: RefusalKind
        if status == 429:
            kind = "rate_limited"
        elif status == 401:
            kind = "login_required"
        elif status == 403:
            kind = "blocked"
        elif status in (404, 410):
            kind = "gone"
        else:
            kind = "server_error"
        message = response.body[:200].decode("utf-8", "replace")
        return Refusal(kind=kind, status=status, url=response.url, message=message)


def _under(template: str, url: str) -> bool:
    """Is ``url`` under the base-URL ``template``? ``https://{instance}`` takes any host."""
    prefix = template.split("{instance}")[0]
    if prefix.endswith("://"):
        return urlsplit(url).scheme in ("http", "https")
    return url.startswith(prefix.rstrip("/"))


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def parse_reset(value: str | None, now: datetime | None = None) -> datetime | None:
    """A reset header as a datetime: ISO-8601 (Mastodon), unix time, or seconds from now."""
    if not value:
        return None
    now = now or utc_now()
    number = _number(value)
    if number is not None:
        # Unix timestamps are large; small numbers are "seconds until reset" (Reddit).
        if number > 1_000_000_000:
            return datetime.fromtimestamp(number, UTC)
        return datetime.fromtimestamp(now.timestamp() + number, UTC)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: either delay-seconds or an HTTP date."""
    if not value:
        return None
    number = _number(value)
    if number is not None:
        return max(0.0, number)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or utc_now()
    return max(0.0, (when - now).total_seconds())


def parse_rate_limit_headers(headers: Mapping[str, str]) -> RateLimit | None:
    """Read the common rate-limit header families; ``None`` when there are none."""
    lower = {k.lower(): v for k, v in headers.items()}

    def pick(*names: str) -> str | None:
        for name in names:
            if name in lower:
                return lower[name]
        return None

    limit = _number(pick("x-ratelimit-limit", "ratelimit-limit"))
    remaining = _number(pick("x-ratelimit-remaining", "ratelimit-remaining"))
    reset = parse_reset(pick("x-ratelimit-reset", "ratelimit-reset"))
    retry_after = parse_retry_after(pick("retry-after"))
    if limit is None and remaining is None and reset is None and retry_after is None:
        return None
    return RateLimit(
        limit=int(limit) if limit is not None else None,
        remaining=int(remaining) if remaining is not None else None,
        reset_at=reset,
        retry_after=retry_after,
    )


def host_of(url: str) -> str:
    """The host[:port] of a URL, for per-host politeness."""
    return urlsplit(url).netloc
