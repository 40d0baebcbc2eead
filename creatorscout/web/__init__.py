"""The web page: find creators, see why they score as they do, keep shortlists, run crawls.

Served by ``scout serve`` at ``/`` next to the JSON API (:func:`creatorscout.api.create_app`
calls :func:`install`). Server-rendered Jinja2 templates over the API's service layer; a
small script (``static/app.js``) only adds comfort: plain searching, shortlists and crawls
all work without JavaScript. Charts are SVG drawn on the server. Nothing comes from a CDN.

Layout::

    pages.py        search (filters with facet counts), creator, niches, sign-in
    shortlists.py   create, add, note and status, remove, CSV export
    crawl_pages.py  start a crawl, follow it live (SSE), summary, stop
    query.py        the search URL <-> SearchQuery
    charts.py       SVG geometry (score bars, histograms, engagement gauge, growth line)
    marks.py        niche words and sponsored markers in posts (as scoring finds them)
    security.py     CSP and other headers, CSRF tokens, the token as a sign-in cookie
    render.py       the Jinja2 environment (autoescape everywhere) and its filters
    templates/, static/  shipped as package data
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).parent


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their middleware to the API's ``app``."""
    from urllib.parse import quote

    from creatorscout.web import crawl_pages, pages, shortlists
    from creatorscout.web.render import page
    from creatorscout.web.security import PageHeaders, PageRefused, SignInNeeded

    for module in (pages, shortlists, crawl_pages):
        app.include_router(module.router)
    app.include_router(pages.signin_router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(PageHeaders)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageRefused)
        return page(request, "error.html", {"title": "Not done", "message": exc.message,
                                            "fix": ""}, status=exc.status)

    async def sign_in(request: Request, exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"  # a form sent without the token: sign in, then send it again
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    app.add_exception_handler(PageRefused, refused)
    app.add_exception_handler(SignInNeeded, sign_in)
    _pages_answer_html(app)


def _pages_answer_html(app: FastAPI) -> None:
    """Unknown paths and malformed forms outside ``/api/`` get a page, not the API's JSON;
    the API's own handlers still answer everything under ``/api/``."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    from creatorscout.web.render import page

    for kind in (HTTPException, RequestValidationError):
        api_handler = app.exception_handlers.get(kind)
        if api_handler is None:
            continue

        async def handler(request: Request, exc: Exception, api_handler: Any = api_handler
                          ) -> Response:
            if request.url.path.startswith("/api/"):
                answer: Response = await api_handler(request, exc)
                return answer
            if isinstance(exc, HTTPException):
                status = exc.status_code
                message = "There is no such page." if status == 404 else str(exc.detail)
            else:
                status, message = 422, "The form was not complete or had a wrong value."
            return page(request, "error.html", {
                "title": "Not found" if status == 404 else "Not done", "message": message,
                "fix": "Use the links above, or go back and send the form from the page."},
                status=status)

        app.add_exception_handler(kind, handler)
