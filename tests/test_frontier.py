"""Shared crawls: scrapy-redis frontier, leases, workers, one crawl-end pass.

Real Redis (tests/redis_server.py), real crawls in child processes against the sandbox
served from this process, one embedded index written by all workers at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis import Redis
from scrapy import Request, Spider
from scrapy.http import HtmlResponse

from creatorscout.crawler.decisions import Claim, Decisions
from creatorscout.crawler.fetched import fetch_response
from creatorscout.crawler.frontier import (
    PREFIX,
    Frontier,
    LeasedPriorityQueue,
    ack,
    lease_keys,
)
from creatorscout.crawler.handled import Answer, AnswerOutput, Handling, answer_of
from creatorscout.crawler.holds import BacklogHolds
from creatorscout.crawler.items import CrawledCreator
from creatorscout.crawler.redis_books import RedisStore
from creatorscout.plugins.platform import FetchRequest
from creatorscout.sandbox.server import SandboxServer
from creatorscout.sandbox.world import build_world
from creatorscout.search.backend import open_index
from tests.factories import make_creator
from tests.index_compare import index_contents
from tests.redis_server import redis_database, redis_server

NICHE = "vegan-cooking"


@pytest.fixture(scope="module")
def redis_address() -> Iterator[tuple[str, int]]:
    with redis_server() as address:
        yield address


@pytest.fixture
def frontier_url(redis_address: tuple[str, int]) -> Iterator[str]:
    with redis_database(*redis_address) as url:
        yield url


def test_a_leased_request_goes_back_to_the_queue_when_its_lease_expires(
    frontier_url: str,
) -> None:
    server = Redis.from_url(frontier_url)
    spider = Spider(name="niche")
    queue = LeasedPriorityQueue(server, spider, f"{PREFIX}requests")
    queue.lease_seconds = 0.3
    for n in range(3):
        queue.push(Request(f"http://example.test/{n}", priority=n))
    first = queue.pop()
    second = queue.pop()
    assert first is not None and second is not None
    assert (first.url, second.url) == ("http://example.test/2", "http://example.test/1")
    ack(server, first.meta["frontier_lease"])  # handled; the second one's worker "dies"
    assert server.zcard(lease_keys()[2]) == 1
    time.sleep(0.4)
    again = queue.pop()  # the expired lease is back in the queue, and it is the best one
    assert again is not None and again.url == "http://example.test/1"
    assert queue.requeued == 1
    ack(server, again.meta["frontier_lease"])
    last = queue.pop()
    assert last is not None and last.url == "http://example.test/0"
    ack(server, last.meta["frontier_lease"])
    assert queue.pop() is None
    assert server.zcard(lease_keys()[2]) == 0 and server.hlen(lease_keys()[0]) == 0


def test_the_frontier_is_drained_only_with_no_request_queued_or_leased(
    frontier_url: str,
) -> None:
    frontier = Frontier(frontier_url)
    queue = LeasedPriorityQueue(frontier.server, Spider(name="niche"), f"{PREFIX}requests")
    assert frontier.drained()
    queue.push(Request("http://example.test/a"))
    assert not frontier.drained()  # queued
    request = queue.pop()
    assert request is not None
    assert not frontier.drained()  # leased: its answer may bring more work
    queue.push(Request("http://example.test/b"))  # what the answer brought, queued first
    ack(frontier.server, request.meta["frontier_lease"])
    assert not frontier.drained()
    follow = queue.pop()
    assert follow is not None and follow.url == "http://example.test/b"
    ack(frontier.server, follow.meta["frontier_lease"])
    assert frontier.drained()


def test_a_request_retried_after_an_answer_goes_back_to_the_frontier(frontier_url: str) -> None:
    # A 429 waited out is retried with the refused request's meta, which holds the plugin's
    # view of the refused answer (crawler/fetched.py): the frontier must still take it.
    server = Redis.from_url(frontier_url)
    queue = LeasedPriorityQueue(server, Spider(name="niche"), f"{PREFIX}requests")
    fetch = FetchRequest(url="http://example.test/a", platform="mastodon", purpose="profile")
    queue.push(Request(fetch.url, meta={"fetch": fetch}))
    request = queue.pop()
    assert request is not None
    refused = HtmlResponse(fetch.url, status=429, body=b"slow down", request=request)
    viewed = fetch_response(request, refused)
    assert viewed is not None and viewed.status == 429
    queue.push(request.replace(meta={**request.meta, "ratelimit_retries": 1}))
    assert server.zcard(lease_keys()[2]) == 0  # the retry is queued: its lease is done
    again = queue.pop()
    assert again is not None and again.meta["ratelimit_retries"] == 1
    assert again.meta["fetch"] == fetch
    ok = HtmlResponse(fetch.url, status=200, body=b"fine", request=again)
    assert fetch_response(again, ok) is not None  # a fresh view of the new answer
    assert fetch_response(again, ok).status == 200  # type: ignore[union-attr]


def test_candidates_held_by_a_dead_worker_go_back_to_the_front_of_their_backlog(
    frontier_url: str,
) -> None:
    server = Redis.from_url(frontier_url)
    frontier = Frontier(frontier_url)
    backlog = f"{PREFIX}queue:backlog:mastodon"
    server.rpush(backlog, *[f"c{n}".encode() for n in range(6)])
    holds = BacklogHolds(server, PREFIX, 0.3)
    first, taken = holds.take(backlog, 2)
    assert first is not None and taken == [b"c0", b"c1"]
    second, more = holds.take(backlog, 2)
    assert second is not None and more == [b"c2", b"c3"]
    assert not frontier.drained()  # held candidates are work still to do
    holds.settle([second])  # its requests were queued; the first worker "dies"
    assert holds.restore() == 0  # not expired yet
    time.sleep(0.4)
    assert holds.restore() == 2
    assert server.lrange(backlog, 0, -1) == [b"c0", b"c1", b"c4", b"c5"]
    assert holds.held() == 0 and frontier.drained()
    assert holds.take(backlog, 0) == (None, [])


def test_a_restored_hold_gives_back_only_the_budget_its_requests_did_not_take(
    frontier_url: str,
) -> None:
    server = Redis.from_url(frontier_url)
    backlog = f"{PREFIX}queue:backlog:mastodon"
    server.rpush(backlog, b"a", b"b", b"c")
    holds = BacklogHolds(server, PREFIX, 0.3)
    hold, _ = holds.take(backlog, 3)
    holds.reserve(hold, 3)  # one budget slot per candidate
    assert int(server.get(f"{PREFIX}reserved")) == 3
    # one request queued (it owns its slot now), one dropped as a duplicate (slot given
    # back); the worker dies before queueing the third
    holds.queue(f"{PREFIX}requests", -10, b"request-a", hold, 1)
    holds.release(hold, 1)
    assert int(server.get(f"{PREFIX}reserved")) == 2
    time.sleep(0.4)
    assert holds.restore() == 3
    assert int(server.get(f"{PREFIX}reserved")) == 1  # the queued request's slot
    holds.release(hold, 1)  # answered later: its slot comes back, no hold is owed anything
    assert int(server.get(f"{PREFIX}reserved")) == 0
    assert server.zcard(f"{PREFIX}requests") == 1


def test_a_creator_is_decided_by_one_live_worker_and_again_only_if_it_died(
    frontier_url: str,
) -> None:
    server = Redis.from_url(frontier_url)
    queue = LeasedPriorityQueue(server, Spider(name="niche"), f"{PREFIX}requests")
    for n in range(3):
        queue.push(Request(f"http://example.test/{n}"))
    leased = [queue.pop() for _ in range(3)]
    mine, theirs, third = (r.meta["frontier_lease"] for r in leased if r is not None)
    seen, decided = f"{PREFIX}set:seen", f"{PREFIX}set:decided"
    decisions = Decisions(server, PREFIX, lease_keys()[0], decided, seen)

    assert decisions.claim("x", theirs) is Claim.FRESH
    server.sadd(seen, "x")  # the other worker is deciding "x" now
    assert decisions.claim("x", mine) is Claim.BUSY
    assert not decisions.orphaned("x", mine)
    ack(server, theirs)  # ... and its answer is gone before it decided: it died
    assert decisions.orphaned("x", mine)
    assert decisions.claim("x", mine) is Claim.ORPHANED
    server.sadd(decided, "x")
    assert decisions.claim("x", mine) is Claim.DECIDED
    ack(server, mine)
    # decided (say refused as outside the niche) and being decided again by a live
    # worker through another source: nobody else decides meanwhile
    assert decisions.claim("x", third) is Claim.DECIDED
    assert decisions.claim("x", theirs) is Claim.BUSY
    # seen with no decision started: a candidate waiting in the backlog for its profile
    server.sadd(seen, "y")
    assert not decisions.orphaned("y", mine)
    assert decisions.claim("y", mine) is Claim.SEEN


def test_of_two_workers_adding_a_key_to_the_shared_books_one_is_first(
    frontier_url: str,
) -> None:
    # what keeps two answers naming the same candidate at once from queueing it twice
    server = Redis.from_url(frontier_url)
    mine, theirs = (RedisStore(Redis.from_url(frontier_url), PREFIX).set("seen")
                    for _ in range(2))
    assert mine.add("mastodon:x") is True
    assert theirs.add("mastodon:x") is False
    assert server.scard(f"{PREFIX}set:seen") == 1


def test_an_answer_is_closed_by_a_marker_after_its_last_output() -> None:
    handling = Handling()
    creator = make_creator()
    seen: list[Answer | None] = []

    def callback() -> Iterator[Any]:
        seen.append(handling.current)
        yield CrawledCreator(creator=creator)
        seen.append(handling.current)
        yield Request("http://example.test/next")

    answer = Answer(lease="7")
    outputs = list(AnswerOutput(callback(), answer, handling))
    assert seen == [answer, answer] and handling.current is None
    assert [type(o).__name__ for o in outputs] == ["CrawledCreator", "Request", "Request"]
    assert answer_of(outputs[1]) is None and answer_of(outputs[2]) is answer
    assert answer.finished == [creator.id]


def test_an_answer_whose_handling_fails_is_closed_once_and_the_error_raised() -> None:
    # Retrying it on another worker would fail the same way, for ever.
    def callback() -> Iterator[Any]:
        yield Request("http://example.test/next")
        raise KeyError("a fault in handling")

    answer = Answer(lease="8")
    outputs = AnswerOutput(callback(), answer, Handling())
    iterator = iter(outputs)
    assert answer_of(next(iterator)) is None
    assert answer_of(next(iterator)) is answer
    with pytest.raises(KeyError):
        next(iterator)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(build_world(seed=7, creators=600), latency_ms=20) as server:
        yield server


def crawl_args(sandbox: SandboxServer, index: Path, budget: int = 1000) -> list[str]:
    # No snowball and a budget that does not bind: which creators a crawl keeps then
    # depends least on the order answers arrive in (see the report in the test below).
    return ["crawl", NICHE, "--platform", "mastodon", "--max-creators", str(budget),
            "--snowball-depth", "0", "--base-url", f"mastodon={sandbox.url}/mastodon/{{instance}}",
            "--index", f"sqlite:///{index}"]


def scout(*args: str, **popen: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "creatorscout.cli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def numbers(contents: dict[str, str]) -> dict[str, tuple[Any, ...]]:
    """Per record: the creator's own counts, as the platform gave them."""
    out = {}
    for key, text in contents.items():
        creator = json.loads(text)["creator"]
        out[key] = (creator["followers"], creator["following"], creator["posts_count"])
    return out


