"""Bluesky rich-text facets (UTF-8 byte offsets) and identifiers."""

from __future__ import annotations

import pytest

from creatorscout.plugins.bluesky.facets import byte_slice, parse_facets
from creatorscout.plugins.bluesky.identity import (
    actor_from_link,
    actor_from_seed,
    own_domain,
    parse_at_uri,
    post_url,
    profile_url,
)

DID_A = "did:plc:4fkpqe6ldqkrw3hcsywtqwlv"
DID_B = "did:plc:ugb7ml4dr4ys5ouqfakfkd6y"


def facet(text: str, shown: str, feature: dict, occurrence: int = 0) -> dict:
    """A facet over the ``occurrence``-th ``shown`` in ``text``, offsets in UTF-8 bytes,
    computed the way a client must: from the encoded text."""
    start_char = -1
    for _ in range(occurrence + 1):
        start_char = text.index(shown, start_char + 1)
    start = len(text[:start_char].encode("utf-8"))
    end = start + len(shown.encode("utf-8"))
    return {"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": end},
            "features": [feature]}


def mention(did: str) -> dict:
    return {"$type": "app.bsky.richtext.facet#mention", "did": did}


@pytest.mark.parametrize("prefix", [
    "🥣 ",                      # 4-byte emoji
    "מרק עדשים ",               # Hebrew: 2 bytes a letter
    "ქვევრი 🍷 ",               # Georgian: 3 bytes a letter
    "👩‍🍳 ",                     # ZWJ sequence: 11 bytes, 3 code points
    "شوربة عدس 🍋 ",            # Arabic and an emoji
    "",
])
def test_mention_after_multibyte_text_is_sliced_in_bytes(prefix):
    text = f"{prefix}cooking with @lena-kocht.bsky.social tonight"
    found = parse_facets(text, [facet(text, "@lena-kocht.bsky.social", mention(DID_B))])
    assert found.bad == 0
    assert [(m.did, m.handle) for m in found.mentions] == [(DID_B, "lena-kocht.bsky.social")]
    # character offsets would be wrong as soon as the prefix is not ASCII
    start = len(text[: text.index("@")].encode("utf-8"))
    assert byte_slice(text, start, start + 23) == "@lena-kocht.bsky.social"
    if prefix and not prefix.isascii():
        chars = text.index("@")
        assert byte_slice(text, chars, chars + 23) != "@lena-kocht.bsky.social"


def test_links_use_the_facet_uri_not_the_shortened_text():
    full = "https://maya-greens.example/recipes/red-lentil-soup-with-lemon?utm_source=bsky"
    text = "Recipe: maya-greens.example/recipes/red-l... #vegan #PlantBased"
    facets = [
        facet(text, "maya-greens.example/recipes/red-l...",
              {"$type": "app.bsky.richtext.facet#link", "uri": full}),
        facet(text, "#vegan", {"$type": "app.bsky.richtext.facet#tag", "tag": "vegan"}),
        facet(text, "#PlantBased", {"$type": "app.bsky.richtext.facet#tag", "tag": "PlantBased"}),
    ]
    found = parse_facets(text, facets)
    assert found.links == [full]
    assert found.tags == ["vegan", "plantbased"]
    assert found.bad == 0


def test_non_latin_tags_keep_their_script():
    text = "شوربة عدس 🍋 #نباتي"
    found = parse_facets(text, [facet(text, "#نباتي",
                                      {"$type": "app.bsky.richtext.facet#tag", "tag": "نباتي"})])
    assert found.tags == ["نباتي"]


@pytest.mark.parametrize(("start", "end"), [
    (7, 9),        # cuts the 4-byte chili emoji in two
    (400, 420),    # beyond the text
    (9, 3),        # reversed
    ("0", "5"),    # not integers
    (True, 5),     # booleans are not offsets
    (-1, 3),
])
def test_unusable_offsets_are_counted_but_the_feature_is_kept(start, end):
    text = "Tempeh 🌶️ Bowl"
    facets = [{"index": {"byteStart": start, "byteEnd": end}, "features": [mention(DID_A)]}]
    found = parse_facets(text, facets)
    assert found.bad == 1
    assert [(m.did, m.handle) for m in found.mentions] == [(DID_A, None)]


