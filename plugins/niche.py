"""Niche term matching for plugins and the crawler: one rule everywhere.

A plugin that filters what it finds by the niche (a directory, a follows list) uses
:func:`niche_terms` and :func:`mentions_niche`, exactly as the crawler decides whether a
profile from a broad source belongs to the niche::

    from creatorscout.plugins import mentions_niche, niche_terms

    terms = niche_terms(niche)
    if mentions_niche(terms, profile.display_name, profile.bio, profile.handle): ...

The matching rules (every script, compounds, hashtags) are those of
:mod:`creatorscout.plugins.text`.
"""

from __future__ import annotations

from creatorscout.config.schema import Niche
from creatorscout.plugins.text import TermSet


def niche_terms(niche: Niche) -> TermSet:
    """The niche's keywords (every language) and hashtags, compiled once."""
    return TermSet(niche.all_keywords() + niche.hashtags)


def mentions_niche(terms: TermSet, *texts: str | None) -> bool:
    """Whether any of ``texts`` (a name, a bio, a handle; ``None`` is skipped) mentions
    one of the niche's ``terms``."""
    text = " ".join(t for t in texts if t)
    return bool(text) and bool(terms.find(text))
