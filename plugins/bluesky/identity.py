"""Bluesky identifiers: DIDs, handles, AT-URIs, and what users type as seeds.

An account's stable identity is its DID (``did:plc:...`` or ``did:web:...``); the handle is
a DNS name the account may change at any time, and the AppView answers ``handle.invalid``
when a handle no longer verifies. Our stable id is therefore ``bluesky:<did>`` and the
handle is kept only as the handle (atproto.com/specs/did, /specs/handle, /specs/at-uri-scheme).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

PLATFORM = "bluesky"
INVALID_HANDLE = "handle.invalid"
APP_URL = "https://bsky.app"

_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]+$")
# atproto.com/specs/handle: DNS labels, at least two, the last not starting with a digit.
_HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
_AT_URI = re.compile(r"^at://(?P<repo>[^/]+)/(?P<collection>[^/]+)/(?P<rkey>[^/?#]+)$")
# Handles on Bluesky's own hosting: they say nothing about owning a domain.
SHARED_HANDLE_SUFFIXES = (".bsky.social",)


def is_did(value: str) -> bool:
    """Whether ``value`` is syntactically a DID."""
    return bool(_DID.match(value)) and len(value) <= 2048


def is_handle(value: str) -> bool:
    """Whether ``value`` is syntactically a handle (a DNS name of two labels or more)."""
    return len(value) <= 253 and bool(_HANDLE.match(value))


def normalize_handle(value: str) -> str:
    """A handle as typed (``@Alice.bsky.social``) -> ``alice.bsky.social``."""
    return value.strip().lstrip("@").rstrip(".").lower()


def actor_from_seed(seed: str) -> str | None:
    """What ``getProfiles?actors=`` takes for a seed a user wrote in a niche file.

    Accepts a DID, a handle (with or without ``@``), a ``https://bsky.app/profile/X``
    link or an ``at://`` URI; ``None`` when it is none of them.
    """
    text = seed.strip()
    if text.startswith(("https://", "http://")):
        parts = urlsplit(text)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        if len(segments) >= 2 and segments[0] == "profile":
            text = segments[1]
        else:
            return None
    elif text.startswith("at://"):
        text = text[len("at://"):].split("/", 1)[0]
    if is_did(text):
        return text
    handle = normalize_handle(text)
    return handle if is_handle(handle) else None


def actor_from_link(link: str) -> str | None:
    """The Bluesky account a link on another profile points at, or ``None``.

    ``https://bsky.app/profile/<handle or DID>`` is a profile page; a URL whose host is a
    ``*.bsky.social`` name is a handle written as a link (people do that in bios). Other
    domains may be custom handles too, but only a DNS or ``/.well-known/atproto-did``
    lookup could tell, so they are left alone.
    """
    parts = urlsplit(link.strip())
    if parts.scheme not in ("https", "http"):
        return None
    host = (parts.hostname or "").lower()
    if host in ("bsky.app", "www.bsky.app"):
        return actor_from_seed(link)
    if host.endswith(".bsky.social") and parts.path in ("", "/") and is_handle(host):
        return host
    return None


def parse_at_uri(uri: str) -> tuple[str, str, str] | None:
    """``at://did/collection/rkey`` -> ``(did, collection, rkey)``, else ``None``."""
    match = _AT_URI.match(uri)
    if not match:
        return None
    return match.group("repo"), match.group("collection"), match.group("rkey")


def post_url(at_uri: str) -> str | None:
    """The bsky.app page of a post (by DID, so it survives handle changes)."""
    parts = parse_at_uri(at_uri)
    if parts is None or parts[1] != "app.bsky.feed.post":
        return None
    return f"{APP_URL}/profile/{parts[0]}/post/{parts[2]}"


def profile_url(did: str, handle: str | None) -> str:
    """The bsky.app page of an account: by handle when it verifies, else by DID."""
    shown = handle if handle and handle != INVALID_HANDLE else did
    return f"{APP_URL}/profile/{shown}"


def own_domain(handle: str | None) -> str | None:
    """The domain a handle proves control of, or ``None`` for shared hosting.

    A handle verifies through DNS or ``/.well-known/atproto-did`` on that very name, so
    ``maya.kitchen`` as a handle shows the account controls ``maya.kitchen``. Handles under
    ``bsky.social`` show nothing about the person; ``handle.invalid`` failed to verify.
    """
    if not handle or handle == INVALID_HANDLE or not is_handle(handle):
        return None
    lower = handle.lower()
    if any(lower.endswith(suffix) for suffix in SHARED_HANDLE_SUFFIXES):
        return None
    return lower
