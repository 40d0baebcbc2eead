"""Multilingual text normalisation, tokenisation and niche-term matching (a base layer:
plugins, scoring and the crawler all match niche terms with these rules).

Pure functions, no I/O. Everything here works on any script; the rules that are specific to a
script are listed below so that nobody has to read the code to know what matches what.

Normalisation (:func:`normalize`)
    Unicode NFKC, then ``casefold`` (so ``ß`` -> ``ss``, Greek final sigma -> sigma, Georgian
    Mtavruli capitals -> Mkhedruli). Format characters (zero-width joiners, bidi marks, soft
    hyphens) are removed; decimal digits of every script become ASCII digits.
    Hebrew: niqqud and cantillation marks are removed; final letters (ך ם ן ף ץ) become their
    ordinary forms, so ``מתכון`` and ``מתכונים`` share a prefix.
    Arabic: harakat, Quranic marks and tatweel are removed; ``أ إ آ ٱ`` -> ``ا``, taa marbuta
    ``ة`` -> ``ه`` and alef maqsura ``ى`` -> ``ي`` (as Lucene's Arabic normaliser does).
    Greek: accents and diaeresis are removed. Cyrillic: ``ё`` -> ``е``.
    Latin diacritics are kept (``Küche`` is not ``Kuche``).

Tokenisation (:func:`tokenize`)
    Words are runs of letters, marks and digits; everything else (spaces, hyphens,
    apostrophes, punctuation) separates words. Han, kana, Hangul and Thai-like runs have no
    spaces: they are indexed as overlapping character bigrams (a one-character run as itself).
    ``#tag`` is one hashtag token; its parts, split at ``_``, at camelCase boundaries of the
    original text (``#VeganFood`` -> ``vegan``, ``food``) and between CJK and other scripts,
    are extra ``hashtag-part`` tokens.

Matching (:func:`match_terms`, :class:`TermSet`)
    A term is normalised and split into words exactly like text; each term has languages
    (the niche file's keys; ``default_languages`` otherwise). A term word matches a word of
    the text (``Match.how`` says which way) when

    * ``word``: it is the same word;
    * ``stem``: both have the same stem in one of the term's languages (Snowball, or the
      light Hebrew/Georgian stemmers of :mod:`creatorscout.scoring.morphology`):
      ``Rezepte`` = ``rezept``, ``lentil`` = ``lentils``; ``виновата`` is not ``вино``;
      an Arabic term ending in taa marbuta also matches its sound plural (``وصفات``);
    * ``proclitic``: the text word is Hebrew ``ו ה ב ל מ ש כ`` (up to four) or Arabic
      ``و ف``/``ب ل ك``/``ال`` + a word that matches the term in one of the ways above
      (``בטבעונות``, ``بالحمص``); ``מתכונת`` is not ``מ`` + a niche term;
    * ``compound``: for terms of 4+ letters in a language that writes compounds (German,
      Dutch, the Nordic languages), and inside any hashtag: the text word is the term (or
      its stem) + a plausible other part (3+ letters with a vowel, after an optional
      linking element: ``Linsen|suppe``, ``Koch|buch``), or a plausible part + the term
      (``Räucher|tofu``, ``Kontakt|linsen``); inside a hashtag also in the middle
      (``#ilove|vegan|cooking``). English running text is never split (``tofurky``);
    * ``substring``: in scripts written without spaces (Han, kana, Hangul, Thai, Lao,
      Khmer, Myanmar) the term occurs in the run (``纯素`` in ``今天的纯素料理``, not in
      ``纯粹素质``).

    A multi-word term (a phrase) matches consecutive words separated only by spaces, dashes
    or underscores, each word matching by word, stem or prefix (``plant based`` in
    ``Plant-Based``); it also matches its words written together (``joined``: ``plantbased``,
    ``#PlantBased``, or as a compound part in a hashtag, ``#plantbasedrecipes``), and a
    one-word term of 8+ letters matches two or three adjacent words that spell it
    (``marketingautomation`` in ``marketing automation``).

    Terms given as ``homographs`` (the niche's ``ambiguous`` keywords) count only in a text
    with other evidence: another term that is not ambiguous, a ``context`` word, or the
    other part of their compound being one (``Linsen|suppe``; not ``Kontakt|linsen``).

Offsets reported by :func:`tokenize` and :meth:`TermSet.find` index the *original* text, so a
caller can highlight or cut a passage without re-normalising.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal, NamedTuple

from creatorscout.plugins.morphology import (
    COMPOUNDING,
    arabic_plural,
    head_forms,
    modifier_rest,
    plausible_part,
    proclitic_remainders,
    script_of,
    stem,
)

__all__ = [
    "AnalyzedText",
    "Match",
    "TermSet",
    "Token",
    "TokenKind",
    "analyze",
    "match_terms",
    "normalize",
    "passage",
    "snippet",
    "tokenize",
]

TokenKind = Literal["word", "hashtag", "hashtag-part", "cjk"]

MIN_AFFIX_LEN = 4
"""Term words shorter than this match whole words only, never inside a compound."""
_CONCAT_MIN = 8
"""One-word terms this long also match adjacent words that spell them (marketing automation
for marketingautomation); shorter ones would join chance words ("veg an" is not vegan)."""

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------

_CHAR_MAP = str.maketrans(
    {
        # Arabic: alef with hamza/madda/wasla -> bare alef; taa marbuta -> haa;
        # alef maqsura -> yaa; Persian yeh and keheh -> Arabic yaa and kaf.
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0622": "\u0627",
        "\u0671": "\u0627",
        "\u0629": "\u0647",
        "\u0649": "\u064a",
        "\u06cc": "\u064a",
        "\u06a9": "\u0643",
        "\u0640": None,  # tatweel
        # Hebrew final letters -> ordinary forms.
        "\u05da": "\u05db",
        "\u05dd": "\u05de",
        "\u05df": "\u05e0",
        "\u05e3": "\u05e4",
        "\u05e5": "\u05e6",
        # Cyrillic yo -> ye (Russian writes both).
        "\u0451": "\u0435",
    }
)

# Characters that belong to the cluster of the preceding character although they are not
# combining marks: halfwidth (semi-)voiced sound marks and Hangul conjoining vowels/finals.
_CLUSTER_CONTINUATION = frozenset({0xFF9E, 0xFF9F, *range(0x1160, 0x1200), *range(0xD7B0, 0xD800)})


def _in(cp: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


_HEBREW = ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_GREEK = ((0x0370, 0x03FF), (0x1F00, 0x1FFF))
_CJK = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x3005, 0x3007),  # iteration mark, closing mark, ideographic zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x303B, 0x303C),
    (0x3041, 0x309F),  # Hiragana
    (0x30A1, 0x30FA),  # Katakana (without the double hyphen and the middle dot)
    (0x30FC, 0x30FF),  # prolonged sound mark, iteration marks
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3FFFF),  # CJK extensions B and later
    # Other scripts written without spaces between words: Thai, Lao, Myanmar, Khmer.
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
)


@cache
def _is_cjk(ch: str) -> bool:
    return _in(ord(ch), _CJK)


@cache
def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


@cache
def _continues_cluster(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "M" or ord(ch) in _CLUSTER_CONTINUATION


@lru_cache(maxsize=65536)
def _normalize_cluster(cluster: str) -> str:
    """Normalise one base character with its combining marks."""
    text = unicodedata.normalize("NFKC", cluster).casefold()
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        cp = ord(ch)
        if cat == "Cf":
            continue
        if cat == "Mn" and (_in(cp, _HEBREW) or _in(cp, _ARABIC)):
            continue  # niqqud, cantillation, harakat, Quranic marks
        if cat == "Nd":
            out.append(str(unicodedata.digit(ch)))
            continue
        out.append(ch)
    result = "".join(out).translate(_CHAR_MAP)
    if result and _in(ord(result[0]), _GREEK):
        decomposed = unicodedata.normalize("NFD", result)
        result = unicodedata.normalize(
            "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
        )
    return result


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each base character and the marks that follow it."""
    n = len(text)
    if not any(map(_continues_cluster, text)):
        for i in range(n):  # the common case: no combining marks at all
            yield i, i + 1
        return
    i = 0
    while i < n:
        j = i + 1
        while j < n and _continues_cluster(text[j]):
            j += 1
        yield i, j
        i = j


