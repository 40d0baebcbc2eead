"""Run the sandbox as a child process (tests, the demo): no port races, clean shutdown.

The child binds port 0 and prints its URL as its first line (Scrapy's mock-server
pattern); the parent reads that line, yields the URL, and terminates the child on exit.
"""

from __future__ import annotations

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from creatorscout.sandbox.options import FaultOptions, SandboxOptions

_FIRST_LINE = re.compile(r"^sandbox: (?P<url>http://\S+) \(")


def sandbox_command(creators: int = 2000, seed: int = 42, *, verbose: bool = False,
                    **faults: Any) -> list[str]:
    """The command line that serves this world on a free port."""
    options = SandboxOptions(creators=creators, seed=seed, verbose=verbose, **faults)
    command = [sys.executable, "-m", "creatorscout.sandbox", "--port", "0",
               "--creators", str(options.creators), "--seed", str(options.seed)]
    defaults = FaultOptions()
    for name, value in options.faults().model_dump().items():
        if value != getattr(defaults, name):
            command += [f"--{name.replace('_', '-')}", str(value)]
    if verbose:
        command.append("--verbose")
    return command


def _read_line(stream: IO[str], lines: queue.Queue[str]) -> None:
    lines.put(stream.readline())


@contextmanager
def start_sandbox_process(creators: int = 2000, seed: int = 42, *, timeout: float = 120.0,
                          verbose: bool = False, **faults: Any) -> Iterator[str]:
    """Start ``python -m creatorscout.sandbox`` and yield its base URL.

    ``faults`` are the :class:`~creatorscout.sandbox.options.FaultOptions` fields
    (``fail_every=3``...). The child is terminated (then killed if it lingers) on exit.
    """
    command = sandbox_command(creators, seed, verbose=verbose, **faults)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               text=True, encoding="utf-8")
    try:
        assert process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_read_line, args=(process.stdout, lines), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"the sandbox did not start within {timeout:.0f}s") from None
        found = _FIRST_LINE.match(line)
        if found is None:
            process.wait(timeout=5)
            raise RuntimeError(
                f"the sandbox did not start (exit code {process.returncode}): {line.strip()!r}"
            )
        yield found.group("url")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
