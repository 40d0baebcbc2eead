"""JSON errors: one sentence saying what went wrong and one saying how to fix it.

Every error the API answers has the body ``{"error": {"status", "message", "fix"}}`` and
never a traceback. Index failures (file missing, cluster down, disk full) are 503 with the
cause; anything unexpected is a 500 whose details go to the server log only.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from creatorscout.api.service import Ambiguous, NotFound
from creatorscout.search.backend import IndexOpenError
from creatorscout.search.filter_check import UnknownFilter
from creatorscout.search.lists import ListError, ListNameTaken, ListNotFound

log = logging.getLogger("creatorscout.api")


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: int = Field(description="The HTTP status, repeated for clients that lose it")
    message: str = Field(description="What went wrong, in one sentence")
    fix: str = Field(description="What to do about it")


class ErrorBody(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"error": {
            "status": 404, "message": "no creator 'mastodon:nobody@example.social'",
            "fix": "search for it with GET /api/v1/creators?text=...",
        }}]},
    )

    error: ErrorDetail


class ApiError(Exception):
    """An error with a status, a message and the fix; rendered as :class:`ErrorBody`."""

    def __init__(self, status: int, message: str, fix: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fix = fix
        self.headers = headers


def error_response(status: int, message: str, fix: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(status=status, message=message, fix=fix))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in (
        (400, "The body is not valid JSON"),
        (401, "A token is set and the request has no valid `Authorization: Bearer` header"),
        (404, "Not found"),
        (409, "A conflict: a list name in use, a handle naming several creators, too many "
              "crawls running"),
        (413, "The request body is too large"),
        (422, "A parameter or body field is invalid; the message names it and the fix "
              "lists the valid values"),
        (503, "The index cannot be read or written (missing file, cluster down)"),
    )
}
"""Error responses documented on every route of the OpenAPI schema."""


_BOUNDS = (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<"))


def _validation_fix(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    expected = ctx.get("expected")
    if expected:
        return f"use one of {expected}"
    for key, sign in _BOUNDS:
        if key in ctx:
            return f"use a value {sign} {ctx[key]}"
    if "max_length" in ctx:
        return f"send at most {ctx['max_length']} characters or items"
    if "min_length" in ctx:
        return f"send at least {ctx['min_length']} character(s) or item(s)"
    if error.get("type") == "extra_forbidden":
        return "remove it; /api/v1/docs lists the parameters each route takes"
    return "correct the value; /api/v1/docs describes every parameter"


def validation_error(errors: list[dict[str, Any]] | list[Any]) -> JSONResponse:
    """422 for the first invalid parameter: ``where: what is wrong``, with the fix."""
    first = dict(errors[0]) if errors else {"loc": (), "msg": "invalid request"}
    loc = [str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path")]
    where = ".".join(loc) or "request"
    message = f"{where}: {str(first.get('msg', 'invalid')).removeprefix('Value error, ')}"
    return error_response(422, message, _validation_fix(first))


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first
    route's, and FastAPI makes one route per method)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if match != Match.NONE and route_methods:
            methods |= set(route_methods)
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """Turn every exception into a JSON error (no tracebacks)."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.fix, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error(list(exc.errors()))

    @app.exception_handler(ValidationError)
    async def _invalid_model(_: Request, exc: ValidationError) -> JSONResponse:
        return validation_error(list(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        fixes = {
            400: "send a JSON body in UTF-8 (Content-Type: application/json)",
            404: "check the path; /api/v1/docs lists the routes",
            405: "check the method; /api/v1/docs lists what each route accepts",
        }
        message = str(exc.detail) if exc.detail else "error"
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return error_response(exc.status_code, message,
                              fixes.get(exc.status_code, "see /api/v1/docs"), headers or None)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return error_response(404, str(exc), "search with GET /api/v1/creators?text=... "
                              "and use a creator id from the hits")

    @app.exception_handler(Ambiguous)
    async def _ambiguous(_: Request, exc: Ambiguous) -> JSONResponse:
        return error_response(409, str(exc), "use the full creator id (platform:id)")

    @app.exception_handler(ListNotFound)
    async def _no_list(_: Request, exc: ListNotFound) -> JSONResponse:
        return error_response(404, str(exc), "GET /api/v1/lists lists them")

    @app.exception_handler(ListNameTaken)
    async def _taken(_: Request, exc: ListNameTaken) -> JSONResponse:
        return error_response(409, str(exc), "pick another name, or PATCH the existing list")

    @app.exception_handler(UnknownFilter)
    async def _filter(_: Request, exc: UnknownFilter) -> JSONResponse:
        return error_response(422, f"{exc.field}={exc.value}: {exc.problem}",
                              f"use one of the values listed for {exc.field}")

    @app.exception_handler(ListError)
    async def _list(_: Request, exc: ListError) -> JSONResponse:
        return error_response(422, str(exc), "correct the value and send it again")

    @app.exception_handler(IndexOpenError)
    async def _index(_: Request, exc: IndexOpenError) -> JSONResponse:
        return error_response(503, f"the index is unavailable: {exc}",
                              "fix the index (see the message) and retry; "
                              "GET /api/v1/health shows its state")

    @app.exception_handler(sqlite3.Error)
    async def _sqlite(_: Request, exc: sqlite3.Error) -> JSONResponse:
        return error_response(503, f"the index could not be read: {exc}",
                              "retry; if it persists, check the index file and disk "
                              "(`scout index stats`)")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error; the details are in the server log",
                              "retry; report it with the server log if it persists")
