"""The test kit for platform plugins: ``from creatorscout.testing import ...``.

Installed with creatorscout and registered as a pytest plugin (entry point ``pytest11``),
so a plugin's tests get these fixtures without any ``conftest.py``:

* ``replay_server(responses=..., fallback=...)``: saved responses over real HTTP on
  127.0.0.1 (:class:`ReplayServer`), stopped after the test;
* ``scout_plugin(PlatformClass | module | "module:object")``: the plugin registered
  through a real entry point for one test, always unregistered afterwards;
* ``scout_crawl(niche, base_urls=..., ...)``: a real crawl in a child process that
  returns the scored items, the stats and the log (:class:`CrawlRun`).

and :class:`PlatformContract`, the contract test class every plugin subclasses. See
docs/plugins.md.
"""

from creatorscout.testing.coverage import Coverage, load_baseline, measure, write_baseline
from creatorscout.testing.crawl import CrawlFailed, CrawlRun, run_crawl_in_child
from creatorscout.testing.fetch import fetch
from creatorscout.testing.register import RegisteredPlugin, registered_plugin
from creatorscout.testing.replay import ReplayServer
from creatorscout.testing.saved import Saved, load_folder, load_saved, local_base_url, local_url


def __getattr__(name: str) -> object:
    # The contract class imports pytest; load it only when asked for, so importing the kit
    # (e.g. from `scout plugins check`) does not need pytest.
    if name == "PlatformContract":
        from creatorscout.testing.contract import PlatformContract

        return PlatformContract
    raise AttributeError(name)


__all__ = [
    "Coverage",
    "CrawlFailed",
    "CrawlRun",
    "PlatformContract",
    "RegisteredPlugin",
    "ReplayServer",
    "Saved",
    "fetch",
    "load_baseline",
    "load_folder",
    "load_saved",
    "local_base_url",
    "local_url",
    "measure",
    "registered_plugin",
    "run_crawl_in_child",
    "write_baseline",
]
