"""Helpers of the plugin base layer: secrets from the environment (plugins/keys.py: blank
is unset, values are stripped, no repr shows a secret), the client-credentials base
(plugins/oauth.py) and the links a platform finds profiles in (plugins/web.py)."""

from __future__ import annotations

import pytest

from creatorscout.plugins import AppSignIn, secret_from_env, secrets_from_env
from creatorscout.plugins.keys import no_key
from creatorscout.plugins.reddit import Reddit
from creatorscout.plugins.twitch import Twitch
from creatorscout.plugins.web import links_on
from tests.factories import make_creator

SECRET = "s3cret-0123456789abcdef"


def test_the_first_variable_set_wins_blank_is_unset_and_values_are_stripped(monkeypatch):
    monkeypatch.setenv("SCOUT_TEST_A", "   ")
    monkeypatch.setenv("SCOUT_TEST_B", f" {SECRET}\n")
    found = secret_from_env("SCOUT_TEST_A", "SCOUT_TEST_B")
    assert found is not None and found.get_secret_value() == SECRET
    assert SECRET not in repr(found) and SECRET not in str(found)
    monkeypatch.delenv("SCOUT_TEST_B")
    assert secret_from_env("SCOUT_TEST_A", "SCOUT_TEST_B") is None


def test_a_pair_is_all_or_nothing(monkeypatch):
    monkeypatch.setenv("SCOUT_TEST_ID", "client")
    monkeypatch.delenv("SCOUT_TEST_SECRET", raising=False)
    assert secrets_from_env("SCOUT_TEST_ID", "SCOUT_TEST_SECRET") is None
    monkeypatch.setenv("SCOUT_TEST_SECRET", SECRET)
    pair = secrets_from_env("SCOUT_TEST_ID", "SCOUT_TEST_SECRET")
    assert pair is not None
    assert [p.get_secret_value() for p in pair] == ["client", SECRET]


def test_the_missing_key_line():
    assert no_key("reddit", "Reddit", ["REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET"]) == (
        "reddit: no API key; set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET to crawl Reddit")


@pytest.mark.parametrize("platform", [Reddit, Twitch])
def test_a_signed_in_platform_shows_no_secret_in_its_state(platform, monkeypatch):
    for name in platform.client_variables:
        monkeypatch.setenv(name, f"{name}-{SECRET}")
    instance = platform()
    assert instance.has_keys
    assert SECRET not in repr(vars(instance))


def test_the_token_endpoint_joins_a_subclass_once():
    class Again(Reddit):
        pass

    names = [e.name for e in Again.endpoints]
    assert names.count("token") == 1 and Again.endpoint_hosts["token"] == Reddit.token_host
    assert issubclass(Again, AppSignIn)
    assert Again().endpoint("https://www.reddit.com/api/v1/access_token")[0] == "token"


def test_links_on_a_host_with_its_subdomains_each_once():
    creator = make_creator(links=["https://www.twitch.tv/Lena", "https://m.twitch.tv/lena/",
                                  "https://twitch.tv.evil.example/x", "https://TWITCH.TV/a/b"],
                           me_links=["https://www.twitch.tv/Lena"])
    assert list(links_on(creator, "twitch.tv", "m.")) == [
        ("https://www.twitch.tv/Lena", ["Lena"]), ("https://m.twitch.tv/lena/", ["lena"]),
        ("https://TWITCH.TV/a/b", ["a", "b"])]
    assert [link for link, _ in links_on(creator, "twitch.tv")] == [
        "https://www.twitch.tv/Lena", "https://TWITCH.TV/a/b"]
