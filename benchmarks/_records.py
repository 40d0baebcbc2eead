"""Realistic records for the index and scoring benchmarks.

Templates come from a real crawl of the sandbox (every platform the sandbox speaks): real
profiles, posts and scores, exactly as the pipeline indexes them, so the benchmarks follow
the data model as it changes. :func:`synthetic` then makes any number of distinct creators
from them: new ids, handles, follower counts, scores, niches and post ids, the templates'
texts, and at most ``posts`` posts each.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from random import Random
from typing import Any

from _common import sandbox, sandbox_base_url, sandbox_platforms


def crawled_records(creators: int, seed: int = 42, world: int = 20_000,
                    niche: str = "vegan-cooking") -> list[Any]:
    """Crawl ``creators`` creators of ``niche`` from the sandbox on every platform it
    speaks (``scout crawl``, concurrency 8) and return the indexed records."""
    from creatorscout.search.backend import open_index

    platforms = sandbox_platforms()
    with tempfile.TemporaryDirectory(prefix="cs-bench-records-") as tmp, \
            sandbox(world, seed) as url:
        index = f"sqlite:///{Path(tmp) / 'index.db'}"
        command = [sys.executable, "-m", "creatorscout.cli", "crawl", niche,
                   "--index", index, "--max-creators", str(creators), "--concurrency", "8",
                   "--allow-private-hosts"]  # the sandbox is on 127.0.0.1
        for platform in platforms:
            command += ["--platform", platform,
                        "--base-url", f"{platform}={sandbox_base_url(platform, url)}"]
        completed = subprocess.run(command, capture_output=True, text=True,
                                   stdin=subprocess.DEVNULL)
        if completed.returncode != 0:
            raise RuntimeError(f"the template crawl failed:\n{completed.stderr[-3000:]}")
        with open_index(index, create=False) as opened:
            records = list(opened.iter_records())
    if not records:
        raise RuntimeError("the template crawl indexed nothing")
    return records


def records_from(url: str | None, creators: int) -> list[Any]:
    """The records of the index at ``url``, or (no URL) of a fresh sandbox crawl."""
    if not url:
        return crawled_records(creators)
    from creatorscout.search.backend import open_index

    with open_index(url, create=False) as index:
        records = list(index.iter_records())
    if not records:
        raise SystemExit(f"error: the index {url} holds no records")
    return records


def _handle(handle: str, number: int) -> str:
    local, at, host = handle.partition("@")
    return f"{local}{number}{at}{host}"


def synthetic(templates: Sequence[Any], count: int, *, start: int = 0, posts: int = 10,
              niches: Sequence[str] = (), seed: int = 7) -> Iterator[Any]:
    """``count`` distinct creators numbered from ``start``, copied from ``templates``.

    Creator ``i`` copies template ``i % len(templates)``: same texts and score breakdown, a
    new id and handle, followers scaled by a log-normal factor, the score jittered, the
    niche rotated through ``niches`` (default: the template's), its first ``posts`` posts
    with new ids. Deterministic for a given ``seed`` and ``start``.
    """
    rng = Random(seed * 1_000_003 + start)
    for number in range(start, start + count):
        template = templates[number % len(templates)]
        old = template.creator
        followers = old.followers
        if followers is not None:
            followers = max(0, int(followers * rng.lognormvariate(0.0, 1.0)))
        creator = old.model_copy(update={
            "native_id": f"b{number}.{old.native_id}",
            "handle": _handle(old.handle, number),
            "followers": followers,
        })
        niche = niches[number % len(niches)] if niches else template.crawl.niche
        score = template.score.model_copy(update={
            "niche": niche,
            "score": round(min(100.0, max(0.0, template.score.score * rng.uniform(0.5, 1.5))),
                           2),
        })
        kept = [
            post.model_copy(update={"native_id": f"b{number}.{post.native_id}",
                                    "creator_id": creator.id})
            for post in template.posts[:posts]
        ]
        yield template.model_copy(update={
            "creator": creator, "posts": kept, "score": score,
            "crawl": template.crawl.model_copy(update={"niche": niche}),
        })
