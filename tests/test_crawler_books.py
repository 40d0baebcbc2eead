"""The crawl's books on disk behave like the set and deques they replace."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.utils.test import get_crawler

from creatorscout.crawler.books import DiskStore
from creatorscout.crawler.dupefilter import DiskDupeFilter


def test_a_disk_set_answers_like_a_set() -> None:
    store = DiskStore()
    seen = store.set("seen")
    assert seen.add("mastodon:1") is True
    assert seen.add("mastodon:1") is False  # says whether it was new
    seen.update(["mastodon:2", "bluesky:did:plc:x"])
    assert "mastodon:1" in seen and "mastodon:3" not in seen and 1 not in seen
    assert len(seen) == 3
    seen.discard("mastodon:2")
    seen.discard("mastodon:2")
    assert len(seen) == 2 and set(seen) == {"mastodon:1", "bluesky:did:plc:x"}
    other = store.set("other")  # sets of one store are independent
    assert "mastodon:1" not in other and len(other) == 0
    store.close()
    store.close()  # idempotent
    with pytest.raises(RuntimeError):
        seen.add("mastodon:4")


def test_disk_queues_are_first_in_first_out_per_key() -> None:
    store = DiskStore()
    queues = store.queues("backlog")
    a, b = queues["a"], queues["b"]
    assert queues["a"] is a and not a and len(a) == 0
    for i in range(5):
        a.append(f"a{i}".encode())
    b.append(b"b0")
    assert len(a) == 5 and bool(a)
    assert a.popleft() == b"a0"
    assert a.take(3) == [b"a1", b"a2", b"a3"]
    assert a.take(10) == [b"a4"] and not a and a.take(1) == []
    with pytest.raises(IndexError):
        a.popleft()
    a.append(b"a5")
    assert a.take(0) == [] and a.popleft() == b"a5"
    b.clear()
    assert len(b) == 0 and b.take(1) == []
    store.close()


def test_names_must_be_plain_identifiers() -> None:
    store = DiskStore()
    with pytest.raises(ValueError):
        store.set("seen; DROP TABLE x")
    store.close()


def test_the_disk_dupefilter_filters_what_scrapy_would() -> None:
    crawler = get_crawler(settings_dict={
        "DUPEFILTER_CLASS": "creatorscout.crawler.dupefilter.DiskDupeFilter"})
    dupefilter = DiskDupeFilter.from_crawler(crawler)
    first = Request("https://example.org/a?x=1&y=2")
    assert dupefilter.request_seen(first) is False
    assert dupefilter.request_seen(Request("https://example.org/a?y=2&x=1")) is True
    assert dupefilter.request_seen(Request("https://example.org/a", method="POST")) is False
    dupefilter.close("finished")
