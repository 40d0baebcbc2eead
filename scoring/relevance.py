"""Niche relevance: how much of what a creator writes is about the niche.

The ranking, in words (the constants below are its only knobs):

1. **Documents.** The bio, and each post that is not a repost: its text plus its hashtags
   (a post stored without text still contributes its hashtags). Reposts are someone else's
   words and are left out; posts with neither text nor hashtags are not considered.
2. **Terms.** Every keyword of the niche, in every language, and every hashtag, matched with
   :mod:`creatorscout.scoring.text`. Terms that are the same words written differently
   (``plant-based``, ``plant based``, ``#plantbased``) are one term, named after its first
   spelling in the niche file.
3. **Document strength.** Per term, the number of occurrences is saturated as in BM25
   (``tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))``, the average
   taken over this creator's documents, so long video descriptions and short posts are judged
   by the same yardstick), summed over the distinct terms to ``S``, and mapped to [0, 1) as
   ``S / (S + DOC_K)``: one mention in a post of average length gives 0.67, three different
   terms about 0.86. Repeating one word does not buy much; talking about the niche does.
4. **Consistency.** The post part is the sum of post strengths divided by
   ``posts + PRIOR_POSTS``: the share of posts that match, weighted by how strongly they
   match, with a small prior so one matching post out of one is not "all posts match".
5. **Score** = ``POSTS_WEIGHT * post part + BIO_WEIGHT * bio strength``, so a bio that
   matches adds up to 0.2 but cannot alone give a top score; then multiplied by
   ``1 - EXCLUDE_PENALTY * (share of documents that contain an excluded term)``.

There is no corpus-wide IDF (the function sees one creator); all niche terms weigh the same.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring.results import RelevanceResult
from creatorscout.scoring.text import AnalyzedText, TermSet, analyze, normalize, snippet

K1 = 1.2
B = 0.75
DOC_K = 0.5
PRIOR_POSTS = 1.0
POSTS_WEIGHT = 0.8
BIO_WEIGHT = 0.2
EXCLUDE_PENALTY = 0.75

DEFINITION = (
    f"documents = bio + each non-repost post (text and hashtags); per document, occurrences "
    f"of each niche term saturated BM25-style (k1={K1}, b={B}, length relative to the "
    f"creator's average document) and summed to S, strength = S/(S+{DOC_K}); "
    f"score = {POSTS_WEIGHT} x sum of post strengths / (posts + {PRIOR_POSTS:g}) "
    f"+ {BIO_WEIGHT} x bio strength, x (1 - {EXCLUDE_PENALTY} x share of documents with "
    f"excluded terms); 0..1"
)


@dataclass
class _Doc:
    is_bio: bool
    text: str
    analysis: AnalyzedText
    tf: dict[str, int] = field(default_factory=dict)  # term label -> occurrences
    excluded: set[str] = field(default_factory=set)
    strength: float = 0.0


def _term_key(term: str) -> str:
    return "".join(ch for ch in normalize(term) if unicodedata.category(ch)[0] in "LMN")


def _labels(terms: Iterable[str]) -> dict[str, str]:
    """Term -> the label of its group (the first spelling of the same words)."""
    first: dict[str, str] = {}
    labels: dict[str, str] = {}
    for term in terms:
        key = _term_key(term)
        if not key:
            continue
        labels[term] = first.setdefault(key, term)
    return labels


def post_document(post: Post) -> AnalyzedText | None:
    """The post's text plus those of its hashtags that the text does not already show,
    analysed once; None when there is neither text nor a hashtag."""
    text = post.text or ""
    analysis = analyze(text) if text else None
    present = analysis.hashtags() if analysis is not None else set()
    extra = []
    for tag in post.hashtags:
        tag = "_".join(tag.lstrip("#").split())
        if tag and normalize(tag).replace("_", "") not in present:
            extra.append("#" + tag)
    if not extra:
        return analysis if text.strip() else None
    combined = "\n".join(part for part in (text, " ".join(extra)) if part.strip())
    return analyze(combined) if combined else None


@lru_cache(maxsize=64)
def _niche_terms(
    terms: tuple[str, ...], excluded: tuple[str, ...]
) -> tuple[dict[str, str], TermSet, dict[str, int], TermSet]:
    """Compiled niche terms (labels, term set, label order, excluded term set), memoised:
    a crawl scores thousands of creators against the same niche."""
    labels = _labels(terms)
    order = {label: k for k, label in enumerate(dict.fromkeys(labels.values()))}
    return labels, TermSet(labels), order, TermSet(excluded)


def niche_relevance(
    creator: Creator,
    posts: Iterable[Post],
    niche: Niche,
    *,
    analyses: Mapping[str, AnalyzedText | None] | None = None,
) -> RelevanceResult:
    """How relevant the creator's bio and recent posts are to ``niche``, from 0 to 1.

    See the module docstring for the formula. ``matched_terms`` maps each matched niche term
    to the number of documents (posts and bio) that contain it, most frequent first.
    ``analyses`` (post id -> :func:`post_document`) lets a caller that analyses the posts
    anyway share the work; a post missing from it is analysed here.
    """
    labels, terms, order, excluded_terms = _niche_terms(
        (*niche.all_keywords(), *niche.hashtags), tuple(niche.exclude)
    )

    docs: list[_Doc] = []
    if creator.bio and creator.bio.strip():
        docs.append(_Doc(True, creator.bio, analyze(creator.bio)))
    seen: set[str] = set()
    for post in posts:
        if post.is_repost or post.id in seen:
            continue
        seen.add(post.id)
        analysis = (
            analyses[post.id] if analyses is not None and post.id in analyses
            else post_document(post)
        )
        if analysis is not None:
            docs.append(_Doc(False, analysis.text, analysis))

    for doc in docs:
        starts: dict[str, set[int]] = {}
        for match in terms.find(doc.analysis):
            starts.setdefault(labels[match.term], set()).add(match.start)
        doc.tf = {label: len(s) for label, s in starts.items()}
        doc.excluded = {m.term for m in excluded_terms.find(doc.analysis)}

    average = sum(max(d.analysis.length, 1) for d in docs) / len(docs) if docs else 1.0
    for doc in docs:
        norm = K1 * (1 - B + B * max(doc.analysis.length, 1) / average)
        s = sum(tf * (K1 + 1) / (tf + norm) for tf in doc.tf.values())
        doc.strength = s / (s + DOC_K)

    post_docs = [d for d in docs if not d.is_bio]
    bio = next((d for d in docs if d.is_bio), None)
    post_part = sum(d.strength for d in post_docs) / (len(post_docs) + PRIOR_POSTS)
    bio_part = bio.strength if bio else 0.0
    with_excluded = sum(1 for d in docs if d.excluded)
    penalty = 1 - EXCLUDE_PENALTY * (with_excluded / len(docs)) if docs else 1.0
    score = min(1.0, max(0.0, (POSTS_WEIGHT * post_part + BIO_WEIGHT * bio_part) * penalty))

    doc_counts: dict[str, int] = {}
    for doc in docs:
        for label in doc.tf:
            doc_counts[label] = doc_counts.get(label, 0) + 1
    matched = dict(sorted(doc_counts.items(), key=lambda item: (-item[1], order[item[0]])))
    excluded_found = set().union(*(d.excluded for d in docs)) if docs else set()

    # The snippet shows the strongest matching post; the bio only when no post matches.
    best = max((d for d in docs if d.tf), key=lambda d: (not d.is_bio, d.strength), default=None)
    return RelevanceResult(
        score=score,
        definition=DEFINITION,
        matched_terms=matched,
        posts_considered=len(post_docs),
        posts_matched=sum(1 for d in post_docs if d.tf),
        bio_matched=bool(bio and bio.tf),
        excluded_terms=[t for t in excluded_terms.terms if t in excluded_found],
        snippet=snippet(best.analysis, terms) if best else None,
    )
