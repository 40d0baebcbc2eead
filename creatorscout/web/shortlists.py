"""Shortlist pages: create lists, add creators from search or creator pages, keep a note and
a status per creator, export CSV. The lists are the index's (``scout lists`` sees them).

Every form that writes posts here with a CSRF token and answers with a redirect (303), so a
reload never sends a form twice.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from creatorscout.api.deps import CatalogDep
from creatorscout.api.service import Ambiguous, NotFound, export_csv, export_json
from creatorscout.search.backend import IndexOpenError
from creatorscout.search.lists import MAX_NAME, MAX_NOTE, STATUSES, ListError, clean_item
from creatorscout.web.pages import unavailable
from creatorscout.web.render import page
from creatorscout.web.security import check_csrf, page_read, page_write

router = APIRouter(dependencies=[Depends(page_read)], include_in_schema=False)
WRITE = [Depends(page_write), Depends(check_csrf)]
ListId = Annotated[int, Path(ge=1, le=2**62)]
Note = Annotated[str, Form(max_length=MAX_NOTE)]
Status = Annotated[str, Form(max_length=40)]


def _lists_page(request: Request, catalog: CatalogDep, *, error: str | None = None,
                status: int = 200) -> HTMLResponse:
    try:
        lists = catalog.lists().all()
    except IndexOpenError as exc:
        return unavailable(request, exc)
    return page(request, "lists.html", {"title": "Shortlists", "lists": lists,
                                        "error": error, "max_name": MAX_NAME},
                status=status)


@router.get("/lists", response_class=HTMLResponse)
def lists_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    return _lists_page(request, catalog)


@router.post("/lists", dependencies=WRITE, response_model=None)
def create_list(request: Request, catalog: CatalogDep,
                name: Annotated[str, Form(max_length=MAX_NAME)],
                description: Note = "") -> Response:
    try:
        created = catalog.lists().create(name, description)
    except (ListError, ValueError) as exc:
        return _lists_page(request, catalog, error=str(exc), status=409)
    return RedirectResponse(f"/lists/{created.id}", status_code=303)


@router.post("/lists/add", dependencies=WRITE, response_model=None)
def add_to_list(
    request: Request, catalog: CatalogDep,
    creator_ids: Annotated[list[str] | None, Form(max_length=100)] = None,
    list_id: Annotated[str, Form(max_length=20)] = "",
    new_name: Annotated[str, Form(max_length=MAX_NAME)] = "",
    note: Note = "", status: Status = "",
) -> Response:
    """Add creators (from a search's ticked rows or a creator page) to a list, or to a
    new list when ``new_name`` is given."""
    store = catalog.lists()
    creator_ids = creator_ids or []
    try:
        if not creator_ids:
            raise ListError("no creator was ticked; tick the creators to add")
        note_, status_ = clean_item(note or None, status or None)
        if new_name.strip():
            target = store.create(new_name, "").id
        elif list_id.isdigit():
            target = store.find(list_id).id
        else:
            raise ListError("pick a list or name a new one")
        for ref in creator_ids:
            store.put_item(target, catalog.resolve(ref), note=note_, status=status_)
    except (ListError, ValueError, NotFound, Ambiguous) as exc:
        return page(request, "error.html", {
            "title": "Not added", "message": str(exc),
            "fix": "Go back, pick a list or name a new one, and send the form again."},
            status=409 if isinstance(exc, ListError) else 422)
    return RedirectResponse(f"/lists/{target}?added={len(creator_ids)}", status_code=303)


@router.get("/lists/{list_id}.{kind:str}", response_model=None)
def list_file(list_id: ListId, kind: str, request: Request, catalog: CatalogDep) -> Response:
    """The list as a file, under the page's token rules (a browser sends no bearer)."""
    exporters = {"csv": (export_csv, "text/csv; charset=utf-8"),
                 "json": (export_json, "application/json")}
    try:
        if kind not in exporters:
            raise ListError(f"no export as '{kind}'; use .csv or .json")
        shortlist = catalog.shortlist(list_id)
    except ListError as exc:
        return page(request, "error.html", {"title": "No such list", "message": str(exc),
                                            "fix": "Pick one from Shortlists."}, status=404)
    export, media = exporters[kind]
    return Response(export(shortlist), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="list-{list_id}.{kind}"'})


@router.get("/lists/{list_id}", response_class=HTMLResponse)
def list_page(list_id: ListId, request: Request, catalog: CatalogDep,
              added: int = 0) -> HTMLResponse:
    try:
        shortlist = catalog.shortlist(list_id)
    except ListError as exc:
        return page(request, "error.html", {"title": "No such list", "message": str(exc),
                                            "fix": "Pick one from Shortlists."}, status=404)
    except IndexOpenError as exc:
        return unavailable(request, exc)
    return page(request, "list.html", {
        "title": f"Shortlist: {shortlist.name}", "s": shortlist, "statuses": STATUSES,
        "added": added, "max_note": MAX_NOTE,
    })


@router.post("/lists/{list_id}/items", dependencies=WRITE, response_model=None)
def update_item(list_id: ListId, request: Request, catalog: CatalogDep,
                creator_id: Annotated[str, Form(max_length=300)],
                note: Note = "", status: Status = "") -> Response:
    store = catalog.lists()
    try:
        found = store.get(list_id)
        if found is None or found.item(creator_id) is None:
            raise ListError(f"'{creator_id}' is not on list {list_id}")
        note_, status_ = clean_item(note, status or None)
        store.put_item(list_id, creator_id, note=note_, status=status_)
    except (ListError, ValueError) as exc:
        return page(request, "error.html", {"title": "Not saved", "message": str(exc),
                                            "fix": "Go back and correct the form."},
                    status=422)
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.post("/lists/{list_id}/remove", dependencies=WRITE, response_model=None)
def remove_item(list_id: ListId, catalog: CatalogDep,
                creator_id: Annotated[str, Form(max_length=300)]) -> Response:
    catalog.lists().remove_item(list_id, creator_id)
    return RedirectResponse(f"/lists/{list_id}", status_code=303)


@router.post("/lists/{list_id}/delete", dependencies=WRITE, response_model=None)
def delete_list(list_id: ListId, catalog: CatalogDep) -> Response:
    catalog.lists().delete(list_id)
    return RedirectResponse("/lists", status_code=303)
