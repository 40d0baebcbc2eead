"""The Elasticsearch side of the index: mappings, analyzers, templates and documents.

Three things live in a cluster, all named after the URL's prefix ``P`` (default
``creatorscout``):

``P-records`` (alias) -> ``P-records-000001``, ``-000002``...
    One document per (creator, niche), id ``creator_id|niche``, routed by creator id so that
    all records of a creator sit on one shard (``get`` reads one shard, and the duplicate
    counting in :mod:`creatorscout.search.es_query` is exact). Top-level fields are the
    filter, sort and facet values, normalised like the embedded index does (lower-case
    platform, tier, role and languages); ``text.*`` holds the folded text that is searched;
    ``record`` is the whole :class:`ScoredCreator`, which is what searches return.
``P-creators`` (alias) -> ``P-creators-000001``...
    One document per creator: the newest profile (by ``observed_at``) and the lookup keys
    ``candidates`` uses (handle, local part, profile URL).
``P-evidence`` (alias) -> ``P-evidence-000001``
    The identity evidence of the last grouping pass (:mod:`creatorscout.scoring.identity`),
    one document per link, rewritten by each pass. A creator's person id lives on its
    ``P-creators`` document (``person_id``, with ``person_size``); records of creators whose
    person has several profiles carry it too (``person_id``, and ``group_id``, which is the
    person id or else the creator id), so searches can collapse persons.
``P-metrics`` (data stream)
    Metric snapshots over time (followers, following, posts, engagement rate, score per
    niche), one per record as it was observed: growth history. Append-only.

Each of them has an index template (``P-records``, ``P-creators``, ``P-metrics``), so a new
generation of an index gets the same settings and mapping, and the alias moves from the
old generation to the new one in one atomic step (:meth:`ElasticIndex.rebuild`).

The mapping under ``record`` / ``creator`` is generated from our pydantic models
(:func:`model_properties`): the models stay the source of truth, and a field whose type
has no rule here is an error in the unit tests, not a silent dynamic mapping. Judgements:

* Posts are stored inside the record (``enabled: false``: kept, not indexed); their text is
  searchable through ``text.posts``. Nothing queries single posts, and nested documents
  would multiply the document count by the number of posts.
* Free text inside the record (bio, post text, explanations) is stored but not indexed; the
  searchable copy is the folded one under ``text``.
* Dicts with open keys (plugin lookup hints, matched terms, tier thresholds) are
  ``flattened``: one field each, however many keys.

Text analysis (what :mod:`creatorscout.search.fts` does for SQLite): text is folded in
Python (:func:`fold`: NFKC, no Hebrew points or Arabic harakat, no bidi controls) before it
is sent; the ``words`` analyzer splits on everything that is not a letter, digit, mark or
private-use character (the same categories as the embedded index), lower-cases and folds
Latin diacritics. ``index_prefixes`` makes prefix matching of 3+ character words cheap.
Scripts written without spaces (Chinese, Japanese, Thai...) and Arabic and Hebrew, which
glue prefixes onto words, are matched as substrings in ``text.substring`` (a ``wildcard``
field holding the case-folded text, only for documents that contain such a script). Bio
and posts have stemmed sub-fields for the languages our niches use that Elasticsearch
ships analyzers for (English, German, Russian, Arabic); they add to the ranking, never
decide a match. Hebrew and Georgian have no stock analyzer; they are served by the
``words`` analyzer and (Hebrew) the substring field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import AwareDatetime, BaseModel, NaiveDatetime

from creatorscout.plugins.models import Creator
from creatorscout.scoring.identity import Evidence
from creatorscout.search import sqlite_rows
from creatorscout.search.fts import fold, needs_substring
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_rows import handle_key, iso, languages, posts_text, url_key

MAPPING_VERSION = 1
"""Stored in each index's ``_meta``; bump when a mapping change needs a rebuild."""

WORD_PATTERN = r"[^\p{L}\p{N}\p{M}\p{Co}]+"
"""Token separators of the ``words`` tokenizer: the complement of the embedded index's
token categories ``L* N* Co M*`` (Java regex)."""

LANGUAGE_ANALYZERS = {"en": "english", "de": "german", "ru": "russian", "ar": "arabic"}
"""Stemmed sub-fields of bio and posts: language code -> built-in analyzer."""

TEXT_FIELDS = ("handle", "display_name", "bio", "posts")
"""The searched text fields under ``text``, as in the embedded index."""

KEYWORD_LIMIT = 1024
"""Longer keyword values are stored but not indexed."""

