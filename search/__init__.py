"""Search: the query model, the index backends and rendering.

    from creatorscout.search import open_index, SearchQuery

    with open_index("sqlite:///creatorscout.db") as index:
        index.upsert(records)                     # ScoredCreator, one per (creator, niche)
        results = index.search(SearchQuery(text="vegan", niche="vegan-cooking"))

Modules: ``query`` (SearchQuery and its semantics), ``records`` (what is stored),
``backend`` (the Index contract, open_index, errors), ``sqlite_index`` / ``sqlite_schema`` /
``fts`` (the embedded backend), ``render`` (table, json, csv, show).
"""

from creatorscout.search.backend import (
    IncompatibleIndex,
    Index,
    IndexNotFound,
    IndexOpenError,
    IndexUnavailable,
    InvalidIndexURL,
    copy_index,
    open_index,
)
from creatorscout.search.query import Hit, IndexStats, SearchQuery, SearchResults
from creatorscout.search.records import CrawlInfo, ScoredCreator

__all__ = [
    "CrawlInfo",
    "Hit",
    "IncompatibleIndex",
    "Index",
    "IndexNotFound",
    "IndexOpenError",
    "IndexStats",
    "IndexUnavailable",
    "InvalidIndexURL",
    "ScoredCreator",
    "SearchQuery",
    "SearchResults",
    "copy_index",
    "open_index",
]
