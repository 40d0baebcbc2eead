"""The sandbox HTTP server: platform dialects over one world, on 127.0.0.1.

URL layout (``BASE`` is ``http://127.0.0.1:PORT``)::

    BASE/                                  what is served here (JSON)
    BASE/robots.txt                        robots rules for the whole sandbox
    BASE/mastodon/{server}/api/v1/...      the Mastodon API of each fake server
    BASE/mastodon/{server}/robots.txt      that server's own robots.txt
    BASE/bluesky/xrpc/{nsid}               the Bluesky AppView (public.api.bsky.app)
    BASE/peertube/{host}/api/v1/...        PeerTube servers and the sepiasearch.org index
    BASE/github/...                        the GitHub REST API (api.github.com)
    BASE/web/{host}/...                    websites, podcast feeds, the iTunes Search API
    BASE/youtube/youtube/v3/...            the YouTube Data API v3 (www.googleapis.com)
    BASE/youtube/feeds/videos.xml          YouTube's keyless channel feeds
    BASE/reddit/...                        Reddit's OAuth API and its token endpoint
    BASE/twitch/...                        Twitch Helix and its token endpoint

Every API request gets rate-limit headers; fault injection (``fail_every``,
``unavailable_every``) and the rate limit apply to API requests only, never to robots.txt
or well-known documents. ``server.stats`` counts what was asked.

Use :class:`SandboxServer` in-process (a context manager serving from a background
thread), :func:`run` for the command line, or :func:`start_sandbox_process` to run it as a
child process (tests, the demo).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import ValidationError

from creatorscout.sandbox.bluesky_api import BlueskyDialect
from creatorscout.sandbox.dialect import Dialect, Request, Response
from creatorscout.sandbox.github_api import GitHubDialect
from creatorscout.sandbox.mastodon_api import AI_AGENTS, MastodonDialect
from creatorscout.sandbox.options import FaultOptions, SandboxOptions
from creatorscout.sandbox.peertube_api import PeerTubeDialect
from creatorscout.sandbox.peertube_render import SEARCH_INDEX
from creatorscout.sandbox.presence import PEERTUBE_INSTANCES
from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.ratelimit import FaultInjector, RateLimiter, SandboxStats
from creatorscout.sandbox.reddit_api import RedditDialect
from creatorscout.sandbox.twitch_api import TwitchDialect
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.web_api import WebDialect
from creatorscout.sandbox.world import World, build_world
from creatorscout.sandbox.youtube_api import YouTubeDialect

__all__ = ["SandboxServer", "run", "start_sandbox_process"]


class SandboxServer:
    """Serve a world over HTTP. Binds on construction, so :attr:`url` is known at once.

    ``faults`` are :class:`~creatorscout.sandbox.options.FaultOptions` fields:
    ``rate_limit``, ``rate_window``, ``fail_every``, ``unavailable_every``, ``retry_after``,
    ``latency_ms``.
    """

    def __init__(self, world: World, host: str = "127.0.0.1", port: int = 0, *,
                 verbose: bool = False, public_url: str | None = None,
                 **faults: Any) -> None:
        self.world = world
        self.options = FaultOptions(**faults)
        self.verbose = verbose
        self.stats = SandboxStats()
        self._limiter = RateLimiter(self.options.rate_limit, self.options.rate_window)
        self._faults = FaultInjector(self.options.fail_every, self.options.unavailable_every)
        self._bad_text = FaultInjector(self.options.bad_text_every)
        self._httpd = ThreadingHTTPServer((host, port), _handler_class(self))
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        shown = "127.0.0.1" if host in ("", "0.0.0.0") else str(bound_host)
        self.host = str(bound_host)
        self.port = int(bound_port)
        self.url = (public_url or f"http://{shown}:{self.port}").rstrip("/")
        """The sandbox base URL; the Mastodon API of server X is ``{url}/mastodon/X``."""
        mastodon = MastodonDialect(world, self.url)
        self.dialects: dict[str, Dialect] = {mastodon.name: mastodon}
        bluesky = BlueskyDialect(world, self.url, window=self.options.rate_window)
        self.dialects[bluesky.name] = bluesky
        for extra in (PeerTubeDialect(world, self.url), GitHubDialect(world, self.url),
                      WebDialect(world, self.url), YouTubeDialect(world, self.url),
                      RedditDialect(world, self.url), TwitchDialect(world, self.url)):
            self.dialects[extra.name] = extra
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        """Serve from a background (daemon) thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            kwargs={"poll_interval": 0.1},
                                            name="sandbox-server", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until :meth:`stop` (or KeyboardInterrupt)."""
        self._httpd.serve_forever(poll_interval=0.25)

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- requests --------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str],
               client_address: str) -> Response:
        """Answer one request (the HTTP handler calls this; tests may too)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        authorization = headers.get("authorization", "")
        client = f"token:{authorization}" if authorization else f"ip:{client_address}"
        posting = method == "POST" and getattr(
            self.dialects.get(path.lstrip("/").partition("/")[0]), "accepts_post", False)
        if method not in ("GET", "HEAD") and not posting:  # POST only where a dialect takes it
            response = Response.json({"error": "Method not allowed"}, status=405)
            self.stats.record(method, target, "method_not_allowed", None, 405)
            return response
        if path in ("/", ""):
            return self._recorded(method, target, "index", None, self._index())
        if path == "/robots.txt":
            return self._recorded(method, target, "robots", None, self._robots())
        prefix, _, rest = path.lstrip("/").partition("/")
        dialect = self.dialects.get(prefix)
        if dialect is None:
            return self._recorded(method, target, "not_found", None,
                                  Response.json({"error": "Not found"}, status=404))
        request = Request(method=method, path="/" + rest, query=query, headers=headers,
                          client=client)
        endpoint = dialect.match(request)
        if endpoint is None:
            return self._recorded(method, target, f"{prefix}.not_found", None,
                                  dialect.error(404, "Record not found"))
        kind = f"{prefix}.{endpoint.kind}"
        if not endpoint.api:
            return self._recorded(method, target, kind, endpoint.scope, endpoint.handler())
        quota = self._limiter.hit(endpoint.scope, client)
        limit_headers = dialect.rate_limit_headers(quota.limit, quota.remaining,
                                                   quota.reset_epoch)
        injected = self._faults.next()
        retry = [("Retry-After", str(self.options.retry_after))]
        if injected == 429:
            zero = dialect.rate_limit_headers(quota.limit, 0, quota.reset_epoch)
            response = dialect.error(429, "Too many requests", zero + retry)
            return self._recorded(method, target, kind, endpoint.scope, response, "injected_429")
        if injected == 503:
            response = dialect.error(503, "Service unavailable", limit_headers + retry)
            return self._recorded(method, target, kind, endpoint.scope, response, "injected_503")
        if not quota.allowed:
            response = dialect.error(429, "Too many requests", limit_headers)
            return self._recorded(method, target, kind, endpoint.scope, response, "rate_limited")
        try:
            response = endpoint.handler()
        except Exception:  # a sandbox bug must not kill the connection silently
            traceback.print_exc(file=sys.stderr)
            response = dialect.error(500, "Internal server error")
        response.headers.extend(limit_headers)
        if self._bad_text.next() and b'"display_name":"' in response.body:
            # "\ud800" as a JSON escape: valid JSON, but no valid Unicode once decoded
            response.body = response.body.replace(b'"display_name":"', b'"display_name":"\\ud800')
            return self._recorded(method, target, kind, endpoint.scope, response, "bad_text")
        return self._recorded(method, target, kind, endpoint.scope, response)

    def _recorded(self, method: str, target: str, kind: str, scope: str | None,
                  response: Response, fault: str | None = None) -> Response:
        self.stats.record(method, target, kind, scope, response.status, fault)
        return response

    def _index(self) -> Response:
        return Response.json({
            "sandbox": "creatorscout",
            "creators": len(self.world),
            "seed": self.world.seed,
            "mastodon": {server: f"{self.url}/mastodon/{server}" for server in INSTANCES},
            "bluesky": f"{self.url}/bluesky",
            "peertube": {host: f"{self.url}/peertube/{host}"
                         for host in (*PEERTUBE_INSTANCES, SEARCH_INDEX)},
            "github": f"{self.url}/github",
            "web": f"{self.url}/web/{{host}}",
            "youtube": f"{self.url}/youtube",
            "reddit": f"{self.url}/reddit",
            "twitch": f"{self.url}/twitch",
        })

    def _robots(self) -> Response:
        lines = ["# creatorscout sandbox: each fake server's rules, under its own prefix", "",
                 "User-agent: *"]
        for dialect in self.dialects.values():
            lines += [f"Disallow: {path}" for path in dialect.robots_disallow()]
        lines += ["", *(f"User-agent: {agent}" for agent in AI_AGENTS), "Disallow: /", ""]
        return Response.text("\n".join(lines))


