"""Built-in podcasts plugin, registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.podcasts.platform import Podcasts, PodcastsOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Podcasts)


__all__ = ["Podcasts", "PodcastsOptions", "register_platforms"]
