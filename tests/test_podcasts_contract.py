"""The built-in podcasts plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from pathlib import Path

from creatorscout.plugins.podcasts import Podcasts
from creatorscout.testing import PlatformContract

FIXTURES = Path(__file__).parent / "fixtures" / "podcasts"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestPodcastsContract(PlatformContract):
    platform = Podcasts
    fixtures = FIXTURES
    options = {"podcast_index": False}
    opted_out = {"feed_blocked_itunes": "itunes:block", "feed_blocked_podcast": "podcast:block"}
    refusals = {
        "feed_gone_410": "gone",
        "itunes_403_rate_limited": "blocked",
        "itunes_error_400": "server_error",
        "podcastindex_401": "login_required",
    }
    pages = ()
    last_pages = ("itunes_search", "feed_full")
    count_keys = ("trackCount", "episodeCount")
    coverage_baseline = BASELINE
