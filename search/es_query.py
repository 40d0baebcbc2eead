"""A :class:`SearchQuery` in the Elasticsearch query DSL, and facets counted per creator.

Pure functions (no client, no I/O), so the translation is unit-tested everywhere. The
semantics are the ones documented on :class:`SearchQuery`; how each is met here:

* **Text.** The user's text is split into words exactly as the embedded index does it
  (:func:`creatorscout.search.fts.parse_text`: same folding, same separators, FTS
  operators dropped, at most 32 words). Each word becomes its own clause and all must
  match (AND). A word goes into ``match``/``multi_match`` queries (which analyse text and
  parse no syntax) or, for scripts matched by substring, into a ``wildcard`` query whose
  special characters are escaped. No ``query_string`` or ``simple_query_string`` is ever
  built. Words of 3+ characters match as prefixes (``bool_prefix``); shorter ones whole.
* **One hit per creator.** Records are sorted by the sort key, then creator id, then niche;
  a creator's first record in that order is its best one. Hits are read in that order and
  later records of a creator already seen are skipped (:class:`Deduplicator`).
* **Counts and facets per creator.** The match count and the facet buckets count records;
  an aggregation lists the creators with more than one matching record (records are routed
  by creator id, so its counts are exact) together with their records in sort order, and
  :func:`count_creators` takes the extra records away. With ``niche`` set there are no
  duplicates and the aggregation is skipped.
* **One hit per person** (``collapse_person``): the same, grouped by ``group_id`` (the
  person id of a creator whose person has several profiles, else the creator id) instead
  of the creator id. Exact on one shard (the default template); with several shards a
  person's profiles may be counted apart.
* **Crawl-level scores** (authenticity, engagement percentile, influence, bridging,
  sponsored share, flags) are stored as the embedded index derives them, filtered with
  ``range``/``terms`` and sorted descending with unknown last, then by score.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from creatorscout.search.fts import needs_substring, parse_text
from creatorscout.search.query import FACETS, SORT_SPECS, UNKNOWN, SearchQuery

FIELD_BOOSTS = {"handle": 2.0, "display_name": 2.0, "bio": 3.0, "posts": 1.0}
"""Weights of the text fields, as the embedded index's bm25 column weights."""

FACET_FIELDS = {"platform": "platform", "tier": "tier", "language": "languages", "role": "role"}
"""Facet name -> field of the records index."""

FACET_SIZE = 1000
"""Most values one facet reports."""

DUPLICATES_LIMIT = 10_000
"""Most creators with several matching records whose extra records are taken out of the
counts exactly; beyond that, counts may include a creator once per matching record."""

RECORDS_PER_CREATOR = 100
"""Most records per creator the duplicate aggregation reads (Elasticsearch's default
``index.max_inner_result_window``)."""


def _fields() -> list[str]:
    return [f"text.{name}^{boost:g}" for name, boost in FIELD_BOOSTS.items()]


def _ranking_fields() -> list[str]:
    from creatorscout.search.es_mapping import LANGUAGE_ANALYZERS

    return [f"text.{name}.{code}" for name in ("bio", "posts") for code in LANGUAGE_ANALYZERS]


def escape_wildcard(term: str) -> str:
    """Escape the wildcard query's special characters (``\\``, ``*``, ``?``)."""
    return term.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")


def word_clause(term: str) -> dict[str, Any]:
    """The clause one (folded, case-folded) word must satisfy."""
    if needs_substring(term):
        pattern = f"*{escape_wildcard(term)}*"
        return {"wildcard": {"text.substring": {"value": pattern}}}
    whole = {
        "multi_match": {
            "query": term,
            "fields": _fields(),
            "type": "best_fields",
            "operator": "and",
        }
    }
    if len(term) < 3:
        return whole
    prefix = {"multi_match": {"query": term, "fields": _fields(), "type": "bool_prefix"}}
    # a whole-word match ranks by BM25; a prefix-only match still counts
    return {"bool": {"should": [whole, prefix], "minimum_should_match": 1}}


@dataclass
class TextClauses:
    """The text part of a query. Empty when the text has no words."""

    must: list[dict[str, Any]] = field(default_factory=list)
    should: list[dict[str, Any]] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.terms


def text_clauses(text: str | None) -> TextClauses:
    """Clauses for the user's text: every word must match; stemmed fields add to the rank."""
    parsed = parse_text(text)
    if parsed.empty:
        return TextClauses()
    must = [word_clause(term) for term in parsed.terms]
    plain = [t for t in parsed.terms if not needs_substring(t)]
    should: list[dict[str, Any]] = []
    if plain:
        should.append(
            {
                "multi_match": {
                    "query": " ".join(plain),
                    "fields": _ranking_fields(),
                    "type": "most_fields",
                }
            }
        )
    return TextClauses(must=must, should=should, terms=list(parsed.terms))


