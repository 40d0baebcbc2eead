"""Candidates taken from a shared backlog are held until their profile requests are queued.

A worker takes a batch of candidates from a platform's backlog (a Redis list), asks the
plugin for their profile requests and hands those to the shared queue. Popping the batch
outright would lose it to a worker killed in between; so :meth:`BacklogHolds.take` moves
the batch into a *hold* with a deadline (the frontier's lease), in one atomic script, and
the worker settles the hold once the answer that took it is done (its requests queued:
:mod:`creatorscout.crawler.handled`). A hold whose deadline passed goes back to the front
of its backlog (:meth:`BacklogHolds.restore`) and another worker takes it.

The creator budget counts the profile requests in flight (the spider's ``reserved``). A
hold carries the budget its batch reserved, less the shares of the requests already
queued or dropped as duplicates; restoring it gives that remainder back, so a worker that
dies between taking and queueing neither shrinks the budget for good nor frees it twice.
The requests it did queue are answered as usual (and give their shares back then); taking
the batch again makes the same requests, which the duplicate filter drops.

Keys (under the frontier's prefix): ``held:entries`` (hold -> its backlog's key and
entries), ``held:reserved`` (hold -> budget still reserved), ``held:deadline`` (a sorted
set), ``held:counter``. Restoring pushes to the backlog key kept in the hold, a key the
script is not passed: fine on one Redis server, which is what the frontier uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from redis import Redis

#: The meta key of a profile request whose candidates are held: the hold's id.
HOLD_META = "frontier_hold"

# KEYS: backlog, entries, deadlines, counter. ARGV: count, seconds held.
_TAKE = """
local taken = redis.call('LPOP', KEYS[1], tonumber(ARGV[1]))
if not taken then return {} end
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local id = tostring(redis.call('INCR', KEYS[4]))
redis.call('HSET', KEYS[2], id, cmsgpack.pack(KEYS[1], taken))
redis.call('ZADD', KEYS[3], t + tonumber(ARGV[2]), id)
return {id, taken}
"""

# KEYS: the spider's reserved counter, held reserved. ARGV: hold, count.
_RESERVE = """
redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
"""

# KEYS: the spider's reserved counter, held reserved, deadlines. ARGV: hold or '', share.
# A request's share given back (answered, or dropped as a duplicate): its hold, if still
# held, no longer owes it.
_RELEASE = """
redis.call('DECRBY', KEYS[1], ARGV[2])
if ARGV[1] ~= '' and redis.call('ZSCORE', KEYS[3], ARGV[1]) then
    redis.call('HINCRBY', KEYS[2], ARGV[1], -tonumber(ARGV[2]))
end
"""

# KEYS: request queue, held reserved, deadlines. ARGV: score, request, hold or '', share.
# A held batch's request queued: from now on the request owns its share of the budget.
_QUEUED = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' and redis.call('ZSCORE', KEYS[3], ARGV[3]) then
    redis.call('HINCRBY', KEYS[2], ARGV[3], -tonumber(ARGV[4]))
end
"""

# KEYS: entries, held reserved, deadlines, the spider's reserved counter.
_RESTORE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', t, 'LIMIT', 0, 100)
local returned = 0
-- the latest first: each goes to the front, so the earliest taken ends up in front
for k = #expired, 1, -1 do
    local id = expired[k]
    local data = redis.call('HGET', KEYS[1], id)
    if data then
        local backlog, entries = cmsgpack.unpack(data)
        for i = #entries, 1, -1 do redis.call('LPUSH', backlog, entries[i]) end
        returned = returned + #entries
    end
    local owed = tonumber(redis.call('HGET', KEYS[2], id) or '0')
    if owed ~= 0 then redis.call('DECRBY', KEYS[4], owed) end
    redis.call('HDEL', KEYS[1], id)
    redis.call('HDEL', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
end
return returned
"""


def hold_keys(prefix: str) -> dict[str, str]:
    return {name: f"{prefix}held:{name}" for name in ("entries", "reserved", "deadline",
                                                       "counter")}


class BacklogHolds:
    """The holds of one shared crawl (see the module docstring)."""

    def __init__(self, server: Redis, prefix: str, seconds: float) -> None:
        self.server = server
        self.seconds = seconds
        self.keys = hold_keys(prefix)
        self.reserved_key = f"{prefix}reserved"  # the spider's SharedCounter("reserved")
        self._take = server.register_script(_TAKE)
        self._reserve = server.register_script(_RESERVE)
        self._release = server.register_script(_RELEASE)
        self._queued = server.register_script(_QUEUED)
        self._restore = server.register_script(_RESTORE)

    def take(self, backlog: str, count: int) -> tuple[str | None, list[bytes]]:
        """Up to ``count`` entries from the front of the list ``backlog``, held; with the
        hold's id (None when nothing was taken)."""
        if count <= 0:
            return None, []
        keys = self.keys
        answer: Any = self._take(keys=[backlog, keys["entries"], keys["deadline"],
                                       keys["counter"]], args=[count, self.seconds])
        if not answer:
            return None, []
        return answer[0].decode(), [bytes(body) for body in answer[1]]

    def reserve(self, hold: str | None, count: int) -> None:
        """Add ``count`` to the crawl's reserved budget, owed by ``hold``."""
        if count and hold is not None:
            self._reserve(keys=[self.reserved_key, self.keys["reserved"]], args=[hold, count])
        elif count:
            self.server.incrby(self.reserved_key, count)

    def release(self, hold: str | None, share: int) -> None:
        """A request's ``share`` of the budget is given back."""
        if share:
            self._release(keys=[self.reserved_key, self.keys["reserved"],
                                self.keys["deadline"]], args=[hold or "", share])

    def queue(self, queue: str, score: float, request: bytes, hold: str | None,
              share: int) -> None:
        """Add an encoded request to the sorted-set ``queue``; its hold no longer owes
        its share."""
        self._queued(keys=[queue, self.keys["reserved"], self.keys["deadline"]],
                     args=[score, request, hold or "", share])

    def settle(self, holds: Iterable[str]) -> None:
        """These holds' requests are all queued: forget them."""
        ids = list(holds)
        if ids:
            pipe = self.server.pipeline()
            pipe.hdel(self.keys["entries"], *ids)
            pipe.hdel(self.keys["reserved"], *ids)
            pipe.zrem(self.keys["deadline"], *ids)
            pipe.execute()

    def restore(self) -> int:
        """Put every hold whose deadline passed back at the front of its backlog and give
        back the budget it still owed; the number of entries returned."""
        keys = self.keys
        return int(self._restore(keys=[keys["entries"], keys["reserved"], keys["deadline"],
                                       self.reserved_key]))

    def held(self) -> int:
        return int(self.server.zcard(self.keys["deadline"]))
