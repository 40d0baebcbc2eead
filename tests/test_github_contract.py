"""The built-in GitHub plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.plugins.github import GitHub
from creatorscout.plugins.github.platform import TOKEN_VARIABLES
from creatorscout.testing import PlatformContract, Saved
from creatorscout.testing.saved import SavedRequest

FIXTURES = Path(__file__).parent / "fixtures" / "github"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestGitHubContract(PlatformContract):
    platform = GitHub
    fixtures = FIXTURES
    # A platforms.github section switches GitHub search on; topic search only (the
    # contract niche's #vegan), so the contract crawl needs only the saved pages below.
    options = {"search_users": False}
    opted_out = {
        "user_bot": "type: Bot",
        "user_organization": "type: Organization",
        "user_noindex": "#noindex",
    }
    refusals = {
        "error_403_blocked": "blocked",
        "error_403_rate_limit": "rate_limited",
        "error_403_secondary": "rate_limited",
        "error_429_secondary": "rate_limited",
        "error_404": "gone",
        "error_422_search": "server_error",
    }
    pages = ("search_repositories", "search_users", "repos_page1")
    last_pages = ("search_users_incomplete", "repos_last")
    # Users: followers, following, public_repos; repositories: *_count (stars, forks, issues).
    count_keys = ("followers", "following", "public_repos", "*_count")
    # The first of the two variables GitHub reads (TOKEN_VARIABLES); the other is removed
    # below so the canary is the token in use.
    token_env = TOKEN_VARIABLES[0]
    coverage_baseline = BASELINE

    @pytest.fixture(autouse=True)
    def _no_developer_token(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        """A token from the developer's environment would outrank or hide the kit's
        canary and reach the contract crawl's child: remove both variables."""
        for name in TOKEN_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        yield

    def crawl_responses(self) -> list[Saved]:
        """Topic search answers with the saved repositories (their owner ana-martech, an
        organization skipped), her profile and social accounts where the profile pair asks
        for them, her first page of repositories and the last page where its ``Link``
        header points (the numeric ``/user/{id}/repos`` form)."""
        platform = self.crawl_platform()
        [search] = list(platform.discover(self.crawl_niche()))
        hits = self.saved_named("search_repositories")
        served = [hits.at(search.url)]
        found = platform.parse(hits.response(platform.name, url=search.url))
        profiles = {"user": self.saved_named("user"),
                    "social": self.saved_named("social_accounts")}
        for request in platform.profile_requests(found.candidates):
            kind = "social" if request.url.endswith("/social_accounts") else "user"
            served.append(profiles[kind].at(request.url))
        creator = platform.parse(self.saved_named("user").response(platform.name)).creators[0]
        requests = list(platform.posts_requests(creator))
        for name in ("repos_page1", "repos_last"):  # the next page in GitHub's numeric form
            [request] = requests
            page = self.saved_named(name).at(request.url, request=SavedRequest(
                purpose=request.purpose, creator_id=request.creator_id,
                context=request.context))
            served.append(page)
            requests = platform.parse(page.response(platform.name)).requests
        assert not requests, "the saved repositories end before the plugin stops"
        return served
