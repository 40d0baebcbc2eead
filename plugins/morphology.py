"""Word forms per language: which text words are forms of a niche term's word.

Pure functions over *normalised* words (see :func:`creatorscout.scoring.text.normalize`).

Stemming
    Snowball stemmers (the ``snowballstemmer`` package, which uses the C ``PyStemmer`` when
    it is installed) for every language Snowball covers, among them en, de, fr, es, it, pt,
    nl, the Nordic languages, ru, ar, el, tr, pl. A stemmer is applied only to words of its
    language's script. Two words are forms of each other in a language when their stems are
    equal (``Rezepte`` = ``Rezept``; ``виновата`` is not ``вино``: стем ``виноват`` vs
    ``вин``). Snowball has no Hebrew and no Georgian stemmer; for these two a light suffix
    stripper is used (:func:`hebrew_stem`, :func:`georgian_stem`), compared the same way.

Proclitics (Hebrew, Arabic)
    :func:`proclitic_remainders` lists what is left after removing attached prefixes
    (Hebrew ``ו ה ב ל מ ש כ``, up to four; Arabic conjunction, preposition and article). A
    caller must accept a remainder only when it is a niche term: ``בטבעונות`` is ב +
    ``טבעונות``; ``מתכונת`` is not מ + anything in the niche.

Compounds (Germanic languages, hashtags)
    :func:`compound_split` says whether a word is a plausible compound of a term and another
    part: the other part has at least 3 letters including a vowel, a German/Dutch linking
    element (``s``, ``es``, ``n``, ``en``, ``e``, ``er``) may sit between modifier and head.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import snowballstemmer

# language code -> (Snowball algorithm, script)
SNOWBALL: dict[str, tuple[str, str]] = {
    "en": ("english", "latin"), "de": ("german", "latin"), "fr": ("french", "latin"),
    "es": ("spanish", "latin"), "it": ("italian", "latin"), "pt": ("portuguese", "latin"),
    "nl": ("dutch", "latin"), "sv": ("swedish", "latin"), "da": ("danish", "latin"),
    "no": ("norwegian", "latin"), "nb": ("norwegian", "latin"), "nn": ("norwegian", "latin"),
    "fi": ("finnish", "latin"), "hu": ("hungarian", "latin"), "ro": ("romanian", "latin"),
    "tr": ("turkish", "latin"), "id": ("indonesian", "latin"), "ga": ("irish", "latin"),
    "ca": ("catalan", "latin"), "eu": ("basque", "latin"), "lt": ("lithuanian", "latin"),
    "cs": ("czech", "latin"), "pl": ("polish", "latin"), "et": ("estonian", "latin"),
    "eo": ("esperanto", "latin"), "ru": ("russian", "cyrillic"), "sr": ("serbian", "cyrillic"),
    "el": ("greek", "greek"), "ar": ("arabic", "arabic"), "fa": ("persian", "arabic"),
    "hy": ("armenian", "armenian"), "hi": ("hindi", "devanagari"),
    "ne": ("nepali", "devanagari"), "ta": ("tamil", "tamil"), "yi": ("yiddish", "hebrew"),
}
LIGHT_STEMMERS = ("he", "ka")
COMPOUNDING = frozenset({"de", "nl", "sv", "da", "no", "nb", "nn", "is", "fi"})
"""Languages that write compounds as one word (Kontakt+linsen, Pflanzen+küche)."""

_SCRIPTS: tuple[tuple[str, int, int], ...] = (
    ("latin", 0x0041, 0x024F), ("latin", 0x1E00, 0x1EFF), ("greek", 0x0370, 0x03FF),
    ("greek", 0x1F00, 0x1FFF), ("cyrillic", 0x0400, 0x052F), ("armenian", 0x0530, 0x058F),
    ("hebrew", 0x0590, 0x05FF), ("hebrew", 0xFB1D, 0xFB4F), ("arabic", 0x0600, 0x06FF),
    ("arabic", 0x0750, 0x077F), ("arabic", 0x08A0, 0x08FF), ("arabic", 0xFB50, 0xFDFF),
    ("arabic", 0xFE70, 0xFEFF), ("devanagari", 0x0900, 0x097F), ("tamil", 0x0B80, 0x0BFF),
    ("georgian", 0x10A0, 0x10FF), ("georgian", 0x1C90, 0x1CBF), ("georgian", 0x2D00, 0x2D2F),
)
MIN_STEM = 3
"""Shorter stems are not compared (two-letter stems join unrelated words)."""


@lru_cache(maxsize=4096)
def script_of(word: str) -> str | None:
    """The script of the word's first letter (latin, cyrillic, hebrew...), or None."""
    for ch in word:
        if ch.isdigit():
            continue
        cp = ord(ch)
        for name, lo, hi in _SCRIPTS:
            if lo <= cp <= hi:
                return name
        return None
    return None


