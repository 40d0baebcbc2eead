"""The shared frontier of a crawl spread over many workers: scrapy-redis plus a lease.

``scout crawl NICHE --frontier redis://HOST:6379/0`` starts a coordinated crawl and
``scout worker --frontier URL`` joins it, from any machine. The engine is scrapy-redis: its
scheduler keeps the requests in a Redis sorted set (by priority) and its duplicate filter
keeps the request fingerprints in a Redis set, so every worker takes from, and adds to, one
frontier.

scrapy-redis *pops* a request: a worker killed while it holds one loses it. The reliable-
queue step it lacks is :class:`LeasedPriorityQueue`: popping moves the request into a lease
(a Redis hash plus a sorted set of deadlines) in the same atomic script, the spider gives
the lease back once the answer is handled and everything it produced (follow-up requests,
indexed creators) is stored (:mod:`creatorscout.crawler.handled` says when that is), and
any worker's next pop first puts the requests whose lease expired back into the queue.
Candidates a worker takes from the shared backlog are held the same way until their
profile requests are queued (:mod:`creatorscout.crawler.holds`). A request is therefore
handled at least once; everything the crawl does with it is idempotent (the index upserts
by id, the books are sets).

Keys (under ``creatorscout:`` in the frontier's database): ``args`` (the crawl's
arguments, for workers), ``requests``, ``dupefilter``, ``lease:*``, ``held:*``, the books
(:mod:`creatorscout.crawler.redis_books`), ``accepted``, ``discovered`` (discovery ran),
``crawl-end`` (the lock of the one worker that runs the crawl-end passes), ``finished``.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from scrapy import Request
from scrapy_redis.queue import PriorityQueue

from creatorscout.crawler.holds import HOLD_META, BacklogHolds, hold_keys

# scrapy-redis 0.9 still passes ``spider=`` to the stats collector, which Scrapy 2.13+
# deprecates; a warning per request says nothing a user can act on.
warnings.filterwarnings("ignore", message="Passing a 'spider' argument",
                        module="scrapy_redis")

logger = logging.getLogger(__name__)

PREFIX = "creatorscout:"
#: Seconds a worker holds a request before another may take it (``CREATORSCOUT_LEASE``).
#: Longer than any request takes, rate-limit waits included, or a slow request is done twice.
DEFAULT_LEASE = 900.0
#: The crawl-end lock's expiry: if its holder dies, another worker may run the passes.
CRAWL_END_LOCK = 3600

# KEYS: queue, lease data, lease scores, lease deadlines, lease counter.
# ARGV: lease seconds. Expired leases go back first, then the best request is leased.
_POP = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', t, 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
    local data = redis.call('HGET', KEYS[2], id)
    if data then
        redis.call('ZADD', KEYS[1], redis.call('HGET', KEYS[3], id), data)
    end
    redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
end
local best = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #best == 0 then return {#expired} end
redis.call('ZREM', KEYS[1], best[1])
local id = tostring(redis.call('INCR', KEYS[5]))
redis.call('HSET', KEYS[2], id, best[1])
redis.call('HSET', KEYS[3], id, best[2])
redis.call('ZADD', KEYS[4], t + tonumber(ARGV[1]), id)
return {#expired, id, best[1]}
"""


def lease_keys(prefix: str = PREFIX) -> list[str]:
    return [f"{prefix}lease:data", f"{prefix}lease:score", f"{prefix}lease:deadline",
            f"{prefix}lease:counter"]


def ack(server: Redis, lease: str, prefix: str = PREFIX) -> None:
    """The leased request is done: forget it (idempotent)."""
    data, score, deadline, _ = lease_keys(prefix)
    pipe = server.pipeline()
    pipe.hdel(data, lease)
    pipe.hdel(score, lease)
    pipe.zrem(deadline, lease)
    pipe.execute()


class LeasedPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue with a lease on every pop (see the module docstring)."""

    lease_seconds = DEFAULT_LEASE

    def __init__(self, server: Redis, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = getattr(getattr(spider, "crawler", None), "settings", None)
        if settings is not None:
            self.lease_seconds = settings.getfloat("CREATORSCOUT_LEASE", DEFAULT_LEASE)
        self._pop = server.register_script(_POP)
        self.holds = BacklogHolds(server, PREFIX, self.lease_seconds)
        self.requeued = 0

    def push(self, request: Request) -> None:
        # A request retried (a 429 waited out) comes back with its old lease: it is safe in
        # the queue again, so that lease is done.
        lease = request.meta.pop("frontier_lease", None)
        # A profile request of a held batch: queued and relieving its hold of its budget
        # share in one step (crawler/holds.py).
        self.holds.queue(self.key, -request.priority, self._encode_request(request),
                         request.meta.get(HOLD_META), int(request.meta.get("reserved", 0)))
        if lease is not None:
            ack(self.server, lease)

    def pop(self, timeout: int = 0) -> Request | None:
        answer = self._pop(keys=[self.key, *lease_keys()], args=[self.lease_seconds])
        self.requeued += int(answer[0])
        if len(answer) < 3:
            return None
        request: Request = self._decode_request(answer[2])
        request.meta["frontier_lease"] = answer[1].decode()
        return request


def redis_from_url(url: str) -> Redis:
    """A client for ``redis://host:port/db``; ValueError (one line) when the URL is not one."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"--frontier {url}: use redis://HOST:6379/DB")
    return Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)


class Frontier:
    """What the workers of one crawl agree on, in Redis."""

    def __init__(self, url: str, prefix: str = PREFIX) -> None:
        self.url = url
        self.prefix = prefix
        self.server = redis_from_url(url)

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    # -- the crawl's arguments ------------------------------------------------------------

    def publish(self, args: dict[str, Any]) -> bool:
        """Make ``args`` the frontier's crawl. True when a new crawl starts; False when the
        same crawl is already under way (this run joins it). ValueError when another,
        unfinished crawl holds the frontier."""
        current = self.args()
        if current is not None and not self.finished():
            if current != args:
                raise ValueError(
                    f"the frontier {self.url} is busy with another crawl "
                    f"({current.get('niche')}); wait for it, or use another database"
                )
            return False
        self.reset()
        self.server.set(self.key("args"), json.dumps(args, sort_keys=True))
        return True

    def args(self) -> dict[str, Any] | None:
        raw: Any = self.server.get(self.key("args"))
        return None if raw is None else dict(json.loads(raw))

    def wait_for_args(self, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while True:
            args = self.args()
            if args is not None and not self.finished():
                return args
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.5)

    def reset(self) -> None:
        """Drop every key of the previous crawl on this frontier."""
        keys = list(self.server.scan_iter(match=f"{self.prefix}*", count=1000))
        for start in range(0, len(keys), 500):
            self.server.delete(*keys[start:start + 500])

    # -- coordination -----------------------------------------------------------------------

    def claim_discovery(self) -> bool:
        """True for the one worker that runs discovery."""
        return bool(self.server.set(self.key("discovered"), "1", nx=True))

    def leased(self) -> int:
        return int(self.server.zcard(lease_keys(self.prefix)[2]))

    def queued(self) -> int:
        return int(self.server.zcard(self.key("requests")))

    def drained(self) -> bool:
        """No request waits in the queue, none is leased and no candidates are held
        (:mod:`creatorscout.crawler.holds`), read at one instant.

        Two separate reads could miss work: a worker that queues a follow-up request and
        then gives its answer's lease back between them shows an empty queue to the first
        read and no lease to the second. A worker queues what an answer brings before it
        gives the answer's lease back, so a single atomic read never misses it."""
        pipe = self.server.pipeline(transaction=True)
        pipe.zcard(self.key("requests"))
        pipe.zcard(lease_keys(self.prefix)[2])
        pipe.zcard(hold_keys(self.prefix)["deadline"])
        queued, leased, held = pipe.execute()
        return int(queued) == 0 and int(leased) == 0 and int(held) == 0

    def claim_crawl_end(self) -> bool:
        """True for the one worker that runs the crawl-end passes (a lock with expiry)."""
        return bool(self.server.set(self.key("crawl-end"), "1", nx=True, ex=CRAWL_END_LOCK))

    def finish(self) -> None:
        self.server.set(self.key("finished"), "1")

    # -- workers still storing records ----------------------------------------------------
    # A worker that finds the frontier drained may run the crawl-end passes only once every
    # other worker has stored what it fetched: a drained frontier says no request waits,
    # not that every answer's records have left their worker's buffer. Each worker keeps a
    # "storing" key alive while it may still write (a dead worker's key expires).

    def storing(self, worker: str, seconds: float) -> None:
        """Say that ``worker`` may still write records, for the next ``seconds``."""
        self.server.set(self.key(f"storing:{worker}"), "1", px=max(1, int(seconds * 1000)))

    def stored(self, worker: str) -> None:
        """Say that ``worker`` has written everything it will write."""
        self.server.delete(self.key(f"storing:{worker}"))

    def others_storing(self, worker: str) -> int:
        """How many other workers may still write records."""
        mine = self.key(f"storing:{worker}").encode()
        return sum(1 for key in self.server.scan_iter(match=self.key("storing:*"))
                   if key != mine)

    def finished(self) -> bool:
        return bool(self.server.exists(self.key("finished")))


