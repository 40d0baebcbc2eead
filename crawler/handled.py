"""When one answer of a shared crawl is done: after everything it produced is handled.

A worker gives an answer's lease back, and forgets the creators the answer finished, only
once the answer's follow-up requests are in the shared queue and its records are stored:
a worker killed before that leaves the lease to expire, and another worker handles the
answer again (:mod:`creatorscout.crawler.frontier`).

"Once the callback's code has run" is too early. Scrapy reads a callback's output ahead of
handling it: its scraper puts the outputs on a queue that a worker task takes them from, so
the code after a callback's last ``yield`` runs as soon as the last output is *queued* in
the process, before any of them reaches Redis or the index. So every answer's output ends
with a marker request (:func:`marker`). Scrapy hands a response's outputs to the engine and
the pipelines one after another, each finished before the next (``CONCURRENT_ITEMS`` is 1),
so when the marker reaches the engine everything before it is queued or stored. The marker
is never queued: the spider's ``request_scheduled`` handler closes the answer
(:class:`Answer`) and drops it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy

from creatorscout.crawler.items import CrawledCreator

#: The meta key of the marker request; its value is the :class:`Answer` it closes.
MARKER = "creatorscout_answer_done"


@dataclass
class Answer:
    """What one answer (or one idle pump) has left to close."""

    #: The frontier lease of the request answered (None: no lease, e.g. an idle pump).
    lease: str | None = None
    #: Creators whose records this answer produced: forgotten from the pending book.
    finished: list[str] = field(default_factory=list)
    #: Backlog holds taken while producing the output (:mod:`creatorscout.crawler.holds`).
    holds: list[str] = field(default_factory=list)
    #: Creators this answer decided about, and those whose posts it asked for: marked in
    #: the crawl's books once the posts requests are queued.
    decided: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)


def marker(answer: Answer) -> scrapy.Request:
    """The request that closes ``answer`` when the engine reaches it (never fetched)."""
    return scrapy.Request("data:,", dont_filter=True, meta={MARKER: answer})


def answer_of(request: scrapy.Request) -> Answer | None:
    """The answer a marker request closes; None for every other request."""
    answer = request.meta.get(MARKER)
    return answer if isinstance(answer, Answer) else None


class AnswerOutput:
    """One answer's output as Scrapy reads it, ended by the marker.

    While the wrapped callback runs (each ``next``), :attr:`current` of the spider-wide
    :class:`Handling` is this answer, so what the callback takes from the shared backlog is
    closed with it. A callback that raises still ends with the marker and then raises
    again (Scrapy logs it as a spider error): the fault would recur on every worker the
    lease went to, so the answer is given back once, as on one machine, not retried
    forever.
    """

    def __init__(self, output: Iterator[Any], answer: Answer, handling: Handling) -> None:
        self._output = output
        self._answer = answer
        self._handling = handling

    def __iter__(self) -> Iterator[Any]:
        error: Exception | None = None
        while True:
            previous = self._handling.current
            self._handling.current = self._answer
            try:
                value = next(self._output)
            except StopIteration:
                break
            except Exception as exc:  # re-raised below, after the marker
                error = exc
                break
            finally:
                self._handling.current = previous
            if isinstance(value, CrawledCreator):
                self._answer.finished.append(value.creator.id)
            yield value
        yield marker(self._answer)
        if error is not None:
            raise error


class Handling:
    """Which answer the spider is producing output for right now (None: none)."""

    def __init__(self) -> None:
        self.current: Answer | None = None
