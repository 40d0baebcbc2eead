"""The PeerTube plugin against responses shaped as PeerTube's API documentation describes."""

import json
import logging
from datetime import UTC

import pytest

from creatorscout.cli.parse_file import parse_saved_response
from creatorscout.config.schema import Niche
from creatorscout.plugins.peertube import PeerTube
from creatorscout.plugins.peertube.entities import parse_actor
from creatorscout.plugins.platform import PlatformSettings
from tests.peertube_fixtures import FIXTURES, fixture, platform, response

A = "video.vegan.example"
B = "tube.gruene.example"


def niche(**platforms: dict) -> Niche:
    return Niche(name="vegan", keywords={"en": ["vegan", "plant based"]},
                 hashtags=["vegan", "veganfood", "plantbased", "vegancooking", "veganessen",
                           "veganrecipes"],
                 platforms=platforms)


def test_channel_search_embeds_local_channels_and_looks_up_remote_ones():
    page = response("search_channels", context={"instance": A, "via": "search:vegan",
                                                 "page": 1})
    result = platform().parse(page)
    by_id = {c.ref.id: c for c in result.candidates}
    local = by_id[f"peertube:lena_kocht@{A}"]
    assert local.creator is not None and local.creator.followers == 1873
    remote = by_id[f"peertube:noa_tivoni@{B}"]
    assert remote.creator is None  # "as seen by this instance": read it on its own host
    assert remote.ref.lookup == {"instance": A, "name": "noa_tivoni", "host": B,
                                 "kind": "channel", "owner": "noa"}
    assert [s.reason for s in result.skipped] == ["description: #nobot"]
    assert result.malformed == 1  # the entry without a name
    [follow] = result.requests
    assert "start=4" in follow.url and follow.context["page"] == 2
    assert "search=vegan" in follow.url and "count=4" in follow.url


def test_channel_search_stops_at_the_page_limit():
    page = response("search_channels", context={"instance": A, "page": 1})
    assert platform(discovery_pages=1).parse(page).requests == []


def test_search_index_copies_are_never_authoritative():
    page = response("search_channels_index",
                    context={"instance": "sepiasearch.org", "index": True, "page": 1})
    result = platform().parse(page)
    assert len(result.candidates) == 2
    assert all(c.creator is None and c.ref.lookup["instance"] == "" for c in result.candidates)
    requests = list(platform().profile_requests(result.candidates))
    assert [r.url for r in requests] == [
        f"https://{A}/api/v1/video-channels/lena_kocht",
        f"https://{B}/api/v1/video-channels/noa_tivoni",
    ]
    assert all(r.context["fallback_instance"] == "" for r in requests)


def test_video_search_yields_each_channel_once_and_pages_on():
    page = response("search_videos", context={"instance": A, "via": "videos:vegan", "page": 1})
    result = platform().parse(page)
    ids = [c.ref.id for c in result.candidates]
    assert ids == [f"peertube:lena_kocht@{A}", f"peertube:noa_tivoni@{B}"]
    assert all(c.creator is None and c.via == "videos:vegan" for c in result.candidates)
    [follow] = result.requests
    assert "start=3" in follow.url and "sort=-publishedAt" in follow.url


def test_tag_listing_with_every_result_has_no_next_page():
    page = response("videos_tags", context={"instance": A, "page": 1})
    result = platform().parse(page)
    assert len(result.candidates) == 2 and result.requests == []


def test_channel_profile():
    page = response("channel", "profile", context={"instance": A})
    [creator] = platform().parse(page).creators
    body = fixture("channel")["body"]
    assert creator.id == f"peertube:lena_kocht@{A}"
    assert creator.handle == f"lena_kocht@{A}"
    assert creator.display_name == body["displayName"]
    assert creator.followers == body["followersCount"]
    assert creator.following == body["followingCount"] == 0  # a real zero stays zero
    assert creator.posts_count == body["videosCount"]
    assert creator.created_at is not None and creator.created_at.tzinfo is not None
    assert creator.links == ["https://lena-kocht.example/rezepte",
                             "https://liberapay.com/lenakocht"]
    widest = max(body["avatars"], key=lambda a: a["width"])
    assert creator.avatar_url == widest["fileUrl"]
    assert creator.lookup["kind"] == "channel" and creator.lookup["owner"] == "lena"
    assert not creator.flags.opted_out


def test_old_server_channel_keeps_unknowns_unknown():
    page = response("channel_old_server", "profile", context={"instance": B})
    [creator] = platform().parse(page).creators
    assert creator.posts_count is None  # no videosCount on old servers
    assert creator.avatar_url == f"https://{B}/lazy-static/avatars/ch-noa_tivoni.jpg"
    assert any("\u0590" <= ch <= "\u05ff" for ch in creator.display_name or "")


