"""The index: bulk load of synthetic creators (time, creators/s, file size) and search
latency (p50/p95/p99) of typical queries at several sizes.

    python benchmarks/index_load_search.py [--sizes 100000,1000000] [--posts 10]
                                           [--backend sqlite|es|both] [--json FILE]

Records are made from a real sandbox crawl (see ``_records.py``): real profiles, posts and
score explanations, copied into distinct creators with their own ids, follower counts,
scores and niches, at most ``--posts`` posts each. They are upserted in batches of
``--batch`` inside the index's bulk mode (what ``scout index copy`` does); only the upsert
calls are timed.

Same-run baselines:

* load: the same records serialized as JSON and inserted into a plain one-table SQLite file
  (primary key + JSON, same pragmas), the floor any store of these records pays;
* search: ``get(id)`` of one creator (a primary-key read and one record decoded).

Search runs after the load reaches each size in ``--sizes``, on a second connection (as
``scout search`` would), each query ``--runs`` times after one warm-up. The queries are
typical: words + two filters + sort by score, with the facets every search returns.

Elasticsearch is measured the same way when ``CREATORSCOUT_ES_URL`` is set (and
``--backend`` is ``es`` or ``both``), under a fresh ``csbench-*`` prefix deleted at the end.

Targets (embedded index): load above 10,000 creators/s; p95 under 100 ms at 1,000,000.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from _common import Stopwatch, emit, machine_line, mib, percentile, say
from _records import records_from, synthetic

LOAD_TARGET = 10_000.0
P95_TARGET_MS = 100.0
P95_TARGET_SIZE = 1_000_000


def typical_queries(niche: str, templates: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """Named queries as ``SearchQuery`` fields: what users type (see the README). The handle
    word and the role are the templates' most common ones, so those queries match."""
    words: Counter[str] = Counter()
    platforms: Counter[str] = Counter()
    for record in templates:
        local = record.creator.handle.lstrip("@").split("@")[0]
        words.update(w.lower() for w in re.findall(r"[^\W\d_]{4,}", local))
        platforms[record.creator.platform] += 1
    handle_word = words.most_common(1)[0][0] if words else "vegan"
    roles = Counter(r.score.role for r in templates if r.score.role not in (None, "neither"))
    role = roles.most_common(1)[0][0] if roles else "influencer"
    platform = platforms.most_common(1)[0][0] if platforms else "mastodon"
    return [
        ("words+niche+tier, by score",
         {"text": "vegan recipe", "niche": niche, "tiers": ["micro", "nano"]}),
        ("words+niche+min followers, by score",
         {"text": "plant based", "niche": niche, "min_followers": 1000}),
        ("word+language+min ER, by score",
         {"text": "tofu", "languages": ["de"], "min_er": 1.0}),
        ("Hebrew word+niche+tier, by score",
         {"text": "טבעוני", "niche": niche, "tiers": ["nano", "micro"]}),
        ("handle word+platform+niche, by score",
         {"text": handle_word, "platforms": [platform], "niche": niche}),
        ("no words: niche+tier, by followers",
         {"niche": niche, "tiers": ["micro"], "sort": "followers"}),
        ("words+role+min followers, by score",
         {"text": "vegan", "role": role, "min_followers": 500}),
    ]


# -- the baseline store ----------------------------------------------------------------------