@pytest.mark.e2e
def test_three_workers_one_killed_lose_nothing(
    sandbox: SandboxServer, frontier_url: str, tmp_path: Path
) -> None:
    solo = scout(*crawl_args(sandbox, tmp_path / "solo.db"), "--job", str(tmp_path / "job"))
    out, err = solo.communicate(timeout=300)
    assert solo.returncode == 0, err[-2000:]
    reference = index_contents(f"sqlite:///{tmp_path / 'solo.db'}")

    shared = tmp_path / "shared.db"
    lease = ("-s", "CREATORSCOUT_LEASE=3")  # a dead worker's requests come back after 3 s
    stats = [tmp_path / f"stats{n}.json" for n in range(3)]
    coordinator = scout(*crawl_args(sandbox, shared), "--frontier", frontier_url, *lease,
                        "--stats-json", str(stats[0]))
    workers = [scout("worker", "--frontier", frontier_url, "--wait", "60", *lease,
                     "--stats-json", str(stats[n])) for n in (1, 2)]
    server = Redis.from_url(frontier_url)
    deadline = time.monotonic() + 120
    while int(server.get(lease_keys()[3]) or 0) < 60:  # some work done by now
        assert time.monotonic() < deadline, "the crawl did not start"
        time.sleep(0.02)
    victim = workers.pop()
    victim.kill()  # SIGKILL, with requests leased
    victim.communicate(timeout=60)
    for process in (coordinator, *workers):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        assert "Traceback" not in err

    final = index_contents(f"sqlite:///{shared}")  # raises if a record is stored twice
    merged = {m.decode() for m in server.smembers(f"{PREFIX}set:merged")}
    # every creator that reached the pipelines is in the index; none is left half-done
    assert {k.split("/")[0] for k in final} == merged
    assert server.hlen(f"{PREFIX}pending") == 0
    assert server.zcard(f"{PREFIX}requests") == 0 and server.zcard(lease_keys()[2]) == 0
    with open_index(f"sqlite:///{shared}", create=False) as index:
        assert index.pending_passes() == []
        assert all(r.score.niche_pass_at is not None for r in index.iter_records())
    ran_pass = [json.loads(p.read_text()).get("creatorscout/niche_pass/records")
                for p in stats[:2]]
    assert sum(1 for r in ran_pass if r) == 1  # exactly one survivor ran the crawl-end pass

    common = set(reference) & set(final)
    only = sorted(set(reference) ^ set(final))
    report = {"solo": len(reference), "shared": len(final), "common": len(common),
              "differing_ids": only}
    print(json.dumps(report))
    # the creators both crawls kept carry the same numbers
    assert {k: numbers(reference)[k] for k in common} == {k: numbers(final)[k] for k in common}
    # With a budget that does not bind the two usually keep the same creators (in 26 of
    # 27 runs). Not always: a creator that one answer refuses (out of the niche through
    # the directory) while another, at the same instant on another worker, brings them
    # through a hashtag is kept by one crawl and not the other (the second answer leaves
    # the decision to the live worker deciding; see README "Limits").
    assert len(only) <= 0.05 * len(reference), report


