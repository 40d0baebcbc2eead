"""Built-in PeerTube plugin, registered exactly as a third-party plugin would be."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.peertube.platform import PeerTube, PeerTubeOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(PeerTube)


__all__ = ["PeerTube", "PeerTubeOptions", "register_platforms"]
