"""The Twitch plugin against responses shaped as the Helix reference describes them:
client-credentials sign-in, channel search and streams, users then channels in batches of
100, followers only with a user token, videos with views."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from creatorscout.cli.parse_file import parse_saved_response
from creatorscout.config.schema import Niche
from creatorscout.plugins.platform import ParseResult, PlatformSettings
from creatorscout.plugins.twitch import Twitch
from creatorscout.plugins.twitch.platform import (
    ID_VARIABLE,
    SECRET_VARIABLE,
    USER_TOKEN_VARIABLE,
)
from creatorscout.testing import load_saved

FIXTURES = Path(__file__).parent / "fixtures" / "twitch"
CLIENT, SECRET, USER = "sbxclient0123", "sbx-secret-abcdef0123456789", "user-sbx-token-42"
TOKEN = json.loads((FIXTURES / "token.json").read_text())["body"]["access_token"]
NICHE = Niche(name="vegan-cooking", languages=["en"], keywords={"en": ["vegan", "tofu"]})


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_VARIABLE, CLIENT)
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    monkeypatch.delenv(USER_TOKEN_VARIABLE, raising=False)


def twitch(max_posts: int = 40, discovery_pages: int = 3, **options: Any) -> Twitch:
    return Twitch(PlatformSettings(max_posts=max_posts, discovery_pages=discovery_pages,
                                   options=options))


def parse(name: str, platform: Twitch | None = None, **context: Any) -> ParseResult:
    saved = load_saved(FIXTURES / f"{name}.json")
    response = saved.response("twitch")
    if context:
        request = response.request.model_copy(
            update={"context": {**response.request.context, **context}})
        response = response.model_copy(update={"request": request})
    return (platform or twitch()).parse(response)


def signed_in(platform: Twitch) -> ParseResult:
    list(platform.discover(NICHE))
    return parse("token", platform)


def test_sign_in_is_a_client_credentials_post_through_the_crawler():
    [sign_in] = list(twitch().discover(NICHE))
    assert sign_in.method == "POST" and sign_in.url == "https://id.twitch.tv/oauth2/token"
    assert sign_in.body == (f"client_id={CLIENT}&client_secret={SECRET}"
                            "&grant_type=client_credentials").encode()
    assert SECRET not in sign_in.url and SECRET not in json.dumps(sign_in.context)


def test_the_token_starts_discovery_with_client_id_and_bearer_on_every_call():
    result = signed_in(twitch(game_ids=["509667"]))
    assert [r.url for r in result.requests] == [
        "https://api.twitch.tv/helix/search/channels?query=vegan&first=100&live_only=false",
        "https://api.twitch.tv/helix/search/channels?query=tofu&first=100&live_only=false",
        "https://api.twitch.tv/helix/streams?game_id=509667&first=100&language=en"]
    for request in result.requests:
        assert request.headers == {"Client-Id": CLIENT, "Authorization": f"Bearer {TOKEN}"}


def test_without_keys_one_line(monkeypatch, caplog):
    monkeypatch.delenv(SECRET_VARIABLE)
    with caplog.at_level(logging.WARNING):
        assert list(twitch().discover(NICHE)) == []
    assert [r.getMessage() for r in caplog.records] == [
        "twitch: no API key; set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET to crawl Twitch"]


def test_without_a_user_token_one_line_says_followers_stay_unknown(caplog):
    with caplog.at_level(logging.WARNING):
        list(twitch().discover(NICHE))
    [line] = [r.getMessage() for r in caplog.records]
    assert "follower counts need a user access token (set TWITCH_USER_TOKEN)" in line


def test_channel_search_keeps_the_niches_languages_and_pages_with_the_cursor():
    platform = twitch()
    signed_in(platform)
    result = parse("search_channels", platform)
    assert [c.ref.handle for c in result.candidates] == ["vegan_lena", "thevegancook"]
    assert all(c.needs_niche_match for c in result.candidates)  # logins only
    assert result.candidates[0].ref.id == "twitch:141981764"
    [follow] = result.requests
    assert follow.url.endswith("&after=eyJiIjpudWxsLCJhIjp7IkN1cnNvciI6IjIifX0")
    assert parse("search_last", platform).requests == []


def test_streams_of_the_niches_category_need_no_match():
    result = parse("streams")
    [candidate] = result.candidates
    assert candidate.ref.id == "twitch:141981764" and not candidate.needs_niche_match


def test_users_are_batched_by_100_then_their_channels_in_one_call():
    platform = twitch()
    signed_in(platform)
    candidates = parse("search_channels", platform).candidates
    [users] = list(platform.profile_requests(candidates))
    assert users.url == "https://api.twitch.tv/helix/users?id=141981764&id=52819341"
    assert Twitch.profile_batch_size == 100
    result = parse("users", platform)
    [channels] = result.requests
    assert channels.url == ("https://api.twitch.tv/helix/channels?broadcaster_id=141981764"
                            "&broadcaster_id=52819341")
    assert result.creators == []  # handed over with their channels
    saved = load_saved(FIXTURES / "channels.json").response("twitch")
    done = platform.parse(saved.model_copy(update={"request": channels}))
    lena, cook = done.creators
    assert lena.handle == "vegan_lena" and lena.followers is None  # no user token
    assert lena.links == ["https://lenagreenfield.example"]
    assert lena.languages == ["en"] and lena.lookup["game"] == "Food & Drink"
    assert cook.bio is None and cook.languages == []  # "other" is no language


def test_with_a_user_token_followers_come_from_channel_followers(monkeypatch):
    monkeypatch.setenv(USER_TOKEN_VARIABLE, USER)
    platform = twitch()
    signed_in(platform)
    [channels] = parse("users", platform).requests
    saved = load_saved(FIXTURES / "channels.json").response("twitch")
    follow = platform.parse(saved.model_copy(update={"request": channels})).requests
    assert [r.url.split("?")[1] for r in follow] == [
        "broadcaster_id=141981764&first=1", "broadcaster_id=52819341&first=1"]
    assert follow[0].headers["Authorization"] == f"Bearer {USER}"
    answer = load_saved(FIXTURES / "followers.json").response("twitch")
    [lena] = platform.parse(answer.model_copy(update={"request": follow[0]})).creators
    assert lena.followers == 18420
    assert USER not in lena.model_dump_json()


def test_videos_have_views_only_and_page_with_the_cursor():
    result = parse("videos", twitch(max_posts=10))
    archive, highlight, upload = result.posts
    assert (archive.views, highlight.views, upload.views) == (1203, 8820, 15002)
    assert all(p.likes is None and p.replies is None for p in result.posts)
    assert upload.links == ["https://lenagreenfield.example/plan"] and upload.language is None
    assert archive.url == "https://www.twitch.tv/videos/2320456712"
    [follow] = result.requests
    assert follow.url.endswith("&after=eyJiIjpudWxsLCJhIjp7Ik9mZnNldCI6M319")
    assert parse("videos_last", twitch(max_posts=10)).requests == []
    assert parse("videos", twitch(max_posts=3)).requests == []


def test_a_401_signs_in_again_once():
    platform = twitch()
    signed_in(platform)
    response = load_saved(FIXTURES / "error_401.json").response("twitch")
    refusal = platform.refusal(response)
    assert refusal is not None and refusal.kind == "login_required"
    assert refusal.message == "Invalid OAuth token"
    again = platform.on_refusal(response, refusal)
    assert again is not None and again.requests[0].url.endswith("/oauth2/token")


def test_rate_limit_headers_are_read():
    info = twitch().rate_limit(load_saved(FIXTURES / "videos.json").response("twitch"))
    assert info is not None and (info.limit, info.remaining) == (800, 794)
    assert info.reset_at is not None and info.reset_at.year >= 2026


@pytest.mark.parametrize("name", ["search_channels", "streams", "users", "videos"])
def test_scout_parse_reads_every_endpoint_from_the_official_url(name, tmp_path):
    saved = load_saved(FIXTURES / f"{name}.json")
    raw = tmp_path / "response.body"
    raw.write_bytes(saved.body_bytes())
    lines = [json.loads(line) for line in parse_saved_response(raw, saved.url, "twitch")]
    assert {line["type"] for line in lines} & {"creator", "candidate", "post", "request"}


def test_twitch_channels_linked_from_other_platforms_are_fetched_by_login():
    platform = twitch()
    signed_in(platform)
    [channels] = parse("users", platform).requests
    saved = load_saved(FIXTURES / "channels.json").response("twitch")
    lena = platform.parse(saved.model_copy(update={"request": channels})).creators[0]
    other = lena.model_copy(update={"platform": "youtube", "native_id": "UCx", "links": [
        "https://www.twitch.tv/Vegan_Lena", "https://twitch.tv/directory",
        "https://www.twitch.tv/videos/123"]})
    [found] = platform.candidates_from_links(other, 1)
    assert found.ref.lookup == {"login": "vegan_lena"} and found.ref.native_id is None
    mixed = [found, *parse("search_channels", platform).candidates[1:]]
    [users] = list(platform.profile_requests(mixed))
    assert users.url == "https://api.twitch.tv/helix/users?login=vegan_lena&id=52819341"
