"""The scale-out index: Elasticsearch, with the same answers as the embedded index.

Layout, mapping and analysis: :mod:`creatorscout.search.es_mapping`. Query translation
and per-creator counting: :mod:`creatorscout.search.es_query`. Configuration (URL,
credentials, TLS, timeouts, retries): :mod:`creatorscout.search.es_config`.

Writes go through the bulk helper in batches without a refresh per request (crawl
throughput); an index refreshes itself before it reads what it wrote, and when it is
closed, so ``scout crawl`` followed by ``scout search`` sees everything. Failures are
reported per document after the retryable ones (429, 503) were retried.

Differences from the embedded index that callers may notice:

* ``upsert`` is not one transaction. The records are read from the iterable before
  anything is sent (so an iterable that raises stores nothing), but a cluster that fails
  half-way keeps what it stored; :class:`ElasticsearchWriteError` lists the failures.
  Re-running the same upsert is always safe.
* The text rank (``Hit.text_rank``, and the order under ``sort="relevance"`` with text) is
  Elasticsearch's BM25, not SQLite's; which creators match is the same.
* Elasticsearch folds a few more characters than SQLite when matching words (``ß`` =
  ``ss``, ``æ`` = ``ae``).
* ``save_grouping`` is not one transaction either: while it runs, searches may see some
  creators grouped the old way and some the new way.
* Growth history (:meth:`ElasticIndex.history`) exists only here: every upsert adds a
  snapshot of the record's numbers to the ``metrics`` data stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from creatorscout.plugins.models import Creator
from creatorscout.scoring.identity import Grouping, Person, person_id
from creatorscout.search.backend import (
    IncompatibleIndex,
    Index,
    IndexNotFound,
    write_in_batches,
)
from creatorscout.search.es_config import EsSettings, load_client
from creatorscout.search.es_errors import ElasticsearchError, ElasticsearchWriteError, translate
from creatorscout.search.es_mapping import (
    MAPPING_VERSION,
    NEWEST_WINS,
    Names,
    creator_document,
    evidence_document,
    evidence_from,
    record_document,
    record_id,
    snapshot_document,
    snapshot_id,
)
from creatorscout.search.es_query import (
    Deduplicator,
    build_query,
    build_sort,
    count_aggs,
    creator_of,
    person_or_creator,
    read_counts,
    text_clauses,
)
from creatorscout.search.lists import ListStore
from creatorscout.search.query import Hit, IndexStats, SearchQuery, SearchResults
from creatorscout.search.records import ScoredCreator
from creatorscout.search.similar import TextNeighbours
from creatorscout.search.sqlite_rows import handle_key, scrub, url_key

log = logging.getLogger(__name__)

WINDOW = 10_000
"""Elasticsearch's default ``index.max_result_window``: deeper pages use search_after."""
SCAN_BATCH = 5_000
"""Hits per request when paging with search_after through a point in time."""
READ_BATCH = 500
"""Records per request when reading everything (copy, rebuild)."""
BULK_CHUNK = 500
"""Documents per bulk request."""
BULK_RETRIES = 3
"""Retries of documents the cluster refused for now (429, 503)."""
KEEP_ALIVE = "2m"
"""How long a point in time stays open between two requests."""
MAX_PER_CREATOR = 1_000
"""Most records of one creator ``get`` returns, and most creators one lookup returns."""
MAX_READ = 10_000
"""Most hits of one plain (not paged) read: a page's persons, one creator's history."""


