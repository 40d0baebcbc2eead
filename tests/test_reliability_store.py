"""Nothing one record or the store does can lose a crawl (issue 12, items 1-3 and 11).

The index pipeline runs as Scrapy runs it (a real crawler object, real SQLite files): one
unstorable record is skipped and counted while the others are stored; a store that fails
(full, locked) gives one cause and counts every record it lost; an incomplete record never
replaces a complete one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from creatorscout.crawler.pipelines import IndexPipeline
from creatorscout.crawler.summary import store_failure
from creatorscout.plugins.models import Creator, Post
from creatorscout.plugins.text import clean_text, counting_repairs
from creatorscout.search.backend import open_index
from creatorscout.search.records import ScoredCreator
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_post, make_scored, provenance
from tests.index_pipeline import open_pipeline, pipeline_stats


def pipeline(index: Path, batch: int = 50) -> IndexPipeline:
    return open_pipeline({"CREATORSCOUT_INDEX": f"sqlite:///{index}",
                          "CREATORSCOUT_INDEX_BATCH": batch})


stats = pipeline_stats


def records(count: int) -> list[ScoredCreator]:
    return [make_scored(native_id=str(n)) for n in range(count)]


def test_text_from_a_server_is_made_valid_at_the_model_boundary():
    with counting_repairs() as repairs:
        creator = make_creator("1", display_name="Al\ud800ice\x00", bio="ok \udfff")
        post = make_post(creator, text="fine", hashtags=["ve\ud83dgan"])
    assert creator.display_name == "Al\ufffdice\ufffd"
    assert creator.bio == "ok \ufffd"
    assert post.hashtags == ["ve\ufffdgan"]
    assert repairs.count == 3
    creator.model_dump_json().encode("utf-8")  # encodable everywhere now
    assert clean_text("plain ascii") == "plain ascii"
    assert clean_text("Zoë 🌱") == "Zoë 🌱"  # valid text is never touched


def test_models_read_from_json_are_cleaned_too():
    body = ('{"platform": "mastodon", "native_id": "9", "handle": "x", '
            '"display_name": "\\ud800", "provenance": ' + provenance().model_dump_json() + "}")
    assert Creator.model_validate(json.loads(body)).display_name == "\ufffd"
    post = Post(platform="mastodon", native_id="1", creator_id="mastodon:9",
                text="\ud800", provenance=provenance())
    assert post.text == "\ufffd"


def test_one_unstorable_record_is_skipped_and_the_others_are_stored(tmp_path):
    component = pipeline(tmp_path / "index.db", batch=50)
    items = records(120)
    # a record built around validation (a plugin's model_copy) can still hold bad text
    bad = items[70].creator.model_copy(update={"display_name": "\ud800"})
    items[70] = items[70].model_copy(update={"creator": bad})
    for item in items:
        component.process_item(item)
    component.close_spider()
    found = stats(component)
    assert found["creatorscout/indexed"] == 119
    assert found["creatorscout/store_failed/mastodon"] == 1
    assert "creatorscout/store_cause" not in found
    assert component.buffer == []
    with open_index(f"sqlite:///{tmp_path / 'index.db'}") as index:
        assert index.stats().records == 119
        assert index.get(items[70].id) == []
    assert store_failure(found) == "1 creator could not be stored (see the warnings above)"


def test_a_full_disk_fails_the_records_with_one_cause_and_no_retry_storm(tmp_path):
    path = tmp_path / "index.db"
    component = pipeline(path, batch=20)
    assert isinstance(component.index, SqliteIndex)
    # a real SQLITE_FULL: the file may not grow past its current size
    pages = component.index._conn.execute("PRAGMA page_count").fetchone()[0]
    component.index._conn.execute(f"PRAGMA max_page_count = {pages}")
    for item in records(100):
        component.process_item(item)
    component.close_spider()
    found = stats(component)
    failed = found["creatorscout/store_failed/mastodon"]
    assert isinstance(failed, int) and failed >= 60  # the free pages take a batch or two
    assert failed + found.get("creatorscout/indexed", 0) == 100  # type: ignore[operator]
    cause = found["creatorscout/store_cause"]
    assert isinstance(cause, str) and "disk is full" in cause and str(path) in cause
    assert store_failure(found) == f"{failed} creators could not be stored: {cause}"


def test_a_locked_index_is_one_line_and_every_record_is_counted(tmp_path):
    path = tmp_path / "index.db"
    open_index(f"sqlite:///{path}").close()
    component = pipeline(path, batch=500)
    assert isinstance(component.index, SqliteIndex)
    component.index._conn.execute("PRAGMA busy_timeout = 100")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the file
    try:
        for item in records(30):
            component.process_item(item)
        component.close_spider()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    found = stats(component)
    assert found["creatorscout/store_failed/mastodon"] == 30
    assert "locked" in str(found["creatorscout/store_cause"])


def test_an_incomplete_record_never_replaces_a_complete_one(tmp_path):
    path = tmp_path / "index.db"
    creator = make_creator("5", followers=2000)
    posts = [make_post(creator, n, text="vegan stew") for n in range(5)]
    complete = make_scored(creator, posts=posts, er=3.0, relevance=0.6)
    with open_index(f"sqlite:///{path}") as index:
        index.upsert([complete])
    later = make_scored(creator, posts=[], er=None, relevance=0.1)
    later = later.model_copy(update={"crawl": later.crawl.model_copy(update={"complete": False})})
    fresh = make_scored(native_id="6", er=None)
    fresh = fresh.model_copy(update={"crawl": fresh.crawl.model_copy(update={"complete": False})})
    component = pipeline(path)
    component.process_item(later)
    component.process_item(fresh)
    component.close_spider()
    found = stats(component)
    assert found["creatorscout/kept_complete/mastodon"] == 1
    with open_index(f"sqlite:///{path}") as index:
        kept = index.get(creator.id)[0]
        assert kept.crawl.complete and kept.score.engagement.rate == 3.0
        assert len(kept.posts) == 5
        # a creator seen for the first time is stored, marked incomplete
        assert index.get("mastodon:6")[0].crawl.complete is False


@pytest.mark.parametrize("damage", ["drop", "keep"])
def test_a_failed_rollback_does_not_hide_the_error(tmp_path, damage):
    index = SqliteIndex(tmp_path / "index.db")
    pages = index._conn.execute("PRAGMA page_count").fetchone()[0]
    index._conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="full"):
        index.upsert(records(50) if damage == "drop" else records(200))
    index.close()


def test_search_and_show_say_when_a_record_is_incomplete(tmp_path):
    from click.testing import CliRunner

    from creatorscout.cli import main

    path = tmp_path / "index.db"
    whole = make_scored(native_id="1")
    part = make_scored(native_id="2")
    part = part.model_copy(update={"crawl": part.crawl.model_copy(update={"complete": False})})
    with open_index(f"sqlite:///{path}") as index:
        index.upsert([whole, part])
    table = CliRunner().invoke(main, ["search", "--index", f"sqlite:///{path}"])
    assert table.exit_code == 0, table.output
    rows = {line.split()[1]: line for line in table.stdout.splitlines()[1:3]}
    assert rows["mastodon:2"].split()[-2].endswith("*")
    assert not rows["mastodon:1"].split()[-2].endswith("*")
    assert "* posts not all read" in table.stdout
    shown = CliRunner().invoke(main, ["show", "mastodon:2", "--index", f"sqlite:///{path}"])
    assert "incomplete: posts not all read" in shown.stdout
    whole_shown = CliRunner().invoke(main, ["show", "mastodon:1", "--index",
                                            f"sqlite:///{path}"])
    assert "incomplete" not in whole_shown.stdout
    csv = CliRunner().invoke(main, ["search", "--format", "csv", "--index",
                                    f"sqlite:///{path}"])
    assert csv.stdout.splitlines()[0].endswith(",complete")