@dataclass(frozen=True, slots=True)
class _Normalized:
    text: str
    starts: Sequence[int]  # original start offset of the cluster of each normalised char
    ends: Sequence[int]  # original end offset of that cluster


# Speed: normalising and classifying character by character in Python cost most of the
# scoring time. Both are per-character functions, so they are memoised as str.translate
# tables that fill themselves on first sight of a character; a text is then normalised
# and classified by two C-level translate calls, and scanned by a regular expression over
# its class string. Characters that need the slow path (combining marks and other cluster
# continuations, characters whose normal form is not exactly one character) are noted as
# they are first seen, so a text without them takes the fast path.
_CONTINUATION_CHARS: set[str] = set()
_IRREGULAR_CHARS: set[str] = set()


class _NormTable(dict[int, str]):
    """Code point -> the normal form of that character alone (see :func:`normalize`)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        norm = _normalize_cluster(ch)
        if _continues_cluster(ch):
            _CONTINUATION_CHARS.add(ch)
        if len(norm) != 1:
            _IRREGULAR_CHARS.add(ch)
        self[cp] = norm
        return norm


_NORM_TABLE = _NormTable()

# Character classes of normalised text, one letter per character:
#   w  word character (letter, mark, digit), not CJK     c  CJK word character
#   k  CJK-range character that is not a word character  #  &  _  as themselves
#   s  whitespace    -  dash punctuation    .  anything else
_CLASS_WORD, _CLASS_CJK = "w", "c"


class _ClassTable(dict[int, str]):
    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        if ch in "#&_":
            cls = ch
        elif _is_cjk(ch):
            cls = "c" if _is_word_char(ch) else "k"
        elif _is_word_char(ch):
            cls = "w"
        elif ch.isspace():
            cls = "s"
        elif unicodedata.category(ch) == "Pd":
            cls = "-"
        else:
            cls = "."
        self[cp] = cls
        return cls


_CLASS_TABLE = _ClassTable()


class _CaseTable(dict[int, str]):
    """Code point -> U (upper case), L (lower case) or - (neither), for camelCase."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        cls = "U" if ch.isupper() else "L" if ch.islower() else "-"
        self[cp] = cls
        return cls


