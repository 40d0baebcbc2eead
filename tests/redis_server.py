"""A real Redis for tests: the one on 127.0.0.1:6379 when it answers, else one started
here (Debian's ``redis-server``) on a free port; tests skip only when neither works.

Each test takes a database of its own (1-15, or the range in ``CREATORSCOUT_TEST_REDIS_DBS``,
e.g. ``10-13``), claimed with a key in database 0, so tests running at the same time (or
other suites on the same server) never share keys.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from redis import Redis
from redis.exceptions import RedisError

DEFAULT = ("127.0.0.1", 6379)
#: The databases tests may claim, as ``FIRST-LAST`` (two suites on one server: give each
#: its own range).
DATABASES_ENV = "CREATORSCOUT_TEST_REDIS_DBS"


def _databases() -> range:
    text = os.environ.get(DATABASES_ENV, "1-15")
    first, _, last = text.partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError:
        raise ValueError(f"{DATABASES_ENV}={text!r}: write FIRST-LAST, e.g. 10-13") from None
    if not 1 <= low <= high <= 15:
        raise ValueError(f"{DATABASES_ENV}={text!r}: databases 1 to 15 (0 holds the claims)")
    return range(low, high + 1)


def _answers(host: str, port: int) -> bool:
    try:
        return bool(Redis(host=host, port=port, socket_connect_timeout=1).ping())
    except RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[tuple[str, int]]:
    """``(host, port)`` of a Redis that answers; skips the test when none can be had."""
    if _answers(*DEFAULT):
        yield DEFAULT
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server to start one")
    port = _free_port()
    folder = tempfile.mkdtemp(prefix="creatorscout-redis-")
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly",
         "no", "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if _answers("127.0.0.1", port):
                break
            time.sleep(0.05)
        else:
            pytest.skip("redis-server did not start")
        yield ("127.0.0.1", port)
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_database(host: str, port: int) -> Iterator[str]:
    """A ``redis://`` URL of a database no one else uses now, emptied before and after."""
    claims = Redis(host=host, port=port)
    token = uuid.uuid4().hex
    for db in _databases():
        if claims.set(f"creatorscout-test-db:{db}", token, nx=True, ex=1800):
            break
    else:
        pytest.skip("every Redis test database is in use")
    url = f"redis://{host}:{port}/{db}"
    Redis.from_url(url).flushdb()
    try:
        yield url
    finally:
        Redis.from_url(url).flushdb()
        if claims.get(f"creatorscout-test-db:{db}") == token.encode():
            claims.delete(f"creatorscout-test-db:{db}")
