"""A damaged embedded index (issue 12, item 6): every command answers in one line naming
the file and `scout index check`; `check` finds the damage; `repair` saves what can be read.

The damage is real: stored documents overwritten with broken compression, broken JSON or
wrong fields, pages of the file overwritten with noise, the file cut short.
"""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.search.backend import open_index
from tests.factories import make_scored

RECORDS = 120


def build(path: Path) -> None:
    with open_index(f"sqlite:///{path}") as index:
        index.upsert([
            # every third bio is long: those documents are stored compressed
            make_scored(native_id=str(n), bio=("vegan stew " * 500) if n % 3 == 0 else
                        f"vegan cook {n}", handle=f"cook{n}@example.social")
            for n in range(RECORDS)
        ])


def damage_documents(path: Path, value: object, rows: int = 3) -> None:
    conn = sqlite3.connect(path)
    ids = [r[0] for r in conn.execute("SELECT record_id FROM documents ORDER BY record_id")]
    for rid in ids[::len(ids) // rows][:rows]:
        conn.execute("UPDATE documents SET record_json = ? WHERE record_id = ?", (value, rid))
    conn.commit()
    conn.close()


def damage_pages(path: Path) -> None:
    rng = random.Random(5)
    size = path.stat().st_size
    with path.open("r+b") as file:
        for _ in range(6):
            file.seek(rng.randrange(8192, size - 4096))
            file.write(bytes(rng.randrange(256) for _ in range(4096)))


DAMAGE = {
    "broken zstd": lambda p: damage_documents(p, b"\x28\xb5\x2f\xfd" + os.urandom(60)),
    "broken zlib": lambda p: damage_documents(p, b"\x78\x9c" + os.urandom(60)),
    "broken json": lambda p: damage_documents(p, '{"creator": {"platform": "mast'),
    "wrong fields": lambda p: damage_documents(p, '{"creator": 5}'),
    "noise in pages": damage_pages,
    "cut short": lambda p: os.truncate(p, p.stat().st_size * 2 // 3),
}
COMMANDS = [
    ["search"], ["search", "vegan"], ["search", "stew", "--sort", "relevance"],
    ["search", "--platform", "mastodon", "--limit", "200"], ["show", "mastodon:0"],
    ["show", "cook3@example.social"], ["index", "stats"], ["search", "--format", "json",
                                                          "--limit", "200"],
]


@pytest.fixture()
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / "index.db"
    build(path)
    DAMAGE[request.param](path)
    return path


@pytest.mark.parametrize("damaged", sorted(DAMAGE), indirect=True)
def test_every_command_on_a_damaged_index_answers_in_one_line(damaged):
    for command in COMMANDS:
        result = CliRunner().invoke(main, [*command, "--index", f"sqlite:///{damaged}"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command, result.exception)
        assert "Traceback" not in result.output
        if result.exit_code != 0:
            assert result.exit_code == 1, (command, result.stderr)
            assert result.stderr.count("\n") == 1, (command, result.stderr)
            assert str(damaged) in result.stderr, (command, result.stderr)
            assert "scout index check" in result.stderr, (command, result.stderr)


@pytest.mark.parametrize("damaged", sorted(DAMAGE), indirect=True)
def test_check_finds_the_damage_and_repair_saves_what_can_be_read(damaged, tmp_path):
    check = CliRunner().invoke(main, ["index", "check", "--index", f"sqlite:///{damaged}"])
    assert check.exit_code == 1, check.output
    assert "DAMAGED" in check.stdout and "scout index repair" in check.stdout
    target = tmp_path / "saved.db"
    repair = CliRunner().invoke(main, ["index", "repair", "--index", f"sqlite:///{damaged}",
                                       "--to", f"sqlite:///{target}"])
    assert repair.exit_code == 0, repair.output
    with open_index(f"sqlite:///{target}", create=False) as index:
        saved = index.stats().records
    if saved == 0:  # cut short: SQLite can read none of its tables
        assert "lost an unknown number (the file's tables cannot be read)" in repair.stdout
    else:
        assert saved <= RECORDS
        assert f"saved {saved} records into {target}; lost {RECORDS - saved}" in repair.stdout
    again = CliRunner().invoke(main, ["index", "check", "--index", f"sqlite:///{target}"])
    assert again.exit_code == 0, again.output
    assert f"ok: {saved} records read, 0 unreadable" in again.stdout
    if saved == 0:
        return
    searched = CliRunner().invoke(main, ["search", "vegan", "--index", f"sqlite:///{target}"])
    assert searched.exit_code == 0, searched.output


def test_a_sound_index_checks_ok_and_repair_keeps_every_record(tmp_path):
    path = tmp_path / "index.db"
    build(path)
    check = CliRunner().invoke(main, ["index", "check", "--index", f"sqlite:///{path}"])
    assert check.exit_code == 0, check.output
    assert f"ok: {RECORDS} records read, 0 unreadable" in check.stdout
    repair = CliRunner().invoke(main, ["index", "repair", "--index", f"sqlite:///{path}"])
    assert repair.exit_code == 0, repair.output
    assert f"saved {RECORDS} records" in repair.stdout and "lost 0" in repair.stdout
    assert (tmp_path / "index.repaired.db").exists()
    twice = CliRunner().invoke(main, ["index", "repair", "--index", f"sqlite:///{path}"])
    assert twice.exit_code == 1 and "exists already" in twice.stderr


def test_check_and_repair_usage_errors(tmp_path):
    es = CliRunner().invoke(main, ["index", "check", "--index", "http://localhost:9200"])
    assert es.exit_code == 2 and "embedded (SQLite) index" in es.stderr
    missing = CliRunner().invoke(main, ["index", "check", "--index",
                                        f"sqlite:///{tmp_path / 'none.db'}"])
    assert missing.exit_code == 1 and "no index at" in missing.stderr
