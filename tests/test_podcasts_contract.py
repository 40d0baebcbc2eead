"""The built-in podcasts plugin passes the same contract tests every plugin must pass.

Two rules are applied as podcasts are, not as the kit assumes:

* redirects (a moved feed) are followed by the plugin, not refused
  (:mod:`tests.followed_redirects`);
* pagination: nothing pages (see :meth:`TestPodcastsContract.
  test_contract_pagination_terminates`).

Counts: the directories' episode counts (iTunes ``trackCount``, Podcast Index
``episodeCount``) are the only counts a podcast has; feeds publish no audience numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.plugins.podcasts import Podcasts
from creatorscout.plugins.podcasts.directory import ENV_PI_KEY, ENV_PI_SECRET
from tests.followed_redirects import FollowsRedirects

FIXTURES = Path(__file__).parent / "fixtures" / "podcasts"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestPodcastsContract(FollowsRedirects):
    platform = Podcasts
    fixtures = FIXTURES
    # Defaults: iTunes for the contract niche's keywords, Podcast Index when its key is set.
    opted_out = {"feed_blocked_itunes": "itunes:block", "feed_blocked_podcast": "podcast:block"}
    refusals = {
        "feed_gone_410": "gone",
        "itunes_403_rate_limited": "blocked",
        "itunes_error_400": "server_error",
        "podcastindex_401": "login_required",
    }
    last_pages = ("itunes_search", "itunes_lookup", "podcastindex_byterm", "feed_full",
                  "feed_minimal")
    count_keys = ("trackCount", "episodeCount")
    # The Podcast Index key travels in X-Auth-Key (the secret only inside a hash).
    token_env = ENV_PI_KEY
    coverage_baseline = BASELINE

    @pytest.fixture(autouse=True)
    def _podcast_index_secret(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """Podcast Index is searched only with a key and a secret: the kit sets the key
        (a canary) where it checks tokens; the secret is set here for every rule (the
        contract crawl's child inherits it), and a key from the developer's environment
        is removed."""
        monkeypatch.delenv(ENV_PI_KEY, raising=False)
        monkeypatch.setenv(ENV_PI_SECRET, "contract-test-secret")
        yield

    def test_contract_pagination_terminates(self) -> None:
        """Podcasts have no next page to follow: the iTunes Search API has no offset
        paging (one answer of at most ``limit`` results), Podcast Index search answers at
        most ``max`` feeds, and a show's episodes come in one feed document. What is left
        of the rule: no saved response asks for more of itself, and a feed is read only
        as far as ``max_posts`` allows."""
        one_post = self.make_platform(max_posts=1)
        parsed = 0
        for item, result in self._parsable():
            parsed += 1
            more = [r.url for r in result.requests
                    if (r.purpose, r.creator_id) == (item.request.purpose,
                                                     item.request.creator_id)]
            assert not more, f"{item.name}: asked for more: {more[0]}"
            limited = one_post.parse(item.response(one_post.name))
            assert len(limited.posts) <= 1, f"{item.name}: read past max_posts=1"
        assert set(self.last_pages) <= {item.name for item, _ in self._parsable()}
        assert parsed >= len(self.last_pages)
