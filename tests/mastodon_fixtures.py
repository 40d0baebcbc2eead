"""Load the saved Mastodon responses in tests/fixtures/mastodon as FetchResponses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from creatorscout.plugins.mastodon import Mastodon
from creatorscout.plugins.platform import FetchRequest, FetchResponse, PlatformSettings

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def response(name: str, purpose: str = "discover", **request: Any) -> FetchResponse:
    data = fixture(name)
    body = data["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    fetch = FetchRequest(url=data["url"], platform="mastodon", purpose=purpose, **request)
    headers = {k.lower(): str(v) for k, v in data.get("headers", {}).items()}
    return FetchResponse(url=data["url"], status=data["status"], headers=headers, body=raw,
                         request=fetch)


def platform(**options: Any) -> Mastodon:
    return Mastodon(PlatformSettings(options=options))
