"""Sponsored-content disclosures and brand-safety terms: which posts carry them, and why.

The markers come from ``config/markers.yaml`` (:class:`MarkerConfig`), per language, each
language with its source. A marker fires only in *disclosure form* (the YAML file's header
gives the rules with examples):

* **hashtags** match a whole hashtag, normalised (``#Anzeige`` = ``#anzeige``);
* **phrases** match as words with :mod:`creatorscout.scoring.text` (stems of the phrase's
  language), unless a negation of any language stands in the two words before them
  ("kein Rabattcode", "not a paid partnership");
* **labels** count only as labels: first in the post or on a line and followed by a
  separator or the line's end ("Anzeige: ...", "Werbung" alone on a line), in brackets
  anywhere ("[Anzeige]", "(ad)", "【PR】"), or in capitals opening a line ("AD Loving...").
  "this ad", "arbeite in der Werbung", "ראיתי פרסומת", "شاهدت إعلان" are sentences;
* markers listed ``*_in_language`` fire only in a post in that language (the platform's
  ``Post.language``, else two of the language's ``language_cues``; one for scripts without
  spaces): "#PR" in Japanese, not in "5k #PR"; a label in CJK brackets (【PR】) always;
* the platform's own flag (``Post.sponsored``: paid-partnership and branded-content labels)
  is a disclosure of kind ``platform``.

Disclosures of *unpaid* advertising ("unbezahlte Werbung") are hits with ``disclosure ==
"unpaid"``: reported by :meth:`DisclosureMatcher.disclosures`, never counted as paid, and a
paid label or hashtag of the same language in that post does not count either. A post that
says it is not sponsored ("#notanad") has no hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from creatorscout.config.schema import MarkerConfig, MarkerSet
from creatorscout.plugins.models import Post
from creatorscout.scoring.text import AnalyzedText, TermSet, normalize

Disclosure = Literal["paid", "unpaid"]
PLATFORM_MARKER = "platform flag"


@dataclass(frozen=True, slots=True)
class MarkerHit:
    """One marker found in a text; offsets index the original text, ``evidence`` is the
    text it fired on (for a platform flag: what the platform said)."""

    marker: str
    kind: str  # hashtag | phrase | label | platform
    start: int
    end: int
    disclosure: Disclosure = "paid"
    language: str = ""
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class PostDisclosure:
    """What one post discloses: ``kind`` paid, unpaid or none, and every hit (evidence)."""

    kind: Literal["paid", "unpaid", "none"]
    hits: list[MarkerHit] = field(default_factory=list)

    @property
    def sponsored(self) -> bool:
        return self.kind == "paid"


def _tag_key(tag: str) -> str:
    return normalize(tag.lstrip("#")).replace("_", "")


_OPEN = "[\\[(【［（「〔]"
_CLOSE = "[\\])】］）」〕]"
_CJK_BRACKETS = frozenset("【】［］〔〕")
_LINE_START = r"(?:^|(?<=\n))[^\w\n#]*?"
# A separator after a label: punctuation or a symbol (":", "|", "]", "✨"), a dash after a
# space (not "Ad-free", a compound), or the line's end; not a comma, "!" or "?", which end
# words in sentences ("Werbung, die nervt", "Werbung!!! Überall!").
_SEPARATOR = r"(?=[ \t]*(?:[^\w\s'’,!?\-]|\n|$)|[ \t]+-)"


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


@dataclass(frozen=True, slots=True)
class _Label:
    name: str
    language: str
    scoped: bool


class _LabelFinder:
    """Labels in label position, over normalised text (rules in the module docstring)."""

    def __init__(self, labels: Iterable[_Label]) -> None:
        self._labels: dict[str, list[_Label]] = {}
        for label in labels:
            key = normalize(label.name)
            known = self._labels.setdefault(key, []) if key else []
            # One label per language however it is spelled (إعلان and اعلان are one).
            if key and all(k.language != label.language for k in known):
                known.append(label)
        words = sorted(self._labels, key=len, reverse=True)
        alternation = "|".join(re.escape(w).replace("\\ ", "[ \\t]+") for w in words)
        self._pattern = (
            re.compile(
                rf"(?P<o>{_OPEN})[ \t*_]*(?P<b>{alternation})[ \t*_]*{_CLOSE}"
                rf"|{_LINE_START}(?P<s>{alternation}){_SEPARATOR}"
                rf"|{_LINE_START}(?P<c>{alternation})(?=[ \t])"
            )
            if words else None
        )

    def find(self, doc: AnalyzedText) -> list[tuple[_Label, int, int, bool]]:
        """(label, original start, end, in CJK brackets) of each label in label position."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(doc.normalized):
            group = next(g for g in ("b", "s", "c") if m.group(g) is not None)
            lo, hi = m.span(group)
            start, end = doc.original_span(lo, hi)
            if group == "c":
                # Followed by a space: a label only in capitals ("AD Loving this", "ANZEIGE
                # Heute"), as a Hebrew acronym (שת״פ עם...) or in a script without spaces.
                original = doc.text[start:end]
                following = doc.text[end:end + 40].split(maxsplit=1)
                shouting = bool(following) and following[0].isupper()  # "WERBUNG IST DOOF"
                if not (_has_cjk(original) or "״" in original or '"' in original or (
                    original.isupper() and sum(ch.isalpha() for ch in original) >= 2
                    and not shouting
                )):
                    continue
            cjk_brackets = group == "b" and m.group("o") in _CJK_BRACKETS
            for label in self._labels[m.group(group)]:
                found.append((label, start, end, cjk_brackets))
        return found


