"""The Mastodon plugin against responses shaped as the official docs describe them."""

from datetime import UTC, datetime

import pytest

from creatorscout.plugins.mastodon.entities import parse_account
from creatorscout.plugins.platform import MalformedResponse
from tests.mastodon_fixtures import fixture, platform, response


def account(name: str, instance: str = "vegan.social"):
    return parse_account(fixture(name)["body"], instance, platform().provenance("x"))


def test_full_account():
    creator = account("account_full")
    assert creator.id == "mastodon:maya_greens@vegan.social"
    assert creator.handle == "maya_greens@vegan.social"
    assert creator.lookup == {"instance": "vegan.social", "local_id": "109280320013902117",
                              "username": "maya_greens", "domain": "vegan.social"}
    assert isinstance(creator.followers, int) and creator.followers > 0
    assert creator.created_at is not None and creator.created_at.tzinfo is not None
    assert creator.created_at.time().hour == 0  # Mastodon sends midnight
    assert creator.last_post_at is not None
    assert "<" not in (creator.bio or "") and creator.bio
    assert creator.verified_links == ["https://mayagreens.kitchen"]
    assert "https://www.etsy.com/shop/MayaGreensPrints" in creator.links
    assert not creator.flags.opted_out and not creator.flags.no_post_text
    assert creator.provenance.plugin_version


def test_old_server_account_keeps_unknowns_unknown():
    body = fixture("account_old_server")["body"]
    assert body["discoverable"] is None and "indexable" not in body
    creator = account("account_old_server", "old.example")
    # discoverable: null means the creator never opted into discovery: not consent
    assert creator.flags.opted_out
    assert creator.flags.opt_out_reason == "discoverable: not set"
    assert creator.flags.no_post_text is False  # missing indexable is unknown, not false
    assert creator.last_post_at is None
    if body["display_name"] == "":
        assert creator.display_name is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [("account_bot", "bot: true"), ("account_not_discoverable", "discoverable: false"),
     ("account_noindex", "noindex: true"), ("account_suspended", "suspended")],
)
def test_opt_outs(name, reason):
    creator = account(name)
    assert creator.flags.opted_out
    assert creator.flags.opt_out_reason == reason


def test_not_indexable_keeps_profile_but_no_text():
    creator = account("account_not_indexable")
    assert not creator.flags.opted_out and creator.flags.no_post_text
    request = next(iter(platform().posts_requests(creator)))
    assert request.context["keep_text"] is False
    page = response("statuses_page1", "posts", creator_id=creator.id,
                    context={"instance": "vegan.social", "keep_text": False})
    result = platform().parse(page)
    assert result.posts and all(post.text is None for post in result.posts)
    assert all(post.likes is not None for post in result.posts)  # counts are kept


def test_moved_account():
    creator = account("account_moved")
    assert creator.flags.moved_to


@pytest.mark.parametrize(
    ("name", "script"),
    [("account_remote_rtl", ("\u0590", "\u05ff")), ("account_arabic", ("\u0600", "\u06ff")),
     ("account_georgian", ("\u10a0", "\u10ff"))],
)
def test_multilingual_accounts(name, script):
    body = fixture(name)["body"]
    creator = parse_account(body, "mastodon.social", platform().provenance("x"))
    low, high = script
    text = (creator.bio or "") + (creator.display_name or "")
    assert any(low <= ch <= high for ch in text)
    if "@" in body["acct"]:
        assert creator.native_id == body["acct"].lower()


