"""The optional signed-in session that post search needs (an app password).

``app.bsky.feed.searchPosts`` answers 403 to anonymous callers on the public AppView
(bluesky-social/atproto issues 3423 and 3891: Bluesky turned anonymous post search off
because of bot load). With an *app password* (Settings -> Privacy and security -> App
passwords; never the account password) the crawl signs in once:

1. ``POST {entryway}/xrpc/com.atproto.server.createSession`` with
   ``{"identifier": handle, "password": app_password}`` (lexicon
   ``com/atproto/server/createSession.json``) returns ``accessJwt``, ``did``, ``handle``
   and usually ``didDoc``, whose ``#atproto_pds`` service is the account's PDS;
2. ``GET {pds}/xrpc/app.bsky.feed.searchPosts`` with ``Authorization: Bearer
   {accessJwt}``: the PDS proxies it to the AppView.

The credentials come only from the environment (:data:`ENV_HANDLE`,
:data:`ENV_PASSWORD`). The sign-in is an ordinary :class:`FetchRequest` (a POST with a
body) that the crawler makes like any other, through the fetch guard, the rate limiter and
the stats; the plugin does no I/O itself. The password travels in that request's body
only; the access token lives in request headers only (it is left out of ``repr``), never
in URLs, logs or items. createSession is limited to 30 per 5 minutes and 300 per day per
account (docs.bsky.app/docs/advanced-guides/rate-limits): one sign-in per crawl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from creatorscout.plugins import jsonbody
from creatorscout.plugins.keys import secrets_from_env
from creatorscout.plugins.platform import FetchRequest
from creatorscout.plugins.web import as_list

ENV_HANDLE = "CREATORSCOUT_BLUESKY_HANDLE"
ENV_PASSWORD = "CREATORSCOUT_BLUESKY_APP_PASSWORD"
DEFAULT_ENTRYWAY = "https://bsky.social"
CREATE_SESSION = "/xrpc/com.atproto.server.createSession"


class SessionError(Exception):
    """Signing in failed; the message is one line and never holds the password."""


@dataclass(frozen=True)
class Session:
    """A signed-in session: whom it belongs to and where to send its requests."""

    did: str
    handle: str
    service: str
    """The PDS (or entryway) that proxies ``app.bsky.*`` calls for this account."""
    access_jwt: str = field(repr=False)

    def headers(self) -> dict[str, str]:
        """The request headers that carry the session."""
        return {"Authorization": f"Bearer {self.access_jwt}"}


def credentials_from_env() -> tuple[str, str] | None:
    """``(handle, app password)`` when both variables are set, else ``None``."""
    found = secrets_from_env(ENV_HANDLE, ENV_PASSWORD)
    return (found[0].get_secret_value(), found[1].get_secret_value()) if found else None


def _pds_endpoint(did_doc: Any) -> str | None:
    """The ``#atproto_pds`` service endpoint of a DID document (atproto.com/specs/did)."""
    if not isinstance(did_doc, dict):
        return None
    for service in as_list(did_doc.get("service")):
        if not isinstance(service, dict):
            continue
        if str(service.get("id", "")).endswith("#atproto_pds"):
            endpoint = service.get("serviceEndpoint")
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    return None


def _error_text(status: int, body: bytes) -> str:
    try:
        data = jsonbody.loads(body)
    except ValueError:
        return f"HTTP {status}"
    if isinstance(data, dict):
        parts = [str(data[k]) for k in ("error", "message") if isinstance(data.get(k), str)]
        if parts:
            return f"HTTP {status} " + ": ".join(parts)
    return f"HTTP {status}"


def sign_in_request(platform: str, entryway: str, identifier: str,
                    password: str) -> FetchRequest:
    """The createSession request (made by the crawler, like every other request)."""
    payload = {"identifier": identifier, "password": password}
    return FetchRequest(
        url=entryway.rstrip("/") + CREATE_SESSION, platform=platform, purpose="discover",
        method="POST", body=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        context={"via": "sign-in"},
    )


def sign_in_failure(entryway: str, status: int, body: bytes) -> str:
    """One line saying why signing in failed (never the password)."""
    return f"signing in at {entryway} failed: {_error_text(status, body)}"


def session_from_answer(entryway: str, identifier: str, body: bytes) -> Session:
    """The session in a createSession answer; :class:`SessionError` says what is wrong."""
    try:
        data: Any = jsonbody.loads(body)
    except ValueError:
        raise SessionError(f"signing in at {entryway} failed: the answer is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("accessJwt"), str):
        raise SessionError(f"signing in at {entryway} failed: no accessJwt in the answer")
    return Session(
        did=str(data.get("did", "")),
        handle=str(data.get("handle", identifier)),
        service=_pds_endpoint(data.get("didDoc")) or entryway.rstrip("/"),
        access_jwt=data["accessJwt"],
    )