@pytest.mark.e2e
def test_a_worker_stores_and_queues_an_answers_output_before_it_closes_the_answer(
    sandbox: SandboxServer, frontier_url: str, tmp_path: Path
) -> None:
    # Closing an answer (its creators leave the pending book or are marked decided and
    # asked for, its lease is given back) before its records are stored and its requests
    # queued would let a worker killed in between lose them: the probe
    # (tests/frontier_probe.py) looks at the books at those moments.
    stats = tmp_path / "stats.json"
    crawl = scout(*crawl_args(sandbox, tmp_path / "i.db", budget=20), "--frontier",
                  frontier_url, "--stats-json", str(stats),
                  "-s", 'EXTENSIONS={"tests.frontier_probe.AnswerProbe": 0}',
                  # what the close relies on is forced, whatever -s says
                  "-s", "CREATORSCOUT_INDEX_BATCH=50", "-s", "CONCURRENT_ITEMS=8")
    out, err = crawl.communicate(timeout=300)
    assert crawl.returncode == 0, err[-3000:]
    counts = json.loads(stats.read_text())
    assert counts.get("probe/stored", 0) >= 10
    assert counts.get("probe/closed_before_stored", 0) == 0
    assert counts.get("probe/not_written", 0) == 0
    assert counts.get("probe/first_posts_requests", 0) >= 10
    assert counts.get("probe/asked_before_queued", 0) == 0
    # and each creator is accepted once (a creator named by two answers is decided by one)
    stored = index_contents(f"sqlite:///{tmp_path / 'i.db'}")
    assert counts["creatorscout/fetched/mastodon"] == len(stored)
    assert counts.get("creatorscout/merged_duplicates", 0) == 0


