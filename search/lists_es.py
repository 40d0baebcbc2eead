"""Shortlists in Elasticsearch: one document per list in the ``<prefix>-lists`` index
(created on first use), its items inside it (:data:`MAX_ITEMS` at most).

Writes wait for a refresh, so the next read (and ``scout lists show``) sees them. Two
clients creating lists with the same name at the same moment may both succeed (there are
no unique constraints in Elasticsearch); ids never collide (``op_type=create``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from creatorscout.search.lists import (
    MAX_ITEMS,
    ListFull,
    ListItem,
    ListNameTaken,
    ListNotFound,
    ListStore,
    ListSummary,
    Shortlist,
    clean_item,
    clean_name,
    now,
)

if TYPE_CHECKING:
    from creatorscout.search.es_index import ElasticIndex

MAPPING = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "name": {"type": "keyword"},
        "name_key": {"type": "keyword"},
        "description": {"type": "text", "index": False},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "items": {"type": "object", "enabled": False},
    },
}
_RETRIES = 5


class EsListStore(ListStore):
    def __init__(self, index: ElasticIndex) -> None:
        self._index = index
        self._name = f"{index.names.prefix}-lists"
        self._ready = False

    def _call(self, doing: str, method: Any, **kwargs: Any) -> Any:
        return self._index._call(doing, method, **kwargs)

    @property
    def _client(self) -> Any:
        return self._index._client

    def _ensure(self) -> None:
        if self._ready:
            return
        if not self._call("look for the lists", self._client.indices.exists, index=self._name):
            try:
                self._call("create the lists index", self._client.indices.create,
                           index=self._name, mappings=MAPPING,
                           settings={"number_of_shards": 1})
            except ValueError as exc:
                if "resource_already_exists" not in str(exc):
                    raise
        self._ready = True

    def _load(self, list_id: int) -> dict[str, Any] | None:
        self._ensure()
        found = self._call("read a list", self._client.options(ignore_status=404).get,
                           index=self._name, id=str(list_id))
        return found.get("_source") if found.get("found") else None

    def _save(self, doc: dict[str, Any], *, create: bool = False) -> None:
        self._call("write a list", self._client.index, index=self._name, id=str(doc["id"]),
                   document=doc, refresh="wait_for", op_type="create" if create else "index")

    def _named(self, name: str) -> dict[str, Any] | None:
        self._ensure()
        response = self._call("find a list", self._client.search, index=self._name,
                              query={"term": {"name_key": name.casefold()}}, size=1)
        hits = response["hits"]["hits"]
        return hits[0]["_source"] if hits else None

    def create(self, name: str, description: str = "") -> Shortlist:
        name = clean_name(name)
        if self._named(name):
            raise ListNameTaken(f"a list named '{name}' exists; pick another name")
        stamp = now().isoformat()
        for _ in range(_RETRIES):
            top = self._call("number a list", self._client.search, index=self._name, size=0,
                             aggs={"top": {"max": {"field": "id"}}})
            next_id = int(top["aggregations"]["top"].get("value") or 0) + 1
            doc = {"id": next_id, "name": name, "name_key": name.casefold(),
                   "description": description, "created_at": stamp, "updated_at": stamp,
                   "items": []}
            try:
                self._save(doc, create=True)
            except ValueError as exc:
                if "version_conflict" in str(exc):
                    continue  # another client took the id
                raise
            return _shortlist(doc)
        raise ListNameTaken("could not number the new list (busy); try again")

    def all(self) -> list[ListSummary]:
        self._ensure()
        response = self._call("read the lists", self._client.search, index=self._name,
                              size=10_000, sort=[{"name_key": "asc"}, {"id": "asc"}])
        return [_summary(hit["_source"]) for hit in response["hits"]["hits"]]

    def get(self, list_id: int) -> Shortlist | None:
        doc = self._load(list_id)
        return _shortlist(doc) if doc else None

    def _require(self, list_id: int) -> dict[str, Any]:
        doc = self._load(list_id)
        if doc is None:
            raise ListNotFound(f"no list {list_id}; `scout lists show` lists them")
        return doc

    def update(
        self, list_id: int, *, name: str | None = None, description: str | None = None
    ) -> Shortlist:
        doc = self._require(list_id)
        if name is not None:
            name = clean_name(name)
            other = self._named(name)
            if other and other["id"] != list_id:
                raise ListNameTaken(f"a list named '{name}' exists; pick another name")
            doc["name"], doc["name_key"] = name, name.casefold()
        if description is not None:
            doc["description"] = description
        doc["updated_at"] = now().isoformat()
        self._save(doc)
        return _shortlist(doc)

    def delete(self, list_id: int) -> bool:
        self._ensure()
        found = self._call("delete a list", self._client.options(ignore_status=404).delete,
                           index=self._name, id=str(list_id), refresh="wait_for")
        return found.get("result") == "deleted"

    def put_item(
        self, list_id: int, creator_id: str, *, note: str | None = None,
        status: str | None = None,
    ) -> ListItem:
        note, status = clean_item(note, status)
        doc = self._require(list_id)
        stamp = now().isoformat()
        item = next((i for i in doc["items"] if i["creator_id"] == creator_id), None)
        if item is None:
            if len(doc["items"]) >= MAX_ITEMS:
                raise ListFull(f"list {list_id} holds {MAX_ITEMS} creators already; "
                               "start another list")
            item = {"creator_id": creator_id, "note": note or "",
                    "status": status or "candidate", "added_at": stamp, "updated_at": stamp}
            doc["items"].append(item)
        else:
            if note is not None:
                item["note"] = note
            if status is not None:
                item["status"] = status
            item["updated_at"] = stamp
        doc["updated_at"] = stamp
        self._save(doc)
        return ListItem(**item)

    def remove_item(self, list_id: int, creator_id: str) -> bool:
        doc = self._require(list_id)
        kept = [i for i in doc["items"] if i["creator_id"] != creator_id]
        if len(kept) == len(doc["items"]):
            return False
        doc["items"] = kept
        doc["updated_at"] = now().isoformat()
        self._save(doc)
        return True


def _summary(doc: dict[str, Any]) -> ListSummary:
    return ListSummary(id=doc["id"], name=doc["name"], description=doc.get("description", ""),
                       created_at=doc["created_at"], updated_at=doc["updated_at"],
                       size=len(doc.get("items") or []))


def _shortlist(doc: dict[str, Any]) -> Shortlist:
    return Shortlist(**_summary(doc).model_dump(),
                     items=[ListItem(**item) for item in doc.get("items") or []])