_CASE_TABLE = _CaseTable()

# A hashtag: '#' not after a word character, '#' or '&', then a word character, then word
# characters and underscores. Else a CJK run, else a run of other word characters.
_UNIT_RE = re.compile(r"(?<![wc#&])#(?=[wc])[wc_]+|[ck]+|w+")
_GAP_CLASSES = "s_-"


def _normalized(text: str) -> _Normalized:
    translated = text.translate(_NORM_TABLE)  # also notes irregular characters first seen
    if _CONTINUATION_CHARS.isdisjoint(text):
        if _IRREGULAR_CHARS.isdisjoint(text):  # offsets are the identity
            return _Normalized(translated, range(len(text)), range(1, len(text) + 1))
        starts: list[int] = []
        ends: list[int] = []
        for i, ch in enumerate(text):
            size = len(_NORM_TABLE[ord(ch)])
            starts.extend([i] * size)
            ends.extend([i + 1] * size)
        return _Normalized(translated, tuple(starts), tuple(ends))
    chars: list[str] = []
    starts = []
    ends = []
    for start, end in _clusters(text):
        piece = _normalize_cluster(text[start:end])
        chars.append(piece)
        if len(piece) == 1:
            starts.append(start)
            ends.append(end)
        else:
            starts.extend([start] * len(piece))
            ends.extend([end] * len(piece))
    return _Normalized("".join(chars), tuple(starts), tuple(ends))


def normalize(text: str) -> str:
    """``text`` normalised for matching (see the module docstring for the rules)."""
    translated = text.translate(_NORM_TABLE)
    if _CONTINUATION_CHARS.isdisjoint(text):
        return translated
    return "".join(_normalize_cluster(text[s:e]) for s, e in _clusters(text))


# ---------------------------------------------------------------------------------------------
# Tokenisation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """A normalised token and where it came from in the original text."""

    text: str
    start: int
    end: int
    kind: TokenKind


class _Unit(NamedTuple):
    """A word, a CJK run or a hashtag (body) as the matcher sees it."""

    text: str
    forms: tuple[str, ...]  # text, then the text without attached Hebrew/Arabic prefixes
    start: int
    end: int
    cjk: bool
    joined: bool  # only spaces, dashes or underscores since the previous unit
    tag: bool  # a hashtag's body (words run together: compounds are split in any language)
    lo: int  # normalised offset of ``text`` (-1 when text is not one slice of it)


def _forms(word: str) -> tuple[str, ...]:
    """The word, then the word without attached Hebrew or Arabic prefixes."""
    return (word, *proclitic_remainders(word))


