"""The Reddit plugin against responses shaped as Reddit's API documentation and OAuth2
wiki describe them: sign-in, Listings, accounts (hidden, suspended), submissions
(crossposts, over_18, negative scores), refusals."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from creatorscout.cli.parse_file import parse_saved_response
from creatorscout.config.schema import Niche
from creatorscout.plugins.platform import ParseResult, PlatformSettings, Refusal
from creatorscout.plugins.reddit import Reddit
from creatorscout.plugins.reddit.platform import ID_VARIABLE, SECRET_VARIABLE
from creatorscout.testing import load_saved

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
CLIENT, SECRET = "sbxClientId123", "sbxSecret-0123456789abcdef"
TOKEN = json.loads((FIXTURES / "access_token.json").read_text())["body"]["access_token"]


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ID_VARIABLE, CLIENT)
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    for name in ("REDDIT_USERNAME", "REDDIT_USER_AGENT"):
        monkeypatch.delenv(name, raising=False)


def reddit(max_posts: int = 40, discovery_pages: int = 3, **options: Any) -> Reddit:
    return Reddit(PlatformSettings(max_posts=max_posts, discovery_pages=discovery_pages,
                                   options=options))


def parse(name: str, platform: Reddit | None = None) -> ParseResult:
    return (platform or reddit()).parse(load_saved(FIXTURES / f"{name}.json").response("reddit"))


def refusal(name: str) -> Refusal | None:
    return reddit().refusal(load_saved(FIXTURES / f"{name}.json").response("reddit"))


NICHE = Niche(name="vegan-cooking", keywords={"en": ["vegan", "plant based"]})


def signed_in(platform: Reddit) -> ParseResult:
    [sign_in] = list(platform.discover(NICHE))
    return parse("access_token", platform)


def test_discovery_starts_with_an_application_only_sign_in_through_the_crawler():
    platform = reddit()
    [sign_in] = list(platform.discover(NICHE))
    assert sign_in.method == "POST" and sign_in.url == "https://www.reddit.com/api/v1/access_token"
    assert sign_in.body == b"grant_type=client_credentials"
    assert sign_in.headers["Authorization"] == "Basic " + base64.b64encode(
        f"{CLIENT}:{SECRET}".encode()).decode()
    assert sign_in.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SECRET not in sign_in.url and SECRET not in json.dumps(sign_in.context)


def test_the_token_answer_starts_the_search_with_the_bearer_token():
    platform = reddit(subreddits=["r/veganrecipes"])
    result = signed_in(platform)
    urls = [r.url for r in result.requests]
    assert urls == [
        "https://oauth.reddit.com/r/veganrecipes/top?t=month&limit=100&raw_json=1",
        "https://oauth.reddit.com/r/veganrecipes/new?limit=100&raw_json=1",
        "https://oauth.reddit.com/subreddits/search?q=vegan&limit=25&raw_json=1",
        "https://oauth.reddit.com/subreddits/search?q=plant+based&limit=25&raw_json=1",
    ]
    assert all(r.headers["Authorization"] == f"bearer {TOKEN}" for r in result.requests)
    assert TOKEN not in result.model_dump_json(exclude={"requests"})


def test_the_user_agent_has_reddits_form_and_is_configurable(monkeypatch):
    agent = reddit().user_agent()
    assert agent.startswith("python:creatorscout:") and agent.endswith("(by /u/creatorscout)")
    monkeypatch.setenv("REDDIT_USERNAME", "lena")
    assert reddit().user_agent().endswith("(by /u/lena)")
    custom = "web:com.example.scout:2.1 (by /u/agency)"
    assert reddit(user_agent=custom).user_agent() == custom
    [sign_in] = list(reddit(user_agent=custom).discover(NICHE))
    assert sign_in.headers["User-Agent"] == custom


def test_without_keys_one_line_and_nothing_asked(monkeypatch, caplog):
    monkeypatch.delenv(SECRET_VARIABLE)
    with caplog.at_level(logging.WARNING):
        assert list(reddit().discover(NICHE)) == []
    [line] = [r.getMessage() for r in caplog.records]
    assert line == ("reddit: no API key; set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET to "
                    "crawl Reddit")


def test_subreddit_search_reads_matching_subreddits_but_not_adult_ones():
    result = parse("subreddits_search")
    urls = [r.url for r in result.requests]
    assert "https://oauth.reddit.com/r/vegan/top?t=month&limit=100&raw_json=1" in urls
    assert not any("VeganNSFW" in u for u in urls)
    assert urls[-1].endswith("/subreddits/search?q=vegan&limit=25&raw_json=1&after=t5_vegan9x")
    assert parse("subreddits_search_last").requests == []


def test_subreddit_posts_make_their_authors_candidates_once_without_deleted_or_bots():
    result = parse("subreddit_top")
    names = [c.ref.handle for c in result.candidates]
    assert names == ["lena_greenfield", "oskar_kocht", "quiet_cook", "spam_account_42"]
    assert result.candidates[0].ref.id == "reddit:8fk2la"  # from author_fullname
    assert all(c.needs_niche_match for c in result.candidates)
    [follow] = result.requests
    assert follow.url.endswith("&after=t3_1gxx9gg") and follow.context["page"] == 2
    assert parse("subreddit_new_last").requests == []


def test_a_profile_has_followers_from_its_profile_subreddit_karma_and_links():
    [lena] = parse("user_about").creators
    assert lena.id == "reddit:8fk2la" and lena.handle == "lena_greenfield"
    assert lena.followers == 2310
    assert lena.lookup["link_karma"] == "48211" and lena.lookup["total_karma"] == "57451"
    assert lena.links == ["https://lenagreenfield.example/book"]
    assert lena.created_at is not None and lena.created_at.year == 2016
    assert lena.avatar_url == ("https://styles.redditmedia.com/t5_3x8fk2la/styles/"
                               "profileIcon_snoo.png")
    [oskar] = parse("user_about_oskar").creators
    assert oskar.followers == 0  # nobody follows him: an observation, not unknown


def test_hide_from_robots_is_an_opt_out_and_suspended_accounts_are_gone():
    hidden = parse("user_about_hidden")
    assert hidden.creators == [] and [s.reason for s in hidden.skipped] == ["hide_from_robots"]
    suspended = parse("user_about_suspended")
    assert suspended.creators == [] and [s.reason for s in suspended.skipped] == ["suspended"]


def test_submissions_score_as_likes_comments_as_replies_crossposts_and_over_18():
    result = parse("user_submitted", reddit(max_posts=10))
    dal, link_post, crosspost, adult, negative = result.posts
    assert (dal.likes, dal.replies) == (4812, 233)
    assert dal.hashtags == ["vegan", "mealprep"] and dal.language == "en"
    assert dal.links == ["https://lenagreenfield.example/dal"]
    assert dal.url == ("https://www.reddit.com/r/veganrecipes/comments/1h3x9aa/"
                       "one-pot_red_lentil_dal_(vegan,/")
    assert link_post.links == ["https://lenagreenfield.example/book"]
    assert crosspost.is_repost and not dal.is_repost
    assert adult.adult is True and dal.adult is False
    assert negative.likes is None and negative.replies == 380  # never negative likes
    assert all(p.views is None and p.reposts is None for p in result.posts)
    [follow] = result.requests
    assert follow.url.endswith("&after=t3_1gzd4ll") and follow.context["seen"] == 5


def test_posts_stop_at_max_posts_and_at_the_last_page():
    assert parse("user_submitted", reddit(max_posts=5)).requests == []
    assert len(parse("user_submitted", reddit(max_posts=3)).posts) == 3
    assert parse("user_submitted_last", reddit(max_posts=10)).requests == []


def test_refusals():
    kinds = {name: getattr(refusal(name), "kind", None) for name in (
        "error_401", "error_403_private", "error_404_banned", "error_404_user", "error_429")}
    assert kinds == {"error_401": "login_required", "error_403_private": "login_required",
                     "error_404_banned": "gone", "error_404_user": "gone",
                     "error_429": "rate_limited"}


def test_a_401_signs_in_again_once_then_repeats_the_call():
    platform = reddit()
    signed_in(platform)
    saved = load_saved(FIXTURES / "error_401.json")
    response = saved.response("reddit")
    first = platform.on_refusal(response, platform.refusal(response))  # type: ignore[arg-type]
    assert first is not None
    [sign_in] = first.requests
    assert sign_in.method == "POST" and "retry" in sign_in.context
    token = load_saved(FIXTURES / "access_token.json")
    again = platform.parse(token.response("reddit").model_copy(update={"request": sign_in}))
    [repeat] = again.requests
    assert repeat.url == saved.url and repeat.headers["Authorization"] == f"bearer {TOKEN}"
    assert repeat.context["signed_in_again"] is True
    # A second 401 on the repeated call is reported, not retried for ever.
    second = response.model_copy(update={"request": repeat})
    assert platform.on_refusal(second, platform.refusal(second)) is None  # type: ignore[arg-type]


def test_rate_limit_headers_are_read():
    saved = load_saved(FIXTURES / "error_429.json")
    info = reddit().rate_limit(saved.response("reddit"))
    assert info is not None and info.remaining == 0 and info.reset_at is not None


@pytest.mark.parametrize("name", ["subreddits_search", "subreddit_top", "user_about",
                                  "user_submitted", "access_token"])
def test_scout_parse_reads_every_endpoint_from_the_official_url(name, tmp_path):
    saved = load_saved(FIXTURES / f"{name}.json")
    raw = tmp_path / "response.body"
    raw.write_bytes(saved.body_bytes())
    lines = [json.loads(line) for line in parse_saved_response(raw, saved.url, "reddit")]
    if name == "access_token":  # nothing to show, and the token is not printed
        assert TOKEN not in json.dumps(lines)
    else:
        assert {line["type"] for line in lines} & {"creator", "candidate", "post", "request"}


def test_reddit_users_linked_from_other_platforms_become_candidates(monkeypatch):
    from creatorscout.plugins.models import Creator

    lena = parse("user_about").creators[0]
    other = lena.model_copy(update={"platform": "youtube", "native_id": "UCx", "links": [
        "https://www.reddit.com/user/lena_greenfield/", "https://old.reddit.com/u/Oskar_Kocht",
        "https://www.reddit.com/r/vegan/", "https://reddit.com/user/x"]})
    assert isinstance(other, Creator)
    found = reddit().candidates_from_links(other, 2)
    assert [c.ref.handle for c in found] == ["lena_greenfield", "Oskar_Kocht"]
    [about] = list(reddit().profile_requests(found[:1]))
    assert about.url == "https://oauth.reddit.com/user/lena_greenfield/about?raw_json=1"
    monkeypatch.delenv(SECRET_VARIABLE)
    assert reddit().candidates_from_links(other, 2) == []  # nothing to read them with
