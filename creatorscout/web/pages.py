"""Reading pages: search, one creator explained, niche overviews, signing in.

Every handler asks the API's :class:`~creatorscout.api.service.Catalog` (the functions the
JSON routes call), so the page shows exactly what ``/api/v1`` answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Annotated, Any
from urllib.parse import urlencode

from cachetools import TTLCache
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from creatorscout.api.deps import MAX_OFFSET, CatalogDep
from creatorscout.api.schemas import NicheInfo
from creatorscout.api.service import Ambiguous, Catalog, NotFound
from creatorscout.search.backend import IndexOpenError
from creatorscout.search.lists import STATUSES
from creatorscout.search.query import FACETS, FLAGS, SORTS, SearchQuery, SearchResults
from creatorscout.web import charts
from creatorscout.web.marks import mark_post
from creatorscout.web.query import PAGE_SIZES, BadQuery, parse, search_url, to_params, without
from creatorscout.web.render import page
from creatorscout.web.security import (
    TOKEN_COOKIE,
    check_csrf,
    cookie_header,
    page_read,
    token_cookie_value,
    token_matches,
)

router = APIRouter(dependencies=[Depends(page_read)], include_in_schema=False)
signin_router = APIRouter(include_in_schema=False)
"""Open to every browser: where one without the token goes."""

ROLES = ("influencer", "connector", "both", "neither")
FACET_FIELDS = {"platform": "platforms", "tier": "tiers", "language": "languages",
                "role": "role"}
COLUMNS = (
    # (label, sort key or None)
    ("Platform", None), ("Creator", None), ("Tier", None), ("Followers", "followers"),
    ("Engagement vs tier", "er"), ("Relevance", "relevance"), ("Score", "score"),
    ("Role", None), ("Other profiles", None),
)


@lru_cache(maxsize=1)
def tier_order() -> tuple[str, ...]:
    """Tier names smallest first: the default scheme's, then other schemes' (tiers.yaml)."""
    from creatorscout.config import load_tiers

    config = load_tiers()
    schemes = [config.schemes[config.default_scheme], *config.schemes.values()]
    names: dict[str, None] = {}
    for scheme in schemes:
        for name, _ in sorted(scheme.tiers.items(), key=lambda kv: kv[1]):
            names.setdefault(name)
    return (*names, "unknown")


def tier_key(name: str) -> tuple[int, str]:
    order = tier_order()
    return (order.index(name) if name in order else len(order), name)


COUNTS_TTL = 30.0
"""Seconds a count is reused: paging and sorting do not change counts, and a crawl's new
records show up in them within this time."""
_counts: TTLCache[tuple[str, str], Any] = TTLCache(maxsize=512, ttl=COUNTS_TTL)
_counts_lock = threading.Lock()


def _cached(catalog: Catalog, kind: str, query: SearchQuery | None,
            compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered per index, kind and query (its page and sort left out)."""
    shape = "" if query is None else query.model_copy(
        update={"sort": "score", "limit": 1, "offset": 0}).model_dump_json()
    key = (catalog.index_url, f"{kind}:{shape}")
    with _counts_lock:
        if key in _counts:
            return _counts[key]
    value = compute()
    with _counts_lock:
        _counts[key] = value
    return value


def _facets_of(catalog: Catalog, query: SearchQuery) -> dict[str, dict[str, int]]:
    return catalog.search(query).facets


def facet_counts(catalog: Catalog, query: SearchQuery, results: SearchResults
                 ) -> dict[str, list[tuple[str, int]]]:
    """Counts per value of each facet. A facet whose filter is set is counted without that
    filter, so the other values stay visible with what choosing them would give."""
    out: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        field = FACET_FIELDS[facet]
        counts = dict(results.facets.get(facet, {}))
        if getattr(query, field):
            other = without(query, field)
            every: dict[str, dict[str, int]] = _cached(
                catalog, f"facet-{facet}", other, partial(_facets_of, catalog, other))
            counts = dict(every.get(facet, {}))
        if facet == "role":
            # the role filter's meaning: "connector" includes "both" (see SearchQuery)
            counts = {role: sum(counts.get(v, 0)
                                for v in SearchQuery(role=role).role_values())
                      for role in ROLES}
        chosen = getattr(query, field)
        for value in chosen if isinstance(chosen, list) else [chosen] if chosen else []:
            counts.setdefault(value, 0)
        ordered = sorted(counts.items(), key=lambda kv: tier_key(kv[0]) if facet == "tier"
                         else (-kv[1], kv[0]))
        out[facet] = ordered
    return out


