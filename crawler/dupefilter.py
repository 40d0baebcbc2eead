"""Scrapy's duplicate-request filter with its fingerprints on disk (``DUPEFILTER_CLASS``).

Scrapy's :class:`~scrapy.dupefilters.RFPDupeFilter` keeps one fingerprint per filtered
request in a Python set for the whole crawl: about one per creator here (profiles,
discovery and graph pages; posts pages are never filtered), so it grows with the crawl.
This one asks the same question of a set in the crawl's books on disk
(:mod:`creatorscout.crawler.books`). Same fingerprints, same answers.

With ``JOBDIR`` (a paused and resumed crawl) Scrapy's own file-backed filter is used
unchanged: its fingerprints must outlive the process, ours do not.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.request import RequestFingerprinterProtocol

from creatorscout.crawler.books import DiskStore


class DiskDupeFilter(RFPDupeFilter):
    """An :class:`RFPDupeFilter` whose seen fingerprints live in a temporary SQLite file."""

    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        fingerprinter: RequestFingerprinterProtocol | None = None,
    ) -> None:
        super().__init__(path, debug, fingerprinter=fingerprinter)
        self._books = DiskStore()
        self._seen = self._books.set("fingerprints")

    def request_seen(self, request: Request) -> bool:
        if self.file:  # JOBDIR: the fingerprints must persist, Scrapy's filter does that
            return super().request_seen(request)
        fingerprint = self.request_fingerprint(request)
        if fingerprint in self._seen:
            return True
        self._seen.add(fingerprint)
        return False

    def close(self, reason: str) -> None:
        super().close(reason)
        self._books.close()
