"""Built-in web plugin (personal websites and blogs; platform ``web``), registered exactly
as a third-party plugin would be. The package is ``website`` because ``plugins/web.py``
holds the HTML helpers every plugin shares."""

from creatorscout.plugins import hookimpl
from creatorscout.plugins.website.platform import Web, WebOptions


@hookimpl
def register_platforms(register):  # type: ignore[no-untyped-def]
    register(Web)


__all__ = ["Web", "WebOptions", "register_platforms"]