def filter_clauses(query: SearchQuery) -> list[dict[str, Any]]:
    """Non-scoring filters (see :class:`SearchQuery`); values normalised like the documents."""
    filters: list[dict[str, Any]] = []
    if query.niche:
        filters.append({"term": {"niche": query.niche.lower()}})
    if query.platforms:
        filters.append({"terms": {"platform": sorted({p.lower() for p in query.platforms})}})
    if query.tiers:
        filters.append({"terms": {"tier": sorted({t.lower() for t in query.tiers})}})
    followers: dict[str, int] = {}
    if query.min_followers is not None:
        followers["gte"] = query.min_followers
    if query.max_followers is not None:
        followers["lte"] = query.max_followers
    if followers:
        filters.append({"range": {"followers": followers}})
    if query.min_er is not None:
        filters.append({"range": {"er": {"gte": query.min_er}}})
    if query.languages:
        tests: list[dict[str, Any]] = []
        for code in query.languages:
            code = code.strip().lower()
            tests.append({"term": {"languages": code}})
            tests.append({"prefix": {"languages": code + "-"}})
        filters.append({"bool": {"should": tests, "minimum_should_match": 1}})
    if query.role:
        filters.append({"terms": {"role": list(query.role_values())}})
    for field_name, minimum in (
        ("score", query.min_score),
        ("relevance", query.min_relevance),
        ("authenticity", query.min_authenticity),
        ("influence", query.min_influence),
        ("bridging", query.min_bridging),
    ):
        if minimum is not None:
            filters.append({"range": {field_name: {"gte": minimum}}})
    if query.max_sponsored is not None:
        filters.append({"range": {"sponsored_share": {"lte": query.max_sponsored}}})
    if query.flags:
        filters.append({"terms": {"flags": sorted(set(query.flags))}})
    if query.exclude_flags:
        filters.append(
            {"bool": {"must_not": [{"terms": {"flags": sorted(set(query.exclude_flags))}}]}}
        )
    if query.no_flags:
        filters.append({"bool": {"must_not": [{"exists": {"field": "flags"}}]}})
    return filters


def build_query(query: SearchQuery, text: TextClauses | None = None) -> dict[str, Any]:
    """The ``query`` of a search request."""
    text = text_clauses(query.text) if text is None else text
    boolean: dict[str, Any] = {"filter": filter_clauses(query)}
    if not text.empty:
        boolean["must"] = text.must
        boolean["should"] = text.should
    return {"bool": boolean}


SCORE_FIELDS = ("authenticity", "er_percentile", "influence", "bridging", "sponsored_share")
"""Crawl-level score fields a sort may name: in the sort's order, unknown last, then by the
composite score."""


def sort_keys(query: SearchQuery, with_text: bool) -> list[dict[str, Any]]:
    """The sort criteria before the tie-breaks: descending, unknown values last."""
    if query.sort == "relevance" and with_text:
        return [{"_score": {"order": "desc"}}]
    spec = SORT_SPECS[query.sort]
    if spec.field in SCORE_FIELDS:
        return [
            {spec.field: {"order": spec.order, "missing": "_last"}},
            {"score": {"order": "desc", "missing": "_last"}},
        ]
    field_name = {"score": "score", "followers": "followers", "er": "er"}.get(
        query.sort, "relevance"
    )
    return [{field_name: {"order": "desc", "missing": "_last"}}]


def build_sort(query: SearchQuery, with_text: bool) -> list[Any]:
    """Sort keys, then creator id, then niche: a total order, so ``search_after`` pages are
    stable and a creator's (or person's) first record is its best one."""
    return [
        *sort_keys(query, with_text),
        {"creator_id": {"order": "asc"}},
        {"niche": {"order": "asc"}},
    ]


def group_field(query: SearchQuery) -> str:
    """What one hit stands for: a creator, or a person (``collapse_person``)."""
    return "group_id" if query.collapse_person else "creator_id"


