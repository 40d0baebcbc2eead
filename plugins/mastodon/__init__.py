"""Built-in Mastodon plugin, registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.mastodon.platform import Mastodon, MastodonOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Mastodon)


__all__ = ["Mastodon", "MastodonOptions", "register_platforms"]
