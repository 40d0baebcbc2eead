"""The fetch guard: the address policy, and real Scrapy requests to 127.0.0.1 (refused by
default, allowed with the setting) and redirects to private and metadata addresses (refused
whatever the first hop was)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from creatorscout.crawler.fetchguard import FetchGuardMiddleware
from creatorscout.crawler.run import trusted_api_hosts
from creatorscout.plugins.fetchguard import address_refusal, host_refusal, url_refusal


@pytest.mark.parametrize(("address", "reason"), [
    ("127.0.0.1", "loopback address"),
    ("127.8.9.10", "loopback address"),
    ("::1", "loopback address"),
    ("10.1.2.3", "private address"),
    ("172.16.0.1", "private address"),
    ("192.168.1.1", "private address"),
    ("fd12:3456::1", "private address"),
    ("169.254.10.10", "link-local address"),
    ("fe80::1", "link-local address"),
    ("100.64.0.1", "non-global address"),
    ("0.0.0.0", "reserved address"),
    ("224.0.0.251", "multicast address"),
    ("ff02::1", "multicast address"),
    ("240.0.0.1", "reserved address"),
    ("169.254.169.254", "metadata address"),
    ("fd00:ec2::254", "metadata address"),
    ("100.100.100.200", "metadata address"),
    ("::ffff:127.0.0.1", "loopback address (inside IPv6)"),
    ("64:ff9b::a00:1", "private address (inside IPv6)"),
    ("2002:c0a8:101::1", "private address (inside IPv6)"),
    ("93.184.215.14", None),
    ("2606:4700:4700::1111", None),
])
def test_address_policy(address, reason):
    assert address_refusal(ipaddress.ip_address(address)) == reason


def test_allowing_private_hosts_never_allows_metadata():
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), allow_private=True) is None
    assert address_refusal(ipaddress.ip_address("10.0.0.1"), allow_private=True) is None
    assert address_refusal(ipaddress.ip_address("169.254.169.254"), allow_private=True) \
        == "metadata address"
    assert host_refusal("metadata.google.internal", allow_private=True) == "metadata host"
    assert host_refusal("localhost", allow_private=True) is None


@pytest.mark.parametrize(("url", "reason"), [
    ("http://localhost:8080/", "local host name"),
    ("http://printer.local/", "local host name"),
    ("http://db.internal/", "local host name"),
    ("http://router/", "local host name"),
    ("http://[::1]:9000/x", "loopback address"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata host"),
    ("file:///etc/passwd", "scheme file"),
    ("gopher://example.org/", "scheme gopher"),
    ("https://example.org/", None),
])
def test_url_policy(url, reason):
    assert url_refusal(url) == reason


def test_names_are_resolved_and_every_address_checked():
    guard = FetchGuardMiddleware(crawler=None, allow_private=False,  # type: ignore[arg-type]
                                 trusted=set(), ttl=60)
    reason = asyncio.run(guard._resolved_refusal("localhost", 80))
    assert reason == "resolves to a loopback address"


def test_only_typed_base_url_hosts_are_trusted():
    assert trusted_api_hosts({
        "mastodon": "http://127.0.0.1:8123/mastodon/{instance}",
        "web": "http://127.0.0.1:8123/web/{host}",
        "podcasts": "https://{host}",
    }) == ["mastodon 127.0.0.1:8123", "web 127.0.0.1:8123"]


# -- real requests through Scrapy -----------------------------------------------------------

PROBE = textwrap.dedent('''
    import json, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from creatorscout.crawler.addon import CreatorScoutAddon
    from creatorscout.plugins.platform import FetchRequest

    cases, out = json.loads(sys.argv[1]), sys.argv[2]
    results = {}

    def make(name, case):
        class Probe(scrapy.Spider):
            custom_settings = case["settings"]
            async def start(self):
                for url, api in case["urls"]:
                    fetch = FetchRequest(url=url, platform="web", purpose="profile", api=api)
                    yield scrapy.Request(url, callback=self.ok, errback=self.err,
                                         dont_filter=True,
                                         meta={"fetch": fetch, "dont_obey_robotstxt": True,
                                               "key": url})
            def ok(self, response):
                results[response.meta["key"]] = {"status": response.status,
                                                 "url": response.url}
            def err(self, failure):
                results[failure.request.meta["key"]] = {"error": failure.getErrorMessage(),
                                                        "type": failure.type.__name__}
        Probe.name = name
        return Probe

    settings = Settings()
    CreatorScoutAddon().update_settings(settings)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
    process = CrawlerProcess(settings)
    for name, case in cases.items():
        process.crawl(make(name, case))
    process.start()
    with open(out, "w") as handle:
        json.dump(results, handle)
''')


class _Handler(BaseHTTPRequestHandler):
    hits: Counter[str] = Counter()
    port = 0

    def do_GET(self) -> None:  # noqa: N802
        _Handler.hits[self.path] += 1
        targets = {"/to-localhost": f"http://localhost:{self.port}/ok",
                   "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                   "/to-ten": "http://10.255.255.1/"}
        route = self.path.split("?", 1)[0]
        if route in targets:
            self.send_response(302)
            self.send_header("Location", targets[route])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield f"127.0.0.1:{_Handler.port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def probe(server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = f"http://{server}"
    cases = {
        "default": {"settings": {}, "urls": [[f"{base}/ok?default", False]]},
        "allowed": {"settings": {"CREATORSCOUT_ALLOW_PRIVATE_HOSTS": True},
                    "urls": [[f"{base}/ok?allowed", False],
                             [f"{base}/to-metadata?allowed", False]]},
        # The first hop is an API host the user typed (trusted); where it redirects is not.
        "trusted": {"settings": {"CREATORSCOUT_TRUSTED_API_HOSTS": [server]},
                    "urls": [[f"{base}/ok?trusted-api", True],
                             [f"{base}/ok?trusted-but-web", False],
                             [f"{base}/to-localhost?trusted", True],
                             [f"{base}/to-ten?trusted", True],
                             [f"{base}/to-metadata?trusted", True]]},
    }
    out = tmp_path_factory.mktemp("guard") / "results.json"
    completed = subprocess.run([sys.executable, "-c", PROBE, json.dumps(cases), str(out)],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(Path(out).read_text())


def test_loopback_is_refused_by_default_before_any_connection(probe, server):
    result = probe[f"http://{server}/ok?default"]
    assert result["type"] == "PrivateHostRefused"
    assert result["error"] == "private host: loopback address"
    assert _Handler.hits["/ok?default"] == 0


def test_loopback_is_fetched_when_private_hosts_are_allowed(probe, server):
    assert probe[f"http://{server}/ok?allowed"]["status"] == 200
    assert _Handler.hits["/ok?allowed"] == 1


def test_redirect_to_metadata_is_refused_even_when_private_hosts_are_allowed(probe, server):
    result = probe[f"http://{server}/to-metadata?allowed"]
    assert result["error"] == "private host: metadata address"
    assert _Handler.hits["/to-metadata?allowed"] == 1  # the first hop was allowed


def test_trusted_api_host_but_not_its_redirects(probe, server):
    assert probe[f"http://{server}/ok?trusted-api"]["status"] == 200
    web = probe[f"http://{server}/ok?trusted-but-web"]
    assert web["error"] == "private host: loopback address"  # pages are always checked
    assert probe[f"http://{server}/to-localhost?trusted"]["error"] == \
        "private host: local host name"
    assert probe[f"http://{server}/to-ten?trusted"]["error"] == "private host: private address"
    assert probe[f"http://{server}/to-metadata?trusted"]["error"] == \
        "private host: metadata address"
    assert _Handler.hits["/to-localhost?trusted"] == 1
    assert _Handler.hits["/ok"] == 0  # the redirect target was never reached
