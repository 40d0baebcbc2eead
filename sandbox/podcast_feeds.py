"""Podcasts of the world's people: RSS feeds on ``feeds.example`` and the iTunes Search API.

Who has a podcast is :attr:`Presence.podcast` (a feed slug); everything else is decided
here, deterministically from the seed and the person:

* the feed is ``https://feeds.example/{slug}.xml``: RSS 2.0 with the ``itunes:`` and
  ``podcast:`` namespaces; about half declare ``podcast:guid`` (the others leave it to be
  derived from the feed URL); the host is a ``podcast:person`` (``href``: their website,
  else their Mastodon profile); ``itunes:owner`` carries an e-mail address (which a crawler
  must not keep); episodes are the person's recent original posts (title, date, show notes,
  duration) and the people a post mentions are the episode's guests;
* ~3% say ``<podcast:block>yes</podcast:block>``, ~3% ``<itunes:block>Yes</itunes:block>``;
  ~5% of shows have no ``feedUrl`` on iTunes (no public feed);
* iTunes: ``collectionId`` is ``1500000000 + index``; ``/search?term=`` finds shows whose
  title, author or description contains the term (case-insensitive), ``limit`` 1-200
  (default 50); ``/lookup?id=`` finds one show. Results have Apple's field names;
  ``country`` is three letters and there are no audience numbers, as on Apple.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Any, Final, Literal

from creatorscout.sandbox.presence import people_on, presence
from creatorscout.sandbox.vocab import COMMUNITIES
from creatorscout.sandbox.web_sites import Sites, rfc822, rfc3339, unit
from creatorscout.sandbox.world import World

FEEDS_HOST: Final = "feeds.example"
ITUNES_HOST: Final = "itunes.apple.com"
COLLECTION_BASE: Final = 1_500_000_000
EPISODES: Final = 30
_COUNTRY: Final = {"en": "USA", "de": "DEU", "he": "ISR", "ar": "SAU", "ka": "GEO", "ru": "RUS",
                   "es": "ESP"}
_GENRE: Final = {"vegan-cooking": ("Food", "1306"), "georgian-wine": ("Food", "1306"),
                 "b2b-martech": ("Marketing", "1492"), "football": ("Soccer", "1546"),
                 "gaming": ("Video Games", "1509"), "photography": ("Visual Arts", "1406"),
                 "local-news": ("Daily News", "1526")}


@dataclass(frozen=True)
class Show:
    """How one person's podcast is built."""

    index: int
    slug: str
    title: str
    description: str
    collection_id: int
    declares_guid: bool
    block: Literal["podcast", "itunes"] | None
    public_feed: bool

    @property
    def feed_url(self) -> str:
        return f"https://{FEEDS_HOST}/{self.slug}.xml"

    @property
    def apple_url(self) -> str:
        return f"https://podcasts.apple.com/us/podcast/{self.slug}/id{self.collection_id}"


