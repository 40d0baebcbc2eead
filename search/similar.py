"""Lookalikes: "creators like this one", with the reasons for each, on both backends.

Three parts, each 0-1, weighted into one similarity (:data:`WEIGHTS`):

* **text**: the source's most distinctive words (tf-idf over its bio and recent posts, the
  document frequencies from the index's own vocabulary) and how much of their weight a
  candidate shares. The backend finds the candidates (:meth:`Index.similar_text`: SQLite
  runs one full-text lookup per distinctive word; Elasticsearch runs ``more_like_this``);
  the shared words are counted here, the same way for both.
* **graph**: mention-graph proximity: mentions between the two (either way), the same
  detected community in the same niche's crawl, shared neighbours (accounts both mention).
* **closeness**: same or adjacent tier, engagement rate within a factor, shared languages.

Candidates are the text neighbours plus every creator the source mentions; the source's
own other profiles (the same person) are left out. Pure ranking lives in
:func:`rank_lookalikes`, so it is tested without an index.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from creatorscout.search.fts import fold, words
from creatorscout.search.records import ScoredCreator

if TYPE_CHECKING:
    from creatorscout.search.backend import Index

WEIGHTS = {"text": 0.7, "graph": 0.2, "closeness": 0.1}
"""Chosen on one sandbox world (seed 42) among six weightings, checked on two others
(benchmarks/eval_lookalikes.py, BENCHMARKS.md): text carries most of the signal."""
TOP_TERMS = 10
"""Distinctive words per creator."""
POOL = 100
"""Text neighbours fetched before ranking."""
MIN_TERM_CHARS = 3
TIERS = ("nano", "micro", "mid", "macro", "mega")


def normalise(token: str) -> str:
    """A token as both indexes store it: lower case, Latin diacritics removed (``Käse`` ->
    ``kase``), other scripts unchanged."""
    out = []
    for char in token.lower():
        base = unicodedata.normalize("NFKD", char)[0]
        out.append(base if base.isascii() and char.isalpha() else char)
    return "".join(out)


def terms_of(texts: Iterable[str | None]) -> Counter[str]:
    """Term counts of texts: words of three or more characters, not only digits."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in words(fold(text or "")):
            term = normalise(word)
            if len(term) >= MIN_TERM_CHARS and not term.isdigit():
                counts[term] += 1
    return counts


def text_of(record: ScoredCreator) -> list[str | None]:
    """What the text part compares: the bio, post texts and hashtags (no handle: a handle
    is nobody else's word)."""
    if record.creator.flags.no_post_text:
        return [record.creator.bio]
    return [record.creator.bio, *(p.text for p in record.posts),
            *(" ".join(p.hashtags) for p in record.posts)]


def distinctive(
    counts: Counter[str], doc_freq: dict[str, int], documents: int, top: int = TOP_TERMS
) -> list[tuple[str, float]]:
    """The ``top`` terms by tf-idf, best first. Terms no other document has (df < 2)
    cannot find anyone and are skipped."""
    scored = []
    for term, tf in counts.items():
        df = doc_freq.get(term, 0)
        if df < 2:
            continue
        idf = math.log((documents + 1) / (df + 1)) + 1.0
        scored.append((term, (1 + math.log(tf)) * idf))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:top]


@dataclass
class TextNeighbours:
    """What a backend's :meth:`Index.similar_text` finds."""

    terms: list[tuple[str, float]] = field(default_factory=list)
    """The source's distinctive terms and their weights, best first."""
    scores: dict[str, float] = field(default_factory=dict)
    """Candidate creator id -> the backend's raw text score (higher is closer)."""


@dataclass
class Lookalike:
    record: ScoredCreator
    similarity: float
    parts: dict[str, float]
    reasons: list[str]


def mentions_in(record: ScoredCreator) -> Counter[str]:
    """Creator ids the record's posts mention, with how many times."""
    found: Counter[str] = Counter()
    for post in record.posts:
        for ref in post.mentions:
            if ref.id:
                found[ref.id] += 1
    return found


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _tier_index(tier: str) -> int | None:
    tier = tier.lower()
    return TIERS.index(tier) if tier in TIERS else None


def _languages(record: ScoredCreator) -> set[str]:
    return {code.split("-")[0].lower() for code in record.creator.languages if code}


def text_part(
    terms: list[tuple[str, float]], candidate: ScoredCreator
) -> tuple[float, list[str]]:
    """Share of the source's distinctive weight the candidate's text has, and those terms."""
    total = sum(weight for _, weight in terms)
    if not total:
        return 0.0, []
    present = terms_of(text_of(candidate))
    shared = [term for term, _ in terms if term in present]
    weight = sum(w for term, w in terms if term in present)
    return weight / total, shared


