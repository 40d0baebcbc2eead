"""Built-in Twitch plugin (Helix, client-credentials sign-in), registered exactly as a
third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.twitch.platform import Twitch, TwitchOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Twitch)


__all__ = ["Twitch", "TwitchOptions", "register_platforms"]
