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
:data:`ENV_PASSWORD`). The password is sent once and never kept; the access token lives
in request headers only (it is left out of ``repr``), never in URLs, logs or items.

Why a plugin makes this one request itself: a :class:`FetchRequest` has no body, and
``createSession`` is a POST with a JSON body. It runs once per crawl, before discovery,
with a short timeout. createSession is limited to 30 per 5 minutes and 300 per day per
account (docs.bsky.app/docs/advanced-guides/rate-limits), so it is never retried.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from creatorscout import __version__
from creatorscout.plugins import jsonbody
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
    handle = os.environ.get(ENV_HANDLE, "").strip()
    password = os.environ.get(ENV_PASSWORD, "").strip()
    return (handle, password) if handle and password else None


def user_agent() -> str:
    """Our User-Agent: the project and a contact (as the crawler's own, see crawler.addon)."""
    contact = os.environ.get("CREATORSCOUT_CONTACT", "https://github.com/creatorscout/creatorscout")
    return f"creatorscout/{__version__} (+{contact})"


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


def create_session(entryway: str, identifier: str, password: str,
                   timeout: float = 15.0) -> Session:
    """Sign in with an app password; :class:`SessionError` says why when it fails."""
    url = entryway.rstrip("/") + CREATE_SESSION
    payload = json.dumps({"identifier": identifier, "password": password}).encode("utf-8")
    request = urllib.request.Request(
        url, data=payload, method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "User-Agent": user_agent()},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read()
    except urllib.error.HTTPError as error:
        text = _error_text(error.code, error.read())
        error.close()
        raise SessionError(f"signing in at {entryway} failed: {text}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SessionError(f"signing in at {entryway} failed: {reason}") from None
    try:
        data = jsonbody.loads(body)
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
