"""The podcasts plugin against responses shaped as Apple's, Podcast Index's and the RSS
namespaces' documentation describe them (tests/fixtures/podcasts/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Provenance
from creatorscout.plugins.platform import (
    FetchRequest,
    FetchResponse,
    MalformedResponse,
    PlatformSettings,
)
from creatorscout.plugins.podcasts import Podcasts
from creatorscout.plugins.podcasts.directory import podcast_index_headers
from creatorscout.plugins.podcasts.show import cadence_days, feed_guid

FIXTURES = Path(__file__).parent / "fixtures" / "podcasts"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def platform(base_url: str | None = None, **options: Any) -> Podcasts:
    return Podcasts(PlatformSettings(base_url=base_url, options=options, max_posts=40))


def response(name: str, purpose: str = "discover", url: str | None = None, api: bool = True,
             **context: Any) -> FetchResponse:
    data = fixture(name)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    fetch = FetchRequest(url=url or data["url"], platform="podcasts", purpose=purpose,
                         api=api, context=context)
    headers = {k.lower(): str(v) for k, v in data["headers"].items()}
    return FetchResponse(url=url or data["url"], status=data["status"], headers=headers,
                         body=raw, request=fetch)


def test_feed_guid_follows_the_podcasting20_spec_examples():
    # docs/tags/guid.md: feed URL without scheme and trailing slashes, UUIDv5.
    assert feed_guid("https://mp3s.nashownotes.com/pc20rss.xml") == \
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert feed_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_itunes_search_gives_feed_candidates_and_skips_shows_without_a_feed():
    result = platform().parse(response("itunes_search"))
    assert [c.ref.lookup["itunes_id"] for c in result.candidates] == ["1567412345",
                                                                      "1498765432"]
    first = result.candidates[0].ref
    assert first.id == f"podcasts:{feed_guid('https://feeds.example/plant-kitchen.xml')}"
    assert first.handle == "feeds.example/plant-kitchen.xml"
    assert first.lookup["apple_url"].startswith("https://podcasts.apple.com/")
    assert first.lookup["track_count"] == "142"
    assert [s.reason for s in result.skipped] == ["no public feed"]
    assert not result.creators  # no audience numbers in a directory: the feed is the profile


def test_itunes_lookup_with_string_count_and_empty_search():
    result = platform().parse(response("itunes_lookup"))
    assert result.candidates[0].ref.lookup["track_count"] == "142"
    empty = platform().parse(response("itunes_empty"))
    assert empty.candidates == [] and empty.malformed == 0


@pytest.mark.parametrize(("name", "kind"), [("itunes_403_rate_limited", "blocked"),
                                            ("itunes_error_400", "server_error"),
                                            ("podcastindex_401", "login_required"),
                                            ("feed_gone_410", "gone")])
def test_refusals(name, kind):
    refusal = platform().refusal(response(name))
    assert refusal is not None and refusal.kind == kind


def test_podcast_index_feeds_dead_and_missing_fields():
    result = platform().parse(response("podcastindex_byterm"))
    refs = [c.ref for c in result.candidates]
    assert refs[0].native_id == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert refs[0].lookup["podcastindex_id"] == "920666"
    assert refs[1].native_id == feed_guid("https://podcast.example/linsen/feed.mp3")
    assert refs[1].lookup["track_count"] == "33"
    assert [s.reason for s in result.skipped] == ["dead feed"]
    assert result.malformed == 1


def test_podcast_index_signature(monkeypatch):
    # `echo -n KEYSECRET1700000000 | sha1sum`, as in the docs' shell example
    headers = podcast_index_headers("KEY", "SECRET", now=1_700_000_000)
    assert headers == {"X-Auth-Key": "KEY", "X-Auth-Date": "1700000000",
                       "Authorization": "5f8983664e541a83aaae7f3a47f1957fbca48aec"}
    monkeypatch.setenv("PODCASTINDEX_API_KEY", "KEY")
    monkeypatch.setenv("PODCASTINDEX_API_SECRET", "SECRET")
    niche = Niche(name="vegan", languages=["en"], keywords={"en": ["vegan"]})
    requests = list(platform(itunes=False).discover(niche))
    assert [r.url for r in requests] == [
        "https://api.podcastindex.org/api/1.0/search/byterm?q=vegan&max=40"]
    assert "SECRET" not in json.dumps(requests[0].model_dump())  # only the key and a hash
    refused = response("podcastindex_401", url=requests[0].url)
    refused = refused.model_copy(update={"request": requests[0]})
    retry = platform(itunes=False).on_refusal(refused, platform().refusal(refused))
    assert retry is not None and retry.requests[0].context["resigned"] is True
    again = refused.model_copy(update={"request": retry.requests[0]})
    assert platform().on_refusal(again, platform().refusal(again)) is None  # only once


def test_podcast_index_absent_key_is_one_line(monkeypatch, caplog):
    monkeypatch.delenv("PODCASTINDEX_API_KEY", raising=False)
    niche = Niche(name="vegan", languages=["en", "de"], keywords={"en": ["vegan"],
                                                                  "de": ["vegan"]})
    with caplog.at_level("INFO"):
        requests = list(platform().discover(niche))
    assert all("itunes.apple.com" in r.url for r in requests)
    lines = [r for r in caplog.records if "PODCASTINDEX_API_KEY" in r.getMessage()]
    assert len(lines) == 1


def test_discovery_searches_each_language_in_its_stores():
    niche = Niche(name="wine", languages=["ka", "en"],
                  keywords={"ka": ["ღვინო"], "en": ["georgian wine", "qvevri"]},
                  seeds={"podcasts": ["https://podcasts.apple.com/ge/podcast/x/id123",
                                      "https://feeds.example/x.xml", "not a url"]})
    requests = list(platform(countries={"en": ["GB"]}, max_search_terms=1).discover(niche))
    urls = [r.url for r in requests]
    assert "https://itunes.apple.com/search?term=%E1%83%A6%E1%83%95%E1%83%98%E1%83%9C%E1%83%9D" \
           "&media=podcast&entity=podcast&country=GE&limit=50" in urls
    assert any("term=georgian+wine" in u and "country=GB" in u for u in urls)
    assert not any("qvevri" in u for u in urls)  # max_search_terms
    assert "https://itunes.apple.com/lookup?id=123&entity=podcast" in urls
    feed = next(r for r in requests if r.url == "https://feeds.example/x.xml")
    assert feed.api is False and feed.purpose == "profile"  # a web fetch: robots.txt


def test_full_feed_show_and_episodes():
    result = platform().parse(response("feed_full", "profile",
                                       feed="https://feeds.example/plant-kitchen.xml"))
    creator = result.creators[0]
    assert creator.id == "podcasts:9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert creator.followers is None and creator.following is None  # unknown, never 0
    assert creator.display_name == "Plant Kitchen Radio"
    assert creator.bio and "<" not in creator.bio and "vegan" in creator.bio
    assert creator.languages == ["en"]
    assert creator.avatar_url == "https://mayagreens.example/cover-3000.jpg"
    assert creator.profile_url == "https://feeds.example/plant-kitchen.xml"  # no directory
    assert creator.links[0] == "https://mayagreens.example/"  # the channel <link>
    assert "https://mayagreens.example/about" in creator.links  # the host's podcast:person
    assert "https://ko-fi.com/mayagreens" in creator.links  # podcast:funding
    assert not creator.flags.opted_out  # <podcast:block id="spotify"> is not about us
    assert creator.lookup["cadence_days"] == "7"
    dump = json.dumps(creator.model_dump(mode="json"))
    assert "maya@mayagreens.example" not in dump  # itunes:email, podcast:locked owner
    titles = [p.text.split("\n")[0] for p in result.posts if p.text]
    assert titles == ["142. Lentils three ways, with Omar", "141. Tempeh for beginners",
                      "138. Seitan", "139. Chickpeas, again"]  # 140 is itunes:block'ed
    newest = result.posts[0]
    assert [m.url for m in newest.mentions] == ["https://omarcooks.example/"]  # guests only
    assert newest.mentions[0].platform == "web"
    assert "https://vegan.social/@mayagreens/115449201234567890" in newest.links
    assert all(p.likes is None and p.views is None and p.replies is None
               for p in result.posts)
    undated = next(p for p in result.posts if p.text and p.text.startswith("139."))
    assert undated.created_at is None and "Aquafaba" in undated.text
    assert result.repaired == 1 and result.malformed == 1  # bad date; empty <item/>
    assert len({p.id for p in result.posts}) == len(result.posts)


@pytest.mark.parametrize(("name", "reason"), [("feed_blocked_podcast", "podcast:block"),
                                              ("feed_blocked_itunes", "itunes:block"),
                                              ("feed_old_namespace", "podcast:block")])
def test_blocked_shows_are_skipped_with_no_episodes(name, reason):
    result = platform().parse(response(name, "profile"))
    creator = result.creators[0]
    assert creator.flags.opted_out and creator.flags.opt_out_reason == reason
    assert result.posts == []


def test_old_namespace_guid_is_read_and_normalised():
    creator = platform().parse(response("feed_old_namespace", "profile")).creators[0]
    assert creator.native_id == "917393e3-1b1e-5cef-ace4-edaa54e1f810"


def test_minimal_feed_derives_the_guid_and_keeps_unknowns_unknown():
    url = "https://podcasts.example/lentils/feed"
    result = platform().parse(response("feed_minimal", "profile", feed=url))
    creator = result.creators[0]
    assert creator.native_id == feed_guid(url)
    assert creator.languages == [] and creator.followers is None
    assert creator.links == ["https://podcasts.example/"]  # relative <link>
    assert [p.url for p in result.posts] == ["https://podcasts.example/media/2.mp3",
                                             "https://podcasts.example/media/1.mp3"]
    assert result.posts[1].created_at is not None and \
        result.posts[1].created_at.utcoffset().total_seconds() == 0


def test_directory_page_is_the_shows_profile_url():
    directory = {"apple_url": "https://podcasts.apple.com/us/podcast/x/id1567412345?uo=4",
                 "track_count": "150", "itunes_id": "1567412345"}
    result = platform().parse(response("feed_full", "profile", directory=directory))
    creator = result.creators[0]
    assert creator.profile_url == "https://podcasts.apple.com/us/podcast/x/id1567412345"
    assert creator.posts_count == 150  # Apple counts episodes the feed no longer lists
    assert creator.lookup["itunes_id"] == "1567412345"


def test_max_posts_keeps_the_newest():
    plugin = Podcasts(PlatformSettings(max_posts=2))
    result = plugin.parse(response("feed_full", "profile"))
    assert [p.text.split(".")[0] for p in result.posts if p.text] == ["142", "141"]


def test_html_instead_of_a_feed_is_malformed():
    with pytest.raises(MalformedResponse):
        platform().parse(response("feed_not_xml", "profile"))


def test_redirect_is_followed_through_the_base_url_and_keeps_the_feed_identity():
    plugin = platform("http://127.0.0.1:9/web/{host}")
    saved = response("feed_redirect_301", "profile",
                     url="http://127.0.0.1:9/web/feeds.example/old-name.xml", api=False,
                     feed="https://feeds.example/old-name.xml")
    follow = plugin.parse(saved).requests[0]
    assert follow.url == "http://127.0.0.1:9/web/feeds.example/plant-kitchen.xml"
    assert follow.context["url"] == "https://feeds.example/plant-kitchen.xml"
    assert follow.context["feed"] == "https://feeds.example/old-name.xml"
    assert follow.api is False


def test_apple_podcast_links_become_candidates():
    provenance = Provenance(platform="web", plugin="t", plugin_version="0")
    creator = Creator(platform="web", native_id="maya.example", handle="maya.example",
                      links=["https://podcasts.apple.com/us/podcast/plant-kitchen/id1567412345",
                             "https://maya.example/"], provenance=provenance)
    found = platform().candidates_from_links(creator, 2)
    assert [c.ref.lookup for c in found] == [{"itunes_id": "1567412345"}]
    request = next(iter(platform().profile_requests(found)))
    assert request.url == "https://itunes.apple.com/lookup?id=1567412345&entity=podcast"


def test_cadence():
    from datetime import UTC, datetime
    days = [datetime(2026, 10, d, tzinfo=UTC) for d in (1, 8, 15, 29)]
    assert cadence_days(days) == 7.0
    assert cadence_days(days[:1]) is None
