"""The HTTP API's routes on both index backends (the contract suite's world and fixtures).

Each test runs on the embedded SQLite index and, when ``CREATORSCOUT_ES_URL`` names a
cluster, on Elasticsearch (see tests/test_index_contract.py). Requests go through the real
app (FastAPI's TestClient: routing, validation, error handlers, middleware).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from creatorscout.api import create_app
from creatorscout.plugins.models import CreatorRef
from creatorscout.search.backend import open_index
from creatorscout.search.similar import WEIGHTS
from tests import test_index_contract as contract
from tests.factories import make_creator, make_post, make_scored
from tests.test_index_contract import VEGAN, WINE, A, B, C, D, E, _grouped, world

API = "/api/v1"

# the contract suite's backends: SQLite always, Elasticsearch where a cluster is set
backend_url = contract.backend_url
es_host = contract.es_host
es_url = contract.es_url


@pytest.fixture
def client(backend_url: str) -> Iterator[TestClient]:
    with open_index(backend_url) as index:
        index.upsert(world())
    with TestClient(create_app(backend_url)) as test_client:
        yield test_client


def hit_ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [hit["record"]["creator"]["id"] for hit in response.json()["hits"]]


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"status", "message", "fix"}
    assert body["error"]["status"] == status and "Traceback" not in response.text
    return dict(body["error"])


# -- search ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [B, A, C, E, D]),
        ({"niche": VEGAN}, [A, B, C, D]),
        ({"platforms": ["mastodon", "youtube"], "sort": "followers"}, [C, E, A, D]),
        ({"tiers": ["micro"]}, [B, E]),
        ({"languages": ["de"]}, [A, C]),
        ({"role": "connector"}, [B, C]),
        ({"min_followers": 50000, "max_followers": 60000}, [B, E]),
        ({"min_er": 3.5}, [A]),
        ({"text": "Käse"}, [A]),
        ({"sort": "er"}, [A, B, D, E, C]),
    ],
)
def test_search_answers_as_the_index_does(
    client: TestClient, params: dict[str, Any], expected: list[str]
) -> None:
    assert hit_ids(client.get(f"{API}/creators", params=params)) == expected


def test_search_pages_carry_the_total_and_facets_of_every_match(client: TestClient) -> None:
    first = client.get(f"{API}/creators", params={"limit": 2}).json()
    second = client.get(f"{API}/creators", params={"limit": 2, "offset": 2}).json()
    assert (first["total"], second["total"]) == (5, 5)
    assert [h["record"]["creator"]["id"] for h in first["hits"] + second["hits"]] == [B, A, C, E]
    assert second["offset"] == 2
    assert first["facets"]["platform"] == {"mastodon": 3, "bluesky": 1, "youtube": 1}
    assert first["facets"]["tier"]["micro"] == 2


def test_collapse_person(client: TestClient, backend_url: str) -> None:
    with open_index(backend_url) as index:
        _grouped(index)
    collapsed = client.get(f"{API}/creators", params={"collapse_person": True})
    assert hit_ids(collapsed) == [B, C, E, D]
    assert collapsed.json()["total"] == 4
    hits = {h["record"]["creator"]["id"]: h for h in collapsed.json()["hits"]}
    assert hits[B]["other_profiles"] == [A]


@pytest.mark.parametrize(
    ("params", "where", "valid"),
    [
        ({"sort": "loudest"}, "sort", "'score'"),
        ({"role": "star"}, "role", "'connector'"),
        ({"flags": ["shady"]}, "flags.0", "'low_engagement'"),
        ({"limit": 0}, "limit", ">= 1"),
        ({"limit": 101}, "limit", "<= 100"),
        ({"offset": 10_001}, "offset", "<= 10000"),
        ({"min_followers": 10, "max_followers": 5}, "request", None),
        ({"min_score": 101}, "min_score", None),
        ({"nich": "vegan-cooking"}, "nich", None),
    ],
)
def test_invalid_parameters_answer_422_with_the_fix(
    client: TestClient, params: dict[str, Any], where: str, valid: str | None
) -> None:
    error = error_of(client.get(f"{API}/creators", params=params), 422)
    assert error["message"].startswith(f"{where}:") or where == "request"
    if valid:
        assert valid in error["fix"]


@pytest.mark.parametrize(
    ("params", "field", "listed"),
    [
        ({"tiers": ["small"]}, "tiers", "micro"),
        ({"platforms": ["myspace"]}, "platforms", "mastodon"),
        ({"niche": "vegan-cookin"}, "niche", "vegan-cooking"),
        ({"languages": ["english"]}, "languages", "pt-BR"),
    ],
)
def test_filter_values_that_cannot_match_answer_422_with_the_valid_ones(
    client: TestClient, params: dict[str, Any], field: str, listed: str
) -> None:
    error = error_of(client.get(f"{API}/creators", params=params), 422)
    assert error["message"].startswith(f"{field}=")
    assert listed in error["message"]


# -- one creator -------------------------------------------------------------------------


def test_creator_detail_explains_every_niche_score(client: TestClient) -> None:
    detail = client.get(f"{API}/creators/{B}").json()
    assert detail["id"] == B and detail["creator"]["handle"] == "b.bsky.social"
    assert [n["niche"] for n in detail["niches"]] == [WINE, VEGAN]
    for niche in detail["niches"]:
        parts = niche["explanation"]
        assert {p["component"] for p in parts} == {"relevance", "engagement"}
        known = [p for p in parts if p["value"] is not None]
        assert sum(p["effective_weight"] for p in known) == pytest.approx(1.0)
        for part in parts:
            assert part["points"] == pytest.approx(100 * part["contribution"])
    followers = next(n for n in detail["numbers"] if n["name"] == "followers")
    assert followers["value"] == 50000
    assert followers["source"] == "https://example.social/api/bluesky"
    assert followers["observed_at"].startswith("2026-11-01")
    assert len(detail["posts"]) == 2
    assert detail["growth"][-1]["followers"] == 50000
    assert detail["person"] is None


def test_creator_detail_by_handle_and_the_same_persons_profiles(
    client: TestClient, backend_url: str
) -> None:
    with open_index(backend_url) as index:
        _grouped(index)
    detail = client.get(f"{API}/creators/b.bsky.social").json()
    assert detail["id"] == B
    person = detail["person"]
    assert [p["id"] for p in person["other_profiles"]] == [A]
    assert person["evidence"][0]["link"] == "https://bsky.app/profile/b.bsky.social"


def test_unknown_and_ambiguous_creators(client: TestClient, backend_url: str) -> None:
    assert "no creator" in error_of(client.get(f"{API}/creators/mastodon:zzz"), 404)["message"]
    with open_index(backend_url) as index:
        index.upsert([make_scored(make_creator("z", platform="bluesky",
                                               handle="usera@example.social"))])
    error = error_of(client.get(f"{API}/creators/usera@example.social"), 409)
    assert "could be 2 creators" in error["message"] and "full creator id" in error["fix"]


# -- lookalikes --------------------------------------------------------------------------


def _community(index_url: str) -> None:
    """Three sourdough bakers who mention each other, one wine writer sharing one word."""
    baker = make_creator("k1", bio="sourdough levain crumb baker", languages=["de"])
    friend = make_creator("k2", bio="levain crumb hydration", languages=["de"])
    third = make_creator("k3", bio="sourdough hydration", languages=["en"])
    wine = make_creator("k4", bio="crumb of a cork", languages=["ka"], followers=900_000)
    mention = CreatorRef(platform="mastodon", native_id="k2")
    records = [
        make_scored(baker, posts=[make_post(baker, 0, text="levain day", mentions=[mention])]),
        make_scored(friend, posts=[make_post(friend, 0, text="levain again")]),
        make_scored(third, tier="mid"),
        make_scored(wine, tier="macro", niche=WINE),
    ]
    with open_index(index_url) as index:
        index.upsert(records)


def test_similar_ranks_by_words_mentions_and_closeness_with_reasons(
    client: TestClient, backend_url: str
) -> None:
    _community(backend_url)
    response = client.get(f"{API}/creators/mastodon:k1/similar")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "mastodon:k1"
    assert set(body["distinctive_terms"]) >= {"levain", "crumb", "sourdough"}
    ranked = [hit["id"] for hit in body["hits"]]
    assert ranked[:3] == ["mastodon:k2", "mastodon:k3", "mastodon:k4"]
    best = body["hits"][0]
    assert any(r.startswith("shares ") and "levain" in r for r in best["reasons"])
    assert "mentions it once" in best["reasons"]
    assert "same tier (micro)" in best["reasons"]
    assert best["similarity"] == pytest.approx(
        sum(WEIGHTS[part] * value for part, value in best["parts"].items()), abs=1e-3)
    only = client.get(f"{API}/creators/mastodon:k1/similar",
                      params={"platform": "bluesky"}).json()
    assert only["hits"] == []
    assert len(client.get(f"{API}/creators/mastodon:k1/similar",
                          params={"limit": 1}).json()["hits"]) == 1


# -- niches ------------------------------------------------------------------------------


def test_niches_and_their_overview(client: TestClient) -> None:
    niches = {n["name"]: n for n in client.get(f"{API}/niches").json()}
    assert niches[VEGAN]["creators"] == 4 and niches[WINE]["creators"] == 2
    one = client.get(f"{API}/niches/{VEGAN}").json()
    assert one["definition"]["name"] == VEGAN and one["creators"] == 4
    overview = client.get(f"{API}/niches/{VEGAN}/overview").json()
    assert overview["creators"] == 4
    assert overview["tiers"] == {"micro": 1, "mid": 1, "nano": 1, "unknown": 1}
    assert overview["platforms"] == {"mastodon": 2, "bluesky": 1, "youtube": 1}
    cells = {(c["platform"], c["tier"]): c for c in overview["engagement"]}
    assert cells[("mastodon", "nano")]["median_er"] == 4.0
    assert cells[("mastodon", "mid")]["median_er"] is None
    assert [c["id"] for c in overview["top_connectors"]] == [B, C]
    assert overview["last_crawl"].startswith("2026-11-01")
    assert error_of(client.get(f"{API}/niches/../../etc/passwd"), 404)
    assert error_of(client.get(f"{API}/niches/knitting"), 404)["message"] == "no niche 'knitting'"


# -- shortlists --------------------------------------------------------------------------


def test_shortlist_lifecycle_and_exports(client: TestClient) -> None:
    created = client.post(f"{API}/lists", json={"name": "Spring", "description": "DE"})
    assert created.status_code == 201, created.text
    list_id = created.json()["id"]
    added = client.post(f"{API}/lists/{list_id}/items",
                        json={"creator_id": "b.bsky.social", "note": "=1+1 rates?"})
    assert added.status_code == 200, added.text
    assert (added.json()["creator_id"], added.json()["status"]) == (B, "candidate")
    client.post(f"{API}/lists/{list_id}/items", json={"creator_id": A, "status": "Agreed"})
    patched = client.patch(f"{API}/lists/{list_id}/items/{B}", json={"status": "contacted"})
    assert patched.json()["status"] == "contacted" and patched.json()["note"] == "=1+1 rates?"
    shown = client.get(f"{API}/lists/{list_id}").json()
    assert [(i["creator_id"], i["status"], i["tier"]) for i in shown["items"]] == [
        (B, "contacted", "micro"), (A, "agreed", "nano")]
    exported = client.get(f"{API}/lists/{list_id}.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["creator_id"], r["status"]) for r in rows] == [(B, "contacted"), (A, "agreed")]
    assert rows[0]["note"] == "'=1+1 rates?"  # no formula for spreadsheets
    as_json = json.loads(client.get(f"{API}/lists/{list_id}.json").text)
    assert [i["creator_id"] for i in as_json["items"]] == [B, A]
    renamed = client.patch(f"{API}/lists/{list_id}", json={"name": "Summer"})
    assert renamed.json()["name"] == "Summer"
    assert client.get(f"{API}/lists").json()["lists"][0]["size"] == 2
    assert client.delete(f"{API}/lists/{list_id}/items/{A}").status_code == 204
    assert error_of(client.delete(f"{API}/lists/{list_id}/items/{A}"), 404)
    assert client.delete(f"{API}/lists/{list_id}").status_code == 204
    assert error_of(client.get(f"{API}/lists/{list_id}"), 404)
    assert client.get(f"{API}/lists").json() == {"lists": []}


def test_shortlist_mistakes(client: TestClient) -> None:
    client.post(f"{API}/lists", json={"name": "Spring"})
    assert "exists" in error_of(client.post(f"{API}/lists", json={"name": "spring"}),
                                409)["message"]
    error_of(client.post(f"{API}/lists", json={"name": ""}), 422)
    error_of(client.post(f"{API}/lists", json={"name": "x", "owner": "me"}), 422)
    error_of(client.post(f"{API}/lists/1/items", json={"creator_id": "mastodon:zzz"}), 404)
    error_of(client.post(f"{API}/lists/99/items", json={"creator_id": A}), 404)
    error_of(client.patch(f"{API}/lists/1/items/{A}", json={"note": "x"}), 404)
    error_of(client.get(f"{API}/lists/abc"), 404)


# -- errors and limits -------------------------------------------------------------------


def test_a_missing_index_is_503_with_the_cause(tmp_path: Any) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'none.db'}")) as client:
        error = error_of(client.get(f"{API}/creators"), 503)
        assert "no index at" in error["message"] and "scout crawl" in error["message"]
        health = client.get(f"{API}/health").json()
        assert health["status"] == "unavailable" and "no index at" in health["error"]


def test_a_broken_index_file_is_503(tmp_path: Any) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not SQLite at all" * 100)
    with TestClient(create_app(f"sqlite:///{broken}")) as client:
        assert "not a creatorscout index" in error_of(client.get(f"{API}/creators"),
                                                      503)["message"]


def test_large_bodies_are_refused(client: TestClient) -> None:
    error = error_of(client.post(f"{API}/lists", content=b"{" + b" " * 70_000 + b"}",
                                 headers={"content-type": "application/json"}), 413)
    assert "over 65536 bytes" in error["message"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the size is found by reading
        yield b'{"name": "'
        yield from (b"x" * 1000 for _ in range(70))
        yield b'"}'

    error_of(client.post(f"{API}/lists", content=chunks(),
                         headers={"content-type": "application/json"}), 413)
    small = client.post(f"{API}/lists", content=iter([b'{"name": "ch', b'unked"}']),
                        headers={"content-type": "application/json"})
    assert small.status_code == 201 and small.json()["name"] == "chunked"


def test_unknown_routes_and_methods_are_json(client: TestClient) -> None:
    error_of(client.get(f"{API}/nothing"), 404)
    error_of(client.put(f"{API}/creators"), 405)


def test_health_and_docs(client: TestClient, backend_url: str) -> None:
    health = client.get(f"{API}/health").json()
    backend = "sqlite" if backend_url.startswith("sqlite") else "elasticsearch"
    assert (health["status"], health["backend"], health["error"]) == ("ok", backend, None)
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    assert client.get(f"{API}/docs/static/swagger-ui-bundle.js").status_code == 200
    schema = client.get(f"{API}/openapi.json").json()
    assert f"{API}/creators/{{creator_id}}/similar" in schema["paths"]
    assert schema["components"]["schemas"]["ErrorBody"]["examples"]


def test_the_web_page_mounts_through_its_install_hook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """creatorscout.web (issue 16) plugs in with ``install(app)``; stand in for it here."""
    import sys
    import types

    from fastapi import APIRouter

    web = types.ModuleType("creatorscout.web")
    page = APIRouter()

    @page.get("/")
    def home() -> dict[str, str]:
        return {"page": "home"}

    web.install = lambda app: app.include_router(page)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "creatorscout.web", web)
    url = f"sqlite:///{tmp_path / 'web.db'}"
    with TestClient(create_app(url)) as client:
        assert client.get("/").json() == {"page": "home"}
        assert client.get(f"{API}/health").status_code == 200
    with TestClient(create_app(url, web=False)) as client:
        assert client.get("/").status_code == 404


def test_niche_stats_match_the_records(client: TestClient, backend_url: str) -> None:
    from creatorscout.search.niche_stats import stats_from_records

    with open_index(backend_url) as index:
        for niche in (VEGAN, WINE, "nothing-here"):
            assert index.niche_stats(niche) == stats_from_records(index.iter_records(niche))