class _Scanned:
    """A scanned text: the units the matcher sees; index tokens are built on demand."""

    __slots__ = ("_tokens", "compact", "hashtag_parts", "length", "norm", "spans", "units")

    def __init__(
        self,
        norm: _Normalized,
        units: tuple[_Unit, ...],
        hashtag_parts: tuple[tuple[_Unit, ...], ...],
        spans: tuple[tuple[str, int, int, tuple[tuple[int, int], ...]], ...],
    ) -> None:
        self.norm = norm
        self.units = units  # words, CJK runs and hashtag bodies, in order
        self.hashtag_parts = hashtag_parts  # the parts of each multi-part hashtag
        self.spans = spans  # (kind, lo, hi, hashtag part slices) in normalised offsets
        self.compact = "".join(u.text for u in units)  # for quick pre-checks
        self.length = sum(
            (hi - lo - 1 if hi - lo > 1 else 1) if kind == "cjk" else 1
            for kind, lo, hi, _ in spans
        )
        self._tokens: tuple[Token, ...] | None = None

    @property
    def tokens(self) -> tuple[Token, ...]:
        if self._tokens is None:
            self._tokens = self._make_tokens()
        return self._tokens

    def _make_tokens(self) -> tuple[Token, ...]:
        norm = self.norm
        text = norm.text

        def span(lo: int, hi: int) -> tuple[int, int]:
            return norm.starts[lo], norm.ends[hi - 1]

        tokens: list[Token] = []
        for kind, lo, hi, parts in self.spans:
            if kind == "hashtag":
                tokens.append(Token(text[lo + 1 : hi].replace("_", ""), *span(lo, hi), "hashtag"))
                for plo, phi in parts:
                    tokens.append(Token(text[plo:phi], *span(plo, phi), "hashtag-part"))
            elif kind == "cjk":
                if hi - lo == 1:
                    tokens.append(Token(text[lo:hi], *span(lo, hi), "cjk"))
                for k in range(lo, hi - 1):
                    tokens.append(Token(text[k : k + 2], *span(k, k + 2), "cjk"))
            else:
                tokens.append(Token(text[lo:hi], *span(lo, hi), "word"))
        return tuple(tokens)


def _camel_breaks(cases: str, norm: _Normalized, lo: int, hi: int) -> list[set[int]]:
    """Where camelCase words start in the normalised slice [lo, hi), by original casing.

    ``cases`` classifies each character of the original text (U, L or -). An upper-case
    run followed by lower case is ambiguous (``CRMTips`` is CRM|Tips, but ``ABMstrategy``
    is ABM|strategy): then a second segmentation is returned as well.
    """
    primary: set[int] = set()
    alternative: set[int] = set()
    starts = norm.starts

    for k in range(lo + 1, hi):
        if starts[k] == starts[k - 1]:
            continue  # same original character (ß -> ss)
        prev, cur = cases[starts[k - 1]], cases[starts[k]]
        nxt = cases[starts[k + 1]] if k + 1 < hi else "-"
        if prev == "L" and cur == "U":
            primary.add(k)
            alternative.add(k)
        elif prev == "U" and cur == "U" and nxt == "L":
            primary.add(k)  # HTTP|Server
            alternative.add(k + 1)  # ABM|strategy
    return [primary] if primary == alternative else [primary, alternative]


def _hashtag_pieces(
    original: str, norm: _Normalized, classes: str, lo: int, hi: int
) -> list[list[tuple[int, int]]]:
    """The segmentations (one or two) of a hashtag body into parts: normalised slices."""
    text = norm.text
    body_classes = classes[lo:hi]
    mixed = "c" in body_classes and "w" in body_classes
    first, last = norm.starts[lo], norm.ends[hi - 1]
    cases = original[first:last].translate(_CASE_TABLE)
    if "_" not in body_classes and not mixed and "U" not in cases[1:]:
        return []  # one part only: nothing to split
    cases = original.translate(_CASE_TABLE)
    segmentations = []
    for breaks in _camel_breaks(cases, norm, lo, hi):
        pieces: list[tuple[int, int]] = []
        begin = lo
        for k in range(lo, hi + 1):
            if (
                k == hi
                or text[k] == "_"
                or k in breaks
                or (k > lo and (classes[k] == "c") != (classes[k - 1] == "c"))
            ):
                if k > begin:
                    pieces.append((begin, k))
                begin = k + 1 if k < hi and text[k] == "_" else k
        if len(pieces) > 1:
            segmentations.append(pieces)
    return segmentations


def _scan(original: str) -> _Scanned:
    norm = _normalized(original)
    text = norm.text
    classes = text.translate(_CLASS_TABLE)
    starts, ends = norm.starts, norm.ends
    units: list[_Unit] = []
    parts_all: list[tuple[_Unit, ...]] = []
    spans: list[tuple[str, int, int, tuple[tuple[int, int], ...]]] = []
    new_unit = tuple.__new__  # skips the NamedTuple constructor's extra call (hot loop)
    forms = _forms
    prev_end = 0  # normalised index after the previous unit
    for found in _UNIT_RE.finditer(classes):
        i, j = found.span()
        joined = prev_end > 0 and not classes[prev_end:i].strip(_GAP_CLASSES)
        start, end = starts[i], ends[j - 1]
        first = classes[i]
        if first == "w":
            word = text[i:j]
            units.append(
                new_unit(_Unit, (word, forms(word), start, end, False, joined, False, i))
            )
            spans.append(("word", i, j, ()))
        elif first == "#":
            body = text[i + 1 : j].replace("_", "")
            is_cjk = "w" not in classes[i + 1 : j]
            units.append(
                new_unit(_Unit, (body, forms(body), start, end, is_cjk, joined, True,
                                 i + 1 if "_" not in text[i + 1 : j] else -1))
            )
            # Parts: split at "_", camelCase (original casing) and CJK boundaries.
            seen_parts: dict[tuple[int, int], None] = {}
            for pieces in _hashtag_pieces(original, norm, classes, i + 1, j):
                part_units = []
                for lo, hi in pieces:
                    word = text[lo:hi]
                    part_units.append(
                        new_unit(
                            _Unit,
                            (word, forms(word), start, end, classes[lo] == "c", True, False, lo),
                        )
                    )
                    seen_parts.setdefault((lo, hi))
                parts_all.append(tuple(part_units))
            spans.append(("hashtag", i, j, tuple(seen_parts)))
        else:
            run = text[i:j]
            units.append(new_unit(_Unit, (run, (run,), start, end, True, joined, False, i)))
            spans.append(("cjk", i, j, ()))
        prev_end = j
    return _Scanned(norm, tuple(units), tuple(parts_all), tuple(spans))


