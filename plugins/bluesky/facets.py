"""Rich-text facets of ``app.bsky.feed.post`` records: mentions, links and tags.

A facet (lexicon ``app.bsky.richtext.facet``) marks a slice of the post text with
features: ``#mention`` (``did``), ``#link`` (``uri``) or ``#tag`` (``tag``, without ``#``).
The slice is ``index.byteStart`` (inclusive) to ``index.byteEnd`` (exclusive), counted in
**bytes of the UTF-8 encoded text**, never in characters: an emoji or a Hebrew letter
before a mention shifts it by 4 or 2 bytes. Python strings index code points, so slices
are cut from ``text.encode("utf-8")``.

The features carry their own values (a mention's DID, a link's full URI), so a facet with
a broken index still yields its mention or link; only the displayed text (the ``@handle``
of a mention) needs the slice. Displayed link text may be shortened by the client
("example.com/long-pa..."); the facet's ``uri`` is the full link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from creatorscout.plugins.bluesky.identity import is_did, is_handle, normalize_handle

MENTION = "app.bsky.richtext.facet#mention"
LINK = "app.bsky.richtext.facet#link"
TAG = "app.bsky.richtext.facet#tag"


@dataclass
class Mention:
    """A mentioned account: its DID, and the handle shown in the text when readable."""

    did: str
    handle: str | None = None


@dataclass
class Facets:
    """What the facets of one text hold, in text order, without duplicates."""

    mentions: list[Mention] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    bad: int = 0
    """Facets or features that were unusable (wrong types, offsets outside the text...)."""


def byte_slice(text: str, start: Any, end: Any) -> str | None:
    """``text[start:end]`` in UTF-8 bytes, or ``None`` when the offsets are unusable
    (not integers, reversed, outside the text, or cutting a character in two)."""
    if isinstance(start, bool) or isinstance(end, bool):
        return None
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    data = text.encode("utf-8")
    if not 0 <= start <= end <= len(data):
        return None
    try:
        return data[start:end].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _mention_handle(shown: str | None) -> str | None:
    if not shown:
        return None
    handle = normalize_handle(shown)
    return handle if shown.lstrip().startswith("@") and is_handle(handle) else None


def parse_facets(text: Any, facets: Any) -> Facets:
    """Mentions, links and tags from a record's ``text`` and ``facets``."""
    found = Facets()
    if not isinstance(facets, list):
        if facets is not None:
            found.bad += 1
        return found
    body = text if isinstance(text, str) else ""
    seen_dids: set[str] = set()
    for facet in facets:
        if not isinstance(facet, dict) or not isinstance(facet.get("features"), list):
            found.bad += 1
            continue
        index = facet.get("index")
        shown = None
        if isinstance(index, dict):
            shown = byte_slice(body, index.get("byteStart"), index.get("byteEnd"))
        if shown is None:
            found.bad += 1  # the features still count: they hold their own values
        for feature in facet["features"]:
            kind = feature.get("$type") if isinstance(feature, dict) else None
            if kind == MENTION and isinstance(feature.get("did"), str) and is_did(feature["did"]):
                did = feature["did"]
                if did not in seen_dids:
                    seen_dids.add(did)
                    found.mentions.append(Mention(did=did, handle=_mention_handle(shown)))
            elif kind == LINK and isinstance(feature.get("uri"), str) and feature["uri"]:
                if feature["uri"] not in found.links:
                    found.links.append(feature["uri"])
            elif kind == TAG and isinstance(feature.get("tag"), str) and feature["tag"].strip():
                tag = feature["tag"].strip().lstrip("#").lower()
                if tag and tag not in found.tags:
                    found.tags.append(tag)
            elif kind in (MENTION, LINK, TAG):
                found.bad += 1
            # other feature types ($type we do not know) are ignored, as clients do
    return found
