"""Helpers shared by the benchmark scripts: the machine, the sandbox, timing, reporting.

Every benchmark script prints its figures as readable lines and, last, one line
``BENCH_RESULT {json}`` that :mod:`run_all` collects. ``--json FILE`` writes the same
JSON to a file. Ratios are always against a baseline measured in the same run, so they
hold on a noisy machine; absolute figures depend on the machine, which is printed first.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

RESULT_PREFIX = "BENCH_RESULT "
BENCH_DIR = Path(__file__).resolve().parent

LIBRARIES = ("scrapy", "twisted", "pydantic", "pydantic-core", "lxml", "networkx", "igraph",
             "elasticsearch", "creatorscout")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def machine_info() -> dict[str, Any]:
    """What the figures were measured on: cores, memory, CPU, Python, library versions."""
    versions: dict[str, str] = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["sqlite"] = sqlite3.sqlite_version
    memory = _memory_bytes()
    affinity = getattr(os, "sched_getaffinity", None)
    return {
        "nproc": len(affinity(0)) if affinity else os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1) if memory else None,
        "cpu": _cpu_model(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def machine_line(info: dict[str, Any] | None = None) -> str:
    info = info or machine_info()
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    load = load_average()
    busy = f"; load average {load[0]:.1f}" if load else ""
    return (f"machine: {info['nproc']} cores ({info['cpu']}), {info['memory_gib']} GiB, "
            f"{info['os']}, Python {info['python']}; {versions}{busy}")


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def emit(name: str, result: dict[str, Any], json_path: str | None = None) -> None:
    """Print the machine-readable result line (and write it to ``json_path``)."""
    payload = {"benchmark": name, "machine": machine_info(), "load_average": load_average(),
               **result}
    text = json.dumps(payload, default=str)
    if json_path:
        Path(json_path).write_text(json.dumps(payload, default=str, indent=2) + "\n",
                                   encoding="utf-8")
    print(RESULT_PREFIX + text, flush=True)


def say(text: str = "") -> None:
    print(text, flush=True)


# -- the sandbox ---------------------------------------------------------------------------


def use_sandbox_keys() -> None:
    """Give this process (and the crawls it starts) the demo's sandbox keys, so platforms
    that need one (YouTube) are measured too; never a user's real key: the sandbox takes
    any."""
    try:
        from creatorscout.cli.demo import SANDBOX_KEYS
    except ImportError:  # a version without keyed platforms
        return
    os.environ.update(SANDBOX_KEYS)


use_sandbox_keys()


def _demo_base_urls(sandbox_url: str) -> dict[str, str]:
    """The platform -> sandbox base URL map the demo uses (kept by the platforms' authors),
    or an empty map when this version has none."""
    try:
        from creatorscout.cli.demo import sandbox_base_urls
    except ImportError:
        return {}
    return dict(sandbox_base_urls(sandbox_url))


def sandbox_platforms(wanted: Sequence[str] = ()) -> list[str]:
    """Registered platforms that the sandbox speaks (a dialect of the same name, or an entry
    in the demo's base-URL map).

    Platforms and dialects added later are picked up without touching the benchmarks.
    ``wanted`` restricts the list; an unknown name raises ``SystemExit`` (usage error).
    """
    from creatorscout.plugins.manager import get_plugin_manager
    from creatorscout.sandbox.server import SandboxServer
    from creatorscout.sandbox.world import build_world

    registered = set(get_plugin_manager().platforms())
    server = SandboxServer(build_world(seed=1, creators=20))
    try:
        served = set(server.dialects) | set(_demo_base_urls(server.url))
    finally:
        server.stop()
    available = sorted(registered & served)
    if wanted:
        unknown = [name for name in wanted if name not in available]
        if unknown:
            raise SystemExit(
                f"error: platform '{unknown[0]}' has no sandbox dialect or is not installed; "
                f"available: {', '.join(available) or 'none'}"
            )
        return list(wanted)
    return available


def sandbox_base_url(platform_name: str, sandbox_url: str) -> str:
    """Where platform ``platform_name`` is served by the sandbox at ``sandbox_url``.

    The demo's map when it names the platform; otherwise the sandbox's layout: each dialect
    under ``/{name}``, a federated platform (``{instance}`` or ``{host}`` in its default base
    URL) with one server per instance or host below that.
    """
    mapped = _demo_base_urls(sandbox_url).get(platform_name)
    if mapped:
        return mapped
    from creatorscout.plugins.manager import get_plugin_manager

    cls = get_plugin_manager().platforms()[platform_name]
    base = f"{sandbox_url.rstrip('/')}/{platform_name}"
    for placeholder in ("{instance}", "{host}"):
        if placeholder in cls.default_base_url:
            return f"{base}/{placeholder}"
    return base


def niche_order(preferred: str) -> list[str]:
    """``preferred`` first, then the other shipped niches: a platform that finds nobody in
    one niche (GitHub has no vegan cooks) is measured in the next."""
    from creatorscout.config import list_niches

    return [preferred] + [n.name for n in list_niches() if n.name != preferred]


@contextmanager
def sandbox(creators: int, seed: int) -> Iterator[str]:
    """The sandbox in its own process (so it never shares a CPU budget or RSS with the
    measured process); yields its URL."""
    from creatorscout.sandbox.process import start_sandbox_process

    with start_sandbox_process(creators=creators, seed=seed, timeout=600) as url:
        yield url


# -- processes -----------------------------------------------------------------------------


def python_child(script: str, *args: str, timeout: float | None = None
                 ) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/<script>`` with this interpreter; raise with its stderr on failure."""
    command = [sys.executable, str(BENCH_DIR / script), *args]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                               stdin=subprocess.DEVNULL)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}):\n"
                           f"{completed.stderr[-4000:]}")
    return completed


def rss_bytes(pid: int) -> tuple[int, int] | None:
    """(current RSS, peak RSS) of a process from /proc, or ``None`` when unavailable."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    values: dict[str, int] = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) * 1024
    if "VmRSS" not in values:
        return None
    return values["VmRSS"], values.get("VmHWM", values["VmRSS"])


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds``."""

    def __enter__(self) -> Stopwatch:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def mib(value: float) -> str:
    return f"{value / 2**20:,.0f} MiB"
