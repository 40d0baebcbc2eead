"""``open_index``: which URLs it accepts, and one-line errors for the rest."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from creatorscout.search.backend import (
    ENV_VAR,
    IncompatibleIndex,
    Index,
    IndexNotFound,
    IndexOpenError,
    IndexUnavailable,
    InvalidIndexURL,
    open_index,
    sqlite_path,
)
from creatorscout.search.query import SearchQuery
from creatorscout.search.sqlite_schema import SCHEMA_VERSION


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    return tmp_path


def opens(url: str | None, expected: Path) -> None:
    with open_index(url) as index:
        assert isinstance(index, Index)
        assert index.search(SearchQuery()).total == 0
        assert index.url == f"sqlite:///{expected.resolve()}"
    assert expected.exists()


def test_relative_sqlite_url(in_tmp: Path) -> None:
    opens("sqlite:///data/scout.db", in_tmp / "data" / "scout.db")


def test_absolute_sqlite_url(in_tmp: Path) -> None:
    target = in_tmp / "abs" / "x.db"
    assert str(target).startswith("/")
    opens(f"sqlite:///{target}", target)  # sqlite:////abs/x.db


def test_plain_path(in_tmp: Path) -> None:
    opens("plain.db", in_tmp / "plain.db")
    opens(str(in_tmp / "other.sqlite"), in_tmp / "other.sqlite")


def test_default_is_a_file_in_the_working_directory(in_tmp: Path) -> None:
    opens(None, in_tmp / "creatorscout.db")


def test_environment_variable(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:///from-env.db")
    opens(None, in_tmp / "from-env.db")
    assert not (in_tmp / "creatorscout.db").exists()


def test_an_explicit_url_beats_the_environment(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:///from-env.db")
    opens("explicit.db", in_tmp / "explicit.db")


def test_memory() -> None:
    with open_index("sqlite:///:memory:") as index:
        assert index.url == "sqlite:///:memory:"
        assert index.stats().size_bytes is None


def test_sqlite_path() -> None:
    assert sqlite_path("sqlite:///a/b.db") == "a/b.db"
    assert sqlite_path("sqlite:////a/b.db") == "/a/b.db"
    assert sqlite_path("b.db") == "b.db"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("path", ["", "/scout"])
def test_http_urls_open_elasticsearch(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREATORSCOUT_ES_RETRIES", "0")
    port = _closed_port()
    with pytest.raises(IndexOpenError) as info:
        open_index(f"HTTP://127.0.0.1:{port}{path}")
    message = str(info.value)
    assert f"cannot reach Elasticsearch at http://127.0.0.1:{port}{path}" in message
    assert "docker compose" in message and "\n" not in message
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "url",
    ["postgres://x/y", "notes.txt", "sqlite://x.db", "sqlite:///", "sqlite:", "", "ftp://a.db"],
)
def test_other_urls_are_refused_with_the_accepted_forms(url: str) -> None:
    with pytest.raises(InvalidIndexURL) as info:
        open_index(url)
    message = str(info.value)
    assert "sqlite:///" in message and ".db" in message and "http" in message
    assert "\n" not in message


def test_missing_file_with_create_false(in_tmp: Path) -> None:
    with pytest.raises(IndexNotFound) as info:
        open_index("missing.db", create=False)
    assert "scout crawl" in str(info.value)
    assert not (in_tmp / "missing.db").exists()
    open_index("missing.db").close()
    open_index("missing.db", create=False).close()


def test_a_file_that_is_not_sqlite(in_tmp: Path) -> None:
    (in_tmp / "junk.db").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(IncompatibleIndex) as info:
        open_index("junk.db")
    assert "junk.db" in str(info.value)


def test_someone_elses_sqlite_file(in_tmp: Path) -> None:
    conn = sqlite3.connect(in_tmp / "other.db")
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(IncompatibleIndex, match="not a creatorscout index"):
        open_index("other.db")
    conn = sqlite3.connect(in_tmp / "other.db")
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]
    conn.close()


def test_an_index_from_a_newer_version(in_tmp: Path) -> None:
    open_index("new.db").close()
    conn = sqlite3.connect(in_tmp / "new.db")
    conn.execute("INSERT INTO schema_version VALUES (?, '2099-01-01')", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(IncompatibleIndex, match="upgrade creatorscout"):
        open_index("new.db")


def test_every_error_is_an_index_open_error() -> None:
    for cls in (IndexUnavailable, InvalidIndexURL, IndexNotFound, IncompatibleIndex):
        assert issubclass(cls, IndexOpenError)
        assert issubclass(cls, ValueError)
