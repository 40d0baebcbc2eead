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
    apostrophes, punctuation) separates words. Han, Hiragana, Katakana and Hangul runs have no
    spaces: they are indexed as overlapping character bigrams (a one-character run as itself).
    ``#tag`` is one hashtag token; its parts, split at ``_``, at camelCase boundaries of the
    original text (``#VeganFood`` -> ``vegan``, ``food``) and between CJK and other scripts,
    are extra ``hashtag-part`` tokens.

Matching (:func:`match_terms`, :class:`TermSet`)
    A term is normalised and split into words exactly like text. A term word matches a word
    of the text when

    * it is equal to it; or
    * the term word has at least 4 characters and the text word starts or ends with it: the
      compound and inflection rule (``vegan`` in ``#veganfood``, ``Veganküche``, ``vegane``;
      ``rezept`` in ``Kochrezept``). Words of 3 characters or fewer (``abm``, ``crm``,
      ``b2b``) match whole words or whole hashtag parts only, never inside a word
      (``abm`` does not match ``Abmahnung``); or
    * after removing attached prefixes: Hebrew ``ו ה ב ל מ ש כ`` (up to four, e.g.
      ``והמתכון``) and Arabic ``و ف``, then ``ب ل ك``, then ``ال`` (and ``لل``), e.g.
      ``والعدس``, ``بالحمص``; at least two letters must remain; or
    * Cyrillic, Georgian and Greek words of 5+ characters also match by their stem (up to two
      trailing vowels removed, at least 4 characters left): ``ქვევრი`` matches ``ქვევრში``,
      ``грузинское`` matches ``грузинского``. A Latin-script term of 5+ characters ending
      in a plural ``s`` also matches its singular (``lentils`` matches ``lentil soup``). An
      Arabic term ending in taa marbuta also matches its sound plural in ``ات``
      (``وصفة`` -> ``وصفات``).

    A CJK term matches when its bigrams occur consecutively in a CJK run, which is the same
    as being a substring of the run (``纯素`` matches ``今天的纯素料理``, but not
    ``纯粹素质``, which only shares single characters).

    A multi-word term (a phrase) matches consecutive words separated only by spaces, dashes
    or underscores: ``plant based`` matches ``plant based``, ``Plant-Based`` and
    ``#PlantBased``; the first phrase word may end a compound and the last may start one
    (``natural wine`` matches ``natural wines``). A phrase also matches its words written
    together (``plantbased``, ``#plantbasedrecipes``), and a one-word term matches two or
    three adjacent words that spell it (``marketingautomation`` matches ``marketing
    automation``).

Offsets reported by :func:`tokenize` and :meth:`TermSet.find` index the *original* text, so a
caller can highlight or cut a passage without re-normalising.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal, NamedTuple

__all__ = [
    "AnalyzedText",
    "Match",
    "TermSet",
    "Token",
    "TokenKind",
    "analyze",
    "match_terms",
    "normalize",
    "snippet",
    "tokenize",
]

TokenKind = Literal["word", "hashtag", "hashtag-part", "cjk"]

MIN_AFFIX_LEN = 4
"""Term words shorter than this match whole words only, never inside a compound."""

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
_CYRILLIC = ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))
_GEORGIAN = ((0x10A0, 0x10FF), (0x1C90, 0x1CBF), (0x2D00, 0x2D2F))
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


_HEBREW_PREFIX = frozenset("והבלמשכ")
_ARABIC_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            conj + prep + article
            for conj in ("", "و", "ف")
            for prep in ("", "ب", "ل", "ك")
            for article in ("", "ال")
        }
        | {conj + "لل" for conj in ("", "و", "ف")},
        key=lambda prefix: (len(prefix), prefix),
    )
)[1:]  # without the empty prefix
_MIN_STEM_REMAINDER = 2


