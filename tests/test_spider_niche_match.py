"""A creator a broad source (a directory) finds outside the niche is still kept when a source
that needs no match (a hashtag, a search) finds them too, whichever answer comes first, so a
crawl's result does not depend on the order of the responses. A real crawl (child process,
Scrapy, HTTP against a replay server)."""

from __future__ import annotations

import pytest

from creatorscout.config.schema import Niche
from creatorscout.testing import Saved
from creatorscout.testing.crawl import run_crawl_in_child
from creatorscout.testing.register import registered_plugin
from creatorscout.testing.replay import ReplayServer

pytestmark = pytest.mark.crawl

PLUGIN = '''
from creatorscout.plugins import Candidate, Creator, FetchRequest, ParseResult, Platform, hookimpl


class Order(Platform):
    name = "order"
    default_base_url = "https://order.example"

    def discover(self, niche):
        yield FetchRequest(url=self.base_url() + "/both", platform=self.name, purpose="discover")

    def profile_requests(self, candidates):
        return []

    def posts_requests(self, creator, depth=0):
        return []

    def parse(self, response):
        prov = self.provenance(response.url)
        result = ParseResult()
        for person in response.json():
            creator = Creator(platform=self.name, native_id=person["id"], handle=person["id"],
                              bio=person["bio"], provenance=prov)
            result.candidates.append(Candidate(ref=creator.ref(), creator=creator,
                                               via=person["via"],
                                               needs_niche_match=person["via"] == "directory"))
        return result


@hookimpl
def register_platforms(register):
    register(Order)
'''


def test_a_directory_miss_does_not_hide_a_search_hit(tmp_path):
    niche = Niche(name="order", title="Order", languages=["en"], keywords={"en": ["vegan"]},
                  hashtags=["vegan"])
    body = [  # the same person twice: first from the directory, then from a search
        {"id": "ana", "bio": "photos of mountains", "via": "directory"},
        {"id": "ana", "bio": "photos of mountains", "via": "search:vegan"},
        {"id": "bo", "bio": "knitting", "via": "directory"},
    ]
    with ReplayServer([Saved(url="https://order.example/both", body=body)]) as server, \
            registered_plugin("cs_order", name="cs-order", source=PLUGIN):
        run = run_crawl_in_child(niche, platforms=["order"],
                                 base_urls={"order": server.base_url("https://order.example")},
                                 folder=tmp_path / "crawl")
    assert run.ids == ["order:ana"]
    assert run.stats_under("skipped") == {"order/profile outside the niche": 2}
    assert run.stats_under("found") == {"order": 2}
