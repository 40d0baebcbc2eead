"""The GitHub plugin against responses shaped as docs.github.com/rest describes them."""

import json
import logging

import pytest

from creatorscout.cli.parse_file import parse_saved_response
from creatorscout.config.schema import Niche
from creatorscout.plugins.github import GitHub
from creatorscout.plugins.github.platform import SEARCH_SLOT, SECONDARY_WAIT
from creatorscout.plugins.platform import PlatformSettings
from tests.github_fixtures import FIXTURES, fixture, platform, response

ANA = "github:4518203"
EMAIL = "ana@ana-martech.example"


@pytest.fixture(autouse=True)
def no_token(monkeypatch):
    monkeypatch.delenv("CREATORSCOUT_GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)


def niche(**platforms: dict) -> Niche:
    return Niche(name="b2b-martech", keywords={"en": ["martech", "marketing automation"]},
                 hashtags=["martech", "B2BMarketing", "ღვინო", "demand_gen"],
                 platforms=platforms)


def test_user_search_keeps_people_and_skips_organizations_and_bots():
    page = response("search_users", context={"via": "users:martech", "page": 1})
    result = platform().parse(page)
    assert [c.ref.handle for c in result.candidates] == ["ana-martech", "kaiopsdata"]
    assert all(c.needs_niche_match for c in result.candidates)  # login/name hits only
    assert result.candidates[0].ref.id == ANA
    assert sorted(s.reason for s in result.skipped) == ["type: Bot", "type: Organization"]
    [follow] = result.requests
    assert follow.url.endswith("&page=2") and follow.context["page"] == 2


def test_last_search_page_has_no_follow_up():
    page = response("search_users_incomplete", context={"page": 2})
    result = platform().parse(page)
    assert len(result.candidates) == 1 and result.requests == []


def test_topic_search_yields_owners_once():
    page = response("search_repositories", context={"via": "topic:martech", "page": 1})
    result = platform().parse(page)
    assert [c.ref.id for c in result.candidates] == [ANA]
    assert not result.candidates[0].needs_niche_match  # a topic is the owner's own label
    assert [s.reason for s in result.skipped] == ["type: Organization"]
    assert len(result.requests) == 1


def candidate():
    page = response("search_repositories", context={"via": "topic:martech", "page": 1})
    return platform().parse(page).candidates[0]


def pair_of(plugin):
    social, user = plugin.profile_requests([candidate()])
    return social, user


LINKS = [
    "https://ana-martech.example",  # blog, typed without a scheme
    "https://x.com/ana_martech",
    "https://twitter.com/ana_martech",
    "https://mastodon.social/@ana_martech",
    "https://www.linkedin.com/in/ana-martinez-ops",
    "https://bsky.app/profile/ana-martech.example",
]


@pytest.mark.parametrize("social_first", [True, False])
def test_profile_and_social_accounts_arrive_as_a_pair(social_first):
    plugin = platform()
    social, user = pair_of(plugin)
    assert social.url == "https://api.github.com/users/ana-martech/social_accounts"
    assert user.url == "https://api.github.com/users/ana-martech"
    assert social.context["pair"] == user.context["pair"] == "ana-martech"
    assert social.creator_id == user.creator_id == ANA
    halves = [response("social_accounts", "profile", **request.model_dump(
        include={"creator_id", "context", "depth"})) if request is social else
        response("user", "profile", **request.model_dump(
            include={"creator_id", "context", "depth"})) for request in
        ((social, user) if social_first else (user, social))]
    first, second = (plugin.parse(half) for half in halves)
    assert first.creators == [] and first.requests == []
    [creator] = second.creators
    body = fixture("user")["body"]
    assert creator.id == ANA and creator.handle == "ana-martech"
    assert creator.display_name == body["name"] and creator.bio == body["bio"]
    assert creator.followers == body["followers"] and creator.following == body["following"]
    assert creator.posts_count == body["public_repos"]
    assert creator.created_at is not None and creator.created_at.year == 2013
    assert creator.links == LINKS
    assert plugin._pairs == {}  # nothing left waiting


def test_a_seed_reads_its_social_accounts_in_a_chain():
    plugin = GitHub(PlatformSettings())  # no platforms.github section: seeds only
    [seed] = plugin.discover(Niche(name="s", keywords={"en": ["x"]},
                                   seeds={"github": ["ana-martech"]}))
    result = plugin.parse(response("user", "profile", context=seed.context))
    assert result.creators == []
    [follow] = result.requests
    assert follow.url == "https://api.github.com/users/ana-martech/social_accounts"
    [creator] = plugin.parse(response("social_accounts", "profile",
                                      context=follow.context)).creators
    assert creator.links == LINKS


def test_email_is_never_kept():
    assert fixture("user")["body"]["email"] == EMAIL
    plugin = platform()
    for context in ({}, pair_of(plugin)[1].context, {"chain": True}):
        result = plugin.parse(response("user", "profile", context=context))
        assert EMAIL not in result.model_dump_json()
        assert EMAIL not in json.dumps([repr(half) for half in plugin._pairs.values()])


def test_without_social_accounts_the_profile_is_final():
    plugin = platform(social_accounts=False)
    [user] = plugin.profile_requests([candidate()])  # no pair
    [creator] = plugin.parse(response("user", "profile", context=user.context)).creators
    assert creator.links == ["https://ana-martech.example", "https://x.com/ana_martech"]


def test_saved_responses_without_context():
    [creator] = platform().parse(response("user", "profile")).creators  # `scout parse`
    assert creator.links == ["https://ana-martech.example", "https://x.com/ana_martech"]
    assert platform().parse(response("social_accounts", "profile")).creators == []


def test_no_social_accounts_still_completes_the_pair():
    plugin = platform()
    social, user = pair_of(plugin)
    plugin.parse(response("user", "profile", context=user.context))
    [creator] = plugin.parse(response("social_accounts_empty", "profile",
                                      context=social.context)).creators
    assert creator.links == ["https://ana-martech.example", "https://x.com/ana_martech"]


def test_minimal_user_keeps_unknowns_unknown():
    [creator] = platform(social_accounts=False).parse(response("user_minimal", "profile")).creators
    assert creator.display_name is None and creator.bio is None and creator.links == []
    assert creator.followers == 0  # a real zero


@pytest.mark.parametrize(("name", "reason"), [
    ("user_organization", "type: Organization"), ("user_bot", "type: Bot"),
    ("user_noindex", "bio: #noindex"),
])
def test_accounts_that_are_not_kept(name, reason):
    result = platform().parse(response(name, "profile"))
    assert result.creators == [] and result.requests == []
    assert [s.reason for s in result.skipped] == [reason]


def test_repositories_are_posts_and_forks_are_skipped():
    page = response("repos_page1", "posts", creator_id=ANA, context={"seen": 0})
    result = platform().parse(page)
    body = {r["id"]: r for r in fixture("repos_page1")["body"]}
    assert len(result.posts) == 2  # the fork is someone else's work
    for post in result.posts:
        repo = body[int(post.native_id)]
        assert not repo["fork"]
        assert post.likes == repo["stargazers_count"]
        assert post.reposts == repo["forks_count"]
        assert post.replies == repo["open_issues_count"]
        assert post.views is None and post.language is None
        assert post.hashtags[: len(repo["topics"])] == repo["topics"]
        assert post.hashtags[-1] == repo["language"].lower()
        assert post.created_at is not None
    assert result.posts[0].links == ["https://ana-martech.example/abm"]
    assert result.posts[1].links == []  # homepage ""
    [follow] = result.requests
    assert follow.url.startswith("https://api.github.com/user/4518203/repos?")
    assert follow.context["seen"] == 2 and follow.creator_id == ANA


def test_pagination_links_in_the_numeric_form_are_parsed():
    page = response("repos_last", "posts", creator_id=ANA, context={"seen": 38})
    result = platform().parse(page)
    assert len(result.posts) == 1 and result.requests == []
    post = result.posts[0]
    assert post.hashtags == [] and post.text == "dotfiles"


def test_max_posts_stops_reading():
    page = response("repos_page1", "posts", creator_id=ANA, context={"seen": 0})
    result = platform(max_posts=1).parse(page)
    assert len(result.posts) == 1 and result.requests == []


def test_malformed_repositories_are_counted_and_repaired():
    page = response("repos_malformed", "posts", creator_id=ANA)
    result = platform().parse(page)
    assert result.malformed == 2  # no id; not an object
    assert result.repaired == 2  # stars "n/a"; created_at "yesterday"
    assert [p.likes for p in result.posts] == [12, None]


@pytest.mark.parametrize(("name", "kind"), [
    ("error_403_rate_limit", "rate_limited"), ("error_403_secondary", "rate_limited"),
    ("error_429_secondary", "rate_limited"), ("error_403_blocked", "blocked"),
    ("error_404", "gone"), ("error_422_search", "server_error"),
])
def test_refusals(name, kind):
    refusal = platform().refusal(response(name))
    assert refusal is not None and refusal.kind == kind


def test_how_long_each_rate_limit_says_to_wait():
    primary = platform().rate_limit(response("error_403_rate_limit"))
    assert primary is not None and primary.remaining == 0 and primary.retry_after is None
    assert primary.reset_at is not None and primary.reset_at.timestamp() == 1795993812
    secondary = platform().rate_limit(response("error_403_secondary"))
    assert secondary is not None and secondary.retry_after == 60
    silent = platform().rate_limit(response("error_429_secondary"))
    assert silent is not None and silent.retry_after == SECONDARY_WAIT
    blocked = platform().rate_limit(response("error_403_blocked"))
    assert blocked is not None and blocked.retry_after is None
    ok = platform().rate_limit(response("user"))
    assert ok is not None and ok.limit == 5000 and ok.remaining == 4987


def refused(name, request):
    data = response(name, "profile", context=request.context)
    return data.model_copy(update={"url": request.url})


def test_refused_social_accounts_keep_the_profile():
    plugin = platform()
    social, user = pair_of(plugin)
    plugin.parse(response("user", "profile", context=user.context))
    answer = refused("error_429_secondary", social)
    recovery = plugin.on_refusal(answer, plugin.refusal(answer))
    assert recovery is not None and [c.id for c in recovery.creators] == [ANA]
    social, user = pair_of(plugin)  # the other order
    answer = refused("error_403_blocked", social)
    assert plugin.on_refusal(answer, plugin.refusal(answer)).creators == []
    [creator] = plugin.parse(response("user", "profile", context=user.context)).creators
    assert creator.links == ["https://ana-martech.example", "https://x.com/ana_martech"]
    assert plugin._pairs == {}


def test_a_gone_profile_drops_its_social_accounts():
    plugin = platform()
    social, user = pair_of(plugin)
    answer = refused("error_404", user)
    assert plugin.on_refusal(answer, plugin.refusal(answer)) is None  # recorded as gone
    late = plugin.parse(response("social_accounts", "profile", context=social.context))
    assert late.creators == [] and plugin._pairs == {}


def test_an_opted_out_profile_drops_its_social_accounts():
    plugin = platform()
    social, user = pair_of(plugin)
    early = plugin.parse(response("social_accounts", "profile", context=social.context))
    skipped = plugin.parse(response("user_noindex", "profile", context=user.context))
    assert early.creators == skipped.creators == [] and plugin._pairs == {}
    assert [s.reason for s in skipped.skipped] == ["bio: #noindex"]


def test_github_is_only_for_niches_that_ask_for_it(caplog):
    plain = GitHub(PlatformSettings())
    with caplog.at_level(logging.INFO):
        assert list(plain.discover(niche())) == []
    assert "no platforms.github section" in caplog.text
    assert list(platform(enabled=False).discover(niche(github={"enabled": False}))) == []
    seeded = Niche(name="seeded", keywords={"en": ["x"]},
                   seeds={"github": ["https://github.com/ana-martech/"]})
    [seed] = plain.discover(seeded)
    assert seed.url == "https://api.github.com/users/ana-martech" and seed.purpose == "profile"


def test_discovery_requests(caplog):
    with caplog.at_level(logging.WARNING):
        requests = list(platform().discover(niche()))
    assert "no token set (CREATORSCOUT_GITHUB_TOKEN or GITHUB_TOKEN)" in caplog.text
    urls = [r.url for r in requests]
    topics = [u for u in urls if "/search/repositories" in u]
    assert [u.split("q=")[1].split("&")[0] for u in topics] == [
        "topic%3Amartech", "topic%3Ab2bmarketing", "topic%3Ademand-gen"]  # ღვინო: no topic
    users = [u for u in urls if "/search/users" in u]
    assert "q=%22marketing+automation%22+in%3Alogin+in%3Aname+type%3Auser" in users[1]
    assert all(r.context["instance"] == SEARCH_SLOT for r in requests)
    headers = requests[0].headers
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Authorization" not in headers


def test_token_from_the_environment(monkeypatch, caplog):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_exampletoken0123456789")
    plugin = platform()
    with caplog.at_level(logging.DEBUG):
        requests = list(plugin.discover(niche()))
        social, user = plugin.profile_requests([candidate()])
        plugin.parse(response("user", "profile", context=user.context))
        result = plugin.parse(response("social_accounts", "profile", context=social.context))
    assert requests[0].headers["Authorization"] == "Bearer ghp_exampletoken0123456789"
    assert user.headers["Authorization"] == social.headers["Authorization"]
    assert "ghp_exampletoken" not in caplog.text
    assert "ghp_exampletoken" not in result.model_dump_json()
    assert "ghp_exampletoken" not in json.dumps([user.context, social.context])
    monkeypatch.setenv("CREATORSCOUT_GITHUB_TOKEN", "ghp_preferred")
    assert platform()._headers()["Authorization"] == "Bearer ghp_preferred"


@pytest.mark.parametrize(("options", "where"), [
    ({"search_in": ["bio"]}, "platforms.github.search_in.0"),
    ({"page_size": 0}, "platforms.github.page_size"),
    ({"topic": ["x"]}, "platforms.github.topic"),
])
def test_bad_options_are_one_line_errors(options, where):
    with pytest.raises(ValueError) as error:
        platform(**options)
    assert str(error.value).startswith(where) and "\n" not in str(error.value)


def test_scout_parse_recognises_github_urls_without_context():
    data = fixture("repos_last")
    lines = [json.loads(line) for line in parse_saved_response(
        FIXTURES / "repos_last.json", data["url"], None)]
    assert [line["creator_id"] for line in lines if line["type"] == "post"] == [ANA]
    refused = [json.loads(line) for line in parse_saved_response(
        FIXTURES / "error_403_rate_limit.json", fixture("error_403_rate_limit")["url"], None)]
    assert refused[0]["type"] == "refusal" and refused[0]["kind"] == "rate_limited"
