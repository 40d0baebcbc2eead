"""Follower tiers: which band of a named, versioned tier scheme a creator falls in."""

from __future__ import annotations

from creatorscout.config.schema import TierConfig
from creatorscout.scoring.results import TierResult

UNKNOWN_TIER = "unknown"


def assign_tier(
    followers: int | None, platform: str, tiers: TierConfig, scheme: str | None = None
) -> TierResult:
    """The tier of a creator with ``followers`` on ``platform``.

    The scheme is ``scheme`` or the configured default (an unknown name raises ``KeyError``
    from :meth:`TierConfig.scheme`); a platform override in the scheme replaces its
    thresholds. A tier starts at its minimum, inclusive: with ``micro: 10000``, 9,999
    followers is nano and 10,000 is micro. ``None`` followers (not observed) gives the tier
    ``"unknown"``, never the lowest tier. A count below every minimum (only possible with a
    platform override that does not start at 0) gets the lowest tier.
    """
    name, tier_scheme = tiers.scheme(scheme)
    thresholds = dict(tier_scheme.thresholds(platform))
    if not thresholds:
        raise ValueError(f"tier scheme '{name}' has no tiers for platform '{platform}'")
    tier = UNKNOWN_TIER
    if followers is not None:
        ordered = sorted(thresholds.items(), key=lambda item: item[1])
        tier = ordered[0][0]
        for tier_name, minimum in ordered:
            if followers >= minimum:
                tier = tier_name
    return TierResult(
        tier=tier,
        scheme=name,
        scheme_version=tier_scheme.version,
        followers=followers,
        thresholds=thresholds,
    )
