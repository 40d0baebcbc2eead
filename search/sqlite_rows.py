"""How a record becomes the rows of the embedded index. Pure functions: no SQL runs here.

:class:`RecordRows` holds every value :class:`~creatorscout.search.sqlite_index.SqliteIndex`
writes for one record (the ``creators`` row, the ``records`` columns, the stored document
and the full-text rows), so the writer can send whole batches to SQLite with
``executemany``. The column order of each tuple is the one of the ``*_COLUMNS`` constants.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import zstandard
from pydantic import ValidationError

from creatorscout.search.fts import fold, trigram_body
from creatorscout.search.records import ScoredCreator

COMPRESS_FROM = 4096
"""Records with at least this many bytes of JSON are stored compressed."""
ZSTD_LEVEL = 1
"""Level 1 shrinks a record's JSON 3-6x at ~400 MB/s (zlib level 1: same ratio, 3x slower)."""
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
"""No record's JSON comes near this (40 posts: ~100 KB); a larger one is damage."""
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
"""The first bytes of a zstd frame; older files hold zlib streams (first byte 0x78)."""

CREATOR_COLUMNS = (
    "id", "platform", "handle", "handle_key", "handle_local", "display_name", "profile_url",
    "url_key", "followers", "languages", "observed_at", "creator_json",
)
RECORD_COLUMNS = (
    "niche", "platform", "score", "tier", "er", "relevance", "role", "followers", "languages",
    "crawled_at", "flags", "authenticity", "er_percentile", "influence",
    "bridging", "sponsored_share",
)
FTS_COLUMNS = ("handle", "display_name", "bio", "posts")

_codecs = threading.local()
"""One zstd compressor and decompressor per thread: zstandard's objects must not be used by
two threads at once (an HTTP server decodes search hits in several; sharing one corrupted
the output: "decompression error: Data corruption detected")."""


def _compressor() -> zstandard.ZstdCompressor:
    codec = getattr(_codecs, "compressor", None)
    if codec is None:
        codec = _codecs.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return codec


def _decompressor() -> zstandard.ZstdDecompressor:
    codec = getattr(_codecs, "decompressor", None)
    if codec is None:
        codec = _codecs.decompressor = zstandard.ZstdDecompressor()
    return codec


@dataclass(frozen=True, slots=True)
class RecordRows:
    """Everything stored for one record (see the module docstring)."""

    creator_id: str
    niche: str
    creator: tuple[Any, ...]
    """Values of :data:`CREATOR_COLUMNS`."""
    record: tuple[Any, ...]
    """Values of :data:`RECORD_COLUMNS`."""
    document: str | bytes
    post_ids: str
    """The ids of the record's posts, a JSON array."""
    words: tuple[str, str, str, str]
    """Values of :data:`FTS_COLUMNS`, folded."""
    trigram: str | None
    """The ``fts_trigram`` body, or None when the record needs no row there."""


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.isoformat()


def handle_key(handle: str) -> str:
    """How handles are compared: without leading ``@``, case-folded."""
    return handle.strip().lstrip("@").casefold()


def url_key(url: str) -> str | None:
    """How profile URLs are compared: host without ``www.`` + path, lower case, no slash."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if not parts.netloc:
        return None
    host = parts.netloc.lower().removeprefix("www.")
    return (host + parts.path.rstrip("/")).lower()


def scrub(record: ScoredCreator) -> ScoredCreator:
    """Drop what a creator's flags say we must not store (post text for ``no_post_text``)."""
    creator = record.creator
    if not creator.flags.no_post_text:
        return record
    posts = [p.model_copy(update={"text": None, "hashtags": []}) for p in record.posts]
    relevance = record.score.relevance
    snippet = relevance.snippet
    bio = creator.bio or ""
    if snippet is not None and (not bio or snippet.strip(" .\u2026") not in bio):
        relevance = relevance.model_copy(update={"snippet": None})
    score = record.score.model_copy(update={"relevance": relevance})
    return record.model_copy(update={"posts": posts, "score": score})


