"""The contract rule for platforms that follow redirects themselves (web, podcasts).

Their crawler requests are sent with ``dont_redirect`` and mapped onto a ``{host}`` base
URL, so :meth:`Platform.refusal` returns ``None`` for a 3xx with a ``Location`` and
:meth:`Platform.parse` asks for the target (:func:`creatorscout.plugins.hostmap.
follow_redirect`). The kit's "every non-2xx is a refusal" rule does not know that path:
:class:`FollowsRedirects` keeps the saved redirects out of the kit's rules and holds them
to this one instead. Subclass it instead of :class:`PlatformContract`.
"""

from __future__ import annotations

from urllib.parse import urljoin

from creatorscout.plugins.hostmap import HostTemplate
from creatorscout.plugins.platform import FetchResponse
from creatorscout.testing import PlatformContract, Saved
from creatorscout.testing.saved import local_base_url

#: A local address nothing listens on (nothing is fetched here).
NOWHERE = "http://127.0.0.1:9"


def is_redirect(item: Saved) -> bool:
    return 300 <= item.status < 400 and bool(item.header("location"))


class FollowsRedirects(PlatformContract):
    """Saved 3xx responses are followed by the plugin, never refused, never looped."""

    def saved(self) -> list[Saved]:
        """The saved responses the kit's rules check: all but the redirects."""
        return [item for item in super().saved() if not is_redirect(item)]

    def redirects(self) -> list[Saved]:
        return [item for item in PlatformContract.saved(self) if is_redirect(item)]

    def test_redirects_are_followed(self) -> None:
        redirects = self.redirects()
        assert redirects, f"{self.fixtures}: no saved redirect (3xx with a Location)"
        for base_url in (None, local_base_url(self.platform.default_base_url, NOWHERE)):
            platform = self.make_platform(base_url=base_url)
            hosts = HostTemplate(base_url)
            for saved in redirects:
                # As the crawler asks: the logical URL travels in the context.
                item = saved.model_copy(update={"request": saved.request.model_copy(
                    update={"context": {**saved.request.context, "url": saved.url}})})
                target = urljoin(item.url, str(item.header("location")))
                response = item.response(platform.name, url=hosts.fetch_url(item.url))
                assert platform.refusal(response) is None, f"{item.name}: refused"
                [follow] = platform.parse(response).requests
                # The target, through this platform's base URL, for the same purpose.
                assert follow.context["url"] == target, item.name
                assert follow.url == hosts.fetch_url(target), item.name
                assert platform.owns_url(follow.url), f"{item.name}: {follow.url} not owned"
                assert (follow.purpose, follow.creator_id) == (
                    response.request.purpose, response.request.creator_id)
                # A target that redirects back is a loop: it ends there.
                back = FetchResponse(url=follow.url, status=item.status,
                                     headers={"location": item.url}, request=follow)
                assert platform.parse(back).requests == [], f"{item.name}: loop followed"
