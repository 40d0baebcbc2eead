"""Fuzz a plugin's parser with hostile versions of its own saved responses.

The parser contract (:meth:`creatorscout.plugins.Platform.parse`): whatever a server sends,
only :class:`~creatorscout.plugins.platform.MalformedResponse` may escape, and what comes
back can be stored (it serialises to UTF-8 JSON). Real servers break it in known ways: a
value of the wrong type, a missing key, 1,000 levels of nesting, a lone surrogate, a URL
``urlsplit`` refuses, an XML character reference to a surrogate, an undefined entity, a
body cut short. :func:`mutate` applies a few of those to one saved 2xx response, chosen by
a :class:`random.Random`; :func:`check_parse` runs the parser on it and names any breach.

``tests/test_parser_fuzz.py`` drives this with hypothesis over every built-in plugin and
the plugin template; ``scout plugins check --fuzz N`` runs :func:`fuzz_platform` on any
installed plugin with its saved responses.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from creatorscout.plugins.platform import FetchResponse, MalformedResponse, Platform
from creatorscout.testing.saved import Saved

#: Levels of nesting a mutation adds: more than Python's default recursion limit.
DEEP = 1200

HOSTILE_STRINGS: tuple[str, ...] = (
    "", " ", "\ud800", "a\udfffb", "\x00", "\u202e", "http://[::1", "https://", "//",
    "javascript:alert(1)", "http://", "@", "@@", "a@b@c", "did:plc:", "at://", "-1",
    "1e999", "NaN", "0x10", "\u0663\u0664", "2026-13-45T99:99:99Z", "9" * 400, "x" * 5000,
    "&xxe;", "&#xD800;", "<b>bold</b>", "mailto:", "ftp://x", "\\", "%", "%ZZ",
)
HOSTILE_NUMBERS: tuple[Any, ...] = (-1, 0, 2**63, 2**64 + 1, 10**400, 1.5, -0.0, 1e308)
HOSTILE_SHAPES: tuple[Any, ...] = (
    None, True, False, [], {}, [1, "a", None, True, {}], {"": None}, [[]], {"a": {"b": []}},
)
TEXT_SNIPPETS: tuple[bytes, ...] = (
    b"&#xD800;", b"&#0;", b"&#x110000;", b"&xxe;", b"&amp", b"]]>", b"<![CDATA[",
    b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    b"\xed\xa0\x80", b"\xff\xfe", b"\x00", b"http://[::1", b'<a href="http://[::1">x</a>',
    b'<link rel="me" href="javascript:x">', b"<script>", b"</", b"<" * 50,
    b'<img src="http://[::1/">', b"&#55296;", b'<enclosure url="http://[::1"/>',
)


@dataclass(frozen=True)
class Breach:
    """One way a parser broke its contract on one mutated response."""

    kind: str
    """The exception's class name, or ``unserialisable``."""
    detail: str
    saved: str
    """The saved response's name."""
    mutations: tuple[str, ...]


@dataclass
class FuzzReport:
    """What :func:`fuzz_platform` found."""

    platform: str
    runs: int = 0
    breaches: Counter[str] = field(default_factory=Counter)
    examples: dict[str, Breach] = field(default_factory=dict)
    """The first breach of each kind."""

    @property
    def ok(self) -> bool:
        return not self.breaches

    def add(self, breach: Breach) -> None:
        self.breaches[breach.kind] += 1
        self.examples.setdefault(breach.kind, breach)

    def lines(self) -> list[str]:
        """A short report, one line per kind of breach."""
        total = sum(self.breaches.values())
        lines = [f"fuzz: {self.runs} mutated responses, {total} contract breaches"]
        for kind, count in self.breaches.most_common():
            example = self.examples[kind]
            lines.append(f"  {kind} x{count}, e.g. {example.saved} after "
                         f"{'; '.join(example.mutations)}: {example.detail}")
        return lines


# -- mutations ---------------------------------------------------------------------------


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a decoded JSON body (keys and list indexes)."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:20]):  # long lists: their head is enough
            out += _paths(value, (*path, index))
    return out