class AnalyzedText:
    """A text tokenised once, to be matched against several term sets."""

    __slots__ = ("_scanned", "text")

    def __init__(self, text: str, scanned: _Scanned) -> None:
        self.text = text
        self._scanned = scanned

    @property
    def tokens(self) -> tuple[Token, ...]:
        """Index tokens: words, hashtags (plus their parts) and CJK bigrams (built lazily)."""
        return self._scanned.tokens

    @property
    def length(self) -> int:
        """Number of indexable tokens (words, hashtags, CJK bigrams; not hashtag parts)."""
        return self._scanned.length

    @property
    def normalized(self) -> str:
        """The normalised text (see :func:`normalize`)."""
        return self._scanned.norm.text

    def original_span(self, lo: int, hi: int) -> tuple[int, int]:
        """The original offsets of the normalised slice ``[lo, hi)`` (``hi > lo``)."""
        norm = self._scanned.norm
        return norm.starts[lo], norm.ends[hi - 1]

    def words(self) -> list[str]:
        """The normalised words, hashtags (without ``#``) and CJK runs, in order."""
        return [u.text for u in self._scanned.units]

    def only_hashtags(self) -> bool:
        """True when the text is hashtags and nothing else (no words, no CJK runs)."""
        spans = self._scanned.spans
        return bool(spans) and all(kind == "hashtag" for kind, *_ in spans)

    def hashtags(self) -> set[str]:
        """The normalised hashtags of the text, without ``#``."""
        return {u.text for u, (kind, *_) in zip(self._scanned.units, self._scanned.spans,
                                               strict=True) if kind == "hashtag"}


def analyze(text: str) -> AnalyzedText:
    """Normalise and tokenise ``text`` once (see :func:`tokenize`)."""
    return AnalyzedText(text, _scan(text))


def tokenize(text: str) -> list[Token]:
    """Index tokens of ``text``: words, hashtags (plus their parts) and CJK bigrams."""
    return list(_scan(text).tokens)


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------

How = Literal["word", "stem", "proclitic", "compound", "substring", "phrase", "joined"]


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    cjk: bool
    stems: tuple[tuple[str, str], ...]  # (language, stem) for each language with a stemmer
    plural: str | None  # Arabic sound plural
    compounds: bool  # may be a part of a closed compound (Germanic languages)


@dataclass(frozen=True, slots=True)
class _Term:
    term: str
    words: tuple[_Word, ...]
    joined: _Word  # the words written together (same as words[0] for a one-word term)
    weak: bool  # a homograph: counts only with corroboration
    context: bool  # a context word: never reported, only corroborates


def _make_word(text: str, cjk: bool, languages: Sequence[str]) -> _Word:
    stems: list[tuple[str, str]] = []
    if not cjk:
        for language in languages:
            s = stem(language, text)
            if s is not None and (language, s) not in stems:
                stems.append((language, s))
    compounds = (
        not cjk and len(text) >= MIN_AFFIX_LEN and script_of(text) == "latin"
        and any(lang.split("-")[0] in COMPOUNDING for lang in languages)
    )
    return _Word(text, cjk, tuple(stems), None if cjk else arabic_plural(text), compounds)


def _compile(term: str, languages: Sequence[str], weak: bool, context: bool) -> _Term | None:
    scanned = _scan(term.replace("#", " ").replace("_", " "))
    words = tuple(_make_word(u.text, u.cjk, languages) for u in scanned.units)
    if not words:
        return None
    if len(words) == 1:
        joined = words[0]
    else:
        joined = _make_word("".join(w.text for w in words), all(w.cjk for w in words), ())
    return _Term(term, words, joined, weak, context)


