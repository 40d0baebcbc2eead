"""``/crawls``: start a crawl as a separate process, watch its counters, stop it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from sse_starlette.sse import EventSourceResponse

from creatorscout.api.deps import CrawlsDep
from creatorscout.api.errors import ApiError
from creatorscout.api.schemas import CrawlsOut, CrawlStart, CrawlStatus
from creatorscout.api.security import require_write

router = APIRouter(tags=["crawls"])
CrawlId = Annotated[str, Path(max_length=64, description="The crawl's id")]


def _missing(crawl_id: str) -> ApiError:
    return ApiError(404, f"no crawl '{crawl_id}'",
                    "GET /api/v1/crawls lists the crawls this server started")


@router.post("/crawls", response_model=CrawlStatus, status_code=202,
             dependencies=[Depends(require_write)],
             summary="Start a crawl of a niche (a separate process)")
def start_crawl(body: CrawlStart, crawls: CrawlsDep) -> CrawlStatus:
    """Answers at once with the crawl's id; follow it with GET /crawls/{id} or its events."""
    from creatorscout.api.crawls import CrawlRefused

    try:
        return crawls.start(body)
    except CrawlRefused as exc:
        fix = ("stop a crawl or wait" if exc.status == 409
               else "GET /api/v1/niches lists the niches; `scout plugins list` the platforms")
        raise ApiError(exc.status, str(exc), fix) from None


@router.get("/crawls", response_model=CrawlsOut, summary="Crawls this server started")
def all_crawls(crawls: CrawlsDep) -> CrawlsOut:
    return CrawlsOut(crawls=crawls.all())


@router.get("/crawls/{crawl_id}", response_model=CrawlStatus,
            summary="A crawl's state and live counters")
def get_crawl(crawl_id: CrawlId, crawls: CrawlsDep) -> CrawlStatus:
    found = crawls.get(crawl_id)
    if found is None:
        raise _missing(crawl_id)
    return found


@router.get(
    "/crawls/{crawl_id}/events",
    summary="A crawl's progress as Server-Sent Events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}},
                     "description": "Events `started`, `progress`, `stopping`, then one of "
                                    "`finished`, `stopped`, `failed`; each event's data is "
                                    "the crawl's status (as GET /crawls/{id})"}},
)
async def crawl_events(
    crawl_id: CrawlId,
    request: Request,
    crawls: CrawlsDep,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> EventSourceResponse:
    """The stream ends after the crawl's last event. A client that reconnects with
    ``Last-Event-ID`` gets only the events after that one."""
    if crawls.get(crawl_id) is None:
        raise _missing(crawl_id)
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0

    async def stream() -> AsyncIterator[dict[str, Any]]:
        async for event in crawls.events(crawl_id, after):
            if await request.is_disconnected():
                return
            yield {"id": str(event["id"]), "event": event["event"],
                   "data": json.dumps(event["data"])}

    return EventSourceResponse(stream(), ping=15)


@router.delete("/crawls/{crawl_id}", response_model=CrawlStatus, status_code=202,
               dependencies=[Depends(require_write)],
               summary="Stop a crawl cleanly (what was fetched is indexed)")
def stop_crawl(crawl_id: CrawlId, crawls: CrawlsDep) -> CrawlStatus:
    found = crawls.stop(crawl_id)
    if found is None:
        raise _missing(crawl_id)
    return found
