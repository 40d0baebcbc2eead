"""The sandbox's options (what a user or a test can type), validated with pydantic."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from creatorscout.sandbox.people import MAX_PEOPLE


class FaultOptions(BaseModel):
    """Rate limits and injected failures of the sandbox server.

    The defaults never get in the way: a huge bucket and no injected faults.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate_limit: int = Field(
        default=1_000_000, ge=1,
        description="API requests allowed per server, per client, per window",
    )
    rate_window: int = Field(
        default=300, ge=1, description="Length of a rate-limit window in seconds (Mastodon: 300)"
    )
    fail_every: int = Field(
        default=0, ge=0,
        description="Every Nth API request answers 429 with Retry-After (0: never)",
    )
    unavailable_every: int = Field(
        default=0, ge=0,
        description="Every Nth API request answers 503 with Retry-After (0: never)",
    )
    retry_after: int = Field(
        default=1, ge=0, description="Retry-After seconds sent with injected 429 and 503"
    )
    bad_text_every: int = Field(
        default=0, ge=0,
        description="Every Nth API JSON answer carries a lone surrogate (a \\ud800 escape) in "
        "each display name, as a broken federated server may send (0: never)",
    )


class SandboxOptions(FaultOptions):
    """Everything ``python -m creatorscout.sandbox`` accepts."""

    host: str = Field(default="127.0.0.1", description="Address to bind")
    port: int = Field(default=0, ge=0, le=65535, description="Port to bind (0: any free port)")
    creators: int = Field(default=2000, ge=1, le=MAX_PEOPLE, description="People in the world")
    seed: int = Field(default=42, description="World seed")
    verbose: bool = Field(default=False, description="Log every request to stderr")

    def faults(self) -> FaultOptions:
        """Just the server-behaviour part."""
        return FaultOptions(**{name: getattr(self, name) for name in FaultOptions.model_fields})
