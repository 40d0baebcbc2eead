"""Lemmy platform plugin for creatorscout (the worked example of docs/plugins.md)."""

from creatorscout.plugins import hookimpl

from creatorscout_lemmy.platform import Lemmy


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Lemmy)


__all__ = ["Lemmy", "register_platforms"]
