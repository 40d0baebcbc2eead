"""``/lists``: shortlists with a note and a status per creator, exported as CSV or JSON.

Lists live in the index, so ``scout lists`` sees what the API writes and the other way
round. Every route that changes a list needs the token when the server has one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from creatorscout.api.deps import CatalogDep
from creatorscout.api.schemas import (
    ItemPatch,
    ItemPut,
    ListCreate,
    ListEntry,
    ListOut,
    ListPatch,
    ListsOut,
)
from creatorscout.api.security import require_write
from creatorscout.api.service import Catalog, enrich, export_csv, export_json

router = APIRouter(tags=["shortlists"])
ListId = Annotated[int, Path(ge=1, le=2**62, description="The list's id")]
WRITE = [Depends(require_write)]


@router.get("/lists", response_model=ListsOut, summary="Every shortlist (without items)")
def all_lists(catalog: CatalogDep) -> ListsOut:
    return ListsOut(lists=catalog.lists().all())


@router.post("/lists", response_model=ListOut, status_code=201, dependencies=WRITE,
             summary="Create a shortlist")
def create_list(body: ListCreate, catalog: CatalogDep) -> ListOut:
    created = catalog.lists().create(body.name, body.description)
    return enrich(created, catalog.index())


@router.get("/lists/{list_id}.csv", summary="A shortlist as CSV (one row per creator)",
            response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "The CSV file"}})
def list_csv(list_id: ListId, catalog: CatalogDep) -> Response:
    shortlist = catalog.shortlist(list_id)
    return Response(export_csv(shortlist), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="list-{list_id}.csv"'})


@router.get("/lists/{list_id}.json", summary="A shortlist as a JSON file", response_class=Response,
            responses={200: {"content": {"application/json": {}}, "description": "The file"}})
def list_json(list_id: ListId, catalog: CatalogDep) -> Response:
    shortlist = catalog.shortlist(list_id)
    return Response(export_json(shortlist), media_type="application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="list-{list_id}.json"'})


@router.get("/lists/{list_id:int}", response_model=ListOut,
            summary="A shortlist with each creator's current numbers")
def get_list(list_id: ListId, catalog: CatalogDep) -> ListOut:
    return catalog.shortlist(list_id)


@router.patch("/lists/{list_id:int}", response_model=ListOut, dependencies=WRITE,
              summary="Rename or describe a shortlist")
def patch_list(list_id: ListId, body: ListPatch,
               catalog: CatalogDep) -> ListOut:
    updated = catalog.lists().update(list_id, name=body.name, description=body.description)
    return enrich(updated, catalog.index())


@router.delete("/lists/{list_id:int}", status_code=204, dependencies=WRITE,
               summary="Delete a shortlist and its items")
def delete_list(list_id: ListId, catalog: CatalogDep) -> Response:
    from creatorscout.search.lists import ListNotFound

    if not catalog.lists().delete(list_id):
        raise ListNotFound(f"no list {list_id}")
    return Response(status_code=204)


@router.post("/lists/{list_id:int}/items", response_model=ListEntry, dependencies=WRITE,
             summary="Add a creator to a shortlist (or change its note and status)")
def put_item(list_id: ListId, body: ItemPut,
             catalog: CatalogDep) -> ListEntry:
    """``creator_id`` may be a handle or profile URL that names one creator; the list
    stores the stable id."""
    creator_id = catalog.resolve(body.creator_id)
    catalog.lists().put_item(list_id, creator_id, note=body.note, status=body.status)
    return _entry(catalog, list_id, creator_id)


@router.patch("/lists/{list_id:int}/items/{creator_id:path}", response_model=ListEntry,
              dependencies=WRITE, summary="Change a creator's note or status on a shortlist")
def patch_item(list_id: ListId, creator_id: str, body: ItemPatch,
               catalog: CatalogDep) -> ListEntry:
    from creatorscout.api.errors import ApiError

    store = catalog.lists()
    found = store.get(list_id)
    if found is not None and found.item(creator_id) is None:
        raise ApiError(404, f"'{creator_id}' is not on list {list_id}",
                       f"add it with POST /api/v1/lists/{list_id}/items")
    store.put_item(list_id, creator_id, note=body.note, status=body.status)
    return _entry(catalog, list_id, creator_id)


@router.delete("/lists/{list_id:int}/items/{creator_id:path}", status_code=204,
               dependencies=WRITE, summary="Take a creator off a shortlist")
def delete_item(list_id: ListId, creator_id: str,
                catalog: CatalogDep) -> Response:
    from creatorscout.api.errors import ApiError

    if not catalog.lists().remove_item(list_id, creator_id):
        raise ApiError(404, f"'{creator_id}' is not on list {list_id}",
                       f"GET /api/v1/lists/{list_id} shows who is")
    return Response(status_code=204)


def _entry(catalog: Catalog, list_id: int, creator_id: str) -> ListEntry:
    shortlist = catalog.shortlist(list_id)
    return next(item for item in shortlist.items if item.creator_id == creator_id)
