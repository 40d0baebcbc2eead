"""Compare two indexes by their ids and numbers: what an interrupted-then-resumed crawl must
reproduce of an uninterrupted one. Times (when something was observed, scored, crawled)
differ between runs by nature and are left out."""

from __future__ import annotations

import json
from typing import Any

from creatorscout.search.backend import open_index

#: Keys holding the time of an observation, a computation or a crawl.
TIME_KEYS = frozenset({"observed_at", "computed_at", "niche_pass_at", "crawled_at"})


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in TIME_KEYS}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def index_contents(url: str) -> dict[str, str]:
    """``{record id/niche: canonical JSON of the record without times}`` of every record."""
    out: dict[str, str] = {}
    with open_index(url, create=False) as index:
        for record in index.iter_records():
            key = f"{record.id}/{record.crawl.niche}"
            assert key not in out, f"{key} stored twice"
            out[key] = json.dumps(_without_times(record.model_dump(mode="json")),
                                  sort_keys=True)
    return out


def differences(left: dict[str, str], right: dict[str, str]) -> list[str]:
    """What differs, readably: ids on one side only, then records that differ."""
    problems = [f"only in the first: {k}" for k in sorted(set(left) - set(right))]
    problems += [f"only in the second: {k}" for k in sorted(set(right) - set(left))]
    for key in sorted(set(left) & set(right)):
        if left[key] != right[key]:
            a, b = json.loads(left[key]), json.loads(right[key])
            problems.append(f"{key} differs: {_first_difference(a, b)}")
    return problems


def _first_difference(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{path}.{k}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
    return f"{path}: {str(a)[:120]} != {str(b)[:120]}"
