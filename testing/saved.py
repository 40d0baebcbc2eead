"""Saved responses: the fixture format plugin tests, ``scout parse`` and the replay server share.

One JSON file holds one HTTP response::

    {"url": "https://lemmy.example/api/v3/user?username=alice",   # the request URL
     "status": 200,
     "headers": {"Content-Type": "application/json"},
     "body": {...} | "raw text",       # decoded JSON, or a string holding a non-JSON body
     "notes": "what this response covers and which doc it follows",
     "method": "GET",                  # optional, GET by default
     "request": {"purpose": "posts", "creator_id": "...", "context": {...}}}   # optional

``request`` says how the crawler would have asked for the response (the
:class:`~creatorscout.plugins.FetchRequest` fields other than the URL); without it a
response is parsed as a ``discover`` request, as ``scout parse`` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from creatorscout.plugins.platform import FetchRequest, FetchResponse, Purpose


class SavedRequest(BaseModel):
    """How the crawler asked for a saved response (all optional)."""

    model_config = ConfigDict(extra="forbid")

    purpose: Purpose = "discover"
    depth: int = 0
    creator_id: str | None = None
    context: dict[str, Any] = Field(default_factory=dict)


class Saved(BaseModel):
    """One saved HTTP response."""

    model_config = ConfigDict(extra="forbid")

    url: str
    status: int = 200
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    notes: str = ""
    method: str = "GET"
    request: SavedRequest = Field(default_factory=SavedRequest)
    name: str = Field(default="", description="The file name without .json (set on load)")

    @property
    def ok(self) -> bool:
        """A 2xx response."""
        return 200 <= self.status < 300

    def body_bytes(self) -> bytes:
        """The body as sent on the wire: JSON re-encoded, or the raw text."""
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")

    def is_json(self) -> bool:
        return not isinstance(self.body, str) and self.body is not None

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def at(self, url: str, **changes: Any) -> Saved:
        """The same response saved under another URL (and other fields changed)."""
        return self.model_copy(update={"url": url, **changes}, deep=True)

    def fetch_request(self, platform: str, url: str | None = None) -> FetchRequest:
        """The :class:`FetchRequest` the crawler would have made for this response."""
        return FetchRequest(
            url=url or self.url,
            platform=platform,
            purpose=self.request.purpose,
            depth=self.request.depth,
            creator_id=self.request.creator_id,
            context=dict(self.request.context),
        )

    def response(self, platform: str, url: str | None = None, body: Any = ...) -> FetchResponse:
        """This saved response as the plugin sees it (header names lower-case).

        ``url`` replays it under another address (a local server); ``body`` replaces the
        body (a mutation in the contract tests).
        """
        saved = self if body is ... else self.model_copy(update={"body": body})
        request = self.fetch_request(platform, url)
        return FetchResponse(
            url=request.url,
            status=self.status,
            headers={k.lower(): str(v) for k, v in self.headers.items()},
            body=saved.body_bytes(),
            request=request,
        )


def load_saved(path: Path) -> Saved:
    """One saved response; a broken file raises ``ValueError`` naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = Saved.model_validate({k: v for k, v in data.items() if k != "name"})
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a saved response ({exc})") from exc
    return saved.model_copy(update={"name": path.stem})


def load_folder(folder: Path) -> list[Saved]:
    """Every ``*.json`` saved response in ``folder`` (not recursive), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder of saved responses")
    return [load_saved(path) for path in sorted(folder.glob("*.json"))]


def by_name(saved: Iterable[Saved]) -> dict[str, Saved]:
    return {item.name: item for item in saved}


def local_url(url: str, server: str) -> str:
    """A live URL as the replay server at ``server`` serves it: the host becomes the
    first path segment (``https://a.example/x?q`` -> ``http://127.0.0.1:P/a.example/x?q``)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{server.rstrip('/')}/{parts.netloc}{parts.path}{query}"


def local_base_url(template: str, server: str) -> str:
    """A platform's base-URL template pointed at the replay server, in the same layout as
    :func:`local_url`: ``https://{instance}`` -> ``http://127.0.0.1:P/{instance}`` and
    ``https://api.example/v2`` -> ``http://127.0.0.1:P/api.example/v2``."""
    rest = template.split("://", 1)[-1]
    return f"{server.rstrip('/')}/{rest}"