class _Hit(NamedTuple):
    term: int  # index into the compiled terms
    word: int  # index of the term word, -1 for the joined words
    how: How
    other: str  # the other part of a compound ("" when there is none)


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a term; offsets index the original text (``text[start:end]`` is the
    word or words it came from). ``how``: word, stem, proclitic, compound, substring (CJK,
    Thai), phrase (several words) or joined (a phrase written as one word)."""

    term: str
    start: int
    end: int
    how: str = "word"
    ambiguous: bool = False  # the term is a homograph / ambiguous keyword
    confirmed: bool = True  # False: ambiguous, and nothing in this text confirms it


_LookupKey = tuple[str, str, str]  # (kind, language, text)


class TermSet:
    """Terms compiled once, to be matched against many texts (rules: module docstring).

    ``languages`` maps a term to the languages it is written in (its stemmers); other terms
    use ``default_languages``. ``homographs`` are terms that also mean something outside
    the niche (``linsen``: lentils and lenses; ``حمص``: chickpeas and the city of Homs):
    they count only in a text with other evidence (another term, a ``context`` word, or the
    other part of their compound being one). ``context`` words (word, language) are never
    reported; they only corroborate homographs. Terms that normalise to nothing never match.
    """

    def __init__(
        self,
        terms: Iterable[str],
        *,
        languages: Mapping[str, Sequence[str]] | None = None,
        default_languages: Sequence[str] = (),
        homographs: Iterable[str] = (),
        context: Iterable[tuple[str, str | None]] = (),
    ) -> None:
        self.terms: tuple[str, ...] = tuple(dict.fromkeys(terms))
        weak_keys = {normalize(h).replace(" ", "").replace("#", "") for h in homographs}
        compiled: list[_Term] = []
        for term in self.terms:
            langs = tuple(languages.get(term, default_languages)) if languages else tuple(
                default_languages
            )
            key = normalize(term).replace(" ", "").replace("#", "")
            made = _compile(term, langs, key in weak_keys, False)
            if made is not None:
                compiled.append(made)
        for word, lang in context:
            made = _compile(word, (lang,) if lang else tuple(default_languages), False, True)
            if made is not None:
                compiled.append(made)
        self._compiled = tuple(compiled)
        self._order = {t: k for k, t in enumerate(self.terms)}
        self._index: dict[_LookupKey, list[tuple[int, int]]] = {}
        self._languages: set[str] = set()
        self._cjk: list[tuple[int, int, _Word]] = []
        # Compound candidates by their first three letters (a compound contains them).
        self._compound: dict[str, list[tuple[int, int, _Word]]] = {}
        self._word_cache: dict[str, list[_Hit]] = {}
        self._tag_cache: dict[str, list[_Hit]] = {}
        self._concat: dict[str, list[int]] = {}
        for ti, compiled_term in enumerate(self._compiled):
            for wi, term_word in enumerate(compiled_term.words):
                self._add_word(ti, wi, term_word)
            joined = compiled_term.joined
            if len(compiled_term.words) > 1 and not joined.cjk:
                self._index.setdefault(("j", "", joined.text), []).append((ti, -1))
                self._compound.setdefault(joined.text[:3], []).append((ti, -1, joined))
            if len(compiled_term.words) == 1 and not joined.cjk and len(joined.text) >= _CONCAT_MIN:
                self._concat.setdefault(joined.text[:2], []).append(ti)

    def _add_word(self, ti: int, wi: int, word: _Word) -> None:
        if word.cjk:
            self._cjk.append((ti, wi, word))
            return
        self._index.setdefault(("w", "", word.text), []).append((ti, wi))
        for language, s in word.stems:
            self._languages.add(language)
            self._index.setdefault(("s", language, s), []).append((ti, wi))
        if word.plural is not None:
            self._index.setdefault(("w", "", word.plural), []).append((ti, wi))
        if len(word.text) >= MIN_AFFIX_LEN:
            self._compound.setdefault(word.text[:3], []).append((ti, wi, word))

    def __len__(self) -> int:
        return len(self.terms)

    # -- one unit ------------------------------------------------------------------------

    def _lookup(self, form: str) -> Iterator[tuple[int, int, How]]:
        for ti, wi in self._index.get(("w", "", form), ()):
            yield ti, wi, "word"
        for ti, wi in self._index.get(("j", "", form), ()):
            yield ti, wi, "joined"
        for language in self._languages:
            s = stem(language, form)
            if s is not None:
                for ti, wi in self._index.get(("s", language, s), ()):
                    yield ti, wi, "stem"

    def _unit_hits(self, unit: _Unit) -> list[_Hit]:
        """The term words a unit matches (memoised per unit text: words repeat a lot)."""
        cache = self._tag_cache if unit.tag else self._word_cache
        cached = cache.get(unit.text)
        if cached is None:
            if len(cache) > 200_000:
                cache.clear()
            cached = cache[unit.text] = self._compute_hits(unit)
        return cached

    def _compute_hits(self, unit: _Unit) -> list[_Hit]:
        hits: dict[tuple[int, int], _Hit] = {}
        if unit.cjk:
            for ti, wi, word in self._cjk:
                if word.text in unit.text:
                    hits[(ti, wi)] = _Hit(ti, wi, "substring", "")
            return list(hits.values())
        for ti, wi, how in self._lookup(unit.text):
            hits.setdefault((ti, wi), _Hit(ti, wi, how, ""))
        for rest in unit.forms[1:]:  # Hebrew/Arabic proclitics: only onto a niche term
            for ti, wi, _how in self._lookup(rest):
                hits.setdefault((ti, wi), _Hit(ti, wi, "proclitic", ""))
        text = unit.text
        if len(text) > MIN_AFFIX_LEN and self._compound:
            for k in range(len(text) - 2):
                for ti, wi, word in self._compound.get(text[k : k + 3], ()):
                    if (ti, wi) in hits or not (unit.tag or word.compounds):
                        continue
                    if len(text) <= len(word.text):
                        continue
                    other = _compound_other(text, word, unit.tag)
                    if other is not None:
                        hits[(ti, wi)] = _Hit(ti, wi, "compound", other)
        return list(hits.values())

    # -- a sequence of units -------------------------------------------------------------

    def _find_in(self, seq: Sequence[_Unit]) -> Iterator[tuple[int, int, int, How, str]]:
        """(term index, first unit, last unit, how, other part) of each occurrence."""
        per_unit = list(map(self._unit_hits, seq))
        compiled = self._compiled
        for i, hits in enumerate(per_unit):
            for hit in hits:
                n = len(compiled[hit.term].words)
                if hit.word == -1 or n == 1:
                    yield hit.term, i, i, hit.how, hit.other
                elif hit.word == 0 and hit.how != "compound" and i + n <= len(seq):
                    if all(
                        seq[i + k].joined and any(
                            h.term == hit.term and h.word == k and h.how != "compound"
                            for h in per_unit[i + k]
                        )
                        for k in range(1, n)
                    ):
                        yield hit.term, i, i + n - 1, "phrase", ""
        if self._concat:
            for i, unit in enumerate(seq):
                if unit.cjk:
                    continue
                for ti in self._concat.get(unit.text[:2], ()):
                    last = _concat_end(seq, i, compiled[ti].joined)
                    if last is not None:
                        yield ti, i, last, "joined", ""

    def _corroborates(self, other: str) -> bool:
        """Whether a compound's other part (or parts) is itself a niche or context word."""
        for piece in other.split():
            for part in head_forms(piece):
                fake = _Unit(part, (part, *proclitic_remainders(part)), 0, 0, False, False,
                             False, -1)
                if any(
                    not self._compiled[h.term].weak and h.how != "compound"
                    for h in self._unit_hits(fake)
                ):
                    return True
        return False

    def find(self, text: str | AnalyzedText, *, unconfirmed: bool = False) -> list[Match]:
        """Every counted occurrence of every term, ordered by position (then term order).

        A homograph's occurrence counts only with corroboration in the text (see the class
        docstring); with ``unconfirmed`` the others are returned too, marked
        ``confirmed=False``, for a caller that has evidence elsewhere (the creator's other
        posts: one sense per discourse).
        """
        doc = text if isinstance(text, AnalyzedText) else analyze(text)
        scanned = doc._scanned
        found: dict[tuple[int, int], tuple[int, How, str]] = {}
        for seq in (scanned.units, *scanned.hashtag_parts):
            for ti, i, last, how, other in self._find_in(seq):
                start, end = seq[i].start, seq[last].end
                if how == "substring" and i == last and seq[i].lo >= 0:
                    # Show the term's own characters, not the whole run (商品提供 in
                    # 〇〇様から商品提供を受けて).
                    word = self._compiled[ti].words[0].text
                    at = seq[i].text.find(word)
                    if at >= 0:
                        start, end = doc.original_span(seq[i].lo + at, seq[i].lo + at + len(word))
                key = (ti, start)
                if key not in found or found[key][0] < end:
                    found[key] = (end, how, other)
        if not found:
            return []
        compiled = self._compiled
        # Evidence: terms that are not homographs, and homographs whose compound's other
        # part is a niche or context word (Linsen|suppe); a homograph needs evidence of
        # another term (Rezept ... Linsensuppe) or is itself such a compound.
        self_evident = {
            (ti, start) for (ti, start), (_, _how, other) in found.items()
            if other and compiled[ti].weak and self._corroborates(other)
        }
        evidence = [
            (ti, start, end) for (ti, start), (end, _how, _other) in found.items()
            if not compiled[ti].weak or (ti, start) in self_evident
        ]
        matches = []
        for (ti, start), (end, how, _other) in found.items():
            term = compiled[ti]
            if term.context:
                continue
            # Evidence must come from another word (the context word "виноград" does not
            # confirm the "вино" found inside it).
            confirmed = not term.weak or (ti, start) in self_evident or any(
                compiled[e].joined.text != term.joined.text and (s2, e2) != (start, end)
                for e, s2, e2 in evidence
            )
            if not confirmed and not unconfirmed:
                continue
            matches.append(Match(term.term, start, end, how, term.weak, confirmed))
        order = self._order
        matches.sort(key=lambda m: (m.start, order[m.term]))
        return matches

    def count(self, text: str | AnalyzedText) -> dict[str, int]:
        """Term -> number of occurrences, for the terms that occur at least once."""
        counts: dict[str, int] = {}
        for match in self.find(text):
            counts[match.term] = counts.get(match.term, 0) + 1
        return {t: counts[t] for t in self.terms if t in counts}