class RawStore:
    """A plain SQLite table of (id, JSON): the load baseline."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("CREATE TABLE IF NOT EXISTS raw (id TEXT PRIMARY KEY, body TEXT)")

    def upsert(self, records: list[Any]) -> None:
        rows = [(f"{r.creator.id}|{r.crawl.niche}", r.model_dump_json()) for r in records]
        self.conn.execute("BEGIN")
        self.conn.executemany("INSERT OR REPLACE INTO raw (id, body) VALUES (?, ?)", rows)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def _file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


# -- backends -------------------------------------------------------------------------------


@contextmanager
def sqlite_target(folder: Path) -> Iterator[tuple[str, Callable[[], int | None]]]:
    path = folder / "index.db"
    yield f"sqlite:///{path}", lambda: _file_size(path)


@contextmanager
def es_target(es_url: str) -> Iterator[tuple[str, Callable[[], int | None]]]:
    prefix = f"csbench-{uuid.uuid4().hex[:10]}"
    host = es_url.rstrip("/")
    try:
        yield f"{host}/{prefix}", lambda: _es_size(host, prefix)
    finally:
        _es_delete(host, prefix)


def _es_client(host: str) -> tuple[Any, Any]:
    from creatorscout.search.es_config import load_client, parse_es_url

    es = load_client()
    return es, es.Elasticsearch(**parse_es_url(host).client_kwargs())


def _es_size(host: str, prefix: str) -> int | None:
    es, client = _es_client(host)
    try:
        client.indices.refresh(index=f"{prefix}-*")
        stats = client.indices.stats(index=f"{prefix}-*", metric="store")
        return int(stats["_all"]["total"]["store"]["size_in_bytes"])
    except Exception:  # noqa: BLE001 - a size is nice to have, never worth a failure
        return None
    finally:
        client.close()


def _es_delete(host: str, prefix: str) -> None:
    """Delete everything under ``prefix`` by concrete names (wildcard deletes are refused)."""
    es, client = _es_client(host)
    try:
        found = client.indices.get(index=f"{prefix}-*", expand_wildcards="all")
        for name in found.body:
            if not name.startswith("."):
                client.indices.delete(index=name, ignore_unavailable=True)
        try:
            client.indices.delete_data_stream(name=f"{prefix}-metrics")
        except es.NotFoundError:
            pass
        templates = client.indices.get_index_template(name=f"{prefix}-*")
        for template in templates.body.get("index_templates", []):
            client.indices.delete_index_template(name=template["name"])
    except es.NotFoundError:
        pass
    finally:
        client.close()


# -- measuring ------------------------------------------------------------------------------


def run_queries(url: str, queries: list[tuple[str, dict[str, Any]]], runs: int,
                probe_id: str) -> dict[str, Any]:
    from creatorscout.search.backend import open_index
    from creatorscout.search.query import SearchQuery

    all_ms: list[float] = []
    per_query = []
    with open_index(url, create=False) as index:
        baseline: list[float] = []
        index.get(probe_id)
        for _ in range(max(runs, 20)):
            with Stopwatch() as watch:
                index.get(probe_id)
            baseline.append(watch.seconds * 1000)
        for name, fields in queries:
            query = SearchQuery(**fields)
            results = index.search(query)  # warm-up
            times = []
            for _ in range(runs):
                with Stopwatch() as watch:
                    index.search(query)
                times.append(watch.seconds * 1000)
            all_ms += times
            per_query.append({"query": name, "fields": fields, "matches": results.total,
                              "p50_ms": round(percentile(times, 50), 2),
                              "p95_ms": round(percentile(times, 95), 2)})
    return {
        "p50_ms": round(percentile(all_ms, 50), 2),
        "p95_ms": round(percentile(all_ms, 95), 2),
        "p99_ms": round(percentile(all_ms, 99), 2),
        "baseline_get_p50_ms": round(percentile(baseline, 50), 3),
        "queries": per_query,
    }


def measure(backend: str, url: str, size_of: Callable[[], int | None], templates: list[Any],
            sizes: list[int], posts: int, batch: int, runs: int, niches: list[str],
            folder: Path) -> dict[str, Any]:
    from creatorscout.search.backend import open_index

    raw = RawStore(folder / f"raw-{backend}.db") if backend == "sqlite" else None
    loaded = 0
    index_s = raw_s = 0.0
    checkpoints = []
    index = open_index(url)
    stack = ExitStack()
    stack.enter_context(index.bulk())  # what `scout index copy` does around its batches
    probe_id = ""
    try:
        for size in sizes:
            while loaded < size:
                count = min(batch, size - loaded)
                records = list(synthetic(templates, count, start=loaded, posts=posts,
                                         niches=niches))
                probe_id = probe_id or records[0].creator.id
                with Stopwatch() as watch:
                    index.upsert(records)
                index_s += watch.seconds
                if raw is not None:
                    with Stopwatch() as watch:
                        raw.upsert(records)
                    raw_s += watch.seconds
                loaded += count
                if loaded % max(batch, 50_000) < batch:
                    say(f"    {loaded:>9,} loaded, {loaded / index_s:,.0f} creators/s")
            rate = loaded / index_s
            point: dict[str, Any] = {
                "creators": loaded,
                "load_seconds": round(index_s, 1),
                "load_creators_per_s": round(rate),
                "load_target_met": rate > LOAD_TARGET,
            }
            if raw is not None:
                point["baseline_creators_per_s"] = round(loaded / raw_s)
                point["load_ratio_to_baseline"] = round(rate / (loaded / raw_s), 3)
            point["search"] = run_queries(url, typical_queries(niches[0], templates), runs,
                                          probe_id)
            point["size_bytes"] = size_of()
            if size >= P95_TARGET_SIZE:
                point["p95_target_met"] = point["search"]["p95_ms"] < P95_TARGET_MS
            checkpoints.append(point)
            search = point["search"]
            say(f"  {backend} at {loaded:,}: load {rate:,.0f} creators/s "
                + (f"(baseline {point['baseline_creators_per_s']:,}/s, ratio "
                   f"{point['load_ratio_to_baseline']}) " if raw is not None else "")
                + f"size {mib(point['size_bytes'] or 0)}; search p50 {search['p50_ms']} ms, "
                f"p95 {search['p95_ms']} ms, p99 {search['p99_ms']} ms (get by id "
                f"{search['baseline_get_p50_ms']} ms)")
            for query in search["queries"]:
                say(f"      {query['query']:<42} {query['matches']:>9,} matches  "
                    f"p50 {query['p50_ms']:>8} ms  p95 {query['p95_ms']:>8} ms")
    finally:
        stack.close()
        index.close()
        if raw is not None:
            raw.close()
    if checkpoints:
        checkpoints[-1]["size_bytes"] = size_of()
    return {"backend": backend, "checkpoints": checkpoints}


def search_only(url: str, runs: int, json_path: str | None) -> int:
    """The query suite on an existing index: latencies only."""
    from itertools import islice

    from creatorscout.search.backend import open_index
    from creatorscout.search.query import SearchQuery

    say(machine_line())
    with open_index(url, create=False) as index:
        templates = list(islice(index.iter_records(), 400))
        creators = index.search(SearchQuery(limit=1)).total
    if not templates:
        raise SystemExit(f"error: the index {url} holds no records")
    niche = templates[0].crawl.niche
    search = run_queries(url, typical_queries(niche, templates), runs, templates[0].id)
    say(f"  {url} ({creators:,} creators): search p50 {search['p50_ms']} ms, p95 "
        f"{search['p95_ms']} ms, p99 {search['p99_ms']} ms (get by id "
        f"{search['baseline_get_p50_ms']} ms)")
    for query in search["queries"]:
        say(f"      {query['query']:<42} {query['matches']:>9,} matches  "
            f"p50 {query['p50_ms']:>8} ms  p95 {query['p95_ms']:>8} ms")
    emit("index_load_search", {"search_only": url, "creators": creators, "runs": runs,
                               "search": search}, json_path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="comma-separated sizes to search at (the load goes to the last)")
    parser.add_argument("--posts", type=int, default=10, help="posts per creator, at most")
    parser.add_argument("--batch", type=int, default=1000, help="records per upsert call")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
    parser.add_argument("--templates", type=int, default=400,
                        help="creators crawled from the sandbox as templates")
    parser.add_argument("--records", help="take the templates from this index URL instead "
                        "of crawling the sandbox (e.g. sqlite:///my-crawl.db)")
    parser.add_argument("--backend", choices=("sqlite", "es", "both"), default="both",
                        help="es needs CREATORSCOUT_ES_URL; 'both' skips es without it")
    parser.add_argument("--dir", help="folder for the index files (default: a temp folder)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the index files (in --dir) for a closer look afterwards")
    parser.add_argument("--search-only", metavar="INDEX_URL",
                        help="no load: run the queries on this existing index (its own records "
                        "give the handle word and role)")
    parser.add_argument("--json", dest="json_path", help="also write the result here")
    options = parser.parse_args(argv)
    if options.search_only:
        return search_only(options.search_only, options.runs, options.json_path)
    sizes = sorted({int(s.replace("_", "")) for s in options.sizes.split(",") if s.strip()})
    es_url = os.environ.get("CREATORSCOUT_ES_URL", "").strip()
    backends = ["sqlite"] if options.backend in ("sqlite", "both") else []
    if options.backend in ("es", "both"):
        if es_url:
            backends.append("es")
        elif options.backend == "es":
            raise SystemExit("error: --backend es needs CREATORSCOUT_ES_URL (a cluster URL)")
    say(machine_line())
    from creatorscout.config import list_niches

    niches = [n.name for n in list_niches()]
    niches = ["vegan-cooking", *[n for n in niches if n != "vegan-cooking"]]
    with Stopwatch() as watch:
        templates = records_from(options.records, options.templates)
    say(f"index: {len(templates)} template records read in {watch.seconds:.0f}s; sizes "
        f"{', '.join(f'{s:,}' for s in sizes)}; at most {options.posts} posts per creator; "
        f"batches of {options.batch}; niches {', '.join(niches)}")
    results = []
    if options.keep and not options.dir:
        parser.error("--keep needs --dir")
    with tempfile.TemporaryDirectory(prefix="cs-bench-index-", dir=options.dir) as tmp:
        folder = Path(options.dir) if options.keep else Path(tmp)
        for backend in backends:
            target = sqlite_target(folder) if backend == "sqlite" else es_target(es_url)
            with target as (url, size_of):
                results.append(measure(backend, url, size_of, templates, sizes, options.posts,
                                       options.batch, options.runs, niches, folder))
    if "es" not in backends:
        say("  elasticsearch: not measured (set CREATORSCOUT_ES_URL to a cluster to measure)")
    emit("index_load_search", {"sizes": sizes, "posts": options.posts, "batch": options.batch,
                               "runs": options.runs, "templates": len(templates),
                               "targets": {"load_creators_per_s": LOAD_TARGET,
                                           "p95_ms_at_1m": P95_TARGET_MS},
                               "backends": results}, options.json_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
