"""Which worker of a shared crawl decides about a creator, and whether it is still alive.

A creator met in an answer is decided once: accepted (its posts fetched), or refused (out
of the niche, opted out, over budget). The spider marks the creator seen when it starts
deciding and decided when done. A worker killed in between leaves a creator seen and never
decided; the answer is handled again when its lease expires, and the creator must be
decided again. But "seen and not decided" is also what another worker sees while a live
worker is deciding the same creator (two answers naming them at once): deciding again then
accepts the creator twice. And a creator is also seen, with no decision started, while
they wait in the backlog for their profile: that answer decides them, not the first
mention that happens to embed their profile.

So a worker claims the decision first (:meth:`Decisions.claim`), with the lease of the
answer it is handling. A claim held under a live lease (still in the frontier's lease
hash) belongs to a live worker; an answer's lease is given back only after its creators are
decided, so a claim whose lease is gone was made by a worker that finished or died; a
seen creator with no claim at all is one waiting in the backlog (:attr:`Claim.SEEN`).

Key: ``decider`` (creator id -> the lease of the answer deciding them), under the prefix.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from redis import Redis


class Claim(IntEnum):
    #: Another live worker is deciding this creator right now: leave it to them.
    BUSY = 0
    #: Never seen: decide as usual.
    FRESH = 1
    #: Decided already (accepted, or refused and so perhaps accepted now through another
    #: source): the usual checks apply (seen, out of the niche...).
    DECIDED = 2
    #: Seen, never decided, and the worker that started deciding is gone: decide again.
    ORPHANED = 3
    #: Seen without a decision started (a candidate waiting in the backlog for its
    #: profile): the usual checks apply.
    SEEN = 4


# KEYS: decider hash, lease data hash, decided set, seen set. ARGV: creator id, lease or ''.
# A live decider comes first, decided or not: a creator refused once (out of the niche)
# may be accepted by a later answer, and two answers doing that at once must not both.
_STATE = """
local holder = redis.call('HGET', KEYS[1], ARGV[1])
local other = holder and holder ~= '' and holder ~= ARGV[2]
if other and redis.call('HEXISTS', KEYS[2], holder) == 1 then return {0, false} end
local state = 1
if redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 1 then
    state = 2
elseif redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 then
    if other then state = 3 else state = 4 end
end
"""

_CLAIM = _STATE + """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {state, true}
"""

_LOOK = _STATE + """
return {state, false}
"""


class Decisions:
    """The decision claims of one shared crawl (see the module docstring)."""

    def __init__(self, server: Redis, prefix: str, leases: str, decided: str,
                 seen: str) -> None:
        self._keys = [f"{prefix}decider", leases, decided, seen]
        self._claim = server.register_script(_CLAIM)
        self._look = server.register_script(_LOOK)

    def claim(self, creator_id: str, lease: str | None) -> Claim:
        """Claim the decision about ``creator_id`` for the answer under ``lease`` (unless
        it is :attr:`Claim.BUSY` or :attr:`Claim.DECIDED`) and say what state it is in."""
        answer: Any = self._claim(keys=self._keys, args=[creator_id, lease or ""])
        return Claim(int(answer[0]))

    def orphaned(self, creator_id: str, lease: str | None) -> bool:
        """Whether a decision about ``creator_id`` was started by a worker that is gone
        and never finished (the state :meth:`claim` would find, without claiming)."""
        answer: Any = self._look(keys=self._keys, args=[creator_id, lease or ""])
        return int(answer[0]) == Claim.ORPHANED
