"""Which words of a post to mark: the niche's terms and the sponsored-content markers.

The scoring code finds them (:class:`~creatorscout.scoring.text.TermSet`,
:class:`~creatorscout.scoring.markers.DisclosureMatcher`, both giving offsets into the
original text), so the page marks exactly what the score counted. The result is a list of
plain-text pieces, each with its kind; the template escapes every piece.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from creatorscout.config import list_niches, load_markers
from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Post
from creatorscout.scoring.markers import DisclosureMatcher, disclosure_matcher
from creatorscout.scoring.relevance import post_document
from creatorscout.scoring.text import TermSet, analyze

Kind = Literal["text", "niche", "sponsored"]


@dataclass(frozen=True)
class Piece:
    text: str
    kind: Kind
    term: str = ""


@dataclass(frozen=True)
class MarkedPost:
    post: Post
    pieces: list[Piece]
    sponsored: list[str]
    """The markers that make it sponsored (empty: not sponsored)."""
    niche_terms: list[str]


@lru_cache(maxsize=32)
def _niche_terms(name: str) -> TermSet | None:
    # by configured name only: load_niche would also read a path
    wanted = name.casefold()
    niche: Niche | None = next((n for n in list_niches() if n.name.casefold() == wanted), None)
    if niche is None:  # a niche since removed from the configuration: mark nothing
        return None
    return TermSet((*niche.all_keywords(), *niche.hashtags))


def _matcher() -> DisclosureMatcher:
    return disclosure_matcher(load_markers())


def mark_post(post: Post, niche: str | None) -> MarkedPost:
    """``post``'s text cut into pieces: niche terms, sponsored markers, the rest."""
    text = post.text or ""
    doc = post_document(post)
    matcher = _matcher()
    # sponsored or not is decided as scoring decides it (text plus hashtags)
    sponsored = list(dict.fromkeys(h.marker for h in matcher.find(doc))) if doc else []
    spans: list[tuple[int, int, Kind, str]] = []
    if text:
        analysed = analyze(text)
        spans += [(h.start, h.end, "sponsored", h.marker) for h in matcher.find(analysed)]
        terms = _niche_terms(niche) if niche else None
        if terms is not None:
            spans += [(m.start, m.end, "niche", m.term) for m in terms.find(analysed)]
    pieces = _cut(text, spans)
    found = list(dict.fromkeys(p.term for p in pieces if p.kind == "niche"))
    return MarkedPost(post=post, pieces=pieces, sponsored=sponsored, niche_terms=found)


def _cut(text: str, spans: list[tuple[int, int, Kind, str]]) -> list[Piece]:
    """Pieces in text order; an overlapping span loses to the earlier (sponsored first)."""
    pieces: list[Piece] = []
    at = 0
    order = {"sponsored": 0, "niche": 1}
    for start, end, kind, term in sorted(spans, key=lambda s: (s[0], order[s[2]], -s[1])):
        if start < at or end <= start:
            continue
        if start > at:
            pieces.append(Piece(text[at:start], "text"))
        pieces.append(Piece(text[start:end], kind, term))
        at = end
    if at < len(text):
        pieces.append(Piece(text[at:], "text"))
    return pieces
