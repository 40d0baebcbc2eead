"""``scout parse``: run the plugins' parsers on a saved response, print JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.platform import FetchRequest, FetchResponse, Platform


def _pick_platform(url: str, name: str | None) -> Platform:
    host = get_plugin_manager()
    if name:
        return host.platform(name)()
    for cls in host.platforms().values():
        platform = cls()
        if platform.owns_url(url):
            return platform
    raise ValueError(f"no installed plugin recognises {url}; name one with --platform")


def load_saved(file: Path) -> tuple[bytes, dict[str, str], int | None]:
    """A saved response: a raw body, or our fixture format ``{"url","status","headers","body"}``."""
    raw = file.read_bytes()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return raw, {}, None
    if isinstance(data, dict) and {"status", "body"} <= data.keys():
        body = data["body"]
        encoded = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {k.lower(): str(v) for k, v in (data.get("headers") or {}).items()}
        return encoded, headers, int(data["status"])
    return raw, {}, None


def parse_saved_response(
    file: Path, url: str, platform_name: str | None, status: int = 200
) -> Iterator[str]:
    platform = _pick_platform(url, platform_name)
    body, headers, saved_status = load_saved(file)
    request = FetchRequest(url=url, platform=platform.name, purpose="discover")
    response = FetchResponse(
        url=url, status=saved_status or status, headers=headers, body=body, request=request
    )
    refusal = platform.refusal(response)
    if refusal is not None:
        yield json.dumps({"type": "refusal", **refusal.model_dump(mode="json")})
        return
    result = platform.parse(response)
    for creator in result.creators:
        yield json.dumps({"type": "creator", **creator.model_dump(mode="json")}, ensure_ascii=False)
    for candidate in result.candidates:
        kind = "creator" if candidate.creator is not None else "candidate"
        yield json.dumps({"type": kind, **candidate.model_dump(mode="json")}, ensure_ascii=False)
    for post in result.posts:
        yield json.dumps({"type": "post", **post.model_dump(mode="json")}, ensure_ascii=False)
        for mention in post.mentions:
            yield json.dumps({"type": "mention", "from": post.creator_id,
                              **mention.model_dump(mode="json")}, ensure_ascii=False)
    for follow in result.requests:
        yield json.dumps({"type": "request", "url": follow.url, "purpose": follow.purpose})
    for skip in result.skipped:
        yield json.dumps({"type": "skipped", **skip.model_dump()}, ensure_ascii=False)
    if result.malformed:
        yield json.dumps({"type": "malformed", "count": result.malformed})
