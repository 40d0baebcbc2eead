"""The built-in web plugin passes the same contract tests every plugin must pass.

Two rules are applied where a website keeps its data rather than where the kit looks:

* redirects are followed by the plugin, not refused (:mod:`tests.followed_redirects`);
* counts: the kit removes and spoils count keys of JSON bodies, but a website's counts
  are in its markup: schema.org ``InteractionCounter`` values inside JSON-LD (followers,
  posts) and WordPress's ``slash:comments`` in feeds (replies). The two count rules below
  are the kit's, applied there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from creatorscout.plugins.models import Creator
from creatorscout.plugins.platform import ParseResult
from creatorscout.plugins.website import Web
from creatorscout.testing import mutate
from creatorscout.testing.contract import DEFAULT_NICHE
from tests.followed_redirects import FollowsRedirects

FIXTURES = Path(__file__).parent / "fixtures" / "web"
BASELINE = Path(__file__).parent / "field_coverage.json"

_JSONLD = re.compile(r'(<script type="application/ld\+json">)(.*?)(</script>)', re.S)
_SLASH_COMMENTS = re.compile(r"<slash:comments>[^<]*</slash:comments>")
_COUNT_KEYS = ("userInteractionCount",)


def markup_counts(body: Any, value: str | None) -> tuple[Any, int]:
    """``body`` with every count in its markup removed (``value`` None) or set to
    ``value``, and how many were touched."""
    if not isinstance(body, str):
        return body, 0
    touched = 0

    def jsonld(match: re.Match[str]) -> str:
        nonlocal touched
        try:
            data = json.loads(match[2])
        except ValueError:
            return match[0]  # a broken block stays broken (the page is read without it)
        if value is None:
            data, count = mutate.drop_keys(data, _COUNT_KEYS)
        else:
            data, count = mutate.replace_values(data, _COUNT_KEYS, value)
        touched += count
        return f"{match[1]}{json.dumps(data)}{match[3]}"

    body = _JSONLD.sub(jsonld, body)
    spoiled = "" if value is None else f"<slash:comments>{value}</slash:comments>"
    body, count = _SLASH_COMMENTS.subn(spoiled, body)
    return body, touched + count


def ids(result: ParseResult) -> set[str]:
    return ({c.id for c in result.creators} | {p.id for p in result.posts}
            | {c.ref.key for c in result.candidates})


def known_counts(result: ParseResult) -> dict[str, dict[str, int]]:
    found = {}
    for obj in [*result.creators, *result.posts]:
        fields = ("followers", "following", "posts_count") if isinstance(obj, Creator) \
            else ("likes", "replies", "reposts", "quotes", "views")
        known = {f: getattr(obj, f) for f in fields if getattr(obj, f) is not None}
        if known:
            found[obj.id] = known
    return found


class TestWebContract(FollowsRedirects):
    platform = Web
    fixtures = FIXTURES
    # Websites are found through seeds and other creators' links, never by keyword.
    niche = DEFAULT_NICHE.model_copy(
        update={"seeds": {"web": ["https://www.mayagreens.example/"]}})
    opted_out = {
        "home_noindex_meta": "noindex",
        "home_noindex_header": "noindex",
        "home_creatorscout_noindex": "noindex",
    }
    refusals = {"error_404": "gone", "error_429": "rate_limited"}
    pages = ("feed_json_page1", "feed_atom")
    last_pages = ("feed_json_v1", "feed_rss_wordpress")
    count_keys = ()  # no JSON body holds a count: see the module docstring
    coverage_baseline = BASELINE

    def test_contract_unknown_counts_are_none(self) -> None:
        platform = self.make_platform()
        touched = []
        for item, before in self._parsable():
            body, removed = markup_counts(item.body, None)
            if not removed:
                continue
            touched.append(item.name)
            after = platform.parse(item.response(platform.name, body=body))
            assert ids(after) == ids(before), f"{item.name}: objects lost without counts"
            assert known_counts(after) == {}, f"{item.name}: counts without count markup"
        assert {"home_jsonld_profilepage", "feed_rss_wordpress"} <= set(touched), touched

    def test_contract_spoiled_counts_are_repaired(self) -> None:
        platform = self.make_platform()
        touched = []
        for item, before in self._parsable():
            body, replaced = markup_counts(item.body, "n/a")
            if not replaced:
                continue
            touched.append(item.name)
            after = platform.parse(item.response(platform.name, body=body))
            assert ids(after) == ids(before), f"{item.name}: objects lost with counts 'n/a'"
            assert known_counts(after) == {}, f"{item.name}: counts read from 'n/a'"
            assert after.repaired > before.repaired, (
                f"{item.name}: counts set to 'n/a' were not counted in ParseResult.repaired")
        assert {"home_jsonld_profilepage", "feed_rss_wordpress"} <= set(touched), touched
