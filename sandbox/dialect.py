"""What a platform dialect is: the contract between the sandbox server and a fake platform.

A dialect renders the platform-neutral world in one platform's API language. The server
owns the sockets, rate limits, fault injection and statistics; a dialect only says which
endpoint a request is for (:meth:`Dialect.match`) and builds the response. Each dialect
lives under its own URL prefix (``/mastodon/...``; later ``/bluesky/...``,
``/peertube/...``), so several platforms can be served over the same world at once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Request:
    """An incoming GET, as a dialect sees it."""

    method: str
    path: str
    """The path below the dialect's prefix, percent-decoded (``/vegan.social/api/v1/...``)."""
    query: tuple[tuple[str, str], ...]
    """Query parameters in request order, decoded; repeated keys repeat."""
    headers: Mapping[str, str]
    """Request headers with lower-case names."""
    client: str
    """Who is asking, for rate limits: the bearer token if any, else the client address."""

    def param(self, name: str) -> str | None:
        """The last value of ``name`` (Rails semantics), or ``None`` when absent."""
        found = None
        for key, value in self.query:
            if key == name:
                found = value
        return found

    def params(self, name: str) -> list[str]:
        """All values of an array parameter, given as ``name[]=a&name[]=b`` or ``name=a``."""
        return [value for key, value in self.query if key in (name, f"{name}[]")]

    def has(self, name: str) -> bool:
        """Whether the parameter is present at all (even empty)."""
        return any(key == name for key, _ in self.query)


@dataclass
class Response:
    """What a dialect answers. ``headers`` excludes Content-Type and Content-Length."""

    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def json(cls, payload: Any, status: int = 200,
             headers: list[tuple[str, str]] | None = None) -> Response:
        """A JSON response (UTF-8, no ASCII escaping, compact, keys in insertion order)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, headers=list(headers or []))

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain; charset=utf-8",
             headers: list[tuple[str, str]] | None = None) -> Response:
        """A text response."""
        return cls(status=status, body=text.encode("utf-8"), headers=list(headers or []),
                   content_type=content_type)


@dataclass(frozen=True)
class Endpoint:
    """A matched route: what it is called in statistics, and how to answer it."""

    kind: str
    """Statistics key, e.g. ``"account_statuses"``."""
    scope: str
    """Rate-limit bucket the request counts against, e.g. ``"mastodon/vegan.social"``."""
    api: bool
    """API requests are rate limited and subject to fault injection; documents are not."""
    handler: Callable[[], Response]


class Dialect(Protocol):
    """A fake platform served under ``/{name}/``."""

    name: str

    def match(self, request: Request) -> Endpoint | None:
        """The endpoint for ``request``, or ``None`` when nothing is there (404)."""

    def error(self, status: int, message: str, headers: list[tuple[str, str]] | None = None
              ) -> Response:
        """An error response in the platform's own format."""

    def rate_limit_headers(self, limit: int, remaining: int, reset_epoch: float
                           ) -> list[tuple[str, str]]:
        """The platform's rate-limit headers (names and reset format differ by platform)."""

    def robots_disallow(self) -> list[str]:
        """Paths (below the sandbox root) generic crawlers must not fetch."""