def test_noindex_in_the_description_is_an_opt_out():
    result = platform().parse(response("channel_noindex", "profile", context={"instance": A}))
    assert result.creators == []
    assert [s.reason for s in result.skipped] == ["description: #noindex"]


def test_account_profile_and_its_videos_endpoint():
    [creator] = platform().parse(response("account", "profile", context={"instance": A})).creators
    assert creator.id == f"peertube:lena@{A}" and creator.lookup["kind"] == "account"
    assert creator.links == ["https://video.vegan.example/c/lena_kocht"]
    [posts] = platform().posts_requests(creator)
    assert posts.url.startswith(f"https://{A}/api/v1/accounts/lena/videos?")


def test_channel_videos_with_views_likes_comments_and_next_page():
    creator_id = f"peertube:lena_kocht@{A}"
    page = response("channel_videos_page1", "posts", creator_id=creator_id,
                    context={"instance": A, "seen": 0})
    result = platform().parse(page)
    body = fixture("channel_videos_page1")["body"]["data"]
    assert [p.native_id for p in result.posts] == [v["uuid"] for v in body]
    for post, video in zip(result.posts, body, strict=True):
        assert post.views == video["views"]
        assert post.likes == video["likes"]
        assert post.replies == video["comments"]
        assert post.reposts is None and post.quotes is None  # PeerTube has neither
        assert post.language == video["language"]["id"]
        assert post.created_at is not None and post.created_at.tzinfo == UTC
        assert post.text is not None and post.text.startswith(video["name"])
    assert result.posts[0].links == ["https://lena-kocht.example/rezepte/linsen"]
    assert result.posts[1].language is None  # {"id": null, "label": "Unknown"}
    [follow] = result.requests
    assert "start=3" in follow.url and follow.context["seen"] == 3
    assert follow.creator_id == creator_id


def test_max_posts_stops_reading():
    page = response("channel_videos_page1", "posts", creator_id="peertube:x@y",
                    context={"instance": A})
    result = platform(max_posts=2).parse(page)
    assert len(result.posts) == 2 and result.requests == []


def test_last_page_has_no_follow_up():
    page = response("channel_videos_last", "posts", creator_id="peertube:x@y",
                    context={"instance": A, "seen": 3})
    result = platform().parse(page)
    assert len(result.posts) == 2 and result.requests == []


def test_old_server_videos_have_unknown_comment_counts():
    page = response("channel_videos_old_server", "posts", creator_id="peertube:x@y",
                    context={"instance": B})
    result = platform().parse(page)
    assert result.posts and all(p.replies is None for p in result.posts)
    assert all(p.likes is not None for p in result.posts)


def test_malformed_videos_are_counted_and_repaired():
    page = response("channel_videos_malformed", "posts", creator_id="peertube:x@y",
                    context={"instance": A})
    result = platform().parse(page)
    assert result.malformed == 2  # no uuid; not an object
    assert result.repaired == 2  # likes "n/a"; an impossible date
    by_views = {p.views for p in result.posts}
    assert 1204 in by_views  # "1,204" is a number with a thousands separator
    assert any(p.likes is None for p in result.posts)


def test_keep_text_false_stores_no_text():
    page = response("channel_videos_page1", "posts", creator_id="peertube:x@y",
                    context={"instance": A, "keep_text": False})
    result = platform().parse(page)
    assert result.posts and all(p.text is None for p in result.posts)


@pytest.mark.parametrize(("name", "kind"), [
    ("error_404", "gone"), ("error_403_follow_constraints", "blocked"),
    ("error_429", "rate_limited"), ("error_500_search_index", "server_error"),
    ("error_400_count", "server_error"),
])
def test_refusals(name, kind):
    refusal = platform().refusal(response(name))
    assert refusal is not None and refusal.kind == kind


def test_rate_limit_headers_are_read():
    limited = platform().rate_limit(response("error_429"))
    assert limited is not None
    assert limited.retry_after == 7 and limited.remaining == 0 and limited.limit == 50
    assert limited.reset_at is not None and limited.reset_at.timestamp() == 1795990222


