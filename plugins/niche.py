"""Niche term matching for plugins, the crawler and scoring: one rule everywhere.

:func:`niche_terms` compiles a niche's keywords and hashtags (with their languages,
ambiguous words and context, and exclusions) once; its ``terms`` are what the crawler
matches a profile from a broad source against, and what relevance scores posts with. A
plugin that filters what it finds by the niche (a directory, a follows list) uses the
same::

    from creatorscout.plugins import mentions_niche, niche_terms

    terms = niche_terms(niche).terms
    if mentions_niche(terms, profile.display_name, profile.bio, profile.handle): ...

The matching rules (every script, stems, compounds, hashtags) are those of
:mod:`creatorscout.plugins.matching`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from creatorscout.config.schema import Niche
from creatorscout.plugins.matching import TermSet, normalize
from creatorscout.plugins.morphology import stem


def _term_key(term: str) -> str:
    return "".join(ch for ch in normalize(term) if unicodedata.category(ch)[0] in "LMN")


def _labels(
    terms: Iterable[str], languages: Mapping[str, list[str]] | None = None
) -> dict[str, str]:
    """Term -> the label of its group: the first spelling of the same words, or of the same
    stem in the same language (טבעוני and טבעונית, نباتي and نباتية are one term)."""
    first: dict[str, str] = {}
    labels: dict[str, str] = {}
    for term in terms:
        key = _term_key(term)
        if not key:
            continue
        keys = [key] + [
            f"{lang}:{s}" for lang in (languages or {}).get(term, [])
            if (s := stem(lang, normalize(term))) is not None and " " not in term
        ]
        label = next((first[k] for k in keys if k in first), term)
        for k in keys:
            first.setdefault(k, label)
        labels[term] = label
    return labels




@dataclass(frozen=True)
class NicheTerms:
    """A niche's terms compiled for matching (build with :func:`niche_terms`)."""

    labels: dict[str, str]  # term -> label (first spelling of the same words)
    order: dict[str, int]  # label -> position in the niche file
    terms: TermSet
    excluded: TermSet


@lru_cache(maxsize=64)
def _compile_niche(niche_json: str) -> NicheTerms:
    niche = Niche.model_validate_json(niche_json)
    all_terms = (*niche.all_keywords(), *niche.hashtags)
    labels = _labels(all_terms, niche.keyword_languages())
    order = {label: k for k, label in enumerate(dict.fromkeys(labels.values()))}
    context = [(word, lang) for lang, words in niche.context.items() for word in words]
    terms = TermSet(
        labels,
        languages=niche.keyword_languages(),
        default_languages=niche.languages,
        homographs=niche.ambiguous,
        context=context,
    )
    excluded = TermSet(niche.exclude, default_languages=niche.languages)
    return NicheTerms(labels, order, terms, excluded)


def niche_terms(niche: Niche) -> NicheTerms:
    """The niche's keywords, hashtags, ambiguous and context words and exclusions, compiled
    once per niche (a crawl matches thousands of texts against the same niche)."""
    return _compile_niche(niche.model_dump_json())


def mentions_niche(terms: TermSet, *texts: str | None) -> bool:
    """Whether any of ``texts`` (a name, a bio, a handle; ``None`` is skipped) mentions
    one of the niche's ``terms`` (``niche_terms(niche).terms``)."""
    text = " ".join(t for t in texts if t)
    return bool(text) and bool(terms.find(text))
