"""Rendering search results (table, json, csv) and one creator (``scout show``)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from creatorscout.plugins.models import CreatorFlags, Provenance
from creatorscout.search.query import Hit, SearchQuery, SearchResults
from creatorscout.search.render import (
    CSV_COLUMNS,
    TABLE_COLUMNS,
    display_width,
    render_csv,
    render_json,
    render_results,
    render_show,
    render_table,
)
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_post, make_scored


def results() -> SearchResults:
    known = make_creator(
        "1",
        handle="lena@example.social",
        display_name='Lena, "the" cook',
        profile_url="https://example.social/@lena",
        followers=12345,
        languages=["de", "en"],
    )
    unknown = make_creator(
        "2",
        platform="youtube",
        handle="@ゆきのキッチン",
        display_name='=HYPERLINK("x")',
        followers=None,
    )
    return SearchResults(
        total=7,
        offset=2,
        hits=[
            Hit(
                record=make_scored(
                    known,
                    tier="micro",
                    er=3.456,
                    relevance=0.82,
                    score=74.25,
                    role="connector",
                    matched_terms={"vegan": 4},
                ),
                text_rank=1.5,
            ),
            Hit(
                record=make_scored(
                    unknown, tier="unknown", er=None, relevance=0.1, score=5, role=None
                )
            ),
        ],
        facets={"platform": {"mastodon": 5, "youtube": 2}, "tier": {}, "language": {}, "role": {}},
    )


def test_table() -> None:
    text = render_table(results())
    lines = text.splitlines()
    header, first, second, footer = lines
    for column in TABLE_COLUMNS:
        assert column in header
    assert first.split() == [
        "3",
        "mastodon:1",
        "lena@example.social",
        "mastodon",
        "micro",
        "12,345",
        "3.46",
        "0.82",
        "74.2",
        "connector",
    ]
    assert second.split() == [
        "4",
        "youtube:2",
        "@ゆきのキッチン",
        "youtube",
        "-",
        "-",
        "-",
        "0.10",
        "5.0",
        "-",
    ]
    assert footer == "3-4 of 7"
    # columns line up on screen, counting wide characters as two
    starts = [
        display_width(line[: line.index(cell)])
        for line, cell in ((header, "platform"), (first, "mastodon "), (second, "youtube "))
    ]
    assert len(set(starts)) == 1
    assert all(line == line.rstrip() for line in lines)


def test_table_without_hits() -> None:
    assert render_table(SearchResults(total=0, hits=[])) == "no creators matched"
    assert "3 in all" in render_table(SearchResults(total=3, hits=[], offset=10))


def test_json() -> None:
    document = json.loads(render_json(results()))
    assert set(document) >= {"total", "hits", "facets"}
    assert document["total"] == 7
    assert document["facets"]["platform"] == {"mastodon": 5, "youtube": 2}
    first, second = document["hits"]
    for key in (
        "id",
        "handle",
        "display_name",
        "platform",
        "profile_url",
        "niche",
        "tier",
        "followers",
        "er",
        "relevance",
        "score",
        "role",
        "languages",
        "explanation",
    ):
        assert key in first
    assert first["id"] == "mastodon:1"
    assert first["rank"] == 3
    assert first["followers"] == 12345
    assert first["er"] == pytest.approx(3.456)
    assert first["languages"] == ["de", "en"]
    assert first["explanation"][0].startswith("score 74.2/100")
    assert first["text_rank"] == 1.5
    assert (second["followers"], second["er"], second["tier"], second["role"]) == (
        None,
        None,
        None,
        None,
    )
    assert second["handle"] == "@ゆきのキッチン"  # not escaped


def test_csv() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(results()))))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    second = dict(zip(rows[0], rows[2], strict=True))
    assert first["display_name"] == 'Lena, "the" cook'
    assert first["followers"] == "12345"
    assert first["languages"] == "de;en"
    assert first["rank"] == "3"
    assert second["followers"] == "" and second["er"] == "" and second["tier"] == ""
    assert second["display_name"] == '\'=HYPERLINK("x")'  # no formula in a spreadsheet


def test_render_results_dispatches() -> None:
    assert render_results(results(), "json").startswith("{")
    assert render_results(results(), "csv").startswith("rank,")
    assert render_results(results(), "table").startswith("rank")
    with pytest.raises(ValueError, match="table, json, csv"):
        render_results(results(), "xml")


def test_render_real_search_results(tmp_path: Path) -> None:
    with SqliteIndex(tmp_path / "r.db") as index:
        index.upsert([make_scored(make_creator(str(n), bio="vegan"), score=n) for n in range(5)])
        found = index.search(SearchQuery(text="vegan", limit=3))
    assert len(json.loads(render_json(found))["hits"]) == 3
    assert len(list(csv.reader(io.StringIO(render_csv(found))))) == 4
    assert render_table(found).splitlines()[-1] == "1-3 of 5"


def test_show() -> None:
    creator = make_creator(
        "1",
        handle="lena@example.social",
        display_name="Lena",
        bio="Vegan cook in Berlin",
        profile_url="https://example.social/@lena",
        followers=12345,
        languages=["de"],
        provenance=Provenance(
            platform="mastodon",
            plugin="creatorscout-mastodon",
            plugin_version="1.2.3",
            source_url="https://example.social/api/v1",
            observed_at=datetime(2026, 10, 30, 8, 15, tzinfo=UTC),
        ),
    )
    posts = [make_post(creator, n, text=f"post number {n} about tempeh") for n in range(5)]
    vegan = make_scored(
        creator,
        posts=posts,
        niche="vegan-cooking",
        score=74.25,
        matched_terms={"vegan": 3, "tempeh": 5},
        snippet="about tempeh",
        flags=["sponsored-heavy"],
    )
    wine = make_scored(creator, niche="georgian-wine", score=12, relevance=0.05, role=None)
    text = render_show([wine, vegan])
    assert "Lena (lena@example.social) on mastodon" in text
    assert "id: mastodon:1" in text
    assert "followers: 12,345" in text
    assert "creatorscout-mastodon 1.2.3" in text
    assert "2026-10-30 08:15 UTC" in text
    assert text.index("niche georgian-wine") < text.index("niche vegan-cooking")
    for line in vegan.score.explanation():
        assert line in text
    assert "tempeh (5), vegan (3)" in text
    assert "snippet: about tempeh" in text
    assert "sponsored-heavy" in text
    assert "recent posts (3 of 5):" in text
    assert "post number 0 about tempeh" in text
    assert "post number 4" not in text


def test_show_unknown_counts_and_hidden_text() -> None:
    creator = make_creator(
        "q", followers=None, following=None, posts_count=None, flags=CreatorFlags(no_post_text=True)
    )
    post = make_post(creator, 0, likes=None).model_copy(update={"text": None})
    text = render_show([make_scored(creator, posts=[post], er=None)])
    assert "followers: -" in text
    assert "post text not stored" in text
    assert "(text not stored)" in text
    assert "engagement: -%" in text


def test_show_nothing() -> None:
    assert render_show([]) == "no records for this creator"


def test_show_names_the_words_each_term_matched() -> None:
    creator = make_creator("lena")
    scored = make_scored(creator, matched_terms={"linsen": 2, "vegan": 1})
    relevance = scored.score.relevance.model_copy(
        update={"matched_words": {"linsen": ["Linsensuppe", "Linsen"], "vegan": ["Vegane"]}}
    )
    scored = scored.model_copy(
        update={"score": scored.score.model_copy(update={"relevance": relevance})}
    )
    text = render_show([scored])
    assert "linsen (2) from Linsensuppe/Linsen, vegan (1) from Vegane" in text