FREE_TEXT = frozenset({"bio", "text", "snippet", "definition", "detail", "note", "display_name"})
"""Model fields with free text: kept in ``_source``, not indexed (``text.*`` is searched)."""

RECORD_OVERRIDES: dict[str, dict[str, Any]] = {
    "posts": {"type": "object", "enabled": False},
}
"""Mapping decisions by dotted path inside ScoredCreator that the type rules don't make."""

_DATETIME_TYPES: tuple[Any, ...] = (datetime, date, AwareDatetime, NaiveDatetime)


class UnmappedType(TypeError):
    """A model field has a type with no mapping rule; add one in :func:`field_mapping`."""


def _strip_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _strip_optional(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
        if all(a in (int, float) for a in args):
            return float
        if all(a in (int, float, str) for a in args):
            return str
        raise UnmappedType(f"union {annotation!r}")
    return annotation


def field_mapping(name: str, annotation: Any, path: str = "") -> dict[str, Any]:
    """The mapping of one model field, from its type (see the module docstring)."""
    annotation = _strip_optional(annotation)
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        args = [a for a in get_args(annotation) if a is not Ellipsis]
        return field_mapping(name, args[0] if args else str, path)
    if origin is dict or annotation is dict:
        return {"type": "flattened"}
    if origin is Literal:
        return {"type": "keyword"}
    if isinstance(annotation, type) and (
        issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)
    ):
        return {"properties": model_properties(annotation, prefix=path)}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "long"}
    if annotation is float:
        return {"type": "double"}
    if annotation in _DATETIME_TYPES:
        return {"type": "date"}
    if annotation is str:
        if name in FREE_TEXT:
            return {"type": "keyword", "index": False, "doc_values": False}
        return {"type": "keyword", "ignore_above": KEYWORD_LIMIT}
    raise UnmappedType(f"{path or name}: no Elasticsearch mapping for {annotation!r}")


def _model_fields(model: type) -> list[tuple[str, Any]]:
    """(stored name, annotation) of a pydantic model's fields or a dataclass's fields."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [
            (info.serialization_alias or info.alias or name, info.annotation)
            for name, info in model.model_fields.items()
        ]
    if dataclasses.is_dataclass(model):
        hints = get_type_hints(model)
        return [(f.name, hints[f.name]) for f in dataclasses.fields(model)]
    raise UnmappedType(f"{model!r} is neither a pydantic model nor a dataclass")


def model_properties(
    model: type, *, prefix: str = "", overrides: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``properties`` for a pydantic model (or a dataclass): one entry per field (computed
    fields are not stored), recursively. ``overrides`` maps dotted paths to a mapping used
    as it is."""
    overrides = RECORD_OVERRIDES if overrides is None else overrides
    properties: dict[str, Any] = {}
    for key, annotation in _model_fields(model):
        path = f"{prefix}.{key}" if prefix else key
        if path in overrides:
            properties[key] = dict(overrides[path])
        else:
            properties[key] = field_mapping(key, annotation, path)
    return properties


def _keyword(**extra: Any) -> dict[str, Any]:
    return {"type": "keyword", "ignore_above": KEYWORD_LIMIT, **extra}


def _lower() -> dict[str, Any]:
    return _keyword(normalizer="lower")


def _text_field(languages: bool) -> dict[str, Any]:
    field: dict[str, Any] = {
        "type": "text",
        "analyzer": "words",
        "index_prefixes": {"min_chars": 3, "max_chars": 10},
    }
    if languages:
        field["fields"] = {
            code: {"type": "text", "analyzer": analyzer}
            for code, analyzer in LANGUAGE_ANALYZERS.items()
        }
    return field


ANALYSIS: dict[str, Any] = {
    "tokenizer": {"words": {"type": "pattern", "pattern": WORD_PATTERN}},
    "analyzer": {
        "words": {"type": "custom", "tokenizer": "words", "filter": ["lowercase", "asciifolding"]}
    },
    "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}},
}


def records_mapping() -> dict[str, Any]:
    """The mapping of the records index."""
    return {
        "dynamic": "strict",
        "_meta": {"creatorscout_mapping": MAPPING_VERSION},
        "_routing": {"required": True},
        "properties": {
            "creator_id": _keyword(),
            "niche": _lower(),
            "platform": _lower(),
            "tier": _lower(),
            "role": _lower(),
            "languages": _lower(),
            "followers": {"type": "long"},
            "er": {"type": "double"},
            "score": {"type": "double"},
            "relevance": {"type": "double"},
            "crawled_at": {"type": "date"},
            "post_ids": _keyword(),
            # crawl-level scores, as the embedded index stores them (sqlite_rows.crawl_scores)
            "flags": _keyword(),
            "authenticity": {"type": "double"},
            "er_percentile": {"type": "double"},
            "influence": {"type": "double"},
            "bridging": {"type": "double"},
            "sponsored_share": {"type": "double"},
            # persons: set by the grouping pass for members of multi-profile persons
            "person_id": _keyword(),
            "group_id": _keyword(),
            "text": {
                "properties": {
                    "handle": _text_field(False),
                    "display_name": _text_field(False),
                    "bio": _text_field(True),
                    "posts": _text_field(True),
                    "substring": {"type": "wildcard"},
                }
            },
            "record": {
                "dynamic": False,
                "properties": model_properties(ScoredCreator),
            },
        },
    }


