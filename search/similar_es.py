"""Text neighbours in Elasticsearch: ``more_like_this`` over the record's bio and posts;
the distinctive terms (for the reasons) from the record's term vectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from creatorscout.search.es_mapping import record_id
from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import TextNeighbours, distinctive, terms_of, text_of

if TYPE_CHECKING:
    from creatorscout.search.es_index import ElasticIndex

FIELDS = ["text.bio", "text.posts"]


def text_neighbours(
    index: ElasticIndex, record: ScoredCreator, *, pool: int, platform: str | None = None
) -> TextNeighbours:
    names = index.names
    doc_id = record_id(record.id, record.niche)
    vectors = index._call(
        "read term vectors", index._client.termvectors, index=names.records, id=doc_id,
        routing=record.id, fields=FIELDS, term_statistics=True, field_statistics=True,
        positions=False, offsets=False,
    )
    doc_freq: dict[str, int] = {}
    documents = 0
    for data in (vectors.get("term_vectors") or {}).values():
        documents = max(documents, int(data.get("field_statistics", {}).get("doc_count", 0)))
        for term, info in (data.get("terms") or {}).items():
            doc_freq[term] = max(doc_freq.get(term, 0), int(info.get("doc_freq", 0)))
    terms = distinctive(terms_of(text_of(record)), doc_freq, documents)
    filters: list[dict[str, Any]] = []
    if platform:
        filters.append({"term": {"platform": platform.lower()}})
    response = index._call(
        "find similar creators", index._client.search, index=names.records,
        query={"bool": {
            "must": [{"more_like_this": {
                "fields": FIELDS,
                "like": [{"_index": names.records, "_id": doc_id, "routing": record.id}],
                "min_term_freq": 1, "min_doc_freq": 2, "max_query_terms": 25,
            }}],
            "must_not": [{"term": {"creator_id": record.id}}],
            "filter": filters,
        }},
        size=min(pool * 3, 1000), source=["creator_id"],
    )
    best: dict[str, float] = {}
    for hit in response["hits"]["hits"]:
        cid = hit["_source"]["creator_id"]
        best[cid] = max(best.get(cid, 0.0), float(hit.get("_score") or 0.0))
    top = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:pool]
    return TextNeighbours(terms=terms, scores=dict(top))
