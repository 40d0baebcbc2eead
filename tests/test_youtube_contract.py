"""The built-in YouTube plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.plugins.youtube import YouTube
from creatorscout.plugins.youtube.platform import KEY_VARIABLE
from creatorscout.testing import PlatformContract, Saved
from tests.contract_pages import chain

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestYouTubeContract(PlatformContract):
    platform = YouTube
    fixtures = FIXTURES
    refusals = {
        "error_403_quota": "blocked",
        "error_403_rate": "rate_limited",
        "error_403_forbidden": "blocked",
        "error_400_key_invalid": "login_required",
        "error_404_playlist": "gone",
    }
    pages = ("search_channels", "search_videos", "playlist_items", "videos")
    # (the last playlist page still asks for its videos: it is not a last page here)
    last_pages = ("search_last", "playlist_items_empty", "videos_last")
    # statistics.viewCount, likeCount, commentCount, subscriberCount, videoCount...
    count_keys = ("*Count",)
    token_env = KEY_VARIABLE
    coverage_baseline = BASELINE

    @pytest.fixture(autouse=True)
    def _sandbox_key(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """YouTube makes no API request without a key: the crawls (children inherit the
        environment) run with one; the token rule replaces it with its canary."""
        monkeypatch.setenv(KEY_VARIABLE, "sandbox-key-for-the-contract")
        yield

    def crawl_responses(self) -> list[Saved]:
        """Channel search for 'vegan' answers with the saved channels, the other searches
        with the empty last page; the three channels' profiles in one batch; Lena's
        uploads (two playlist pages and their videos), Tofu Tuesday's empty uploads and
        the third channel's playlist gone."""
        platform = self.crawl_platform()
        niche = self.crawl_niche()
        searches = list(platform.discover(niche))
        hits = self.saved_named("search_channels")
        served = [hits.at(searches[0].url)]
        served += [self.saved_named("search_last").at(r.url) for r in searches[1:]]
        found = platform.parse(hits.response(platform.name, url=searches[0].url))
        [profiles] = list(platform.profile_requests(found.candidates))
        channels = self.saved_named("channels")
        served.append(channels.at(profiles.url))
        lena, tofu, kueche = platform.parse(channels.response(platform.name)).creators
        served += chain(self, platform, list(platform.posts_requests(lena)), (
            "playlist_items", "videos", "playlist_items_last", "videos_last"))
        [empty] = list(platform.posts_requests(tofu))
        served.append(self.saved_named("playlist_items_empty").at(empty.url))
        [gone] = list(platform.posts_requests(kueche))
        served.append(self.saved_named("error_404_playlist").at(gone.url))
        return served
