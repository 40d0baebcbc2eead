"""Personal websites of the world's people: home pages, feeds, robots.txt, atproto-did.

Who has a website, at which URL, and whether it links back to their profiles is decided
by :mod:`creatorscout.sandbox.presence` only (``website``, ``owns_domain``,
``website_links_back``, ``false_claims``). This module decides how each site is built,
deterministically from the world's seed and the person:

* **URL**: ``https://slug.example`` or ``https://blog.slug.example`` (the person owns the
  domain) or ``https://links.example/slug`` (a link-in-bio page on a shared host, no feed);
* **home page**: an h-card (name, note, photo, ``u-url``), ``rel="me"`` links to the
  person's Mastodon, Bluesky, GitHub and PeerTube profiles and their podcast's Apple
  Podcasts page when the site links back (and to the profile it falsely claims, for the
  few with ``false_claims``), a schema.org
  ``Person`` in JSON-LD with ``sameAs`` (about half the sites), OpenGraph, the feed in
  ``<link rel="alternate">`` (80% of sites; the others only have it at ``/feed`` or
  ``/index.xml``, where a crawler has to guess), a blogroll of two or three other people's
  sites of the same community, and the person's podcast on Apple Podcasts when they have
  one;
* **feed**: RSS 2.0 (with ``slash:comments``), Atom or JSON Feed 1.1, one per site, from
  the person's recent original posts (:meth:`World.posts`): title, permalink, date,
  content HTML with links to the people mentioned (their website, else their Mastodon
  profile), hashtags as categories; posts the world serves malformed get an unreadable date;
* **opt-outs**: ~2% of sites say ``<meta name="robots" content="noindex">``, ~2% send
  ``X-Robots-Tag: noindex`` instead, ~3% disallow everything in robots.txt;
* **/.well-known/atproto-did** answers the person's DID on a domain that is their
  Bluesky handle (``presence.bluesky == owns_domain``).

Profile URLs follow the other dialects: Mastodon ``{sandbox}/mastodon/{server}/@user``,
Bluesky ``https://bsky.app/profile/{handle}``, GitHub ``https://github.com/{login}``,
PeerTube ``{sandbox}/peertube/{host}/video-channels/{channel}``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import lru_cache
from html import escape
from typing import Final, Literal

from creatorscout.sandbox.people import ANCHOR_SEC, Person
from creatorscout.sandbox.posts import Post, Segment
from creatorscout.sandbox.presence import Presence, presence
from creatorscout.sandbox.vocab import COMMUNITIES, INSTANCES
from creatorscout.sandbox.world import World

LINKS_HOST: Final = "links.example"
FEED_ITEMS: Final = 20
FeedKind = Literal["rss", "atom", "json"]
_FEED_PATHS: Final = {"rss": "/feed.xml", "atom": "/atom.xml", "json": "/feed.json"}
_FEED_TYPES: Final = {"rss": "application/rss+xml", "atom": "application/atom+xml",
                      "json": "application/feed+json"}


def unit(seed: int, index: int, what: str) -> float:
    """A deterministic number in [0, 1) for one decision about one person."""
    digest = hashlib.sha256(f"{seed}:{index}:{what}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def rfc822(sec: int) -> str:
    return format_datetime(datetime.fromtimestamp(sec, UTC))


def rfc3339(sec: int) -> str:
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Site:
    """How one person's website is built."""

    index: int
    url: str
    """The home page, ``https://host`` or ``https://links.example/slug``."""
    host: str
    root: str
    """Path of the home page below the host: ``""`` or ``/slug``."""
    feed: FeedKind | None
    feed_path: str | None
    announced: bool
    noindex: Literal["meta", "header"] | None
    robots_blocked: bool
    jsonld: bool

    @property
    def feed_url(self) -> str | None:
        return f"https://{self.host}{self.feed_path}" if self.feed_path else None