_WORD_BEFORE = re.compile(r"\w[ \t]+$")
_WORD_AFTER = re.compile(r"[ \t]+(\w)")


def _inside_sentence(text: str, start: int, end: int) -> bool:
    """True when a word stands right before ``text[start:end]`` and a lower-case word right
    after it on its line, with only spaces between: a hashtag used as a word of the
    sentence ("Per aspera #ad astra"), not a tag ("Dinner #ad", "#ad Loving...")."""
    after = _WORD_AFTER.match(text, end)
    return bool(
        after and after.group(1).islower()
        and _WORD_BEFORE.search(text[max(0, start - 40):start])
    )


def _words_before(doc: AnalyzedText, start: int, n: int = 2) -> list[str]:
    words = [t.text for t in doc.tokens if t.kind == "word" and t.end <= start]
    return words[-n:]


class DisclosureMatcher:
    """Finds sponsored-content disclosures in analysed texts (compile once per crawl)."""

    def __init__(self, config: MarkerConfig) -> None:
        self.version = config.version
        self._hashtags: dict[str, tuple[str, str, Disclosure]] = {}
        self._scoped_tags: dict[str, list[tuple[str, str]]] = {}
        phrase_langs: dict[str, list[str]] = {}
        self._phrase_info: dict[str, tuple[str, Disclosure]] = {}
        labels: list[_Label] = []
        self._cues: dict[str, tuple[frozenset[str], bool]] = {}
        groups: list[tuple[dict[str, MarkerSet], Disclosure]] = [
            (config.sponsored, "paid"), (config.unpaid, "unpaid")
        ]
        for markers_by_lang, disclosure in groups:
            for lang, markers in markers_by_lang.items():
                for tag in markers.hashtags:
                    self._hashtags.setdefault(_tag_key(tag), ("#" + tag, lang, disclosure))
                for tag in markers.hashtags_in_language:
                    self._scoped_tags.setdefault(_tag_key(tag), []).append(("#" + tag, lang))
                for phrase in markers.phrases:
                    phrase_langs.setdefault(phrase, []).append(lang)
                    self._phrase_info.setdefault(phrase, (lang, disclosure))
                labels += [_Label(name, lang, False) for name in markers.labels]
                labels += [_Label(name, lang, True) for name in markers.labels_in_language]
                if markers.language_cues:
                    cues = frozenset(normalize(c) for c in markers.language_cues)
                    self._cues[lang] = (cues, any(_has_cjk(c) for c in cues))
        self._phrases = TermSet(self._phrase_info, languages=phrase_langs)
        self._labels = _LabelFinder(labels)
        self._not_tags: set[str] = set()
        not_phrases: list[str] = []
        for markers in config.not_sponsored.values():
            self._not_tags.update(_tag_key(tag) for tag in markers.hashtags)
            not_phrases += markers.phrases + markers.labels
        self._not_phrases = TermSet(not_phrases)
        self._negations = frozenset(
            normalize(word) for words in config.negations.values() for word in words
        )

    # -- language -------------------------------------------------------------------------

    def languages(self, doc: AnalyzedText, post: Post | None = None) -> set[str]:
        """The languages a post is written in: the platform's, those of scripts without
        spaces whose cue characters it uses, and the language with most cue words (at least
        two different ones)."""
        found: set[str] = set()
        if post is not None and post.language:
            found.add(post.language.split("-")[0].lower())
        words = {t.text for t in doc.tokens if t.kind == "word"}
        counts: dict[str, int] = {}
        for lang, (cues, substring) in self._cues.items():
            if substring:
                if any(c in doc.normalized for c in cues):
                    found.add(lang)
            elif (count := len(cues & words)) >= 2:
                counts[lang] = count
        if counts:  # the language with most cue words ("pour la sauce" stays English)
            best = max(counts.values())
            found.update(lang for lang, count in counts.items() if count == best)
        return found

    # -- finding --------------------------------------------------------------------------

    def _negated(self, doc: AnalyzedText, start: int) -> bool:
        return any(w in self._negations for w in _words_before(doc, start))

    def _all_hits(self, doc: AnalyzedText, post: Post | None) -> list[MarkerHit]:
        hits: list[MarkerHit] = []
        text = doc.text
        tags = doc.hashtags()
        langs: set[str] | None = None
        if tags and not tags.isdisjoint(self._hashtags.keys() | self._scoped_tags.keys()):
            langs = self.languages(doc, post)
            for t in doc.tokens:
                if t.kind != "hashtag" or self._negated(doc, t.start):  # "not #sponsored"
                    continue
                if len(t.text) <= 3 and _inside_sentence(text, t.start, t.end):
                    continue  # "Per aspera #ad astra": a short tag used as a word
                if t.text in self._hashtags:
                    marker, lang, disclosure = self._hashtags[t.text]
                    hits.append(MarkerHit(marker, "hashtag", t.start, t.end, disclosure, lang,
                                          text[t.start:t.end]))
                for marker, lang in self._scoped_tags.get(t.text, ()):
                    if lang in langs:
                        hits.append(MarkerHit(marker, "hashtag", t.start, t.end, "paid", lang,
                                              text[t.start:t.end]))
        for m in self._phrases.find(doc):
            if self._negated(doc, m.start):
                continue
            lang, disclosure = self._phrase_info[m.term]
            hits.append(MarkerHit(m.term, "phrase", m.start, m.end, disclosure, lang,
                                  text[m.start:m.end]))
        for label, start, end, cjk_brackets in self._labels.find(doc):
            if label.scoped and not cjk_brackets:
                if langs is None:
                    langs = self.languages(doc, post)
                if label.language not in langs:
                    continue
            if self._negated(doc, start):
                continue
            hits.append(MarkerHit(label.name, "label", start, end, "paid", label.language,
                                  text[start:end]))
        if not hits or (tags and not tags.isdisjoint(self._not_tags)):
            return []
        negations = self._not_phrases.find(doc)
        if negations:
            hits = [
                h for h in hits
                if not any(n.start <= h.start and h.end <= n.end for n in negations)
            ]
        unique = {(h.start, h.end): h for h in reversed(hits)}  # one hit per place, first wins
        return _without_unpaid_overlap([h for h in hits if unique[(h.start, h.end)] is h])

    def disclosures(self, doc: AnalyzedText | None, post: Post | None = None) -> PostDisclosure:
        """Every disclosure of a post (paid, unpaid, the platform's flag) with its evidence;
        ``kind`` is paid when any paid disclosure counts, else unpaid, else none."""
        hits = self._all_hits(doc, post) if doc is not None else []
        if post is not None and post.sponsored:
            hits.insert(0, MarkerHit(
                PLATFORM_MARKER, "platform", 0, 0, "paid", "",
                f"{post.platform} marks the post as paid or branded content",
            ))
        hits.sort(key=lambda h: (h.start, h.end))
        if any(h.disclosure == "paid" for h in hits):
            return PostDisclosure("paid", hits)
        return PostDisclosure("unpaid" if hits else "none", hits)

    def find(self, doc: AnalyzedText | None, post: Post | None = None) -> list[MarkerHit]:
        """The paid-content disclosures of a post, in text order; [] when it has none, says
        it is not sponsored, or discloses only unpaid advertising."""
        return [h for h in self.disclosures(doc, post).hits if h.disclosure == "paid"]


