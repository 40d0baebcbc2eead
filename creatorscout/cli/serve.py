"""``scout serve``: the HTTP API (and the web page, when installed) under uvicorn."""

from __future__ import annotations

import importlib.util
import os
import socket

import click

from creatorscout.cli.common import INDEX_HELP, fail


@click.command()
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs $CREATORSCOUT_API_TOKEN.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="0 picks a free port.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes (each opens the index; crawls are per process).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from this origin (repeatable); CORS is off without.")
@click.option("--base-url", "base_urls", multiple=True, metavar="P=URL",
              help="For crawls started over HTTP: point a platform at another server.")
@click.option("--allow-private-hosts", is_flag=True,
              help="For crawls started over HTTP: allow loopback/private addresses.")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info",
                                                "debug"]), default="info", show_default=True)
def serve(index_url: str | None, host: str, port: int, workers: int,
          cors_origins: tuple[str, ...], base_urls: tuple[str, ...],
          allow_private_hosts: bool, log_level: str) -> None:
    """Serve the JSON API at http://HOST:PORT/api/v1 (docs at /api/v1/docs)."""
    import uvicorn

    from creatorscout.api.app import UnsafeBind
    from creatorscout.api.security import TOKEN_ENV
    from creatorscout.crawler.args import parse_base_urls
    from creatorscout.search.backend import InvalidIndexURL, sqlite_path

    token = os.environ.get(TOKEN_ENV, "").strip() or None
    try:
        urls = parse_base_urls(base_urls)
        if index_url and not index_url.lower().startswith(("http://", "https://")):
            sqlite_path(index_url)  # a malformed URL is a usage error, before binding
        os.environ["CREATORSCOUT_SERVE_CONFIG"] = _config_json(
            index_url, token, host, cors_origins, urls, allow_private_hosts)
        _check_bind(host, token)
    except (ValueError, InvalidIndexURL, UnsafeBind) as exc:
        fail(str(exc), 2)
    # bind here, so the URL printed is the one served (also with --port 0) and a port in
    # use is one line, not a traceback
    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}; pick another --port "
             "or --host")
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"scout: serving http://{shown}:{port}/api/v1 (docs: /api/v1/docs); "
               "Ctrl-C stops", err=True)
    if importlib.util.find_spec("creatorscout.web") is not None:
        click.echo(f"scout: the web page is at http://{shown}:{port}/", err=True)
    config = uvicorn.Config(
        "creatorscout.api.server:app_from_env", factory=True, host=host, port=port,
        workers=workers, reload=False, log_level=log_level, proxy_headers=False,
        server_header=False,
    )
    if workers == 1:
        uvicorn.Server(config).run(sockets=[sock])
    else:
        sock.close()  # each worker binds the port itself
        uvicorn.run(config.app, factory=True, host=host, port=port, workers=workers,
                    log_level=log_level, proxy_headers=False, server_header=False)


def _check_bind(host: str, token: str | None) -> None:
    from creatorscout.api.app import UnsafeBind
    from creatorscout.api.security import TOKEN_ENV, is_loopback

    if not is_loopback(host) and not token:
        raise UnsafeBind(f"binding {host} lets other machines in: set {TOKEN_ENV} to a "
                         "secret token first, or bind 127.0.0.1")


def _config_json(index_url: str | None, token: str | None, host: str,
                 cors_origins: tuple[str, ...], base_urls: dict[str, str],
                 allow_private_hosts: bool) -> str:
    import json

    # the token stays in the environment variable it came from, never in this document
    return json.dumps({
        "index_url": index_url, "host": host, "cors_origins": list(cors_origins),
        "crawl_base_urls": base_urls, "allow_private_hosts": allow_private_hosts,
    })
