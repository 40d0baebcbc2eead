"""The search page's URL is the whole query: parse it into a :class:`SearchQuery`, and
write the URLs of other pages, sorts and filters of the same search.

Parameter names are the query model's field names (as in ``GET /api/v1/creators``), so a
page URL and an API URL read alike. Empty form fields mean "not set".
"""

from __future__ import annotations

from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from creatorscout.search.query import SearchQuery

LISTS = ("platforms", "tiers", "languages", "flags", "exclude_flags")
BOOLS = ("no_flags", "collapse_person")
PAGE_SIZES = (10, 20, 50, 100)
KNOWN = set(SearchQuery.model_fields)


class BadQuery(ValueError):
    """A search URL the query model refuses; the message names the field and the fix."""


def parse(params: QueryParams, *, max_limit: int = 100) -> SearchQuery:
    """The query the URL holds; :class:`BadQuery` with one line per mistake."""
    data: dict[str, object] = {}
    for name in KNOWN:
        if name in LISTS:
            values = [v.strip() for v in params.getlist(name) if v.strip()]
            if values:
                data[name] = values
        elif name in BOOLS:
            value = params.get(name, "").strip().lower()
            if value:
                data[name] = value in ("1", "on", "true", "yes")
        else:
            value = params.get(name, "").strip()
            if value:
                data[name] = value
    unknown = sorted(set(params) - KNOWN)
    if unknown:
        raise BadQuery(f"unknown parameter '{unknown[0]}'; use the form's fields")
    try:
        query = SearchQuery.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "query"
            lines.append(f"{where}: {error['msg']}")
        raise BadQuery("; ".join(lines)) from None
    if query.limit > max_limit:
        raise BadQuery(f"limit: at most {max_limit} results a page")
    return query


def to_params(query: SearchQuery, **changes: object) -> list[tuple[str, str]]:
    """The URL parameters of ``query`` with ``changes``, leaving out defaults."""
    data = query.model_dump() | changes
    default = SearchQuery()
    pairs: list[tuple[str, str]] = []
    for name in SearchQuery.model_fields:
        value = data.get(name)
        if value is None or value == getattr(default, name):
            continue
        if name in LISTS:
            pairs += [(name, str(v)) for v in value]
        elif name in BOOLS:
            pairs.append((name, "1"))
        else:
            pairs.append((name, str(value)))
    return pairs


def search_url(query: SearchQuery, **changes: object) -> str:
    pairs = to_params(query, **changes)
    return "/?" + urlencode(pairs) if pairs else "/"


def without(query: SearchQuery, name: str) -> SearchQuery:
    """The same query without the filter ``name`` (for the facet counts of that filter)."""
    default = SearchQuery.model_fields[name].get_default(call_default_factory=True)
    return query.model_copy(update={name: default, "limit": 1, "offset": 0})
