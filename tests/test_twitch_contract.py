"""The built-in Twitch plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from creatorscout.plugins.twitch import Twitch
from creatorscout.plugins.twitch.platform import (
    ID_VARIABLE,
    SECRET_VARIABLE,
    USER_TOKEN_VARIABLE,
)
from creatorscout.testing import PlatformContract, Saved
from tests.contract_pages import chain

FIXTURES = Path(__file__).parent / "fixtures" / "twitch"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestTwitchContract(PlatformContract):
    platform = Twitch
    fixtures = FIXTURES
    refusals = {"error_401": "login_required", "error_429": "rate_limited",
                "error_400": "server_error"}
    pages = ("search_channels", "videos")
    last_pages = ("search_last", "videos_last")
    count_keys = ("view_count", "viewer_count", "total")
    # The secret only travels in the sign-in's form body, where the kit's canary is not
    # looked for: tests/test_twitch_e2e.py checks it never reaches logs or the index.
    token_env = None
    coverage_baseline = BASELINE

    @pytest.fixture(autouse=True)
    def _sandbox_keys(self, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
        monkeypatch.setenv(ID_VARIABLE, "contract-client")
        monkeypatch.setenv(SECRET_VARIABLE, "contract-secret")
        monkeypatch.delenv(USER_TOKEN_VARIABLE, raising=False)
        yield

    def crawl_responses(self) -> list[Saved]:
        """Sign-in; channel search for 'vegan' finds two channels ('recipe' nothing);
        their users and channels; Lena's two pages of videos, the other's none."""
        platform = self.crawl_platform()
        [sign_in] = list(platform.discover(self.crawl_niche()))
        served = [self.saved_named("token").at(
            f"{Twitch.default_base_url}{urlsplit(sign_in.url).path}")]
        searches = platform.parse(self.saved_named("token").response(platform.name)).requests
        hits = self.saved_named("search_channels")
        served.append(hits.at(searches[0].url))
        served += [self.saved_named("search_last").at(r.url) for r in searches[1:]]
        found = platform.parse(hits.response(platform.name, url=searches[0].url))
        [users] = list(platform.profile_requests(found.candidates))
        served.append(self.saved_named("users").at(users.url))
        [channels] = platform.parse(self.saved_named("users").response(
            platform.name, url=users.url).model_copy(update={"request": users})).requests
        served.append(self.saved_named("channels").at(channels.url))
        lena, cook = platform.parse(self.saved_named("channels").response(
            platform.name).model_copy(update={"request": channels})).creators
        served += chain(self, platform, list(platform.posts_requests(lena)),
                        ("videos", "videos_last"))
        [none] = list(platform.posts_requests(cook))
        served.append(self.saved_named("search_last").at(none.url))
        return served
