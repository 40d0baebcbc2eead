"""The Elasticsearch shortlists and lookalikes call the client with parameters it accepts
(as tests/test_es_client_calls.py checks for the index backend): without a cluster here,
a misspelt parameter fails in this test, not in a user's request."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import creatorscout.search.lists_es as lists_es
import creatorscout.search.similar_es as similar_es

pytest.importorskip("elasticsearch")

from tests.test_es_client_calls import _method  # noqa: E402


def _path(node: ast.expr) -> list[str] | None:
    """``x._client.indices.create`` or ``x._client.options(...).get`` -> method path."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "options":
            node = node.func.value  # options(...) returns a client of the same kind
        else:
            break
    parts.reverse()
    if parts[:1] == ["_client"] and isinstance(node, ast.Name):
        return parts[1:]
    return None


def _calls() -> list[tuple[str, int, list[str], list[str]]]:
    found = []
    for module in (lists_es, similar_es):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "_call" and len(node.args) > 1:
                path = _path(node.args[1])
                if path:
                    keywords = [k.arg for k in node.keywords if k.arg is not None]
                    found.append((Path(module.__file__ or "").name, node.lineno, path, keywords))
    return found


def test_both_modules_call_the_client() -> None:
    assert {file for file, *_ in _calls()} == {"lists_es.py", "similar_es.py"}
    assert len(_calls()) >= 10


@pytest.mark.parametrize(("file", "line", "path", "keywords"), _calls())
def test_client_parameters_exist(file: str, line: int, path: list[str],
                                 keywords: list[str]) -> None:
    accepted = set(inspect.signature(_method(path)).parameters)  # type: ignore[arg-type]
    unknown = set(keywords) - accepted
    assert not unknown, f"{file}:{line}: {'.'.join(path)}() has no {sorted(unknown)}"
