"""Crawl pages: start a crawl of a niche on chosen platforms with a budget, watch its
counters live (Server-Sent Events, the API's own stream), read the summary, jump to the
results. Without JavaScript the running crawl's page reloads itself every few seconds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from creatorscout.api.crawls import CrawlRefused
from creatorscout.api.deps import CatalogDep, CrawlsDep
from creatorscout.api.routes.crawls import crawl_events
from creatorscout.api.schemas import CrawlStart
from creatorscout.search.query import SearchQuery
from creatorscout.web.query import search_url
from creatorscout.web.render import page
from creatorscout.web.security import check_csrf, page_read, page_write

router = APIRouter(dependencies=[Depends(page_read)], include_in_schema=False)
CrawlId = Annotated[str, Path(max_length=64)]


def _platforms() -> list[str]:
    from creatorscout.plugins.manager import get_plugin_manager

    return sorted(get_plugin_manager().platforms())


def _crawls_page(request: Request, catalog: CatalogDep, crawls: CrawlsDep, *,
                 error: str | None = None, status: int = 200) -> HTMLResponse:
    return page(request, "crawls.html", {
        "title": "Crawls", "crawls": crawls.all(), "niches": catalog.niches(),
        "platforms": _platforms(), "error": error,
    }, status=status)


@router.get("/crawls", response_class=HTMLResponse)
def crawls_page(request: Request, catalog: CatalogDep, crawls: CrawlsDep) -> HTMLResponse:
    return _crawls_page(request, catalog, crawls)


@router.post("/crawls", dependencies=[Depends(page_write), Depends(check_csrf)],
             response_model=None)
def start_crawl(
    request: Request, catalog: CatalogDep, crawls: CrawlsDep,
    niche: Annotated[str, Form(max_length=200)],
    platforms: Annotated[list[str] | None, Form(max_length=20)] = None,
    budget: Annotated[str, Form(max_length=10)] = "100",
) -> Response:
    if not platforms:  # the API reads "none" as "all installed"; a form means "forgot"
        return _crawls_page(request, catalog, crawls, status=422,
                            error="no platform was ticked; tick the platforms to crawl")
    try:
        started = crawls.start(CrawlStart(niche=niche, platforms=platforms,
                                          budget=budget))  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return _crawls_page(request, catalog, crawls, error=f"{where}: {first['msg']}",
                            status=422)
    except CrawlRefused as exc:
        return _crawls_page(request, catalog, crawls, error=str(exc), status=exc.status)
    return RedirectResponse(f"/crawls/{started.id}", status_code=303)


@router.get("/crawls/{crawl_id}", response_class=HTMLResponse)
def crawl_page(crawl_id: CrawlId, request: Request, crawls: CrawlsDep) -> HTMLResponse:
    status = crawls.get(crawl_id)
    if status is None:
        return page(request, "error.html", {
            "title": "No such crawl", "message": f"no crawl '{crawl_id}' on this server",
            "fix": "Crawls lists the crawls this server started."}, status=404)
    return page(request, "crawl.html", {
        "title": f"Crawl of {status.niche}", "s": status,
        "results": search_url(SearchQuery(niche=status.niche)),
        "done": status.state in ("finished", "stopped", "failed"),
    })


@router.get("/crawls/{crawl_id}/events", response_model=None)
async def crawl_page_events(crawl_id: CrawlId, request: Request, crawls: CrawlsDep
                            ) -> Response:
    """The API's event stream, under the page's token rules (an EventSource cannot send
    an ``Authorization`` header)."""
    last = request.headers.get("last-event-id")
    return await crawl_events(crawl_id, request, crawls, last[:20] if last else None)


@router.post("/crawls/{crawl_id}/stop", dependencies=[Depends(page_write),
                                                      Depends(check_csrf)],
             response_model=None)
def stop_crawl(crawl_id: CrawlId, crawls: CrawlsDep) -> Response:
    crawls.stop(crawl_id)
    return RedirectResponse(f"/crawls/{crawl_id}", status_code=303)
