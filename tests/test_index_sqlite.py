"""The embedded SQLite index: storage, filters, sorts, pages, facets, respect for opt-outs.

Every test uses a real SQLite file in tmp_path.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.plugins.models import CreatorFlags
from creatorscout.search.backend import copy_index, open_index
from creatorscout.search.query import FACETS, SearchQuery
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_index import SqliteIndex
from creatorscout.search.sqlite_schema import SCHEMA_VERSION
from tests.factories import make_creator, make_post, make_scored


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    with SqliteIndex(tmp_path / "index.db") as opened:
        yield opened


def ids(index: SqliteIndex, **query: object) -> list[str]:
    return [hit.record.id for hit in index.search(SearchQuery(**query, limit=1000)).hits]


# A small world whose values make every filter and sort decidable by hand.
#
# id           platform  followers tier     er    relevance score role       languages
# mastodon:a   mastodon      5,000 nano     4.0   0.9       80    influencer de
# bluesky:b    bluesky      50,000 micro    1.5   0.4       60    connector  en      (vegan)
#                                           3.0   0.8       90    connector          (wine)
# mastodon:c   mastodon    200,000 mid      -     0.7       60    both       de-AT, en
# youtube:d    youtube           - unknown  2.0   0.1       20    -          -
# mastodon:e   mastodon     50,000 micro    1.5   0.4       40    neither    ar      (wine)
VEGAN, WINE = "vegan-cooking", "georgian-wine"


def world() -> list[ScoredCreator]:
    a = make_creator("a", followers=5000, languages=["de"])
    b = make_creator(
        "b", platform="bluesky", handle="b.bsky.social", followers=50000, languages=["en"]
    )
    c = make_creator("c", followers=200000, languages=["de-AT", "en"])
    d = make_creator("d", platform="youtube", handle="@dee", followers=None)
    e = make_creator("e", followers=50000, languages=["ar"])
    return [
        make_scored(a, niche=VEGAN, tier="nano", er=4.0, relevance=0.9, score=80),
        make_scored(
            b, niche=VEGAN, tier="micro", er=1.5, relevance=0.4, score=60, role="connector"
        ),
        make_scored(b, niche=WINE, tier="micro", er=3.0, relevance=0.8, score=90, role="connector"),
        make_scored(c, niche=VEGAN, tier="mid", er=None, relevance=0.7, score=60, role="both"),
        make_scored(d, niche=VEGAN, tier="unknown", er=2.0, relevance=0.1, score=20, role=None),
        make_scored(e, niche=WINE, tier="micro", er=1.5, relevance=0.4, score=40, role="neither"),
    ]


@pytest.fixture
def filled(index: SqliteIndex) -> SqliteIndex:
    assert index.upsert(world()) == 6
    return index


A, B, C, D, E = "mastodon:a", "bluesky:b", "mastodon:c", "youtube:d", "mastodon:e"


# -- storage -------------------------------------------------------------------------------


def test_wal_mode_is_on(index: SqliteIndex, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "index.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
        assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]
    finally:
        conn.close()
    assert index.journal_mode == "wal"


def test_upsert_twice_gives_the_same_counts(index: SqliteIndex) -> None:
    records = world()
    index.upsert(records)
    first = index.stats()
    assert index.upsert(records) == 6
    second = index.stats()
    assert first.model_dump(exclude={"size_bytes"}) == second.model_dump(exclude={"size_bytes"})
    assert (second.creators, second.records) == (5, 6)
    assert second.niches == {WINE: 2, VEGAN: 4}
    assert second.platforms == {"bluesky": 1, "mastodon": 3, "youtube": 1}
    assert index.search(SearchQuery()).total == 5
    assert second.size_bytes and second.size_bytes > 0
    assert second.url.startswith("sqlite:///")


def test_upsert_replaces_values(filled: SqliteIndex) -> None:
    creator = make_creator("a", followers=7000, languages=["de"], bio="now about sourdough")
    filled.upsert([make_scored(creator, niche=VEGAN, tier="nano", score=10, er=0.5)])
    [record] = filled.get(A)
    assert record.score.score == 10
    assert record.creator.followers == 7000
    assert ids(filled, niche=VEGAN) == [B, C, D, A]
    assert ids(filled, text="sourdough") == [A]
    assert ids(filled, min_er=3.5) == []
    assert filled.stats().records == 6


def test_replaced_text_is_no_longer_found(index: SqliteIndex) -> None:
    creator = make_creator("x", bio="tempeh forever")
    index.upsert([make_scored(creator)])
    index.upsert([make_scored(make_creator("x", bio="seitan now"))])
    assert ids(index, text="tempeh") == []
    assert ids(index, text="seitan") == ["mastodon:x"]


def test_round_trip_keeps_the_record(index: SqliteIndex) -> None:
    creator = make_creator("r", bio="Bio", languages=["ka"], links=["https://x.example"])
    posts = [make_post(creator, n, text=f"post {n}", hashtags=["vegan"]) for n in range(3)]
    record = make_scored(creator, posts=posts, matched_terms={"vegan": 3}, snippet="post 1")
    index.upsert([record])
    assert index.get("mastodon:r") == [record]
    assert list(index.iter_records()) == [record]
    assert index.stats().posts == 3


def test_get_returns_every_niche(filled: SqliteIndex) -> None:
    assert [r.niche for r in filled.get(B)] == [WINE, VEGAN]
    assert filled.get("mastodon:nobody") == []


def test_delete(filled: SqliteIndex) -> None:
    assert filled.delete(B) is True
    assert filled.delete(B) is False
    assert filled.get(B) == []
    assert filled.stats().records == 4
    assert B not in ids(filled)


def test_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with SqliteIndex(path) as first:
        first.upsert(world())
    with SqliteIndex(path) as second:
        assert second.stats().records == 6
        assert ids(second, niche=WINE) == [B, E]


def test_iter_records_and_copy(filled: SqliteIndex, tmp_path: Path) -> None:
    assert sorted((r.id, r.niche) for r in filled.iter_records()) == sorted(
        (r.id, r.niche) for r in world()
    )
    with open_index(f"sqlite:///{tmp_path / 'copy.db'}") as target:
        assert copy_index(filled, target, batch_size=4) == 6
        assert target.stats().records == 6
        assert ids(target) == ids(filled)


def test_failed_batch_stores_nothing(index: SqliteIndex) -> None:
    def broken() -> Iterator[ScoredCreator]:
        yield make_scored(make_creator("ok"))
        raise RuntimeError("crawler broke")

    with pytest.raises(RuntimeError):
        index.upsert(broken())
    assert index.stats().records == 0


def test_ten_thousand_records_in_one_batch(index: SqliteIndex) -> None:
    records = []
    for i in range(10_000):
        creator = make_creator(str(i), bio=f"vegan cook {i}", followers=i)
        records.append(
            make_scored(creator, posts=[make_post(creator, 0, text="tofu bowl")], score=i % 100)
        )
    # speed lives in benchmarks/index_load_search.py, not here
    assert index.upsert(records) == 10_000
    assert index.stats().records == 10_000
    assert index.search(SearchQuery(text="tofu", limit=5)).total == 10_000


# -- respect -------------------------------------------------------------------------------


def test_opted_out_creators_are_never_stored(index: SqliteIndex) -> None:
    gone = make_creator(
        "gone",
        flags=CreatorFlags(opted_out=True, opt_out_reason="noindex"),
        bio="unique-opted-word",
    )
    kept = make_creator("kept")
    assert index.upsert([make_scored(gone), make_scored(kept)]) == 1
    assert index.opted_out_skipped == 1
    assert index.get("mastodon:gone") == []
    assert index.resolve("mastodon:gone") is None
    assert ids(index, text="unique opted word") == []
    assert index.stats().creators == 1


def test_opting_out_later_removes_what_was_stored(index: SqliteIndex) -> None:
    creator = make_creator("late", bio="sourdough")
    index.upsert([make_scored(creator, niche=VEGAN), make_scored(creator, niche=WINE)])
    assert len(index.get("mastodon:late")) == 2
    opted = creator.model_copy(update={"flags": CreatorFlags(opted_out=True)})
    assert index.upsert([make_scored(opted, niche=VEGAN)]) == 0
    assert index.get("mastodon:late") == []
    assert ids(index, text="sourdough") == []
    assert index.stats().records == 0


def test_no_post_text_is_neither_stored_nor_searchable(index: SqliteIndex) -> None:
    creator = make_creator("quiet", bio="fermentation nerd", flags=CreatorFlags(no_post_text=True))
    posts = [make_post(creator, 0, text="kombucha secrets", hashtags=["scoby"])]
    index.upsert([make_scored(creator, posts=posts, snippet="kombucha secrets")])
    assert ids(index, text="kombucha") == []
    assert ids(index, text="scoby") == []
    assert ids(index, text="fermentation") == ["mastodon:quiet"]
    [stored] = index.get("mastodon:quiet")
    assert [p.text for p in stored.posts] == [None]
    assert stored.posts[0].hashtags == []
    assert stored.posts[0].likes == 10  # counts are kept
    assert stored.score.relevance.snippet is None


def test_no_post_text_keeps_a_snippet_from_the_bio(index: SqliteIndex) -> None:
    creator = make_creator(
        "quiet", bio="fermentation nerd from Tbilisi", flags=CreatorFlags(no_post_text=True)
    )
    index.upsert([make_scored(creator, snippet="fermentation nerd")])
    assert index.get("mastodon:quiet")[0].score.relevance.snippet == "fermentation nerd"


# -- filters -------------------------------------------------------------------------------


def test_no_filter_gives_one_hit_per_creator(filled: SqliteIndex) -> None:
    results = filled.search(SearchQuery())
    assert results.total == 5
    assert [h.record.id for h in results.hits] == [B, A, C, E, D]
    assert results.hits[0].record.niche == WINE  # B's best record under the score sort
    assert all(h.text_rank is None for h in results.hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"niche": WINE}, [B, E]),
        ({"niche": VEGAN}, [A, B, C, D]),
        ({"niche": "no-such-niche"}, []),
        ({"platforms": ["mastodon"]}, [A, C, E]),
        ({"platforms": ["BlueSky", "youtube"]}, [B, D]),
        ({"tiers": ["micro"]}, [B, E]),
        ({"tiers": ["unknown", "nano"]}, [A, D]),
        ({"min_followers": 50000}, [B, C, E]),
        ({"max_followers": 50000}, [B, A, E]),
        ({"min_followers": 50000, "max_followers": 50000}, [B, E]),
        ({"min_followers": 0}, [B, A, C, E]),  # unknown followers never pass
        ({"min_er": 2.0}, [B, A, D]),
        ({"min_er": 2.0, "niche": VEGAN}, [A, D]),
        ({"min_er": 0}, [B, A, E, D]),  # unknown rate never passes
        ({"languages": ["de"]}, [A, C]),  # de matches de-AT
        ({"languages": ["de-at"]}, [C]),
        ({"languages": ["EN", "ar"]}, [B, C, E]),
        ({"languages": ["fr"]}, []),
        ({"role": "connector"}, [B, C]),  # both counts as connector
        ({"role": "influencer"}, [A, C]),
        ({"role": "both"}, [C]),
        ({"role": "neither"}, [E]),
        (
            {"niche": VEGAN, "platforms": ["mastodon"], "min_followers": 1000, "languages": ["en"]},
            [C],
        ),
    ],
)
def test_filters(filled: SqliteIndex, query: dict[str, object], expected: list[str]) -> None:
    assert ids(filled, **query) == expected


def test_filters_pick_the_record_that_passes(filled: SqliteIndex) -> None:
    # B's wine record (er 3.0) passes min_er 2.5, its vegan record (1.5) does not
    [hit] = filled.search(SearchQuery(min_er=2.5, platforms=["bluesky"])).hits
    assert hit.record.niche == WINE


# -- sorts and pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", [B, A, C, E, D]),
        ("followers", [C, B, E, A, D]),  # B and E tie at 50,000: id order; unknown last
        ("er", [A, B, D, E, C]),  # B's best rate is 3.0 (wine); unknown last
        ("relevance", [A, B, C, E, D]),  # without text: the niche relevance score
    ],
)
def test_sorts(filled: SqliteIndex, sort: str, expected: list[str]) -> None:
    assert ids(filled, sort=sort) == expected


def test_score_ties_are_broken_by_id(filled: SqliteIndex) -> None:
    # B (vegan) and C both score 60
    assert ids(filled, niche=VEGAN) == [A, B, C, D]


def test_stable_order_with_many_ties(index: SqliteIndex) -> None:
    records = [make_scored(make_creator(f"{n:03d}"), score=50) for n in reversed(range(30))]
    index.upsert(records)
    expected = sorted(r.id for r in records)
    for sort in ("score", "followers", "er", "relevance"):
        assert ids(index, sort=sort) == expected


def test_pagination(filled: SqliteIndex) -> None:
    everything = ids(filled)
    pages = []
    for offset in (0, 2, 4):
        results = filled.search(SearchQuery(limit=2, offset=offset))
        assert results.total == 5
        assert results.offset == offset
        pages += [h.record.id for h in results.hits]
    assert pages == everything
    beyond = filled.search(SearchQuery(limit=2, offset=10))
    assert (beyond.total, beyond.hits) == (5, [])


# -- facets --------------------------------------------------------------------------------


def test_facets_count_creators_of_the_filtered_set(filled: SqliteIndex) -> None:
    results = filled.search(SearchQuery(limit=1))
    assert len(results.hits) == 1
    assert list(results.facets) == list(FACETS)
    assert results.facets["platform"] == {"mastodon": 3, "bluesky": 1, "youtube": 1}
    assert results.facets["tier"] == {"micro": 2, "mid": 1, "nano": 1, "unknown": 1}
    assert results.facets["language"] == {"en": 2, "ar": 1, "de": 1, "de-at": 1, "unknown": 1}
    assert results.facets["role"] == {
        "both": 1,
        "connector": 1,
        "influencer": 1,
        "neither": 1,
        "unknown": 1,
    }


def test_facets_follow_filters(filled: SqliteIndex) -> None:
    results = filled.search(SearchQuery(platforms=["mastodon"], offset=2, limit=1))
    assert results.total == 3
    assert results.facets["platform"] == {"mastodon": 3}
    assert results.facets["tier"] == {"micro": 1, "mid": 1, "nano": 1}
    empty = filled.search(SearchQuery(niche="nothing"))
    assert empty.facets == {name: {} for name in FACETS}


# -- resolve -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "mastodon:a",
        "usera@example.social",
        "@usera@example.social",
        "  @UserA@Example.Social ",
        "usera",  # the local part of a user@instance handle
        "mastodon:@usera@example.social",
        "https://example.social/@usera",
        "https://www.example.social/@UserA/",
    ],
)
def test_resolve(index: SqliteIndex, ref: str) -> None:
    creator = make_creator("a", profile_url="https://example.social/@usera")
    index.upsert([make_scored(creator), make_scored(make_creator("b"))])
    assert index.resolve(ref) == "mastodon:a"


def test_resolve_youtube_style_handle(filled: SqliteIndex) -> None:
    assert filled.resolve("@dee") == D
    assert filled.resolve("dee") == D
    assert filled.resolve("b.bsky.social") == B


def test_resolve_ambiguous_or_unknown(index: SqliteIndex) -> None:
    index.upsert(
        [
            make_scored(make_creator("1", handle="chef")),
            make_scored(make_creator("2", platform="bluesky", handle="chef")),
        ]
    )
    assert index.resolve("chef") is None
    assert index.candidates("@chef") == ["bluesky:2", "mastodon:1"]
    assert index.resolve("bluesky:chef") == "bluesky:2"
    assert index.resolve("nobody") is None
    assert index.resolve("") is None
    assert index.resolve("https://nowhere.example/@x") is None


# -- concurrency ---------------------------------------------------------------------------


def test_search_while_another_connection_writes(filled: SqliteIndex, tmp_path: Path) -> None:
    writer = sqlite3.connect(tmp_path / "index.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM records")
        assert len(ids(filled)) == 5  # WAL: readers see the last commit
        writer.execute("ROLLBACK")
    finally:
        writer.close()


def test_shared_between_threads(filled: SqliteIndex) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                filled.upsert([make_scored(make_creator(f"t{n}-{i}"))])
                filled.search(SearchQuery(text="user"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert filled.stats().creators == 5 + 80
