"""Load the saved GitHub responses in tests/fixtures/github as FetchResponses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from creatorscout.plugins.github import GitHub
from creatorscout.plugins.platform import FetchRequest, FetchResponse, PlatformSettings

FIXTURES = Path(__file__).parent / "fixtures" / "github"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def response(name: str, purpose: str = "discover", **request: Any) -> FetchResponse:
    data = fixture(name)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    fetch = FetchRequest(url=data["url"], platform="github", purpose=purpose, **request)
    headers = {k.lower(): str(v) for k, v in data.get("headers", {}).items()}
    return FetchResponse(url=data["url"], status=data["status"], headers=headers, body=raw,
                         request=fetch)


def platform(max_posts: int = 40, discovery_pages: int = 3, **options: Any) -> GitHub:
    return GitHub(PlatformSettings(max_posts=max_posts, discovery_pages=discovery_pages,
                                   options=options or {"enabled": True}))