def _compound_other(text: str, word: _Word, tag: bool) -> str | None:
    """The other part when ``text`` is a plausible compound containing ``word``."""
    rest = modifier_rest(text, word.text)
    if rest is not None:
        return rest
    for _language, s in word.stems:  # an inflected modifier: Koch(en) in Kochbuch
        if len(s) >= MIN_AFFIX_LEN and word.text.startswith(s):
            rest = modifier_rest(text, s)
            if rest is not None:
                return rest
    # The term as the head: Kontakt|linsen, Koch|rezepte
    pos = text.find(word.text[:3], 3)
    while pos != -1:
        head, modifier = text[pos:], text[:pos]
        if plausible_part(modifier) and (
            head == word.text
            or any(stem(lang, head) == s for lang, s in word.stems)
        ):
            return modifier
        if tag and plausible_part(modifier) and head.startswith(word.text):
            rest = head[len(word.text):]
            if plausible_part(rest):  # inside a hashtag: #ilovevegancooking
                return modifier + " " + rest
        pos = text.find(word.text[:3], pos + 1)
    return None


def _concat_end(seq: Sequence[_Unit], i: int, word: _Word) -> int | None:
    """Index of the last unit when 2-3 adjacent units from ``i`` spell ``word``."""
    target = word.text
    for first in seq[i].forms:
        if seq[i].cjk or len(first) < 2 or len(first) >= len(target):
            continue
        if not target.startswith(first):
            continue
        acc, k = first, i
        while k + 1 < len(seq) and k - i < 2:
            nxt = seq[k + 1]
            if not nxt.joined or nxt.cjk or len(nxt.text) < 2:
                break
            rest = target[len(acc):]
            if nxt.text == rest or (len(rest) >= 3 and nxt.text.startswith(rest)):
                return k + 1
            if not rest.startswith(nxt.text):
                break
            acc += nxt.text
            k += 1
    return None


