"""``scout parse``: run the plugins' parsers on a saved response, print JSON lines.

The file is a raw body, or the saved-response format the test kit uses
(:mod:`creatorscout.testing.saved`): its own ``url`` and ``request`` (purpose, creator,
context) are used when present, so a saved posts page is parsed as a posts page.

Which plugin parses it: the one named with ``--platform``, or every installed plugin that
claims the URL (:meth:`Platform.owns_url`); when several do (``/api/v1/accounts/NAME`` is
Mastodon's and PeerTube's), the first that reads the body without calling it malformed.
Catch-all plugins (web pages) are tried only when no other plugin claims the URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from creatorscout.cli.common import validation_message
from creatorscout.plugins.manager import PluginError, get_plugin_manager
from creatorscout.plugins.platform import (
    FetchResponse,
    MalformedResponse,
    OptionsError,
    ParseResult,
    Platform,
    PlatformSettings,
    Refusal,
)
from creatorscout.testing.saved import Saved


class ParseUsageError(ValueError):
    """A mistake in the command or the saved file (exit 2); the message says what to fix."""


@dataclass
class Parsed:
    """What one plugin made of the response."""

    platform: Platform
    refusal: Refusal | None = None
    result: ParseResult | None = None


def parse_options(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs as plugin options; values are YAML (``instances=[a.example]``)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParseUsageError(f"--option '{pair}': write it as KEY=VALUE")
        try:
            options[key.strip()] = yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            options[key.strip()] = value
    return options


def load_saved_file(file: Path, url: str | None, status: int | None) -> Saved:
    """The response in ``file``: the saved-response format (its URL and request kept, the
    ``--url``/``--status`` given override them), or a raw body for ``url``."""
    raw = file.read_bytes()
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if isinstance(data, dict) and {"status", "body"} <= data.keys():
        try:
            saved = Saved.model_validate({k: v for k, v in data.items() if k != "name"})
        except ValidationError as exc:
            raise ParseUsageError(f"{file}: not a saved response: {validation_message(exc)}") \
                from None
        changes: dict[str, Any] = {}
        if url:
            changes["url"] = url
        if status is not None:
            changes["status"] = status
        return saved.model_copy(update=changes)
    if not url:
        raise ParseUsageError(f"{file} is a raw body: say where it came from with --url")
    return Saved(url=url, status=status or 200, body=raw.decode("utf-8", "replace"))


def _platforms(url: str, name: str | None, options: Mapping[str, Any]) -> list[Platform]:
    host = get_plugin_manager()
    settings = PlatformSettings(options=dict(options))
    if name:
        try:
            cls = host.platform(name)
        except PluginError as exc:
            raise ParseUsageError(str(exc)) from None
        try:
            return [cls(settings)]
        except OptionsError as exc:
            raise ParseUsageError(f"--option {exc}") from None
    if options:
        raise ParseUsageError("--option needs --platform: name the plugin the options are for")
    owners = [platform for platform in (cls() for cls in host.platforms().values())
              if platform.owns_url(url)]
    specific = [p for p in owners if not p.catch_all]
    return specific or [p for p in owners if p.catch_all]


def _parse_with(platform: Platform, saved: Saved) -> Parsed:
    response: FetchResponse = saved.response(platform.name)
    refusal = platform.refusal(response)
    if refusal is not None:
        return Parsed(platform, refusal=refusal)
    return Parsed(platform, result=platform.parse(response))


def parse_saved(
    file: Path, url: str | None = None, platform_name: str | None = None,
    status: int | None = None, options: Mapping[str, Any] | None = None,
) -> Parsed:
    """Parse the saved response with the right plugin (see the module doc)."""
    saved = load_saved_file(file, url, status)
    candidates = _platforms(saved.url, platform_name, options or {})
    if not candidates:
        raise ParseUsageError(f"no installed plugin recognises {saved.url}; name one with "
                              "--platform (see `scout plugins list`)")
    attempts: list[Parsed] = []
    problems: list[str] = []
    for platform in candidates:
        try:
            attempts.append(_parse_with(platform, saved))
        except MalformedResponse as exc:
            problems.append(f"{platform.name}: {exc}")
    if not attempts:
        if all(p.catch_all for p in candidates) and platform_name is None:
            raise ParseUsageError(
                f"no installed plugin recognises {saved.url} ({'; '.join(problems)}); name "
                "one with --platform (see `scout plugins list`)")
        raise ParseUsageError(f"malformed response: {'; '.join(problems)}")
    # Two claimants: the one that found the most and called the least malformed.
    return min(attempts, key=lambda p: (
        p.result.malformed if p.result else 0, -_found(p.result)))


def _found(result: ParseResult | None) -> int:
    if result is None:
        return 0
    return len(result.creators) + len(result.candidates) + len(result.posts)


def json_lines(parsed: Parsed) -> Iterator[str]:
    """The parse as JSON lines: creators, candidates, posts, mentions, requests, skips."""
    if parsed.refusal is not None:
        yield json.dumps({"type": "refusal", "platform": parsed.platform.name,
                          **parsed.refusal.model_dump(mode="json")})
        return
    result = parsed.result
    assert result is not None
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
        yield json.dumps({"type": "request", "url": follow.url, "purpose": follow.purpose,
                          "method": follow.method})
    for skip in result.skipped:
        yield json.dumps({"type": "skipped", **skip.model_dump()}, ensure_ascii=False)
    if result.malformed:
        yield json.dumps({"type": "malformed", "count": result.malformed})


def parse_saved_response(
    file: Path, url: str | None, platform_name: str | None, status: int | None = None,
    options: Mapping[str, Any] | None = None,
) -> Iterator[str]:
    """:func:`parse_saved` as JSON lines."""
    yield from json_lines(parse_saved(file, url, platform_name, status, options))