def test_a_crawl_end_runner_killed_while_it_waits_leaves_the_passes_marked(
    sandbox: SandboxServer, frontier_url: str, tmp_path: Path
) -> None:
    # The worker that took the crawl-end lock waits for the others to store; killed then,
    # it holds the lock for an hour, so nobody else runs the passes: the index must say
    # they are pending, and the next command completes them.
    index = tmp_path / "shared.db"
    coordinator = scout(*crawl_args(sandbox, index, budget=15), "--frontier", frontier_url)
    shared = Frontier(frontier_url)
    deadline = time.monotonic() + 120
    while shared.args() is None:
        assert time.monotonic() < deadline, "the crawl did not start"
        time.sleep(0.02)
    shared.storing("a-worker-still-writing", 300)  # keeps the runner waiting
    while not shared.server.exists(shared.key("crawl-end")):
        assert coordinator.poll() is None, coordinator.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "no worker took the crawl-end lock"
        time.sleep(0.05)
    time.sleep(0.5)
    coordinator.kill()  # SIGKILL while it waits
    coordinator.communicate(timeout=60)

    url = f"sqlite:///{index}"
    with open_index(url, create=False) as opened:
        assert opened.pending_passes() == [NICHE]
        assert any(r.score.niche_pass_at is None for r in opened.iter_records())
    searched = subprocess.run(
        [sys.executable, "-m", "creatorscout.cli", "search", "--index", url,
         "--format", "json", "--limit", "5"], capture_output=True, text=True, timeout=120)
    assert searched.returncode == 0, searched.stderr
    assert f"completed the crawl-end pass of '{NICHE}'" in searched.stderr
    with open_index(url, create=False) as opened:
        assert opened.pending_passes() == []
        assert all(r.score.niche_pass_at is not None for r in opened.iter_records())