def _handler_class(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "creatorscout-sandbox/1"

        def version_string(self) -> str:
            return self.server_version

        def _answer(self, body: bool) -> None:
            headers = {name.lower(): value for name, value in self.headers.items()}
            if server.options.latency_ms:
                # One thread per connection: the delay holds this answer only, as a slow
                # network would, so concurrent requests overlap their waits.
                time.sleep(server.options.latency_ms / 1000)
            response = server.handle(self.command, self.path, headers, self.client_address[0])
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(response.body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self._answer(body=True)

        do_PUT = do_PATCH = do_DELETE = do_POST  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            if server.verbose:
                super().log_message(format, *args)

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler


class _Stop(Exception):
    """Raised in the main thread by SIGTERM to end :func:`run` cleanly."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def _build(options: SandboxOptions) -> World:
    if options.world == "adversarial":
        from creatorscout.sandbox.adversarial import build_adversarial_world

        return build_adversarial_world(seed=options.seed, creators=options.creators)
    return build_world(seed=options.seed, creators=options.creators)


def run(port: int = 0, creators: int = 2000, seed: int = 42, *, host: str = "127.0.0.1",
        verbose: bool = False, world: str = "main", **faults: Any) -> None:
    """Build the world, serve it, print one line with the URL, serve until Ctrl-C/SIGTERM.

    The first (and only) line on stdout is ``sandbox: http://127.0.0.1:PORT (N creators,
    seed S)``. Bad options or a port in use end the process with a one-line message on
    stderr (exit code 2 or 1), never a traceback.
    """
    try:
        options = SandboxOptions(host=host, port=port, creators=creators, seed=seed,
                                 verbose=verbose, world=world, **faults)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        print(f"sandbox: error: {field}: {error['msg']}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
    sandbox: SandboxServer | None = None
    try:
        try:
            world = _build(options)
        except ValueError as exc:
            print(f"sandbox: error: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        try:
            sandbox = SandboxServer(world, options.host, options.port, verbose=options.verbose,
                                    **options.faults().model_dump())
        except OSError as exc:
            print(f"sandbox: error: cannot listen on {options.host}:{options.port}: "
                  f"{exc.strerror or exc}", file=sys.stderr, flush=True)
            raise SystemExit(1) from None
        kind = "" if options.world == "main" else f", {options.world} world"
        print(f"sandbox: {sandbox.url} ({options.creators} creators, seed {options.seed}"
              f"{kind})", flush=True)
        sandbox.serve_forever()
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        if sandbox is not None:
            sandbox.stop()
