"""The embedded index read from many threads at once, as ``scout serve`` does: compressed
documents must decode intact (zstandard's codec objects are not thread-safe; one shared
decompressor corrupted hits under concurrent searches)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from creatorscout.search.sqlite_rows import decode_record, encode_record
from tests.factories import make_creator, make_post, make_scored


def test_compressed_records_decode_intact_from_many_threads() -> None:
    records = []
    for n in range(8):
        creator = make_creator(str(n), bio="vegan " * 50)
        posts = [make_post(creator, i, text=f"post {i} of creator {n}: " + "tofu " * 60)
                 for i in range(20)]
        records.append(make_scored(creator, posts=posts))
    stored = [encode_record(r) for r in records]
    assert all(isinstance(s, bytes) for s in stored)  # big enough to be compressed

    def decode_all(_: int) -> list[str]:
        return [decode_record(s).creator.id for s in stored for _ in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(decode_all, range(64)))
    expected = [r.creator.id for r in records for _ in range(5)]
    assert all(result == expected for result in results)
