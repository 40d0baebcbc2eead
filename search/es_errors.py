"""One-line messages for what the Elasticsearch client raises.

Every error leaves :mod:`creatorscout.search.es_index` as an :class:`IndexOpenError`
subclass (a ``ValueError``), so the command line prints one line and no traceback.
"""

from __future__ import annotations

from typing import Any

from creatorscout.search.backend import IndexOpenError
from creatorscout.search.es_config import (
    ENV_API_KEY,
    ENV_CA_CERTS,
    ENV_PASSWORD,
    ENV_TIMEOUT,
    ENV_USER,
    ENV_VERIFY,
    EsSettings,
)

COMPOSE_HINT = "is `docker compose up -d elasticsearch` running?"


class ElasticsearchError(IndexOpenError):
    """The cluster answered with an error, or could not be reached. One line, with the fix."""


class ElasticsearchUnreachable(ElasticsearchError):
    """No answer from the cluster (connection refused, DNS, timeout, TLS)."""


class ElasticsearchBusy(ElasticsearchError):
    """The cluster answered 429 or 5xx (after the client's retries): it is there but cannot
    take the request now. Like :class:`ElasticsearchUnreachable`, an outage: try later."""


class ElasticsearchWriteError(ElasticsearchError):
    """Some documents of a bulk write failed for good (after retries). ``failures`` has them."""

    def __init__(self, message: str, failures: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.failures = failures


def _reason(exc: Exception) -> str:
    """The server's own reason from an ApiError body, else the exception text."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            root = error.get("root_cause")
            if isinstance(root, list) and root and isinstance(root[0], dict):
                error = root[0]
            kind = error.get("type", "")
            reason = error.get("reason", "")
            return f"{kind}: {reason}".strip(": ")
        if isinstance(error, str):
            return error
    text = str(getattr(exc, "message", "") or "")
    if text in ("", "None") or body is None and getattr(exc, "meta", None) is not None:
        return ""  # e.g. a HEAD request: the status says it all
    return " ".join(text.split())[:300]


def translate(exc: Exception, settings: EsSettings, doing: str) -> ElasticsearchError:
    """Turn a client exception into one line that says what to fix.

    ``doing`` names the operation in a few words ("search", "create the index template").
    """
    import elasticsearch
    from elastic_transport import TlsError

    url = settings.url
    if isinstance(exc, TlsError):
        text = f"{exc} {getattr(exc, 'message', '')} {exc!r}"
        if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
            return ElasticsearchUnreachable(
                f"{settings.host_url} does not speak TLS; use http:// in the index URL"
            )
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            return ElasticsearchUnreachable(
                f"the TLS certificate of {settings.host_url} is not trusted; set {ENV_CA_CERTS} "
                f"to the CA's PEM file (or {ENV_VERIFY}=false for a throw-away cluster)"
            )
        return ElasticsearchUnreachable(f"TLS with {settings.host_url} failed: {_reason(exc)}")
    if isinstance(exc, elasticsearch.ConnectionTimeout):
        return ElasticsearchUnreachable(
            f"Elasticsearch at {url} did not answer within {settings.request_timeout:g}s "
            f"({doing}); check the cluster or raise {ENV_TIMEOUT}"
        )
    if isinstance(exc, elasticsearch.ConnectionError):
        return ElasticsearchUnreachable(f"cannot reach Elasticsearch at {url}; {COMPOSE_HINT}")
    if isinstance(exc, elasticsearch.AuthenticationException):
        return ElasticsearchError(
            f"Elasticsearch at {url} refused {settings.auth_hint} (401); set {ENV_PASSWORD} "
            f"(and {ENV_USER}, default elastic) or {ENV_API_KEY}"
        )
    if isinstance(exc, elasticsearch.AuthorizationException):
        reason = _reason(exc)
        return ElasticsearchError(
            f"Elasticsearch at {url} does not allow {settings.auth_hint} to {doing} "
            f"(403{': ' + reason if reason else ''}); grant it the cluster privilege "
            f"manage_index_templates and all privileges on the indices {settings.prefix}-*"
        )
    if isinstance(exc, elasticsearch.UnsupportedProductError):
        return ElasticsearchError(
            f"{settings.host_url} answered, but it is not an Elasticsearch server this client "
            "supports; check the URL and port"
        )
    if isinstance(exc, elasticsearch.ApiError):
        reason = _reason(exc)
        if "media_type_header_exception" in reason or "compatible-with" in reason:
            major = elasticsearch.__versionstr__.split(".")[0]
            return ElasticsearchError(
                f"the cluster at {url} runs another major version than the elasticsearch "
                f"client {elasticsearch.__versionstr__} (for Elasticsearch {major}); install "
                "the client that matches the cluster, e.g. pip install 'elasticsearch>=8,<9'"
            )
        status = exc.meta.status
        kind = ElasticsearchBusy if status == 429 or status >= 500 else ElasticsearchError
        return kind(f"Elasticsearch at {url} refused to {doing}: {status} {reason}".rstrip())
    if isinstance(exc, elasticsearch.TransportError):
        return ElasticsearchUnreachable(f"Elasticsearch at {url} ({doing}): {_reason(exc)}")
    return ElasticsearchError(f"Elasticsearch at {url} ({doing}): {_reason(exc)}")
