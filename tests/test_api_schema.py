"""Property-based tests of the API against its own OpenAPI schema (schemathesis).

Every documented operation is called with generated parameters and bodies (a bounded number
of examples, so this runs in the suite) on an index holding the contract suite's world and
a shortlist. Checks: no 5xx, documented status codes and content types, responses that
match their schemas. Starting crawls is left out (it would spawn crawl processes); the
crawl routes are covered by tests/test_api_crawls.py.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from creatorscout.api import create_app
from creatorscout.search.backend import open_index
from tests.quick import examples
from tests.test_index_contract import A, world

# the app opens its index on the first request: the fixture below fills it before that
_FOLDER = Path(tempfile.gettempdir()) / f"scout-schema-{next(tempfile._get_candidate_names())}"
INDEX = f"sqlite:///{_FOLDER / 'schema.db'}"
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(INDEX)).exclude(
    method="POST", path="/api/v1/crawls").exclude(path="/api/v1/crawls/{crawl_id}/events")


CROSS_FIELD = "min_followers is larger than max_followers"
UNMATCHABLE = ("no such niche", "no such platform", "no such tier", "not a language code")
"""A search that matched nothing because a filter value cannot match answers 422 with the
valid values: which niches and platforms exist depends on the config, the installed
plugins and the index, which no static schema can list."""


@pytest.fixture(scope="module", autouse=True)
def filled_index() -> Iterator[None]:
    import shutil

    _FOLDER.mkdir(parents=True, exist_ok=True)
    try:
        with open_index(INDEX) as index:
            index.upsert(world())
            shortlist = index.lists().create("Spring")
            index.lists().put_item(shortlist.id, A, note="first")
        yield
    finally:
        shutil.rmtree(_FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=examples(12), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_every_operation_conforms_to_the_schema(case: schemathesis.Case) -> None:
    response = case.call()
    if response.status_code == 422 and CROSS_FIELD in response.text:
        return  # one parameter against another: OpenAPI cannot say it, the 422 is right
    if response.status_code == 422 and any(reason in response.text for reason in UNMATCHABLE):
        return
    case.validate_response(response)
