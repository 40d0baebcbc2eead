"""A SearchQuery in the Elasticsearch DSL: filters, sorts, text that is never query syntax,
and counting creators (not records). Pure functions, no cluster."""

from __future__ import annotations

import json
from typing import Any

import pytest

from creatorscout.search.es_query import (
    DUPLICATES_LIMIT,
    Deduplicator,
    build_query,
    build_sort,
    count_aggs,
    count_creators,
    creator_of,
    escape_wildcard,
    filter_clauses,
    person_or_creator,
    read_counts,
    text_clauses,
    word_clause,
)
from creatorscout.search.query import FACETS, SORTS, SearchQuery

PARSERS = {"query_string", "simple_query_string", "q", "regexp", "fuzzy", "script", "intervals"}


def _walk(node: Any) -> Any:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _strings_reaching_queries(body: dict[str, Any]) -> list[str]:
    """Every user-derived string: ``query`` of match queries and wildcard values."""
    found = []
    for key, value in _walk(body):
        if key in ("multi_match", "match") and isinstance(value, dict):
            found.append(value["query"])
        if key == "wildcard":
            found += [v["value"] for v in value.values()]
    return found


# -- filters ---------------------------------------------------------------------------------


def test_no_query_is_match_all() -> None:
    assert build_query(SearchQuery()) == {"bool": {"filter": []}}


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ({"niche": "Vegan-Cooking"}, {"term": {"niche": "vegan-cooking"}}),
        ({"platforms": ["Mastodon", "bluesky"]}, {"terms": {"platform": ["bluesky", "mastodon"]}}),
        ({"tiers": ["MICRO"]}, {"terms": {"tier": ["micro"]}}),
        ({"min_followers": 10}, {"range": {"followers": {"gte": 10}}}),
        ({"max_followers": 20}, {"range": {"followers": {"lte": 20}}}),
        ({"min_followers": 1, "max_followers": 2}, {"range": {"followers": {"gte": 1, "lte": 2}}}),
        ({"min_er": 2.5}, {"range": {"er": {"gte": 2.5}}}),
        ({"role": "connector"}, {"terms": {"role": ["connector", "both"]}}),
        (
            {"languages": [" DE "]},
            {
                "bool": {
                    "should": [{"term": {"languages": "de"}}, {"prefix": {"languages": "de-"}}],
                    "minimum_should_match": 1,
                }
            },
        ),
    ],
)
def test_filters(query: dict[str, Any], clause: dict[str, Any]) -> None:
    assert filter_clauses(SearchQuery(**query)) == [clause]


# Fields handled elsewhere than in filter_clauses: text, sort and the page.
NOT_FILTERS = {"text", "sort", "limit", "offset"}
SAMPLE_VALUES: dict[str, Any] = {
    "niche": "x",
    "platforms": ["mastodon"],
    "tiers": ["micro"],
    "min_followers": 5,
    "max_followers": 500,
    "min_er": 1.0,
    "languages": ["de"],
    "role": "influencer",
    "min_score": 10.0,
    "min_relevance": 0.5,
    "min_authenticity": 0.5,
    "min_influence": 50.0,
    "min_bridging": 0.3,
    "max_sponsored": 0.2,
    "flags": ["brand_safety"],
    "exclude_flags": ["brand_safety"],
    "no_flags": True,
    "collapse_person": True,
}


def test_every_search_query_field_is_translated() -> None:
    """A field added to SearchQuery must change the request, or this fails: the backend
    would silently ignore it."""
    plain = (build_query(SearchQuery()), count_aggs(SearchQuery(), with_text=False))
    for name, info in SearchQuery.model_fields.items():
        if name in NOT_FILTERS:
            continue
        assert name in SAMPLE_VALUES, f"SearchQuery.{name} has no sample value here"
        default = info.get_default(call_default_factory=True)
        assert SAMPLE_VALUES[name] != default
        query = SearchQuery(**{name: SAMPLE_VALUES[name]})
        assert (build_query(query), count_aggs(query, with_text=False)) != plain, name


def test_every_sort_is_translated() -> None:
    firsts = {
        sort: json.dumps(build_sort(SearchQuery(sort=sort), with_text=False)[0])
        for sort in SORTS
    }
    assert len(set(firsts.values())) == len(SORTS)


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ({"min_score": 10}, {"range": {"score": {"gte": 10}}}),
        ({"min_authenticity": 0.5}, {"range": {"authenticity": {"gte": 0.5}}}),
        ({"max_sponsored": 0.2}, {"range": {"sponsored_share": {"lte": 0.2}}}),
        ({"flags": ["b", "a"]}, {"terms": {"flags": ["a", "b"]}}),
        ({"exclude_flags": ["a"]}, {"bool": {"must_not": [{"terms": {"flags": ["a"]}}]}}),
        ({"no_flags": True}, {"bool": {"must_not": [{"exists": {"field": "flags"}}]}}),
    ],
)
def test_score_filters(query: dict[str, Any], clause: dict[str, Any]) -> None:
    assert filter_clauses(SearchQuery(**query)) == [clause]


