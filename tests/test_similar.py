"""Lookalikes: the ranking's parts and reasons, both backends' text neighbours, and
``scout similar``. The evaluation on sandbox worlds is benchmarks/eval_lookalikes.py."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins.models import CreatorRef
from creatorscout.scoring.identity import Grouping
from creatorscout.scoring.identity import person_id as identity_person_id
from creatorscout.scoring.results import NetworkResult
from creatorscout.search.backend import Index
from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import (
    closeness_part,
    distinctive,
    find_lookalikes,
    graph_part,
    normalise,
    rank_lookalikes,
    terms_of,
)
from tests import test_index_contract as contract
from tests.factories import make_creator, make_post, make_scored

backend_url = contract.backend_url
es_host = contract.es_host
es_url = contract.es_url
index = contract.index


def with_network(record: ScoredCreator, community: int | None) -> ScoredCreator:
    network = NetworkResult(
        pagerank=0.1, influence_percentile=50, community=community, neighbours=3,
        in_mentions=1, out_mentions=1, communities_touched=1, participation=0.2,
        graph_nodes=10, graph_edges=12, communities=2, reason="test",
    )
    return record.model_copy(update={"score": record.score.model_copy(
        update={"network": network})})


def test_terms_fold_like_the_indexes() -> None:
    assert normalise("Käse") == "kase" and normalise("ÉCOLE") == "ecole"
    assert normalise("ღვინო") == "ღვინო"  # other scripts unchanged
    assert terms_of(["Käse, käse and 2024 #Sauerteig", None]) == Counter(
        {"kase": 2, "and": 1, "sauerteig": 1})


def test_distinctive_terms_prefer_rare_and_skip_unique() -> None:
    counts = Counter({"levain": 2, "the": 5, "mine": 3})
    picked = distinctive(counts, {"levain": 3, "the": 900, "mine": 1}, documents=1000)
    assert [term for term, _ in picked] == ["levain", "the"]  # 'mine' is nobody else's


def test_graph_part_counts_mentions_both_ways_community_and_neighbours() -> None:
    a, b = make_creator("a"), make_creator("b")
    to_b = CreatorRef(platform="mastodon", native_id="b")
    to_a = CreatorRef(platform="mastodon", native_id="a")
    shared = CreatorRef(platform="mastodon", native_id="z")
    source = with_network(make_scored(a, posts=[
        make_post(a, 0, mentions=[to_b, shared]), make_post(a, 1, mentions=[to_b])]), 3)
    other = with_network(make_scored(b, posts=[make_post(b, 0, mentions=[to_a, shared])]), 3)
    value, reasons = graph_part(source, other)
    assert reasons == ["mentions it twice", "is mentioned by it once",
                       "same community in 'vegan-cooking'", "1 shared neighbour"]
    assert value == pytest.approx(0.4 * 1 + 0.35 + 0.25 / 3)
    stranger = with_network(make_scored(make_creator("c")), 4)
    assert graph_part(source, stranger) == (0.0, [])


def test_closeness_part() -> None:
    source = make_scored(make_creator("a", languages=["de-AT", "en"]), tier="micro", er=2.0)
    near = make_scored(make_creator("b", languages=["de"]), tier="micro", er=2.4)
    far = make_scored(make_creator("c", languages=["ja"]), tier="mega", er=20.0)
    value, reasons = closeness_part(source, near)
    assert reasons == ["same tier (micro)", "similar engagement (2.4% vs 2.0%)",
                       "writes in de too"]
    assert value > 0.7
    assert closeness_part(source, far) == (0.0, [])


def test_ranking_orders_by_weighted_parts_and_leaves_out_the_person() -> None:
    source = make_scored(make_creator("s", bio="levain crumb hydration"))
    twin = make_scored(make_creator("t", bio="levain crumb hydration"))
    half = make_scored(make_creator("h", bio="levain"))
    me_elsewhere = make_scored(make_creator("m", bio="levain crumb hydration"))
    terms = [("levain", 3.0), ("crumb", 2.0), ("hydration", 1.0)]
    ranked = rank_lookalikes(source, [half, me_elsewhere, source, twin], terms,
                             exclude=[me_elsewhere.id])
    assert [hit.record.id for hit in ranked] == [twin.id, half.id]
    assert ranked[0].parts["text"] == 1.0 and ranked[1].parts["text"] == 0.5
    assert ranked[0].reasons[0] == ("shares 3 of its 3 most distinctive terms: "
                                    "levain, crumb, hydration")


def _bakers(index: Index) -> None:
    records = [
        make_scored(make_creator("k1", bio="sourdough levain crumb")),
        make_scored(make_creator("k2", bio="levain crumb")),
        make_scored(make_creator("k3", bio="sourdough", platform="bluesky",
                                 handle="k3.bsky.social")),
        make_scored(make_creator("k4", bio="levain")),
        make_scored(make_creator("k5", bio="unrelated words entirely")),
    ]
    index.upsert(records)


def test_find_lookalikes_on_each_backend(index: Index) -> None:
    _bakers(index)
    source, terms, found = find_lookalikes(index, "mastodon:k1")
    assert source.id == "mastodon:k1"
    assert {t for t, _ in terms} == {"sourdough", "levain", "crumb"}
    ids = [hit.record.id for hit in found]
    assert "mastodon:k5" not in ids and ids[0] == "mastodon:k2"
    assert set(ids) == {"mastodon:k2", "bluesky:k3", "mastodon:k4"}
    _, _, only = find_lookalikes(index, "mastodon:k1", platform="bluesky")
    assert [hit.record.id for hit in only] == ["bluesky:k3"]
    # the same person's other profile is not a lookalike
    pid = identity_person_id(["mastodon:k1", "mastodon:k2"])
    index.save_grouping(Grouping(person_of={"mastodon:k1": pid, "mastodon:k2": pid},
                                 evidence=[]))
    _, _, grouped = find_lookalikes(index, "mastodon:k1")
    assert "mastodon:k2" not in [hit.record.id for hit in grouped]
    with pytest.raises(LookupError):
        find_lookalikes(index, "mastodon:nobody")


def test_scout_similar(tmp_path: Path) -> None:
    from creatorscout.search.backend import open_index

    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_index(url) as opened:
        _bakers(opened)
    result = CliRunner().invoke(main, ["similar", "mastodon:k1", "--limit", "2", "--index", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("like mastodon:k1 (distinctive words: ")
    assert lines[2].split()[1] == "mastodon:k2" and "shares 2 of its 3" in lines[2]
    assert len(lines) == 4
    missing = CliRunner().invoke(main, ["similar", "mastodon:zz", "--index", url])
    assert missing.exit_code == 2 and "no creator 'mastodon:zz'" in missing.output
    assert "Traceback" not in missing.output
