"""Index outages lose nothing (issue 17, item 6).

A local HTTP server speaks enough of Elasticsearch for the real client (the product
header, ES-shaped JSON, a bulk endpoint that keeps what it is sent) and answers 503 while
it is "down". The index pipeline runs as Scrapy runs it, through the real ElasticIndex:
records it cannot write wait in the job directory, are written when the server recovers,
and ``scout index flush`` writes a spool a crawl left behind.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from creatorscout.cli.main import main
from creatorscout.crawler.pipelines import IndexPipeline
from creatorscout.crawler.spool import SPOOL_FILE, Spool, is_outage
from creatorscout.crawler.summary import format_summary, still_waiting, store_failure
from creatorscout.search.es_errors import ElasticsearchBusy, ElasticsearchWriteError
from creatorscout.search.records import ScoredCreator
from tests.factories import make_scored
from tests.index_pipeline import open_pipeline, pipeline_stats

pytest.importorskip("elasticsearch")

_SEARCH = {"took": 1, "timed_out": False,
           "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
           "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []}}
_INFO = {"name": "fake", "cluster_name": "fake", "cluster_uuid": "x",
         "version": {"number": "9.0.0", "build_flavor": "default"},
         "tagline": "You Know, for Search"}


class FakeElasticsearch(ThreadingHTTPServer):
    """What the fake cluster holds: ``docs`` by (index, id); ``down`` makes it answer 503."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.docs: dict[tuple[str, str], dict[str, Any]] = {}
        self.down = False
        self.refused = 0  # requests answered 503
        self.down_after_bulks: int | None = None  # go down after this many bulk writes
        self.bulks = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stored(self, alias: str = "creatorscout-records") -> set[str]:
        """The ids of the documents stored under ``alias``."""
        return {doc_id for index, doc_id in self.docs if index == alias}


class Handler(BaseHTTPRequestHandler):
    server: FakeElasticsearch

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _bulk(self, body: bytes) -> dict[str, Any]:
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        items = []
        position = 0
        while position < len(lines):
            op, meta = next(iter(lines[position].items()))
            source = lines[position + 1] if op != "delete" else None
            position += 1 if op == "delete" else 2
            with self.server.lock:
                self.server.docs[(meta["_index"], meta["_id"])] = source or {}
            items.append({op: {"_index": meta["_index"], "_id": meta["_id"], "status": 201,
                               "result": "created"}})
        return {"took": 1, "errors": False, "items": items}

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.server.down:
            self.server.refused += 1
            self._answer(503, {"error": {"type": "unavailable_shards_exception",
                                         "reason": "the cluster is restarting"},
                               "status": 503})
            return
        path = self.path.split("?")[0]
        if path == "/":
            self._answer(200, _INFO)
        elif path.endswith("/_bulk"):
            self._answer(200, self._bulk(body))
            self.server.bulks += 1
            if self.server.bulks == self.server.down_after_bulks:
                self.server.down = True
        elif path.endswith("/_mget"):  # nothing read back: every creator is new here
            asked = json.loads(body or b"{}")
            wanted = asked.get("ids") or [doc["_id"] for doc in asked.get("docs", [])]
            self._answer(200, {"docs": [{"_id": i, "found": False} for i in wanted]})
        elif path.endswith("/_pit"):  # a point in time to page through (the passes)
            self._answer(200, {"id": "pit-1"} if self.command == "POST" else
                         {"succeeded": True, "num_freed": 1})
        elif "/_search" in path or path.endswith("/_count"):
            self._answer(200, _SEARCH)
        elif path.endswith("/_mapping"):
            self._answer(200, {})
        else:  # aliases exist, templates and refreshes are acknowledged
            self._answer(200, {"acknowledged": True})

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _handle  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cluster(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeElasticsearch]:
    monkeypatch.setenv("CREATORSCOUT_ES_RETRIES", "0")  # each 503 reaches us at once
    server = FakeElasticsearch()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def pipeline(url: str, job: Path, batch: int = 5) -> IndexPipeline:
    return open_pipeline({"CREATORSCOUT_INDEX": url, "CREATORSCOUT_INDEX_BATCH": batch,
                          "CREATORSCOUT_JOB_DIR": str(job)})


def stats(component: IndexPipeline) -> dict[str, Any]:
    return pipeline_stats(component)


def records(start: int, count: int) -> list[ScoredCreator]:
    return [make_scored(native_id=str(n)) for n in range(start, start + count)]


