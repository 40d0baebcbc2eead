"""Built-in Reddit plugin (Data API, application-only OAuth), registered exactly as a
third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.reddit.platform import Reddit, RedditOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Reddit)


__all__ = ["Reddit", "RedditOptions", "register_platforms"]
