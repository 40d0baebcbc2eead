"""What the test modules share: one sandbox for the whole session.

The sandbox (the local fake of the platforms' APIs) is a seeded synthetic world of
:data:`SANDBOX_CREATORS` creators (seed :data:`SANDBOX_SEED`), served on 127.0.0.1 from a
thread of the test process. Dialect tests read it directly; real crawls (child processes)
reach it over HTTP. Building the world and starting the server once, instead of once per
module, is most of what a module-scoped sandbox cost. Tests that need a sandbox with faults
(rate limits, injected 429s) start their own.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from creatorscout.sandbox import SandboxServer, build_world
from creatorscout.sandbox.world import World

SANDBOX_SEED = 7
SANDBOX_CREATORS = 600


@pytest.fixture(scope="session")
def sandbox_world() -> World:
    """The synthetic world the shared sandbox serves (seed 7, 600 creators)."""
    return build_world(seed=SANDBOX_SEED, creators=SANDBOX_CREATORS)


@pytest.fixture(scope="session")
def sandbox_server(sandbox_world: World) -> Iterator[SandboxServer]:
    """The shared sandbox, started; its base URL is ``sandbox_server.url``."""
    with SandboxServer(sandbox_world) as server:
        yield server
