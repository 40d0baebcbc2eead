"""The built-in Mastodon plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from pathlib import Path

from creatorscout.plugins.mastodon import Mastodon
from creatorscout.testing import PlatformContract, Saved

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestMastodonContract(PlatformContract):
    platform = Mastodon
    fixtures = FIXTURES
    # Read the hashtag timeline of one instance; authors seen there are kept as read
    # (no home-server lookups), so the contract crawl needs only the saved pages below.
    options = {
        "instances": ["mastodon.social"],
        "use_directory": False,
        "search_accounts": False,
        "home_lookup": False,
    }
    opted_out = {
        "account_bot": "bot: true",
        "account_not_discoverable": "discoverable: false",
        "account_noindex": "noindex: true",
        "account_suspended": "suspended",
    }
    refusals = {
        "error_401_search_offset": "login_required",
        "error_401_secure_mode": "login_required",
        "error_401_timeline": "login_required",
        "error_422_timeline_auth": "login_required",
        "error_404": "gone",
        "error_410": "gone",
        "error_429": "rate_limited",
        "error_503_html": "server_error",
        "error_422_batch_limit": "server_error",
    }
    pages = ("statuses_page1", "tag_timeline")
    last_pages = ("statuses_page2_last", "statuses_empty", "tag_timeline_empty")
    count_keys = ("*_count",)
    coverage_baseline = BASELINE

    def crawl_responses(self) -> list[Saved]:
        """The #vegan timeline where discovery reads it, and the last page of statuses
        saved under each author's statuses URL."""
        platform = self.crawl_platform()
        [discover] = list(platform.discover(self.crawl_niche()))
        timeline = self.saved_named("tag_timeline")
        served = [timeline.at(discover.url)]
        statuses = self.saved_named("statuses_page2_last")
        result = platform.parse(timeline.response(platform.name, url=discover.url))
        for candidate in result.candidates:
            if candidate.creator is not None:
                for request in platform.posts_requests(candidate.creator):
                    served.append(statuses.at(request.url))
        return served
