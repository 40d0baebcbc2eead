"""The app factory: :func:`create_app` builds the ASGI app ``scout serve`` runs."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse

from creatorscout import __version__
from creatorscout.api.crawls import CrawlManager
from creatorscout.api.deps import MAX_PAGE_SIZE, ApiSettings
from creatorscout.api.errors import ERROR_RESPONSES, install_error_handlers
from creatorscout.api.routes import crawls, creators, health, lists, niches
from creatorscout.api.security import (
    MAX_BODY_BYTES,
    TOKEN_ENV,
    BodyLimit,
    Guard,
    cors_kwargs,
    is_loopback,
    require_read,
)
from creatorscout.api.service import READERS, Catalog

log = logging.getLogger("creatorscout.api")

PREFIX = "/api/v1"
WEB_MODULE = "creatorscout.web"


class UnsafeBind(ValueError):
    """A non-loopback bind without a token."""


def create_app(
    index_url: str | None = None,
    token: str | None = None,
    *,
    host: str = "127.0.0.1",
    cors_origins: list[str] | tuple[str, ...] = (),
    max_page_size: int = MAX_PAGE_SIZE,
    max_body_bytes: int = MAX_BODY_BYTES,
    crawl_base_urls: dict[str, str] | None = None,
    allow_private_hosts: bool = False,
    max_crawls: int = 2,
    progress_interval: float = 1.0,
    readers: int = READERS,
    web: bool = True,
) -> FastAPI:
    """The API over the index ``index_url`` (None: ``$CREATORSCOUT_INDEX`` or
    ./creatorscout.db), for a server bound to ``host``.

    ``token``: when set, write routes need ``Authorization: Bearer <token>``, and every
    route does when ``host`` is not a loopback address. A non-loopback ``host`` without a
    token raises :class:`UnsafeBind`. ``crawl_base_urls`` / ``allow_private_hosts`` are
    what ``scout crawl --base-url`` / ``--allow-private-hosts`` are, for the crawls
    started over HTTP (server settings, never request fields). ``readers``: connections
    to an embedded index (queries on different ones run side by side). ``web``: mount the web
    page when :mod:`creatorscout.web` is installed (see :mod:`creatorscout.api`).
    """
    if not is_loopback(host) and not token:
        raise UnsafeBind(
            f"serving on {host} lets other machines in: set {TOKEN_ENV} to a secret token, "
            "or bind 127.0.0.1"
        )
    catalog = Catalog(index_url, readers=readers)
    manager = CrawlManager(
        catalog.index_url, base_urls=crawl_base_urls, allow_private_hosts=allow_private_hosts,
        max_running=max_crawls, progress_interval=progress_interval,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        manager.shutdown()
        catalog.close()

    app = FastAPI(
        title="creatorscout API",
        version=__version__,
        description=(
            "Search the creators a crawl indexed, see why each scores as it does, find "
            "lookalikes, keep shortlists and start crawls. Errors are JSON: "
            "`{\"error\": {\"status\", \"message\", \"fix\"}}`."
        ),
        openapi_url=None,  # served by the API router below, behind the same token rules
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.catalog = catalog
    app.state.crawls = manager
    app.state.guard = Guard(token, reads=not is_loopback(host))
    app.state.settings = ApiSettings(
        index_url=catalog.index_url, host=host, token_set=bool(token),
        max_page_size=max_page_size, max_body_bytes=max_body_bytes,
        cors_origins=tuple(cors_origins),
    )
    install_error_handlers(app)

    api = APIRouter(prefix=PREFIX, dependencies=[Depends(require_read)],
                    responses=ERROR_RESPONSES)
    for module in (health, creators, niches, lists, crawls):
        api.include_router(module.router)
    _add_docs(app, api)
    app.include_router(api)

    if cors_origins:
        app.add_middleware(CORSMiddleware, **cors_kwargs(list(cors_origins)))
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    if web:
        _install_web(app)
    return app


def _add_docs(app: FastAPI, api: APIRouter) -> None:
    """Swagger UI at /api/v1/docs, its files served from the installed swagger-ui-bundle
    package (nothing from a CDN: the docs work offline; the files are public anyway)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    @api.get("/openapi.json", include_in_schema=False)
    def openapi(request: Request) -> JSONResponse:
        return JSONResponse(request.app.openapi())

    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:  # pragma: no cover - a dependency; docs are optional
        return

    @api.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{PREFIX}/openapi.json", title="creatorscout API",
            swagger_js_url=f"{PREFIX}/docs/static/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/docs/static/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/docs/static/favicon-32x32.png",
        )

    app.mount(f"{PREFIX}/docs/static", StaticFiles(directory=str(Path(swagger_ui_path))),
              name="swagger-ui")


def _install_web(app: FastAPI) -> None:
    """Let the web page (a separate package) add its routes: see :mod:`creatorscout.api`."""
    try:
        web = importlib.import_module(WEB_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != WEB_MODULE:
            raise
        return
    install = getattr(web, "install", None)
    if callable(install):
        install(app)