def frontier_settings(url: str, lease: float = DEFAULT_LEASE) -> dict[str, Any]:
    """Scrapy settings that put the crawl on the shared frontier at ``url``."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "creatorscout.crawler.frontier.LeasedPriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{PREFIX}dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # a worker that ends must not empty the shared queue
        "SCHEDULER_SERIALIZER": "scrapy_redis.picklecompat",
        "REDIS_URL": url,
        "CREATORSCOUT_FRONTIER": url,
        "CREATORSCOUT_LEASE": lease,
        # a creator is stored before its requests' leases are given back: no buffer
        "CREATORSCOUT_INDEX_BATCH": 1,
        # an answer is closed when its outputs are handled one after another
        # (crawler/handled.py): never more than one at once
        "CONCURRENT_ITEMS": 1,
    }


def crawl_books(settings: Any) -> Any:
    """The store for a component's crawl-wide books: Redis when the crawl has a frontier,
    else a private file on disk (:class:`~creatorscout.crawler.books.DiskStore`)."""
    from creatorscout.crawler.books import DiskStore

    url = settings.get("CREATORSCOUT_FRONTIER")
    if not url:
        return DiskStore()
    from creatorscout.crawler.redis_books import RedisStore

    return RedisStore(redis_from_url(url), PREFIX)


def storing_seconds(settings: Any) -> float:
    """How long a worker's "storing" key lives without renewal: a dead worker delays the
    crawl-end passes by at most this (the lease, between 10 s and 120 s)."""
    return max(10.0, min(settings.getfloat("CREATORSCOUT_LEASE", DEFAULT_LEASE), 120.0))


def may_run_crawl_end(settings: Any) -> bool:
    """Whether this process runs the crawl-end passes: always on one machine; in a shared
    crawl, only the first worker to find the frontier drained (a lock with expiry). That
    worker must then wait for the others to store their records
    (:func:`others_stored`) before it runs them."""
    url = settings.get("CREATORSCOUT_FRONTIER")
    if not url:
        return True
    frontier = Frontier(url)
    if not frontier.drained():
        return False  # this worker stopped early; the others finish the crawl
    return frontier.claim_crawl_end()


#: Seconds between two looks at the other workers' "storing" keys while waiting for them.
STORED_POLL = 0.2
#: Seconds between two log lines saying the crawl-end passes still wait.
STORED_NOTICE = 30.0


async def others_stored(frontier: Frontier, worker: str) -> None:
    """Return once no worker but ``worker`` may still write records.

    A drained frontier says that no request waits, not that every answer's records have
    left their worker (one may still be handling its last answers, or pushing the profile
    requests it took from the backlog). Each live worker keeps its "storing" key alive
    until it has stored everything, and a killed worker's key expires within
    :func:`storing_seconds`: so this wait ends, and there is no deadline after which the
    passes would run under a worker still writing (its late records would miss them).

    It waits without blocking the reactor (Scrapy's, in the pipeline's ``close_spider``):
    the process goes on logging and answering signals meanwhile."""
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    started = last_notice = time.monotonic()
    while True:
        others = frontier.others_storing(worker)
        if not others:
            return
        now = time.monotonic()
        if now - last_notice >= STORED_NOTICE:
            last_notice = now
            logger.info("crawl-end passes wait for %d other worker(s) to store their "
                        "records (%.0fs so far)", others, now - started)
        await maybe_deferred_to_future(deferLater(reactor, STORED_POLL, lambda: None))


def crawl_end_done(settings: Any) -> None:
    """Mark a shared crawl finished (its passes ran); a no-op on one machine."""
    url = settings.get("CREATORSCOUT_FRONTIER")
    if url:
        Frontier(url).finish()
