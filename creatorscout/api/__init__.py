"""The HTTP API over the index: ``scout serve`` runs :func:`create_app` under uvicorn.

Layout::

    app.py        create_app(index_url, token=None, *, host, ...) -> FastAPI
    service.py    Catalog: search, creator detail, lookalikes, niches, shortlists (no HTTP)
    crawls.py     CrawlManager: crawls as separate processes, their events, clean stops
    routes/       one router per resource, mounted under /api/v1
    schemas.py    response and request models (the OpenAPI schema comes from them)
    errors.py     JSON errors {"error": {"status", "message", "fix"}}; 503 for index errors
    security.py   bearer token, loopback binds, body size limit
    deps.py       FastAPI dependencies: get_catalog, get_crawls, get_settings

Routes: ``/api/v1/health``, ``/creators``, ``/creators/{id}``, ``/creators/{id}/similar``,
``/niches``, ``/niches/{name}``, ``/niches/{name}/overview``, ``/lists`` (CRUD, items,
``.csv``/``.json`` exports), ``/crawls`` (start, status, ``/events`` as SSE, stop),
``/openapi.json`` and ``/docs``.

Mounting the web page (issue 16)
--------------------------------
The page lives in its own package, ``creatorscout.web``; nothing in this package needs to
change for it. :func:`create_app` (with ``web=True``, the default) imports
``creatorscout.web`` when it is installed and calls its ``install(app: FastAPI) -> None``,
after the API routes and middleware are in place. ``install`` adds what the page needs:
``app.include_router(router)`` for pages at ``/``, ``app.mount("/static", StaticFiles(...))``
for its files, its own middleware (CSP, CSRF). Inside page routes:

* ``Depends(get_catalog)`` (``creatorscout.api.deps``) gives the same :class:`Catalog` the
  API uses: ``search(SearchQuery)``, ``creator(ref)``, ``similar(ref, limit=, platform=)``,
  ``niches()``, ``overview(name)``, ``lists()`` (the index's
  :class:`~creatorscout.search.lists.ListStore`), ``shortlist(id)``; ``export_csv`` in
  ``creatorscout.api.service``;
* ``Depends(get_crawls)`` gives the :class:`CrawlManager`: ``start(CrawlStart)``,
  ``get(id)``, ``events(id)`` (the page can also read ``/api/v1/crawls/{id}/events``);
* ``Depends(require_write)`` (``creatorscout.api.security``) on routes that write, so the
  token rules are the API's; ``request.app.state.settings`` is the :class:`ApiSettings`.

The API's exception handlers answer JSON for ``NotFound``, ``ListError``,
``IndexOpenError`` and the rest; a page route that wants an HTML error catches them itself.
"""

from creatorscout.api.app import PREFIX, UnsafeBind, create_app

__all__ = ["PREFIX", "UnsafeBind", "create_app"]
