"""Rate-limit buckets, injected faults and request statistics of the sandbox server.

Rate limits use fixed windows aligned to the epoch, as Rack::Attack does for Mastodon: a
5-minute window resets at :00, :05, :10... The clock here *is* the wall clock: the limits
are about the server's bucket, not about the synthetic world.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any


@dataclass(frozen=True)
class Quota:
    """The state of a bucket after a request."""

    allowed: bool
    limit: int
    remaining: int
    reset_epoch: float


class RateLimiter:
    """``limit`` requests per ``window`` seconds per (scope, client)."""

    def __init__(self, limit: int, window: int, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._buckets: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = Lock()

    def hit(self, scope: str, client: str) -> Quota:
        """Count one request and say whether it is allowed."""
        now = self._clock()
        start = int(now // self.window) * self.window
        with self._lock:
            window_start, count = self._buckets.get((scope, client), (start, 0))
            if window_start != start:
                count = 0
            count += 1
            self._buckets[(scope, client)] = (start, count)
        return Quota(allowed=count <= self.limit, limit=self.limit,
                     remaining=max(0, self.limit - count), reset_epoch=start + self.window)


class FaultInjector:
    """Decides which API requests fail on purpose: every Nth answers 429 or 503."""

    def __init__(self, fail_every: int = 0, unavailable_every: int = 0) -> None:
        self.fail_every = fail_every
        self.unavailable_every = unavailable_every
        self._count = 0
        self._lock = Lock()

    def next(self) -> int | None:
        """Count an API request; return 429 or 503 when it must fail, else ``None``."""
        with self._lock:
            self._count += 1
            count = self._count
        if self.fail_every and count % self.fail_every == 0:
            return 429
        if self.unavailable_every and count % self.unavailable_every == 0:
            return 503
        return None


class SandboxStats:
    """What the server was asked, for tests: counters by endpoint kind and status, and a log.

    ``by_kind`` keys are ``"{dialect}.{kind}"`` (``"mastodon.account_statuses"``...);
    ``by_scope`` counts per fake server (``"mastodon/vegan.social"``); ``faults`` counts
    injected 429/503 and rate-limited requests; ``log`` keeps the last 10,000 requests as
    ``(method, path_and_query, status)``.
    """

    def __init__(self) -> None:
        self._lock = Lock()
        self.total = 0
        self.by_kind: Counter[str] = Counter()
        self.by_status: Counter[int] = Counter()
        self.by_scope: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.log: deque[tuple[str, str, int]] = deque(maxlen=10_000)

    def record(self, method: str, target: str, kind: str, scope: str | None, status: int,
               fault: str | None = None) -> None:
        """Count one answered request."""
        with self._lock:
            self.total += 1
            self.by_kind[kind] += 1
            self.by_status[status] += 1
            if scope:
                self.by_scope[scope] += 1
            if fault:
                self.faults[fault] += 1
            self.log.append((method, target, status))

    def snapshot(self) -> dict[str, Any]:
        """A consistent copy of all counters."""
        with self._lock:
            return {
                "total": self.total,
                "by_kind": dict(self.by_kind),
                "by_status": dict(self.by_status),
                "by_scope": dict(self.by_scope),
                "faults": dict(self.faults),
            }

    def reset(self) -> None:
        """Forget everything."""
        with self._lock:
            self.total = 0
            self.by_kind.clear()
            self.by_status.clear()
            self.by_scope.clear()
            self.faults.clear()
            self.log.clear()
