"""Configuration: niche definitions, tier schemes and scoring weights (YAML + pydantic)."""

from creatorscout.config.loader import (
    ConfigError,
    UnknownNiche,
    list_niches,
    load_markers,
    load_niche,
    load_scoring,
    load_tiers,
    niche_file,
    niche_names,
    niche_warnings,
)
from creatorscout.config.schema import (
    MarkerConfig,
    Niche,
    ScoringConfig,
    TierConfig,
    TierScheme,
)

__all__ = [
    "ConfigError",
    "MarkerConfig",
    "Niche",
    "ScoringConfig",
    "TierConfig",
    "TierScheme",
    "UnknownNiche",
    "list_niches",
    "load_markers",
    "load_niche",
    "load_scoring",
    "load_tiers",
    "niche_file",
    "niche_names",
    "niche_warnings",
]
