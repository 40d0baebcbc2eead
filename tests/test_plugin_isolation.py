"""Every call the crawler makes into a plugin is isolated, counted per platform and method,
shown in the summary, and fails the crawl when it left a platform with nothing.

One real crawl (child process, Scrapy, HTTP against a replay server) with nine platforms of
one third-party plugin: a healthy one, and one per plugin method that raises in exactly
that method. Each test below reads one call site's outcome from that crawl.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creatorscout.config.schema import Niche
from creatorscout.crawler.summary import broken_platforms, format_summary
from creatorscout.testing import Saved
from creatorscout.testing.crawl import CrawlRun, run_crawl_in_child
from creatorscout.testing.register import registered_plugin
from creatorscout.testing.replay import ReplayServer

pytestmark = pytest.mark.crawl

PLUGIN = '''
from creatorscout.plugins import (
    Candidate, Creator, CreatorRef, FetchRequest, ParseResult, Platform, Post, hookimpl,
)


class Boom(RuntimeError):
    pass


class Iso(Platform):
    """Discovery lists two people; each has a profile and one post. `fail_in` raises."""

    fail_in = ""

    def _check(self, method):
        if method == self.fail_in:
            raise Boom(f"{self.name} breaks in {method}")

    def _get(self, path, purpose, **fields):
        return FetchRequest(url=self.base_url() + path, platform=self.name, purpose=purpose,
                            **fields)

    def discover(self, niche):
        self._check("discover")
        if self.fail_in == "discover_yields_urls":
            yield self.base_url() + "/search"  # a URL where a FetchRequest belongs
            return
        yield self._get("/search", "discover")
        yield self._get("/missing", "discover")

    def profile_requests(self, candidates):
        self._check("profile_requests")
        for c in candidates:
            yield self._get(f"/users/{c.ref.native_id}", "profile", creator_id=c.ref.id,
                            depth=c.depth)

    def posts_requests(self, creator, depth=0):
        self._check("posts_requests")
        yield self._get(f"/users/{creator.native_id}/posts", "posts", creator_id=creator.id,
                        depth=depth)

    def candidates_from_links(self, creator, depth):
        self._check("candidates_from_links")
        return []

    def on_refusal(self, response, refusal):
        self._check("on_refusal")
        return None

    def rate_limit(self, response):
        self._check("rate_limit")
        return super().rate_limit(response)

    def refusal(self, response):
        self._check("refusal")
        return super().refusal(response)

    def parse(self, response):
        self._check("parse")
        if self.fail_in == "parse_returns_none":
            return None
        data = response.json()
        path = response.url.split(self.base_url(), 1)[1]
        prov = self.provenance(response.url)
        result = ParseResult()
        if path == "/search":
            for person in data:
                ref = CreatorRef(platform=self.name, native_id=person)
                result.candidates.append(Candidate(ref=ref, via="search"))
        elif path.endswith("/posts"):
            for post in data:
                result.posts.append(Post(platform=self.name, native_id=post["id"],
                                         creator_id=response.request.creator_id,
                                         text=post["text"], provenance=prov))
        else:
            result.creators.append(Creator(platform=self.name, native_id=data["id"],
                                           handle=data["id"], bio="vegan recipes",
                                           followers=100, provenance=prov))
        return result


METHODS = @@METHODS@@
PLATFORMS = [type(f"Iso_{m}", (Iso,), {"name": f"iso-{m}".replace("_", "-"),
              "default_base_url": f"https://{m}.iso.example", "fail_in": m})
             for m in METHODS]


@hookimpl
def register_platforms(register):
    for platform in PLATFORMS:
        register(platform)
'''

#: Every plugin method the crawler calls, and whether its failure leaves the platform
#: with nothing (then the crawl must fail).
CALL_SITES: dict[str, bool] = {
    "discover": True,
    "profile_requests": True,
    "parse": True,
    "refusal": True,
    "posts_requests": False,  # the profiles are kept, marked as missing their posts
    "on_refusal": False,  # the refusal is recorded as it is
    "rate_limit": False,  # pacing falls back to the status codes
    "candidates_from_links": False,  # only the links are lost
}
#: Plugins that return what the contract does not allow: counted as their method's error.
BAD_RESULTS: dict[str, str] = {"parse_returns_none": "parse", "discover_yields_urls": "discover"}
METHODS = ["none", *CALL_SITES, *BAD_RESULTS]


def platform_name(method: str) -> str:
    return f"iso-{method}".replace("_", "-")


def saved_world(method: str) -> list[Saved]:
    host = f"https://{method}.iso.example"
    people = [f"{method}-a", f"{method}-b"]
    saved = [Saved(url=f"{host}/search", body=people)]
    for person in people:
        saved.append(Saved(url=f"{host}/users/{person}", body={"id": person}))
        saved.append(Saved(url=f"{host}/users/{person}/posts",
                           body=[{"id": f"{person}-1", "text": "lentil soup"}]))
    return saved


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> CrawlRun:
    folder: Path = tmp_path_factory.mktemp("isolation")
    niche = Niche(name="iso", title="Isolation", languages=["en"],
                  keywords={"en": ["vegan"]}, hashtags=["vegan"])
    responses = [s for method in METHODS for s in saved_world(method)]
    source = PLUGIN.replace("@@METHODS@@", repr(METHODS))
    with ReplayServer(responses) as server, registered_plugin(
        "cs_iso", name="cs-iso", source=source
    ):
        return run_crawl_in_child(
            niche, platforms=[platform_name(m) for m in METHODS],
            base_urls={platform_name(m): server.base_url(f"https://{m}.iso.example")
                       for m in METHODS},
            max_creators=40, max_posts=5, folder=folder / "crawl", check=False,
        )


def test_the_healthy_platform_is_crawled_in_full(crawl: CrawlRun) -> None:
    assert crawl.stats.get("finish_reason") == "finished", crawl.log[-3000:]
    healthy = [i for i in crawl.items if i.creator.platform == "iso-none"]
    assert sorted(i.creator.native_id for i in healthy) == ["none-a", "none-b"]
    assert all(len(i.posts) == 1 for i in healthy)
    assert crawl.stats_under("plugin_errors").get("iso-none/discover") is None
    assert not any(k.startswith("iso-none/") for k in crawl.stats_under("plugin_errors"))


def test_nothing_escapes_to_scrapy(crawl: CrawlRun) -> None:
    assert not [k for k in crawl.stats if k.startswith("spider_exceptions")], crawl.stats


@pytest.mark.parametrize("method", list(CALL_SITES))
def test_a_raising_call_is_counted_per_platform_and_method(crawl: CrawlRun, method: str) -> None:
    name = platform_name(method)
    errors = crawl.stats_under("plugin_errors")
    assert errors.get(f"{name}/{method}", 0) >= 1, errors
    assert [k for k in errors if k.startswith(f"{name}/")] == [f"{name}/{method}"]
    assert f"failed in {method}()" in crawl.log
    assert f"plugin errors {name}: {method}()" in format_summary(crawl.stats, niche="iso")


@pytest.mark.parametrize("method", list(CALL_SITES))
def test_the_platform_keeps_what_the_failure_did_not_touch(
    crawl: CrawlRun, method: str
) -> None:
    kept = [i for i in crawl.items if i.creator.platform == platform_name(method)]
    if CALL_SITES[method]:
        assert kept == []
    else:
        assert sorted(i.creator.native_id for i in kept) == [f"{method}-a", f"{method}-b"]
        posts = {len(i.posts) for i in kept}
        assert posts == ({0} if method == "posts_requests" else {1})


@pytest.mark.parametrize(("bad", "method"), list(BAD_RESULTS.items()))
def test_a_result_of_the_wrong_type_is_a_plugin_error(
    crawl: CrawlRun, bad: str, method: str
) -> None:
    name = platform_name(bad)
    assert crawl.stats_under("plugin_errors").get(f"{name}/{method}", 0) >= 1
    assert re.search(rf"\({name}\): {method}\(\).* returned \w+, not a", crawl.log)
    assert not [i for i in crawl.items if i.creator.platform == name]


def test_platforms_left_with_nothing_fail_the_crawl(crawl: CrawlRun) -> None:
    assert crawl.returncode == 1, crawl.log[-2000:]
    broken = broken_platforms(crawl.stats)
    assert [line.split("'")[1] for line in broken] == sorted(
        [platform_name(m) for m, empty in CALL_SITES.items() if empty]
        + [platform_name(bad) for bad in BAD_RESULTS]
    )
    assert crawl.errors and "produced nothing because its plugin raised" in crawl.errors[0]