def crawl_with_three_workers(url: str, frontier_url: str, index: Path, *extra: str) -> None:
    # 15 creators: ~55 requests, 20 s paced inside the limit (30 took twice as long for
    # nothing more: the unshared control exceeds the limit from its first seconds)
    args = ["crawl", NICHE, "--platform", "mastodon", "--max-creators", "15",
            "--snowball-depth", "0", "--base-url", f"mastodon={url}/mastodon/{{instance}}",
            "--index", f"sqlite:///{index}", "--concurrency", "1", *extra]
    processes = [scout(*args, "--frontier", frontier_url)]
    processes += [scout("worker", "--frontier", frontier_url, "--wait", "60", *extra)
                  for _ in range(2)]
    try:
        for process in processes:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err[-3000:]
            assert "Traceback" not in err, err[-3000:]
    finally:
        for process in processes:  # a failed run leaves no process or pipe behind
            if process.poll() is None:
                process.kill()
            process.communicate()


@pytest.mark.e2e
@pytest.mark.parametrize("shared", [
    True,
    # The control (each worker pacing alone) shows the test can tell the two apart. Its
    # workers are answered 429 and retry: a retried request goes back to the frontier
    # (pickled into Redis), which is how this case once hung (a weak reference in the
    # request's meta could not be pickled, the request was lost and its lease held the
    # frontier open for the default 900 s).
    False,
], ids=["shared", "each-alone"])
def test_workers_share_the_platforms_rate_limit(
    shared: bool, frontier_url: str, tmp_path: Path
) -> None:
    # 8 API requests per server and client every 5 s; three workers on one address share
    # that bucket: with the schedule in Redis they stay inside it together, each pacing
    # alone they do not (the second case shows the test can tell).
    with SandboxServer(build_world(seed=7, creators=600), rate_limit=8,
                       rate_window=5) as limited:
        crawl_with_three_workers(limited.url, frontier_url, tmp_path / "i.db",
                                 "-s", f"CREATORSCOUT_SHARED_RATELIMIT={int(shared)}")
        counted = limited.stats.snapshot()
    over = counted["faults"].get("rate_limited", 0)
    print(json.dumps({"shared": shared, "requests": counted["total"], "over_limit": over}))
    if shared:
        assert over == 0, counted["faults"]
    else:
        assert over > 0
