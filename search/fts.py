"""Text for the embedded index: folding, and turning user input into a safe FTS5 query.

The SQLite index keeps two FTS5 tables over the same text (handle, display name, bio and
the recent posts' text):

* ``fts_words`` uses ``unicode61 remove_diacritics 2`` with the token categories
  ``L* N* Co M*``. Words are split on spaces and punctuation in every script; Latin
  diacritics fold (``Käse`` = ``kase``); combining marks stay inside words, so Devanagari
  or Georgian words are not cut apart at their vowel signs (the default categories would).
  A query word of three or more characters matches as a *prefix* (``wein`` finds
  ``Weinbau``, ``vegan`` finds ``vegans``); shorter words must match whole.
* ``fts_trigram`` uses the ``trigram`` tokenizer and only holds rows whose text contains
  a script that writes words without spaces or glues prefixes onto words: Chinese,
  Japanese, Korean, Thai, Lao, Khmer, Myanmar, Tibetan, Arabic and Hebrew. A query word in
  one of those scripts matches as a *substring* (``ワイン`` in ``日本のワインが好き``,
  ``نبيذ`` in ``النبيذ``, ``יין`` in ``והיין``). Words of one or two characters use
  ``instr`` on the same rows (the trigram index cannot serve them).

Rows of texts in Latin, Cyrillic, Greek, Georgian, Armenian... never reach the trigram
table, so it costs nothing for them; of a mixed text, only the chunks written in those
scripts go there.

Before either table sees a text (document or query), :func:`fold` applies NFKC (full-width
``ＷＩＮＥ`` = ``WINE``, half-width katakana = katakana) and removes Hebrew points, Arabic
harakat and tatweel, bidi controls and soft hyphens, which the tokenizer would otherwise
treat as word breaks or as part of words.

User text is never passed to ``MATCH`` as it is: it is split into words by the same
Unicode categories the tokenizer uses, FTS5 operators (``AND OR NOT NEAR``) are dropped,
and every word is written as a double-quoted FTS5 string, so no input can be FTS5 syntax.
All words must match (AND).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

WORDS_TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
TRIGRAM_TOKENIZER = "trigram"
WORDS_PREFIXES = "3 4 5 6"
"""Prefix lengths ``fts_words`` indexes: a query word of 3-6 characters is one index
lookup instead of a walk over every term starting with it. Longer words have few
completions; indexing their prefixes too would cost more at write time than it saves."""

MAX_TERMS = 32
"""Words of a query beyond this many are ignored."""
MAX_TERM_CHARS = 64
"""Longer words are cut to this many characters (and then match as a prefix)."""

_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})

_MARKS = re.compile(
    "["
    "\u00ad"  # soft hyphen
    "\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"  # Hebrew points and accents
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0640"  # Arabic tatweel
    "\u08d3-\u08e1\u08e3-\u08ff"  # Arabic extended marks
    "\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff"  # zero-width and bidi controls
    "]"
)

_SUBSTRING_SCRIPTS = re.compile(
    "["
    "\u0590-\u05ff\ufb1d-\ufb4f"  # Hebrew
    "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"  # Arabic
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Hangul
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u31f0-\u31ff"  # CJK radicals, kana, bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\U00020000-\U0003134f"  # CJK extensions
    "]"
)


def fold(text: str) -> str:
    """Normalise a text the same way for documents and queries (see the module docstring)."""
    return _MARKS.sub("", unicodedata.normalize("NFKC", text))


def needs_substring(text: str) -> bool:
    """True when ``text`` contains a script that is matched by substring (trigram)."""
    return _SUBSTRING_SCRIPTS.search(text) is not None


def _is_token_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def words(text: str) -> list[str]:
    """Split a folded text into words by the tokenizer's categories (``L* N* Co M*``)."""
    out: list[str] = []
    current: list[str] = []
    for char in text:
        if _is_token_char(char):
            current.append(char)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return out


@dataclass
class TextQuery:
    """A user's text turned into safe FTS5 pieces. Empty when the text has no words."""

    words_match: str | None = None
    """MATCH expression for ``fts_words``, or None when no word goes there."""
    trigram_match: str | None = None
    """MATCH expression for ``fts_trigram`` (words of 3+ characters), or None."""
    short_substrings: list[str] = field(default_factory=list)
    """Words of 1-2 characters in substring scripts, matched with ``instr`` on the trigram rows."""
    terms: list[str] = field(default_factory=list)
    """The words actually searched for, folded."""

    @property
    def empty(self) -> bool:
        return not self.terms


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def parse_text(text: str | None) -> TextQuery:
    """Turn user input into a :class:`TextQuery`. Never raises; odd input gives no words."""
    if not text:
        return TextQuery()
    word_terms: list[str] = []
    trigram_terms: list[str] = []
    short: list[str] = []
    terms: list[str] = []
    seen: set[str] = set()
    for raw in words(fold(text)):
        if raw in _OPERATORS:
            continue
        term = raw[:MAX_TERM_CHARS]
        key = term.casefold()
        if key in seen:
            continue
        seen.add(key)
        terms.append(key)
        if needs_substring(term):
            # the trigram rows are stored case-folded (instr is case-sensitive)
            (trigram_terms if len(key) >= 3 else short).append(key)
        elif len(term) >= 3:
            # no case folding here: the unicode61 tokenizer folds case itself, and
            # casefold() would turn "Straße" into "strasse", which it does not
            word_terms.append(_quote(term) + "*")
        else:
            word_terms.append(_quote(term))
        if len(terms) >= MAX_TERMS:
            break
    return TextQuery(
        words_match=" ".join(word_terms) or None,
        trigram_match=" ".join(_quote(t) for t in trigram_terms) or None,
        short_substrings=short,
        terms=terms,
    )


def trigram_body(folded: Iterable[str]) -> str | None:
    """The case-folded text for ``fts_trigram`` from already folded parts, or None when no
    row is needed (no part has a substring script)."""
    body = "\n".join(p for p in folded if p)
    if not needs_substring(body):
        return None
    # Only the whitespace-separated chunks with a substring script: the table is searched
    # with such words alone, and a query word (never containing a space) that matches
    # the whole text matches inside one of these chunks. Mixed-script posts keep their
    # Latin part out of the trigram index, which is most of its size and write time.
    return "\n".join(c for c in body.split() if needs_substring(c)).casefold()
