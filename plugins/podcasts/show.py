"""A podcast's RSS feed read as a creator (the show) and posts (the episodes).

Channel fields (RSS 2.0, Apple's ``itunes:`` namespace, the Podcasting 2.0 ``podcast:``
namespace, podcastindex.org/namespace/1.0):

* identity: ``podcast:guid`` when the feed declares one, else the GUID the Podcasting 2.0
  spec derives from the feed URL (UUIDv5 of the URL without scheme and trailing slashes
  in the namespace ``ead4c236-bf58-58c6-a2c6-a6b28d128cb6``); the stable id is
  ``podcasts:<guid>``;
* ``title``, ``link`` (the show's website), ``description``/``itunes:summary``,
  ``language``, ``itunes:image``, ``itunes:author``; ``podcast:person`` (hosts: their
  ``href`` goes to the links), ``podcast:funding``;
* opt-outs: ``<podcast:block>yes</podcast:block>`` without ``id`` (an ``id`` names another
  service: we have no slug in the service list, so only the unscoped form applies to us)
  and ``<itunes:block>Yes</itunes:block>``: the show is skipped and counted. An episode's
  own ``itunes:block`` drops that episode;
* never read: ``itunes:owner``/``itunes:email`` and ``managingEditor`` addresses (personal
  data, not for outreach). ``podcast:locked`` is about moving the feed between hosts, not
  about being indexed, and is ignored.

Podcasts have no follower, like or play counts: ``followers`` and every engagement count
stay ``None`` (unknown), never 0. What we do know is kept in ``Creator.lookup``:
``cadence_days`` (median days between episodes), ``episodes_in_feed``, ``feed``.

Episodes: ``guid``, ``title``, ``pubDate``, ``itunes:duration``, the description as text,
links from the show notes, ``podcast:socialInteract`` URIs; guests (episode-level
``podcast:person`` with an ``href``, any role but host) become mentions of ``web``
creators, the only id we can give a URL without fetching it.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime
from statistics import median
from typing import Any, Final
from urllib.parse import urlsplit

from creatorscout.plugins.feeds import (
    NS_ITUNES,
    NS_PODCAST,
    Feed,
    FeedItem,
    category_tags,
    child_text,
    children,
)
from creatorscout.plugins.hostmap import site_id
from creatorscout.plugins.models import Creator, CreatorFlags, CreatorRef, Post, Provenance
from creatorscout.plugins.web import hrefs, html_to_text

PLATFORM: Final = "podcasts"
GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_GUID: Final = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                          r"[0-9a-fA-F]{12}$")
_HOST_ROLES: Final = frozenset({"host", "co-host", "guest host"})


def feed_guid(feed_url: str) -> str:
    """The Podcasting 2.0 GUID of a feed URL: UUIDv5 of the URL without its scheme and
    trailing slashes (``mp3s.nashownotes.com/pc20rss.xml`` ->
    ``917393e3-1b1e-5cef-ace4-edaa54e1f810``)."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


def feed_handle(feed_url: str) -> str:
    """A readable, unique handle: the feed URL without scheme (``feeds.example/show.xml``)."""
    try:
        parts = urlsplit(feed_url.strip())
    except ValueError:  # "http://[::1"
        return feed_url.strip()
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}{query}" or feed_url


def declared_guid(feed: Feed) -> str | None:
    """The feed's own ``podcast:guid`` when it is a well-formed UUID."""
    if feed.element is None:
        return None
    value = child_text(feed.element, "guid", NS_PODCAST)
    return value.lower() if value and _GUID.match(value) else None


def block_reason(feed: Feed) -> str | None:
    """Why the show must not be ingested, per its own feed (see the module doc)."""
    channel = feed.element
    if channel is None:
        return None
    for block in children(channel, "block", NS_PODCAST):
        if not (block.get("id") or "").strip() and (block.text or "").strip().lower() == "yes":
            return "podcast:block"
    if (child_text(channel, "block", NS_ITUNES) or "").lower() == "yes":
        return "itunes:block"
    return None


def _persons(element: Any) -> list[tuple[str, str, str | None]]:
    """``(name, role, href)`` of the ``podcast:person`` children."""
    found = []
    for person in children(element, "person", NS_PODCAST):
        name = "".join(person.itertext()).strip()
        if not name:
            continue
        role = (person.get("role") or "host").strip().lower()
        href = (person.get("href") or "").strip() or None
        if href and not href.startswith(("http://", "https://")):
            href = None
        found.append((name[:128], role, href))
    return found


