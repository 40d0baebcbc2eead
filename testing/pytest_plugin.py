"""pytest fixtures and markers for plugin authors (loaded through the ``pytest11`` entry
point).

Markers, registered here so that every plugin's test run knows them:

* ``crawl``: the test runs a real crawl in a child process (Scrapy, HTTP, the index);
  the contract's crawl tests and anything using ``scout_crawl`` carry it;
* ``install``: the test pip-installs a distribution into a fresh virtual environment.

Both are slow: ``pytest -m "not crawl and not install"`` is the quick loop.

Kept light: importing this module must not start anything (pytest loads it in every run
in an environment where creatorscout is installed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from creatorscout.testing.crawl import CrawlRun, run_crawl_in_child
from creatorscout.testing.register import PluginTarget, RegisteredPlugin, registered_plugin
from creatorscout.testing.replay import ReplayServer
from creatorscout.testing.saved import Saved, load_folder

MARKERS = {
    "crawl": "runs a real crawl in a child process (Scrapy, HTTP, the index); slow",
    "install": "pip-installs a distribution into a fresh virtual environment; slow",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for ``scout_crawl`` runs a crawl: mark it so."""
    for item in items:
        if "scout_crawl" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.crawl)


@pytest.fixture
def replay_server() -> Iterator[Callable[..., ReplayServer]]:
    """Start replay servers: ``replay_server(saved_list_or_folder, fallback=None)``."""
    with ExitStack() as stack:

        def start(
            responses: list[Saved] | Path | str | None = None, *, fallback: Saved | None = None
        ) -> ReplayServer:
            if isinstance(responses, Path | str):
                responses = load_folder(Path(responses))
            return stack.enter_context(ReplayServer(responses, fallback=fallback))

        yield start


@pytest.fixture
def scout_plugin() -> Iterator[Callable[..., RegisteredPlugin]]:
    """Register plugins for this test: ``scout_plugin(Lemmy)``; unregistered afterwards,
    whether the test passed, failed or raised."""
    with ExitStack() as stack:

        def register(plugin: PluginTarget, **kwargs: Any) -> RegisteredPlugin:
            return stack.enter_context(registered_plugin(plugin, **kwargs))

        yield register


@pytest.fixture
def scout_crawl(tmp_path: Path) -> Callable[..., CrawlRun]:
    """Run a real crawl in a child process: ``scout_crawl(niche, base_urls={...})``."""
    counter = iter(range(1_000_000))

    def crawl(niche: Any, **kwargs: Any) -> CrawlRun:
        kwargs.setdefault("folder", tmp_path / f"crawl{next(counter)}")
        return run_crawl_in_child(niche, **kwargs)

    return crawl
