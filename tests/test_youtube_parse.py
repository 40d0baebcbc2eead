"""The YouTube plugin against responses shaped as the Data API v3 reference describes them
(developers.google.com/youtube/v3/docs), including the awkward cases: hidden subscriber
counts and likes, comments off, items missing, empty pages, spent quota."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from creatorscout.cli.parse_file import parse_saved_response
from creatorscout.config.schema import Niche
from creatorscout.plugins.platform import FetchRequest, ParseResult, PlatformSettings
from creatorscout.plugins.youtube import YouTube
from creatorscout.plugins.youtube.platform import KEY_VARIABLE
from creatorscout.testing import load_saved

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
LENA = "UCq3Wm5Kd1nTzLr8VpYbX2sA"
TOFU = "UC7hP0cJv4eQmRy9TnWk3LdG"
KEY = "AIzaSyTestOnlyKey-0123456789abcdefghij"


@pytest.fixture(autouse=True)
def key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VARIABLE, KEY)


def youtube(max_posts: int = 40, discovery_pages: int = 3, **options: Any) -> YouTube:
    return YouTube(PlatformSettings(max_posts=max_posts, discovery_pages=discovery_pages,
                                    options=options))


def parse(name: str, platform: YouTube | None = None) -> ParseResult:
    return (platform or youtube()).parse(load_saved(FIXTURES / f"{name}.json").response("youtube"))


def niche(**seeds: list[str]) -> Niche:
    return Niche(name="vegan-cooking", languages=["en", "de"],
                 keywords={"en": ["vegan"], "de": ["pflanzlich"]}, seeds=seeds)


def test_discovery_searches_channels_and_videos_per_keyword_with_language_and_region():
    platform = youtube(regions={"de": "DE"})
    requests = list(platform.discover(niche()))
    urls = [r.url for r in requests]
    assert len(urls) == 4 and all("/youtube/v3/search?part=snippet" in u for u in urls)
    assert "type=channel&q=vegan&maxResults=50&relevanceLanguage=en" in urls[0]
    assert "type=video&q=pflanzlich" in urls[3] and urls[3].endswith(
        "relevanceLanguage=de&regionCode=DE")
    assert all(KEY not in u for u in urls)  # the key travels in a header only
    assert all(r.headers["X-Goog-Api-Key"] == KEY for r in requests)
    assert platform.usage() == {}  # units are counted as responses come back


def test_seeds_accept_ids_handles_and_channel_urls():
    seeds = [LENA, "@tofutuesday", f"https://www.youtube.com/channel/{TOFU}",
             "https://www.youtube.com/@KuecheOhneTier", "not a channel!"]
    requests = list(youtube(search_types=[]).discover(niche(youtube=seeds)))
    assert [r.url.split("&", 1)[1] for r in requests] == [
        f"id={LENA}&maxResults=50", "forHandle=%40tofutuesday", f"id={TOFU}&maxResults=50",
        "forHandle=%40KuecheOhneTier"]
    assert {r.purpose for r in requests} == {"profile"}


def test_channel_search_pages_with_page_token_and_candidates_need_no_match():
    result = parse("search_channels")
    assert [c.ref.native_id for c in result.candidates] == [
        LENA, TOFU, "UCz2Bn8Fx6sHqKt1WmPvR5cE"]
    assert not any(c.needs_niche_match for c in result.candidates)
    [follow] = result.requests
    assert follow.url.endswith("&pageToken=CDIQAA") and follow.context["page"] == 2


def test_video_search_makes_the_channels_candidates_once_and_they_must_match():
    result = parse("search_videos")
    assert [c.ref.native_id for c in result.candidates] == [LENA, TOFU]
    assert all(c.needs_niche_match for c in result.candidates)


def test_an_empty_last_search_page_asks_for_nothing():
    result = parse("search_last")
    assert result.candidates == [] and result.requests == [] and result.malformed == 0


def test_discovery_pages_limit_the_search_pages():
    platform = youtube(discovery_pages=1)
    assert parse("search_channels", platform).requests == []


def test_channels_are_read_with_counts_from_strings_links_and_handles():
    lena, tofu, kueche = parse("channels").creators
    assert lena.id == f"youtube:{LENA}" and lena.handle == "lenagreenfield"
    assert lena.profile_url == "https://www.youtube.com/@lenagreenfield"
    assert (lena.followers, lena.posts_count) == (412000, 386)
    assert lena.created_at is not None and lena.created_at.year == 2016
    assert lena.avatar_url and lena.avatar_url.endswith("=s800-c-k-c0x00ffffff-no-rj")
    assert lena.languages == ["en"]
    # Links of the description, and other platforms' handles as their profile URLs: the
    # persons pass reads them, Mastodon and Bluesky take them as candidates.
    assert lena.links == ["https://lenagreenfield.example/book", "https://vegan.social/@lena",
                          "https://bsky.app/profile/lenagreenfield.bsky.social"]
    assert "hello@lenagreenfield.example" not in " ".join(lena.links)
    assert lena.lookup["uploads"] == "UU" + LENA[2:]
    assert kueche.handle == kueche.native_id  # no customUrl
    assert kueche.languages == ["de"]
    assert tofu.links == ["https://tofutuesday.example"]


def test_a_hidden_subscriber_count_is_unknown_never_zero():
    tofu = parse("channels").creators[1]
    assert tofu.followers is None
    assert tofu.posts_count == 97


def test_an_unknown_handle_is_a_list_without_items_not_an_error():
    result = parse("channels_not_found")
    assert result.creators == [] and result.malformed == 0 and result.refusal is None


def test_profiles_are_batched_fifty_ids_a_request():
    candidates = parse("search_channels").candidates
    [request] = list(youtube().profile_requests(candidates))
    assert YouTube.profile_batch_size == 50
    assert f"id={LENA}%2C{TOFU}%2CUCz2" in request.url
    assert "part=snippet%2Cstatistics%2CbrandingSettings%2CtopicDetails%2CcontentDetails" in \
        request.url


def test_posts_start_with_the_uploads_playlist_then_videos_in_one_batch():
    platform = youtube(max_posts=10)
    lena = parse("channels").creators[0]
    [first] = list(platform.posts_requests(lena))
    assert first.url.endswith(f"playlistItems?part=contentDetails&playlistId=UU{LENA[2:]}"
                              "&maxResults=10")
    result = parse("playlist_items", platform)
    [videos] = result.requests
    assert videos.purpose == "posts" and videos.creator_id == f"youtube:{LENA}"
    assert "id=dQ7x2Lm9KpA%2CZr4pT1vN8cE%2CPq8sW2xYt5U" in videos.url
    assert "paidProductPlacementDetails" in videos.url
    assert videos.context["next_page"] == "EAAaBlBUOkNBTQ"


def test_videos_carry_views_likes_comments_and_the_paid_placement_flag():
    result = parse("videos", youtube(max_posts=10))
    sponsored, hidden_likes, comments_off = result.posts
    assert (sponsored.views, sponsored.likes, sponsored.replies) == (183204, 9120, 412)
    assert sponsored.sponsored is True
    assert sponsored.hashtags == ["vegan", "mealprep"]
    assert sponsored.links == ["https://lenagreenfield.example/dal"]
    assert sponsored.url == "https://www.youtube.com/watch?v=dQ7x2Lm9KpA"
    assert sponsored.text and sponsored.text.startswith("One-pot red lentil dal")
    assert hidden_likes.likes is None and hidden_likes.replies == 230  # likes hidden
    assert hidden_likes.language == "en" and hidden_likes.sponsored is False
    assert comments_off.replies is None and comments_off.likes == 801  # comments off
    assert comments_off.language is None
    assert all(p.reposts is None and p.quotes is None for p in result.posts)
    # More were wanted (10) than this page had: the next playlist page is asked for.
    [follow] = result.requests
    assert "playlistItems" in follow.url and follow.url.endswith(
        "&maxResults=7&pageToken=EAAaBlBUOkNBTQ")


def test_the_last_videos_ask_for_nothing_more():
    result = parse("videos_last", youtube(max_posts=10))
    assert len(result.posts) == 1 and result.requests == []


def test_max_posts_cuts_the_playlist_and_stops_paging():
    result = parse("playlist_items", youtube(max_posts=2))
    [videos] = result.requests
    assert "id=dQ7x2Lm9KpA%2CZr4pT1vN8cE&" in videos.url + "&"
    done = parse("videos", youtube(max_posts=3))
    assert done.requests == []


def test_an_empty_uploads_playlist_ends_the_posts():
    result = parse("playlist_items_empty")
    assert result.requests == [] and result.posts == [] and result.malformed == 0


def test_the_keyless_feed_gives_the_channel_and_recent_videos_without_statistics():
    result = parse("feed")
    [creator] = result.creators
    assert creator.id == f"youtube:{LENA}"  # the feed writes the id without "UC"
    assert creator.followers is None and creator.display_name == "Lena Greenfield"
    assert [p.native_id for p in result.posts] == ["dQ7x2Lm9KpA", "Zr4pT1vN8cE"]
    assert result.posts[0].views == 183204
    assert all(p.likes is None and p.replies is None for p in result.posts)
    assert result.malformed == 1  # the entry without a video id
    assert list(youtube().posts_requests(creator)) == []  # the feed was the posts


def test_without_a_key_seeded_channels_are_read_from_their_feeds(monkeypatch, caplog):
    monkeypatch.delenv(KEY_VARIABLE)
    platform = youtube()
    with caplog.at_level(logging.WARNING):
        requests = list(platform.discover(niche(youtube=[LENA, "@tofutuesday"])))
    assert [r.url for r in requests] == [
        f"https://www.youtube.com/feeds/videos.xml?channel_id={LENA}"]
    assert not requests[0].api  # a feed, under robots.txt
    assert "X-Goog-Api-Key" not in requests[0].headers
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("creatorscout")]
    assert line.startswith("youtube: no API key; set YOUTUBE_API_KEY to crawl YouTube")
    assert "no statistics" in line
    assert platform.usage() == {"keyless feeds (no statistics)": 1}


def test_the_daily_budget_stops_searches_first_then_everything(caplog):
    platform = youtube(daily_quota=250)
    requests = list(platform.discover(niche()))
    assert len(requests) == 2  # 2 searches (200 units); a third would pass 250
    lena = parse("channels").creators[0]
    for _ in range(50):
        assert list(platform.posts_requests(lena))
    with caplog.at_level(logging.WARNING):
        assert list(platform.posts_requests(lena)) == []
        assert list(platform.profile_requests(parse("search_channels").candidates)) == []
    [line] = [r.getMessage() for r in caplog.records if "quota budget" in r.getMessage()]
    assert "playlistItems.list 50, search.list 200" in line


def test_units_are_counted_per_method_for_every_answer_errors_included():
    platform = youtube()
    for name in ("search_channels", "search_last", "channels", "videos", "playlist_items",
                 "error_403_rate", "feed"):
        platform.rate_limit(load_saved(FIXTURES / f"{name}.json").response("youtube"))
    assert platform.usage() == {"channels.list units": 2, "playlistItems.list units": 1,
                                "search.list units": 200, "videos.list units": 1}


def test_quota_exceeded_ends_youtube_with_one_line(caplog):
    platform = youtube()
    saved = load_saved(FIXTURES / "error_403_quota.json")
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            refusal = platform.refusal(saved.response("youtube"))
            assert refusal is not None and refusal.kind == "blocked"
    assert refusal.message.startswith("quotaExceeded")
    assert sum(1 for r in caplog.records if "quota is spent" in r.getMessage()) == 1
    assert list(platform.discover(niche())) == []  # nothing more for this crawl


def test_rate_limit_exceeded_is_backed_off_and_a_bad_key_needs_a_login():
    platform = youtube()
    rate = platform.refusal(load_saved(FIXTURES / "error_403_rate.json").response("youtube"))
    assert rate is not None and rate.kind == "rate_limited"
    bad = platform.refusal(load_saved(FIXTURES / "error_400_key_invalid.json")
                           .response("youtube"))
    assert bad is not None and bad.kind == "login_required"
    gone = platform.refusal(load_saved(FIXTURES / "error_404_playlist.json")
                            .response("youtube"))
    assert gone is not None and gone.kind == "gone"


def test_the_key_never_reaches_items_or_errors():
    platform = youtube()
    requests = list(platform.discover(niche(youtube=[LENA])))
    dumped = " ".join(r.model_dump_json(exclude={"headers"}) for r in requests)
    assert KEY not in dumped
    refusal = platform.refusal(load_saved(FIXTURES / "error_400_key_invalid.json")
                               .response("youtube"))
    assert refusal is not None and KEY not in refusal.model_dump_json()


def test_owns_api_urls_and_the_feed_on_www_youtube_com():
    platform = youtube()
    assert platform.owns_url(f"https://www.googleapis.com/youtube/v3/channels?id={LENA}")
    assert platform.owns_url(f"https://www.youtube.com/feeds/videos.xml?channel_id={LENA}")
    assert not platform.owns_url("https://www.youtube.com/watch?v=dQ7x2Lm9KpA")
    assert not platform.owns_url("https://example.org/youtube/v3/channels")


@pytest.mark.parametrize("name", [
    "search_channels", "search_videos", "channels", "playlist_items", "videos", "feed"])
def test_scout_parse_reads_every_endpoint_from_the_official_url(name, tmp_path):
    """A raw body as recorded from the live API, with its official URL."""
    saved = load_saved(FIXTURES / f"{name}.json")
    raw = tmp_path / "response.body"
    raw.write_bytes(saved.body_bytes())
    lines = [json.loads(line) for line in parse_saved_response(raw, saved.url, "youtube")]
    kinds = {line["type"] for line in lines}
    assert kinds & {"creator", "candidate", "post", "request"}, lines


def test_a_request_is_one_the_plugin_can_parse():
    platform = youtube()
    requests: list[FetchRequest] = list(platform.discover(niche(youtube=[LENA])))
    requests += parse("playlist_items").requests + parse("videos").requests
    assert all(platform.owns_url(r.url) for r in requests)


def test_channels_linked_from_other_platforms_become_candidates():
    from creatorscout.plugins.models import Creator

    other = Creator.model_validate({
        "platform": "mastodon", "native_id": "1", "handle": "lena@vegan.social",
        "links": [f"https://www.youtube.com/channel/{LENA}", "https://youtube.com/@TofuTuesday",
                  "https://www.youtube.com/watch?v=dQ7x2Lm9KpA", "https://example.org/@x"],
        "provenance": parse("channels").creators[0].provenance.model_dump()})
    platform = youtube()
    found = platform.candidates_from_links(other, 1)
    assert [(c.ref.native_id, c.ref.lookup.get("handle")) for c in found] == [
        (LENA, None), (None, "@TofuTuesday")]
    assert all(c.depth == 1 and c.via == "link:mastodon:1" for c in found)
    by_id, by_handle = (list(platform.profile_requests([c])) for c in found)
    assert [r.url.split("&", 1)[1] for r in by_id + by_handle] == [
        f"id={LENA}&maxResults=50", "forHandle=%40TofuTuesday"]
    assert platform.candidates_from_links(parse("channels").creators[0], 1) == []  # own
