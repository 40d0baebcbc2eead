"""Serving a chain of saved pages in a contract crawl at the URLs the plugin asks for."""

from __future__ import annotations

from collections.abc import Sequence

from creatorscout.plugins.platform import FetchRequest, Platform
from creatorscout.testing import PlatformContract, Saved
from creatorscout.testing.saved import SavedRequest


def chain(contract: PlatformContract, platform: Platform, requests: Sequence[FetchRequest],
          names: Sequence[str]) -> list[Saved]:
    """The saved responses ``names``, each at the URL of the one request the previous page
    (or ``requests``) asked for, with that request's purpose, creator and context; the
    last must ask for nothing more."""
    served: list[Saved] = []
    for name in names:
        [request] = requests
        page = contract.saved_named(name).at(request.url, request=SavedRequest(
            purpose=request.purpose, creator_id=request.creator_id, context=request.context))
        served.append(page)
        requests = platform.parse(page.response(platform.name)).requests
    assert not requests, f"the saved pages {list(names)} end before the plugin stops"
    return served
