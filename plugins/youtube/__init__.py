"""Built-in YouTube plugin (Data API v3), registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.youtube.platform import YouTube, YouTubeOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(YouTube)


__all__ = ["YouTube", "YouTubeOptions", "register_platforms"]