def test_statuses_page_with_next_link():
    page = response("statuses_page1", "posts", creator_id="mastodon:maya_greens@vegan.social",
                    context={"instance": "vegan.social"})
    result = platform().parse(page)
    body = fixture("statuses_page1")["body"]
    assert len(result.posts) == len(body)
    by_id = {p.native_id: p for p in result.posts}
    for status in body:
        post = by_id[status["uri"]]
        assert post.likes == status["favourites_count"]
        assert post.reposts == status["reblogs_count"]
        assert post.replies == status["replies_count"]
        assert post.quotes == status.get("quotes_count")
        assert post.language == status["language"]
        assert post.is_reply == (status["in_reply_to_id"] is not None)
        assert post.hashtags == [t["name"].lower() for t in status["tags"]]
        assert len(post.mentions) == len(status["mentions"])
        assert post.created_at is not None and post.created_at.tzinfo == UTC
        if post.text:
            assert "<p>" not in post.text and "&amp;" not in post.text
    [follow] = result.requests
    assert "max_id=" in follow.url and follow.creator_id == page.request.creator_id
    assert follow.context["seen"] == len(body)
    # mentions of other creators become candidates one hop deeper
    assert all(c.depth == 1 and c.via == "mention" for c in result.candidates)
    assert any("he" == p.language for p in result.posts)


def test_mentions_get_canonical_ids():
    page = response("statuses_page1", "posts", creator_id="mastodon:maya_greens@vegan.social",
                    context={"instance": "vegan.social"})
    result = platform().parse(page)
    refs = [m for p in result.posts for m in p.mentions]
    assert refs
    for ref in refs:
        assert ref.native_id and "@" in ref.native_id
        assert ref.native_id == ref.native_id.lower()
        assert ref.lookup["instance"] == "vegan.social"


def test_last_page_has_no_next_request():
    page = response("statuses_page2_last", "posts", creator_id="mastodon:a@vegan.social",
                    context={"instance": "vegan.social", "seen": 6})
    result = platform().parse(page)
    assert result.posts and result.requests == []


def test_empty_page():
    page = response("statuses_empty", "posts", creator_id="mastodon:a@vegan.social",
                    context={"instance": "vegan.social"})
    result = platform().parse(page)
    assert result.posts == [] and result.requests == []


def test_max_posts_stops_pagination():
    from creatorscout.plugins.mastodon import Mastodon
    from creatorscout.plugins.platform import PlatformSettings

    small = Mastodon(PlatformSettings(max_posts=3))
    page = response("statuses_page1", "posts", creator_id="mastodon:a@vegan.social",
                    context={"instance": "vegan.social"})
    result = small.parse(page)
    assert len(result.posts) == 3 and result.requests == []


def test_reblogs_are_not_the_creators_posts():
    body = fixture("statuses_with_reblogs")["body"]
    page = response("statuses_with_reblogs", "posts", creator_id="mastodon:a@x",
                    context={"instance": "vegan.social"})
    result = platform().parse(page)
    originals = [s for s in body if s.get("reblog") is None]
    assert len(result.posts) == len(originals) < len(body)


def test_old_server_statuses_have_no_quotes_count():
    page = response("statuses_old_server", "posts", creator_id="mastodon:a@x",
                    context={"instance": "old.example"})
    result = platform().parse(page)
    assert result.posts and all(post.quotes is None for post in result.posts)


def test_malformed_statuses_are_counted_not_raised():
    page = response("statuses_malformed", "posts", creator_id="mastodon:a@x",
                    context={"instance": "vegan.social"})
    result = platform().parse(page)
    assert result.malformed == 1  # the status without an id
    assert len(result.posts) == len(fixture("statuses_malformed")["body"]) - 1
    likes = [p.likes for p in result.posts]
    assert 12 in likes  # "12" parsed
    assert None in likes  # "n/a" kept as unknown, never 0
    assert any(p.created_at is None for p in result.posts)
    assert result.repaired >= 2


