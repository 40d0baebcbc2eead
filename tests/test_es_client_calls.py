"""Every call the Elasticsearch backend makes uses parameters the installed client accepts.

The client takes keyword arguments only and refuses unknown ones with a TypeError before
any request is sent; without a cluster at hand, this reads the backend's source and checks
each call against the client's signatures, so a misspelt parameter fails here, not in a
user's crawl.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import creatorscout.search.es_index as es_index

elasticsearch = pytest.importorskip("elasticsearch")


def _method(path: list[str]) -> object:
    """``["indices", "create"]`` -> ``Elasticsearch.indices.create`` (the unbound function)."""
    target: object = elasticsearch.Elasticsearch
    for part in path:
        if part == "indices":
            target = type(elasticsearch.Elasticsearch(hosts=["http://127.0.0.1:9"]).indices)
            continue
        target = getattr(target, part)
    return target


def _client_path(node: ast.expr) -> list[str] | None:
    """``self._client.indices.create`` -> ``["indices", "create"]``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.reverse()
    if parts[:1] == ["_client"] and isinstance(node, ast.Name) and node.id in ("self", "client"):
        return parts[1:]
    if isinstance(node, ast.Name) and node.id == "client" and parts:
        return parts
    return None


def _calls() -> list[tuple[int, list[str], list[str]]]:
    """(line, client method path, keyword names) of every client call in es_index.py."""
    tree = ast.parse(Path(es_index.__file__).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        keywords = [k.arg for k in node.keywords if k.arg is not None]
        path = _client_path(node.func)
        if path:
            found.append((node.lineno, path, keywords))
        # self._call("doing", self._client.x, **kwargs)
        if isinstance(node.func, ast.Attribute) and node.func.attr == "_call" and node.args[1:]:
            path = _client_path(node.args[1])
            if path:
                found.append((node.lineno, path, keywords))
    return found


def test_the_backend_calls_the_client() -> None:
    assert len(_calls()) > 25


@pytest.mark.parametrize(("line", "path", "keywords"), _calls())
def test_client_parameters_exist(line: int, path: list[str], keywords: list[str]) -> None:
    if path == ["close"]:
        return
    method = _method(path)
    accepted = set(inspect.signature(method).parameters)  # type: ignore[arg-type]
    unknown = set(keywords) - accepted
    assert not unknown, f"es_index.py:{line}: {'.'.join(path)}() has no {sorted(unknown)}"


def test_scan_requests_are_valid_search_parameters() -> None:
    """The request dicts passed to _scan become search() keywords."""
    accepted = set(inspect.signature(elasticsearch.Elasticsearch.search).parameters)
    for keys in (
        {"query", "sort", "source_includes"},
        {"query", "sort", "track_total_hits", "track_scores", "source", "from_", "size"},
        {"pit", "search_after"},
    ):
        assert keys <= accepted
