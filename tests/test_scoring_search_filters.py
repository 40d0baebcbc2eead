"""Search filters and sorts on the crawl-level scores (embedded index, real SQLite)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from creatorscout.search.query import SearchQuery
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_scored


def _index(path: str = ":memory:") -> SqliteIndex:
    index = SqliteIndex(path)
    records = [
        make_scored(make_creator("1"), relevance=0.9, flags=[], role="connector"),
        make_scored(make_creator("2"), relevance=0.4, flags=["low_engagement"]),
        make_scored(make_creator("3"), relevance=0.7, flags=["sponsored_heavy", "brand_safety"]),
    ]
    index.upsert(records)
    return index


def _ids(index: SqliteIndex, **query: object) -> list[str]:
    return [h.record.id for h in index.search(SearchQuery(**query)).hits]  # type: ignore[arg-type]


def test_flag_filters() -> None:
    with _index() as index:
        assert _ids(index, flags=["low_engagement"]) == ["mastodon:2"]
        assert _ids(index, flags=["low_engagement", "brand_safety"], sort="relevance") == [
            "mastodon:3", "mastodon:2"]
        assert _ids(index, no_flags=True) == ["mastodon:1"]
        assert sorted(_ids(index, exclude_flags=["sponsored_heavy"])) == ["mastodon:1",
                                                                           "mastodon:2"]


def test_min_relevance_and_role() -> None:
    with _index() as index:
        assert _ids(index, min_relevance=0.6, sort="relevance") == ["mastodon:1", "mastodon:3"]
        assert _ids(index, role="connector") == ["mastodon:1"]
        # unknown crawl-level scores do not pass their filters
        assert _ids(index, min_authenticity=0.1) == []


def test_cli_exposes_the_score_filters(tmp_path: Path) -> None:
    db = tmp_path / "i.db"
    _index(str(db)).close()
    done = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "search", "--index", str(db),
         "--flag", "low_engagement", "--min-relevance", "0.1", "--sort", "authenticity",
         "--format", "json"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert [h["id"] for h in json.loads(done.stdout)["hits"]] == ["mastodon:2"]
    bad = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "search", "--index", str(db),
         "--min-relevance", "3"], capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 2 and "min-relevance" in bad.stderr
