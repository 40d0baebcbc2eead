"""Shortlists: the ListStore contract on both backends, and ``scout lists`` end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.search.backend import Index, open_index
from creatorscout.search.lists import (
    MAX_NOTE,
    ListError,
    ListNameTaken,
    ListNotFound,
    ListStore,
)
from creatorscout.search.sqlite_schema import SCHEMA_VERSION
from tests import test_index_contract as contract
from tests.test_index_contract import A, B, world

backend_url = contract.backend_url
es_host = contract.es_host
es_url = contract.es_url
index = contract.index


@pytest.fixture
def store(index: Index) -> ListStore:
    index.upsert(world())
    return index.lists()


def test_create_get_and_list(store: ListStore) -> None:
    spring = store.create("  Spring   campaign ", "DE and AT")
    autumn = store.create("Autumn")
    assert (spring.name, spring.description, spring.size, spring.items) == (
        "Spring campaign", "DE and AT", 0, [])
    assert autumn.id > spring.id
    assert [s.name for s in store.all()] == ["Autumn", "Spring campaign"]
    assert store.get(spring.id) == spring
    assert store.get(9999) is None
    assert store.find("spring CAMPAIGN").id == spring.id
    assert store.find(str(autumn.id)).name == "Autumn"
    with pytest.raises(ListNotFound, match="no list 'Winter'"):
        store.find("Winter")


def test_names_are_unique_in_any_case_and_must_be_usable(store: ListStore) -> None:
    store.create("Spring")
    with pytest.raises(ListNameTaken, match="pick another name"):
        store.create("SPRING")
    for bad in ("", "   ", "2024"):
        with pytest.raises(ListError):
            store.create(bad)
    other = store.create("Other")
    with pytest.raises(ListNameTaken):
        store.update(other.id, name="spring")


def test_items_keep_their_order_note_and_status(store: ListStore) -> None:
    shortlist = store.create("Spring")
    first = store.put_item(shortlist.id, B, note="rates?")
    assert (first.status, first.note) == ("candidate", "rates?")
    store.put_item(shortlist.id, A, status="  Contacted ")
    changed = store.put_item(shortlist.id, B, status="agreed")
    assert (changed.note, changed.status) == ("rates?", "agreed")  # None keeps the note
    assert changed.added_at == first.added_at and changed.updated_at >= first.updated_at
    stored = store.get(shortlist.id)
    assert stored is not None
    assert [(i.creator_id, i.status) for i in stored.items] == [(B, "agreed"), (A, "contacted")]
    assert stored.size == 2 and stored.updated_at >= changed.updated_at
    assert store.remove_item(shortlist.id, B) is True
    assert store.remove_item(shortlist.id, B) is False
    assert [i.creator_id for i in store.get(shortlist.id).items] == [A]  # type: ignore[union-attr]


def test_item_mistakes(store: ListStore) -> None:
    shortlist = store.create("Spring")
    with pytest.raises(ListNotFound):
        store.put_item(424242, A)
    with pytest.raises(ListNotFound):
        store.remove_item(424242, A)
    with pytest.raises(ListError, match="blank"):
        store.put_item(shortlist.id, A, status="   ")
    with pytest.raises(ListError, match="at most"):
        store.put_item(shortlist.id, A, note="x" * (MAX_NOTE + 1))
    assert store.get(shortlist.id).items == []  # type: ignore[union-attr]


def test_delete_and_items_outlive_their_creator(store: ListStore, index: Index) -> None:
    shortlist = store.create("Spring")
    store.put_item(shortlist.id, A)
    index.delete(A)  # the creator leaves the index; the user's list keeps the id
    assert [i.creator_id for i in store.get(shortlist.id).items] == [A]  # type: ignore[union-attr]
    assert store.delete(shortlist.id) is True
    assert store.delete(shortlist.id) is False
    assert store.all() == []


def test_lists_survive_reopening(backend_url: str) -> None:
    with open_index(backend_url) as first:
        first.upsert(world())
        made = first.lists().create("Spring")
        first.lists().put_item(made.id, A, note="n")
    with open_index(backend_url) as again:
        kept = again.lists().get(made.id)
    assert kept is not None and kept.items[0].note == "n"


def test_schema_version_has_the_lists_tables(tmp_path: Path) -> None:
    import sqlite3

    with open_index(f"sqlite:///{tmp_path / 'v.db'}"):
        pass
    conn = sqlite3.connect(tmp_path / "v.db")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
    conn.close()
    assert {"shortlists", "shortlist_items"} <= tables and version == SCHEMA_VERSION


# -- scout lists -------------------------------------------------------------------------


def scout(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_scout_lists_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_index(url) as opened:
        opened.upsert(world())
    assert scout("lists", "show", "--index", url) == (
        0, "no lists yet; create one with `scout lists create NAME`\n")
    code, out = scout("lists", "create", "Spring", "--description", "DE", "--index", url)
    assert (code, out) == (0, "list 1 'Spring' created\n")
    code, out = scout("lists", "add", "spring", "b.bsky.social", A, "--status", "contacted",
                      "--note", "=cmd|' /C calc'!A0", "--index", url)
    assert code == 0 and out.splitlines() == [
        f"{B}: contacted on 'Spring'", f"{A}: contacted on 'Spring'"]
    code, out = scout("lists", "show", "1", "--index", url)
    assert code == 0 and "list 1 'Spring': 2 creators (DE)" in out and "b.bsky.social" in out
    code, out = scout("lists", "export", "Spring", "--index", url)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["creator_id"] for r in rows] == [B, A]
    assert rows[0]["note"].startswith("'=")  # not a formula in a spreadsheet
    target = tmp_path / "spring.json"
    code, out = scout("lists", "export", "Spring", "--format", "json", "-o", str(target),
                      "--index", url)
    assert code == 0 and json.loads(target.read_text())["items"][1]["creator_id"] == A
    assert scout("lists", "remove", "Spring", A, "--index", url)[0] == 0
    code, out = scout("lists", "show", "--index", url)
    assert code == 0 and out.splitlines()[1].split()[:3] == ["1", "Spring", "1"]
    assert scout("lists", "delete", "Spring", "--index", url) == (
        0, "list 1 'Spring' deleted\n")


@pytest.mark.parametrize(("args", "message"), [
    (("lists", "add", "Nope", "mastodon:a"), "no list 'Nope'"),
    (("lists", "add", "Spring", "mastodon:zzz"), "no creator 'mastodon:zzz'"),
    (("lists", "remove", "Spring", "mastodon:a"), "is not on list 'Spring'"),
    (("lists", "create", "spring"), "a list named 'spring' exists"),
    (("lists", "create", "42"), "not be only digits"),
    (("lists", "add", "Spring", "mastodon:a", "--status", " "), "must not be blank"),
])
def test_scout_lists_mistakes_exit_2_with_one_line(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with open_index(url) as opened:
        opened.upsert(world())
        opened.lists().create("Spring")
    code, out = scout(*args, "--index", url)
    assert code == 2 and message in out and len(out.strip().splitlines()) == 1


def test_scout_lists_without_an_index(tmp_path: Path) -> None:
    code, out = scout("lists", "show", "--index", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 1 and "no index at" in out