def count_aggs(query: SearchQuery, with_text: bool) -> dict[str, Any]:
    """Facet aggregations, plus the duplicate creators when no niche is set."""
    aggs: dict[str, Any] = {}
    for name, field_name in FACET_FIELDS.items():
        terms: dict[str, Any] = {"field": field_name, "size": FACET_SIZE}
        if name in ("language", "role"):
            terms["missing"] = UNKNOWN
        aggs[f"facet_{name}"] = {"terms": terms}
    if not query.niche or query.collapse_person:
        sort = build_sort(query, with_text)
        group = group_field(query)
        terms = {
            "field": group,
            "min_doc_count": 2,
            "size": DUPLICATES_LIMIT,
            "shard_size": DUPLICATES_LIMIT,
        }
        if group == "creator_id":
            # records are routed by creator id: a creator's records share a shard, so its
            # count on that shard is exact (a person's profiles may not; the default
            # template has one shard)
            terms["shard_min_doc_count"] = 2
            sort = [s for s in sort if "creator_id" not in s]
        aggs["duplicates"] = {
            "terms": terms,
            "aggs": {
                "records": {
                    "top_hits": {
                        "size": RECORDS_PER_CREATOR,
                        "sort": sort,
                        "_source": {"includes": list(FACET_FIELDS.values())},
                    }
                }
            },
        }
    return aggs


def facet_values(source: dict[str, Any]) -> dict[str, list[str]]:
    """The facet values one record counts under (``unknown`` for no role / no language)."""
    languages = source.get("languages") or []
    if isinstance(languages, str):
        languages = [languages]
    return {
        "platform": [str(source.get("platform") or UNKNOWN)],
        "tier": [str(source.get("tier") or UNKNOWN)],
        "language": [str(v) for v in languages] or [UNKNOWN],
        "role": [str(source.get("role") or UNKNOWN)],
    }


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


@dataclass
class CreatorCounts:
    total: int
    facets: dict[str, dict[str, int]]
    exact: bool = True


def count_creators(
    matched_records: int,
    buckets: dict[str, dict[str, int]],
    duplicates: Iterable[list[dict[str, Any]]],
    *,
    truncated: bool = False,
) -> CreatorCounts:
    """Per-creator total and facets from per-record counts.

    ``buckets``: facet -> value -> matching records with that value. ``duplicates``: for
    each creator with several matching records, their ``_source`` (facet fields) best
    first. A creator counts once, under the values of its best record.
    """
    facets = {name: dict(buckets.get(name, {})) for name in FACETS}
    total = matched_records
    for records in duplicates:
        total -= len(records) - 1
        for extra in records[1:]:
            for name, values in facet_values(extra).items():
                for value in values:
                    if value in facets[name]:
                        facets[name][value] -= 1
    ordered = {
        name: dict(sorted(((v, c) for v, c in counts.items() if c > 0), key=_by_count))
        for name, counts in facets.items()
    }
    return CreatorCounts(total=max(total, 0), facets=ordered, exact=not truncated)


def read_counts(response: dict[str, Any]) -> CreatorCounts:
    """:func:`count_creators` over a response to a request with :func:`count_aggs`."""
    aggs = response.get("aggregations", {})
    buckets: dict[str, dict[str, int]] = {}
    for name in FACETS:
        agg = aggs.get(f"facet_{name}", {})
        buckets[name] = {str(b["key"]): int(b["doc_count"]) for b in agg.get("buckets", [])}
    duplicates: list[list[dict[str, Any]]] = []
    truncated = False
    if "duplicates" in aggs:
        dup = aggs["duplicates"]
        for bucket in dup.get("buckets", []):
            hits = bucket["records"]["hits"]["hits"]
            duplicates.append([h.get("_source", {}) for h in hits])
            if int(bucket["doc_count"]) > len(hits):
                truncated = True
        truncated = truncated or len(dup.get("buckets", [])) >= DUPLICATES_LIMIT
    matched = int(response["hits"]["total"]["value"])
    return count_creators(matched, buckets, duplicates, truncated=truncated)


def creator_of(hit: dict[str, Any]) -> str:
    """The creator id of a hit sorted by :func:`build_sort` (second to last sort value)."""
    return str(hit["sort"][-2])


def person_or_creator(hit: dict[str, Any]) -> str:
    """The group of a hit read with ``group_id`` in its source (``collapse_person``)."""
    return str(hit.get("_source", {}).get("group_id") or creator_of(hit))


class Deduplicator:
    """Walks records in sort order and keeps each creator's (or person's) first record.

    Feed it hits (dicts with ``sort`` values, creator id second to last) with :meth:`add`;
    :attr:`page` collects the hits ranked ``offset + 1`` to ``offset + limit``.
    """

    def __init__(
        self, offset: int, limit: int, key: Callable[[dict[str, Any]], str] = creator_of
    ) -> None:
        self.offset = offset
        self.limit = limit
        self.key = key
        self.seen: set[str] = set()
        self.page: list[dict[str, Any]] = []

    @property
    def done(self) -> bool:
        return len(self.page) >= self.limit

    def add(self, hits: Iterable[dict[str, Any]]) -> None:
        for hit in hits:
            if self.done:
                return
            group = self.key(hit)
            if group in self.seen:
                continue
            self.seen.add(group)
            if len(self.seen) > self.offset:
                self.page.append(hit)