def test_unknown_and_broken_features():
    text = "hello @someone.example"
    facets = [
        {"index": {"byteStart": 0, "byteEnd": 5},
         "features": [{"$type": "blue.example.richtext#highlight", "color": "yellow"}]},
        {"index": {"byteStart": 6, "byteEnd": 22},
         "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "not a did"}]},
        {"index": {"byteStart": 0, "byteEnd": 5}, "features": "oops"},
        "not a facet",
    ]
    found = parse_facets(text, facets)
    assert found.mentions == [] and found.links == [] and found.tags == []
    assert found.bad == 3  # the bad DID, the features that are not a list, the string


def test_same_did_twice_is_one_mention_and_self_is_kept_for_the_caller():
    text = "@a.example and @a.example"
    facets = [facet(text, "@a.example", mention(DID_A)),
              facet(text, "@a.example", mention(DID_A), occurrence=1)]
    assert [m.did for m in parse_facets(text, facets).mentions] == [DID_A]


def test_no_facets():
    assert parse_facets("plain", None).bad == 0
    assert parse_facets("plain", {"not": "a list"}).bad == 1
    assert parse_facets(None, []).mentions == []


@pytest.mark.parametrize(("seed", "actor"), [
    ("@Maya-Greens.example", "maya-greens.example"),
    ("lena-kocht.bsky.social", "lena-kocht.bsky.social"),
    (DID_A, DID_A),
    ("did:web:maya-greens.example", "did:web:maya-greens.example"),
    ("https://bsky.app/profile/lena-kocht.bsky.social", "lena-kocht.bsky.social"),
    (f"https://bsky.app/profile/{DID_A}/post/3n2w3yf4r3s2b", DID_A),
    (f"at://{DID_A}/app.bsky.feed.post/3n2w3yf4r3s2b", DID_A),
    ("not a handle", None),
    ("https://example.com/somebody", None),
    ("localhost", None),
])
def test_seeds(seed, actor):
    assert actor_from_seed(seed) == actor


@pytest.mark.parametrize(("link", "actor"), [
    ("https://bsky.app/profile/lena-kocht.bsky.social", "lena-kocht.bsky.social"),
    (f"https://bsky.app/profile/{DID_A}", DID_A),
    ("https://lena-kocht.bsky.social", "lena-kocht.bsky.social"),
    ("https://lena-kocht.bsky.social/", "lena-kocht.bsky.social"),
    ("https://lena-kocht.bsky.social/some/page", None),
    ("https://maya-greens.example", None),  # might be a handle; only DNS could tell
    ("mailto:someone@bsky.social", None),
])
def test_bluesky_profiles_among_other_platforms_links(link, actor):
    assert actor_from_link(link) == actor


def test_domains_handles_prove():
    assert own_domain("Maya-Greens.example") == "maya-greens.example"
    assert own_domain("lena-kocht.bsky.social") is None
    assert own_domain("handle.invalid") is None
    assert own_domain(None) is None


def test_uris_and_urls():
    uri = f"at://{DID_A}/app.bsky.feed.post/3n2w3yf4r3s2b"
    assert parse_at_uri(uri) == (DID_A, "app.bsky.feed.post", "3n2w3yf4r3s2b")
    assert post_url(uri) == f"https://bsky.app/profile/{DID_A}/post/3n2w3yf4r3s2b"
    assert post_url(f"at://{DID_A}/app.bsky.feed.repost/3n2w3yf4r3s2b") is None
    assert parse_at_uri("https://bsky.app") is None
    assert profile_url(DID_A, "handle.invalid") == f"https://bsky.app/profile/{DID_A}"
    assert profile_url(DID_A, "maya.example") == "https://bsky.app/profile/maya.example"
