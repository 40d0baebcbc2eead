"""Niche relevance: how much of what a creator writes is about the niche.

The ranking, in words (the constants below are its only knobs):

1. **Documents.** The bio, and each post that is not a repost: its text plus its hashtags
   (a post stored without text still contributes its hashtags). Reposts are someone else's
   words and are left out; posts with neither text nor hashtags are not considered.
2. **Repetition does not pay.** Posts whose words are near-identical (Jaccard similarity of
   their word sets, numbers left out, at least ``NEAR_DUPLICATE``) are one document, and
   all hashtag-only posts together are one document; each group counts once, by its
   strongest post. ``posts_considered`` counts posts, ``documents`` the groups. The
   hashtag-only document is worth at most the creator's average written document, so
   adding hashtag-only posts never raises relevance (a creator who posts nothing else is
   judged by them); a post stored without text (only its platform hashtags are known) is
   an ordinary document.
3. **Terms.** Every keyword of the niche, in every language, and every hashtag, matched with
   :mod:`creatorscout.scoring.text`: whole words and their Snowball stems in the keyword's
   language, German compounds, Hebrew/Arabic prefixes onto a niche term, substrings only in
   scripts without spaces. Ambiguous keywords (``ambiguous`` in the niche file) count only
   next to other niche evidence in their post, or when another of the creator's documents
   (post or bio, not a hashtag-only post) has an unambiguous niche term: one sense per
   discourse, so a vegan cook's "وصفة العدس" counts and an optician's "Kontaktlinsen" does
   not. Terms that are the same words written differently
   (``plant-based``, ``plant based``, ``#plantbased``) are one term, named after its first
   spelling in the niche file.
4. **Document strength.** Per term, the number of occurrences is saturated as in BM25
   (``tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average length))``, the average
   taken over this creator's distinct written documents and bio), summed over the distinct
   terms to ``S`` (all the terms found only in a post's hashtags count as one: stuffing
   tags does not pay), and mapped to [0, 1) as ``S / (S + DOC_K)``.
5. **Breadth.** The post part is the sum of document strengths divided by
   ``documents + PRIOR_POSTS``: the share of distinct documents that match, weighted by how
   strongly, with a prior of ``PRIOR_POSTS`` unmatched documents, so that many different
   matching posts beat one post repeated (which is one document).
6. **Score** = ``POSTS_WEIGHT * post part + BIO_WEIGHT * bio strength``, then multiplied by
   ``1 - EXCLUDE_PENALTY * (share of documents whose topic is an excluded term)``. An
   excluded term is a document's topic when its occurrences outnumber the niche terms'; an
   excluded term right after a niche term ("tofu steak") is the niche's own dish and does
   not count.

There is no corpus-wide IDF (the function sees one creator); all niche terms weigh the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.niche import niche_terms
from creatorscout.scoring.results import RelevanceResult
from creatorscout.scoring.text import (
    AnalyzedText,
    Match,
    TermSet,
    analyze,
    normalize,
    passage,
)

K1 = 1.2
B = 0.75
DOC_K = 0.5
PRIOR_POSTS = 3.0
POSTS_WEIGHT = 0.8
BIO_WEIGHT = 0.2
EXCLUDE_PENALTY = 0.75
NEAR_DUPLICATE = 0.8
MAX_WORDS_SHOWN = 3

DEFINITION = (
    f"documents = bio + each non-repost post (text and hashtags), near-identical posts "
    f"(word Jaccard >= {NEAR_DUPLICATE}) and all hashtag-only posts counted once; per "
    f"document, occurrences of each niche term (words, Snowball stems, compounds; "
    f"ambiguous terms only next to other niche evidence) saturated "
    f"BM25-style (k1={K1}, b={B}, length relative to the creator's average document) and "
    f"summed to S (hashtag-only matches as one term), strength = S/(S+{DOC_K}); "
    f"score = {POSTS_WEIGHT} x sum of document strengths / (documents + {PRIOR_POSTS:g}) "
    f"+ {BIO_WEIGHT} x bio strength, x (1 - {EXCLUDE_PENALTY} x share of documents whose "
    f"topic is an excluded term); 0..1"
)


@dataclass
class _Doc:
    is_bio: bool
    text: str
    analysis: AnalyzedText
    tf: dict[str, int] = field(default_factory=dict)  # term label -> occurrences
    words: dict[str, list[str]] = field(default_factory=dict)  # label -> words matched
    excluded: set[str] = field(default_factory=set)  # excluded terms that are its topic
    strength: float = 0.0
    hashtag_only: bool = False
    tag_labels: set[str] = field(default_factory=set)  # labels matched only in hashtags
    matches: list[Match] = field(default_factory=list)


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


def _signature(doc: AnalyzedText) -> frozenset[str]:
    """The words of a document, numbers left out (Day 1, Day 2... are the same post)."""
    return frozenset(w for w in doc.words() if not w.isdigit())


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _group(docs: list[_Doc]) -> list[list[_Doc]]:
    """Near-identical documents together; all hashtag-only documents in one group.

    Pairs are found by prefix filtering (exact for Jaccard >= NEAR_DUPLICATE): with the
    words of every set in one global order, two sets that similar share a word among the
    first ``len - ceil(t * len) + 1`` words of each.
    """
    groups: list[list[_Doc]] = []
    signatures: list[frozenset[str]] = []
    by_prefix: dict[str, list[int]] = {}
    tags_only: list[_Doc] = []
    for doc in docs:
        if doc.hashtag_only:
            tags_only.append(doc)
            continue
        sig = _signature(doc.analysis)
        ordered = sorted(sig)
        prefix = ordered[: len(ordered) - math.ceil(NEAR_DUPLICATE * len(ordered)) + 1]
        candidates = sorted({k for word in prefix for k in by_prefix.get(word, ())})
        if not sig:
            candidates = [k for k, other in enumerate(signatures) if not other]
        for k in candidates:
            other = signatures[k]
            small, large = sorted((len(sig), len(other)))
            if small >= NEAR_DUPLICATE * large and _jaccard(sig, other) >= NEAR_DUPLICATE:
                groups[k].append(doc)
                break
        else:
            groups.append([doc])
            signatures.append(sig)
            for word in prefix:
                by_prefix.setdefault(word, []).append(len(groups) - 1)
    if tags_only:
        groups.append(tags_only)
    return groups


def _topic_exclusions(
    doc: AnalyzedText, niche_matches: list[Match], excluded: TermSet
) -> set[str]:
    """Excluded terms that are the document's topic: more excluded occurrences than niche
    ones, not counting an exclusion that a niche term qualifies ("tofu steak")."""
    found = excluded.find(doc)
    if not found:
        return set()
    text = doc.text
    kept = []
    for ex in found:
        qualified = any(
            m.start <= ex.start < m.end  # one compound: Tofusteak
            or (m.end <= ex.start and not text[m.end:ex.start].strip(" -\u2010\u2011"))
            for m in niche_matches
        )
        if not qualified:
            kept.append(ex)
    if len(kept) > len(niche_matches):
        return {m.term for m in kept}
    return set()


def _in_hashtag(doc: AnalyzedText, match: Match) -> bool:
    return doc.text[match.start:match.start + 1] == "#"


def niche_relevance(
    creator: Creator,
    posts: Iterable[Post],
    niche: Niche,
    *,
    analyses: Mapping[str, AnalyzedText | None] | None = None,
) -> RelevanceResult:
    """How relevant the creator's bio and recent posts are to ``niche``, from 0 to 1.

    See the module docstring for the formula. ``matched_terms`` maps each matched niche term
    to the number of documents (post groups and bio) that contain it, most frequent first;
    ``matched_words`` gives, per term, the words of the text it matched. ``analyses``
    (post id -> :func:`post_document`) lets a caller that analyses the posts anyway share
    the work; a post missing from it is analysed here.
    """
    compiled = niche_terms(niche)
    labels, order = compiled.labels, compiled.order

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
            # Hashtag-only: the author wrote only hashtags (not a post stored without text,
            # whose platform hashtags are all we have of it).
            tags_only = bool((post.text or "").strip()) and analysis.only_hashtags()
            docs.append(_Doc(False, analysis.text, analysis, hashtag_only=tags_only))

    bio = next((d for d in docs if d.is_bio), None)
    post_docs = [d for d in docs if not d.is_bio]
    groups = _group(post_docs)
    word_groups = [g for g in groups if not g[0].hashtag_only]
    tag_group = next((g for g in groups if g[0].hashtag_only), None)

    # One sense per discourse: an ambiguous term (Linsen, حمص) that nothing in its own post
    # confirms still counts when the creator's other documents (not hashtag-only posts)
    # show the niche unambiguously.
    found = [compiled.terms.find(d.analysis, unconfirmed=True) for d in docs]
    niche_voice = [
        not d.hashtag_only and any(not m.ambiguous for m in matches)
        for d, matches in zip(docs, found, strict=True)
    ]
    for k, (doc, all_matches) in enumerate(zip(docs, found, strict=True)):
        elsewhere = any(v for j, v in enumerate(niche_voice) if j != k)
        matches = [m for m in all_matches if m.confirmed or elsewhere]
        doc.matches = matches
        starts: dict[str, set[int]] = {}
        in_words: set[str] = set()
        for match in matches:
            label = labels[match.term]
            starts.setdefault(label, set()).add(match.start)
            word = doc.text[match.start:match.end]
            shown = doc.words.setdefault(label, [])
            if word not in shown and len(shown) < MAX_WORDS_SHOWN:
                shown.append(word)
            if not _in_hashtag(doc.analysis, match):
                in_words.add(label)
        doc.tf = {label: len(s) for label, s in starts.items()}
        doc.excluded = _topic_exclusions(doc.analysis, matches, compiled.excluded)
        doc.tag_labels = {label for label in doc.tf if label not in in_words}

    # Lengths are judged against the creator's distinct written documents (copies and
    # hashtag-only posts would shift the yardstick).
    yardstick = [g[0] for g in word_groups] + ([bio] if bio else [])
    average = (
        sum(max(d.analysis.length, 1) for d in yardstick) / len(yardstick) if yardstick
        else 1.0
    )
    for doc in docs:
        norm = K1 * (1 - B + B * max(doc.analysis.length, 1) / average)
        tag_labels = doc.tag_labels
        s = sum(
            tf * (K1 + 1) / (tf + norm) for label, tf in doc.tf.items()
            if label not in tag_labels
        )
        if tag_labels:  # terms only in hashtags count as one term, however many
            tf = max(doc.tf[label] for label in tag_labels)
            s += tf * (K1 + 1) / (tf + norm)
        doc.strength = s / (s + DOC_K)

    written = sum(max(d.strength for d in g) for g in word_groups)
    post_part = written / (len(word_groups) + PRIOR_POSTS)
    if tag_group is not None:
        # All hashtag-only posts are one document, worth at most the creator's average
        # written document: adding hashtag-only posts never raises relevance. A creator
        # who writes nothing else (captions of photos) is judged by their hashtags.
        tags = max(d.strength for d in tag_group)
        if word_groups:
            tags = min(tags, post_part)
        post_part = (written + tags) / (len(word_groups) + 1 + PRIOR_POSTS)
    bio_part = bio.strength if bio else 0.0
    counted = [*word_groups, *([tag_group] if tag_group and tag_group[0].excluded else [])]
    units = len(counted) + (1 if bio else 0)
    with_excluded = sum(1 for g in counted if any(d.excluded for d in g))
    with_excluded += 1 if bio and bio.excluded else 0
    penalty = 1 - EXCLUDE_PENALTY * (with_excluded / units) if units else 1.0
    score = min(1.0, max(0.0, (POSTS_WEIGHT * post_part + BIO_WEIGHT * bio_part) * penalty))

    doc_counts: dict[str, int] = {}
    words: dict[str, list[str]] = {}
    for unit in [*groups, *([[bio]] if bio else [])]:
        for label in set().union(*(d.tf for d in unit)):
            doc_counts[label] = doc_counts.get(label, 0) + 1
        for d in unit:
            for label, shown in d.words.items():
                kept = words.setdefault(label, [])
                kept += [w for w in shown if w not in kept][: MAX_WORDS_SHOWN - len(kept)]
    matched = dict(sorted(doc_counts.items(), key=lambda item: (-item[1], order[item[0]])))
    excluded_found = set().union(*(d.excluded for d in docs)) if docs else set()

    # The snippet shows the strongest matching post; the bio only when no post matches.
    best = max((d for d in docs if d.tf), key=lambda d: (not d.is_bio, d.strength), default=None)
    return RelevanceResult(
        score=score,
        definition=DEFINITION,
        matched_terms=matched,
        matched_words={label: words[label] for label in matched},
        posts_considered=len(post_docs),
        posts_matched=sum(1 for d in post_docs if d.tf),
        documents=len(groups),
        bio_matched=bool(bio and bio.tf),
        excluded_terms=[t for t in compiled.excluded.terms if t in excluded_found],
        snippet=passage(best.text, best.matches[0].start, best.matches[0].end) if best else None,
    )