def _as_termset(terms: Iterable[str] | TermSet) -> TermSet:
    return terms if isinstance(terms, TermSet) else TermSet(terms)


def match_terms(text: str, terms: Iterable[str] | TermSet) -> dict[str, int]:
    """Term -> number of occurrences in ``text``; terms that do not occur are left out.

    A term inside a hashtag counts once per hashtag, however many of the hashtag's parts
    match it.
    """
    return _as_termset(terms).count(text)


def snippet(
    text: str | AnalyzedText, terms: Iterable[str] | TermSet, width: int = 120
) -> str | None:
    """The passage of about ``width`` characters around the first match, or None.

    The passage is cut at spaces where possible; ``…`` marks a cut; runs of whitespace
    become one space.
    """
    matches = _as_termset(terms).find(text)
    if isinstance(text, AnalyzedText):
        text = text.text
    if not matches:
        return None
    return passage(text, matches[0].start, matches[0].end, width)


def passage(text: str, start: int, end: int, width: int = 120) -> str:
    """About ``width`` characters of ``text`` around ``text[start:end]`` (see
    :func:`snippet`)."""
    if end - start >= width:
        left, right = start, start + width
    else:
        room = width - (end - start)
        left = max(0, start - room // 2)
        right = min(len(text), left + width)
        left = max(0, right - width)
        if left > 0:
            cut = next((k for k in range(left, start) if text[k].isspace()), None)
            if cut is not None:
                left = cut + 1
        if right < len(text):
            cut = next((k for k in range(right, end, -1) if text[k].isspace()), None)
            if cut is not None:
                right = cut
    shown = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + shown + ("…" if right < len(text) else "")