def test_discovery_requests_for_instances_and_the_search_index():
    options = {"instances": [A], "search_index": "sepiasearch.org", "max_search_terms": 6}
    requests = list(platform(**options).discover(niche()))
    urls = [r.url for r in requests]
    on_instance = [u for u in urls if u.startswith(f"https://{A}/")]
    on_index = [u for u in urls if u.startswith("https://sepiasearch.org/")]
    assert len(on_instance) + len(on_index) == len(urls)
    assert f"https://{A}/api/v1/search/video-channels?search=plant+based&start=0&count=50" in urls
    tag_lists = [u for u in on_instance if "/api/v1/videos?" in u]
    assert len(tag_lists) == 2  # six hashtags, at most five per request
    assert tag_lists[0].count("tagsOneOf=") == 5
    assert not any("/api/v1/videos?" in u for u in on_index)  # an index has search only
    assert sum("tagsOneOf=" in u and "search=" in u for u in on_index) == 6
    assert all(r.context["index"] for r in requests if r.url in on_index)
    assert {r.purpose for r in requests} == {"discover"}


def test_seeds_and_an_unconfigured_niche(caplog):
    seeded = Niche(name="seeded", keywords={"en": ["vegan"]},
                   seeds={"peertube": ["lena_kocht@video.vegan.example", "not-a-handle"]})
    with caplog.at_level(logging.WARNING):
        requests = list(platform().discover(seeded))
    assert [r.url for r in requests] == [f"https://{A}/api/v1/video-channels/lena_kocht"]
    assert "not channel@host" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert list(platform().discover(niche())) == []
    assert "sets no platforms.peertube.instances or search_index" in caplog.text


def test_home_lookup_falls_back_to_the_instance_that_showed_the_channel():
    page = response("search_channels", context={"instance": A, "page": 1})
    remote = next(c for c in platform().parse(page).candidates if c.creator is None)
    [request] = platform().profile_requests([remote])
    assert request.url == f"https://{B}/api/v1/video-channels/noa_tivoni"
    assert request.context["fallback_instance"] == A
    refused = response("error_403_follow_constraints").model_copy(update={
        "url": request.url, "request": request})
    refusal = platform().refusal(refused)
    assert refusal is not None
    recovery = platform().on_refusal(refused, refusal)
    assert recovery is not None
    [fallback] = recovery.requests
    assert fallback.url == f"https://{A}/api/v1/video-channels/noa_tivoni@{B}"
    gone = response("error_404").model_copy(update={"url": request.url, "request": request})
    assert platform().on_refusal(gone, platform().refusal(gone)) is None  # deleted: no retry


def test_without_home_lookup_remote_channels_are_read_where_seen():
    page = response("search_channels", context={"instance": A, "page": 1})
    plugin = platform(home_lookup=False)
    result = plugin.parse(page)
    assert all(c.creator is not None for c in result.candidates)
    remote = next(c for c in result.candidates if c.ref.lookup["host"] == B)
    [posts] = plugin.posts_requests(remote.creator)
    assert posts.url.startswith(f"https://{A}/api/v1/video-channels/noa_tivoni@{B}/videos?")


def test_sandbox_style_base_url_template():
    plugin = PeerTube(PlatformSettings(base_url="http://127.0.0.1:9/peertube/{instance}",
                                       options={"instances": ["tube.example"]}))
    [first, *_] = plugin.discover(niche())
    assert first.url.startswith("http://127.0.0.1:9/peertube/tube.example/api/v1/search/")
    assert plugin.instance_of(first.url) == "tube.example"


@pytest.mark.parametrize(("options", "where"), [
    ({"instances": ["https://framatube.org"]}, "platforms.peertube.instances.0"),
    ({"search_index": "sepia search"}, "platforms.peertube.search_index"),
    ({"page_size": 500}, "platforms.peertube.page_size"),
    ({"instanses": ["x.org"]}, "platforms.peertube.instanses"),
])
def test_bad_options_are_one_line_errors(options, where):
    with pytest.raises(ValueError) as error:
        platform(**options)
    message = str(error.value)
    assert message.startswith(where) and "\n" not in message


def test_scout_parse_recognises_peertube_urls_without_context():
    data = fixture("channel_videos_page1")
    lines = [json.loads(line) for line in parse_saved_response(
        FIXTURES / "channel_videos_page1.json", data["url"], None)]
    posts = [line for line in lines if line["type"] == "post"]
    assert posts and all(p["creator_id"] == f"peertube:lena_kocht@{A}" for p in posts)
    assert platform().owns_url(f"https://{A}/api/v1/accounts/lena")  # Mastodon too


def test_entity_parser_drops_public_email():
    channel = dict(fixture("channel")["body"], publicEmail="lena@lena-kocht.example")
    creator = parse_actor(channel, A, platform().provenance("x"), f"https://{A}")
    assert "lena@lena-kocht.example" not in creator.model_dump_json()
