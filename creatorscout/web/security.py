"""The page's safety: security headers, CSRF tokens on writing forms, the API token as a
cookie.

* **Headers** (:class:`PageHeaders`, ASGI middleware): every page answer carries a
  Content-Security-Policy without ``unsafe-inline`` (scripts and styles come only from
  ``/static``; SVG charts use presentation attributes, never ``style=``), plus
  ``nosniff``, ``Referrer-Policy: no-referrer`` and ``frame-ancestors 'none'``. The API's
  routes under ``/api/`` are left alone (its Swagger page has inline scripts).
* **CSRF** (double submit): the middleware gives each browser a random ``scout_csrf``
  cookie (HttpOnly, SameSite=Lax); every writing form carries the same value in a
  hidden ``csrf`` field, and :func:`check_csrf` refuses a POST whose field does not match
  the cookie or whose ``Origin`` is another site.
* **Token**: when the server has ``CREATORSCOUT_API_TOKEN``, a browser cannot send
  ``Authorization`` headers from forms, so ``/signin`` takes the token once and keeps it
  in an HttpOnly, SameSite=Strict cookie (a digest of it); :func:`page_read` and
  :func:`page_write` apply the API's rules (writes need it; reads too on non-loopback
  binds) to that cookie or the header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creatorscout.api.security import guard_of

CSRF_COOKIE = "scout_csrf"
CSRF_FIELD = "csrf"
TOKEN_COOKIE = "scout_token"

CSP = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))
"""No inline script or style anywhere on the page; nothing from another origin."""


class PageRefused(Exception):
    """A write the page refuses (CSRF, token); ``status`` and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def cookies_of(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
                continue
    return {key: morsel.value for key, morsel in jar.items()}


class PageHeaders:
    """ASGI middleware: security headers and the CSRF cookie on every page answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith("/api/"):
            await self.app(scope, receive, send)
            return
        token = cookies_of(scope).get(CSRF_COOKIE, "")
        fresh = not _well_formed(token)
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if fresh:
                    # Lax: a link from elsewhere still brings the browser's token, so
                    # it is not replaced under forms open in other tabs (the check
                    # itself never relies on SameSite)
                    headers.append((b"set-cookie", cookie_header(
                        CSRF_COOKIE, token, secure=secure, same_site="Lax").encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _well_formed(token: str) -> bool:
    return 32 <= len(token) <= 64 and all(c.isalnum() or c in "-_" for c in token)


def cookie_header(name: str, value: str, *, secure: bool, max_age: int | None = None,
                  same_site: str = "Strict") -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def csrf_token(request: Request) -> str:
    token: str = request.state.csrf
    return token


async def check_csrf(request: Request) -> None:
    """Dependency of every page route that writes: the form's ``csrf`` field must be the
    browser's cookie, and a request from another origin is refused."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        if urlsplit(origin).netloc != request.headers.get("host", ""):
            raise PageRefused(403, "this form was sent from another site; use the page itself")
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not isinstance(sent, str) or not cookie or not secrets.compare_digest(
        sent.encode(), cookie.encode()
    ):
        raise PageRefused(403, "the form has expired or came from elsewhere; reload the page "
                               "and send it again")


def token_cookie_value(token: str) -> str:
    """What the sign-in cookie holds: a keyed digest of the token, not the token (cookie
    safe characters, and a leaked cookie does not give the API token away)."""
    return hmac.new(token.encode(), b"creatorscout page sign-in", hashlib.sha256).hexdigest()


def _token_ok(request: Request, write: bool) -> bool:
    guard = guard_of(request)
    if guard.token is None or not (write or guard.reads):
        return True
    scheme, _, header = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and header:
        return secrets.compare_digest(header.strip().encode(), guard.token.encode())
    cookie = request.cookies.get(TOKEN_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(
        cookie.encode(), token_cookie_value(guard.token).encode())


class SignInNeeded(Exception):
    """The server has a token and this browser has not given it."""


def page_read(request: Request) -> None:
    """Dependency of every page: the token, when the server's reads need it."""
    if not _token_ok(request, write=False):
        raise SignInNeeded()


def page_write(request: Request) -> None:
    """Dependency of every page route that writes: the token, when the server has one."""
    if not _token_ok(request, write=True):
        raise SignInNeeded()


def token_matches(request: Request, given: str) -> bool:
    token = guard_of(request).token
    return token is not None and secrets.compare_digest(given.encode(), token.encode())
