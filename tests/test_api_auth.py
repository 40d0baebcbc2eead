"""Safe by default: loopback binds, tokens for writes and for non-loopback binds, CORS off,
and ``scout serve`` itself (a real server process over real HTTP)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from creatorscout.api import UnsafeBind, create_app
from creatorscout.api.security import is_loopback
from creatorscout.cli import main
from creatorscout.search.backend import open_index
from tests.test_index_contract import world

API = "/api/v1"
TOKEN = "s3cret-token"
WRITES = [
    ("post", f"{API}/lists", {"name": "Spring"}),
    ("post", f"{API}/crawls", {"niche": "vegan-cooking", "budget": 1}),
    ("delete", f"{API}/crawls/abc", None),
    ("delete", f"{API}/lists/1", None),
]


@pytest.fixture
def index_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'auth.db'}"
    with open_index(url) as index:
        index.upsert(world())
    return url


def client_for(index_url: str, **kwargs: object) -> TestClient:
    return TestClient(create_app(index_url, **kwargs))  # type: ignore[arg-type]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_loopback_without_token_is_open(index_url: str) -> None:
    with client_for(index_url) as client:
        assert client.get(f"{API}/creators").status_code == 200
        assert client.post(f"{API}/lists", json={"name": "Spring"}).status_code == 201


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_loopback_with_token_guards_writes(
    index_url: str, method: str, path: str, body: dict[str, object] | None
) -> None:
    with client_for(index_url, token=TOKEN) as client:
        assert client.get(f"{API}/creators").status_code == 200  # reads stay open locally
        kwargs = {"json": body} if body is not None else {}
        refused = getattr(client, method)(path, **kwargs)
        assert refused.status_code == 401, refused.text
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "Authorization: Bearer" in refused.json()["error"]["fix"]
        wrong = getattr(client, method)(path, headers=bearer("guess"), **kwargs)
        assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "the token is wrong"
        allowed = getattr(client, method)(path, headers=bearer(TOKEN), **kwargs)
        assert allowed.status_code != 401


def test_other_binds_need_the_token_everywhere(index_url: str) -> None:
    with client_for(index_url, token=TOKEN, host="0.0.0.0") as client:
        for path in ("/health", "/creators", "/niches", "/lists", "/crawls", "/openapi.json",
                     f"/creators/{world()[0].id}"):
            assert client.get(API + path).status_code == 401, path
            assert client.get(API + path, headers=bearer(TOKEN)).status_code == 200, path


def test_other_binds_without_token_are_refused(index_url: str) -> None:
    with pytest.raises(UnsafeBind, match="CREATORSCOUT_API_TOKEN"):
        create_app(index_url, host="0.0.0.0")
    env = {k: v for k, v in os.environ.items() if k != "CREATORSCOUT_API_TOKEN"}
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--index", index_url],
                                env=env)
    assert result.exit_code == 2
    assert "set CREATORSCOUT_API_TOKEN" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
    ("example.org", False),
])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_cors_is_off_unless_configured(index_url: str) -> None:
    origin = {"Origin": "https://dash.example"}
    with client_for(index_url) as client:
        assert "access-control-allow-origin" not in client.get(f"{API}/creators",
                                                               headers=origin).headers
    with client_for(index_url, cors_origins=["https://dash.example"]) as client:
        answered = client.get(f"{API}/creators", headers=origin)
        assert answered.headers["access-control-allow-origin"] == "https://dash.example"


@pytest.fixture
def served(index_url: str) -> Iterator[str]:
    """``scout serve --port 0`` as a real process; yields the URL it printed."""
    env = os.environ | {"CREATORSCOUT_API_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "creatorscout.cli", "serve", "--port", "0", "--index", index_url,
         "--log-level", "warning"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.search(r"serving (http://127\.0\.0\.1:\d+)/api/v1", line)
        assert found, line
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def test_scout_serve_answers_over_http(served: str) -> None:
    with httpx2.Client(base_url=served, timeout=30) as http:
        for _ in range(100):  # the port is bound before the app has started
            try:
                health = http.get(f"{API}/health")
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert http.get(f"{API}/creators").json()["total"] == 5
        assert http.post(f"{API}/lists", json={"name": "x"}).status_code == 401
        created = http.post(f"{API}/lists", json={"name": "x"}, headers=bearer(TOKEN))
        assert created.status_code == 201
        assert "server" not in {k.lower() for k in health.headers}
