"""Safe by default: loopback binds, bearer tokens, request size limits.

* ``scout serve`` binds 127.0.0.1. Binding anything else needs a token
  (``CREATORSCOUT_API_TOKEN``); every route then needs ``Authorization: Bearer TOKEN``.
* With a token on a loopback bind, reading is open to local processes and writing
  (shortlists, crawls) needs the token.
* Request bodies are capped (:data:`MAX_BODY_BYTES`); pages are capped by the routes.
"""

from __future__ import annotations

import ipaddress
import secrets
from typing import Any

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creatorscout.api.errors import ApiError, error_response

TOKEN_ENV = "CREATORSCOUT_API_TOKEN"
MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted: a list item with a long note is a few KB."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: only this machine can connect."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class Guard:
    """Checks the bearer token. ``reads``: reads need it too (non-loopback binds)."""

    def __init__(self, token: str | None, *, reads: bool) -> None:
        self.token = token or None
        self.reads = reads and self.token is not None

    def check(self, request: Request, *, write: bool) -> None:
        if self.token is None or not (write or self.reads):
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise ApiError(401, "this route needs a token",
                           f"send `Authorization: Bearer <token>` with the server's {TOKEN_ENV}",
                           headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(given.strip().encode(), self.token.encode()):
            raise ApiError(401, "the token is wrong",
                           f"send the token the server was started with ({TOKEN_ENV})",
                           headers={"WWW-Authenticate": "Bearer"})


def guard_of(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


def require_read(request: Request) -> None:
    """Dependency of every route: the token, when reads need it."""
    guard_of(request).check(request, write=False)


def require_write(request: Request) -> None:
    """Dependency of the routes that change something (shortlists, crawls)."""
    guard_of(request).check(request, write=True)


class BodyLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413, whether the
    size is announced (Content-Length) or not (chunked)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = 0
                if announced > self.limit:
                    await self._refuse(scope, receive, send)
                    return
        if any(name == b"content-length" for name, _ in scope.get("headers", [])):
            # announced and within the limit; the server stops at the announced length
            await self.app(scope, receive, send)
            return
        # not announced (chunked): read up to the limit before the app sees any of it
        messages: list[Message] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await self._refuse(scope, receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, f"the request body is over {self.limit} bytes",
                                  "send less (a note has at most 2,000 characters)")
        await response(scope, receive, send)


def cors_kwargs(origins: list[str]) -> dict[str, Any]:
    """CORSMiddleware settings for the origins a user configured (none: no CORS)."""
    return {
        "allow_origins": origins,
        "allow_methods": ["GET", "POST", "PATCH", "PUT", "DELETE"],
        "allow_headers": ["Authorization", "Content-Type"],
    }