def creators_mapping() -> dict[str, Any]:
    """The mapping of the creators index (one document per creator, the newest profile)."""
    return {
        "dynamic": "strict",
        "_meta": {"creatorscout_mapping": MAPPING_VERSION},
        "properties": {
            "creator_id": _keyword(),
            "platform": _lower(),
            "handle_key": _keyword(),
            "handle_local": _keyword(),
            "url_key": _keyword(),
            "observed_us": {"type": "long"},
            "person_id": _keyword(),
            "person_size": {"type": "integer"},
            "creator": {
                "dynamic": False,
                "properties": model_properties(Creator, overrides={}),
            },
        },
    }


def evidence_mapping() -> dict[str, Any]:
    """The mapping of the identity evidence index (one document per link)."""
    properties = model_properties(Evidence, overrides={})
    properties["seq"] = {"type": "long"}
    return {
        "dynamic": "strict",
        "_meta": {"creatorscout_mapping": MAPPING_VERSION},
        "properties": properties,
    }


def metrics_mapping() -> dict[str, Any]:
    """The mapping of the metrics data stream (growth history)."""
    return {
        "dynamic": "strict",
        "_meta": {"creatorscout_mapping": MAPPING_VERSION},
        "properties": {
            "@timestamp": {"type": "date"},
            "creator_id": _keyword(),
            "niche": _lower(),
            "platform": _lower(),
            "tier": _lower(),
            "followers": {"type": "long"},
            "following": {"type": "long"},
            "posts_count": {"type": "long"},
            "engagement_rate": {"type": "double"},
            "score": {"type": "double"},
            "relevance": {"type": "double"},
        },
    }


SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    # one copy per extra node, none on a single node (so a dev cluster is green)
    "auto_expand_replicas": "0-1",
    # searches run while crawls write; a refresh every 5 s costs crawls little and is
    # soon enough for people (the writer refreshes itself before it reads)
    "refresh_interval": "5s",
}


