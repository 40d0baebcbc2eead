"""Templates: Jinja2 with autoescaping on everything, and the filters the pages share."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

from creatorscout.web.security import CSRF_FIELD, csrf_token

HERE = Path(__file__).parent


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None: a ``javascript:`` or
    ``data:`` link from a profile must never become a link on the page."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        return None
    return url


def number(value: object, digits: int = 0) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}"
    return str(value)


def percent(value: object, digits: int = 1) -> str:
    return "unknown" if value is None else f"{float(value):.{digits}f}%"  # type: ignore[arg-type]


def when(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC") if value.tzinfo else value.isoformat()
    return "unknown" if value is None else str(value)


def creator_path(creator_id: str) -> str:
    """The creator page's path; ids hold ``:`` and handles may hold anything."""
    return "/creators/" + quote(creator_id, safe=":@")


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(("html", "svg", "xml"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(safe_url=safe_url, num=number, pct=percent, when=when,
                       creator_path=creator_path)
    env.globals.update(CSRF_FIELD=CSRF_FIELD)
    return env


templates = Jinja2Templates(env=_environment())


def page(request: Request, name: str, context: dict[str, Any], status: int = 200
         ) -> HTMLResponse:
    """Render ``name`` with the CSRF token and the token rules the layout needs."""
    guard = request.app.state.guard
    context = {"csrf": csrf_token(request), "token_set": guard.token is not None,
               **context}
    response: HTMLResponse = templates.TemplateResponse(request, name, context,
                                                        status_code=status)
    return response
