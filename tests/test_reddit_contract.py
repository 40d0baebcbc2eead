"""The built-in Reddit plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from creatorscout.plugins.reddit import Reddit
from creatorscout.plugins.reddit.platform import ID_VARIABLE, SECRET_VARIABLE
from creatorscout.testing import PlatformContract, Saved
from tests.contract_pages import chain

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestRedditContract(PlatformContract):
    platform = Reddit
    fixtures = FIXTURES
    opted_out = {"user_about_hidden": "hide_from_robots"}
    refusals = {
        "error_401": "login_required",
        "error_403_private": "login_required",
        "error_404_banned": "gone",
        "error_404_user": "gone",
        "error_429": "rate_limited",
    }
    pages = ("subreddits_search", "subreddit_top", "user_submitted")
    last_pages = ("subreddits_search_last", "subreddit_new_last", "user_submitted_last")
    count_keys = ("score", "ups", "num_comments", "subscribers", "*_karma")
    # The client secret only ever travels Base64-encoded in the sign-in's Basic header,
    # where the kit's canary cannot be seen: tests/test_reddit_e2e.py checks it instead.
    token_env = None
    coverage_baseline = BASELINE

    @pytest.fixture(autouse=True)
    def _sandbox_keys(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """Reddit makes no request without an app: the crawls (children inherit the
        environment) run with sandbox credentials."""
        monkeypatch.setenv(ID_VARIABLE, "contract-client")
        monkeypatch.setenv(SECRET_VARIABLE, "contract-secret")
        yield

    def crawl_responses(self) -> list[Saved]:
        """Sign-in; subreddit search for 'vegan' finds r/veganrecipes (and r/vegan, whose
        listings are empty), 'recipe' finds nothing; top posts give four authors: Lena
        (her profile and two pages of posts), a hidden one, Oskar and a suspended one."""
        platform = self.crawl_platform()
        [sign_in] = list(platform.discover(self.crawl_niche()))
        # With a base URL (the replay server) the sign-in goes there too, beside the API.
        served = [self.saved_named("access_token").at(
            f"{Reddit.default_base_url}{urlsplit(sign_in.url).path}")]
        token = self.saved_named("access_token").at(sign_in.url)
        searches = platform.parse(token.response(platform.name)).requests
        empty = self.saved_named("subreddit_new_last")
        hits = self.saved_named("subreddits_search")
        served.append(hits.at(searches[0].url))
        served += [self.saved_named("subreddits_search_last").at(r.url) for r in searches[1:]]
        listings = platform.parse(hits.response(platform.name, url=searches[0].url)).requests
        top = self.saved_named("subreddit_top")
        for request in listings:
            if request.url.split("?")[0].endswith("/r/veganrecipes/top"):
                served.append(top.at(request.url))
                found = platform.parse(top.response(platform.name, url=request.url))
            elif "/subreddits/search" not in request.url:
                served.append(empty.at(request.url))
        profiles = {"lena_greenfield": "user_about", "quiet_cook": "user_about_hidden",
                    "oskar_kocht": "user_about_oskar", "spam_account_42": "user_about_suspended"}
        for request in platform.profile_requests(found.candidates):
            name = request.url.split("/user/")[1].split("/")[0]
            served.append(self.saved_named(profiles[name]).at(request.url))
        lena = platform.parse(self.saved_named("user_about").response(platform.name)).creators[0]
        served += chain(self, platform, list(platform.posts_requests(lena)),
                        ("user_submitted", "user_submitted_last"))
        oskar = platform.parse(self.saved_named("user_about_oskar").response(platform.name))
        [posts] = list(platform.posts_requests(oskar.creators[0]))
        served.append(empty.at(posts.url))
        return served
