"""The crawl-end passes, in one place: the niche pass rewrites every record of the niche in
batches (``write_in_batches``), then the persons pass groups the index. Real SQLite."""

from __future__ import annotations

from creatorscout.config import load_scoring
from creatorscout.search.backend import open_index
from creatorscout.search.crawl_end import run_crawl_end
from tests.factories import make_creator, make_post, make_scored


def records(count: int, niche: str = "vegan-cooking"):
    out = []
    for n in range(count):
        creator = make_creator(str(n), followers=1000 + n)
        posts = [make_post(creator, k, f"vegan {dish} number {n}", likes=10 + n)
                 for k, dish in enumerate(("lentil soup", "tofu bowl", "oat porridge"))]
        out.append(make_scored(creator, niche=niche, posts=posts, role=None))
    return out


def test_both_passes_run_over_the_index_in_batches(tmp_path):
    index = open_index(f"sqlite:///{tmp_path / 'index.db'}")
    try:
        peers = 7
        index.upsert(records(peers))
        index.upsert(records(2, niche="georgian-wine"))  # another niche: not rewritten
        stats = run_crawl_end(index, "vegan-cooking", load_scoring(), batch_size=3)
        assert stats["niche_pass/records"] == peers
        assert {"persons/grouped_persons", "persons/grouped_profiles", "persons/one_way",
                "persons/conflicts"} <= set(stats)
        rewritten = list(index.iter_records(niche="vegan-cooking"))
        assert len(rewritten) == peers
        assert all(r.score.niche_pass_at is not None for r in rewritten)
        untouched = list(index.iter_records(niche="georgian-wine"))
        assert all(r.score.niche_pass_at is None for r in untouched)
    finally:
        index.close()


def test_each_pass_can_be_switched_off(tmp_path):
    index = open_index(f"sqlite:///{tmp_path / 'index.db'}")
    try:
        index.upsert(records(3))
        assert run_crawl_end(index, "vegan-cooking", load_scoring(), niche_pass=False,
                             persons=False) == {}
        only_persons = run_crawl_end(index, None, load_scoring())
        assert only_persons and all(key.startswith("persons/") for key in only_persons)
    finally:
        index.close()