def _suffix_stripper(suffixes: tuple[str, ...], then: tuple[str, ...] = ()) -> Callable[
    [str], str
]:
    ordered = tuple(sorted(suffixes, key=len, reverse=True))
    final = tuple(sorted(then, key=len, reverse=True))

    def strip(word: str) -> str:
        for group in (ordered, final):
            for suffix in group:
                if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                    word = word[: -len(suffix)]
                    break
        return word

    return strip


# Hebrew (final letters already folded to ordinary forms by normalisation): plural and
# adjective endings; -ת alone is not stripped (מתכונת "format" is not מתכון "recipe").
hebrew_stem = _suffix_stripper(("יימ", "יות", "ימ", "ות", "ית", "י", "ה"))
hebrew_stem.__doc__ = "A light Hebrew stem: one plural, gender or adjective ending removed."

# Georgian: case endings (with the plural -ებ-), then one final vowel (ღვინო/ღვინის -> ღვინ).
georgian_stem = _suffix_stripper(
    ("ებისთვის", "ებისგან", "ისთვის", "ისგან", "ებში", "ებით", "ების", "ებმა", "ებზე", "ებს",
     "ები", "თან", "დან", "ში", "ზე", "ის", "ით", "ად", "მა", "ს"),
    ("ი", "ო", "ა", "ე", "უ"),
)
georgian_stem.__doc__ = "A light Georgian stem: a case ending, then a final vowel, removed."


@lru_cache(maxsize=64)
def _snowball(algorithm: str) -> Callable[[str], str]:
    stemmer: Callable[[str], str] = snowballstemmer.stemmer(algorithm).stemWord
    return stemmer


def stemmer_for(language: str) -> tuple[str, Callable[[str], str]] | None:
    """(script, stem function) for a language code, or None when there is no stemmer."""
    base = language.split("-")[0].lower()
    if base == "he":
        return "hebrew", hebrew_stem
    if base == "ka":
        return "georgian", georgian_stem
    entry = SNOWBALL.get(base)
    if entry is None:
        return None
    algorithm, script = entry
    return script, _snowball(algorithm)


@lru_cache(maxsize=262144)
def stem(language: str, word: str) -> str | None:
    """The stem of ``word`` in ``language``, or None (no stemmer, other script, too short)."""
    found = stemmer_for(language)
    if found is None or script_of(word) != found[0]:
        return None
    result = found[1](word)
    return result if len(result) >= MIN_STEM else None


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


@lru_cache(maxsize=65536)
def proclitic_remainders(word: str) -> tuple[str, ...]:
    """The word without attached Hebrew or Arabic prefixes (shortest prefix first); the
    remainder keeps at least 2 letters. Empty for other scripts."""
    script = script_of(word)
    out: list[str] = []
    if script == "hebrew":
        k = 0
        while k < 4 and k < len(word) and word[k] in _HEBREW_PREFIX:
            k += 1
            if len(word) - k >= 2:
                out.append(word[k:])
    elif script == "arabic":
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                rest = word[len(prefix):]
                if rest not in out:
                    out.append(rest)
    return tuple(out)


def arabic_plural(word: str) -> str | None:
    """The sound feminine plural of an Arabic word ending in (normalised) taa marbuta
    (وصفه -> وصفات), which the Snowball Arabic stemmer does not relate to the singular."""
    if len(word) >= 4 and script_of(word) == "arabic" and word.endswith("ه"):
        return word[:-1] + "ات"
    return None


# Latin, Cyrillic, Greek and Georgian vowels (Hebrew and Arabic write few vowels: their
# words are never split as compounds).
_VOWELS = frozenset(
    "aeiouyäöüåæøéèêáàâíìîóòôúùûœ" "аеёиоуыэюяіїє" "αεηιουω" "აეიოუ"
)
_LINKS = ("es", "en", "er", "s", "n", "e")


def plausible_part(part: str) -> bool:
    """A compound part that can stand as a word: 3+ letters, at least one vowel (so never
    in Hebrew or Arabic, whose hashtags are not split)."""
    return len(part) >= 3 and any(ch in _VOWELS for ch in part)


def modifier_rest(word: str, modifier: str) -> str | None:
    """When ``word`` is ``modifier`` (+ linking element) + a plausible head, the head."""
    if not word.startswith(modifier) or len(word) <= len(modifier):
        return None
    rest = word[len(modifier):]
    if plausible_part(rest):
        return rest
    for link in _LINKS:
        if rest.startswith(link) and plausible_part(rest[len(link):]):
            return rest[len(link):]
    return None


def head_forms(rest: str) -> tuple[str, ...]:
    """A compound's head as found, then without a leading linking element (``srouladen``
    -> ``rouladen``) when what remains is still a plausible word."""
    forms = [rest]
    for link in _LINKS:
        if rest.startswith(link) and plausible_part(rest[len(link):]):
            forms.append(rest[len(link):])
            break
    return tuple(forms)
