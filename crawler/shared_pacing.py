"""Rate limits shared by every worker of a crawl: the per-slot schedule in Redis.

One machine paces each download slot (platform and host) in memory
(:class:`creatorscout.crawler.ratelimit.LocalPacing`). Workers of a shared crawl
(``--frontier``) each see only their own requests, so N of them would together send N times
a platform's limit. Here the schedule is the crawl's: a request takes the slot's turn when
it has come, in one atomic script on Redis's clock (the workers' clocks may differ), and the
pace read from rate-limit headers and the waits after 429/503 are written there for all.
"""

from __future__ import annotations

from typing import Any

from redis import Redis

#: Seconds between a slot's requests until its first answer sets the pace.
PROBE_GAP = 0.5

# KEYS: next allowed time, pace; ARGV: the gap before the pace is known. Takes the turn when
# it has come (returns 0), else returns the seconds until it comes and takes nothing (see
# Pacing.reserve). As a string: Lua numbers are truncated to integers on the way back.
_RESERVE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local turn = tonumber(redis.call('GET', KEYS[1]) or t)
if turn > t then return tostring(turn - t) end
-- before the platform's first answer says how fast to go, one request at a time: a burst
-- of every worker's first requests could empty a small bucket at once
local pace = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
redis.call('SET', KEYS[1], tostring(t + pace), 'EX', 86400)
return '0'
"""

# KEYS: next allowed time, pace; ARGV: the pace. The next turn is one pace from now at the
# soonest (see Pacing.set_pace).
_SET_PACE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('SET', KEYS[2], ARGV[1], 'EX', 86400)
local soonest = t + tonumber(ARGV[1])
if soonest > tonumber(redis.call('GET', KEYS[1]) or 0) then
    redis.call('SET', KEYS[1], tostring(soonest), 'EX', 86400)
end
return 1
"""

# KEYS: next allowed time (pushed to now + ARGV[1] at least).
_BLOCK = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local until_ = t + tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
    if until_ > tonumber(redis.call('GET', key) or 0) then
        redis.call('SET', key, tostring(until_), 'EX', 86400)
    end
end
return 1
"""


class RedisPacing:
    """The per-slot schedule of a shared crawl, in Redis under ``prefix``."""

    def __init__(self, server: Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix
        self._reserve = server.register_script(_RESERVE)
        self._set_pace = server.register_script(_SET_PACE)
        self._block = server.register_script(_BLOCK)

    def _keys(self, slot: str) -> list[str]:
        return [f"{self.prefix}pace:next:{slot}", f"{self.prefix}pace:gap:{slot}"]

    def reserve(self, slot: str) -> float:
        return float(self._reserve(keys=self._keys(slot), args=[PROBE_GAP]))

    def set_pace(self, slot: str, seconds: float) -> None:
        self._set_pace(keys=self._keys(slot), args=[repr(seconds)])

    def block(self, slot: str, seconds: float) -> None:
        self._block(keys=self._keys(slot)[:1], args=[seconds])


def shared_pacing(settings: Any) -> RedisPacing | None:
    """The shared schedule when the crawl has a frontier; None on one machine, or when
    ``CREATORSCOUT_SHARED_RATELIMIT`` is off (each worker paces itself)."""
    url = settings.get("CREATORSCOUT_FRONTIER")
    if not url or not settings.getbool("CREATORSCOUT_SHARED_RATELIMIT", True):
        return None
    from creatorscout.crawler.frontier import PREFIX, redis_from_url

    return RedisPacing(redis_from_url(url), PREFIX)