def _language(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _plain(value: str | None) -> str | None:
    return html_to_text(value) if value else None


def _links(*groups: list[str | None] | list[str]) -> list[str]:
    out: list[str] = []
    for group in groups:
        for link in group:
            if link and link.startswith(("http://", "https://")) and link not in out:
                out.append(link)
    return out


def _without_query(url: str | None) -> str | None:
    return url.split("?", 1)[0] if url else None


def cadence_days(dates: list[datetime]) -> float | None:
    """Median days between consecutive episodes; ``None`` with fewer than two dates."""
    ordered = sorted(dates)
    gaps = [(b - a).total_seconds() / 86_400 for a, b in zip(ordered, ordered[1:],
                                                             strict=False)]
    return round(median(gaps), 2) if gaps else None


def show_creator(
    feed: Feed, feed_url: str, provenance: Provenance, directory: dict[str, str] | None = None,
) -> Creator:
    """The show as a :class:`Creator`. ``directory`` holds what a directory (iTunes,
    Podcast Index) said about it (``apple_url``, ``track_count``, ``itunes_id``...)."""
    directory = directory or {}
    channel = feed.element
    guid = declared_guid(feed) or directory.get("guid") or feed_guid(feed_url)
    summary = child_text(channel, "summary", NS_ITUNES) if channel is not None else None
    author = child_text(channel, "author", NS_ITUNES) if channel is not None else None
    persons = _persons(channel) if channel is not None else []
    funding = [f.get("url") for f in children(channel, "funding", NS_PODCAST)] \
        if channel is not None else []
    dates = [item.published for item in feed.items if item.published is not None]
    lookup = {"feed": feed_url, "guid": guid, "episodes_in_feed": str(len(feed.items))}
    cadence = cadence_days(dates)
    if cadence is not None:
        lookup["cadence_days"] = f"{cadence:g}"
    for key in ("itunes_id", "apple_url", "podcastindex_id"):
        if directory.get(key):
            lookup[key] = directory[key]
    if author:
        lookup["author"] = author
    hosts = [href for _name, role, href in persons if role in _HOST_ROLES]
    if persons:
        lookup["persons"] = json.dumps([{"name": n, "role": r, "href": h}
                                        for n, r, h in persons], ensure_ascii=False)
    track_count = directory.get("track_count")
    episodes = max(len(feed.items), int(track_count)) if track_count and track_count.isdigit() \
        else len(feed.items)
    reason = block_reason(feed)
    return Creator(
        platform=PLATFORM,
        native_id=guid,
        handle=feed_handle(feed_url),
        display_name=feed.title or directory.get("title"),
        # The show's own page: where other profiles link to it (a directory page, else the
        # feed). The channel <link> is usually the host's website: a link, not the show.
        profile_url=_without_query(directory.get("apple_url")) or feed_url,
        avatar_url=feed.image or directory.get("artwork"),
        bio=_plain(feed.description) or _plain(summary),
        followers=None,  # podcasts publish no audience size: unknown, never 0
        following=None,
        posts_count=episodes,
        created_at=min(dates) if dates else None,
        last_post_at=max(dates) if dates else None,
        languages=[code] if (code := _language(feed.language)) else [],
        links=_links([feed.link], hosts, funding),
        flags=CreatorFlags(opted_out=reason is not None, opt_out_reason=reason),
        lookup=lookup,
        provenance=provenance,
    )


def _episode_key(item: FeedItem) -> str | None:
    return item.id or item.enclosure or item.link or (
        f"{item.title}|{item.published.isoformat()}" if item.title and item.published else None)


def episode_post(item: FeedItem, creator: Creator, provenance: Provenance,
                 keep_text: bool = True) -> Post | None:
    """One episode as a :class:`Post`; ``None`` when it has nothing to identify it by."""
    key = _episode_key(item)
    if key is None:
        return None
    element = item.element
    notes = item.content or item.summary or (
        child_text(element, "summary", NS_ITUNES) if element is not None else None)
    text = "\n\n".join(part for part in (item.title, _plain(notes)) if part)
    interact = [si.get("uri") for si in children(element, "socialInteract", NS_PODCAST)] \
        if element is not None else []
    mentions = [
        CreatorRef(platform="web", native_id=site_id(href), handle=name, url=href)
        for name, role, href in (_persons(element) if element is not None else [])
        if href and role not in _HOST_ROLES
    ]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]
    language = _language(item.language) or (creator.languages[0] if creator.languages else None)
    return Post(
        platform=PLATFORM,
        native_id=f"{creator.native_id}/{digest}",
        creator_id=creator.id,
        url=item.link or item.enclosure,
        created_at=item.published,
        text=(text or None) if keep_text else None,
        language=language,
        hashtags=category_tags(item.categories),
        mentions=mentions,
        links=_links([item.link], hrefs(notes, skip_classes=()), interact),
        provenance=provenance,
    )


def episode_blocked(item: FeedItem) -> bool:
    """``<itunes:block>Yes</itunes:block>`` on the episode itself."""
    element = item.element
    return element is not None and (child_text(element, "block", NS_ITUNES) or "").lower() \
        == "yes"
