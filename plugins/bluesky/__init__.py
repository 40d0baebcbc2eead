"""Built-in Bluesky plugin, registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.bluesky.options import BlueskyOptions
from creatorscout.plugins.bluesky.platform import Bluesky


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Bluesky)


__all__ = ["Bluesky", "BlueskyOptions", "register_platforms"]