def test_records_wait_during_a_503_and_are_written_when_it_recovers(cluster, tmp_path):
    component = pipeline(cluster.url, tmp_path)
    for record in records(0, 5):
        component.process_item(record)
    stored_before = len(cluster.stored())
    assert stored_before == 5

    cluster.down = True
    for record in records(5, 10):  # two batches meet the outage
        component.process_item(record)
    assert cluster.refused >= 2
    spool = Spool(tmp_path / SPOOL_FILE)
    assert spool.waiting == 10
    assert len(cluster.stored()) == 5

    cluster.down = False
    for record in records(15, 5):  # the next batch writes the waiting ones first
        component.process_item(record)
    assert not (tmp_path / SPOOL_FILE).exists()
    component.close_spider()

    assert len(cluster.stored()) == 20  # nothing lost
    found = stats(component)
    assert found["creatorscout/index_waited"] == 10
    assert found["creatorscout/index_written_back"] == 10
    assert found["creatorscout/indexed"] == 20
    assert "creatorscout/index_still_waiting" not in found
    assert still_waiting(found) is None and store_failure(found) is None
    assert "10 records waited for the index; 10 written when it came back" in format_summary(
        found, niche="vegan-cooking")


def test_records_wait_when_the_cluster_is_out_before_the_first_write(cluster, tmp_path):
    # A worker joining a shared crawl (or a crawl starting) while the cluster is out: its
    # records wait instead of failing, and are written once it answers.
    cluster.down = True
    component = pipeline(cluster.url, tmp_path / "a")
    for record in records(0, 6):
        component.process_item(record)
    assert Spool(tmp_path / "a" / SPOOL_FILE).waiting == 5  # one batch; one in the buffer
    cluster.down = False
    component.close_spider()  # a last try at the end: it answers, everything is written
    assert len(cluster.stored()) == 6
    found = stats(component)
    assert found["creatorscout/index_written_back"] == 6
    assert store_failure(found) is None and still_waiting(found) is None

    cluster.down = True  # out from the start to the end: kept, not failed
    component = pipeline(cluster.url, tmp_path / "b")
    for record in records(10, 3):
        component.process_item(record)
    component.close_spider()
    found = stats(component)
    assert found["creatorscout/index_still_waiting"] == 3
    assert store_failure(found) is None and still_waiting(found) is not None


def test_a_spool_left_behind_is_written_by_scout_index_flush(cluster, tmp_path):
    component = pipeline(cluster.url, tmp_path)
    cluster.down = True
    for record in records(0, 7):
        component.process_item(record)
    component.close_spider()  # still down at the end: the records stay in the job

    found = stats(component)
    assert found["creatorscout/index_still_waiting"] == 7
    message = still_waiting(found)
    assert message is not None and str(tmp_path / SPOOL_FILE) in message
    assert f"scout index flush {tmp_path}" in format_summary(found, niche="vegan-cooking")
    assert store_failure(found) is None  # waiting is not failing to store
    assert cluster.stored() == set()

    runner = CliRunner()
    result = runner.invoke(main, ["index", "flush", str(tmp_path), "--index", cluster.url])
    assert result.exit_code == 1  # still down: said in one line, nothing removed
    assert "503" in result.output and "7 record(s) still wait" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert Spool(tmp_path / SPOOL_FILE).waiting == 7

    cluster.down = False
    result = runner.invoke(main, ["index", "flush", str(tmp_path), "--index", cluster.url])
    assert result.exit_code == 0, result.output
    assert "wrote 7 waiting records" in result.output
    assert not (tmp_path / SPOOL_FILE).exists()
    assert len(cluster.stored()) == 7

    result = runner.invoke(main, ["index", "flush", str(tmp_path), "--index", cluster.url])
    assert result.exit_code == 0 and "nothing waits" in result.output


def test_a_write_back_that_meets_the_outage_again_keeps_the_rest_in_order(tmp_path):
    spool = Spool(tmp_path / SPOOL_FILE)
    spool.append(records(0, 6))
    seen: list[str] = []

    def write(batch: list[ScoredCreator]) -> list[ScoredCreator]:
        if seen:  # the second batch meets the outage
            return batch
        seen.extend(r.creator.id for r in batch)
        return []

    assert spool.drain(write, 4) == 4
    assert spool.waiting == 2
    left = Spool(tmp_path / SPOOL_FILE)
    assert left.waiting == 2
    assert left.drain(lambda batch: [], 10) == 2
    assert not (tmp_path / SPOOL_FILE).exists()


def test_only_unreachable_429_and_5xx_are_outages():
    assert is_outage(ElasticsearchBusy("503"))
    assert is_outage(ElasticsearchWriteError("x", [{"status": 429}, {"status": 503}]))
    assert not is_outage(ElasticsearchWriteError("x", [{"status": 400}, {"status": 503}]))
    assert not is_outage(ValueError("bad record"))


