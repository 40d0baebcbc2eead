"""Podcast directories: the iTunes Search API (keyless) and Podcast Index (optional key).

iTunes Search API (developer.apple.com, "iTunes Search API", Searching.html):
``GET https://itunes.apple.com/search?term=&media=podcast&entity=podcast&country=&limit=``
(``limit`` 1-200, default 50; no offset paging) and ``GET /lookup?id=`` answer
``{"resultCount": n, "results": [...]}``; a podcast result has ``collectionId``,
``collectionName``, ``artistName``, ``feedUrl`` (missing for shows without a public feed),
``trackCount``, ``releaseDate`` (the newest episode), ``primaryGenreName``, ``genres``,
``country`` (three letters, ``USA``), ``artworkUrl600``, ``collectionViewUrl``. There are
no audience numbers. Apple asks for about 20 calls a minute and reportedly answers 403
when exceeded (verify).

Podcast Index (podcastindex-org.github.io/docs-api): ``GET
https://api.podcastindex.org/api/1.0/search/byterm?q=&max=`` with the headers
``User-Agent``, ``X-Auth-Key`` (the key), ``X-Auth-Date`` (unix seconds, within a few
minutes of the server's clock) and ``Authorization`` = lower-case hex
``sha1(key + secret + X-Auth-Date)``; answers ``{"status": "true", "feeds": [...],
"count": n}`` with ``id``, ``podcastGuid``, ``title``, ``url`` (the feed), ``link``,
``itunesId``, ``episodeCount``, ``dead``... The secret never leaves this process: requests
carry only the key and a hash that expires in minutes.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Final

from creatorscout.plugins.keys import secrets_from_env
from creatorscout.plugins.models import CreatorRef
from creatorscout.plugins.platform import Candidate, ParseResult, Skip
from creatorscout.plugins.podcasts.show import PLATFORM, feed_guid, feed_handle

ENV_PI_KEY: Final = "PODCASTINDEX_API_KEY"
ENV_PI_SECRET: Final = "PODCASTINDEX_API_SECRET"


class DirectoryError(ValueError):
    """A directory response is not the shape its API documents."""


def podcast_index_credentials() -> tuple[str, str] | None:
    """``(key, secret)`` from the environment, or ``None`` when either is missing."""
    found = secrets_from_env(ENV_PI_KEY, ENV_PI_SECRET)
    return (found[0].get_secret_value(), found[1].get_secret_value()) if found else None


def podcast_index_headers(key: str, secret: str, now: float | None = None) -> dict[str, str]:
    """The authentication headers of one Podcast Index request."""
    stamp = str(int(now if now is not None else time.time()))
    digest = hashlib.sha1(f"{key}{secret}{stamp}".encode()).hexdigest()
    return {"X-Auth-Key": key, "X-Auth-Date": stamp, "Authorization": digest}


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _feed_candidate(feed_url: str, lookup: dict[str, str], guid: str | None, depth: int,
                    via: str) -> Candidate:
    guid = guid or feed_guid(feed_url)
    lookup = {k: v for k, v in {**lookup, "feed": feed_url, "guid": guid}.items() if v}
    ref = CreatorRef(platform=PLATFORM, native_id=guid, handle=feed_handle(feed_url),
                     url=feed_url, lookup=lookup)
    return Candidate(ref=ref, depth=depth, via=via)


def itunes_results(data: Any, depth: int, via: str) -> ParseResult:
    """Candidates from an iTunes ``search`` or ``lookup`` answer."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise DirectoryError("iTunes: expected {'resultCount': n, 'results': [...]}")
    result = ParseResult()
    for raw in data["results"]:
        if not isinstance(raw, dict):
            result.malformed += 1
            continue
        if raw.get("kind") not in (None, "podcast") or raw.get("wrapperType") not in (
                None, "track"):
            continue  # an episode or another kind of item (lookup&entity=podcastEpisode)
        collection = _text(raw.get("collectionId"))
        feed = _text(raw.get("feedUrl"))
        if collection is None and feed is None:
            result.malformed += 1
            continue
        if feed is None or not feed.startswith(("http://", "https://")):
            # Apple lists shows without a public feed (subscription or Apple-hosted).
            result.skipped.append(Skip(key=f"{PLATFORM}:itunes:{collection}",
                                       reason="no public feed"))
            continue
        genres = raw.get("genres")
        lookup = {
            "itunes_id": collection or "",
            "title": _text(raw.get("collectionName")) or "",
            "author": _text(raw.get("artistName")) or "",
            "apple_url": _text(raw.get("collectionViewUrl")) or "",
            "artwork": _text(raw.get("artworkUrl600")) or "",
            "track_count": _text(raw.get("trackCount")) or "",
            "genres": ", ".join(g for g in genres if isinstance(g, str))
            if isinstance(genres, list) else "",
        }
        result.candidates.append(_feed_candidate(feed, lookup, None, depth, via))
    return result


def podcast_index_feeds(data: Any, depth: int, via: str) -> ParseResult:
    """Candidates from a Podcast Index ``search/byterm`` (or ``podcasts/by*``) answer."""
    if not isinstance(data, dict):
        raise DirectoryError("Podcast Index: expected a JSON object")
    feeds = data.get("feeds")
    if feeds is None and isinstance(data.get("feed"), dict):
        feeds = [data["feed"]]
    if not isinstance(feeds, list):
        raise DirectoryError("Podcast Index: expected 'feeds' (or 'feed')")
    result = ParseResult()
    for raw in feeds:
        if not isinstance(raw, dict) or not _text(raw.get("url")):
            result.malformed += 1
            continue
        feed = str(_text(raw.get("url")))
        guid = _text(raw.get("podcastGuid"))
        if str(raw.get("dead", 0)) == "1":
            result.skipped.append(Skip(key=f"{PLATFORM}:{guid or feed_guid(feed)}",
                                       reason="dead feed"))
            continue
        lookup = {
            "podcastindex_id": _text(raw.get("id")) or "",
            "itunes_id": _text(raw.get("itunesId")) or "",
            "title": _text(raw.get("title")) or "",
            "author": _text(raw.get("author")) or "",
            "artwork": _text(raw.get("artwork")) or _text(raw.get("image")) or "",
            "track_count": _text(raw.get("episodeCount")) or "",
        }
        result.candidates.append(_feed_candidate(feed, lookup, guid and guid.lower(), depth,
                                                 via))
    return result
