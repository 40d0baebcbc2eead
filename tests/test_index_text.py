"""Full-text search in the embedded index: many languages, and user input that is hostile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.search.fts import fold, parse_text
from creatorscout.search.query import SearchQuery
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_post, make_scored

TEXTS = {
    # id: (display name, bio, post text)
    "de": (
        "Lena Koch",
        "Ich koche vegane Gerichte mit Käse-Ersatz",
        "Rotwein aus der Pfalz, Weinbau seit 1890, Straße der Weine",
    ),
    "he": ("דנה", "שָׁלוֹם, אני מבשלת טבעוני", "אני אוהב יין גאורגי והיין הזה מעולה"),
    "ar": ("سارة", "طبخ نباتي", "النَّبِيذ الجورجي رائع"),
    "ka": ("ნინო", "ქართული სამზარეულო", "ქართული ღვინო და მარანი"),
    "ja": ("ゆき", "ヴィーガン料理", "日本のワインが好きです"),
    "hi": ("प्रिया", "शाकाहारी खाना", "हिन्दी में रेसिपी"),
    "en": ("Sam Cook", "Vegan recipes and tofu bowls", "Weekly vegan meal prep with tempeh"),
}


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    with SqliteIndex(tmp_path / "text.db") as opened:
        records = []
        for key, (name, bio, post) in TEXTS.items():
            handle = f"{key}cook@example.social"
            creator = make_creator(key, display_name=name, bio=bio, handle=handle)
            records.append(
                make_scored(creator, posts=[make_post(creator, 0, text=post)], relevance=0.5)
            )
        opened.upsert(records)
        yield opened


def found(index: SqliteIndex, text: str, **query: object) -> list[str]:
    results = index.search(SearchQuery(text=text, limit=100, **query))
    return sorted(hit.record.creator.native_id for hit in results.hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # German: diacritics fold, case folds, words match as prefixes
        ("Käse", ["de"]),
        ("kase", ["de"]),
        ("KÄSE", ["de"]),
        ("weinbau", ["de"]),
        ("wein", ["de"]),
        ("Straße", ["de"]),
        ("pfalz rotwein", ["de"]),
        # Hebrew: points are ignored; prefixes glued to words still match (והיין)
        ("שלום", ["he"]),
        ("יין", ["he"]),
        ("גאורגי", ["he"]),
        # Arabic: harakat are ignored; the article does not hide the word
        ("نبيذ", ["ar"]),
        ("النبيذ", ["ar"]),
        ("نباتي", ["ar"]),
        # Georgian
        ("ღვინო", ["ka"]),
        ("ღვინ", ["ka"]),
        ("ქართული", ["ka"]),
        # Japanese: no spaces between words; one- and two-character words too
        ("ワイン", ["ja"]),
        ("日本", ["ja"]),
        ("好き ワイン", ["ja"]),
        ("料理", ["ja"]),
        ("寿司", []),
        # Hindi: vowel signs are part of words
        ("हिन्दी", ["hi"]),
        ("शाकाहारी", ["hi"]),
        # English, display names and handles
        ("vegan", ["de", "en"]),  # prefix: "vegane" in the German bio
        ("tempeh vegan", ["en"]),
        ("tempeh sushi", []),
        ("Lena", ["de"]),
        ("jacook", ["ja"]),
        # full-width Latin folds to ASCII
        ("ＴＥＭＰＥＨ", ["en"]),
    ],
)
def test_multilingual(index: SqliteIndex, text: str, expected: list[str]) -> None:
    assert found(index, text) == expected


def test_text_rank_orders_by_relevance(tmp_path: Path) -> None:
    with SqliteIndex(tmp_path / "rank.db") as index:
        strong = make_creator("strong", bio="tofu tofu tofu", display_name="Tofu King")
        weak = make_creator("weak", bio="sometimes tofu, mostly other things and more words")
        other = make_creator("other", bio="nothing")
        index.upsert([make_scored(c, score=s) for c, s in ((strong, 10), (weak, 90), (other, 50))])
        results = index.search(SearchQuery(text="tofu", sort="relevance"))
        assert [h.record.id for h in results.hits] == ["mastodon:strong", "mastodon:weak"]
        ranks = [h.text_rank for h in results.hits]
        assert all(r is not None and r > 0 for r in ranks)
        assert ranks[0] > ranks[1]
        by_score = index.search(SearchQuery(text="tofu", sort="score"))
        assert [h.record.id for h in by_score.hits] == ["mastodon:weak", "mastodon:strong"]


def test_text_and_filters_combine(index: SqliteIndex) -> None:
    assert found(index, "vegan", languages=["de"]) == []
    assert found(index, "tofu", platforms=["mastodon"]) == ["en"]
    assert found(index, "tofu", platforms=["youtube"]) == []
    assert index.search(SearchQuery(text="vegan")).facets["platform"] == {"mastodon": 2}


HOSTILE = [
    '"',
    '""',
    '"""',
    "'",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "*",
    "**",
    "NEAR(",
    "NEAR(vegan tofu, 2)",
    "'; DROP TABLE records; --",
    '"; DROP TABLE creators; --',
    "(",
    ")",
    "()",
    "^vegan",
    "vegan*",
    "handle:vegan",
    "bio : vegan",
    "{handle bio}: vegan",
    "-vegan",
    "+",
    "vegan OR",
    "AND vegan",
    "vegan NOT",
    'a"b',
    "%",
    "_",
    "%_%",
    "\\",
    "\x00",
    "\u200b",
    "🙂",
    "日",
    "   ",
    "\t\n",
    "x" * 5000,
    " ".join(["vegan"] * 500),
    " ".join(f"w{i}" for i in range(200)),
    "ー",
    "\u0301",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_raises(index: SqliteIndex, text: str) -> None:
    before = index.stats().model_dump(exclude={"size_bytes"})
    for sort in ("score", "relevance"):
        results = index.search(SearchQuery(text=text, sort=sort))
        assert results.total >= 0
        assert len(results.hits) <= results.total
    assert index.stats().model_dump(exclude={"size_bytes"}) == before


