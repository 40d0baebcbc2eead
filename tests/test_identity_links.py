"""Link keys: the spellings of one profile or page meet, different ones never do."""

from __future__ import annotations

import pytest

from creatorscout.scoring.links import address_key, link_key, self_keys
from tests.factories import make_creator


@pytest.mark.parametrize(
    "spellings",
    [
        # scheme, host case, www., trailing slashes, default ports, index files
        ["https://lena.example", "http://lena.example/", "HTTPS://WWW.Lena.Example//",
         "https://lena.example:443", "http://lena.example:80/index.html"],
        # tracking parameters and fragments are not part of a page
        ["https://links.example/lena", "https://links.example/lena/?utm_source=bsky#top",
         "https://links.example/lena?fbclid=abc"],
        # Mastodon profile forms, case-insensitive user, a remote view of the account
        ["https://vegan.social/@Lena", "https://vegan.social/@lena/", "https://vegan.social/users/lena",
         "https://vegan.social/@lena/with_replies", "https://mastodon.social/@lena@vegan.social",
         "@lena@vegan.social", "acct:Lena@Vegan.Social"],
        # PeerTube channels and accounts
        ["https://tube.example/c/lena_channel", "https://tube.example/video-channels/lena_channel/videos",
         "https://tube.example/@lena_channel"],
        # Bluesky: the app's profile URL, the handle's own URL on bsky.social, an at:// URI
        ["https://bsky.app/profile/Lena.bsky.social", "https://lena.bsky.social/",
         "at://lena.bsky.social"],
        ["https://bsky.app/profile/did:plc:abc123", "at://did:plc:abc123/app.bsky.feed.post/3k"],
        # GitHub logins are case-insensitive; the sponsors page names the same account
        ["https://github.com/Lena-Dev", "https://www.github.com/lena-dev/", "https://github.com/sponsors/lena-dev"],
        ["https://podcasts.apple.com/us/podcast/lenas-kitchen/id1234567",
         "https://podcasts.apple.com/de/podcast/id1234567?i=1000"],
    ],
)
def test_spellings_of_one_thing_share_a_key(spellings: list[str]) -> None:
    keys = {link_key(s) for s in spellings}
    assert len(keys) == 1 and None not in keys, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # a path on a shared host is not the host, nor another path
        ("https://links.example/lena", "https://links.example"),
        ("https://links.example/lena", "https://links.example/ben"),
        # a subdomain is another site (shared hosting makes parent domains unsafe)
        ("https://blog.lena.example", "https://lena.example"),
        # same username on two servers: two people
        ("https://vegan.social/@lena", "https://mastodon.social/@lena"),
        # a status is not its author's profile
        ("https://vegan.social/@lena/1234567", "https://vegan.social/@lena"),
        # a repository is not its owner
        ("https://github.com/lena/cookbook", "https://github.com/lena"),
        # a custom-domain handle's URL is the site; the account is bsky:
        ("https://lena.example", "https://bsky.app/profile/lena.example"),
        # a non-default port is another server (the sandbox)
        ("http://127.0.0.1:8123/web/lena.example", "http://127.0.0.1:8124/web/lena.example"),
        # path case is kept outside known profile forms (shorteners are case-sensitive)
        ("https://sho.rt/AbC", "https://sho.rt/abc"),
        # meaningful query parameters are kept
        ("https://example.org/profile?id=1", "https://example.org/profile?id=2"),
    ],
)
def test_different_things_have_different_keys(a: str, b: str) -> None:
    assert link_key(a) != link_key(b)


@pytest.mark.parametrize(
    "link", ["", "mailto:lena@lena.example", "tel:+491234", "javascript:alert(1)",
             "not a link", "https://", "http://[::1", "ftp://lena.example/"],
)
def test_links_without_a_key(link: str) -> None:
    assert link_key(link) is None


def test_key_forms() -> None:
    assert link_key("https://Lena.Example/Recipes/") == "web:lena.example/Recipes"
    assert link_key("https://vegan.social/@Lena") == "acct:lena@vegan.social"
    assert link_key("https://bsky.app/profile/Lena.example") == "bsky:lena.example"
    assert link_key("https://github.com/Lena") == "github:lena"
    assert link_key("https://xn--bcher-kva.example/") == link_key("https://bücher.example")
    assert address_key("lena@vegan.social") == "acct:lena@vegan.social"
    assert address_key("not an address") is None


def test_github_reserved_paths_are_not_users() -> None:
    for path in ("features", "topics", "orgs", "about", "login"):
        assert link_key(f"https://github.com/{path}") == f"web:github.com/{path}"


def test_self_keys_per_platform() -> None:
    mastodon = make_creator("lena@vegan.social", handle="lena@vegan.social",
                            profile_url="https://vegan.social/@lena")
    assert self_keys(mastodon) == {"acct:lena@vegan.social"}
    bluesky = make_creator("did:plc:abc", platform="bluesky", handle="Lena.example",
                           profile_url="https://bsky.app/profile/lena.example")
    assert self_keys(bluesky) == {"bsky:did:plc:abc", "bsky:lena.example"}
    invalid = make_creator("did:plc:xyz", platform="bluesky", handle="handle.invalid")
    assert self_keys(invalid) == {"bsky:did:plc:xyz"}
    github = make_creator("583231", platform="github", handle="Octo-Cat",
                          profile_url="https://github.com/Octo-Cat")
    assert self_keys(github) == {"github:octo-cat"}
    site = make_creator("https://lena.example/", platform="web", handle="lena.example",
                        profile_url="https://lena.example/")
    assert self_keys(site) == {"web:lena.example"}
    # a platform this module does not know: its profile URL only
    other = make_creator("42", platform="newplatform", handle="lena", profile_url=None)
    assert self_keys(other) == set()


def test_web_native_ids_are_pages() -> None:
    site = make_creator("lena.example/about", platform="web", handle="lena.example/about",
                        profile_url=None)
    assert self_keys(site) == {"web:lena.example/about"}
