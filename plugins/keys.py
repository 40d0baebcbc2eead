"""API keys, tokens and client secrets from the environment: the one way plugins read them.

A value comes back as :class:`pydantic.SecretStr`, whose ``repr`` and ``str`` are
``**********``: a plugin that logs or prints its state shows no secret, and the value is
taken out (``get_secret_value()``) only where a request header or body is built. A value of
white space counts as unset (an ``export X=`` left in a shell profile), and values are
stripped (a key pasted with its newline).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from pydantic import SecretStr


def secret_from_env(*names: str) -> SecretStr | None:
    """The first of the environment variables ``names`` that is set, or ``None``."""
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return SecretStr(value)
    return None


def secrets_from_env(*names: str) -> tuple[SecretStr, ...] | None:
    """Every one of the variables ``names`` (a client id and its secret go together), or
    ``None`` when any is unset."""
    values = [secret_from_env(name) for name in names]
    if any(value is None for value in values):
        return None
    return tuple(value for value in values if value is not None)


def no_key(platform: str, title: str, names: Sequence[str]) -> str:
    """The one line a crawl logs when a platform's API key is missing, e.g.
    ``reddit: no API key; set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET to crawl Reddit``."""
    return f"{platform}: no API key; set {' and '.join(names)} to crawl {title}"
