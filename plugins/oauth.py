"""Client-credentials sign-in for API platforms (Reddit, Twitch): the token request goes
through the crawler like any other, its answer starts the discovery, and a 401 later on
signs in again once and repeats the refused call.

A plugin keeps the token in memory only (never in a request's context, an item or a log)
and builds its own sign-in request (the form of the credentials differs by platform);
these helpers carry the call to repeat across the sign-in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from creatorscout.plugins.platform import (
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    ParseResult,
)

#: Context key of a sign-in made to repeat a refused call (the call, without headers).
RETRY = "retry"
#: Context key marking a call repeated once after signing in again.
AGAIN = "signed_in_again"


def access_token(data: Any, endpoint: str) -> str:
    """The ``access_token`` of a token answer (RFC 6749 section 5.1)."""
    token = data.get("access_token") if isinstance(data, Mapping) else None
    if not isinstance(token, str) or not token:
        raise MalformedResponse(f"{endpoint}: no access_token in the answer")
    return token


def after_sign_in(response: FetchResponse, headers: Mapping[str, str],
                  discovery: Callable[[], list[FetchRequest]]) -> list[FetchRequest]:
    """What a token answer leads to: the refused call it was made for, with fresh
    ``headers``, or else the discovery."""
    retry = response.request.context.get(RETRY)
    if isinstance(retry, dict):
        return [FetchRequest.model_validate(retry).model_copy(update={"headers": dict(headers)})]
    return discovery()


def sign_in_again(response: FetchResponse, is_token_call: bool,
                  sign_in: Callable[..., FetchRequest | None]) -> ParseResult | None:
    """On a 401 (an expired or revoked token) the sign-in to make, once per call; ``None``
    for anything else, so the refusal is reported."""
    request = response.request
    if response.status != 401 or request.context.get(AGAIN) or is_token_call:
        return None
    again = request.model_copy(update={"context": {**request.context, AGAIN: True}})
    retry = sign_in(**{RETRY: again.model_dump(mode="json", exclude={"headers"})})
    return ParseResult(requests=[retry]) if retry else None
