"""Sponsored-content disclosures and brand-safety terms: which posts carry them, and why.

The markers come from ``config/markers.yaml`` (:class:`MarkerConfig`), per language; they
are matched all together, whatever the post's language, because creators mix languages and
platforms do not always know a post's language. Three kinds (see the YAML file's header):

* **hashtags** match a whole hashtag, normalised (``#Anzeige`` = ``#anzeige``);
* **phrases** match with the niche-term rules of :mod:`creatorscout.scoring.text`;
* **labels** are bare words that count only where they label a post: first on a line and
  followed by ``:`` ``|`` ``]`` ``)`` ``*`` a dash or the line's end, or last on a line
  (only hashtags may follow). "Werbung: ..." is a disclosure; "Werbung im B2B-Bereich"
  is a topic.

A hit inside a *not sponsored* disclosure ("unbezahlte Werbung") does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from creatorscout.config.schema import MarkerConfig
from creatorscout.scoring.text import AnalyzedText, TermSet, normalize


@dataclass(frozen=True, slots=True)
class MarkerHit:
    """One marker found in a text; offsets index the original text."""

    marker: str
    kind: str  # hashtag | phrase | label
    start: int
    end: int


def _tag_key(tag: str) -> str:
    return normalize(tag.lstrip("#")).replace("_", "")


_LINE_START = r"(?:^|(?<=\n))[ \t*\[(•|\-–—]*"
_AFTER_START = r"(?=[ \t]*(?:[:|\])*\-–—]|\n|$))"
_BEFORE_END = r"(?:(?<=^)|(?<=[\s\[(*|]))"
_AFTER_END = r"(?=[ \t*\])!.]*(?:[ \t]+#[^\s#]+)*[ \t.!]*(?:\n|$))"


def _label_pattern(labels: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({normalize(label) for label in labels if normalize(label)}, key=len,
                   reverse=True)
    if not words:
        return None
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(
        f"{_LINE_START}(?P<a>{alternation}){_AFTER_START}"
        f"|{_BEFORE_END}(?P<b>{alternation}){_AFTER_END}"
    )


class DisclosureMatcher:
    """Finds sponsored-content disclosures in analysed texts (compile once per crawl)."""

    def __init__(self, config: MarkerConfig) -> None:
        self.version = config.version
        self._hashtags: dict[str, str] = {}
        phrases: list[str] = []
        labels: list[str] = []
        for markers in config.sponsored.values():
            for tag in markers.hashtags:
                self._hashtags.setdefault(_tag_key(tag), "#" + tag)
            phrases += markers.phrases
            labels += markers.labels
        self._phrases = TermSet(phrases)
        self._labels = _label_pattern(labels)
        self._label_names = {normalize(label): label for label in labels}
        self._not_tags: set[str] = set()
        not_phrases: list[str] = []
        for markers in config.not_sponsored.values():
            self._not_tags.update(_tag_key(tag) for tag in markers.hashtags)
            not_phrases += markers.phrases + markers.labels
        self._not_phrases = TermSet(not_phrases)

    def find(self, doc: AnalyzedText) -> list[MarkerHit]:
        """The sponsored-content markers of ``doc``, in text order; [] when it has none or
        says it is not sponsored."""
        hits: list[MarkerHit] = []
        tags = doc.hashtags()
        if tags and not tags.isdisjoint(self._hashtags):
            hits += [
                MarkerHit(self._hashtags[t.text], "hashtag", t.start, t.end)
                for t in doc.tokens
                if t.kind == "hashtag" and t.text in self._hashtags
            ]
        hits += [MarkerHit(m.term, "phrase", m.start, m.end) for m in self._phrases.find(doc)]
        if self._labels is not None:
            norm = doc.normalized
            for found in self._labels.finditer(norm):
                group = "a" if found.group("a") is not None else "b"
                lo, hi = found.span(group)
                start, end = doc.original_span(lo, hi)
                hits.append(MarkerHit(self._label_names[found.group(group)], "label", start, end))
        if not hits:
            return []
        if tags and not tags.isdisjoint(self._not_tags):
            return []
        negations = self._not_phrases.find(doc)
        if negations:
            hits = [
                h for h in hits
                if not any(n.start <= h.start and h.end <= n.end for n in negations)
            ]
        return sorted(hits, key=lambda h: (h.start, h.end))


@lru_cache(maxsize=8)
def _matcher_for(config_json: str) -> DisclosureMatcher:
    return DisclosureMatcher(MarkerConfig.model_validate_json(config_json))


def disclosure_matcher(config: MarkerConfig) -> DisclosureMatcher:
    """A compiled matcher for ``config``, memoised (a crawl scores many creators)."""
    return _matcher_for(config.model_dump_json())


@lru_cache(maxsize=32)
def brand_safety_terms(terms: tuple[str, ...]) -> TermSet:
    """The niche's brand-safety terms, compiled once."""
    return TermSet(terms)
