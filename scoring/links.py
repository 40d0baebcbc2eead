"""Link keys: one canonical string per profile or page, so links written differently match.

Creators link to each other in many spellings: ``http://www.Example.com/``,
``https://example.com``, ``https://vegan.social/@Lena`` and
``https://vegan.social/users/lena``, ``https://bsky.app/profile/Lena.bsky.social`` and
``https://lena.bsky.social``. :func:`link_key` maps each spelling to one key;
:func:`self_keys` lists the keys under which a creator's own profile can be linked. Two
links point at the same thing exactly when their keys are equal. Pure functions, no I/O.

Keys (the prefix says what kind of thing the key names):

``acct:user@host``
    A fediverse actor (Mastodon account, PeerTube account or channel): profile URLs
    ``https://host/@user``, ``/users/user``, PeerTube ``/a/``, ``/accounts/``, ``/c/``,
    ``/video-channels/``; ``https://host/@user@other`` (a remote account viewed on
    ``host``) names ``user@other``. Case-insensitive.
``bsky:handle`` / ``bsky:did:...``
    A Bluesky account: ``https://bsky.app/profile/<handle or DID>``, and
    ``https://<name>.bsky.social`` (a handle on Bluesky's own domain is an account, not a
    web site). A custom-domain handle's URL ``https://domain`` stays a web key: the site
    and the account are different things, joined only by evidence (the handle proves
    that the account controls the domain).
``github:login``
    A GitHub user or organisation: ``https://github.com/<login>``. Case-insensitive.
``itunes:<id>``
    An Apple Podcasts show: ``https://podcasts.apple.com/<cc>/podcast/<slug>/id<id>``.
``web:host/path``
    Anything else: scheme dropped (http and https are one site), host lower-case without
    ``www.`` and default port, path without trailing slashes or ``index.html``, tracking
    query parameters (``utm_*``, ``fbclid``...) dropped and the rest sorted, fragment
    dropped. Path case is kept: only the host is case-insensitive in general.

Only ``http(s)`` URLs, ``at://`` URIs and ``acct:``/``@user@host`` addresses have keys;
``mailto:``, ``tel:`` and garbage give ``None``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Protocol
from urllib.parse import parse_qsl, unquote, urlencode

_TRACKING: Final = frozenset(
    {"fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref", "ref_src", "si", "s"}
)
_ACCOUNT_TAILS: Final = frozenset({"", "with_replies", "media", "followers", "following"})
_PEERTUBE_PREFIXES: Final = frozenset({"a", "accounts", "c", "video-channels"})
_PEERTUBE_TAILS: Final = frozenset({"", "videos", "video-channels", "video-playlists",
                                    "playlists", "about", "channels"})
_GITHUB_RESERVED: Final = frozenset({
    "about", "apps", "collections", "codespaces", "contact", "customer-stories", "enterprise",
    "events", "explore", "features", "issues", "join", "login", "marketplace", "new",
    "notifications", "orgs", "pricing", "pulls", "readme", "search", "security", "settings",
    "site", "sponsors", "topics", "trending", "users",
})
_GITHUB_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_ADDRESS = re.compile(r"@?([^@\s/]+)@([^@\s/]+\.[^@\s/]+)")
_ITUNES_ID = re.compile(r"id(\d+)")
_SPACE = re.compile(r"\s")
_INDEX_FILES = ("/index.html", "/index.htm", "/index.php")
_BSKY_HOSTS: Final = frozenset({"bsky.app", "staging.bsky.app"})


class HasIdentity(Protocol):
    """What :func:`self_keys` reads from a profile (a :class:`Creator` has all of it)."""

    @property
    def platform(self) -> str: ...
    @property
    def native_id(self) -> str: ...
    @property
    def handle(self) -> str: ...
    @property
    def profile_url(self) -> str | None: ...


def host_key(host: str) -> str:
    """A host as keys spell it: lower case, IDNA-encoded, no trailing dot, no ``www.``."""
    host = host.strip().rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # keep the lower-cased text: still comparable, just not punycode
    return host.removeprefix("www.")


def _netloc(host: str, port: int | None, scheme: str) -> str:
    host = host_key(host)
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return host
    return f"{host}:{port}"


def _host_port(netloc: str) -> tuple[str, int | None] | None:
    """Host and port of a URL's netloc; None when there is no usable host."""
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):  # an IPv6 literal
        host, bracket, rest = hostport[1:].partition("]")
        if not bracket:
            return None
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = hostport.partition(":")
    if not host or _SPACE.search(host):
        return None
    if not port_text:
        return host, None
    if not port_text.isdigit() or int(port_text) > 65535:
        return None
    return host, int(port_text)


def _segments(path: str) -> list[str]:
    return [unquote(part) if "%" in part else part for part in path.split("/") if part]


