"""Follower tiers (creatorscout.scoring.tiers)."""

from __future__ import annotations

import pytest

from creatorscout.config import TierConfig, load_tiers
from creatorscout.scoring import assign_tier


@pytest.fixture(scope="module")
def tiers() -> TierConfig:
    return load_tiers()


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "emerging"),
        (999, "emerging"),
        (1_000, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (49_999, "micro"),
        (50_000, "mid"),
        (499_999, "mid"),
        (500_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
        (250_000_000, "mega"),
    ],
)
def test_tier_boundaries_are_inclusive_minimums(
    tiers: TierConfig, followers: int, tier: str
) -> None:
    result = assign_tier(followers, "mastodon", tiers)
    assert result.tier == tier
    assert result.followers == followers
    assert result.scheme == "industry-5"
    assert result.scheme_version == 2
    assert result.thresholds["micro"] == 10_000


def test_unknown_followers_give_the_unknown_tier(tiers: TierConfig) -> None:
    result = assign_tier(None, "mastodon", tiers)
    assert result.tier == "unknown"
    assert result.followers is None
    assert result.thresholds  # still says which scheme would have applied


def _config_with_platform_override() -> TierConfig:
    return TierConfig.model_validate(
        {
            "default_scheme": "common-5",
            "schemes": {
                "common-5": {
                    "version": 2,
                    "tiers": {"nano": 0, "micro": 10_000, "mid": 100_000, "macro": 500_000},
                    "platforms": {
                        "youtube": {"nano": 0, "micro": 10_000, "mid": 100_000, "macro": 250_000}
                    },
                },
                "simple": {"tiers": {"small": 0, "large": 50_000}},
            },
        }
    )


def test_platform_overrides_replace_the_thresholds() -> None:
    config = _config_with_platform_override()
    assert assign_tier(300_000, "youtube", config).tier == "macro"
    assert assign_tier(300_000, "mastodon", config).tier == "mid"
    assert assign_tier(300_000, "youtube", config).thresholds["macro"] == 250_000
    assert assign_tier(300_000, "youtube", config).scheme_version == 2


def test_a_named_scheme_can_be_chosen() -> None:
    config = _config_with_platform_override()
    result = assign_tier(60_000, "mastodon", config, scheme="simple")
    assert (result.tier, result.scheme) == ("large", "simple")


def test_an_unknown_scheme_is_an_error_that_names_it(tiers: TierConfig) -> None:
    with pytest.raises(KeyError, match="nope"):
        assign_tier(10, "mastodon", tiers, scheme="nope")


@pytest.mark.parametrize(
    ("platform", "followers", "tier"),
    [
        ("instagram", 99_999, "micro"),
        ("instagram", 100_000, "macro"),
        ("youtube", 100_000, "micro"),
        ("youtube", 249_999, "micro"),
        ("youtube", 250_000, "macro"),
        ("facebook", 250_000, "macro"),
        ("mastodon", 150_000, "macro"),  # other platforms use the Instagram lines
        ("youtube", 999, "emerging"),
    ],
)
def test_platform_split_preset_follows_mediakix(
    tiers: TierConfig, platform: str, followers: int, tier: str
) -> None:
    result = assign_tier(followers, platform, tiers, scheme="platform-split")
    assert result.tier == tier
    name, scheme = tiers.scheme("platform-split")
    assert any("Mediakix" in source for source in scheme.sources)


def test_every_shipped_preset_has_a_source_and_a_row_in_the_readme(tiers: TierConfig) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, scheme in tiers.schemes.items():
        assert scheme.sources, name
        assert f"| `{name}`" in readme, f"README tier table lacks {name}"
