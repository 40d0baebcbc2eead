"""The plugin contract: everything a platform plugin author imports.

    from creatorscout.plugins import hookimpl, Platform, Creator, Post

Also here: the request/response types, :class:`Endpoint` tables, the ``Register`` type of
the hook's argument, niche matching (:func:`niche_terms`, :func:`mentions_niche`) and the
parsing helpers (:func:`parse_count`, :func:`parse_datetime`, :func:`parse_link_header`),
secrets from the environment (:func:`secret_from_env`, :func:`secrets_from_env`) and the
base class of platforms that sign in with client credentials (:class:`AppSignIn`).
"""

from creatorscout.plugins.hookspecs import Register, hookimpl
from creatorscout.plugins.keys import secret_from_env, secrets_from_env
from creatorscout.plugins.models import (
    Count,
    Creator,
    CreatorFlags,
    CreatorRef,
    Post,
    Provenance,
    parse_count,
)
from creatorscout.plugins.niche import mentions_niche, niche_terms
from creatorscout.plugins.oauth import AppSignIn
from creatorscout.plugins.platform import (
    Candidate,
    Endpoint,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    NoOptions,
    OptionsError,
    ParseResult,
    Platform,
    PlatformSettings,
    RateLimit,
    Refusal,
    Skip,
)
from creatorscout.plugins.web import parse_datetime, parse_link_header

__all__ = [
    "AppSignIn",
    "Candidate",
    "Count",
    "Creator",
    "CreatorFlags",
    "CreatorRef",
    "Endpoint",
    "FetchRequest",
    "FetchResponse",
    "MalformedResponse",
    "NoOptions",
    "OptionsError",
    "ParseResult",
    "Platform",
    "PlatformSettings",
    "Post",
    "Provenance",
    "RateLimit",
    "Refusal",
    "Register",
    "Skip",
    "hookimpl",
    "mentions_niche",
    "niche_terms",
    "parse_count",
    "parse_datetime",
    "parse_link_header",
    "secret_from_env",
    "secrets_from_env",
]
