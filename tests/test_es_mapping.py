"""The Elasticsearch mapping is generated from our pydantic models, and every document we
send fits it (the top level is ``dynamic: strict``, so a stray field would be refused by a
cluster; this checks it without one)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from creatorscout.plugins.models import Creator, CreatorFlags, Post
from creatorscout.scoring.identity import Evidence
from creatorscout.scoring.results import CreatorScore
from creatorscout.search.es_mapping import (
    ANALYSIS,
    FREE_TEXT,
    LANGUAGE_ANALYZERS,
    Names,
    UnmappedType,
    creator_document,
    creators_mapping,
    evidence_document,
    evidence_from,
    evidence_mapping,
    field_mapping,
    metrics_mapping,
    model_properties,
    record_document,
    record_id,
    records_mapping,
    snapshot_document,
    snapshot_id,
)
from creatorscout.search.fts import fold
from creatorscout.search.records import ScoredCreator
from tests.factories import make_creator, make_post, make_scored


def _models(model: type[BaseModel], path: str = "") -> list[tuple[str, type[BaseModel]]]:
    """Every (path, model) inside a model, itself included."""
    found = [(path, model)]
    for name, info in model.model_fields.items():
        annotation = info.annotation
        for candidate in getattr(annotation, "__args__", ()) + (annotation,):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found += _models(candidate, f"{path}.{name}" if path else name)
    return found


def _at(properties: dict[str, Any], path: str) -> dict[str, Any]:
    node: dict[str, Any] = {"properties": properties}
    for part in path.split(".") if path else []:
        node = node["properties"][part]
    return node


def test_every_model_field_is_mapped() -> None:
    properties = model_properties(ScoredCreator)
    for path, model in _models(ScoredCreator):
        if path.startswith("posts."):
            continue  # inside the disabled posts object
        node = _at(properties, path)
        if node.get("enabled") is False:  # posts: stored, not indexed (a judgement)
            assert path == "posts"
            continue
        assert set(node["properties"]) == set(model.model_fields), path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("creator.followers", {"type": "long"}),
        ("creator.created_at", {"type": "date"}),
        ("creator.platform", {"type": "keyword", "ignore_above": 1024}),
        ("creator.languages", {"type": "keyword", "ignore_above": 1024}),
        ("creator.flags.opted_out", {"type": "boolean"}),
        ("creator.lookup", {"type": "flattened"}),
        ("creator.provenance.observed_at", {"type": "date"}),
        ("creator.bio", {"type": "keyword", "index": False, "doc_values": False}),
        ("score.score", {"type": "double"}),
        ("score.engagement.confidence", {"type": "keyword"}),
        ("score.relevance.matched_terms", {"type": "flattened"}),
        ("score.components.weight", {"type": "double"}),
        ("crawl.depth", {"type": "long"}),
        ("posts", {"type": "object", "enabled": False}),
    ],
)
def test_types_follow_the_annotations(path: str, expected: dict[str, Any]) -> None:
    assert _at(model_properties(ScoredCreator), path) == expected


def test_free_text_is_stored_not_indexed() -> None:
    properties = model_properties(Post, overrides={})
    assert properties["text"]["index"] is False
    assert "text" in FREE_TEXT and "bio" in FREE_TEXT


def test_a_type_without_a_rule_is_an_error() -> None:
    class Odd(BaseModel):
        blob: bytes

    with pytest.raises(UnmappedType, match="blob"):
        model_properties(Odd)
    assert field_mapping("x", Literal["a", "b"]) == {"type": "keyword"}
    assert field_mapping("x", int | float | None) == {"type": "double"}
    assert field_mapping("x", list[datetime]) == {"type": "date"}


def test_the_creators_mapping_covers_creator() -> None:
    properties = creators_mapping()["properties"]["creator"]["properties"]
    assert set(properties) == set(Creator.model_fields)
    assert properties["flags"]["properties"].keys() == CreatorFlags.model_fields.keys()


def test_records_mapping() -> None:
    mapping = records_mapping()
    assert mapping["dynamic"] == "strict" and mapping["_routing"] == {"required": True}
    props = mapping["properties"]
    for name in ("niche", "platform", "tier", "role", "languages"):
        assert props[name]["normalizer"] == "lower"  # compared case-insensitively
    assert props["followers"]["type"] == "long"
    assert {props[n]["type"] for n in ("er", "score", "relevance")} == {"double"}
    text = props["text"]["properties"]
    assert text["substring"] == {"type": "wildcard"}
    for name in ("handle", "display_name", "bio", "posts"):
        assert text[name]["analyzer"] == "words"
        assert text[name]["index_prefixes"]["min_chars"] == 3
    assert set(text["bio"]["fields"]) == set(LANGUAGE_ANALYZERS)
    assert props["record"]["dynamic"] is False
    assert props["record"]["properties"] == model_properties(ScoredCreator)


def test_the_words_analyzer_splits_like_the_embedded_index() -> None:
    pattern = ANALYSIS["tokenizer"]["words"]["pattern"]
    # the complement of the categories of search/fts.py's WORDS_TOKENIZER
    assert pattern == r"[^\p{L}\p{N}\p{M}\p{Co}]+"
    assert ANALYSIS["analyzer"]["words"]["filter"] == ["lowercase", "asciifolding"]


def test_templates_do_not_collide_between_prefixes() -> None:
    default, team = Names("creatorscout"), Names("creatorscout-team")
    assert default.priority != team.priority
    templates = default.templates()
    assert set(templates) == {
        "creatorscout-records",
        "creatorscout-creators",
        "creatorscout-evidence",
        "creatorscout-metrics",
    }
    assert templates["creatorscout-records"]["index_patterns"] == ["creatorscout-records-*"]
    assert templates["creatorscout-metrics"]["data_stream"] == {}
    assert default.generation(default.records, 1) == "creatorscout-records-000001"
    # aliases are set when an index is created, never in a template (a rebuild has two
    # generations at once, and only one may carry the alias)
    for body in templates.values():
        assert "aliases" not in body["template"]


# -- documents fit the mapping ----------------------------------------------------------


def _fits(document: dict[str, Any], properties: dict[str, Any], path: str = "") -> None:
    for key, value in document.items():
        where = f"{path}.{key}" if path else key
        assert key in properties, f"{where} is not in the mapping"
        field = properties[key]
        if "properties" in field and isinstance(value, dict):
            if field.get("dynamic") is not False:
                _fits(value, field["properties"], where)
            continue
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        kind = field.get("type")
        for item in values:
            if kind in ("long",):
                assert isinstance(item, int) and not isinstance(item, bool), where
            elif kind == "double":
                assert isinstance(item, int | float), where
            elif kind in ("keyword", "wildcard", "text"):
                assert isinstance(item, str), where
            elif kind == "date":
                datetime.fromisoformat(item)


def _record() -> ScoredCreator:
    creator = make_creator(
        "7", display_name="Dana", bio="שָׁלוֹם, וְהַיַּיִן", languages=["He", "en", " "],
        profile_url="https://Example.social/@dana/", platform="Mastodon",
    )
    posts = [make_post(creator, n, text=f"יין {n}", hashtags=["wine"]) for n in range(2)]
    return make_scored(creator, posts=posts, role="Connector", tier="Micro", er=None)


def test_record_documents_fit_the_mapping() -> None:
    record = _record()
    document = record_document(record)
    _fits(document, records_mapping()["properties"])
    assert document["platform"] == "mastodon" and document["tier"] == "micro"
    assert document["role"] == "connector" and document["er"] is None
    assert document["languages"] == ["en", "he"]
    assert document["post_ids"] == ["Mastodon:7-0", "Mastodon:7-1"]
    assert document["text"]["bio"] == fold(record.creator.bio or "")
    assert "#wine" in document["text"]["posts"]
    assert document["text"]["substring"] == document["text"]["substring"].casefold()
    assert "שלום" in document["text"]["substring"]  # folded: no points
    assert ScoredCreator.model_validate(document["record"]) == record


def test_latin_text_has_no_substring_field() -> None:
    document = record_document(make_scored(make_creator("1", bio="Käse und Wein")))
    assert "substring" not in document["text"]


def test_creator_and_snapshot_documents_fit() -> None:
    record = _record()
    creator = creator_document(record.creator)
    _fits(creator, creators_mapping()["properties"])
    assert (creator["handle_key"], creator["handle_local"]) == ("user7@example.social", "user7")
    assert creator["url_key"] == "example.social/@dana"
    assert creator["observed_us"] == int(record.creator.provenance.observed_at.timestamp() * 1e6)
    snapshot = snapshot_document(record)
    _fits(snapshot, metrics_mapping()["properties"])
    assert snapshot["followers"] == 1000 and snapshot["engagement_rate"] is None


def test_ids_are_deterministic() -> None:
    assert record_id("mastodon:1", "Vegan-Cooking") == "mastodon:1|vegan-cooking"
    one, two = snapshot_document(_record()), snapshot_document(_record())
    assert snapshot_id(one) == snapshot_id(two)
    assert re.fullmatch(r"[0-9a-f]{40}", snapshot_id(one))
    later = dict(one, **{"@timestamp": "2027-01-01T00:00:00+00:00"})
    assert snapshot_id(later) != snapshot_id(one)


def test_score_model_changes_reach_the_mapping() -> None:
    # the mapping is generated, so a field added to CreatorScore appears without edits here
    assert set(_at(model_properties(ScoredCreator), "score")["properties"]) == set(
        CreatorScore.model_fields
    )


def test_evidence_documents_fit_and_round_trip() -> None:
    item = Evidence(
        source_id="mastodon:a", link="https://lena.example/", key="lena.example",
        target_id=None, published="rel_me", status="one_way", merged=False, note="no answer",
    )
    document = evidence_document(item, 7)
    _fits(document, evidence_mapping()["properties"])
    assert document["seq"] == 7 and evidence_from(document) == item
    assert evidence_mapping()["properties"]["merged"] == {"type": "boolean"}
