"""The plugin contract: everything a platform plugin author imports.

    from creatorscout.plugins import hookimpl, Platform, Creator, Post
"""

from creatorscout.plugins.hookspecs import Register, hookimpl
from creatorscout.plugins.models import Count, Creator, CreatorFlags, CreatorRef, Post, Provenance
from creatorscout.plugins.platform import (
    Candidate,
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
    Platform,
    PlatformSettings,
    RateLimit,
    Refusal,
    Skip,
)

__all__ = [
    "Candidate",
    "Count",
    "Creator",
    "CreatorFlags",
    "CreatorRef",
    "FetchRequest",
    "FetchResponse",
    "MalformedResponse",
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
]