def graph_part(source: ScoredCreator, candidate: ScoredCreator) -> tuple[float, list[str]]:
    reasons = []
    out_mentions = mentions_in(source)
    in_mentions = mentions_in(candidate)
    to_it = out_mentions.get(candidate.id, 0)
    from_it = in_mentions.get(source.id, 0)
    if to_it:
        reasons.append(f"mentions it {_times(to_it)}")
    if from_it:
        reasons.append(f"is mentioned by it {_times(from_it)}")
    same_community = (
        source.score.network is not None and candidate.score.network is not None
        and source.niche.casefold() == candidate.niche.casefold()
        and source.score.network.community is not None
        and source.score.network.community == candidate.score.network.community
    )
    if same_community:
        reasons.append(f"same community in '{source.niche}'")
    mine = set(out_mentions) - {candidate.id}
    theirs = set(in_mentions) - {source.id}
    shared = len(mine & theirs)
    if shared:
        reasons.append(f"{shared} shared neighbour{'s' if shared > 1 else ''}")
    value = (0.4 * min(1.0, (to_it + from_it) / 3) + 0.35 * same_community
             + 0.25 * min(1.0, shared / 3))
    return value, reasons


def closeness_part(source: ScoredCreator, candidate: ScoredCreator) -> tuple[float, list[str]]:
    reasons = []
    values = []
    a, b = _tier_index(source.score.tier.tier), _tier_index(candidate.score.tier.tier)
    if a is not None and b is not None:
        gap = abs(a - b)
        values.append({0: 1.0, 1: 0.5}.get(gap, 0.0))
        if gap == 0:
            reasons.append(f"same tier ({candidate.score.tier.tier})")
    ra, rb = source.score.engagement.rate, candidate.score.engagement.rate
    if ra and rb and ra > 0 and rb > 0:
        ratio = abs(math.log10(ra / rb))
        values.append(max(0.0, 1.0 - ratio))
        if ratio <= math.log10(1.5):
            reasons.append(f"similar engagement ({rb:.1f}% vs {ra:.1f}%)")
    la, lb = _languages(source), _languages(candidate)
    if la and lb:
        common = la & lb
        values.append(len(common) / len(la | lb))
        if common:
            reasons.append(f"writes in {', '.join(sorted(common))} too")
    return (sum(values) / len(values) if values else 0.0), reasons


def rank_lookalikes(
    source: ScoredCreator,
    candidates: list[ScoredCreator],
    terms: list[tuple[str, float]],
    *,
    limit: int = 10,
    exclude: Iterable[str] = (),
) -> list[Lookalike]:
    """Score and order candidates (one record each) against the source record."""
    skip = {source.id, *exclude}
    ranked: list[Lookalike] = []
    for candidate in candidates:
        if candidate.id in skip:
            continue
        text, shared = text_part(terms, candidate)
        graph, graph_reasons = graph_part(source, candidate)
        close, close_reasons = closeness_part(source, candidate)
        parts = {"text": round(text, 4), "graph": round(graph, 4), "closeness": round(close, 4)}
        similarity = sum(WEIGHTS[name] * value for name, value in parts.items())
        reasons = []
        if shared:
            reasons.append(f"shares {len(shared)} of its {len(terms)} most distinctive terms: "
                           + ", ".join(shared[:6]))
        reasons += graph_reasons + close_reasons
        ranked.append(Lookalike(record=candidate, similarity=round(similarity, 4),
                                parts=parts, reasons=reasons))
    ranked.sort(key=lambda hit: (-hit.similarity, hit.record.id))
    return ranked[:limit]


def pick_record(records: list[ScoredCreator], niche: str | None) -> ScoredCreator | None:
    """The record to compare: the one of ``niche`` when there is one, else the best scored."""
    if not records:
        return None
    if niche is not None:
        for record in records:
            if record.niche.casefold() == niche.casefold():
                return record
    return max(records, key=lambda r: (r.score.score, r.niche))


def find_lookalikes(
    index: Index, creator_id: str, *, limit: int = 10, platform: str | None = None,
    pool: int = POOL,
) -> tuple[ScoredCreator, list[tuple[str, float]], list[Lookalike]]:
    """The source record, its distinctive terms and its ``limit`` best lookalikes (only on
    ``platform`` when given). LookupError when the creator is not in the index."""
    source = pick_record(index.get(creator_id), None)
    if source is None:
        raise LookupError(f"no creator '{creator_id}' in the index")
    found = index.similar_text(source, pool=pool, platform=platform)
    ids = list(found.scores)
    ids += [cid for cid in mentions_in(source) if cid not in found.scores]
    try:
        person = index.person_of(source.id)
    except NotImplementedError:
        person = None
    exclude = set(person.members) if person else set()
    wanted = platform.lower() if platform else None
    candidates = []
    for cid in ids:
        if cid in exclude or cid == source.id:
            continue
        record = pick_record(index.get(cid), source.niche)
        if record is None or (wanted and record.creator.platform.lower() != wanted):
            continue
        candidates.append(record)
    return source, found.terms, rank_lookalikes(source, candidates, found.terms, limit=limit)
