"""`scout index expire`: a platform's creators not observed for a given age are deleted
from a real SQLite index (YouTube's 30-day rule); others and fresh ones stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli.main import main
from creatorscout.plugins.models import utc_now
from creatorscout.search.backend import open_index
from creatorscout.search.expire import parse_age
from tests.factories import make_creator, make_scored, provenance


def creator(native_id: str, platform: str, days_ago: int):  # type: ignore[no-untyped-def]
    seen = provenance(platform).model_copy(
        update={"observed_at": utc_now() - timedelta(days=days_ago)})
    return make_creator(native_id, platform=platform, provenance=seen)


@pytest.fixture
def index(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'i.db'}"
    with open_index(url) as opened:
        opened.upsert([
            make_scored(creator("UCold", "youtube", 40)),
            make_scored(creator("UCfresh", "youtube", 3)),
            make_scored(creator("UColder", "youtube", 31), niche="georgian-wine"),
            make_scored(creator("old", "mastodon", 90)),
        ])
    return url


def ids(url: str) -> list[str]:
    with open_index(url, create=False) as opened:
        return sorted({r.creator.id for r in opened.iter_records()})


def test_expire_deletes_only_that_platforms_stale_creators(index):
    result = CliRunner().invoke(main, ["index", "expire", "--platform", "youtube",
                                       "--older-than", "30d", "--index", index])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == \
        "youtube: deleted 2 creators last observed more than 30d ago"
    assert ids(index) == ["mastodon:old", "youtube:UCfresh"]


def test_a_dry_run_counts_and_deletes_nothing(index):
    result = CliRunner().invoke(main, ["index", "expire", "--platform", "youtube",
                                       "--older-than", "2w", "--dry-run", "--index", index])
    assert result.exit_code == 0 and "would delete 2 creators" in result.output
    assert len(ids(index)) == 4


def test_a_bad_age_is_one_line_and_exit_2(index):
    result = CliRunner().invoke(main, ["index", "expire", "--platform", "youtube",
                                       "--older-than", "a month", "--index", index])
    assert result.exit_code == 2
    assert "--older-than: 'a month' is not an age such as 30d, 12h or 2w" in result.output
    assert "Traceback" not in result.output


def test_ages():
    assert parse_age("30d") == timedelta(days=30)
    assert parse_age(" 12H ") == timedelta(hours=12)
    assert parse_age("2w") == timedelta(weeks=2)
    for bad in ("0d", "30", "d", "-3d"):
        with pytest.raises(ValueError):
            parse_age(bad)