@lru_cache(maxsize=65536)
def _forms(word: str) -> tuple[str, ...]:
    """The word, then the word without attached Hebrew or Arabic prefixes."""
    if not word:
        return (word,)
    forms = [word]
    cp = ord(word[0])
    if _in(cp, _HEBREW):
        k = 0
        while k < 4 and k < len(word) and word[k] in _HEBREW_PREFIX:
            k += 1
            if len(word) - k >= _MIN_STEM_REMAINDER:
                forms.append(word[k:])
    elif _in(cp, _ARABIC):
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM_REMAINDER:
                rest = word[len(prefix) :]
                if rest not in forms:
                    forms.append(rest)
    return tuple(forms)


def _is_gap(chars: str) -> bool:
    """True when only spaces, dashes and underscores separate two words."""
    return not chars.translate(_CLASS_TABLE).strip(_GAP_CLASSES)


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
            units.append(new_unit(_Unit, (word, forms(word), start, end, False, joined)))
            spans.append(("word", i, j, ()))
        elif first == "#":
            body = text[i + 1 : j].replace("_", "")
            is_cjk = "w" not in classes[i + 1 : j]
            units.append(new_unit(_Unit, (body, forms(body), start, end, is_cjk, joined)))
            # Parts: split at "_", camelCase (original casing) and CJK boundaries.
            seen_parts: dict[tuple[int, int], None] = {}
            for pieces in _hashtag_pieces(original, norm, classes, i + 1, j):
                part_units = []
                for lo, hi in pieces:
                    word = text[lo:hi]
                    part_units.append(
                        new_unit(_Unit, (word, forms(word), start, end, classes[lo] == "c", True))
                    )
                    seen_parts.setdefault((lo, hi))
                parts_all.append(tuple(part_units))
            spans.append(("hashtag", i, j, tuple(seen_parts)))
        else:
            run = text[i:j]
            units.append(new_unit(_Unit, (run, (run,), start, end, True, joined)))
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

_Position = Literal["only", "first", "middle", "last"]
_STEM_VOWELS = (
    (_CYRILLIC, frozenset("аеиоуыэюяйь")),
    (_GEORGIAN, frozenset("აეიოუ")),
    (_GREEK, frozenset("αεηιουωσ")),
)


def _stem(word: str) -> str | None:
    """A light stem, or None: see the module docstring."""
    if len(word) < 5:
        return None
    if ord(word[0]) < 0x0250 and word[-1] == "s" and word[-2] not in "su":
        return word[:-1]  # lentils -> lentil, chickpeas -> chickpea
    for ranges, vowels in _STEM_VOWELS:
        if _in(ord(word[0]), ranges):
            stem = word
            for _ in range(2):
                if stem[-1] in vowels and len(stem) - 1 >= MIN_AFFIX_LEN:
                    stem = stem[:-1]
            return stem if stem != word else None
    return None


def _arabic_plural(word: str) -> str | None:
    """The sound feminine plural of an Arabic word ending in (normalised) taa marbuta."""
    if len(word) >= 4 and _in(ord(word[0]), _ARABIC) and word.endswith("ه"):
        return word[:-1] + "ات"
    return None


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    cjk: bool
    stem: str | None
    plural: str | None


@dataclass(frozen=True, slots=True)
class _Term:
    term: str
    words: tuple[_Word, ...]
    joined: _Word  # the words written together (same as words[0] for a one-word term)
    probe: str  # occurs in the words of any text the term matches (a quick pre-check)


def _compile(term: str) -> _Term | None:
    scanned = _scan(term.replace("#", " ").replace("_", " "))
    words = tuple(
        _Word(u.text, u.cjk, None if u.cjk else _stem(u.text), _arabic_plural(u.text))
        for u in scanned.units
    )
    if not words:
        return None
    joined_text = "".join(w.text for w in words)
    if len(words) == 1:
        joined = words[0]
    else:
        joined = _Word(joined_text, all(w.cjk for w in words), None, None)
    # Every way to match starts with a unit form that contains a prefix of the first word
    # (itself, its stem or its stem before a plural ending), or that spells a prefix of
    # the joined words; unit forms are suffixes of the unit texts. So the shortest such
    # prefix occurs in the concatenated unit texts of every text the term matches.
    first = words[0]
    variants = [first.text, first.stem or first.text, first.text[:-1] if first.plural else ""]
    probe = min((v for v in variants if v), key=len)
    return _Term(term, words, joined, probe)


