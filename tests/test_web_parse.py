"""The web plugin against pages and feeds shaped as the microformats, schema.org, OpenGraph,
RSS, Atom and JSON Feed documents describe them (tests/fixtures/web/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Provenance
from creatorscout.plugins.platform import (
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    PlatformSettings,
)
from creatorscout.plugins.website import Web
from creatorscout.plugins.website.page import robots_noindex
from creatorscout.plugins.website.sites import site_id, site_refusal

FIXTURES = Path(__file__).parent / "fixtures" / "web"
SANDBOX = "http://127.0.0.1:9/web/{host}"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def platform(base_url: str | None = None, max_posts: int = 40, **options: Any) -> Web:
    return Web(PlatformSettings(base_url=base_url, options=options, max_posts=max_posts))


def response(name: str, purpose: str = "profile", url: str | None = None,
             creator_id: str | None = None, **context: Any) -> FetchResponse:
    data = fixture(name)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    fetch = FetchRequest(url=url or data["url"], platform="web", purpose=purpose, api=False,
                         creator_id=creator_id, context=context)
    headers = {k.lower(): str(v) for k, v in data["headers"].items()}
    return FetchResponse(url=url or data["url"], status=data["status"], headers=headers,
                         body=raw, request=fetch)


def page(name: str, **options: Any) -> Creator:
    result = platform(**options).parse(response(name))
    assert len(result.creators) == 1, result
    return result.creators[0]


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.Maya.example/", "maya.example"),
    ("http://maya.example", "maya.example"),
    ("https://maya.example/index.html?utm=1#top", "maya.example"),
    ("https://links.example/Lena/", "links.example/Lena"),
    ("https://maya.example:8443/blog/", "maya.example:8443/blog"),
])
def test_site_ids(url, expected):
    assert site_id(url) == expected


@pytest.mark.parametrize(("url", "why"), [
    ("https://mastodon.social/@lena", "a platform, not a website"),
    ("https://vegan.social/@lena", "a profile on a platform"),
    ("https://other.instance/@lena", "a profile on a platform"),
    ("https://github.com/lena", "a platform, not a website"),
    ("https://www.linkedin.com/in/lena", "a platform, not a website"),
    ("http://127.0.0.1/admin", "loopback address"),
    ("http://169.254.169.254/latest/meta-data/", "metadata address"),
    ("ftp://files.example/", "scheme ftp"),
    ("https://papers.example/cv.pdf", "a file, not a page"),
])
def test_links_that_are_not_websites(url, why):
    assert site_refusal(url) == why


def test_personal_blog_hosts_are_websites():
    assert site_refusal("https://lena.substack.com/") is None
    assert site_refusal("https://lena.github.io/") is None


def test_hcard_page():
    creator = page("home_hcard")
    assert creator.id == "web:mayagreens.example"
    assert creator.display_name == "Maya Greens"  # h-card before JSON-LD before OpenGraph
    assert creator.bio == "I cook vegan food & write about it."
    assert creator.avatar_url == "https://www.mayagreens.example/wp-content/uploads/maya.jpg"
    assert creator.languages == ["en"]
    assert creator.followers is None and creator.posts_count is None  # not published
    rel_me = json.loads(creator.lookup["rel_me"])
    assert rel_me == ["https://vegan.social/@maya_greens", "https://bsky.app/profile/mayagreens.example",
                      "https://github.com/mayagreens"]
    assert json.loads(creator.lookup["same_as"]) == ["https://github.com/mayagreens",
                                                     "https://www.instagram.com/mayagreens/"]
    assert creator.links[:3] == rel_me  # identity links first
    assert creator.me_links == [*rel_me, "https://www.instagram.com/mayagreens/"]
    assert "https://omarcooks.example/" in creator.links
    assert creator.links.count("https://omarcooks.example/") == 1
    assert not any(link.startswith(("mailto:", "javascript:")) for link in creator.links)
    assert "https://www.mayagreens.example/about/" not in creator.links  # same site
    assert creator.lookup["feed"] == "https://www.mayagreens.example/feed/"  # not comments
    dump = json.dumps(creator.model_dump(mode="json"))
    assert "maya@mayagreens.example" not in dump  # u-email is never read
    assert creator.verified_links == []  # claims, not verified links


def test_jsonld_profile_page_with_string_counts():
    creator = page("home_jsonld_profilepage")
    assert creator.id == "web:forum.example/u/lena"  # a profile page on a shared host
    assert creator.display_name == "Lena Koch"
    assert creator.bio == "Ich koche vegan in Berlin."
    assert creator.avatar_url == "https://forum.example/avatars/lena.png"
    assert creator.followers == 1234 and creator.posts_count == 2346
    assert json.loads(creator.lookup["same_as"]) == ["https://vegan.social/@lena"]
    assert creator.languages == ["de"]
    assert "feed" not in creator.lookup


def test_opengraph_only_page_and_feed_guessing():
    creator = page("home_opengraph_only")
    assert creator.display_name == "Tofu Tales"
    assert creator.bio == "A blog about tofu & tempeh."
    assert creator.avatar_url == "https://tofu.example/img/card.png"
    assert creator.languages == ["he"]  # og:locale he_IL
    assert creator.links == []  # only internal links
    request = next(iter(platform().posts_requests(creator)))
    assert request.url == "https://tofu.example/feed"
    assert request.context["guesses"] == ["https://tofu.example/rss.xml",
                                          "https://tofu.example/atom.xml",
                                          "https://tofu.example/index.xml"]
    assert list(platform(guess_feeds=False).posts_requests(creator)) == []
    soft = response("feed_soft404_html", "posts", creator_id=creator.id, **request.context)
    retry = platform().parse(soft).requests[0]
    assert retry.url == "https://tofu.example/rss.xml"
    missing = response("error_404", "posts", creator_id=creator.id, **retry.context)
    refusal = platform().refusal(missing)
    assert refusal is not None and refusal.kind == "gone"
    after = platform().on_refusal(missing, refusal)
    assert after is not None and after.requests[0].url == "https://tofu.example/atom.xml"


def test_classic_vcard_markup():
    creator = page("home_vcard_classic")
    assert creator.display_name == "Bob Oldtimer"
    assert creator.bio == "Baking since 1999."
    assert creator.avatar_url == "https://oldblog.example/bob.gif"


@pytest.mark.parametrize("name", ["home_noindex_meta", "home_noindex_header",
                                  "home_creatorscout_noindex"])
def test_noindex_pages_are_opted_out_and_nothing_is_kept(name):
    creator = page(name)
    assert creator.flags.opted_out and creator.flags.opt_out_reason == "noindex"
    assert creator.display_name is None and creator.bio is None and creator.links == []


def test_robots_directives_for_other_crawlers_do_not_apply():
    creator = page("home_xrobots_other_bot")
    assert not creator.flags.opted_out and creator.display_name == "Sel"
    assert robots_noindex(["googlebot: noindex, creatorscout: noindex"])
    assert robots_noindex(["max-snippet: 20, noindex"])
    assert not robots_noindex(["unavailable_after: 2030-01-01, nofollow"])


def test_not_a_page_is_skipped():
    result = platform().parse(response("not_html_pdf"))
    assert result.creators == [] and [s.reason for s in result.skipped] == ["not a web page"]


def test_wordpress_rss_feed():
    result = platform().parse(response("feed_rss_wordpress", "posts",
                                       creator_id="web:mayagreens.example"))
    posts = result.posts
    assert len(posts) == 3
    dal = posts[0]
    assert dal.creator_id == "web:mayagreens.example"
    assert dal.url == "https://www.mayagreens.example/red-lentil-dal/"
    assert dal.replies == 12  # slash:comments
    assert dal.likes is None and dal.views is None and dal.reposts is None
    assert dal.hashtags == ["recipes", "plantbased"]
    assert dal.language == "en"
    assert dal.text is not None and dal.text.startswith("Red lentil dal\n\n")
    assert "vegan" in dal.text and "<" not in dal.text
    assert [m.id for m in dal.mentions] == ["web:omarcooks.example/dal"]  # not amazon
    assert "https://www.amazon.com/dp/B000" in dal.links
    assert posts[1].replies is None and result.repaired == 1  # "many" comments
    assert posts[2].created_at is None
    assert len({p.id for p in posts}) == 3


def test_atom_feed_with_next_page():
    plugin = platform()
    result = plugin.parse(response("feed_atom", "posts", creator_id="web:tofu.example",
                                   keep_text=True))
    first, second = result.posts
    assert first.url == "https://tofu.example/posts/smoked-tofu"
    assert first.language == "he" and first.hashtags == ["טבעוני"]
    assert first.created_at is not None and first.created_at.isoformat() == \
        "2026-10-20T10:00:00+03:00"
    assert [m.id for m in first.mentions] == ["web:lentil.blog.example"]
    assert second.created_at is not None and second.text == \
        "Updated only\n\nSummary in escaped HTML"
    follow = result.requests[0]
    assert follow.url == "https://tofu.example/atom.xml?page=2" and follow.context["seen"] == 2
    assert "noa@tofu.example" not in json.dumps([p.model_dump(mode="json")
                                                 for p in result.posts])
    done = platform(max_posts=2).parse(response("feed_atom", "posts",
                                                creator_id="web:tofu.example"))
    assert done.requests == []  # enough posts: no next page


def test_json_feed_page_malformed_items_and_pagination_through_the_sandbox():
    plugin = platform(SANDBOX)
    saved = response("feed_json_page1", "posts",
                     url="http://127.0.0.1:9/web/lentil.blog.example/feed.json",
                     creator_id="web:lentil.blog.example")
    result = plugin.parse(saved)
    assert [p.url for p in result.posts] == ["https://lentil.blog.example/1",
                                             "https://lentil.blog.example/2"]
    assert result.malformed == 2 and result.repaired == 1
    assert result.posts[0].language == "ar" and result.posts[0].hashtags == ["نباتي", "recipe"]
    assert [m.id for m in result.posts[0].mentions] == ["web:mayagreens.example"]
    assert result.requests[0].url == "http://127.0.0.1:9/web/lentil.blog.example/feed.json?page=2"
    assert result.requests[0].context["url"] == "https://lentil.blog.example/feed.json?page=2"


def test_json_feed_v1_through_scout_parse_without_context():
    result = platform().parse(response("feed_json_v1", "discover"))
    assert [p.creator_id for p in result.posts] == ["web:old.example"]
    assert result.posts[0].text == "v1 summary"


def test_redirects_are_followed_by_the_plugin_through_the_base_url():
    plugin = platform(SANDBOX)
    saved = response("redirect_301", url="http://127.0.0.1:9/web/mayagreens.example/")
    assert plugin.refusal(saved) is None
    follow = plugin.parse(saved).requests[0]
    assert follow.url == "http://127.0.0.1:9/web/www.mayagreens.example/"
    assert follow.context["url"] == "https://www.mayagreens.example/"
    assert follow.context["instance"] == "www.mayagreens.example"
    relative = response("redirect_relative_302", url="https://www.mayagreens.example/blog")
    assert platform().parse(relative).requests[0].url == "https://www.mayagreens.example/blog/"
    looped = relative.model_copy(update={"request": relative.request.model_copy(update={
        "context": {"redirected_from": ["https://www.mayagreens.example/blog/"]}})})
    assert platform().parse(looped).requests == []


def test_rate_limited_feed_is_a_refusal_with_retry_after():
    saved = response("error_429", "posts")
    assert platform().refusal(saved).kind == "rate_limited"
    assert platform().rate_limit(saved).retry_after == 120


def test_seeds_and_links_from_other_creators():
    niche = Niche(name="vegan", seeds={"web": ["mayagreens.example", "https://github.com/x",
                                               "http://10.0.0.1/"]})
    requests = list(platform(SANDBOX).discover(niche))
    assert [r.url for r in requests] == ["http://127.0.0.1:9/web/mayagreens.example/"]
    assert requests[0].api is False and requests[0].creator_id == "web:mayagreens.example"
    provenance = Provenance(platform="mastodon", plugin="t", plugin_version="0")
    mastodon = Creator(platform="mastodon", native_id="maya@vegan.social",
                       handle="maya@vegan.social", provenance=provenance,
                       verified_links=["https://mayagreens.example"],
                       links=["https://mayagreens.example/", "https://vegan.social/@omar",
                              "https://links.example/maya"])
    found = platform().candidates_from_links(mastodon, 1)
    assert [(c.ref.id, c.needs_niche_match) for c in found] == [
        ("web:mayagreens.example", False), ("web:links.example/maya", False)]
    assert platform(link_platforms=["bluesky"]).candidates_from_links(mastodon, 1) == []
    assert platform(from_links=False).candidates_from_links(mastodon, 1) == []
    blog = mastodon.model_copy(update={"platform": "web", "native_id": "maya.example"})
    assert all(c.needs_niche_match for c in platform().candidates_from_links(blog, 1))


def test_page_found_through_a_blogroll_needs_a_niche_match():
    saved = response("home_hcard", needs_match=True, via="link:web")
    result = platform().parse(saved)
    assert result.creators == []
    assert result.candidates[0].creator is not None and result.candidates[0].needs_niche_match


def test_garbage_feed_is_malformed():
    saved = response("feed_soft404_html", "posts", creator_id="web:tofu.example")
    with pytest.raises(MalformedResponse):
        platform().parse(saved)


def test_web_reads_pages_and_feeds_but_leaves_api_urls_to_their_plugins():
    web = platform()
    assert web.owns_url("https://mayagreens.example/")
    assert web.owns_url("https://lentil.blog.example/feed.json")
    for api in ("https://lemmy.world/api/v3/search?q=vegan", "https://api.github.com/users/x",
                "https://public.api.bsky.app/xrpc/app.bsky.actor.getProfile"):
        assert not web.owns_url(api)
    assert platform(SANDBOX).owns_url("http://127.0.0.1:9/web/maya.example/")
    assert not platform(SANDBOX).owns_url("http://127.0.0.1:9/mastodon/x/api/v1/accounts/1")
