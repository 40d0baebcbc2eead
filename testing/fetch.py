"""Fetch one :class:`FetchRequest` over HTTP without Scrapy (for the kit's own checks).

The contract tests walk a plugin's pagination against a replay server with this: small,
synchronous and dependency-free. Crawls use the real crawler (:mod:`.crawl`).
"""

from __future__ import annotations

import urllib.error
import urllib.request

from creatorscout.plugins.platform import FetchRequest, FetchResponse


def fetch(request: FetchRequest, timeout: float = 10.0) -> FetchResponse:
    """GET (or ``request.method``) the URL; every status comes back as a response."""
    http_request = urllib.request.Request(
        request.url, data=request.body, method=request.method, headers=dict(request.headers)
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as answer:  # noqa: S310
            status, headers, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
        error.close()
    return FetchResponse(
        url=request.url,
        status=status,
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
        request=request,
    )