def flag_counts(catalog: Catalog, query: SearchQuery) -> dict[str, int]:
    """How many of the query's matches have each flag (the flag filters left out). The
    index has no flag facet, so this is one count per flag: the page asks only when the
    flags are in use or the user opens them."""
    base = query.model_copy(update={"flags": [], "exclude_flags": [], "no_flags": False,
                                    "limit": 1, "offset": 0})

    def compute() -> dict[str, int]:
        return {flag: catalog.search(base.model_copy(update={"flags": [flag]})).total
                for flag in FLAGS}

    counts: dict[str, int] = _cached(catalog, "flags", base, compute)
    return counts


def niche_options(catalog: Catalog) -> list[NicheInfo]:
    options: list[NicheInfo] = _cached(catalog, "niches", None, catalog.niches)
    return options


def pages_of(total: int, offset: int, limit: int) -> list[tuple[int, int, bool]]:
    """(page number, offset, current) for a window of pages around the current one."""
    count = max(1, -(-total // limit))
    current = offset // limit
    window = sorted({0, count - 1, *range(max(0, current - 2), min(count, current + 3))})
    return [(n + 1, n * limit, n == current) for n in window if n * limit <= MAX_OFFSET]


def unavailable(request: Request, exc: Exception) -> HTMLResponse:
    return page(request, "error.html", {
        "title": "The index cannot be read",
        "message": str(exc),
        "fix": "Run a crawl first (Crawls, or `scout crawl NICHE`), or start `scout serve` "
               "with --index pointing at your index.",
    }, status=503)


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    settings = request.app.state.settings
    error = None
    try:
        query = parse(request.query_params, max_limit=settings.max_page_size)
        if query.offset > MAX_OFFSET:
            raise BadQuery(f"offset: at most {MAX_OFFSET}; narrow the search with filters")
    except BadQuery as exc:
        error, query = str(exc), SearchQuery()
    flags_used = bool(query.flags or query.exclude_flags or query.no_flags)
    try:
        results = catalog.search(query)
        facets = facet_counts(catalog, query, results)
        flags = flag_counts(catalog, query) if flags_used else {}
        lists = catalog.lists().all()
        niches = niche_options(catalog)
    except IndexOpenError as exc:
        return unavailable(request, exc)
    return page(request, "search.html", {
        "title": f"Search: {query.text}" if query.text else "Find creators",
        "query": query, "results": results, "facets": facets, "error": error,
        "niches": niches, "lists": lists, "sorts": SORTS, "flags": FLAGS,
        "flag_counts": flags, "flags_used": flags_used,
        "flag_counts_url": "/search/flag-counts?" + urlencode(to_params(query)),
        "page_sizes": PAGE_SIZES, "columns": COLUMNS,
        "pages": pages_of(results.total, query.offset, query.limit),
        "url": lambda **changes: search_url(query, **changes),
    }, status=400 if error else 200)


@router.get("/search/flag-counts", response_model=None)
def flag_counts_route(request: Request, catalog: CatalogDep) -> Response:
    """The flag counts of a search as JSON, for the page's script to fill in when the
    user opens the flags (``{"low_engagement": 12, ...}``)."""
    settings = request.app.state.settings
    try:
        query = parse(request.query_params, max_limit=settings.max_page_size)
        return JSONResponse(flag_counts(catalog, query))
    except BadQuery as exc:
        return JSONResponse({"error": str(exc)}, status_code=400)
    except IndexOpenError as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)


@router.get("/creators/{creator_id:path}", response_class=HTMLResponse)
def creator_page(creator_id: str, request: Request, catalog: CatalogDep) -> HTMLResponse:
    try:
        detail = catalog.creator(creator_id)
    except Ambiguous as exc:
        return page(request, "error.html", {
            "title": "Several creators match", "message": str(exc),
            "fix": "Pick one:", "candidates": exc.candidates}, status=409)
    except NotFound as exc:
        return page(request, "error.html", {
            "title": "No such creator", "message": str(exc),
            "fix": "Search for it by name or handle."}, status=404)
    except IndexOpenError as exc:
        return unavailable(request, exc)
    newest = max(detail.niches, key=lambda n: n.crawl.crawled_at) if detail.niches else None
    scores: list[dict[str, Any]] = []
    for ns in detail.niches:
        known = [p for p in ns.explanation if p.value is not None]
        scores.append({
            "niche": ns,
            "segments": charts.score_segments(ns.explanation),
            "total_points": sum(p.points for p in known),
            "gauge": charts.engagement_gauge(ns.engagement.rate, ns.engagement.benchmark),
        })
    try:
        similar = catalog.similar(detail.id, limit=6)
    except (IndexOpenError, LookupError):
        similar = None  # lookalikes are a bonus; the page stands without them
    return page(request, "creator.html", {
        "title": detail.creator.display_name or detail.creator.handle,
        "d": detail, "c": detail.creator, "scores": scores,
        "posts": [mark_post(p, newest.niche if newest else None) for p in detail.posts],
        "growth": charts.growth_line(detail.growth),
        "similar": similar, "lists": catalog.lists().all(), "statuses": STATUSES,
    })


@router.get("/niches", response_class=HTMLResponse)
def niches_page(request: Request, catalog: CatalogDep) -> HTMLResponse:
    return page(request, "niches.html", {"title": "Niches", "niches": catalog.niches()})


@router.get("/niches/{name}", response_class=HTMLResponse)
def niche_page(name: str, request: Request, catalog: CatalogDep) -> HTMLResponse:
    try:
        info = catalog.niche(name)
        overview = catalog.overview(name)
    except NotFound as exc:
        return page(request, "error.html", {"title": "No such niche", "message": str(exc),
                                            "fix": "Pick one from the list of niches."},
                    status=404)
    except IndexOpenError as exc:
        return unavailable(request, exc)
    tiers = sorted(overview.tiers.items(), key=lambda kv: tier_key(kv[0]))
    cells = sorted(overview.engagement, key=lambda c: (c.platform, tier_key(c.tier)))
    rates = [(f"{c.platform} · {c.tier}", c.median_er) for c in cells if c.median_er is not None]
    return page(request, "niche.html", {
        "title": f"Niche: {info.title}", "info": info, "o": overview,
        "tier_bars": charts.column_bars([(t, float(n)) for t, n in tiers]),
        "er_bars": charts.row_bars([(label, float(v)) for label, v in rates], fmt="{:.2f}%"),
        "language_bars": charts.row_bars(
            [(k, float(v)) for k, v in sorted(overview.languages.items(),
                                              key=lambda kv: -kv[1])[:12]]),
        "cells": cells,
        "search": search_url(SearchQuery(niche=info.name)),
    })


@signin_router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, next: str = "/") -> HTMLResponse:  # noqa: A002
    return page(request, "signin.html", {"title": "Sign in", "next": _local(next)})


@signin_router.post("/signin", dependencies=[Depends(check_csrf)], response_model=None)
def signin(request: Request, token: Annotated[str, Form(max_length=500)],
           next: Annotated[str, Form(max_length=2000)] = "/") -> Response:  # noqa: A002
    if not token_matches(request, token.strip()):
        return page(request, "signin.html", {"title": "Sign in", "next": _local(next),
                                             "error": "That is not the server's token."},
                    status=401)
    response = RedirectResponse(_local(next), status_code=303)
    response.headers.append("set-cookie", cookie_header(
        TOKEN_COOKIE, token_cookie_value(token.strip()), secure=request.url.scheme == "https"))
    return response


def _local(target: str) -> str:
    """Only paths on this server (never ``//other.host`` or ``https://...``)."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"