def test_score_sorts_fall_back_on_the_score() -> None:
    assert build_sort(SearchQuery(sort="influence"), with_text=False)[:2] == [
        {"influence": {"order": "desc", "missing": "_last"}},
        {"score": {"order": "desc", "missing": "_last"}},
    ]


def test_collapsing_persons_groups_by_person() -> None:
    aggs = count_aggs(SearchQuery(niche="x", collapse_person=True), with_text=False)
    terms = aggs["duplicates"]["terms"]
    assert terms["field"] == "group_id" and "shard_min_doc_count" not in terms
    # the creator id stays a tie-break inside a person
    assert {"creator_id": {"order": "asc"}} in aggs["duplicates"]["aggs"]["records"][
        "top_hits"
    ]["sort"]
    hit = {"_id": "x", "sort": [1, "mastodon:1", "n"], "_source": {"group_id": "person:9"}}
    assert person_or_creator(hit) == "person:9" and creator_of(hit) == "mastodon:1"


# -- text --------------------------------------------------------------------------------------


def test_words_are_clauses_that_must_all_match() -> None:
    clauses = text_clauses("Vegan Käse  to")
    assert clauses.terms == ["vegan", "käse", "to"]
    assert len(clauses.must) == 3
    vegan, _kase, short = clauses.must
    # 3+ characters: the whole word ranks, a prefix also matches
    should = vegan["bool"]["should"]
    assert [s["multi_match"]["type"] for s in should] == ["best_fields", "bool_prefix"]
    assert all(s["multi_match"]["query"] == "vegan" for s in should)
    assert vegan["bool"]["minimum_should_match"] == 1
    # short words match whole only
    assert short == {
        "multi_match": {
            "query": "to",
            "fields": ["text.handle^2", "text.display_name^2", "text.bio^3", "text.posts^1"],
            "type": "best_fields",
            "operator": "and",
        }
    }
    # the stemmed language fields only add to the rank (should, beside the musts)
    [ranking] = clauses.should
    assert ranking["multi_match"]["query"] == "vegan käse to"
    assert "text.bio.de" in ranking["multi_match"]["fields"]


def test_substring_scripts_use_the_wildcard_field() -> None:
    assert word_clause("יין") == {"wildcard": {"text.substring": {"value": "*יין*"}}}
    assert word_clause("日本") == {"wildcard": {"text.substring": {"value": "*日本*"}}}
    clauses = text_clauses("ワイン wine")
    assert [list(c) for c in clauses.must] == [["wildcard"], ["bool"]]
    assert clauses.should[0]["multi_match"]["query"] == "wine"  # no CJK in stemmed fields


def test_wildcard_escaping() -> None:
    assert escape_wildcard("a*b?c\\d") == "a\\*b\\?c\\\\d"


@pytest.mark.parametrize(
    "text",
    [
        '"tofu"',
        "tofu*",
        "bio:tofu",
        "text.bio:tofu OR x",
        "tofu~2",
        "/tof.*/",
        "tofu^10",
        '{"query_string": {"query": "*"}}',
        "(a AND b) || c && d",
        "*日*",
        "?יין",
        "\\",
        "x" * 5000,
        " ".join(f"w{i}" for i in range(200)),
    ],
)
def test_user_text_never_reaches_a_parser(text: str) -> None:
    body = build_query(SearchQuery(text=text))
    keys = {key for key, _ in _walk(body)}
    assert not keys & PARSERS
    for value in _strings_reaching_queries(body):
        # plain words only: letters, digits and marks (and a space between ranking words)
        core = value.strip("*") if value.startswith("*") else value
        assert all(ch.isalnum() or ch == " " or not ch.isprintable() or ch.isalpha()
                   or ch in "\u0301" for ch in core), value
        assert not set(core) & set('"*?:\\/(){}[]^~|&'), value
    assert len(text_clauses(text).must) <= 32
    json.dumps(body)  # serialisable


@pytest.mark.parametrize("text", [None, "", '"', "AND OR NOT", "* ( ) :", "🙂", "\x00"])
def test_text_without_words_adds_nothing(text: str | None) -> None:
    assert text_clauses(text).empty
    assert build_query(SearchQuery(text=text)) == build_query(SearchQuery())


