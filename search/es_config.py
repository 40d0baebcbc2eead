"""How to reach an Elasticsearch index: the URL, credentials, TLS, timeouts and retries.

The URL comes from ``--index`` or ``CREATORSCOUT_INDEX``; everything secret comes from the
environment, never from the URL (URLs end up in shell history, logs and ``scout index
stats``):

=============================== ==========================================================
``CREATORSCOUT_ES_USER``        basic-auth user (``elastic`` when only a password is set)
``CREATORSCOUT_ES_PASSWORD``    basic-auth password
``CREATORSCOUT_ES_API_KEY``     an API key (the base64 ``encoded`` value); instead of a
                                password
``CREATORSCOUT_ES_CA_CERTS``    a PEM file with the CA that signed the cluster's certificate
``CREATORSCOUT_ES_VERIFY_CERTS`` ``false`` switches TLS verification off (default: on)
``CREATORSCOUT_ES_TIMEOUT``     seconds per request (default 30)
``CREATORSCOUT_ES_RETRIES``     retries of a failed request (default 3; connection errors,
                                timeouts, 429/502/503/504)
=============================== ==========================================================

URL forms: ``http(s)://host[:port]`` (port 9200 by default) and ``http(s)://host[:port]/name``,
where ``name`` is the prefix of every index, alias and template creatorscout creates
(default ``creatorscout``), so several independent indexes can share one cluster.

The ``elasticsearch`` client is imported lazily (:func:`load_client`): the embedded index
never needs it, and a missing client is a one-line error that says how to install it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL

DEFAULT_PORT = 9200
DEFAULT_PREFIX = "creatorscout"

ENV_USER = "CREATORSCOUT_ES_USER"
ENV_PASSWORD = "CREATORSCOUT_ES_PASSWORD"
ENV_API_KEY = "CREATORSCOUT_ES_API_KEY"
ENV_CA_CERTS = "CREATORSCOUT_ES_CA_CERTS"
ENV_VERIFY = "CREATORSCOUT_ES_VERIFY_CERTS"
ENV_TIMEOUT = "CREATORSCOUT_ES_TIMEOUT"
ENV_RETRIES = "CREATORSCOUT_ES_RETRIES"

INSTALL_HINT = "pip install 'creatorscout[es]'"

_PREFIX = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def is_es_url(url: str) -> bool:
    """True for ``http://`` and ``https://`` URLs (case-insensitive)."""
    return url.strip().lower().startswith(("http://", "https://"))


class EsSettings(BaseModel):
    """Everything needed to open an Elasticsearch index. Built by :func:`parse_es_url`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host_url: str = Field(description="scheme://host:port, no credentials, no path")
    prefix: str = Field(default=DEFAULT_PREFIX, description="Prefix of our indices and aliases")
    username: str | None = None
    password: SecretStr | None = None
    api_key: SecretStr | None = None
    ca_certs: Path | None = None
    verify_certs: bool = True
    request_timeout: float = Field(default=30.0, gt=0, le=3600)
    max_retries: int = Field(default=3, ge=0, le=20)

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.fullmatch(value):
            raise ValueError(
                f"index name {value!r} must be lower-case letters, digits, '-' or '_' "
                "and start with a letter or digit"
            )
        return value

    @property
    def url(self) -> str:
        """The index URL as users write it (no credentials)."""
        if self.prefix == DEFAULT_PREFIX:
            return self.host_url
        return f"{self.host_url}/{self.prefix}"

    @property
    def tls(self) -> bool:
        return self.host_url.startswith("https://")

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``elasticsearch.Elasticsearch``."""
        kwargs: dict[str, Any] = {
            "hosts": [self.host_url],
            "request_timeout": self.request_timeout,
            "max_retries": self.max_retries,
            "retry_on_timeout": True,
            "retry_on_status": (429, 502, 503, 504),
            # the client's own user agent plus ours: cluster logs show who is writing
            "headers": {"x-opaque-id": "creatorscout"},
        }
        if self.api_key is not None:
            kwargs["api_key"] = self.api_key.get_secret_value()
        elif self.password is not None:
            kwargs["basic_auth"] = (self.username or "elastic", self.password.get_secret_value())
        if self.tls:
            kwargs["verify_certs"] = self.verify_certs
            # we say it ourselves, once, instead of a warning on every request
            kwargs["ssl_show_warn"] = False
            if self.ca_certs is not None:
                kwargs["ca_certs"] = str(self.ca_certs)
        return kwargs

    @property
    def auth_hint(self) -> str:
        """What the user set for authentication, in words (never the secret)."""
        if self.api_key is not None:
            return f"the API key in {ENV_API_KEY}"
        if self.password is not None:
            return f"user {self.username or 'elastic'!r} with the password in {ENV_PASSWORD}"
        return "no credentials"


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise InvalidIndexURL(f"{name}={value!r}: use true or false")