def post_disclosures(
    posts: Iterable[Post], analyses: Mapping[str, AnalyzedText | None],
    matcher: DisclosureMatcher,
) -> dict[str, PostDisclosure]:
    """Post id -> what the post discloses (kind and every hit with its evidence), for the
    original posts (not replies, not reposts) that have text or a platform flag."""
    found: dict[str, PostDisclosure] = {}
    for post in posts:
        if post.is_reply or post.is_repost:
            continue
        doc = analyses.get(post.id)
        if doc is None and post.sponsored is None:
            continue
        found[post.id] = matcher.disclosures(doc, post)
    return found


def _without_unpaid_overlap(hits: list[MarkerHit]) -> list[MarkerHit]:
    """Drop paid hits inside an unpaid disclosure ("Werbung" in "unbezahlte Werbung") and
    paid labels or hashtags of the same language as an unpaid disclosure of the post."""
    unpaid = [h for h in hits if h.disclosure == "unpaid"]
    if not unpaid:
        return hits
    languages = {h.language for h in unpaid}
    return [
        h for h in hits
        if h.disclosure == "unpaid" or not (
            any(u.start <= h.start and h.end <= u.end for u in unpaid)
            or (h.kind in ("label", "hashtag") and h.language in languages)
        )
    ]


@lru_cache(maxsize=8)
def _matcher_for(config_json: str) -> DisclosureMatcher:
    return DisclosureMatcher(MarkerConfig.model_validate_json(config_json))


def disclosure_matcher(config: MarkerConfig) -> DisclosureMatcher:
    """A compiled matcher for ``config``, memoised (a crawl scores many creators)."""
    return _matcher_for(config.model_dump_json())


@lru_cache(maxsize=32)
def brand_safety_terms(terms: tuple[str, ...], languages: tuple[str, ...] = ()) -> TermSet:
    """The niche's brand-safety terms, compiled once (stemmed in the niche's languages)."""
    return TermSet(terms, default_languages=languages)