# -- sorts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "with_text", "first"),
    [
        ("score", False, {"score": {"order": "desc", "missing": "_last"}}),
        ("followers", False, {"followers": {"order": "desc", "missing": "_last"}}),
        ("er", True, {"er": {"order": "desc", "missing": "_last"}}),
        ("relevance", False, {"relevance": {"order": "desc", "missing": "_last"}}),
        ("relevance", True, {"_score": {"order": "desc"}}),
    ],
)
def test_sorts_end_with_id_then_niche(sort: str, with_text: bool, first: Any) -> None:
    assert build_sort(SearchQuery(sort=sort), with_text) == [
        first,
        {"creator_id": {"order": "asc"}},
        {"niche": {"order": "asc"}},
    ]


# -- counting creators -------------------------------------------------------------------------


def test_duplicates_are_only_counted_without_a_niche() -> None:
    aggs = count_aggs(SearchQuery(), with_text=False)
    assert set(aggs) == {f"facet_{f}" for f in FACETS} | {"duplicates"}
    terms = aggs["duplicates"]["terms"]
    assert (terms["field"], terms["min_doc_count"], terms["size"]) == (
        "creator_id",
        2,
        DUPLICATES_LIMIT,
    )
    top = aggs["duplicates"]["aggs"]["records"]["top_hits"]
    assert top["sort"] == [
        {"score": {"order": "desc", "missing": "_last"}},
        {"niche": {"order": "asc"}},
    ]
    assert "duplicates" not in count_aggs(SearchQuery(niche="x"), with_text=False)
    assert aggs["facet_role"]["terms"]["missing"] == "unknown"
    assert aggs["facet_language"]["terms"]["missing"] == "unknown"
    assert "missing" not in aggs["facet_platform"]["terms"]


def test_count_creators_takes_out_the_extra_records() -> None:
    # three creators, five records: X has three (best first), Y one, Z one
    buckets = {
        "platform": {"mastodon": 4, "bluesky": 1},
        "tier": {"micro": 3, "nano": 2},
        "language": {"de": 4, "en": 2, "unknown": 1},
        "role": {"influencer": 2, "connector": 2, "unknown": 1},
    }
    x_records = [
        {"platform": "mastodon", "tier": "nano", "languages": ["de"], "role": "influencer"},
        {"platform": "mastodon", "tier": "micro", "languages": ["de", "en"], "role": "connector"},
        {"platform": "mastodon", "tier": "micro", "languages": [], "role": None},
    ]
    counts = count_creators(5, buckets, [x_records])
    assert counts.total == 3 and counts.exact
    assert counts.facets == {
        "platform": {"mastodon": 2, "bluesky": 1},
        "tier": {"nano": 2, "micro": 1},
        "language": {"de": 3, "en": 1},
        "role": {"influencer": 2, "connector": 1},
    }
    assert list(counts.facets["platform"]) == ["mastodon", "bluesky"]


def test_read_counts_from_a_response() -> None:
    response = {
        "hits": {"total": {"value": 3, "relation": "eq"}},
        "aggregations": {
            "facet_platform": {"buckets": [{"key": "mastodon", "doc_count": 3}]},
            "facet_tier": {"buckets": [{"key": "micro", "doc_count": 3}]},
            "facet_language": {"buckets": [{"key": "unknown", "doc_count": 3}]},
            "facet_role": {"buckets": [{"key": "both", "doc_count": 3}]},
            "duplicates": {
                "buckets": [
                    {
                        "key": "mastodon:1",
                        "doc_count": 2,
                        "records": {
                            "hits": {
                                "hits": [
                                    {"_source": {"platform": "mastodon", "tier": "micro",
                                                 "role": "both"}},
                                    {"_source": {"platform": "mastodon", "tier": "micro",
                                                 "role": "both"}},
                                ]
                            }
                        },
                    }
                ]
            },
        },
    }
    counts = read_counts(response)
    assert counts.total == 2
    assert counts.facets["platform"] == {"mastodon": 2}
    assert counts.facets["language"] == {"unknown": 2}


def test_deduplicator_keeps_each_creators_first_record() -> None:
    hits = [
        {"_id": f"{cid}|{niche}", "sort": [score, cid, niche]}
        for score, cid, niche in [
            (90, "b", "wine"),
            (80, "a", "vegan"),
            (60, "b", "vegan"),
            (60, "c", "vegan"),
            (40, "e", "wine"),
            (20, "d", "vegan"),
        ]
    ]
    everything = Deduplicator(0, 100)
    everything.add(hits)
    assert [h["_id"] for h in everything.page] == [
        "b|wine", "a|vegan", "c|vegan", "e|wine", "d|vegan"
    ]
    page = Deduplicator(2, 2)
    page.add(hits[:3])
    assert not page.done
    page.add(hits[3:])
    assert [h["_id"] for h in page.page] == ["c|vegan", "e|wine"] and page.done
