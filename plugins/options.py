"""Plugin options checked when a niche loads, before any request.

A niche file's ``platforms.<name>`` section is the options of the platform ``<name>``
(:attr:`Platform.Options`). :func:`load_checked_niche` loads a niche and validates every
section against the installed platforms, so a typo stops ``scout niches show`` and
``scout crawl`` with one line naming the file, the YAML path and the fix::

    config/niches/vegan-cooking.yaml: platforms.mastodon.instancs: unknown key; did you
    mean instances? allowed keys: home_lookup, instances, ...
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from creatorscout.config import ConfigError, Niche, load_niche, niche_file
from creatorscout.plugins.platform import OptionsError, Platform


class NicheOptionsError(ConfigError):
    """A niche file's plugin options are wrong (a usage mistake: exit 2)."""


def check_niche_options(
    niche: Niche, platforms: Mapping[str, type[Platform]], source: Path | str
) -> None:
    """Validate each ``platforms.<name>`` section of ``niche`` (read from ``source``)
    against that installed platform's options.

    A section for a platform that is not installed here is left alone (the niche may be
    shared with a machine that has the plugin), unless its name is close to an installed
    platform's (a typo).

    :raises NicheOptionsError: one line: file, YAML path, what to fix.
    """
    for name, section in niche.platforms.items():
        cls = platforms.get(name)
        if cls is None:
            close = difflib.get_close_matches(name, list(platforms), n=1, cutoff=0.75)
            if close:
                raise NicheOptionsError(
                    f"{source}: platforms.{name}: no installed platform '{name}'; did you "
                    f"mean {close[0]}?"
                )
            continue
        try:
            cls.validate_options(section or {})
        except OptionsError as exc:
            raise NicheOptionsError(f"{source}: {exc}") from None


def load_checked_niche(name_or_path: str, platforms: Mapping[str, type[Platform]]) -> Niche:
    """:func:`creatorscout.config.load_niche` with its plugin options validated."""
    niche = load_niche(name_or_path)
    check_niche_options(niche, platforms, niche_file(name_or_path))
    return niche