def _set(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return body


def _get(body: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        body = body[key]
    return body


def _deep(value: Any, levels: int) -> str:
    """``value`` inside ``levels`` lists, as JSON text (``json.dumps`` cannot go that deep)."""
    return "[" * levels + json.dumps(value) + "]" * levels


def _hostile(rng: random.Random) -> Any:
    pool = rng.choice((HOSTILE_STRINGS, HOSTILE_NUMBERS, HOSTILE_SHAPES))
    return copy.deepcopy(rng.choice(pool))


def mutate_json(body: Any, rng: random.Random, count: int) -> tuple[bytes, list[str]]:
    """``body`` (decoded JSON, not changed) with ``count`` hostile changes, as the bytes a
    server would send (lone surrogates as ``\\ud800`` escapes), and their descriptions."""
    body = copy.deepcopy(body)
    done: list[str] = []
    nested: dict[str, str] = {}
    for _ in range(count):
        path = rng.choice(_paths(body))
        where = "/".join(str(part) for part in path) or "(body)"
        action = rng.randrange(5)
        target = _get(body, path)
        if action == 0 and path and isinstance(_get(body, path[:-1]), dict):
            del _get(body, path[:-1])[path[-1]]
            done.append(f"deleted {where}")
        elif action == 1:
            levels = rng.choice((DEEP, 300))
            marker = f"@@nested-{len(nested)}@@"
            nested[json.dumps(marker)] = _deep(target, levels)
            body = _set(body, path, marker)
            done.append(f"nested {where} {levels} levels deep")
        elif action == 2 and isinstance(target, str):
            cut = rng.randrange(len(target) + 1)
            text = rng.choice(HOSTILE_STRINGS[:14])
            body = _set(body, path, target[:cut] + text + target[cut:])
            done.append(f"inserted {text[:20]!r} into {where}")
        else:
            value = _hostile(rng)
            body = _set(body, path, value)
            done.append(f"set {where} to {json.dumps(value)[:40]}")
    text = json.dumps(body)
    for marker, deep in reversed(nested.items()):  # later ones may hold earlier markers
        text = text.replace(marker, deep)
    return text.encode("ascii"), done


def mutate_text(body: bytes, rng: random.Random, count: int) -> tuple[bytes, list[str]]:
    """``body`` (a feed, a page) with ``count`` hostile changes, described."""
    done: list[str] = []
    for _ in range(count):
        action = rng.randrange(4)
        # after a '>' when there is one: inside text and between elements
        ends = [i + 1 for i, byte in enumerate(body) if byte == ord(">")] or [0]
        at = rng.choice(ends) if rng.random() < 0.8 else rng.randrange(len(body) + 1)
        if action == 0 and body:
            cut = rng.randrange(len(body))
            body = body[:cut]
            done.append(f"cut at byte {cut}")
        elif action == 1:
            tag = rng.choice((b"div", b"a", b"item", b"span"))
            body = body[:at] + (b"<" + tag + b">") * DEEP + body[at:]
            done.append(f"{DEEP} nested <{tag.decode()}> at byte {at}")
        else:
            snippet = rng.choice(TEXT_SNIPPETS)
            body = body[:at] + snippet + body[at:]
            done.append(f"inserted {snippet[:30]!r} at byte {at}")
    return body, done


def mutate(saved: Saved, platform: str, rng: random.Random,
           count: int | None = None) -> tuple[FetchResponse, list[str]]:
    """One hostile version of a saved 2xx response, as the plugin would receive it."""
    count = count if count is not None else rng.randint(1, 3)
    response = saved.response(platform)
    if saved.is_json():
        raw, done = mutate_json(saved.body, rng, count)
    else:
        raw, done = mutate_text(response.body, rng, count)
    return response.model_copy(update={"body": raw}), done


# -- the contract ------------------------------------------------------------------------


def check_parse(platform: Platform, response: FetchResponse) -> tuple[str, str] | None:
    """``(kind, detail)`` when ``platform.parse`` breaks its contract on ``response``."""
    try:
        result = platform.parse(response)
    except MalformedResponse:
        return None
    except Exception as exc:  # the breach being looked for
        return type(exc).__name__, " ".join(str(exc).split())[:200]
    try:
        result.model_dump_json().encode("utf-8")
    except Exception as exc:
        return "unserialisable", f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return None


def parseable(saved: Sequence[Saved]) -> list[Saved]:
    """The saved responses a parser sees (2xx; the others go to ``refusal``)."""
    return [item for item in saved if item.ok and item.body is not None]


def fuzz_platform(platform: Platform, saved: Sequence[Saved], runs: int,
                  seed: int = 0) -> FuzzReport:
    """Parse ``runs`` mutated versions of ``saved`` (2xx ones) and count the breaches."""
    report = FuzzReport(platform=platform.name)
    cases = parseable(saved)
    if not cases:
        return report
    rng = random.Random(seed)
    for _ in range(runs):
        item = rng.choice(cases)
        response, done = mutate(item, platform.name, rng)
        report.runs += 1
        breach = check_parse(platform, response)
        if breach is not None:
            report.add(Breach(kind=breach[0], detail=breach[1], saved=item.name,
                              mutations=tuple(done)))
    return report