def _word_ok(unit: _Unit, word: _Word, pos: _Position) -> bool:
    starts = pos in ("only", "last")
    ends = pos in ("only", "first")
    for form in unit.forms:
        if form == word.text:
            return True
        if word.cjk:
            if unit.cjk and (
                (pos == "only" and word.text in form)
                or (ends and form.endswith(word.text))
                or (starts and form.startswith(word.text))
            ):
                return True
            continue
        if unit.cjk:
            continue
        if len(word.text) >= MIN_AFFIX_LEN and (
            (starts and form.startswith(word.text)) or (ends and form.endswith(word.text))
        ):
            return True
        if word.stem is not None and form.startswith(word.stem):
            return True
        if word.plural is not None and form == word.plural:
            return True
    return False


def _concat_end(seq: Sequence[_Unit], i: int, word: _Word) -> int | None:
    """Index of the last unit when 2-3 adjacent units from ``i`` spell ``word``."""
    target = word.text
    if word.cjk or len(target) < 5:
        return None
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
            rest = target[len(acc) :]
            if nxt.text == rest or (len(rest) >= 3 and nxt.text.startswith(rest)):
                return k + 1
            if not rest.startswith(nxt.text):
                break
            acc += nxt.text
            k += 1
    return None


def _positions(n: int) -> list[_Position]:
    if n == 1:
        return ["only"]
    middle: list[_Position] = ["middle"] * (n - 2)
    return ["first", *middle, "last"]


def _find_in(seq: Sequence[_Unit], term: _Term) -> Iterator[tuple[int, int]]:
    n = len(term.words)
    positions = _positions(n)
    key = term.probe[:2]  # every match starts at a unit whose text contains this
    next_free = 0
    for i, unit in enumerate(seq):
        if i < next_free or key not in unit.text:
            continue
        last: int | None = None
        if n > 1 and i + n <= len(seq):
            if all(seq[i + k].joined for k in range(1, n)) and all(
                _word_ok(seq[i + k], term.words[k], positions[k]) for k in range(n)
            ):
                last = i + n - 1
        if last is None and _word_ok(seq[i], term.joined, "only"):
            last = i
        if last is None:
            last = _concat_end(seq, i, term.joined)
        if last is not None:
            yield unit.start, seq[last].end
            next_free = last + 1


@dataclass(frozen=True, slots=True)
class Match:
    """One occurrence of a term; offsets index the original text."""

    term: str
    start: int
    end: int


class TermSet:
    """Terms compiled once, to be matched against many texts.

    Terms that normalise to nothing (only punctuation) never match.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms: tuple[str, ...] = tuple(dict.fromkeys(terms))
        self._compiled = tuple(c for c in map(_compile, self.terms) if c is not None)
        self._order = {t: k for k, t in enumerate(self.terms)}

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str | AnalyzedText) -> list[Match]:
        """Every occurrence of every term, ordered by position (then by term order)."""
        doc = text if isinstance(text, AnalyzedText) else analyze(text)
        sequences = (doc._scanned.units, *doc._scanned.hashtag_parts)
        compact = doc._scanned.compact
        found: dict[tuple[str, int], int] = {}
        for term in self._compiled:
            if term.probe not in compact:
                continue
            for seq in sequences:
                for start, end in _find_in(seq, term):
                    key = (term.term, start)
                    found[key] = max(found.get(key, end), end)
        if not found:
            return []
        order = self._order
        return sorted(
            (Match(term, start, end) for (term, start), end in found.items()),
            key=lambda m: (m.start, order[m.term]),
        )

    def count(self, text: str | AnalyzedText) -> dict[str, int]:
        """Term -> number of occurrences, for the terms that occur at least once."""
        counts: dict[str, int] = {}
        for match in self.find(text):
            counts[match.term] = counts.get(match.term, 0) + 1
        return {t: counts[t] for t in self.terms if t in counts}


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
    first = matches[0]
    start, end = first.start, first.end
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
    passage = " ".join(text[left:right].split())
    return ("…" if left > 0 else "") + passage + ("…" if right < len(text) else "")
