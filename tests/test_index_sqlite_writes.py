"""How the embedded index writes: batched rounds, the record-by-record path where order
matters, bulk mode, the stored document format (old zlib files still read) and the rows
of the substring (trigram) table.

Every test uses a real SQLite file in tmp_path.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from creatorscout.plugins.models import CreatorFlags
from creatorscout.search.backend import write_in_batches
from creatorscout.search.query import SearchQuery
from creatorscout.search.sqlite_index import _WRITE_BATCH, SqliteIndex
from creatorscout.search.sqlite_rows import COMPRESS_FROM
from creatorscout.search.sqlite_schema import SCHEMA_VERSION
from tests.factories import make_creator, make_post, make_scored
from tests.old_index import write_old_index
from tests.test_index_sqlite import ids

VEGAN, WINE = "vegan-cooking", "georgian-wine"


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    with SqliteIndex(tmp_path / "index.db") as opened:
        yield opened


def raw(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(tmp_path / "index.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_same_record_twice_in_one_batch_keeps_the_last(index: SqliteIndex) -> None:
    first = make_scored(make_creator("x", bio="tempeh"), score=10)
    second = make_scored(make_creator("x", bio="seitan"), score=70)
    assert index.upsert([first, second]) == 2
    [stored] = index.get("mastodon:x")
    assert stored.score.score == 70
    assert ids(index, text="seitan") == ["mastodon:x"]
    assert ids(index, text="tempeh") == []
    assert index.stats().records == 1


# an opt-out after the record in one batch: test_index_contract.test_opt_out_within_one_batch
def test_a_record_after_an_opt_out_in_the_batch_is_stored(index: SqliteIndex) -> None:
    creator = make_creator("back", bio="sourdough")
    opted = creator.model_copy(update={"flags": CreatorFlags(opted_out=True)})
    assert index.upsert([make_scored(opted), make_scored(creator)]) == 1
    assert ids(index, text="sourdough") == ["mastodon:back"]


def test_batches_across_rounds_update_in_place_and_add(index: SqliteIndex,
                                                       tmp_path: Path) -> None:
    count = _WRITE_BATCH + 37
    first = [make_scored(make_creator(str(n), bio=f"old{n}z tempeh"), score=n % 100)
             for n in range(count)]
    assert index.upsert(first) == count
    before = dict(raw(tmp_path, "SELECT creator_id, id FROM records"))
    # every other creator again with new text, plus new creators, in one call
    second = [make_scored(make_creator(str(n), bio=f"new{n}z seitan"), score=n % 100)
              for n in range(0, count, 2)]
    second += [make_scored(make_creator(f"n{n}", bio="seitan")) for n in range(_WRITE_BATCH)]
    assert index.upsert(second) == len(second)
    after = dict(raw(tmp_path, "SELECT creator_id, id FROM records"))
    assert all(after[cid] == rid for cid, rid in before.items())  # ids kept: pages stay
    assert len(after) == count + _WRITE_BATCH
    assert len(set(after.values())) == len(after)
    assert ids(index, text="old0z") == []
    assert ids(index, text="old1z") == ["mastodon:1"]
    assert ids(index, text="new2z") == ["mastodon:2"]
    tempeh = index.search(SearchQuery(text="tempeh")).total
    seitan = index.search(SearchQuery(text="seitan")).total
    assert (tempeh, seitan) == (count // 2, len(second))
    fts_rows = raw(tmp_path, "SELECT count(*) FROM fts_words")[0][0]
    assert fts_rows == len(after)


def test_niches_differing_in_case_are_one_record(index: SqliteIndex) -> None:
    creator = make_creator("c")
    index.upsert([make_scored(creator, niche=VEGAN, score=10)])
    index.upsert([make_scored(creator, niche=VEGAN.upper(), score=20)])
    assert [r.score.score for r in index.get("mastodon:c")] == [20]


def long_posts(creator_id: str, count: int) -> list[object]:
    creator = make_creator(creator_id)
    return [make_post(creator, n, text=f"recipe {n}: " + "lentils and rice " * 20)
            for n in range(count)]


def test_large_documents_are_compressed_small_ones_are_text(index: SqliteIndex,
                                                            tmp_path: Path) -> None:
    big = make_creator("big")
    small = make_creator("small")
    index.upsert([make_scored(big, posts=long_posts("big", 20)), make_scored(small)])
    stored = dict(raw(tmp_path, "SELECT r.creator_id, d.record_json FROM records r"
                                " JOIN documents d ON d.record_id = r.id"))
    assert isinstance(stored["mastodon:small"], str)
    assert isinstance(stored["mastodon:big"], bytes)
    assert stored["mastodon:big"][:4] == b"\x28\xb5\x2f\xfd"  # a zstd frame
    [back] = index.get("mastodon:big")
    assert len(back.posts) == 20
    assert back.posts[3].text is not None and back.posts[3].text.startswith("recipe 3:")


def test_documents_compressed_with_zlib_by_older_versions_are_read(index: SqliteIndex,
                                                                   tmp_path: Path) -> None:
    record = make_scored(make_creator("old"), posts=long_posts("old", 20))
    index.upsert([record])
    data = record.model_dump_json(exclude_computed_fields=True)
    assert len(data) >= COMPRESS_FROM
    conn = sqlite3.connect(tmp_path / "index.db")
    with conn:
        conn.execute("UPDATE documents SET record_json = ?", (zlib.compress(data.encode()),))
    conn.close()
    [back] = index.get("mastodon:old")
    assert back == record.model_copy(update={"creator": back.creator})
    assert [p.text for p in back.posts] == [p.text for p in record.posts]


def test_bulk_mode_is_faster_durability_then_restored(index: SqliteIndex,
                                                      tmp_path: Path) -> None:
    def synchronous() -> int:
        return int(index._conn.execute("PRAGMA synchronous").fetchone()[0])

    assert synchronous() == 1  # NORMAL
    with index.bulk():
        assert synchronous() == 0  # OFF
        for start in range(0, 3000, 1000):
            index.upsert([make_scored(make_creator(str(n), bio="bulk loaded"),
                                      posts=long_posts(str(n), 5))
                          for n in range(start, start + 1000)])
    assert synchronous() == 1
    wal = Path(str(tmp_path / "index.db") + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
    index.close()
    with SqliteIndex(tmp_path / "index.db", create=False) as reopened:
        assert reopened.stats().records == 3000
        assert reopened.search(SearchQuery(text="bulk loaded")).total == 3000


def test_bulk_mode_ends_cleanly_after_a_failed_upsert(index: SqliteIndex) -> None:
    def broken() -> Iterator[object]:
        yield make_scored(make_creator("ok"))
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError), index.bulk():
        index.upsert([make_scored(make_creator("first"))])
        index.upsert(broken())  # type: ignore[arg-type]
    assert int(index._conn.execute("PRAGMA synchronous").fetchone()[0]) == 1
    assert ids(index) == ["mastodon:first"]


def test_only_substring_script_chunks_reach_the_trigram_table(index: SqliteIndex,
                                                              tmp_path: Path) -> None:
    creator = make_creator("mixed", bio="Vegan kitchen in Haifa")
    posts = [make_post(creator, 0, text="New recipe: טבעוני וטעים with tahini, ביתי!")]
    latin = make_creator("latin", bio="Vegan kitchen in Berlin")
    index.upsert([make_scored(creator, posts=posts), make_scored(latin)])
    [(body,)] = raw(tmp_path, "SELECT body FROM fts_trigram")
    assert "טבעוני" in body and "ביתי!" in body
    assert "recipe" not in body and "tahini" not in body and "haifa" not in body
    assert ids(index, text="טבעו") == ["mastodon:mixed"]  # substring inside a word
    assert ids(index, text="וטעים") == ["mastodon:mixed"]
    assert ids(index, text="טעים") == ["mastodon:mixed"]  # without the glued prefix
    assert ids(index, text="בי") == ["mastodon:mixed"]  # two letters: instr on the chunks
    assert ids(index, text="tahini טבעוני") == ["mastodon:mixed"]  # both tables
    assert sorted(ids(index, text="vegan kitchen")) == ["mastodon:latin", "mastodon:mixed"]


# -- upgrading files written by older versions ------------------------------------------------


def test_a_version_3_file_is_upgraded_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    records = []
    for n in range(30):
        creator = make_creator(str(n), bio=f"Weinbau und Kochen {n}")
        records.append(make_scored(creator, posts=long_posts(str(n), 3 + n % 2), score=n))
    write_old_index(path, 3, records)
    posts = len({p.id for r in records for p in r.posts})
    with SqliteIndex(path) as upgraded:
        stats = upgraded.stats()
        assert (stats.records, stats.creators, stats.posts) == (30, 30, posts)
        assert upgraded.search(SearchQuery(text="wein")).total == 30  # prefix, 4 letters
        assert upgraded.search(SearchQuery(text="lenti rice")).total == 30
        assert [r.score.score for r in upgraded.get("mastodon:7")] == [7]
        assert upgraded.get("mastodon:7")[0].posts == records[7].posts
        assert upgraded.delete("mastodon:7")
        assert upgraded.search(SearchQuery(text="kochen")).total == 29  # trigger still works
        upgraded.upsert([records[7]])
        assert upgraded.search(SearchQuery(text="kochen")).total == 30
    columns = [r[1] for r in raw(tmp_path, "PRAGMA table_info(records)")]
    assert "post_ids" not in columns
    [(sql,)] = raw(tmp_path, "SELECT sql FROM sqlite_master WHERE name = 'fts_words'")
    assert "prefix" in sql
    assert raw(tmp_path, "SELECT max(version) FROM schema_version") == [(SCHEMA_VERSION,)]


def test_copies_go_in_batches_with_progress_after_each() -> None:
    batches: list[list[int]] = []
    seen: list[int] = []

    def write(batch: list[int]) -> int:
        batches.append(batch)
        return len(batch) - (1 if 3 in batch else 0)  # one refused, as an opted-out record

    assert write_in_batches(range(10), write, batch_size=4, progress=seen.append) == 9
    assert batches == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert seen == [3, 7, 9]
    assert write_in_batches([], write, batch_size=4, progress=seen.append) == 0
    assert seen == [3, 7, 9]
