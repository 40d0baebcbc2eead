"""The built-in Bluesky plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from pathlib import Path

from creatorscout.plugins.bluesky import Bluesky
from creatorscout.testing import PlatformContract, Saved

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestBlueskyContract(PlatformContract):
    platform = Bluesky
    fixtures = FIXTURES
    # Account search for the contract niche's keywords and no post search, so the contract
    # crawl needs only the saved pages below.
    options = {"search_posts": False}
    opted_out = {
        "profile_labelled": "!no-unauthenticated",
        "search_actors_page1": "!no-unauthenticated",
        "follows_page1": "!no-unauthenticated",
        "search_posts": "!no-unauthenticated",
    }
    refusals = {
        "error_account_deactivated": "gone",
        "error_account_takedown": "gone",
        "error_profile_not_found": "gone",
        "error_blocked_by_actor": "blocked",
        "error_expired_token": "login_required",
        "error_search_posts_403": "login_required",
        "error_429": "rate_limited",
        "error_502": "server_error",
        "error_bad_limit": "server_error",
    }
    pages = ("search_actors_page1", "author_feed_page1", "follows_page1")
    last_pages = ("search_actors_last", "search_actors_empty", "author_feed_end", "follows_end")
    count_keys = ("*Count",)
    min_crawl_creators = 2
    coverage_baseline = BASELINE
    # No token_env: post search signs in with an app password (one createSession per
    # crawl) and only the session's access token travels in headers; see
    # tests/test_bluesky_session.py for the same rule checked on that path.

    def crawl_responses(self) -> list[Saved]:
        """Search answers 'vegan' with the first page, the profiles of what it found come
        from the saved batch, every author feed is the saved first page (only the author's
        own posts count, so the other creator's feed is empty of posts) and every list of
        follows is the saved empty one."""
        platform = self.make_platform(max_posts=10)
        [search, *_] = list(platform.discover(self.crawl_niche()))
        first = self.saved_named("search_actors_page1")
        served = [first.at(search.url)]
        found = platform.parse(first.response(platform.name, url=search.url))
        profiles = self.saved_named("profiles_batch")
        end = self.saved_named("author_feed_end")
        for request in platform.profile_requests(found.candidates):
            served.append(profiles.at(request.url))
            batch = platform.parse(profiles.response(platform.name, url=request.url))
            served += [self.saved_named("error_account_deactivated").at(r.url)
                       for r in batch.requests]
            for creator in batch.creators:
                for posts in platform.posts_requests(creator):
                    if posts.purpose == "graph":
                        served.append(self.saved_named("follows_end").at(posts.url))
                        continue
                    served.append(self.saved_named("author_feed_page1").at(posts.url))
                    result = platform.parse(
                        self.saved_named("author_feed_page1").response(platform.name,
                                                                       url=posts.url))
                    served += [end.at(r.url) for r in result.requests]
        return served
