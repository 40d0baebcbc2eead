"""The Bluesky plugin against responses shaped as the AppView lexicons describe them
(tests/fixtures/bluesky, see its README for the source of every file)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from creatorscout.config.schema import Niche
from creatorscout.plugins.bluesky import Bluesky
from creatorscout.plugins.bluesky.session import ENV_HANDLE, ENV_PASSWORD
from creatorscout.plugins.models import Creator, CreatorRef, Provenance
from creatorscout.plugins.platform import (
    Candidate,
    FetchResponse,
    MalformedResponse,
    PlatformSettings,
)
from creatorscout.testing.saved import Saved, load_saved

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
NICHE = Niche(name="vegan-test", languages=["en"], keywords={"en": ["vegan", "tofu"]},
              hashtags=["vegan", "plantbased"])


def saved(name: str) -> Saved:
    return load_saved(FIXTURES / f"{name}.json")


def platform(**settings: Any) -> Bluesky:
    options = settings.pop("options", {})
    return Bluesky(PlatformSettings(options=options, **settings))


def parse(name: str, plugin: Bluesky | None = None, **request: Any):
    item = saved(name)
    if request:
        item = item.model_copy(update={"request": item.request.model_copy(update=request)})
    return (plugin or platform()).parse(item.response("bluesky"))


def query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


def did_of(name: str, handle: str) -> str:
    for item in saved(name).body.get("actors") or saved(name).body.get("profiles"):
        if item["handle"] == handle:
            return item["did"]
    raise KeyError(handle)


MAYA = did_of("profiles_batch", "maya-greens.example")
LENA = did_of("profiles_batch", "lena-kocht.bsky.social")
QUIET = did_of("search_actors_page1", "quiet-cook.bsky.social")


# -- profiles ---------------------------------------------------------------------------------


def test_profiles_are_creators_with_their_counts_and_links():
    result = parse("profiles_batch", purpose="profile")
    maya, lena = result.creators
    body = saved("profiles_batch").body["profiles"][0]
    assert maya.id == f"bluesky:{MAYA}" and maya.native_id == MAYA
    assert maya.handle == "maya-greens.example"
    assert maya.followers == body["followersCount"] and maya.following == body["followsCount"]
    assert maya.posts_count == body["postsCount"]
    assert maya.profile_url == "https://bsky.app/profile/maya-greens.example"
    assert maya.created_at is not None and maya.created_at.tzinfo is not None
    # the link in the description and the website field, each once
    assert maya.links == ["https://maya-greens.example/recipes", "https://maya-greens.example"]
    # a custom-domain handle proves control of the domain; bsky.social does not
    assert maya.verified_links == ["https://maya-greens.example"]
    assert lena.verified_links == [] and lena.links == []
    assert "#VeganKochen" in (lena.bio or "")
    assert not maya.flags.opted_out and maya.provenance.source_url == saved("profiles_batch").url


def test_an_actor_missing_from_a_batch_is_asked_for_alone():
    item = saved("profiles_batch")
    asked = [v for k, v in query(item.url) if k == "actors"]
    result = parse("profiles_batch", purpose="profile", context={"via": "search:vegan"})
    [follow] = result.requests
    assert follow.purpose == "profile"
    assert "/xrpc/app.bsky.actor.getProfile?" in follow.url
    assert query(follow.url) == [("actor", asked[2])]
    assert follow.creator_id == f"bluesky:{asked[2]}"  # so a refusal counts as gone
    assert follow.context["via"] == "search:vegan"
    # the handle that was asked for matched its profile: no follow-up for it
    assert all(asked[1] not in r.url for r in result.requests)


def test_single_profiles_have_no_follow_ups():
    result = parse("profile_minimal", purpose="profile")
    [creator] = result.creators
    assert result.requests == []
    assert creator.followers is None and creator.following is None
    assert creator.posts_count is None and creator.display_name is None
    assert creator.bio is None and creator.created_at is None


def test_logged_out_visibility_off_is_an_opt_out():
    [creator] = parse("profile_labelled", purpose="profile").creators
    assert creator.flags.opted_out
    assert creator.flags.opt_out_reason == "label: !no-unauthenticated"


def test_a_negated_label_is_withdrawn():
    body = dict(saved("profile_labelled").body)
    label = dict(body["labels"][0])
    body["labels"] = [label, {**label, "neg": True, "cts": "2026-11-01T00:00:00.000Z"}]
    item = saved("profile_labelled")
    [creator] = platform().parse(item.response("bluesky", body=body)).creators
    assert not creator.flags.opted_out


def test_counts_sent_as_strings_or_garbage():
    item = saved("profile_minimal")
    body = {**item.body, "followersCount": "1,204", "followsCount": "n/a", "postsCount": 7}
    result = platform().parse(item.response("bluesky", body=body))
    [creator] = result.creators
    assert (creator.followers, creator.following, creator.posts_count) == (1204, None, 7)
    assert result.repaired == 1


def test_whole_bodies_that_are_not_what_the_method_sends():
    item = saved("profiles_batch")
    for body in ("<html>oops</html>", None, [], {"profile": []}):
        with pytest.raises(MalformedResponse):
            platform().parse(item.response("bluesky", body=body))


# -- search ------------------------------------------------------------------------------------


def test_search_results_are_candidates_and_the_labelled_are_skipped():
    result = parse("search_actors_page1", context={"via": "search:vegan", "page": 1})
    refs = [c.ref for c in result.candidates]
    assert result.creators == []  # profileView has no counts: profiles are fetched later
    assert [s.reason for s in result.skipped] == ["label: !no-unauthenticated"]
    assert result.skipped[0].key == f"bluesky:{QUIET}"
    assert f"bluesky:{QUIET}" not in {r.id for r in refs}
    assert all(c.via == "search:vegan" and c.depth == 0 for c in result.candidates)
    invalid = next(r for r in refs if r.url and r.native_id and r.handle == r.native_id)
    assert invalid.handle.startswith("did:plc:")  # 'handle.invalid' is not a handle to keep


def test_search_pages_follow_the_cursor_up_to_the_discovery_pages():
    first = parse("search_actors_page1", context={"via": "search:vegan", "page": 1})
    [follow] = first.requests
    assert dict(query(follow.url)) == {"q": "vegan", "limit": "25", "cursor": "25"}
    assert follow.context == {"via": "search:vegan", "page": 2}
    capped = parse("search_actors_page1", platform(discovery_pages=1),
                   context={"via": "search:vegan", "page": 1})
    assert capped.requests == []
    for last in ("search_actors_last", "search_actors_empty"):
        assert parse(last, context={"page": 2}).requests == []


def test_post_search_yields_authors_once_and_keeps_the_session_header():
    item = saved("search_posts")
    item = item.model_copy(update={"request": item.request.model_copy(
        update={"context": {"via": "post-search:#vegan", "page": 1}})})
    response = item.response("bluesky")
    response.request.headers["Authorization"] = "Bearer jwt-for-the-test"
    result = platform().parse(response)
    assert len(result.candidates) == 1  # two posts by one author, one labelled author
    assert [s.reason for s in result.skipped] == ["label: !no-unauthenticated"]
    [follow] = result.requests
    assert follow.headers == {"Authorization": "Bearer jwt-for-the-test"}
    assert "jwt" not in follow.url and "jwt" not in str(follow.context)
    assert follow.url.startswith("https://morel.us-east.host.bsky.network/xrpc/")


# -- author feeds ------------------------------------------------------------------------------


def feed(name: str = "author_feed_page1", plugin: Bluesky | None = None, **context: Any):
    item = saved(name)
    merged = {**item.request.context, **context}
    return parse(name, plugin, context=merged)


def test_feed_posts_reposts_skipped_replies_flagged():
    result = feed()
    body = saved("author_feed_page1").body["feed"]
    own = [i["post"] for i in body if "reason" not in i]
    assert [p.native_id for p in result.posts] == [p["uri"] for p in own]
    assert all(p.creator_id == f"bluesky:{MAYA}" for p in result.posts)
    assert not any(p.is_repost for p in result.posts)
    replies = [p for p in result.posts if p.is_reply]
    assert len(replies) == 1
    first = result.posts[0]
    assert (first.likes, first.replies, first.reposts, first.quotes) == (
        own[0]["likeCount"], own[0]["replyCount"], own[0]["repostCount"], own[0]["quoteCount"])
    assert first.url == f"https://bsky.app/profile/{MAYA}/post/" + own[0]["uri"].rsplit("/", 1)[1]
    assert first.created_at is not None and first.created_at.tzinfo is not None
    assert first.views is None


def test_a_repost_of_ones_own_post_is_not_a_second_post():
    item = saved("author_feed_page1")
    body = item.body
    repost = next(i for i in body["feed"] if "reason" in i)
    own = body["feed"][0]["post"]
    body = {**body, "feed": [*body["feed"], {"post": own, "reason": repost["reason"]}]}
    result = platform().parse(item.response("bluesky", body=body))
    assert [p.native_id for p in result.posts].count(own["uri"]) == 1


def test_feed_mentions_links_tags_and_languages():
    posts = feed().posts
    soup, reply, arabic, georgian, chickpeas = posts
    assert [(m.native_id, m.handle) for m in soup.mentions] == [(LENA, "lena-kocht.bsky.social")]
    assert soup.links == [
        "https://maya-greens.example/recipes/red-lentil-soup-with-lemon?utm_source=bsky"]
    assert soup.hashtags == ["vegan", "plantbased"]
    assert soup.language == "en" and soup.text.startswith("🥣 מרק עדשים")
    # a reply addresses the author of its parent, even without a mention facet
    assert [m.native_id for m in reply.mentions] == [LENA]
    assert arabic.hashtags == ["نباتي"] and arabic.language == "ar"
    assert [m.handle for m in georgian.mentions] == ["quiet-cook.bsky.social",
                                                     "tofu-tomas.bsky.social"]
    assert chickpeas.language == "pt"  # 'pt-BR' -> ISO 639-1


def test_feed_mentions_are_candidates_one_hop_deeper():
    result = feed(plugin=None)
    keys = [c.ref.key for c in result.candidates]
    assert len(keys) == len(set(keys)) == 3
    assert all(c.depth == 1 and c.via == "mention" for c in result.candidates)


def test_feed_pages_follow_the_cursor_and_count_posts():
    result = feed()
    [follow] = result.requests
    assert follow.purpose == "posts" and follow.creator_id == f"bluesky:{MAYA}"
    assert ("cursor", saved("author_feed_page1").body["cursor"]) in query(follow.url)
    assert follow.context["seen"] == 5
    later = feed("author_feed_page2")
    assert later.requests and later.requests[0].context["seen"] == 6
    assert feed("author_feed_end").requests == []


def test_feed_stops_at_max_posts():
    result = feed(plugin=platform(max_posts=2))
    assert len(result.posts) == 2 and result.requests == []


def test_feed_without_text():
    result = feed(keep_text=False)
    assert result.posts and all(p.text is None for p in result.posts)
    assert all(p.likes is not None for p in result.posts)


def test_feed_parsed_without_request_context_takes_the_author_from_the_url():
    item = saved("author_feed_page1")
    bare = Saved(url=item.url, body=item.body, headers=item.headers)
    result = platform().parse(bare.response("bluesky"))
    assert len(result.posts) == 5 and all(p.creator_id == f"bluesky:{MAYA}" for p in result.posts)


def test_damaged_feed_keeps_what_it_can():
    result = feed("author_feed_damaged")
    assert result.malformed == 1  # the post without a uri
    good, spoiled, unknown = result.posts
    assert good.hashtags == ["vegan"]
    assert spoiled.likes is None and spoiled.reposts == 17  # 'n/a' repaired, '17' parsed
    # the mention whose offsets cut an emoji still names its account, without a handle
    assert [(m.native_id, m.handle) for m in spoiled.mentions][0][1] is None
    assert spoiled.links == ["https://tempeh.example/bowl"]
    assert (unknown.likes, unknown.replies, unknown.reposts, unknown.quotes) == (None,) * 4
    assert unknown.hashtags == ["meal-prep", "vegan"] and unknown.language is None
    assert result.repaired >= 3  # 'n/a' and two facets with unusable offsets


def test_feed_items_of_someone_else_are_not_the_creators():
    item = saved("author_feed_page1")
    result = platform().parse(item.at(item.url, request=item.request.model_copy(
        update={"creator_id": "bluesky:did:plc:someoneelse0000000000000"})).response("bluesky"))
    assert result.posts == []


# -- follows -----------------------------------------------------------------------------------


def test_follows_are_filtered_by_the_niche_and_the_labelled_skipped():
    plugin = platform()
    list(plugin.discover(NICHE))  # the niche's words, for the follows filter
    result = parse("follows_page1", plugin)
    handles = [c.ref.handle for c in result.candidates]
    assert handles == ["lena-kocht.bsky.social", "tofu-tomas.bsky.social"]  # not the wine one
    assert all(c.depth == 1 and c.via == "follows:maya-greens.example"
               for c in result.candidates)
    assert [s.reason for s in result.skipped] == ["label: !no-unauthenticated"]
    [follow] = result.requests
    assert follow.purpose == "graph" and follow.context["read"] == 4


def test_follows_are_bounded():
    plugin = platform(options={"follows_limit": 2, "follows_niche_filter": False})
    result = parse("follows_page1", plugin)
    assert len(result.candidates) + len(result.skipped) == 2 and result.requests == []
    assert parse("follows_end").requests == []


# -- requests ----------------------------------------------------------------------------------


def test_discovery_requests(monkeypatch, caplog):
    monkeypatch.delenv(ENV_HANDLE, raising=False)
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    seeds = [f"user{i}.bsky.social" for i in range(30)] + ["@User0.bsky.social", "not a seed!"]
    niche = NICHE.model_copy(update={"seeds": {"bluesky": seeds}})
    with caplog.at_level(logging.WARNING):
        requests = list(platform().discover(niche))
    searches = [r for r in requests if "searchActors" in r.url]
    assert [dict(query(r.url)) for r in searches] == [
        {"q": "vegan", "limit": "25"}, {"q": "tofu", "limit": "25"}]
    profiles = [r for r in requests if "getProfiles" in r.url]
    assert [len(query(r.url)) for r in profiles] == [25, 5]  # batches of 25, duplicates out
    assert all(r.purpose == "profile" and r.context["via"] == "seed" for r in profiles)
    assert not any("searchPosts" in r.url for r in requests)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("post search is off" in m and ENV_PASSWORD in m for m in messages) == 1
    assert sum("'not a seed!'" in m for m in messages) == 1


def test_post_search_can_be_turned_off_quietly(monkeypatch, caplog):
    monkeypatch.delenv(ENV_PASSWORD, raising=False)
    with caplog.at_level(logging.WARNING):
        list(platform(options={"search_posts": False, "search_terms": ["tempeh"]})
             .discover(NICHE))
    assert caplog.records == []


def test_profile_requests_batch_by_depth():
    refs = [CreatorRef(platform="bluesky", native_id=f"did:plc:{i:024d}") for i in range(3)]
    refs.append(CreatorRef(platform="bluesky", handle="seed.bsky.social"))
    candidates = [Candidate(ref=r, depth=0 if i < 2 else 1, via="x") for i, r in enumerate(refs)]
    requests = list(platform().profile_requests(candidates))
    assert [r.depth for r in requests] == [0, 1]
    assert [v for _, v in query(requests[1].url)] == [refs[2].native_id, "seed.bsky.social"]


def creator(**fields: Any) -> Creator:
    return Creator(platform="bluesky", native_id=MAYA, handle="maya-greens.example",
                   provenance=Provenance(platform="bluesky", plugin="t", plugin_version="0"),
                   **fields)


def test_posts_and_follows_requests():
    plugin = platform(max_posts=30, snowball_depth=1)
    feed_request, follows = plugin.posts_requests(creator(), depth=0)
    assert feed_request.purpose == "posts" and follows.purpose == "graph"
    assert dict(query(feed_request.url)) == {
        "actor": MAYA, "limit": "30", "filter": "posts_with_replies"}
    assert dict(query(follows.url)) == {"actor": MAYA, "limit": "50"}
    assert len(list(plugin.posts_requests(creator(), depth=1))) == 1  # no deeper snowball
    quiet = platform(options={"follows_limit": 0, "author_feed_filter": "posts_no_replies"})
    [only] = quiet.posts_requests(creator())
    assert ("filter", "posts_no_replies") in query(only.url)


def test_bluesky_links_of_other_platforms_creators():
    other = Creator(
        platform="mastodon", native_id="maya@vegan.social", handle="maya@vegan.social",
        links=["https://maya-greens.example", "https://bsky.app/profile/maya-greens.example",
               "https://lena-kocht.bsky.social"],
        provenance=Provenance(platform="mastodon", plugin="t", plugin_version="0"),
    )
    found = platform().candidates_from_links(other, depth=1)
    assert [(c.ref.handle, c.depth) for c in found] == [
        ("maya-greens.example", 1), ("lena-kocht.bsky.social", 1)]
    assert platform().candidates_from_links(creator(links=other.links), depth=1) == []


def test_urls_the_plugin_reads():
    plugin = platform()
    assert all(plugin.owns_url(saved(n).url) for n in
               ("author_feed_page1", "search_posts", "follows_page1", "profiles_batch"))
    assert not plugin.owns_url("https://public.api.bsky.app/xrpc/app.bsky.feed.getTimeline")
    assert not plugin.owns_url("https://mastodon.social/api/v1/accounts/1")


# -- refusals and rate limits ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), [
    ("error_account_deactivated", "gone"),
    ("error_account_takedown", "gone"),
    ("error_profile_not_found", "gone"),
    ("error_blocked_by_actor", "blocked"),
    ("error_expired_token", "login_required"),
    ("error_search_posts_403", "login_required"),
    ("error_429", "rate_limited"),
    ("error_502", "server_error"),
    ("error_bad_limit", "server_error"),
])
def test_refusals(name, kind):
    item = saved(name)
    refusal = platform().refusal(item.response("bluesky"))
    assert refusal is not None and refusal.kind == kind
    if item.is_json():
        assert refusal.message.startswith(item.body["error"])


def test_a_403_elsewhere_is_a_block():
    item = Saved(url=saved("profiles_batch").url, status=403, body={"error": "Forbidden"})
    assert platform().refusal(item.response("bluesky")).kind == "blocked"
    assert platform().refusal(saved("profiles_batch").response("bluesky")) is None


def test_rate_limit_headers():
    item = saved("error_429")
    info = platform().rate_limit(item.response("bluesky"))
    assert info is not None and info.remaining == 0 and info.limit == 3000
    assert int(info.reset_at.timestamp()) == int(item.header("ratelimit-reset"))
    # only a policy: its window bounds the reset
    response = FetchResponse(url=item.url, status=200, request=item.fetch_request("bluesky"),
                             headers={"ratelimit-remaining": "10", "ratelimit-policy": "100;w=60"})
    info = platform().rate_limit(response)
    assert info.remaining == 10 and info.reset_at is not None


def test_a_typo_in_the_niche_options_is_one_line():
    typo = r"^platforms\.bluesky\.folows_limit: unknown key; did you mean follows_limit\?"
    with pytest.raises(ValueError, match=typo):
        platform(options={"folows_limit": 3})
    with pytest.raises(ValueError, match=r"platforms\.bluesky\.auth_service: .*https://"):
        platform(options={"auth_service": "bsky.social"})
