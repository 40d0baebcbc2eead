"""One bad object never costs the rest of its page (issue 12, item 5).

The spider is built as Scrapy builds it (a real crawler object, the real Mastodon plugin,
the real on-disk books) and handed a parsed discovery page.
"""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from creatorscout.config import load_niche
from creatorscout.crawler.spider import NicheSpider
from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.models import CreatorRef
from creatorscout.plugins.platform import Candidate, FetchRequest, ParseResult, PlatformSettings


def test_a_bad_acct_does_not_throw_away_the_rest_of_its_discovery_page():
    mastodon = get_plugin_manager().platforms()["mastodon"](PlatformSettings())
    crawler = get_crawler(NicheSpider)
    crawler.stats.open_spider()  # type: ignore[union-attr]
    spider = NicheSpider.from_crawler(crawler, niche=load_niche("vegan-cooking"),
                                      platforms={"mastodon": mastodon}, max_creators=0)
    refs = [CreatorRef(platform="mastodon", handle=f"cook{n}@vegan.social") for n in range(10)]
    # a plugin's object that skipped validation, with an acct no store can encode
    refs[3] = CreatorRef.model_construct(platform="mastodon", native_id=None,
                                         handle="\ud800@vegan.social", url=None, lookup={})
    result = ParseResult(candidates=[
        Candidate.model_construct(ref=ref, depth=0, via="directory", creator=None,
                                  needs_niche_match=False) for ref in refs
    ])
    fetch = FetchRequest(url="https://vegan.social/api/v1/directory", platform="mastodon",
                         purpose="discover")
    list(spider._handle(mastodon, fetch, result))
    stats = crawler.stats.get_stats()  # type: ignore[union-attr]
    assert len(spider.backlog["mastodon"]) == 9
    assert stats["creatorscout/found/mastodon"] == 9  # the bad one never got into the books
    assert stats["creatorscout/invalid_objects/mastodon"] == 1
    spider.books.close()


def test_the_progress_line_shows_a_rate_limit_wait():
    from creatorscout.crawler.progress import waiting
    from creatorscout.crawler.ratelimit import WAITING_STAT

    stats = {WAITING_STAT: {"slot": "mastodon:mastodon.social", "until": 1000.0 + 90,
                            "why": "Retry-After"}}
    assert waiting(stats, now=1000.0) == ", waiting 90 s for mastodon:mastodon.social: " \
                                         "Retry-After"
    assert waiting(stats, now=1095.0) == ""
    assert waiting({}, now=1000.0) == ""
