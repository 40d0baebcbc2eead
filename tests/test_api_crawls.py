"""Crawls over HTTP: started as separate processes against the sandbox, followed through
Server-Sent Events to their end, stopped cleanly. Real server (uvicorn in a thread), real
HTTP, real Scrapy crawls, real SQLite."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
import uvicorn

from creatorscout.api import create_app
from creatorscout.sandbox.process import start_sandbox_process

pytestmark = pytest.mark.e2e

API = "/api/v1"
SEED = 7
CREATORS = 600
NICHE = "vegan-cooking"


@dataclass
class Event:
    id: str | None
    event: str
    data: dict[str, Any]


def read_events(http: httpx2.Client, path: str, **headers: str) -> Iterator[Event]:
    """Parse a text/event-stream answer into events (comments, i.e. pings, skipped)."""
    with http.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for line in response.iter_lines():
            if not line:
                if "data" in fields:
                    yield Event(fields.get("id"), fields.get("event", "message"),
                                json.loads(fields["data"]))
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[str]:
    with start_sandbox_process(creators=CREATORS, seed=SEED) as url:
        yield url


def serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def api(sandbox: str, tmp_path: Path) -> Iterator[httpx2.Client]:
    app = create_app(
        f"sqlite:///{tmp_path / 'crawls.db'}", max_crawls=1, progress_interval=0.5,
        crawl_base_urls={"mastodon": f"{sandbox}/mastodon/{{instance}}"},
    )
    server, thread, url = serve(app)
    try:
        with httpx2.Client(base_url=url, timeout=httpx2.Timeout(300)) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def start(http: httpx2.Client, budget: int) -> str:
    started = http.post(f"{API}/crawls", json={"niche": NICHE, "platforms": ["mastodon"],
                                                "budget": budget})
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["state"] == "running" and body["counters"]["budget"] == budget
    return str(body["id"])


def test_a_crawl_followed_over_sse_to_its_end(api: httpx2.Client) -> None:
    crawl_id = start(api, 12)
    events = list(read_events(api, f"{API}/crawls/{crawl_id}/events"))
    kinds = [e.event for e in events]
    assert kinds[0] == "started" and kinds[-1] == "finished", kinds
    assert set(kinds) <= {"started", "progress", "finished"} and "progress" in kinds
    assert [e.id for e in events] == [str(n) for n in range(1, len(events) + 1)]
    accepted = [e.data["counters"]["accepted"] for e in events]
    assert accepted == sorted(accepted)  # live counters only grow
    final = events[-1].data
    assert (final["state"], final["finish_reason"]) == ("finished", "finished")
    assert final["counters"]["indexed"] == 12 and final["counters"]["requests"] > 12
    assert f"crawl of '{NICHE}' finished" in final["summary"]
    assert api.get(f"{API}/crawls/{crawl_id}").json()["state"] == "finished"
    assert [c["id"] for c in api.get(f"{API}/crawls").json()["crawls"]] == [crawl_id]
    found = api.get(f"{API}/creators", params={"niche": NICHE}).json()
    assert found["total"] == 12  # the server reads what its crawl wrote
    # a client that reconnects after the last event gets nothing more, and the stream ends
    again = list(read_events(api, f"{API}/crawls/{crawl_id}/events",
                             **{"Last-Event-ID": events[-1].id or ""}))
    assert again == []


def test_a_crawl_stopped_cleanly_keeps_what_it_indexed(api: httpx2.Client) -> None:
    crawl_id = start(api, 500)
    busy = api.post(f"{API}/crawls", json={"niche": NICHE, "budget": 5})
    assert busy.status_code == 409 and "stop one" in busy.json()["error"]["message"]
    for event in read_events(api, f"{API}/crawls/{crawl_id}/events"):
        # records are indexed as the crawl closes: stop while it is still fetching
        if event.event == "progress" and event.data["counters"]["accepted"] >= 10:
            break
    stopping = api.delete(f"{API}/crawls/{crawl_id}")
    assert stopping.status_code == 202 and stopping.json()["state"] == "stopping"
    tail = [e for e in read_events(api, f"{API}/crawls/{crawl_id}/events")]
    assert tail[-1].event == "stopped" and "stopping" in [e.event for e in tail]
    final = tail[-1].data
    assert final["state"] == "stopped" and final["finish_reason"] == "shutdown"
    indexed = final["counters"]["indexed"]
    # what was fetched before the stop is indexed, not lost: creators whose posts were
    # still being read are kept as incomplete records
    assert indexed >= 10 and indexed == final["counters"]["accepted"], final
    assert api.get(f"{API}/creators", params={"niche": NICHE}).json()["total"] == indexed


@pytest.mark.parametrize(("body", "message"), [
    ({"niche": "knitting"}, "no niche 'knitting'; configured niches:"),
    ({"niche": NICHE, "platforms": ["myspace"]}, "unknown platform 'myspace'"),
    ({"niche": NICHE, "budget": 0}, "budget:"),
    ({"niche": NICHE, "base_urls": {"mastodon": "http://169.254.169.254"}}, "base_urls:"),
])
def test_crawl_requests_that_cannot_start(
    api: httpx2.Client, body: dict[str, Any], message: str
) -> None:
    refused = api.post(f"{API}/crawls", json=body)
    assert refused.status_code == 422 and message in refused.json()["error"]["message"]
    assert api.get(f"{API}/crawls").json()["crawls"] == []
    assert api.get(f"{API}/crawls/nope").status_code == 404
    assert api.delete(f"{API}/crawls/nope").status_code == 404