def encode_record(record: ScoredCreator) -> str | bytes:
    """The stored form of a record: its JSON as text, or zstd-compressed when it is large.

    Small records stay readable in ``sqlite3`` / Datasette; compressing them would cost more
    time than the bytes it saves.
    """
    data = record.model_dump_json(exclude_computed_fields=True)
    if len(data) < COMPRESS_FROM:
        return data
    return _compressor().compress(data.encode())


class DamagedRecord(ValueError):
    """A stored document that cannot be read back (bad compression, bad JSON, bad fields)."""


def decode_record(stored: str | bytes) -> ScoredCreator:
    """The inverse of :func:`encode_record`; also reads the zlib documents of older files.

    Raises :class:`DamagedRecord` (one line) for a document that cannot be read."""
    try:
        if isinstance(stored, bytes):
            if stored.startswith(_ZSTD_MAGIC):
                # a damaged header may claim any size: never allocate what it says blindly
                size = zstandard.frame_content_size(stored)
                if size > MAX_DOCUMENT_BYTES:
                    raise DamagedRecord(f"a stored document claims {size} bytes")
                stored = _decompressor().decompress(stored, max_output_size=MAX_DOCUMENT_BYTES)
            else:
                stored = zlib.decompressobj().decompress(stored, MAX_DOCUMENT_BYTES)
        elif not isinstance(stored, str):
            raise DamagedRecord(f"a stored document of type {type(stored).__name__}")
        return ScoredCreator.model_validate_json(stored)
    except (zstandard.ZstdError, zlib.error) as exc:
        raise DamagedRecord(f"a stored document does not decompress: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise DamagedRecord(f"a stored document is unreadable: {where}: {first['msg']}") from None


def languages(codes: Iterable[str]) -> list[str]:
    """Lower-case, stripped, de-duplicated, sorted: how every index stores languages."""
    return sorted({c.strip().lower() for c in codes if c.strip()})


def posts_text(record: ScoredCreator) -> str:
    if record.creator.flags.no_post_text:
        return ""
    texts = [p.text for p in record.posts if p.text]
    tags = [f"#{t.lstrip('#')}" for p in record.posts for t in p.hashtags]
    if tags:
        texts.append(" ".join(tags))
    return "\n".join(texts)


def crawl_scores(record: ScoredCreator) -> tuple[Any, ...]:
    """flags, authenticity, er_percentile, influence, bridging, sponsored_share."""
    score = record.score
    authenticity = score.authenticity
    # the authenticity component as the score counts it: None when no audience check ran
    component = next((c for c in score.components if c.name == "authenticity"), None)
    return (
        json.dumps(sorted(set(score.flags))),
        component.value if component is not None else None,
        score.engagement.percentile,
        score.network.influence_percentile if score.network is not None else None,
        score.network.participation if score.network is not None else None,
        authenticity.sponsored.share if authenticity is not None else None,
    )


def record_rows(record: ScoredCreator) -> RecordRows:
    """The rows of one (already scrubbed) record."""
    creator = record.creator
    languages_text = json.dumps(languages(creator.languages))
    key = handle_key(creator.handle)
    score = record.score
    words = (
        fold(creator.handle),
        fold(creator.display_name or ""),
        fold(creator.bio or ""),
        fold(posts_text(record)),
    )
    return RecordRows(
        creator_id=creator.id,
        niche=record.niche,
        creator=(
            creator.id,
            creator.platform,
            creator.handle,
            key,
            key.split("@", 1)[0],
            creator.display_name,
            creator.profile_url,
            url_key(creator.profile_url) if creator.profile_url else None,
            creator.followers,
            languages_text,
            iso(creator.provenance.observed_at),
            creator.model_dump_json(exclude_computed_fields=True),
        ),
        record=(
            record.niche,
            creator.platform,
            score.score,
            score.tier.tier,
            score.engagement.rate,
            score.relevance.score,
            score.role,
            creator.followers,
            languages_text,
            iso(record.crawl.crawled_at),
            *crawl_scores(record),
        ),
        document=encode_record(record),
        post_ids=json.dumps([p.id for p in record.posts]),
        words=words,
        trigram=trigram_body(words),
    )
