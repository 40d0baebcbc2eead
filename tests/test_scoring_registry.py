"""One registry of score components: the composite, the sorts, the CLI and the README derive
from it (creatorscout.scoring.components)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli.main import main
from creatorscout.config import ScoringConfig, load_scoring
from creatorscout.scoring.components import COMPONENTS, REGISTRY, component_table
from creatorscout.scoring.results import AuthenticityResult, SponsoredResult
from creatorscout.search.query import SORT_SPECS, SORTS, SearchQuery
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_scored

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_shipped_weights_name_every_component_and_nothing_else() -> None:
    assert set(load_scoring().weights) == set(COMPONENTS)


def test_a_weight_for_no_component_is_a_clear_error() -> None:
    from creatorscout.scoring.components import check_weights

    with pytest.raises(ValueError, match="'reech' names no score component; use one of: "):
        check_weights(ScoringConfig(weights={"reech": 1.0}))


def test_every_component_sort_is_a_search_sort_and_a_cli_choice() -> None:
    result = CliRunner().invoke(main, ["search", "--help"])
    assert result.exit_code == 0
    for component in REGISTRY.values():
        assert component.sort is not None
        assert component.sort.name in SORTS
        assert component.sort.name in result.output
        assert SORT_SPECS[component.sort.name] is component.sort


def test_an_unknown_sort_is_one_line_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown sort 'reach'; use one of: score, relevance"):
        SearchQuery(sort="reach")


def test_the_readme_shows_the_component_table() -> None:
    assert component_table(load_scoring().weights) in README.read_text(encoding="utf-8")


def _with_share(native_id: str, share: float | None, score: float) -> ScoredCreator:
    record = make_scored(make_creator(native_id), score=score)
    authenticity = AuthenticityResult(
        score=1.0, suspicion=0.0, signals={"follow_ratio": 0.0},
        sponsored=SponsoredResult(share=share), definition="test",
    )
    return record.model_copy(update={"score": record.score.model_copy(
        update={"authenticity": authenticity})})


def test_sponsored_sort_puts_the_fewest_ads_first_and_unknown_last() -> None:
    with SqliteIndex(":memory:") as index:
        index.upsert([
            _with_share("1", 0.5, 90), _with_share("2", 0.0, 40), _with_share("3", None, 99),
            _with_share("4", 0.5, 95),
        ])
        hits = index.search(SearchQuery(sort="sponsored")).hits
        # ascending share, ties by score, unknown share last
        assert [h.record.id for h in hits] == [
            "mastodon:2", "mastodon:4", "mastodon:1", "mastodon:3"]


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (33, "33rd"), (83.4, "83rd"), (100, "100th"), (0, "0th")],
)
def test_percentiles_read_as_ordinals(n: float, text: str) -> None:
    from creatorscout.scoring.components import ordinal

    assert ordinal(n) == text


def test_by_platform_ranks_each_platform_on_its_own(tmp_path: Path) -> None:
    db = tmp_path / "groups.db"
    with SqliteIndex(str(db)) as index:
        index.upsert([
            make_scored(make_creator("a"), score=80), make_scored(make_creator("b"), score=60),
            make_scored(make_creator("c"), score=70), make_scored(
                make_creator("p1", platform="podcasts", followers=None), score=40),
        ])
    runner = CliRunner()
    table = runner.invoke(main, ["search", "--by-platform", "--limit", "2", "--index",
                                 f"sqlite:///{db}"])
    assert table.exit_code == 0, table.output
    mastodon, podcasts = table.output.split("\n\n")
    assert mastodon.startswith("mastodon: 3 creators\n") and "1-2 of 3" in mastodon
    assert mastodon.index("mastodon:a") < mastodon.index("mastodon:c")
    assert podcasts.startswith("podcasts: 1 creator\n") and "podcasts:p1" in podcasts
    document = json.loads(runner.invoke(main, ["search", "--by-platform", "--format", "json",
                                               "--index", f"sqlite:///{db}"]).output)
    assert list(document["groups"]) == ["mastodon", "podcasts"]
    assert [h["id"] for h in document["groups"]["mastodon"]["hits"]] == [
        "mastodon:a", "mastodon:c", "mastodon:b"]
    csv = runner.invoke(main, ["search", "--by-platform", "--format", "csv",
                               "--index", f"sqlite:///{db}"]).output
    assert csv.count("rank,id,") == 1 and len(csv.strip().splitlines()) == 5


def test_the_index_stores_authenticity_as_the_score_counts_it() -> None:
    from creatorscout.config import load_markers, load_niche, load_tiers
    from creatorscout.scoring import disclosure_matcher, score_creator
    from tests.test_show_scores import _record

    measured = _record(5000)
    # no follower count and no interaction counts: no audience check can run
    creator = measured.creator.model_copy(update={"native_id": "blank", "followers": None})
    posts = [p.model_copy(update={"likes": None, "replies": None, "reposts": None,
                                  "creator_id": creator.id}) for p in measured.posts]
    score = score_creator(creator, posts, load_niche("vegan-cooking"), tiers=load_tiers(),
                          scoring=load_scoring(), markers=disclosure_matcher(load_markers()))
    blank = measured.model_copy(update={"creator": creator, "posts": posts, "score": score})
    with SqliteIndex(":memory:") as index:
        index.upsert([blank, measured])
        hits = index.search(SearchQuery(sort="authenticity")).hits
        assert [h.record.id for h in hits] == [measured.id, blank.id]  # unknown last
        assert index.search(SearchQuery(min_authenticity=0.0)).total == 1
