"""A search's filters checked against what the configuration, the installed plugins and
the index know, so a misspelled value is a usage error naming the valid ones instead of
"no creators matched" (issue 12, item 15).

Only values that cannot match are refused: a niche or platform that is neither configured
nor installed is still accepted when the index holds records of it (a niche crawled from a
YAML path, a plugin uninstalled since).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from creatorscout.config.schema import TierConfig
from creatorscout.scoring.tiers import UNKNOWN_TIER
from creatorscout.search.backend import Index
from creatorscout.search.query import SearchQuery

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
"""A BCP 47 language code as platforms send them: ``en``, ``de-AT``, ``pt-br``."""


class UnknownFilter(ValueError):
    """A filter value that matches nothing the index could hold; the message lists the
    valid values (one line). ``field`` is the query model's field (``tiers``), so an
    interface can name its own parameter; ``problem`` is the message without the option."""

    def __init__(self, option: str, field: str, value: str, problem: str) -> None:
        super().__init__(f"{option} {value}: {problem}")
        self.field = field
        self.value = value
        self.problem = problem


def tier_names(tiers: TierConfig) -> list[str]:
    """Every tier any scheme (or platform override) can assign, and ``unknown``."""
    names: set[str] = {UNKNOWN_TIER}
    for scheme in tiers.schemes.values():
        names.update(scheme.tiers)
        for override in scheme.platforms.values():
            names.update(override)
    return sorted(names)


def _listing(values: Iterable[str]) -> str:
    return ", ".join(sorted(set(values))) or "none"


def check_filters(query: SearchQuery, index: Index, *, niches: Iterable[str],
                  platforms: Iterable[str], tiers: Iterable[str]) -> None:
    """Raise :class:`UnknownFilter` for the first filter value that cannot match."""
    niches, platforms, tiers = list(niches), list(platforms), list(tiers)

    def in_index(**filters: object) -> bool:
        return index.search(SearchQuery(limit=1, **filters)).total > 0

    if query.niche and query.niche.casefold() not in {n.casefold() for n in niches} \
            and not in_index(niche=query.niche):
        raise UnknownFilter("--niche", "niche", query.niche,
                            f"no such niche; niches: {_listing(niches)}")
    for platform in query.platforms:
        if platform.casefold() not in {p.casefold() for p in platforms} \
                and not in_index(platforms=[platform]):
            raise UnknownFilter("--platform", "platforms", platform,
                                f"no such platform; platforms: {_listing(platforms)}")
    for tier in query.tiers:
        if tier.casefold() not in {t.casefold() for t in tiers}:
            raise UnknownFilter("--tier", "tiers", tier,
                                f"no such tier; tiers: {_listing(tiers)}")
    for language in query.languages:
        if not LANGUAGE_CODE.match(language.strip()):
            raise UnknownFilter("--lang", "languages", language,
                                "not a language code; use a code such as en, de or pt-BR")


def check_known_filters(query: SearchQuery, index: Index) -> None:
    """:func:`check_filters` against what the configuration and the installed plugins know
    (the CLI and the API both call this when a search matched nothing)."""
    from creatorscout.config import ConfigError, list_niches, load_tiers
    from creatorscout.plugins.manager import PluginError, get_plugin_manager

    try:
        niches = [niche.name for niche in list_niches()]
    except ConfigError:
        niches = []  # a broken niche file is reported by `scout niches list`
    try:
        platforms = list(get_plugin_manager().platforms())
    except PluginError:
        platforms = []
    check_filters(query, index, niches=niches, platforms=platforms,
                  tiers=tier_names(load_tiers()))
