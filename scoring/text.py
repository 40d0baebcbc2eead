"""Multilingual text normalisation, tokenisation and niche-term matching.

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

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

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


def _normalized(text: str) -> _Normalized:
    if not any(map(_continues_cluster, text)):
        pieces = list(map(_normalize_cluster, text))
        if all(len(piece) == 1 for piece in pieces):  # offsets are the identity
            return _Normalized("".join(pieces), range(len(text)), range(1, len(text) + 1))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
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


@dataclass(frozen=True, slots=True)
class _Unit:
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
    return all(ch.isspace() or ch == "_" or unicodedata.category(ch) == "Pd" for ch in chars)


@dataclass(frozen=True, slots=True)
class _Scanned:
    units: tuple[_Unit, ...]  # words, CJK runs and hashtag bodies, in order
    hashtag_parts: tuple[tuple[_Unit, ...], ...]  # the parts of each multi-part hashtag
    tokens: tuple[Token, ...]
    compact: str  # the unit texts written together, for quick pre-checks


def _camel_breaks(original: str, norm: _Normalized, lo: int, hi: int) -> list[set[int]]:
    """Where camelCase words start in the normalised slice [lo, hi), by original casing.

    An upper-case run followed by lower case is ambiguous (``CRMTips`` is CRM|Tips, but
    ``ABMstrategy`` is ABM|strategy): then a second segmentation is returned as well.
    """
    primary: set[int] = set()
    alternative: set[int] = set()

    def case(k: int) -> str:
        ch = original[norm.starts[k]]
        return "U" if ch.isupper() else "L" if ch.islower() else "-"

    for k in range(lo + 1, hi):
        if norm.starts[k] == norm.starts[k - 1]:
            continue  # same original character (ß -> ss)
        prev, cur = case(k - 1), case(k)
        nxt = case(k + 1) if k + 1 < hi else "-"
        if prev == "L" and cur == "U":
            primary.add(k)
            alternative.add(k)
        elif prev == "U" and cur == "U" and nxt == "L":
            primary.add(k)  # HTTP|Server
            alternative.add(k + 1)  # ABM|strategy
    return [primary] if primary == alternative else [primary, alternative]


def _hashtag_pieces(
    original: str, norm: _Normalized, lo: int, hi: int
) -> list[list[tuple[int, int]]]:
    """The segmentations (one or two) of a hashtag body into parts: normalised slices."""
    text = norm.text
    segmentations = []
    for breaks in _camel_breaks(original, norm, lo, hi):
        pieces: list[tuple[int, int]] = []
        begin = lo
        for k in range(lo, hi + 1):
            if (
                k == hi
                or text[k] == "_"
                or k in breaks
                or (k > lo and _is_cjk(text[k]) != _is_cjk(text[k - 1]))
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
    n = len(text)
    units: list[_Unit] = []
    parts_all: list[tuple[_Unit, ...]] = []
    tokens: list[Token] = []
    prev_end = 0  # normalised index after the previous unit

    def span(lo: int, hi: int) -> tuple[int, int]:
        return norm.starts[lo], norm.ends[hi - 1]

    i = 0
    while i < n:
        ch = text[i]
        if (
            ch == "#"
            and (i == 0 or not (_is_word_char(text[i - 1]) or text[i - 1] in "#&"))
            and i + 1 < n
            and _is_word_char(text[i + 1])
        ):
            j = i + 1
            while j < n and (_is_word_char(text[j]) or text[j] == "_"):
                j += 1
            raw = text[i + 1 : j]
            body = raw.replace("_", "")
            start, end = span(i, j)
            joined = bool(units) and _is_gap(text[prev_end:i])
            is_cjk = all(_is_cjk(c) for c in body)
            units.append(_Unit(body, _forms(body), start, end, is_cjk, joined))
            tokens.append(Token(body, start, end, "hashtag"))
            # Parts: split at "_", camelCase (original casing) and CJK boundaries.
            seen_parts: set[tuple[int, int]] = set()
            for pieces in _hashtag_pieces(original, norm, i + 1, j):
                part_units = []
                for lo, hi in pieces:
                    word = text[lo:hi]
                    part_units.append(_Unit(word, _forms(word), start, end, _is_cjk(word[0]), True))
                    if (lo, hi) not in seen_parts:
                        seen_parts.add((lo, hi))
                        tokens.append(Token(word, *span(lo, hi), "hashtag-part"))
                parts_all.append(tuple(part_units))
            prev_end = j
            i = j
        elif _is_cjk(ch):
            j = i + 1
            while j < n and _is_cjk(text[j]):
                j += 1
            run = text[i:j]
            start, end = span(i, j)
            joined = bool(units) and _is_gap(text[prev_end:i])
            units.append(_Unit(run, (run,), start, end, True, joined))
            if len(run) == 1:
                tokens.append(Token(run, start, end, "cjk"))
            for k in range(i, j - 1):
                tokens.append(Token(text[k : k + 2], *span(k, k + 2), "cjk"))
            prev_end = j
            i = j
        elif _is_word_char(ch):
            j = i + 1
            while j < n and _is_word_char(text[j]) and not _is_cjk(text[j]):
                j += 1
            word = text[i:j]
            start, end = span(i, j)
            joined = bool(units) and _is_gap(text[prev_end:i])
            units.append(_Unit(word, _forms(word), start, end, False, joined))
            tokens.append(Token(word, start, end, "word"))
            prev_end = j
            i = j
        else:
            i += 1
    compact = "".join(u.text for u in units)
    return _Scanned(tuple(units), tuple(parts_all), tuple(tokens), compact)


@dataclass(frozen=True, slots=True)
class AnalyzedText:
    """A text tokenised once, to be matched against several term sets."""

    text: str
    tokens: tuple[Token, ...]
    _scanned: _Scanned

    @property
    def length(self) -> int:
        """Number of indexable tokens (words, hashtags, CJK bigrams; not hashtag parts)."""
        return sum(1 for t in self.tokens if t.kind != "hashtag-part")

    def hashtags(self) -> set[str]:
        """The normalised hashtags of the text, without ``#``."""
        return {t.text for t in self.tokens if t.kind == "hashtag"}


def analyze(text: str) -> AnalyzedText:
    """Normalise and tokenise ``text`` once (see :func:`tokenize`)."""
    scanned = _scan(text)
    return AnalyzedText(text, scanned.tokens, scanned)


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
        order = {t: k for k, t in enumerate(self.terms)}
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


def snippet(text: str, terms: Iterable[str] | TermSet, width: int = 120) -> str | None:
    """The passage of about ``width`` characters around the first match, or None.

    The passage is cut at spaces where possible; ``…`` marks a cut; runs of whitespace
    become one space.
    """
    matches = _as_termset(terms).find(text)
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
