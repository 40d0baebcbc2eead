from datetime import datetime

import pytest
from pydantic import ValidationError

from creatorscout.plugins.models import Creator, parse_count
from tests.factories import make_creator, make_post, provenance


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, None), (0, 0), (12, 12), ("1234", 1234), ("1,234", 1234), (" 7 ", 7),
     (3.0, 3), ("", None)],
)
def test_counts_are_parsed(raw, expected):
    assert parse_count(raw) == expected


@pytest.mark.parametrize("raw", ["n/a", -1, "-5", 1.5, True, [1], "12abc"])
def test_bad_counts_are_rejected(raw):
    with pytest.raises(ValueError):
        parse_count(raw)


def test_missing_count_stays_none_not_zero():
    creator = make_creator(followers=None, following="0")
    assert creator.followers is None
    assert creator.following == 0


def test_string_counts_on_models():
    creator = make_creator(followers="10,500")
    assert creator.followers == 10500
    post = make_post(creator, likes="7")
    assert post.likes == 7


def test_stable_id_is_platform_and_native_id():
    assert make_creator("alice@example.social").id == "mastodon:alice@example.social"


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValidationError):
        make_creator(created_at=datetime(2024, 1, 1))


def test_blank_native_id_rejected():
    with pytest.raises(ValidationError):
        make_creator(native_id=" ")


def test_interactions_sum_known_parts_only():
    creator = make_creator()
    post = make_post(creator, likes=5, replies=None, reposts=2, quotes=None)
    assert post.interactions == 7
    unknown = make_post(creator, likes=None, replies=None, reposts=None, quotes=None)
    assert unknown.interactions is None


def test_provenance_travels_with_the_record():
    creator = make_creator()
    dumped = creator.model_dump(mode="json")
    assert dumped["provenance"]["plugin"] == "creatorscout"
    assert dumped["provenance"]["observed_at"].startswith("2026-11-01")
    assert Creator.model_validate(dumped) == creator


def test_unknown_fields_are_rejected():
    with pytest.raises(ValidationError):
        Creator(platform="x", native_id="1", handle="h", provenance=provenance(), fans=3)
