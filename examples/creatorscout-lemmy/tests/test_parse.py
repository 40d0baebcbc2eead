"""What the Lemmy plugin makes of saved v3 API responses."""

from pathlib import Path

from creatorscout.plugins import PlatformSettings
from creatorscout.testing import fetch, load_folder, load_saved

from creatorscout_lemmy import Lemmy

FIXTURES = Path(__file__).parent / "fixtures" / "lemmy"


def parse(name: str, platform: Lemmy | None = None):
    saved = load_saved(FIXTURES / f"{name}.json")
    return (platform or Lemmy()).parse(saved.response("lemmy"))


def test_search_turns_post_authors_into_candidates():
    result = parse("search_posts")
    assert [c.ref.id for c in result.candidates] == [
        "lemmy:alice_greens@lemmy.world", "lemmy:bob_kocht@feddit.de"]
    assert [(s.key, s.reason) for s in result.skipped] == [
        ("lemmy:recipe_mirror@lemmy.world", "bot_account: true")]
    assert result.candidates[1].ref.lookup == {
        "instance": "lemmy.world", "username": "bob_kocht", "domain": "feddit.de"}


def test_profile_has_posts_count_and_no_followers():
    [creator] = parse("user_alice_profile").creators
    assert creator.posts_count == 214
    assert creator.followers is None  # Lemmy people have no followers: unknown, never 0
    assert creator.links == ["https://alicegreens.example/book"]


def test_posts_read_counts_language_and_community():
    result = parse("user_alice_posts_page1")
    assert len(result.posts) == 20
    first = result.posts[0]
    assert (first.likes, first.replies, first.reposts, first.views) == (400, 30, None, None)
    assert first.language == "en" and first.hashtags == ["vegan"]
    assert result.posts[5].likes == 183  # counts sent as strings are parsed
    assert result.requests[0].url.endswith("page=2")


def test_rate_limit_in_a_400_is_reported_as_rate_limited():
    saved = load_saved(FIXTURES / "error_400_rate_limit.json")
    refusal = Lemmy().refusal(saved.response("lemmy"))
    assert refusal is not None and (refusal.kind, refusal.status) == ("rate_limited", 400)


def test_reads_through_a_replay_server(replay_server):
    server = replay_server(load_folder(FIXTURES))
    lemmy = Lemmy(PlatformSettings(base_url=server.base_url(Lemmy.default_base_url)))
    [request] = lemmy.posts_requests(parse("user_alice_profile").creators[0])
    response = fetch(request)
    assert response.status == 200
    assert len(lemmy.parse(response).posts) == 20