class Sites:
    """The world's websites, by host and path."""

    def __init__(self, world: World, sandbox_url: str) -> None:
        self.world = world
        self.sandbox = sandbox_url.rstrip("/")
        self._by_host: dict[str, int] = {}
        self._by_slug: dict[str, int] = {}
        self._by_domain: dict[str, int] = {}
        for person in world.people:
            found = presence(world, person.index)
            if not found.website:
                continue
            if found.owns_domain:
                self._by_domain[found.owns_domain] = person.index
            host = found.website.split("://", 1)[1].split("/", 1)[0]
            if host == LINKS_HOST:
                self._by_slug[found.slug] = person.index
            else:
                self._by_host[host] = person.index
        self.site = lru_cache(maxsize=65_536)(self._site)

    # -- who is where ----------------------------------------------------------------------

    def find(self, host: str, path: str) -> tuple[Site, str] | None:
        """``(site, path below the site's root)`` for a request, or ``None``."""
        if host == LINKS_HOST:
            slug, _, rest = path.lstrip("/").partition("/")
            index = self._by_slug.get(slug)
            return (self.site(index), "/" + rest) if index is not None else None
        index = self._by_host.get(host)
        return (self.site(index), path) if index is not None else None

    def owner_of_domain(self, host: str) -> int | None:
        """The person who owns ``host`` (their own domain, not a blog subdomain)."""
        return self._by_domain.get(host)

    def hosts(self) -> list[str]:
        return sorted(self._by_host)

    def _site(self, index: int) -> Site:
        found = presence(self.world, index)
        assert found.website is not None
        seed = self.world.seed
        host = found.website.split("://", 1)[1].split("/", 1)[0]
        links_page = host == LINKS_HOST
        root = f"/{found.slug}" if links_page else ""
        feed: FeedKind | None = None
        feed_path = None
        announced = False
        if not links_page:
            roll = unit(seed, index, "web-feed")
            feed = "rss" if roll < 0.5 else "atom" if roll < 0.8 else "json"
            announced = unit(seed, index, "web-announced") < 0.8
            feed_path = _FEED_PATHS[feed] if announced else (
                "/feed" if feed == "rss" else "/index.xml" if feed == "atom" else None)
            if feed_path is None:  # an unannounced JSON feed could never be found
                feed, feed_path = "rss", "/feed"
        roll = unit(seed, index, "web-noindex")
        noindex: Literal["meta", "header"] | None = (
            "meta" if roll < 0.02 else "header" if roll < 0.04 else None)
        return Site(
            index=index, url=found.website.rstrip("/"), host=host, root=root, feed=feed,
            feed_path=feed_path, announced=announced, noindex=noindex,
            robots_blocked=unit(seed, index, "web-robots") < 0.03,
            jsonld=unit(seed, index, "web-jsonld") < 0.5,
        )

    # -- profile URLs on the other platforms -----------------------------------------------

    def mastodon_url(self, person: Person) -> str:
        return f"{self.sandbox}/mastodon/{INSTANCES[person.instance]}/@{person.username}"

    def profiles(self, found: Presence) -> list[str]:
        """The person's own profiles elsewhere, in the other dialects' URL forms."""
        person = self.world.people[found.index]
        urls = [self.mastodon_url(person)]
        if found.bluesky:
            urls.append(f"https://bsky.app/profile/{found.bluesky}")
        if found.github:
            urls.append(f"https://github.com/{found.github}")
        if found.peertube:
            host, channel = found.peertube
            urls.append(f"{self.sandbox}/peertube/{host}/video-channels/{channel}")
        return urls

    def person_url(self, index: int) -> str:
        """Where a link to a person goes: their website, else their Mastodon profile."""
        found = presence(self.world, index)
        return found.website or self.mastodon_url(self.world.people[index])

    # -- rendering -------------------------------------------------------------------------

    def bio(self, index: int) -> str:
        """The person's bio as plain text."""
        parts = []
        for kind, value in self.world.profile(index).bio:
            if kind in ("text", "link"):
                parts.append(value)
            elif kind == "tag":
                parts.append(f"#{value}")
            elif kind == "br":
                parts.append(" ")
        return " ".join(" ".join(parts).split())

    def _blogroll(self, index: int) -> list[int]:
        person = self.world.people[index]
        friends: list[int] = []
        for n in range(8):
            other = (index * 2654435761 + n * 40503) % len(self.world.people)
            if other == index or other in friends:
                continue
            candidate = self.world.people[other]
            if presence(self.world, other).website and set(candidate.communities) & set(
                    person.communities):
                friends.append(other)
            if len(friends) >= 3:
                break
        return friends

    def home(self, site: Site, podcast_url: str | None) -> str:
        """The home page HTML."""
        world = self.world
        person = world.people[site.index]
        found = presence(world, site.index)
        lang = person.languages[0]
        bio = self.bio(site.index)
        name = escape(person.display_name)
        rel_me = self.profiles(found) if found.website_links_back else []
        if rel_me and podcast_url:
            rel_me.append(podcast_url)  # the show is theirs too
        claims = list(found.false_claims)
        head = [
            '<meta charset="utf-8">',
            f"<title>{name}</title>",
            f'<meta name="description" content="{escape(bio)}">',
            f'<meta property="og:title" content="{name}">',
            f'<meta property="og:description" content="{escape(bio)}">',
            '<meta property="og:type" content="profile">',
            f'<meta property="og:url" content="{escape(site.url)}/">',
            f'<meta property="og:image" content="{escape(site.url)}/avatar.jpg">',
        ]
        if site.noindex == "meta":
            head.append('<meta name="robots" content="noindex, nofollow">')
        if site.feed and site.announced and site.feed_path:
            head.append(f'<link rel="alternate" type="{_FEED_TYPES[site.feed]}" '
                        f'title="{name}" href="{site.feed_path}">')
            head.append('<link rel="alternate" type="application/rss+xml" title="Comments '
                        'Feed" href="/comments/feed">')
        head += [f'<link rel="me" href="{escape(url)}">' for url in rel_me[:1]]
        if site.jsonld:
            data = {"@context": "https://schema.org", "@type": "ProfilePage",
                    "mainEntity": {"@type": "Person", "name": person.display_name,
                                   "url": site.url + "/", "description": bio,
                                   "image": site.url + "/avatar.jpg", "sameAs": rel_me}}
            head.append('<script type="application/ld+json">'
                        f"{json.dumps(data, ensure_ascii=False)}</script>")
        links = [f'<li><a rel="me" href="{escape(url)}">{escape(url)}</a></li>'
                 for url in rel_me + claims]
        if podcast_url and podcast_url not in rel_me:
            links.append(f'<li><a href="{escape(podcast_url)}">My podcast</a></li>')
        roll = [f'<li><a href="{escape(self.person_url(i))}">'
                f"{escape(world.people[i].display_name)}</a></li>" for i in
                self._blogroll(site.index)]
        community = COMMUNITIES[person.primary].name.replace("-", " ")
        return (
            f'<!doctype html>\n<html lang="{lang}">\n<head>\n' + "\n".join(head)
            + "\n</head>\n<body>\n"
            f'<header class="h-card">\n<img class="u-photo" src="/avatar.jpg" alt="">\n'
            f'<h1><a class="p-name u-url u-uid" href="{escape(site.url)}/">{name}</a></h1>\n'
            f'<p class="p-note">{escape(bio)}</p>\n'
            f'<a class="u-email" href="mailto:hello@{escape(found.slug)}.example">mail</a>\n'
            "</header>\n<main>\n"
            f"<h2>Elsewhere</h2>\n<ul>{''.join(links)}</ul>\n"
            f"<h2>{escape(community.title())} friends</h2>\n<ul>{''.join(roll)}</ul>\n"
            "</main>\n</body>\n</html>\n"
        )

    def robots(self, site: Site) -> str:
        if site.robots_blocked:
            return "User-agent: *\nDisallow: /\n"
        return "User-agent: *\nDisallow: /private/\n"

    # -- feeds -----------------------------------------------------------------------------

    def posts(self, index: int) -> list[Post]:
        """The person's recent original posts, newest first (what the feed carries)."""
        return [p for p in self.world.posts(index) if p.kind == "post"][:FEED_ITEMS]

    def post_html(self, segments: tuple[Segment, ...], host: str) -> str:
        out = ["<p>"]
        for kind, value in segments:
            if kind == "text":
                out.append(escape(value))
            elif kind == "tag":
                out.append(f'<a href="https://{host}/tags/{escape(value.lower())}" rel="tag">'
                           f"#{escape(value)}</a>")
            elif kind == "mention":
                other = self.world.people[int(value)]
                out.append(f'<a href="{escape(self.person_url(other.index))}">'
                           f"{escape(other.display_name)}</a>")
            elif kind == "link":
                out.append(f'<a href="{escape(value)}">{escape(value)}</a>')
            elif kind == "br":
                out.append("<br>")
            elif kind == "para":
                out.append("</p><p>")
        out.append("</p>")
        return "".join(out)

    @staticmethod
    def title(post: Post) -> str:
        words = [w for w in post.text.replace("\n", " ").split() if not w.startswith("@")]
        title = " ".join(words[:8])
        return title + ("…" if len(words) > 8 else "")

    def feed(self, site: Site) -> tuple[str, str]:
        """``(body, content type)`` of the site's feed."""
        person = self.world.people[site.index]
        posts = self.posts(site.index)
        updated = posts[0].sec if posts else ANCHOR_SEC
        base = site.url
        if site.feed == "json":
            items = []
            for post in posts:
                item = {"id": f"{base}/posts/{post.number}", "url": f"{base}/posts/{post.number}",
                        "title": self.title(post),
                        "content_html": self.post_html(post.segments, site.host),
                        "date_published": "yesterday" if post.malformed else rfc3339(post.sec),
                        "tags": list(post.tags)}
                if post.language:
                    item["language"] = post.language
                items.append(item)
            data = {"version": "https://jsonfeed.org/version/1.1", "title": person.display_name,
                    "home_page_url": base + "/", "feed_url": base + (site.feed_path or ""),
                    "language": person.languages[0],
                    "authors": [{"name": person.display_name, "url": base + "/"}],
                    "items": items}
            return json.dumps(data, ensure_ascii=False), "application/feed+json"
        if site.feed == "atom":
            entries = "".join(
                f"<entry><id>{base}/posts/{p.number}</id><title>{escape(self.title(p))}</title>"
                f'<link rel="alternate" href="{base}/posts/{p.number}"/>'
                f"<published>{'soon' if p.malformed else rfc3339(p.sec)}</published>"
                f"<updated>{rfc3339(p.sec)}</updated>"
                + "".join(f'<category term="{escape(t)}"/>' for t in p.tags)
                + f'<content type="html">{escape(self.post_html(p.segments, site.host))}'
                "</content></entry>" for p in posts)
            body = ('<?xml version="1.0" encoding="utf-8"?>\n'
                    f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{person.languages[0]}">'
                    f"<title>{escape(person.display_name)}</title>"
                    f'<link rel="alternate" href="{base}/"/>'
                    f'<link rel="self" href="{base}{site.feed_path}"/>'
                    f"<id>{base}/</id><updated>{rfc3339(updated)}</updated>"
                    f"<author><name>{escape(person.display_name)}</name><uri>{base}/</uri>"
                    f"<email>hello@{presence(self.world, site.index).slug}.example</email>"
                    f"</author>{entries}</feed>")
            return body, "application/atom+xml; charset=utf-8"
        rss_items = "".join(
            f"<item><title>{escape(self.title(p))}</title><link>{base}/posts/{p.number}</link>"
            f'<guid isPermaLink="true">{base}/posts/{p.number}</guid>'
            f"<pubDate>{'not a date' if p.malformed else rfc822(p.sec)}</pubDate>"
            f"<dc:creator>{escape(person.display_name)}</dc:creator>"
            + "".join(f"<category>{escape(t)}</category>" for t in p.tags)
            + f"<description>{escape(self.title(p))}</description>"
            f"<content:encoded><![CDATA[{self.post_html(p.segments, site.host)}]]>"
            f"</content:encoded><slash:comments>{p.replies}</slash:comments></item>"
            for p in posts)
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
                'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{escape(person.display_name)}</title><link>{base}/</link>"
                f"<description>{escape(self.bio(site.index))}</description>"
                f"<language>{person.languages[0]}</language>"
                f'<atom:link rel="self" href="{base}{site.feed_path}" '
                'type="application/rss+xml"/>'
                f"<lastBuildDate>{rfc822(updated)}</lastBuildDate>{rss_items}</channel></rss>")
        return body, "application/rss+xml; charset=utf-8"