class Podcasts:
    """The world's podcasts and the iTunes directory over them."""

    def __init__(self, world: World, sites: Sites) -> None:
        self.world = world
        self.sites = sites
        self.people = people_on(world, "podcasts")
        self._by_slug = {str(presence(world, i).podcast): i for i in self.people}
        self.show = lru_cache(maxsize=65_536)(self._show)

    def _show(self, index: int) -> Show:
        person = self.world.people[index]
        found = presence(self.world, index)
        community = COMMUNITIES[person.primary]
        title = f"{person.first_name} on {community.name.replace('-', ' ').title()}"
        hashtags = []
        for lang in person.languages:
            text = community.text.get(lang)
            if text:
                hashtags += [f"#{tag}" for tag in text.hashtags[:4]]
        description = f"{self.sites.bio(index)} {' '.join(hashtags)}".strip()
        seed = self.world.seed
        roll = unit(seed, index, "podcast-block")
        block: Literal["podcast", "itunes"] | None = (
            "podcast" if roll < 0.03 else "itunes" if roll < 0.06 else None)
        return Show(index=index, slug=str(found.podcast), title=title, description=description,
                    collection_id=COLLECTION_BASE + index,
                    declares_guid=unit(seed, index, "podcast-guid") < 0.5, block=block,
                    public_feed=unit(seed, index, "podcast-public") >= 0.05)

    def by_slug(self, slug: str) -> Show | None:
        index = self._by_slug.get(slug)
        return self.show(index) if index is not None else None

    def by_collection(self, collection_id: int) -> Show | None:
        index = collection_id - COLLECTION_BASE
        if 0 <= index < len(self.world.people) and presence(self.world, index).podcast:
            return self.show(index)
        return None

    # -- iTunes ----------------------------------------------------------------------------

    def itunes_result(self, show: Show) -> dict[str, Any]:
        person = self.world.people[show.index]
        posts = self.sites.posts(show.index)
        genre, genre_id = _GENRE[COMMUNITIES[person.primary].name]
        art = f"https://is1-ssl.mzstatic.example/image/{show.collection_id}"
        result: dict[str, Any] = {
            "wrapperType": "track", "kind": "podcast",
            "collectionId": show.collection_id, "trackId": show.collection_id,
            "artistName": person.display_name, "collectionName": show.title,
            "trackName": show.title, "collectionCensoredName": show.title,
            "trackCensoredName": show.title, "collectionViewUrl": show.apple_url,
            "feedUrl": show.feed_url, "trackViewUrl": show.apple_url,
            "artworkUrl30": f"{art}/30x30bb.jpg", "artworkUrl60": f"{art}/60x60bb.jpg",
            "artworkUrl100": f"{art}/100x100bb.jpg", "collectionPrice": 0.00,
            "trackPrice": 0.00, "collectionHdPrice": 0,
            "releaseDate": rfc3339(posts[0].sec) if posts else None,
            "collectionExplicitness": "notExplicit", "trackExplicitness": "cleaned",
            "trackCount": min(len(posts), EPISODES),
            "country": _COUNTRY.get(person.languages[0], "USA"), "currency": "USD",
            "primaryGenreName": genre, "contentAdvisoryRating": "Clean",
            "artworkUrl600": f"{art}/600x600bb.jpg", "genreIds": [genre_id, "26"],
            "genres": [genre, "Podcasts"],
        }
        if not show.public_feed:
            del result["feedUrl"]
        return result

    def search(self, term: str, limit: int) -> dict[str, Any]:
        needle = term.casefold().strip()
        results = []
        for index in self.people:
            show = self.show(index)
            person = self.world.people[index]
            haystack = f"{show.title} {person.display_name} {show.description}".casefold()
            if needle and needle in haystack:
                results.append(self.itunes_result(show))
                if len(results) >= limit:
                    break
        return {"resultCount": len(results), "results": results}

    def lookup(self, ids: list[int]) -> dict[str, Any]:
        results = [self.itunes_result(s) for s in (self.by_collection(i) for i in ids) if s]
        return {"resultCount": len(results), "results": results}

    # -- the feed --------------------------------------------------------------------------

    def feed(self, show: Show) -> str:
        world = self.world
        person = world.people[show.index]
        found = presence(world, show.index)
        home = self.sites.person_url(show.index)
        lang = person.languages[0]
        posts = self.sites.posts(show.index)[:EPISODES]
        genre, _ = _GENRE[COMMUNITIES[person.primary].name]
        channel = [
            f"<title>{escape(show.title)}</title>", f"<link>{escape(home)}</link>",
            f"<description><![CDATA[<p>{escape(show.description)}</p>]]></description>",
            f"<language>{lang}</language>",
            f"<itunes:author>{escape(person.display_name)}</itunes:author>",
            f'<itunes:image href="https://{FEEDS_HOST}/{show.slug}/cover.jpg"/>',
            f'<itunes:category text="{escape(genre)}"/>',
            "<itunes:explicit>false</itunes:explicit>",
            f"<itunes:owner><itunes:name>{escape(person.display_name)}</itunes:name>"
            f"<itunes:email>{found.slug}@mail.example</itunes:email></itunes:owner>",
            f'<podcast:person role="host" href="{escape(home)}">'
            f"{escape(person.display_name)}</podcast:person>",
            "<podcast:locked>no</podcast:locked>",
        ]
        if show.declares_guid:
            channel.append(f"<podcast:guid>{show_guid(show)}</podcast:guid>")
        if show.block == "podcast":
            channel.append("<podcast:block>yes</podcast:block>")
        else:  # a block for another service only: not for us
            channel.append('<podcast:block id="spotify">no</podcast:block>')
        if show.block == "itunes":
            channel.append("<itunes:block>Yes</itunes:block>")
        items = []
        for number, post in enumerate(posts):
            guests = "".join(
                f'<podcast:person role="guest" href="{escape(self.sites.person_url(m))}">'
                f"{escape(world.people[m].display_name)}</podcast:person>"
                for m in dict.fromkeys(post.mentions) if m != show.index)
            notes = self.sites.post_html(post.segments, FEEDS_HOST)
            episode = len(posts) - number
            items.append(
                f"<item><title>{episode}. {escape(self.sites.title(post))}</title>"
                f'<guid isPermaLink="false">{show.slug}-{post.number}</guid>'
                f"<pubDate>{'someday' if post.malformed else rfc822(post.sec)}</pubDate>"
                f"<description><![CDATA[{notes}]]></description>"
                f'<enclosure url="https://{FEEDS_HOST}/{show.slug}/{post.number}.mp3" '
                f'length="{1_000_000 + post.number * 7919}" type="audio/mpeg"/>'
                f"<itunes:duration>{20 + post.number % 40}:{post.number % 60:02d}</itunes:duration>"
                f"<itunes:episode>{episode}</itunes:episode>{guests}</item>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
                'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
                + "".join(channel) + "".join(items) + "</channel></rss>")


def show_guid(show: Show) -> str:
    """The show's declared GUID (random-looking, as a host would assign it once)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-podcast:{show.slug}"))


def itunes_error(message: str, params: dict[str, str]) -> str:
    """Apple's error body for a bad request."""
    return json.dumps({"errorMessage": message, "queryParameters": params})