def _profile_key(host: str, segments: list[str]) -> str | None:
    """The platform key of a recognised profile URL on ``host``, or None."""
    if not segments:
        if host.endswith(".bsky.social"):
            return f"bsky:{host}"
        return None
    first, rest = segments[0], segments[1:]
    tail = rest[0].lower() if rest else ""
    if host in _BSKY_HOSTS:
        if first == "profile" and rest and len(rest) <= 2:
            actor = rest[0]
            return f"bsky:{actor if actor.startswith('did:') else actor.lower()}"
        return None
    if host == "github.com":
        if first.lower() == "sponsors" and len(rest) == 1:
            first, rest = rest[0], []
        if len(rest) == 0 and first.lower() not in _GITHUB_RESERVED and \
                _GITHUB_LOGIN.fullmatch(first):
            return f"github:{first.lower()}"
        return None
    if host == "podcasts.apple.com":
        for part in reversed(segments):
            match = _ITUNES_ID.fullmatch(part)
            if match:
                return f"itunes:{match.group(1)}"
        return None
    if first.startswith("@") and len(first) > 1 and len(rest) <= 1 and tail in _ACCOUNT_TAILS:
        user, _, other = first[1:].partition("@")
        return f"acct:{user.lower()}@{host_key(other) if other else host}"
    if first == "users" and len(rest) == 1:
        return f"acct:{rest[0].lower()}@{host}"
    if first in _PEERTUBE_PREFIXES and rest and len(rest) <= 2 and (
        len(rest) == 1 or rest[1].lower() in _PEERTUBE_TAILS
    ):
        user, _, other = rest[0].partition("@")
        return f"acct:{user.lower()}@{host_key(other) if other else host}"
    return None


def address_key(address: str) -> str | None:
    """``user@host``, ``@user@host`` or ``acct:user@host`` -> ``acct:user@host``."""
    text = address.strip().removeprefix("acct:")
    match = _ADDRESS.fullmatch(text)
    if not match:
        return None
    return f"acct:{match.group(1).lower()}@{host_key(match.group(2))}"


@lru_cache(maxsize=1 << 16)
def link_key(link: str) -> str | None:
    """The key of a link (see the module docstring); None when it names nothing we know.

    Cached: in a grouping pass one URL comes back as a profile URL, a verified link and
    the links of every profile that points at it."""
    text = link.strip()
    if not text:
        return None
    lowered = text.lower()
    if lowered.startswith("at://"):
        authority = text[5:].split("/", 1)[0]
        if not authority:
            return None
        return f"bsky:{authority if authority.startswith('did:') else authority.lower()}"
    if lowered.startswith("acct:") or (lowered.startswith("@") and "://" not in text):
        return address_key(text)
    if lowered.startswith("https://"):
        scheme, rest = "https", text[8:]
    elif lowered.startswith("http://"):
        scheme, rest = "http", text[7:]
    else:
        return None
    # split by hand: urlsplit costs more than the rest of the key (the hot path of a pass)
    rest = rest.split("#", 1)[0]
    rest, _, query_text = rest.partition("?")
    netloc, slash, path = rest.partition("/")
    found = _host_port(netloc)
    if found is None:
        return None
    host = _netloc(found[0], found[1], scheme)
    path = slash + path
    if path.lower().endswith(_INDEX_FILES):
        path = path[: path.rindex("/")]
    segments = _segments(path)
    special = _profile_key(host, segments)
    if special is not None:
        return special
    path = "/" + "/".join(segments) if segments else ""
    query = [
        (k, v) for k, v in parse_qsl(query_text, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ] if query_text else []
    suffix = "?" + urlencode(sorted(query)) if query else ""
    return f"web:{host}{path}{suffix}"


def self_keys(profile: HasIdentity) -> set[str]:
    """Every key under which ``profile`` itself can be linked.

    Its profile URL's key, its native id when that is a URL, and the platform's own forms:
    ``acct:`` for Mastodon and PeerTube (native id or handle ``user@host``), ``bsky:`` for
    Bluesky (DID and handle), ``github:`` for GitHub (the handle is the login), the page
    for ``web`` (native id ``host/path``). A platform this module does not know is linked
    through its profile URL (and URL native id) only.
    """
    keys: set[str] = set()
    for url in (profile.profile_url, profile.native_id):
        if url and url.lower().startswith(("http://", "https://")):
            key = link_key(url)
            if key:
                keys.add(key)
    platform = profile.platform.lower()
    if platform == "web" and "://" not in profile.native_id:
        key = link_key("https://" + profile.native_id)  # the web plugin's "host/path" ids
        if key:
            keys.add(key)
    elif platform in ("mastodon", "peertube"):
        for address in (profile.native_id, profile.handle):
            key = address_key(address)
            if key:
                keys.add(key)
    elif platform == "bluesky":
        for ident in (profile.native_id, profile.handle):
            ident = ident.strip().lstrip("@")
            if ident.startswith("did:"):
                keys.add(f"bsky:{ident}")
            elif "." in ident and ident.lower() != "handle.invalid":
                keys.add(f"bsky:{ident.lower()}")
    elif platform == "github":
        login = profile.handle.strip().lstrip("@")
        if _GITHUB_LOGIN.fullmatch(login):
            keys.add(f"github:{login.lower()}")
    return keys


def key_host(key: str) -> str | None:
    """The host of a ``web:`` key whose path is empty (a site root), else None."""
    if not key.startswith("web:"):
        return None
    rest = key[4:]
    return None if "/" in rest or "?" in rest else rest