def test_tag_timeline_discovers_authors_and_skips_opt_outs():
    page = response("tag_timeline", context={"instance": "mastodon.social", "via": "hashtag:vegan",
                                             "page": 1})
    result = platform().parse(page)
    skipped = {s.key: s.reason for s in result.skipped}
    assert skipped["mastodon:daily_lentil@mastodon.social"] == "bot: true"
    assert skipped["mastodon:quiet_carrot@fosstodon.org"] == "discoverable: false"
    authors = {c.ref.id: c for c in result.candidates if c.via == "hashtag:vegan"}
    local = authors["mastodon:plantpowerpaul@mastodon.social"]
    assert local.creator is not None and local.depth == 0  # local: numbers are authoritative
    remote = authors["mastodon:layla_cooks@mastodon.online"]
    assert remote.creator is None  # remote: looked up on its home server
    assert skipped["mastodon:noa@tooot.im"] == "discoverable: not set"
    [follow] = result.requests
    assert "max_id=" in follow.url and follow.context["page"] == 2


def test_tag_timeline_stops_after_discovery_pages():
    from creatorscout.plugins.mastodon import Mastodon
    from creatorscout.plugins.platform import PlatformSettings

    page = response("tag_timeline", context={"instance": "mastodon.social", "page": 3})
    assert Mastodon(PlatformSettings(discovery_pages=3)).parse(page).requests == []
    empty = response("tag_timeline_empty", context={"instance": "mastodon.social", "page": 1})
    assert platform().parse(empty).requests == []


def test_directory_candidates_must_match_the_niche():
    page = response("directory", context={"instance": "mastodon.social", "via": "directory"})
    result = platform().parse(page)
    assert result.candidates
    assert all(c.needs_niche_match for c in result.candidates)


def test_profile_endpoints_give_creators():
    for name in ("accounts_batch", "lookup", "account_full"):
        result = platform().parse(response(name, "profile"))
        assert result.creators or result.skipped, name
        assert not result.candidates


def test_search_accounts():
    result = platform().parse(response("search_accounts", context={"via": "search:vegan"}))
    assert result.candidates and all(c.via == "search:vegan" for c in result.candidates)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("error_404", "gone"), ("error_410", "gone"), ("error_429", "rate_limited"),
     ("error_401_timeline", "login_required"), ("error_422_timeline_auth", "login_required"),
     ("error_503_html", "server_error"), ("error_401_secure_mode", "login_required")],
)
def test_refusals_are_reported_not_empty(name, kind):
    refusal = platform().refusal(response(name))
    assert refusal is not None and refusal.kind == kind


def test_rate_limit_headers_of_a_429():
    info = platform().rate_limit(response("error_429"))
    assert info is not None and info.remaining == 0
    assert info.reset_at is not None and info.reset_at > datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["not_json", "not_json_mislabelled"])
def test_not_json_is_a_malformed_response(name):
    with pytest.raises(MalformedResponse):
        platform().parse(response(name))


def test_unknown_endpoint_is_malformed():
    from creatorscout.plugins.platform import FetchRequest, FetchResponse

    request = FetchRequest(url="https://m.example/api/v1/unknown", platform="mastodon",
                           purpose="discover")
    with pytest.raises(MalformedResponse):
        platform().parse(FetchResponse(url=request.url, status=200, body=b"[]", request=request))


def test_sandbox_style_base_url_instance_is_recovered():
    from creatorscout.plugins.mastodon import Mastodon
    from creatorscout.plugins.platform import PlatformSettings

    sandboxed = Mastodon(PlatformSettings(base_url="http://127.0.0.1:9/mastodon/{instance}"))
    url = "http://127.0.0.1:9/mastodon/vegan.social/api/v1/accounts/1/statuses"
    assert sandboxed.instance_of(url) == "vegan.social"
    assert platform().instance_of("https://fosstodon.org/api/v1/directory") == "fosstodon.org"


def test_account_search_reads_v1_arrays_and_v2_objects():
    v2 = platform().parse(response("search_accounts", context={"via": "search:vegan"}))
    v1 = platform().parse(response("search_accounts_v1", context={"via": "search:vegan"}))
    assert v1.malformed == 0 and v2.malformed == 0
    assert [c.ref.key for c in v1.candidates] == [c.ref.key for c in v2.candidates]
    assert v1.candidates and all(c.via == "search:vegan" for c in v1.candidates)
