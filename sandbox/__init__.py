"""The sandbox: a local fake of the platforms' APIs over a seeded synthetic creator world.

Tests, benchmarks, the demo and plugin authors use it instead of the internet::

    from creatorscout.sandbox import build_world, SandboxServer

    world = build_world(seed=42, creators=2000)       # deterministic, see world.py
    with SandboxServer(world) as server:               # 127.0.0.1, a free port
        api = f"{server.url}/mastodon/vegan.social"     # Mastodon API base of one server
        ...
    world.truth("lena@vegan.social")                    # what a perfect crawler would find

Modules: :mod:`~creatorscout.sandbox.world` (the world and its ground truth, documented in
prose), :mod:`~creatorscout.sandbox.vocab` (topic vocabularies),
:mod:`~creatorscout.sandbox.mastodon_api` (the Mastodon dialect),
:mod:`~creatorscout.sandbox.server` (HTTP server, ``run``, ``start_sandbox_process``).
"""

from __future__ import annotations

from creatorscout.sandbox.process import start_sandbox_process
from creatorscout.sandbox.server import SandboxServer, run
from creatorscout.sandbox.vocab import INSTANCES, NICHES
from creatorscout.sandbox.world import ANCHOR, Truth, World, build_world

__all__ = [
    "ANCHOR",
    "INSTANCES",
    "NICHES",
    "SandboxServer",
    "Truth",
    "World",
    "build_world",
    "run",
    "start_sandbox_process",
]
