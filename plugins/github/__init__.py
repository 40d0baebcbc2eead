"""Built-in GitHub plugin, registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.github.platform import GitHub, GitHubOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(GitHub)


__all__ = ["GitHub", "GitHubOptions", "register_platforms"]
