"""The contract tests catch the plugin bugs they exist for.

Each platform below is the built-in Mastodon plugin with one classic bug put in; the
contract rule that guards against that bug must fail on it (and only the one asked here is
run). The unbroken plugin passes them all in test_mastodon_contract.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import pytest

import tests.test_mastodon_contract as mastodon_contract
import tests.test_podcasts_contract as podcasts_contract
from creatorscout.config.schema import Niche
from creatorscout.plugins import CreatorFlags, FetchRequest, FetchResponse, ParseResult, Refusal
from creatorscout.plugins.mastodon import Mastodon
from creatorscout.plugins.mastodon.entities import parse_account
from creatorscout.plugins.podcasts import Podcasts

TOKEN_ENV = "CREATORSCOUT_KIT_TEST_TOKEN"


class ZeroForUnknown(Mastodon):
    """Says 0 where the platform said nothing."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        for post in result.posts:
            post.likes = post.likes or 0
        return result


class InventsViews(Mastodon):
    """Says 0 views on a platform that publishes none."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        for post in result.posts:
            post.views = 0
        return result


class InventsFollowers(Podcasts):
    """Says 0 followers on a platform that publishes no audience size."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        for creator in result.creators:
            creator.followers = 0
        return result


class RaisesOnGarbage(Mastodon):
    """Trusts every list element to be an object."""

    def parse(self, response: FetchResponse) -> ParseResult:
        data = response.json()
        if isinstance(data, list):
            for item in data:
                item.get("id")  # AttributeError on None and strings
        return super().parse(response)


class TrustsNewServers(Mastodon):
    """Expects every server to send the 4.5 keys (quotes_count)."""

    def parse(self, response: FetchResponse) -> ParseResult:
        data = response.json()
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict) and "content" in item:
                item["quotes_count"] + 0  # noqa: B018 - KeyError on a 4.3 server
        return super().parse(response)


class EndlessPages(Mastodon):
    """Ignores the crawl's limits: follows every next page."""

    def parse(self, response: FetchResponse) -> ParseResult:
        self.settings.max_posts = self.settings.discovery_pages = 10**6
        return super().parse(response)


class IgnoresOptOuts(Mastodon):
    """Keeps accounts that asked not to be indexed."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        data = response.json()
        if result.skipped and isinstance(data, dict) and "acct" in data:
            creator = parse_account(data, "mastodon.social", self.provenance(response.url))
            result.creators.append(creator.model_copy(update={"flags": CreatorFlags()}))
            result.skipped = []
        return result


class TokenInUrl(Mastodon):
    """Sends its token as a query parameter, where logs will show it."""

    def discover(self, niche: Niche) -> Iterable[FetchRequest]:
        token = os.environ.get(TOKEN_ENV, "")
        for request in super().discover(niche):
            yield request.model_copy(update={"url": f"{request.url}&access_token={token}"})


class RefusalsLookEmpty(Mastodon):
    """Treats 403 and 429 as 'nothing here'."""

    def refusal(self, response: FetchResponse) -> Refusal | None:
        return None if response.status in (403, 429) else super().refusal(response)


class DropsBios(Mastodon):
    """A refactor lost a line: bios are no longer read."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        for creator in result.creators:
            creator.bio = None
        for candidate in result.candidates:
            if candidate.creator is not None:
                candidate.creator.bio = None
        return result


class IdsFromTheUrl(Mastodon):
    """Builds ids from where it read them, so the same creator gets two ids."""

    def parse(self, response: FetchResponse) -> ParseResult:
        result = super().parse(response)
        host = urlsplit(response.url).netloc
        result.creators = [c.model_copy(update={"native_id": f"{c.native_id}~{host}"})
                           for c in result.creators]
        return result


def contract(platform: type[Mastodon], **attrs: Any) -> Any:
    """The Mastodon contract, pointed at ``platform``."""
    cls = type("Contract", (mastodon_contract.TestMastodonContract,),
               {"platform": platform, **attrs})
    return cls()


@pytest.mark.parametrize(
    ("platform", "rule", "says"),
    [
        (ZeroForUnknown, "test_contract_unknown_counts_are_none", "still has counts"),
        (RaisesOnGarbage, "test_contract_malformed_objects_are_counted", "AttributeError"),
        (TrustsNewServers, "test_contract_every_saved_response_is_handled", "KeyError"),
        (EndlessPages, "test_contract_pagination_terminates", "endless listing"),
        (IgnoresOptOuts, "test_contract_opt_outs_are_honoured", "as creators to keep"),
        (RefusalsLookEmpty, "test_contract_refusals_are_reported", "HTTP 403"),
        (DropsBios, "test_contract_field_coverage_has_not_dropped", "creator.bio"),
        (IdsFromTheUrl, "test_contract_ids_are_stable", "ids differ"),
    ],
)
def test_each_rule_catches_its_bug(platform, rule, says):
    with pytest.raises((AssertionError, pytest.fail.Exception)) as failure:
        getattr(contract(platform), rule)()
    assert says in str(failure.value)


def test_invented_counts_are_caught():
    with pytest.raises(pytest.fail.Exception, match=r"\.views is 0, but the platform's "):
        contract(InventsViews).test_contract_unpublished_counts_are_none()
    podcasts = type("Contract", (podcasts_contract.TestPodcastsContract,),
                    {"platform": InventsFollowers})()
    with pytest.raises(pytest.fail.Exception, match="declares has_followers = False"):
        podcasts.test_contract_unpublished_counts_are_none()


def test_a_platform_without_an_opt_out_signal_says_so():
    class NoOptOut(Mastodon):
        has_opt_out = False

    with pytest.raises(pytest.skip.Exception, match="has_opt_out = False"):
        contract(NoOptOut, opted_out={}).test_contract_opt_outs_are_honoured()


def test_tokens_in_urls_are_caught(monkeypatch):
    with pytest.raises(pytest.fail.Exception) as failure:
        contract(TokenInUrl, token_env=TOKEN_ENV).test_contract_tokens_stay_out_of_items(
            monkeypatch
        )
    assert "the token is in its URL" in str(failure.value)


def test_a_plugin_that_ignores_its_token_is_caught(monkeypatch):
    with pytest.raises(pytest.fail.Exception, match="no request carries the token"):
        contract(Mastodon, token_env=TOKEN_ENV).test_contract_tokens_stay_out_of_items(
            monkeypatch
        )


def test_wrong_declarations_are_reported_with_the_fix():
    with pytest.raises(AssertionError, match="set `count_keys`"):
        contract(Mastodon, count_keys=("nothing_*",)).test_contract_unknown_counts_are_none()
    with pytest.raises(AssertionError, match="no saved response 'nope'"):
        contract(Mastodon, pages=("nope",)).test_contract_pagination_terminates()
    with pytest.raises(AssertionError, match="at least one saved response of a creator"):
        contract(Mastodon, opted_out={}).test_contract_opt_outs_are_honoured()