class Names:
    """Every name in the cluster that belongs to one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.records = f"{prefix}-records"
        self.creators = f"{prefix}-creators"
        self.evidence = f"{prefix}-evidence"
        self.metrics = f"{prefix}-metrics"

    @property
    def priority(self) -> int:
        # a longer prefix is more specific: its templates win where patterns could overlap
        # ("team" and "team-records" prefixes), and equal priorities never clash
        return 200 + len(self.prefix)

    def generation(self, alias: str, number: int) -> str:
        return f"{alias}-{number:06d}"

    def templates(self) -> dict[str, dict[str, Any]]:
        """Index templates by name: keyword arguments of ``indices.put_index_template``."""
        return {
            self.records: {
                "index_patterns": [f"{self.records}-*"],
                "priority": self.priority,
                "template": {
                    "settings": {**SETTINGS, "analysis": ANALYSIS},
                    "mappings": records_mapping(),
                },
                "meta": {"creatorscout_mapping": MAPPING_VERSION},
            },
            self.creators: {
                "index_patterns": [f"{self.creators}-*"],
                "priority": self.priority,
                "template": {
                    "settings": {**SETTINGS, "analysis": ANALYSIS},
                    "mappings": creators_mapping(),
                },
                "meta": {"creatorscout_mapping": MAPPING_VERSION},
            },
            self.evidence: {
                "index_patterns": [f"{self.evidence}-*"],
                "priority": self.priority,
                "template": {"settings": dict(SETTINGS), "mappings": evidence_mapping()},
                "meta": {"creatorscout_mapping": MAPPING_VERSION},
            },
            self.metrics: {
                "index_patterns": [self.metrics],
                "data_stream": {},
                "priority": self.priority,
                "template": {
                    "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
                    "mappings": metrics_mapping(),
                },
                "meta": {"creatorscout_mapping": MAPPING_VERSION},
            },
        }


# -- documents --------------------------------------------------------------------------


def record_id(creator_id: str, niche: str) -> str:
    """The document id of a record. Niches compare case-insensitively, as in SQLite."""
    return f"{creator_id}|{niche.lower()}"


def record_document(record: ScoredCreator, person_id: str | None = None) -> dict[str, Any]:
    """The records-index document of a (scrubbed) record. ``person_id``: the creator's
    person when it has several profiles (else None)."""
    creator = record.creator
    score = record.score
    parts = {
        "handle": fold(creator.handle),
        "display_name": fold(creator.display_name or ""),
        "bio": fold(creator.bio or ""),
        "posts": fold(posts_text(record)),
    }
    text: dict[str, Any] = dict(parts)
    body = "\n".join(p for p in parts.values() if p)
    if needs_substring(body):
        text["substring"] = body.casefold()
    return {
        "creator_id": creator.id,
        "niche": record.niche,
        "platform": creator.platform.lower(),
        "tier": score.tier.tier.lower(),
        "role": score.role.lower() if score.role else None,
        "languages": languages(creator.languages),
        "followers": creator.followers,
        "er": score.engagement.rate,
        "score": score.score,
        "relevance": score.relevance.score,
        "crawled_at": iso(record.crawl.crawled_at),
        "post_ids": [p.id for p in record.posts],
        **crawl_scores(record),
        "person_id": person_id,
        "group_id": person_id or creator.id,
        "text": text,
        "record": record.model_dump(mode="json", exclude_computed_fields=True),
    }


def crawl_scores(record: ScoredCreator) -> dict[str, Any]:
    """The crawl-level score fields, exactly as the embedded index derives them."""
    scores = sqlite_rows.crawl_scores(record)
    flags, authenticity, er_percentile, influence, bridging, sponsored = scores
    return {
        "flags": json.loads(flags),
        "authenticity": authenticity,
        "er_percentile": er_percentile,
        "influence": influence,
        "bridging": bridging,
        "sponsored_share": sponsored,
    }


def evidence_document(item: Evidence, seq: int) -> dict[str, Any]:
    """An evidence-index document; ``seq`` keeps the grouping's order."""
    return {**dataclasses.asdict(item), "seq": seq}


def evidence_from(source: dict[str, Any]) -> Evidence:
    """The inverse of :func:`evidence_document`."""
    names = {f.name for f in dataclasses.fields(Evidence)}
    return Evidence(**{k: v for k, v in source.items() if k in names})


def observed_us(creator: Creator) -> int:
    """When the profile was observed, in microseconds since 1970 (for newest-wins)."""
    observed = creator.provenance.observed_at
    return max(0, int(observed.timestamp() * 1_000_000))


def creator_document(creator: Creator) -> dict[str, Any]:
    """The creators-index document of a creator's profile."""
    key = handle_key(creator.handle)
    return {
        "creator_id": creator.id,
        "platform": creator.platform.lower(),
        "handle_key": key,
        "handle_local": key.split("@", 1)[0],
        "url_key": url_key(creator.profile_url) if creator.profile_url else None,
        "observed_us": observed_us(creator),
        "creator": creator.model_dump(mode="json", exclude_computed_fields=True),
    }


NEWEST_WINS = (
    "if (ctx._source.observed_us == null || params.doc.observed_us >= ctx._source.observed_us)"
    " { def pid = ctx._source.person_id; def size = ctx._source.person_size;"
    " ctx._source.clear(); ctx._source.putAll(params.doc);"
    " if (pid != null) { ctx._source.person_id = pid; ctx._source.person_size = size; } }"
    " else { ctx.op = 'noop' }"
)
"""Painless: keep the stored profile when it was observed later than the new one; a new
profile keeps the person the last grouping pass gave the creator."""


def snapshot_document(record: ScoredCreator) -> dict[str, Any]:
    """A metrics data-stream document: the record's numbers at their observation time."""
    creator = record.creator
    score = record.score
    return {
        "@timestamp": iso(creator.provenance.observed_at),
        "creator_id": creator.id,
        "niche": record.niche,
        "platform": creator.platform.lower(),
        "tier": score.tier.tier.lower(),
        "followers": creator.followers,
        "following": creator.following,
        "posts_count": creator.posts_count,
        "engagement_rate": score.engagement.rate,
        "score": score.score,
        "relevance": score.relevance.score,
    }


def snapshot_id(document: dict[str, Any]) -> str:
    """Deterministic id of a snapshot: writing the same observation twice is a no-op."""
    key = "|".join(str(document.get(k)) for k in ("creator_id", "niche", "@timestamp")).lower()
    return hashlib.sha1(key.encode()).hexdigest()
