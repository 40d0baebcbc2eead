"""Bluesky-style identifiers for the world: DIDs, TIDs (record keys), CIDs, timestamps.

* A DID is ``did:plc:`` plus 24 characters of base32 (``a-z2-7``), as did:plc identifiers
  are (atproto.com/specs/did); here it is a hash of the world's seed and the person, so it
  never changes while handles may.
* A TID (atproto.com/specs/tid) is 13 characters of "base32-sortable"
  (``234567abcdefghijklmnopqrstuvwxyz``) encoding ``microseconds << 10 | clock id``; posts
  use one as their record key, so ``at://did/app.bsky.feed.post/<tid>`` sorts by time and
  decodes back to the post here without any table.
* A CID is ``bafyrei`` plus 52 base32 characters (CIDv1, dag-cbor, sha-256), hashed from
  what it names.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Final

TID_ALPHABET: Final = "234567abcdefghijklmnopqrstuvwxyz"
_TID_INDEX: Final = {c: i for i, c in enumerate(TID_ALPHABET)}
POST_COLLECTION: Final = "app.bsky.feed.post"
FOLLOW_COLLECTION: Final = "app.bsky.graph.follow"
REPOST_COLLECTION: Final = "app.bsky.feed.repost"


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").lower().rstrip("=")


def did_for(seed: int, index: int) -> str:
    """The DID of person ``index`` in the world of ``seed``."""
    digest = hashlib.sha256(f"{seed}:{index}:bluesky-did".encode()).digest()
    return "did:plc:" + _b32(digest)[:24]


def cid_for(*parts: object) -> str:
    """A CID-shaped string for the content named by ``parts``."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return "bafyrei" + _b32(digest)[:52]


def tid(micros: int, clock: int = 0) -> str:
    """The TID of ``micros`` (microseconds since the epoch) and a 10-bit clock id."""
    value = (micros << 10) | (clock & 0x3FF)
    chars = []
    for _ in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def tid_micros(text: str) -> int | None:
    """The microseconds of a TID, or ``None`` when ``text`` is not one."""
    if len(text) != 13 or any(c not in _TID_INDEX for c in text):
        return None
    value = 0
    for char in text:
        value = (value << 5) | _TID_INDEX[char]
    return value >> 10


def post_rkey(sec: int, number: int) -> str:
    """The record key of a person's post ``number`` published at ``sec``."""
    return tid(sec * 1_000_000 + number)


def post_of_rkey(rkey: str) -> tuple[int, int] | None:
    """``(sec, number)`` of a post record key made by :func:`post_rkey`."""
    micros = tid_micros(rkey)
    if micros is None:
        return None
    sec, number = divmod(micros, 1_000_000)
    return sec, number


def iso(sec: float) -> str:
    """``2026-11-01T12:00:00.000Z``: the datetime format of the AppView."""
    moment = datetime.fromtimestamp(sec, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float | None:
    """Seconds since the epoch of an ISO datetime, or ``None`` when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
