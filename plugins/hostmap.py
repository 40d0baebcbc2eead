"""Base URLs for platforms that fetch arbitrary hosts (web pages, podcast feeds, iTunes).

Such a platform's base-URL template contains ``{host}``. The live default is
``https://{host}``: a logical URL is fetched as it is. A template such as
``http://127.0.0.1:8123/web/{host}`` (the sandbox, a replay server) sends every request
there instead: ``https://H/path?q`` is fetched as ``http://127.0.0.1:8123/web/H/path?q``,
while ids, links and identity keep the logical URL ``https://H/path?q``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from creatorscout.plugins.platform import FetchRequest, FetchResponse

HOST = "{host}"
_INDEX = re.compile(r"/(?:index|default)\.(?:html?|php)$", re.I)


class HostTemplate:
    """Maps logical URLs to the URLs actually fetched, and back."""

    def __init__(self, template: str | None) -> None:
        template = (template or f"https://{HOST}").rstrip("/")
        if not template.endswith(HOST):
            raise ValueError(
                f"base URL '{template}' must end with {HOST}, e.g. http://127.0.0.1:8123/web/{HOST}"
            )
        self.template = template
        self.prefix = template[: -len(HOST)]
        self.direct = self.prefix in ("https://", "http://")

    def fetch_url(self, logical: str) -> str:
        """The URL to request for ``logical`` (fragment dropped)."""
        parts = urlsplit(logical)
        if self.direct:
            return parts._replace(fragment="").geturl()
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.prefix}{parts.netloc.lower()}{parts.path or '/'}{query}"

    def logical_url(self, fetched: str) -> str:
        """The logical URL behind a fetched one (``https://`` when the template hid the
        scheme); URLs that are not under the template come back unchanged."""
        if self.direct or not fetched.startswith(self.prefix):
            return fetched
        rest = fetched[len(self.prefix):]
        cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
        host, tail = rest[:cut], rest[cut:]
        if tail.startswith("?"):
            tail = "/" + tail
        return f"https://{host}{tail or '/'}"

    def owns(self, fetched: str) -> bool:
        """Whether ``fetched`` is under this template (always true for the live default)."""
        return self.direct or fetched.startswith(self.prefix)


MAX_REDIRECTS = 5


def is_redirect(response: FetchResponse) -> bool:
    """A 3xx that says where to go next."""
    return 300 <= response.status < 400 and bool(response.header("location"))


def follow_redirect(response: FetchResponse, hosts: HostTemplate) -> FetchRequest | None:
    """The request for a redirect's target, at most :data:`MAX_REDIRECTS` hops deep.

    The crawler does not follow redirects for plugins (the target is a logical URL that
    may need mapping onto the base URL); the follow-up goes through the fetch guard like
    any request. The logical URL travels in ``context["url"]``; ``None`` when the chain is
    too long, loops, or the target is not http(s).
    """
    request = response.request
    context = request.context
    hops = int(context.get("redirects", 0))
    current = str(context.get("url") or hosts.logical_url(response.url))
    try:
        target = urljoin(current, (response.header("location") or "").strip())
        scheme, netloc = urlsplit(target)[:2]
        fetch_url = hosts.fetch_url(target)
    except ValueError:  # a Location urlsplit refuses ("http://[::1"): nowhere to go
        return None
    if hops >= MAX_REDIRECTS or scheme not in ("http", "https"):
        return None
    if target == current or target in context.get("redirected_from", []):
        return None
    return request.model_copy(update={
        "url": fetch_url,
        "context": {**context, "url": target, "redirects": hops + 1,
                    "redirected_from": [*context.get("redirected_from", []), current],
                    "instance": netloc.lower()},
    })


def site_id(url: str) -> str:
    """The ``web`` platform's native id of the site or profile page at ``url``.

    The host in lower case without ``www.``, then the path without a trailing slash (nor
    ``index.html``); no scheme, query or fragment. A site on its own domain is
    ``alice.example``; a page on a shared host is a profile page, ``links.example/alice``.
    ``http`` and ``https`` are the same site. Other plugins use it to point at websites
    (a podcast guest's home page) with the id the ``web`` platform gives them.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # "http://[::1": no host can be read; the text stands for itself
        return url.strip().split("://", 1)[-1].lower().rstrip("/")
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    try:
        port = parts.port if parts.port not in (None, 80, 443) else None
    except ValueError:  # a port that is not a number
        port = None
    path = _INDEX.sub("", parts.path).rstrip("/")
    return f"{host}{f':{port}' if port else ''}{path}"
