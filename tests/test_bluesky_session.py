"""Post search with an app password: signing in (com.atproto.server.createSession) as an
ordinary POST request the crawler makes (over real HTTP on 127.0.0.1 here), and the
session's token staying in request headers only.

The entryway here is a small local server that answers createSession as Bluesky's does
(lexicon com/atproto/server/createSession.json; 401 AuthenticationRequired "Invalid
identifier or password"); its DID document points post search at the sandbox's AppView.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from creatorscout.config.schema import Niche
from creatorscout.plugins.bluesky import Bluesky
from creatorscout.plugins.bluesky.session import (
    CREATE_SESSION,
    ENV_HANDLE,
    ENV_PASSWORD,
    SessionError,
    session_from_answer,
    sign_in_request,
)
from creatorscout.plugins.platform import FetchResponse, PlatformSettings
from creatorscout.sandbox import SandboxServer
from creatorscout.testing.crawl import run_crawl_in_child
from creatorscout.testing.fetch import fetch

HANDLE = "scout-bot.bsky.social"
APP_PASSWORD = "abcd-efgh-ijkl-mnop"
ACCESS = "eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.test-access-token.signature"
NICHE = Niche(name="vegan-test", keywords={"en": ["vegan"]}, hashtags=["vegan"])


class Entryway:
    """createSession as a PDS entryway answers it; counts the sign-ins."""

    def __init__(self, pds: str | None, answer: bytes | None = None) -> None:
        self.pds = pds
        self.answer = answer
        self.sign_ins: list[dict[str, Any]] = []
        entry = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length))
                entry.sign_ins.append({"payload": payload, "agent": self.headers["User-Agent"],
                                       "type": self.headers["Content-Type"]})
                status, body = entry.respond(self.path, payload)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)

    def respond(self, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        if path != CREATE_SESSION:
            return 404, b'{"error":"XRPCNotSupported","message":"XRPCNotSupported"}'
        if self.answer is not None:
            return 200, self.answer
        if payload != {"identifier": HANDLE, "password": APP_PASSWORD}:
            return 401, json.dumps({"error": "AuthenticationRequired",
                                    "message": "Invalid identifier or password"}).encode()
        session: dict[str, Any] = {
            "did": "did:plc:scoutbot0000000000000000", "handle": HANDLE, "email": "x@y.example",
            "accessJwt": ACCESS, "refreshJwt": "refresh-token", "active": True,
        }
        if self.pds:
            session["didDoc"] = {
                "@context": ["https://www.w3.org/ns/did/v1"],
                "id": session["did"],
                "alsoKnownAs": [f"at://{HANDLE}"],
                "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                             "serviceEndpoint": self.pds}],
            }
        return 200, json.dumps(session).encode()

    def __enter__(self) -> Entryway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> SandboxServer:
    return sandbox_server  # the session's (tests/conftest.py)


def sign_in(entryway: str, password: str = APP_PASSWORD) -> FetchResponse:
    return fetch(sign_in_request("bluesky", entryway, HANDLE, password))


def test_sign_in_is_a_post_request_that_finds_the_pds_and_hides_the_token():
    with Entryway(pds="https://morel.us-east.host.bsky.network/") as entryway:
        request = sign_in_request("bluesky", entryway.url, HANDLE, APP_PASSWORD)
        answer = fetch(request)
    assert request.method == "POST" and APP_PASSWORD not in request.url + str(request.context)
    session = session_from_answer(entryway.url, HANDLE, answer.body)
    assert session.service == "https://morel.us-east.host.bsky.network"
    assert session.did == "did:plc:scoutbot0000000000000000" and session.handle == HANDLE
    assert session.headers() == {"Authorization": f"Bearer {ACCESS}"}
    assert ACCESS not in repr(session)
    [signed] = entryway.sign_ins
    assert signed["type"] == "application/json"
    assert signed["payload"] == {"identifier": HANDLE, "password": APP_PASSWORD}


def test_without_a_did_document_the_entryway_serves_the_session():
    with Entryway(pds=None) as entryway:
        answer = sign_in(entryway.url)
    assert session_from_answer(entryway.url + "/", HANDLE, answer.body).service == entryway.url


@pytest.mark.parametrize(("answer", "expected"), [
    (b"<html>maintenance</html>", "the answer is not JSON"),
    (b'{"did": "did:plc:x"}', "no accessJwt"),
])
def test_unusable_sign_in_answers_are_one_line(answer, expected):
    with Entryway(pds=None, answer=answer) as entryway:
        response = sign_in(entryway.url)
    with pytest.raises(SessionError) as caught:
        session_from_answer(entryway.url, HANDLE, response.body)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_post_search_with_an_app_password(monkeypatch, sandbox, caplog):
    monkeypatch.setenv(ENV_HANDLE, HANDLE)
    monkeypatch.setenv(ENV_PASSWORD, APP_PASSWORD)
    with Entryway(pds=f"{sandbox.url}/bluesky") as entryway:
        plugin = Bluesky(PlatformSettings(
            base_url=f"{sandbox.url}/bluesky",
            options={"auth_service": entryway.url, "search_actors": False},
        ))
        with caplog.at_level(logging.DEBUG):
            [signing_in] = list(plugin.discover(NICHE))
            assert signing_in.url == entryway.url + CREATE_SESSION
            assert not entryway.sign_ins  # the plugin does no I/O: the crawler signs in
            requests = plugin.parse(fetch(signing_in)).requests
            again = list(plugin.discover(NICHE))  # the session is kept for the crawl
        assert len(entryway.sign_ins) == 1  # one session per crawl, never one per request
    assert [r.url for r in requests] == [r.url for r in again]
    assert len(requests) == 2  # the keyword and the hashtag
    for request in requests:
        assert request.url.startswith(f"{sandbox.url}/bluesky/xrpc/app.bsky.feed.searchPosts?")
        assert request.headers == {"Authorization": f"Bearer {ACCESS}"}
        assert ACCESS not in request.url and ACCESS not in json.dumps(request.context)
    response = fetch(requests[1])  # "#vegan" through the sandbox, signed in
    assert response.status == 200
    result = plugin.parse(response)
    assert result.candidates and all(c.via == "post-search:#vegan" for c in result.candidates)
    assert ACCESS not in result.model_dump_json(exclude={"requests"})
    assert all(APP_PASSWORD not in r.getMessage() and ACCESS not in r.getMessage()
               for r in caplog.records)


def test_a_refused_sign_in_turns_post_search_off_with_one_line(monkeypatch, caplog):
    monkeypatch.setenv(ENV_HANDLE, HANDLE)
    monkeypatch.setenv(ENV_PASSWORD, "not-the-app-password")
    with Entryway(pds=None) as entryway:
        plugin = Bluesky(PlatformSettings(options={"auth_service": entryway.url}))
        requests = list(plugin.discover(NICHE))
        [signing_in] = [r for r in requests if r.method == "POST"]
        response = fetch(signing_in)
    refusal = plugin.refusal(response)
    assert refusal is not None and refusal.kind == "login_required"
    with caplog.at_level(logging.WARNING):
        recovery = plugin.on_refusal(response, refusal)
    assert recovery is not None and recovery.requests == []
    [record] = caplog.records
    assert "post search is off" in record.getMessage()
    assert "HTTP 401 AuthenticationRequired: Invalid identifier or password" in record.getMessage()
    assert "not-the-app-password" not in record.getMessage()


@pytest.mark.crawl
def test_a_crawl_signs_in_through_the_crawler(sandbox, tmp_path):
    """The sign-in is a request the crawler makes (Scrapy's User-Agent, the crawl stats),
    post search follows with the session, and neither secret reaches the log or items."""
    with Entryway(pds=f"{sandbox.url}/bluesky") as entryway:
        niche = NICHE.model_copy(update={"platforms": {"bluesky": {
            "auth_service": entryway.url, "search_actors": False}}})
        run = run_crawl_in_child(
            niche, platforms=["bluesky"], base_urls={"bluesky": f"{sandbox.url}/bluesky"},
            env={ENV_HANDLE: HANDLE, ENV_PASSWORD: APP_PASSWORD}, max_creators=10,
            folder=tmp_path / "crawl",
        )
    [signed] = entryway.sign_ins
    assert signed["agent"].startswith("creatorscout/")  # the crawler's own User-Agent
    assert run.stats.get("downloader/request_method_count/POST") == 1
    assert run.stats_under("requests/bluesky")["discover"] >= 3  # sign-in, then 2 searches
    assert run.items, run.log[-2000:]
    assert {item.crawl.via.split(":")[0] for item in run.items} == {"post-search"}
    for text in (run.log, json.dumps(run.stats), " ".join(i.model_dump_json() for i in run.items)):
        assert APP_PASSWORD not in text and ACCESS not in text
