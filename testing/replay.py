"""A replay server: saved responses served over real HTTP on 127.0.0.1.

Responses are keyed by method, path and query (the query as a sorted list of pairs, so
parameter order does not matter). A live URL ``https://lemmy.example/api/v3/user?x=1`` is
served at ``http://127.0.0.1:PORT/lemmy.example/api/v3/user?x=1``: the host becomes the
first path segment, so one server can play many hosts (federated instances) and a plugin is
pointed at it with an ordinary base-URL override (:meth:`ReplayServer.base_url`).

What it does to make saved responses behave like live ones:

* ``Link`` and ``Location`` headers that point at a live host are rewritten to this server,
  so pagination by ``Link`` header walks the saved pages;
* rate-limit reset headers (``X-RateLimit-Reset``, ``RateLimit-Reset``) that are absolute
  times move with the clock: a reset saved 3 minutes after the response's ``Date`` is
  served as 3 minutes from now (a saved reset in the past would make a crawler wait for
  nothing, one far in the future would make it wait for ever);
* several responses saved under one key are served in order, the last one repeating (a
  429 and then a 200);
* a response added with ``any_query=True`` answers its path whatever the query (a page
  that always says "there is a next page": pagination must still stop);
* anything else gets the ``fallback`` response, by default a 404 naming the missing key.

Every request is recorded in :attr:`ReplayServer.hits`, with whether a saved response
answered it. The server binds port 0 (no port races) and runs in a daemon thread.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from creatorscout.testing.saved import Saved, local_base_url, local_url

Key = tuple[str, str, tuple[tuple[str, str], ...]]

_LIVE_URL = re.compile(r"(?P<scheme>https?)://(?P<host>[^/\s>;,\"']+)")
_RESET_HEADERS = ("x-ratelimit-reset", "ratelimit-reset")
_HOP_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "connection"}


def key_of(method: str, url_or_path: str) -> Key:
    """The lookup key of a request: method, path, sorted query pairs."""
    parts = urlsplit(url_or_path)
    path = parts.path or "/"
    if parts.netloc:  # a live URL: the host becomes the first path segment
        path = f"/{parts.netloc}{path}"
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return method.upper(), path, query


@dataclass
class Hit:
    """One request the server answered."""

    method: str
    path: str
    status: int
    matched: bool


class ReplayServer:
    """Serve saved responses on ``127.0.0.1:0``; use as a context manager."""

    def __init__(self, responses: list[Saved] | None = None, *, fallback: Saved | None = None):
        self._exact: dict[Key, list[Saved]] = defaultdict(list)
        self._any_query: dict[tuple[str, str], list[Saved]] = defaultdict(list)
        self._served: dict[Any, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.fallback = fallback
        self.hits: list[Hit] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for saved in responses or []:
            self.add(saved)

    # -- what to serve ---------------------------------------------------------------------

    def add(self, saved: Saved, *, any_query: bool = False) -> ReplayServer:
        """Serve ``saved`` at its URL (its path, whatever the query, with ``any_query``)."""
        method, path, query = key_of(saved.method, saved.url)
        with self._lock:
            if any_query:
                self._any_query[(method, path)].append(saved)
            else:
                self._exact[(method, path, query)].append(saved)
        return self

    def _pick(self, method: str, target: str) -> Saved | None:
        key = key_of(method, target)
        with self._lock:
            for lookup, queue in ((key, self._exact.get(key)),
                                  (key[:2], self._any_query.get(key[:2]))):
                if queue:
                    index = min(self._served[lookup], len(queue) - 1)
                    self._served[lookup] += 1
                    return queue[index]
        return None

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the server must be started)."""
        if self._httpd is None:
            raise RuntimeError("the replay server is not started; use it as a context manager")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def local(self, live_url: str) -> str:
        """Where this server serves ``live_url``."""
        return local_url(live_url, self.url)

    def base_url(self, template: str) -> str:
        """A platform's base-URL template pointed at this server (for ``--base-url``)."""
        return local_base_url(template, self.url)

    @property
    def misses(self) -> list[Hit]:
        """Requests no saved response answered."""
        return [hit for hit in self.hits if not hit.matched]

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> ReplayServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                # Read the request's body even though no answer depends on it: left in the
                # kept-alive connection it would be read as the next request's first line
                # (a POST sign-in followed by a GET on the same connection: 501).
                length = int(self.headers.get("Content-Length") or 0)
                if length > 0:
                    self.rfile.read(length)
                saved = server._pick(self.command, self.path)
                matched = saved is not None
                if saved is None:
                    saved = server.fallback or Saved(
                        url=self.path, status=404,
                        body={"error": f"replay: nothing saved for {self.command} {self.path}"},
                    )
                status, headers, body = server._render(saved)
                with server._lock:
                    server.hits.append(Hit(self.command, self.path, status, matched))
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return  # quiet: tests read `hits` instead

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="replay-server", daemon=True,
            # stop() waits for the loop to notice: poll often, tests start many servers
            kwargs={"poll_interval": 0.02},
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- rendering -------------------------------------------------------------------------

    def _render(self, saved: Saved) -> tuple[int, list[tuple[str, str]], bytes]:
        now = datetime.now(UTC)
        saved_date = _http_date(saved.header("date"))
        headers: list[tuple[str, str]] = []
        for name, value in saved.headers.items():
            lower = name.lower()
            if lower in _HOP_HEADERS or lower == "date":
                continue
            if lower in ("link", "location"):
                value = _LIVE_URL.sub(lambda m: f"{self.url}/{m.group('host')}", value)
            elif lower in _RESET_HEADERS and saved_date is not None:
                value = _shift_reset(value, saved_date, now)
            headers.append((name, value))
        headers.append(("Date", format_datetime(now, usegmt=True)))
        if saved.is_json() and saved.header("content-type") is None:
            headers.append(("Content-Type", "application/json; charset=utf-8"))
        return saved.status, headers, saved.body_bytes()


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _shift_reset(value: str, saved_date: datetime, now: datetime) -> str:
    """An absolute reset time, moved so it is as far from now as it was from the saved
    response's ``Date``. Relative resets (small numbers of seconds) are left alone."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return value
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        moved = now + (when - saved_date)
        return moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if number < 1_000_000_000:  # seconds until the reset: already relative
        return value
    moved = now + (datetime.fromtimestamp(number, UTC) - saved_date)
    return str(int(moved.timestamp()))
