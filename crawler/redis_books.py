"""The crawl-wide books in Redis, for crawls shared by many workers (``--frontier``).

The same interface as the on-disk books (:mod:`creatorscout.crawler.books`): sets of keys
and FIFO queues of bytes, plus the map of creators whose posts are being fetched, so the
spider and pipelines work unchanged whichever store holds their books. Every key lives
under the frontier's prefix; nothing is deleted when a worker closes (the books belong to
the crawl, not to the worker), only when the crawl is reset (:mod:`creatorscout.crawler.frontier`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from redis import Redis

from creatorscout.crawler.spider import Pending
from creatorscout.plugins.models import Creator, Post


class RedisStore:
    """Sets and queues of one crawl in Redis, under ``prefix``."""

    def __init__(self, server: Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix

    def set(self, name: str) -> RedisSet:
        return RedisSet(self.server, f"{self.prefix}set:{name}")

    def queues(self, name: str) -> RedisQueues:
        return RedisQueues(self.server, f"{self.prefix}queue:{name}:")

    def pending(self) -> RedisPending:
        return RedisPending(self.server, f"{self.prefix}pending")

    def close(self) -> None:
        """Nothing to drop: the books outlive the worker."""


class RedisSet:
    """A set of strings: ``in``, ``add``, ``discard``, ``update``, ``len``, iteration."""

    def __init__(self, server: Redis, key: str) -> None:
        self.server = server
        self.key = key

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and bool(self.server.sismember(self.key, key))

    def add(self, key: str) -> bool:
        """Add ``key``; True when it was not in the set (atomic: of two workers adding the
        same key at once, one gets True)."""
        return bool(self.server.sadd(self.key, key))

    def update(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            self.server.sadd(self.key, *keys)

    def discard(self, key: str) -> None:
        self.server.srem(self.key, key)

    def __len__(self) -> int:
        return int(self.server.scard(self.key))

    def __iter__(self) -> Iterator[str]:
        members: Any = self.server.smembers(self.key)
        return iter(sorted(m.decode() if isinstance(m, bytes) else str(m) for m in members))


class RedisQueues:
    """FIFO queues of bytes, one per name (``queues["mastodon"]``)."""

    def __init__(self, server: Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix

    def __getitem__(self, name: str) -> RedisQueue:
        return RedisQueue(self.server, f"{self.prefix}{name}")


class RedisQueue:
    """One FIFO queue shared by every worker: ``append``, ``take``, ``popleft``, ``clear``."""

    def __init__(self, server: Redis, key: str) -> None:
        self.server = server
        self.key = key

    def append(self, body: bytes) -> None:
        self.server.rpush(self.key, body)

    def take(self, count: int) -> list[bytes]:
        """Remove and return up to ``count`` entries from the front (atomic: two workers
        never take the same entry)."""
        if count <= 0:
            return []
        taken: Any = self.server.lpop(self.key, count)
        return [bytes(body) for body in taken or []]

    def popleft(self) -> bytes:
        taken = self.take(1)
        if not taken:
            raise IndexError("pop from an empty queue")
        return taken[0]

    def clear(self) -> None:
        self.server.delete(self.key)

    def __len__(self) -> int:
        return int(self.server.llen(self.key))

    def __bool__(self) -> bool:
        return len(self) > 0


class RedisPending:
    """Creators accepted and waiting for their posts, shared: a worker may fetch one page of
    a creator's posts and another the next. Maps creator id -> the spider's ``Pending``."""

    def __init__(self, server: Redis, key: str) -> None:
        self.server = server
        self.key = key

    def _posts_key(self, creator_id: str) -> str:
        return f"{self.key}:posts:{creator_id}"

    def __contains__(self, creator_id: object) -> bool:
        return isinstance(creator_id, str) and bool(self.server.hexists(self.key, creator_id))

    def __setitem__(self, creator_id: str, pending: Pending) -> None:
        head = {"creator": pending.creator.model_dump(mode="json"), "via": pending.via,
                "depth": pending.depth}
        pipe = self.server.pipeline()
        pipe.delete(self._posts_key(creator_id))
        if pending.posts:
            pipe.rpush(self._posts_key(creator_id), *[p.model_dump_json() for p in pending.posts])
        pipe.hset(self.key, creator_id, json.dumps(head))
        pipe.execute()

    def add_posts(self, creator_id: str, posts: list[Post]) -> None:
        if posts and creator_id in self:
            self.server.rpush(self._posts_key(creator_id), *[p.model_dump_json() for p in posts])

    def get(self, creator_id: str) -> Pending | None:
        """A creator's ``Pending`` with its posts so far, left in place (None: unknown)."""
        pipe = self.server.pipeline()
        pipe.hget(self.key, creator_id)
        pipe.lrange(self._posts_key(creator_id), 0, -1)
        head, posts = pipe.execute()
        if head is None:
            return None
        data = json.loads(head)
        return Pending(
            creator=Creator.model_validate(data["creator"]), via=data["via"],
            depth=int(data["depth"]),
            posts=[Post.model_validate_json(body) for body in posts],
        )

    def remove(self, creator_ids: list[str]) -> None:
        if creator_ids:
            pipe = self.server.pipeline()
            pipe.hdel(self.key, *creator_ids)
            pipe.delete(*[self._posts_key(c) for c in creator_ids])
            pipe.execute()

    def pop(self, creator_id: str, default: Any = None) -> Any:
        """Remove and return a creator's ``Pending``; ``default`` when unknown."""
        pending = self.get(creator_id)
        if pending is None:
            return default
        self.remove([creator_id])
        return pending

    def __len__(self) -> int:
        return int(self.server.hlen(self.key))