class ElasticIndex(Index):
    """The index in an Elasticsearch cluster (see the module docstring)."""

    def __init__(self, settings: EsSettings, *, create: bool = True) -> None:
        es = load_client()
        self.settings = settings
        self.url = settings.url
        self.names = Names(settings.prefix)
        self._es = es
        self._client = es.Elasticsearch(**settings.client_kwargs())
        self._dirty = False
        self._opted_out = 0
        self._closed = False
        try:
            self._open(create)
        except BaseException:
            self._client.close()
            raise

    # -- plumbing ----------------------------------------------------------------------

    def _call(self, doing: str, method: Callable[..., Any], /, **kwargs: Any) -> Any:
        """Call the client; any client error becomes a one-line :class:`ElasticsearchError`."""
        from elastic_transport import TransportError

        try:
            response = method(**kwargs)
        except (self._es.ApiError, TransportError) as exc:
            raise translate(exc, self.settings, doing) from None
        return getattr(response, "body", response)

    def _open(self, create: bool) -> None:
        from elastic_transport import TransportError

        try:
            # the clearest errors (unreachable, TLS, credentials, not Elasticsearch) come
            # from the first request; a user without the monitor privilege may not read it
            self._client.info()
        except self._es.AuthorizationException:
            pass
        except (self._es.ApiError, TransportError) as exc:
            raise translate(exc, self.settings, "connect") from None
        names = self.names
        exists = self._call(
            "look for the index", self._client.indices.exists_alias, name=names.records
        )
        if not exists:
            if not create:
                raise IndexNotFound(
                    f"no creatorscout index at {self.url}: run 'scout crawl NICHE --index "
                    f"{self.url}' first, or pass --index with the right URL"
                )
            self._install()
            return
        mapping = self._call(
            "read the mapping", self._client.indices.get_mapping, index=names.records
        )
        versions = [
            int(m.get("mappings", {}).get("_meta", {}).get("creatorscout_mapping", 0))
            for m in mapping.values()
        ]
        if versions and max(versions) > MAPPING_VERSION:
            raise IncompatibleIndex(
                f"the index at {self.url} was written by a newer creatorscout (mapping "
                f"{max(versions)}, this one knows {MAPPING_VERSION}); upgrade creatorscout"
            )
        if create:
            self._install()

    def _install(self) -> None:
        """Templates, first generations with their aliases, the metrics data stream.
        Idempotent, and safe when two processes do it at once."""
        names = self.names
        for name, body in names.templates().items():
            self._call(
                "create the index templates",
                self._client.indices.put_index_template,
                name=name,
                **body,
            )
        for alias in (names.records, names.creators, names.evidence):
            if self._call("look for the index", self._client.indices.exists_alias, name=alias):
                continue
            try:
                self._client.indices.create(index=names.generation(alias, 1), aliases={alias: {}})
            except self._es.BadRequestError as exc:
                # another process created it first
                if "resource_already_exists_exception" not in str(exc):
                    raise translate(exc, self.settings, "create the index") from None
            except Exception as exc:
                raise translate(exc, self.settings, "create the index") from None
        try:
            self._client.indices.create_data_stream(name=names.metrics)
        except self._es.BadRequestError as exc:
            if "resource_already_exists_exception" not in str(exc):
                raise translate(exc, self.settings, "create the metrics stream") from None
        except Exception as exc:
            raise translate(exc, self.settings, "create the metrics stream") from None

    def _refresh(self) -> None:
        names = self.names
        self._call(
            "refresh",
            self._client.indices.refresh,
            index=[names.records, names.creators, names.evidence, names.metrics],
            ignore_unavailable=True,
        )
        self._dirty = False

    def _fresh(self) -> None:
        """Read-your-writes: refresh before reading when this instance wrote something."""
        if self._dirty:
            self._refresh()

    def _bulk(self, actions: list[dict[str, Any]], doing: str, *, missing_ok: bool = False) -> int:
        """Send actions with the bulk helper; return how many were applied.

        Retryable refusals (429, 503) are retried with back-off; a ``create`` that finds
        its document already there (409) counts as applied (re-runs are safe). Other
        failures are collected and raised together, one line plus ``failures``.
        """
        from elastic_transport import TransportError

        if not actions:
            return 0
        helpers = self._es.helpers
        applied = 0
        failures: list[dict[str, Any]] = []
        try:
            for ok, item in helpers.streaming_bulk(
                self._client,
                actions,
                chunk_size=BULK_CHUNK,
                max_retries=BULK_RETRIES,
                initial_backoff=1,
                max_backoff=30,
                retry_on_status=(429, 503),
                raise_on_error=False,
                raise_on_exception=True,
            ):
                if ok:
                    applied += 1
                    continue
                op, result = next(iter(item.items()))
                if op == "create" and result.get("status") == 409:
                    applied += 1
                    continue
                if missing_ok and result.get("status") == 404:
                    continue  # deleted since it was read
                failures.append({"op": op, **result})
        except (self._es.ApiError, TransportError) as exc:
            raise translate(exc, self.settings, doing) from None
        self._dirty = True
        if failures:
            first = failures[0]
            error = first.get("error", {})
            reason = error.get("reason", error) if isinstance(error, dict) else error
            raise ElasticsearchWriteError(
                f"Elasticsearch at {self.url}: {len(failures)} of {len(actions)} documents "
                f"were not stored ({doing}); first: {first.get('_id')}: "
                f"{first.get('status')} {reason}",
                failures,
            )
        return applied

    # -- writing -------------------------------------------------------------------------

    def upsert(self, records: Iterable[ScoredCreator]) -> int:
        # read everything first: an iterable that raises must store nothing
        batch = list(records)
        names = self.names
        persons = self._grouped_persons({r.creator.id for r in batch})
        actions: list[dict[str, Any]] = []
        owners: list[str] = []
        stored = 0
        refused = 0
        for record in batch:
            creator_id = record.creator.id
            if record.creator.flags.opted_out:
                refused += 1
                keep = [i for i, owner in enumerate(owners) if owner != creator_id]
                actions = [actions[i] for i in keep]
                owners = [owners[i] for i in keep]
                self._erase(creator_id)
                continue
            record = scrub(record)
            creator = creator_document(record.creator)
            snapshot = snapshot_document(record)
            actions += [
                {
                    "_op_type": "index",
                    "_index": names.records,
                    "_id": record_id(creator_id, record.niche),
                    "routing": creator_id,
                    "_source": record_document(record, persons.get(creator_id)),
                },
                {
                    "_op_type": "update",
                    "_index": names.creators,
                    "_id": creator_id,
                    "retry_on_conflict": 5,
                    "script": {
                        "source": NEWEST_WINS,
                        "lang": "painless",
                        "params": {"doc": creator},
                    },
                    "upsert": creator,
                },
                {
                    "_op_type": "create",
                    "_index": names.metrics,
                    "_id": snapshot_id(snapshot),
                    "_source": snapshot,
                },
            ]
            owners += [creator_id] * 3
            stored += 1
        self._bulk(actions, "store records")
        self._opted_out += refused
        if refused:
            log.info("index: skipped %d record(s) of opted-out creators", refused)
        return stored

    def _erase(self, creator_id: str) -> int:
        """Delete everything stored about a creator (records, profile, history, the
        evidence it published), as the embedded index does: evidence that named it loses
        its target, and the other profiles of its person are ungrouped until the next
        grouping pass."""
        names = self.names
        # delete_by_query only sees refreshed documents
        self._refresh()
        person = self._person_id(creator_id)
        response = self._call(
            "delete a creator",
            self._client.delete_by_query,
            index=[names.records, names.creators, names.metrics],
            query={"term": {"creator_id": creator_id}},
            conflicts="proceed",
            refresh=True,
            ignore_unavailable=True,
        )
        deleted = int(response.get("deleted", 0))
        self._call(
            "delete evidence",
            self._client.delete_by_query,
            index=names.evidence,
            query={"term": {"source_id": creator_id}},
            conflicts="proceed",
            refresh=True,
        )
        self._update_by_query(
            names.evidence,
            {"term": {"target_id": creator_id}},
            "ctx._source.target_id = null; ctx._source.merged = false",
        )
        if person is not None:
            self._ungroup({"term": {"person_id": person}})
        return deleted

    def _update_by_query(
        self, index: str, query: dict[str, Any], script: str, params: dict[str, Any] | None = None
    ) -> None:
        self._call(
            "update documents",
            self._client.update_by_query,
            index=index,
            query=query,
            script={"source": script, "lang": "painless", "params": params or {}},
            conflicts="proceed",
            refresh=True,
        )

    def _ungroup(self, query: dict[str, Any]) -> None:
        """Take the creators (and their records) that ``query`` finds out of their persons."""
        self._update_by_query(
            self.names.creators,
            query,
            "ctx._source.remove('person_id'); ctx._source.remove('person_size')",
        )
        self._update_by_query(
            self.names.records,
            query,
            "ctx._source.remove('person_id'); ctx._source.group_id = ctx._source.creator_id",
        )

    def delete(self, creator_id: str) -> bool:
        return self._erase(creator_id) > 0

    @property
    def opted_out_skipped(self) -> int:
        return self._opted_out

    # -- reading -------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        self._fresh()
        text = text_clauses(query.text)
        with_text = not text.empty
        body = build_query(query, text)
        sort = build_sort(query, with_text)
        response = self._call(
            "search",
            self._client.search,
            index=self.names.records,
            query=body,
            size=0,
            track_total_hits=True,
            aggs=count_aggs(query, with_text),
        )
        counts = read_counts(response)
        if not counts.exact:
            log.warning("search: facet counts may count some creators more than once")
        matched = int(response["hits"]["total"]["value"])
        hits: list[dict[str, Any]] = []
        if query.offset < counts.total:
            hits = self._page(query, body, sort, with_text, extra=matched - counts.total)
        records = self._sources(hits)
        people = self._people_of([creator_of(hit) for hit in hits])
        results: list[Hit] = []
        for hit in hits:
            if hit["_id"] not in records:
                continue  # deleted since the page was read
            person, others = people.get(creator_of(hit), (None, []))
            rank = hit.get("_score")
            results.append(
                Hit(
                    record=records[hit["_id"]],
                    text_rank=float(rank) if with_text and rank is not None else None,
                    person_id=person,
                    other_profiles=others,
                )
            )
        return SearchResults(
            total=counts.total, hits=results, facets=counts.facets, offset=query.offset
        )

    def _page(
        self,
        query: SearchQuery,
        body: dict[str, Any],
        sort: list[Any],
        with_text: bool,
        *,
        extra: int,
    ) -> list[dict[str, Any]]:
        """The hits of one page, best record per creator, in order (no sources yet)."""
        common: dict[str, Any] = {
            "query": body,
            "sort": sort,
            "track_total_hits": False,
            "track_scores": with_text,
        }
        if query.collapse_person:
            common["source_includes"] = ["group_id"]
            dedup = Deduplicator(query.offset, query.limit, key=person_or_creator)
        else:
            common["source"] = False
            dedup = Deduplicator(query.offset, query.limit)
        need = query.offset + query.limit + extra
        if extra == 0 and query.offset + query.limit <= WINDOW:
            response = self._call(
                "search",
                self._client.search,
                index=self.names.records,
                from_=query.offset,
                size=query.limit,
                **common,
            )
            return list(response["hits"]["hits"])
        if need <= WINDOW:
            response = self._call(
                "search", self._client.search, index=self.names.records, size=need, **common
            )
            dedup.add(response["hits"]["hits"])
            return dedup.page
        # deep: walk a point in time with search_after (no 10,000-hit limit)
        for hits in self._scan(common, SCAN_BATCH):
            dedup.add(hits)
            if dedup.done:
                break
        return dedup.page

    def _scan(
        self, request: dict[str, Any], batch: int, index: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of hits through a point in time, with search_after. ``request`` must sort
        by a total order (or by ``_shard_doc``)."""
        opened = self._call(
            "open a point in time",
            self._client.open_point_in_time,
            index=index or self.names.records,
            keep_alive=KEEP_ALIVE,
        )
        pit_id = opened["id"]
        after: list[Any] | None = None
        try:
            while True:
                extra: dict[str, Any] = {} if after is None else {"search_after": after}
                response = self._call(
                    "read the index",
                    self._client.search,
                    pit={"id": pit_id, "keep_alive": KEEP_ALIVE},
                    size=batch,
                    **request,
                    **extra,
                )
                pit_id = response.get("pit_id", pit_id)
                hits = response["hits"]["hits"]
                if not hits:
                    return
                yield hits
                if len(hits) < batch:
                    return
                after = hits[-1]["sort"]
        finally:
            try:
                self._client.close_point_in_time(id=pit_id)
            except Exception:  # noqa: BLE001 - it expires by itself
                log.debug("could not close a point in time", exc_info=True)

    def _sources(self, hits: list[dict[str, Any]]) -> dict[str, ScoredCreator]:
        """The stored records of hits, by document id (one multi-get)."""
        if not hits:
            return {}
        docs = [{"_id": h["_id"], "routing": creator_of(h)} for h in hits]
        response = self._call(
            "read records",
            self._client.mget,
            index=self.names.records,
            docs=docs,
            source_includes=["record"],
        )
        found: dict[str, ScoredCreator] = {}
        for doc in response["docs"]:
            if doc.get("found"):
                found[doc["_id"]] = ScoredCreator.model_validate(doc["_source"]["record"])
        return found

    def get(self, creator_id: str) -> list[ScoredCreator]:
        self._fresh()
        response = self._call(
            "read a creator",
            self._client.search,
            index=self.names.records,
            routing=creator_id,
            query={"term": {"creator_id": creator_id}},
            sort=[{"niche": {"order": "asc"}}],
            size=MAX_PER_CREATOR,
            source_includes=["record"],
        )
        return [
            ScoredCreator.model_validate(hit["_source"]["record"])
            for hit in response["hits"]["hits"]
        ]

    def candidates(self, ref: str) -> list[str]:
        ref = ref.strip()
        if not ref:
            return []
        self._fresh()
        lookups: list[dict[str, Any]] = [{"term": {"creator_id": ref}}]
        if "://" in ref:
            key = url_key(ref)
            if key:
                lookups.append({"term": {"url_key": key}})
        else:
            key = handle_key(ref)
            lookups.append({"term": {"handle_key": key}})
            if ":" in ref:
                platform, rest = ref.split(":", 1)
                lookups.append(
                    {
                        "bool": {
                            "filter": [
                                {"term": {"platform": platform.lower()}},
                                {"term": {"handle_key": handle_key(rest)}},
                            ]
                        }
                    }
                )
            elif "@" not in key:
                lookups.append({"term": {"handle_local": key}})
        for lookup in lookups:
            response = self._call(
                "look up a creator",
                self._client.search,
                index=self.names.creators,
                query=lookup,
                sort=[{"creator_id": {"order": "asc"}}],
                size=MAX_PER_CREATOR,
                source_includes=["creator_id"],
            )
            found = [hit["_source"]["creator_id"] for hit in response["hits"]["hits"]]
            if found:
                return found
        return []

    def stats(self) -> IndexStats:
        self._fresh()
        names = self.names
        records = self._call(
            "count",
            self._client.search,
            index=names.records,
            size=0,
            track_total_hits=True,
            aggs={
                "niches": {"terms": {"field": "niche", "size": 10_000, "order": {"_key": "asc"}}},
                "posts": {"cardinality": {"field": "post_ids", "precision_threshold": 40_000}},
            },
        )
        creators = self._call(
            "count",
            self._client.search,
            index=names.creators,
            size=0,
            track_total_hits=True,
            aggs={
                "platforms": {
                    "terms": {"field": "platform", "size": 10_000, "order": {"_key": "asc"}}
                }
            },
        )
        sizes = self._call(
            "read index sizes",
            self._client.indices.stats,
            index=[names.records, names.creators, names.evidence, names.metrics],
            metric="store",
        )
        size = sizes.get("_all", {}).get("primaries", {}).get("store", {}).get("size_in_bytes")
        aggs, caggs = records["aggregations"], creators["aggregations"]
        return IndexStats(
            url=self.url,
            creators=int(creators["hits"]["total"]["value"]),
            records=int(records["hits"]["total"]["value"]),
            posts=int(aggs["posts"]["value"]),
            niches={str(b["key"]): int(b["doc_count"]) for b in aggs["niches"]["buckets"]},
            platforms={str(b["key"]): int(b["doc_count"]) for b in caggs["platforms"]["buckets"]},
            size_bytes=int(size) if size is not None else None,
        )

    def iter_records(self, niche: str | None = None) -> Iterator[ScoredCreator]:
        self._fresh()
        query: dict[str, Any] = {"term": {"niche": niche.lower()}} if niche else {"match_all": {}}
        request = {"query": query, "sort": ["_shard_doc"], "source_includes": ["record"]}
        for hits in self._scan(request, READ_BATCH):
            for hit in hits:
                yield ScoredCreator.model_validate(hit["_source"]["record"])

    # -- persons (one person, many profiles) ---------------------------------------------

    def _profiles(self, creator_ids: Iterable[str], fields: list[str]) -> dict[str, Any]:
        """Creators-index sources by creator id (one multi-get; unknown ids are left out)."""
        ids = sorted(set(creator_ids))
        if not ids:
            return {}
        response = self._call(
            "read creators",
            self._client.mget,
            index=self.names.creators,
            ids=ids,
            source_includes=fields,
        )
        return {doc["_id"]: doc.get("_source", {}) for doc in response["docs"] if doc.get("found")}

    def _person_id(self, creator_id: str) -> str | None:
        source = self._profiles([creator_id], ["person_id"]).get(creator_id, {})
        return source.get("person_id")

    def _grouped_persons(self, creator_ids: Iterable[str]) -> dict[str, str]:
        """Person ids of creators whose person has several profiles (records carry those)."""
        found = self._profiles(creator_ids, ["person_id", "person_size"])
        return {
            cid: str(src["person_id"])
            for cid, src in found.items()
            if src.get("person_id") and int(src.get("person_size") or 1) > 1
        }

    def _members(self, person_ids: Iterable[str]) -> dict[str, list[str]]:
        """Creator ids of each person, sorted."""
        persons = sorted(set(person_ids))
        if not persons:
            return {}
        members: dict[str, list[str]] = {}
        response = self._call(
            "read persons",
            self._client.search,
            index=self.names.creators,
            query={"terms": {"person_id": persons}},
            sort=[{"creator_id": {"order": "asc"}}],
            size=MAX_READ,
            source_includes=["creator_id", "person_id"],
        )
        for hit in response["hits"]["hits"]:
            source = hit["_source"]
            members.setdefault(source["person_id"], []).append(source["creator_id"])
        return members

    def _people_of(self, creator_ids: list[str]) -> dict[str, tuple[str | None, list[str]]]:
        """``{creator id: (person id, the person's other creator ids)}`` for a page of hits."""
        own = {
            cid: src.get("person_id")
            for cid, src in self._profiles(creator_ids, ["person_id"]).items()
        }
        members = self._members(p for p in own.values() if p)
        return {
            cid: (pid, [m for m in members.get(pid, []) if m != cid] if pid else [])
            for cid, pid in own.items()
        }

    def iter_creators(self) -> Iterator[Creator]:
        self._fresh()
        request = {
            "query": {"match_all": {}},
            "sort": [{"creator_id": {"order": "asc"}}],
            "source_includes": ["creator"],
        }
        for hits in self._scan(request, READ_BATCH, index=self.names.creators):
            for hit in hits:
                yield Creator.model_validate(hit["_source"]["creator"])

    def save_grouping(self, grouping: Grouping) -> None:
        """Replace persons and evidence with a grouping pass's result.

        Not one transaction (Elasticsearch has none): readers may see the old and the new
        grouping mixed while it runs. Creators written since the pass read them stay
        ungrouped until the next pass, as in the embedded index.
        """
        names = self.names
        self._refresh()
        self._ungroup({"exists": {"field": "person_id"}})
        sizes: dict[str, int] = {}
        for pid in grouping.person_of.values():
            sizes[pid] = sizes.get(pid, 0) + 1
        actions = [
            {
                "_op_type": "update",
                "_index": names.creators,
                "_id": cid,
                "retry_on_conflict": 5,
                "doc": {"person_id": pid, "person_size": sizes[pid]},
            }
            for cid, pid in grouping.person_of.items()
        ]
        self._bulk(actions, "store persons", missing_ok=True)
        grouped = {cid: pid for cid, pid in grouping.person_of.items() if sizes[pid] > 1}
        chunk = sorted(grouped)
        for start in range(0, len(chunk), READ_BATCH):
            part = chunk[start : start + READ_BATCH]
            self._update_by_query(
                names.records,
                {"terms": {"creator_id": part}},
                "def pid = params.persons[ctx._source.creator_id];"
                " ctx._source.person_id = pid; ctx._source.group_id = pid",
                {"persons": {cid: grouped[cid] for cid in part}},
            )
        self._call(
            "replace evidence",
            self._client.delete_by_query,
            index=names.evidence,
            query={"match_all": {}},
            conflicts="proceed",
            refresh=True,
        )
        self._bulk(
            [
                {"_op_type": "index", "_index": names.evidence, "_source": evidence_document(e, n)}
                for n, e in enumerate(grouping.evidence)
            ],
            "store evidence",
        )
        self._refresh()

    def person_of(self, creator_id: str) -> Person | None:
        self._fresh()
        found = self._profiles([creator_id], ["person_id"])
        if creator_id not in found:
            return None
        pid = found[creator_id].get("person_id")
        members = self._members([pid]).get(pid, [creator_id]) if pid else [creator_id]
        request = {
            "query": {
                "bool": {
                    "should": [
                        {"terms": {"source_id": members}},
                        {"terms": {"target_id": members}},
                    ],
                    "minimum_should_match": 1,
                }
            },
            "sort": [{"source_id": {"order": "asc"}}, {"seq": {"order": "asc"}}],
        }
        evidence = [
            evidence_from(hit["_source"])
            for hits in self._scan(request, READ_BATCH, index=self.names.evidence)
            for hit in hits
        ]
        return Person(id=pid or person_id(members), members=members, evidence=evidence)

    # -- history -------------------------------------------------------------------------

    def iter_snapshots(self) -> Iterator[dict[str, Any]]:
        """Every metric snapshot (growth history), as stored."""
        self._fresh()
        request = {"query": {"match_all": {}}, "sort": ["_shard_doc"]}
        for hits in self._scan(request, READ_BATCH, index=self.names.metrics):
            for hit in hits:
                yield dict(hit["_source"])

    def add_snapshots(self, snapshots: Iterable[dict[str, Any]]) -> int:
        """Store snapshots (as :meth:`iter_snapshots` yields them); existing ones are kept."""
        actions = [
            {
                "_op_type": "create",
                "_index": self.names.metrics,
                "_id": snapshot_id(doc),
                "_source": doc,
            }
            for doc in snapshots
        ]
        return self._bulk(actions, "store history")

    def history(self, creator_id: str) -> list[dict[str, Any]]:
        """A creator's snapshots, oldest first."""
        self._fresh()
        response = self._call(
            "read history",
            self._client.search,
            index=self.names.metrics,
            query={"term": {"creator_id": creator_id}},
            sort=[{"@timestamp": {"order": "asc"}}, {"niche": {"order": "asc"}}],
            size=MAX_READ,
        )
        return [dict(hit["_source"]) for hit in response["hits"]["hits"]]

    # -- shortlists and lookalikes (issue 15) ---------------------------------------------

    def lists(self) -> ListStore:
        from creatorscout.search.lists_es import EsListStore

        return EsListStore(self)

    def similar_text(
        self, record: ScoredCreator, *, pool: int, platform: str | None = None
    ) -> TextNeighbours:
        from creatorscout.search.similar_es import text_neighbours

        self._fresh()
        return text_neighbours(self, record, pool=pool, platform=platform)

    # -- maintenance ---------------------------------------------------------------------

    def _generations(self, alias: str) -> list[str]:
        found = self._call("read aliases", self._client.indices.get_alias, name=alias)
        return sorted(found)

    def rebuild(self) -> int:
        """Re-create the records and creators indices from their stored documents with
        this version's mapping, then move the aliases in one atomic step and delete the old
        generations. Run it while nothing writes. Returns the number of records."""
        self._refresh()
        names = self.names
        self._install()
        swaps: list[dict[str, Any]] = []
        old: list[str] = []
        targets: list[str] = []
        copied = 0
        plans: tuple[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]], ...] = (
            (names.records, self._record_action),
            (names.creators, self._creator_action),
            (names.evidence, self._evidence_action),
        )
        request = {"query": {"match_all": {}}, "sort": ["_shard_doc"]}
        for alias, make in plans:
            current = self._generations(alias)
            number = max(int(name.rsplit("-", 1)[1]) for name in current) + 1
            target = names.generation(alias, number)
            self._call("create the index", self._client.indices.create, index=target)
            for source_name in current:
                for hits in self._scan(request, READ_BATCH, index=source_name):
                    batch = [{**make(hit["_source"]), "_index": target} for hit in hits]
                    count = self._bulk(batch, "rebuild the index")
                    if alias == names.records:
                        copied += count
            swaps += [{"remove": {"index": name, "alias": alias}} for name in current]
            swaps.append({"add": {"index": target, "alias": alias}})
            old += current
            targets.append(target)
        self._call("refresh", self._client.indices.refresh, index=targets)
        # one request, so readers see either the old generation or the new one
        self._call("move the aliases", self._client.indices.update_aliases, actions=swaps)
        for name in old:
            self._call("delete old generations", self._client.indices.delete, index=name)
        return copied

    @staticmethod
    def _record_action(source: dict[str, Any]) -> dict[str, Any]:
        record = scrub(ScoredCreator.model_validate(source["record"]))
        return {
            "_op_type": "index",
            "_id": record_id(record.creator.id, record.niche),
            "routing": record.creator.id,
            "_source": record_document(record, source.get("person_id")),
        }

    @staticmethod
    def _creator_action(source: dict[str, Any]) -> dict[str, Any]:
        creator = Creator.model_validate(source["creator"])
        document = creator_document(creator)
        for key in ("person_id", "person_size"):
            if source.get(key) is not None:
                document[key] = source[key]
        return {"_op_type": "index", "_id": creator.id, "_source": document}

    @staticmethod
    def _evidence_action(source: dict[str, Any]) -> dict[str, Any]:
        seq = int(source.get("seq", 0))
        item = evidence_from(source)
        return {"_op_type": "index", "_source": evidence_document(item, seq)}

    def drop(self) -> None:
        """Delete everything of this prefix: indices, the metrics stream, the templates."""
        names = self.names
        client = self._client
        for alias in (names.records, names.creators, names.evidence):
            if client.indices.exists_alias(name=alias):
                for name in self._generations(alias):
                    self._call("delete the index", client.indices.delete, index=name)
        try:
            client.indices.delete_data_stream(name=names.metrics)
        except self._es.NotFoundError:
            pass
        except Exception as exc:
            raise translate(exc, self.settings, "delete the metrics stream") from None
        for name in names.templates():
            try:
                client.indices.delete_index_template(name=name)
            except self._es.NotFoundError:
                pass
        self._dirty = False

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._dirty:
                self._refresh()
        except ElasticsearchError as exc:
            log.warning("%s", exc)
        finally:
            self._client.close()

    def __repr__(self) -> str:
        return f"ElasticIndex({self.url!r})"


def copy_history(
    source: Index,
    target: Index,
    *,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Copy the growth history between two Elasticsearch indexes; 0 when either is not one.

    Re-running is safe: snapshots have deterministic ids and existing ones are kept.
    """
    if not isinstance(source, ElasticIndex) or not isinstance(target, ElasticIndex):
        return 0
    return write_in_batches(source.iter_snapshots(), target.add_snapshots,
                            batch_size=batch_size, progress=progress)