@pytest.mark.parametrize("text", ['"', "AND", "*", "NEAR(", "()", "   ", "OR NOT"])
def test_text_without_words_is_no_filter(index: SqliteIndex, text: str) -> None:
    assert index.search(SearchQuery(text=text)).total == len(TEXTS)


@pytest.mark.parametrize(
    "text", ['"tofu"', "tofu*", "tofu AND", "(tofu)", "^tofu", "bio:tofu", "tofu OR NOT"]
)
def test_syntax_is_treated_as_words(index: SqliteIndex, text: str) -> None:
    assert found(index, text) in (["en"], [])  # never an FTS5 error
    assert found(index, '"tofu"') == ["en"]


# -- the query builder ---------------------------------------------------------------------


def test_parse_text_quotes_every_word() -> None:
    query = parse_text('vegan "NEAR(" AND tofu* a')
    assert query.words_match == '"vegan"* "tofu"* "a"'
    assert query.terms == ["vegan", "tofu", "a"]
    assert query.trigram_match is None


def test_parse_text_routes_scripts() -> None:
    query = parse_text("wine ワイン 日本 יין")
    assert query.words_match == '"wine"*'
    assert query.trigram_match == '"ワイン" "יין"'
    assert query.short_substrings == ["日本"]


def test_parse_text_empty() -> None:
    for text in (None, "", '"', "AND OR NOT NEAR", "* ( ) :"):
        assert parse_text(text).empty


def test_fold() -> None:
    assert fold("ＷＩＮＥ") == "WINE"
    assert fold("שָׁלוֹם") == "שלום"
    assert fold("النَّبِيذ") == "النبيذ"
    assert fold("so\u00adcial") == "social"