@pytest.mark.e2e
def test_a_crawl_whose_cluster_goes_down_exits_1_and_flush_writes_every_record(
        cluster, tmp_path):
    """A real crawl (sandbox over HTTP, ``scout crawl`` in a child process) into the fake
    cluster, which goes down after its first bulk write and stays down: the crawl exits 1
    saying where the records wait; once it is back, ``scout index flush`` stores them all."""
    import subprocess
    import sys

    from creatorscout.sandbox.process import start_sandbox_process

    cluster.down_after_bulks = 1
    job = tmp_path / "job"
    with start_sandbox_process(creators=200, seed=7) as url:
        done = subprocess.run(
            [sys.executable, "-m", "creatorscout.cli", "crawl", "vegan-cooking",
             "--platform", "mastodon", "--max-creators", "30", "--snowball-depth", "0",
             "--base-url", f"mastodon={url}/mastodon/{{instance}}", "--index", cluster.url,
             "--job", str(job), "--stats-json", str(tmp_path / "s.json"),
             "-s", "CREATORSCOUT_INDEX_BATCH=5"],
            capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    found = json.loads((tmp_path / "s.json").read_text())
    fetched = sum(int(v) for k, v in found.items() if k.startswith("creatorscout/fetched/"))
    waiting = found["creatorscout/index_still_waiting"]
    assert fetched >= 10 and waiting >= fetched - 5
    assert "waited for the index" in done.stdout
    assert f"still wait for the index in {job / SPOOL_FILE} (not lost)" in done.stderr

    cluster.down = False
    flushed = CliRunner().invoke(main, ["index", "flush", str(job), "--index", cluster.url])
    assert flushed.exit_code == 0, flushed.output
    assert len(cluster.stored()) == fetched  # every creator fetched is stored


@pytest.mark.e2e
def test_a_shared_crawl_keeps_what_an_outage_makes_wait_in_each_process(cluster, tmp_path):
    """A shared crawl (``scout crawl --frontier`` and a ``scout worker``) into the fake
    cluster, which goes down after its first bulk write: each process keeps the records it
    could not write in a directory of its own (``--job``, or one under
    ``./creatorscout-jobs``), exits 1 saying where, and ``scout index flush`` of those
    directories stores every creator the two fetched."""
    import subprocess
    import sys

    from creatorscout.sandbox.process import start_sandbox_process
    from tests.redis_server import redis_database, redis_server

    cluster.down_after_bulks = 1
    coordinator_job = tmp_path / "coordinator"
    with redis_server() as address, redis_database(*address) as frontier, \
            start_sandbox_process(creators=200, seed=7) as url:
        def scout(*args: str) -> subprocess.Popen[str]:
            return subprocess.Popen([sys.executable, "-m", "creatorscout.cli", *args],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, cwd=tmp_path)

        coordinator = scout(
            "crawl", "vegan-cooking", "--platform", "mastodon", "--max-creators", "30",
            "--snowball-depth", "0", "--base-url", f"mastodon={url}/mastodon/{{instance}}",
            "--index", cluster.url, "--frontier", frontier, "--job", str(coordinator_job),
            "--stats-json", str(tmp_path / "c.json"))
        worker = scout("worker", "--frontier", frontier, "--wait", "60",
                       "--stats-json", str(tmp_path / "w.json"))
        done = [(p, *p.communicate(timeout=300)) for p in (coordinator, worker)]
    fetched = 0
    for (process, _out, err), stats in zip(done, ("c.json", "w.json"), strict=True):
        assert "Traceback" not in err, err[-3000:]
        found = json.loads((tmp_path / stats).read_text())
        fetched += sum(int(v) for k, v in found.items()
                       if k.startswith("creatorscout/fetched/"))
        if found.get("creatorscout/index_still_waiting"):
            assert process.returncode == 1, err[-3000:]
            assert "(not lost): run `scout index flush" in err
    assert fetched >= 10
    left_behind = [coordinator_job] if coordinator_job.exists() else []
    left_behind += sorted((tmp_path / "creatorscout-jobs").glob("vegan-cooking--mastodon--*"))
    assert left_behind, "no process kept what waited"

    shown = CliRunner().invoke(main, ["jobs", "show", str(left_behind[0])])
    assert shown.exit_code == 0 and "records wait for the index in" in shown.output

    cluster.down = False
    for job in left_behind:
        flushed = CliRunner().invoke(main, ["index", "flush", str(job)])
        assert flushed.exit_code == 0, flushed.output
    assert len(cluster.stored()) == fetched  # every creator fetched is stored
