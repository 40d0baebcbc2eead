"""Load the saved PeerTube responses in tests/fixtures/peertube as FetchResponses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from creatorscout.plugins.peertube import PeerTube
from creatorscout.plugins.platform import FetchRequest, FetchResponse, PlatformSettings

FIXTURES = Path(__file__).parent / "fixtures" / "peertube"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def response(name: str, purpose: str = "discover", **request: Any) -> FetchResponse:
    data = fixture(name)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    fetch = FetchRequest(url=data["url"], platform="peertube", purpose=purpose, **request)
    headers = {k.lower(): str(v) for k, v in data.get("headers", {}).items()}
    return FetchResponse(url=data["url"], status=data["status"], headers=headers, body=raw,
                         request=fetch)


def platform(max_posts: int = 40, discovery_pages: int = 3, **options: Any) -> PeerTube:
    return PeerTube(PlatformSettings(max_posts=max_posts, discovery_pages=discovery_pages,
                                     options=options))