def parse_es_url(url: str, environ: Mapping[str, str] | None = None) -> EsSettings:
    """Read an Elasticsearch index URL and the ``CREATORSCOUT_ES_*`` environment.

    Raises :class:`InvalidIndexURL` with a one-line message naming what to fix.
    """
    env = os.environ if environ is None else environ
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidIndexURL(f"bad Elasticsearch URL {text!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise InvalidIndexURL(f"bad Elasticsearch URL {text!r}: use http(s)://host:9200")
    if parts.username is not None or parts.password is not None:
        raise InvalidIndexURL(
            f"do not put credentials in the index URL; set {ENV_USER} and {ENV_PASSWORD} "
            f"(or {ENV_API_KEY}) in the environment"
        )
    if parts.query or parts.fragment:
        raise InvalidIndexURL(
            f"bad Elasticsearch URL {text!r}: no ?query or #fragment; "
            "use http(s)://host:9200[/name]"
        )
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > 1:
        raise InvalidIndexURL(
            f"bad Elasticsearch URL {text!r}: the path may only name the index "
            "(http(s)://host:9200/name)"
        )
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    fields: dict[str, Any] = {
        "host_url": f"{scheme}://{host}:{port or DEFAULT_PORT}",
        "prefix": segments[0] if segments else DEFAULT_PREFIX,
    }
    api_key = env.get(ENV_API_KEY, "").strip()
    password = env.get(ENV_PASSWORD, "")
    user = env.get(ENV_USER, "").strip()
    if api_key and password:
        raise InvalidIndexURL(f"set either {ENV_API_KEY} or {ENV_PASSWORD}, not both")
    if user and not password and not api_key:
        raise InvalidIndexURL(f"{ENV_USER} is set but {ENV_PASSWORD} is not; set both")
    if api_key:
        fields["api_key"] = api_key
    if password:
        fields["password"] = password
        fields["username"] = user or None
    ca = env.get(ENV_CA_CERTS, "").strip()
    if ca:
        path = Path(ca).expanduser()
        if not path.is_file():
            raise InvalidIndexURL(f"{ENV_CA_CERTS}: no file at {path}; give the CA's PEM file")
        fields["ca_certs"] = path
    verify = env.get(ENV_VERIFY, "").strip()
    if verify:
        fields["verify_certs"] = _flag(ENV_VERIFY, verify)
    for name, key in ((ENV_TIMEOUT, "request_timeout"), (ENV_RETRIES, "max_retries")):
        raw = env.get(name, "").strip()
        if raw:
            fields[key] = raw
    try:
        return EsSettings(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = {
            "request_timeout": ENV_TIMEOUT,
            "max_retries": ENV_RETRIES,
            "prefix": "index URL",
        }.get(str(first["loc"][0]) if first["loc"] else "", "index URL")
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidIndexURL(f"{where}: {message}") from None


def load_client() -> ModuleType:
    """The ``elasticsearch`` module, or :class:`IndexUnavailable` saying how to install it."""
    try:
        import elasticsearch
        import elasticsearch.helpers  # noqa: F401 - not imported by the package: bulk writes need it
    except ImportError:
        raise IndexUnavailable(
            f"the Elasticsearch index needs the elasticsearch client: {INSTALL_HINT}"
        ) from None
    return elasticsearch
