"""The web page over HTTP, without a browser: what the server sends (escaping, headers,
CSRF, token rules, the search URL, shortlists). Real app, real SQLite; the browser tests
(tests/test_page_browser.py) check what a real browser makes of it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from creatorscout.api import create_app
from creatorscout.search.backend import open_index
from creatorscout.web.query import BadQuery, parse, search_url
from creatorscout.web.security import CSRF_COOKIE
from tests.page_world import EVIL, LONG_WORD, PWN, RLO, TWIN, add_hostile
from tests.test_index_contract import VEGAN, A, B, C, D, E, world

TOKEN = "s3cret-token"


@pytest.fixture
def index_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'page.db'}"
    with open_index(url) as index:
        index.upsert(world())
    add_hostile(url)
    return url


@pytest.fixture
def client(index_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(index_url)) as test_client:
        yield test_client


def tree(response: object) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.text)  # type: ignore[attr-defined]


def csrf_of(client: TestClient) -> str:
    client.get("/lists")
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return token


def hit_ids(page: lxml_html.HtmlElement) -> list[str]:
    return page.xpath("//table[contains(@class,'hits')]//input[@name='creator_ids']/@value")


# -- search ------------------------------------------------------------------------------


def test_the_search_page_lists_what_the_api_finds(client: TestClient) -> None:
    for params in ({}, {"niche": VEGAN}, {"platforms": ["mastodon"], "sort": "followers"},
                   {"tiers": "micro"}, {"text": "tofu"}, {"role": "connector"}):
        api = client.get("/api/v1/creators", params=params).json()
        page = client.get("/", params=params)
        assert page.status_code == 200
        assert hit_ids(tree(page)) == [h["record"]["creator"]["id"] for h in api["hits"]]


def test_facet_counts_stay_for_the_other_values_of_a_chosen_filter(client: TestClient) -> None:
    page = tree(client.get("/", params={"platforms": "mastodon"}))
    labels = {
        label.xpath("string(.//input/@value)"): label.text_content()
        for label in page.xpath("//input[@name='platforms']/..")
    }
    everything = client.get("/api/v1/creators").json()["facets"]["platform"]
    assert set(labels) == set(everything)  # bluesky stays choosable while mastodon is set
    for platform, count in everything.items():
        assert f"({count})" in labels[platform]
    assert page.xpath("//input[@name='platforms'][@value='mastodon']/@checked")
    only = client.get("/api/v1/creators", params={"platforms": "mastodon"}).json()["total"]
    assert hit_ids(page) and len(hit_ids(page)) == only


def test_flag_counts_and_role_counts_follow_the_filters(client: TestClient) -> None:
    page = tree(client.get("/", params={"niche": VEGAN}))
    role = {
        label.xpath("string(.//input/@value)"): label.text_content()
        for label in page.xpath("//input[@name='role']/..")
    }
    connectors = client.get("/api/v1/creators", params={"niche": VEGAN, "role": "connector"})
    assert f"({connectors.json()['total']})" in role["connector"]  # connector counts "both"
    # flags cost a count each: shown once flags are in use, else fetched when opened
    assert page.xpath("string(//span[@data-flag='low_engagement'])") == ""
    url = page.xpath("string(//details[@id='flag-group']/@data-counts)")
    fetched = client.get(url).json()
    used = tree(client.get("/", params={"niche": VEGAN, "exclude_flags": "brand_safety"}))
    for label in used.xpath("//input[@name='flags']/.."):
        flag = label.xpath("string(.//input/@value)")
        total = client.get("/api/v1/creators",
                           params={"niche": VEGAN, "flags": flag}).json()["total"]
        assert f"({total})" in label.text_content() and fetched[flag] == total
    assert sum(fetched.values()) > 0
    assert client.get("/search/flag-counts?sort=nope").status_code == 400


def test_the_url_holds_the_whole_query() -> None:
    from starlette.datastructures import QueryParams

    url = search_url(parse(QueryParams(
        "text=tofu&niche=vegan-cooking&platforms=mastodon&platforms=bluesky&min_er=2"
        "&collapse_person=1&sort=followers&limit=50&offset=50&min_followers=")))
    query = parse_qs(urlsplit(url).query)
    assert query == {"text": ["tofu"], "niche": ["vegan-cooking"],
                     "platforms": ["mastodon", "bluesky"], "min_er": ["2.0"],
                     "collapse_person": ["1"], "sort": ["followers"], "limit": ["50"],
                     "offset": ["50"]}
    assert search_url(parse(QueryParams(""))) == "/"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("min_followers=lots", "min_followers"),
        ("sort=loudest", "sort"),
        ("min_followers=9&max_followers=1", "min_followers is larger"),
        ("limit=1000", "at most 100"),
        ("colour=red", "unknown parameter 'colour'"),
    ],
)
def test_a_bad_search_url_is_one_line_and_a_400(client: TestClient, url: str, says: str
                                                 ) -> None:
    from starlette.datastructures import QueryParams

    with pytest.raises(BadQuery, match=says):
        parse(QueryParams(url))
    page = client.get(f"/?{url}")
    assert page.status_code == 400 and "Traceback" not in page.text
    alert = tree(page).xpath("string(//*[@role='alert'])")
    assert says in alert and "\n" not in alert.strip()


def test_pages_and_sort_links_keep_the_query(client: TestClient) -> None:
    page = tree(client.get("/", params={"niche": VEGAN, "limit": 10, "text": "a"}))
    sort_links = page.xpath("//table[contains(@class,'hits')]//thead//a/@href")
    for link in sort_links:
        query = parse_qs(urlsplit(link).query)
        assert query["niche"] == [VEGAN] and query["limit"] == ["10"]
    first = tree(client.get("/", params={"limit": 10}))
    assert first.xpath("string(//nav[@class='pages']//p)").startswith("Showing 1–")


def test_collapse_person_shows_one_row_per_person(client: TestClient) -> None:
    apart = hit_ids(tree(client.get("/")))
    together = hit_ids(tree(client.get("/", params={"collapse_person": "1"})))
    assert EVIL in apart and TWIN in apart
    assert len(together) == len(apart) - 1 and (EVIL in together) != (TWIN in together)


# -- the creator page ----------------------------------------------------------------------


def test_the_creator_page_explains_the_score_so_it_adds_up(client: TestClient) -> None:
    page = tree(client.get(f"/creators/{EVIL}"))
    detail = client.get(f"/api/v1/creators/{EVIL}").json()
    score = detail["niches"][0]["score"]
    bar = page.xpath("//svg[@class='scorebar']")[0]
    points = [float(p) for p in bar.xpath(".//rect/@data-points")]
    widths = [float(w) for w in bar.xpath(".//rect[@data-points]/@width")]
    assert float(bar.get("data-score")) == pytest.approx(score, abs=0.01)
    assert sum(points) == pytest.approx(score, abs=0.05)
    assert sum(widths) / 600 * 100 == pytest.approx(score, abs=0.05)
    assert len(points) == sum(1 for p in detail["niches"][0]["explanation"]
                              if p["value"] is not None)
    numbers = page.xpath("//table[contains(@class,'numbers')]//tbody/tr")
    assert len(numbers) == 3 and all("2026-11-01" in row.text_content() for row in numbers)


def test_sponsored_posts_and_niche_words_are_marked(client: TestClient) -> None:
    page = tree(client.get(f"/creators/{EVIL}"))
    posts = page.xpath("//article[contains(@class,'post')]")
    sponsored = [p for p in posts if "sponsored" in p.get("class").split()]
    assert len(sponsored) == 1 and "Sponsored" in sponsored[0].text_content()
    assert sponsored[0].xpath("string(.//mark[@class='marker'])") == "#ad"
    niche_words = {m.text_content() for m in page.xpath("//article//mark[@class='niche']")}
    assert {"vegan", "tofu", "טבעוני"} <= niche_words
    assert all(p.xpath(".//p[contains(@class,'text')]/@dir") == ["auto"] for p in posts)


def test_every_hostile_value_is_escaped(client: TestClient) -> None:
    for path in (f"/creators/{EVIL}", f"/creators/{TWIN}", "/?text=tofu",
                 f"/?text=%3Cscript%3E{PWN}", "/niches/vegan-cooking"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = tree(response)
        scripts = page.xpath("//script")
        assert [s.get("src") for s in scripts] == ["/static/app.js"], path
        assert not [s for s in scripts if (s.text or "").strip()], path
        assert not page.xpath("//*[@onmouseover or @onerror or @onclick or @style]"), path
        assert not page.xpath("//img"), path
        hrefs = page.xpath("//@href")
        assert not [h for h in hrefs if not h.startswith(("/", "https://", "http://", "#"))]
        for link in page.xpath("//a[starts-with(@href,'http')]"):
            assert {"noopener", "noreferrer"} <= set(link.get("rel", "").split()), path
    page = tree(client.get(f"/creators/{EVIL}"))
    assert "<script>" in page.xpath("string(//h1)")  # shown as text
    assert page.xpath("//p[contains(@class,'bio')]/@dir") == ["auto"]
    assert LONG_WORD in page.xpath("string(//p[contains(@class,'bio')])")
    assert RLO in page.xpath("string(//h1/following-sibling::p//bdi[contains(@class,'handle')])")


def test_the_page_headers_forbid_inline_code_and_framing(client: TestClient) -> None:
    for path in ("/", f"/creators/{EVIL}", "/lists", "/crawls", "/niches", "/static/app.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "script-src 'self'" in csp, path
        assert "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/api/v1/health").headers


def test_the_page_works_without_a_cdn(client: TestClient) -> None:
    text = client.get(f"/creators/{EVIL}").text + client.get("/").text
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)"', text)
    assert client.get("/static/style.css").status_code == 200


# -- writing: CSRF, token ----------------------------------------------------------------


def test_writing_forms_need_the_csrf_token(client: TestClient) -> None:
    token = csrf_of(client)
    refused = client.post("/lists", data={"name": "no token"})
    assert refused.status_code in (403, 422)
    wrong = client.post("/lists", data={"name": "wrong", "csrf": "x" * 43})
    assert wrong.status_code == 403 and "expired" in wrong.text
    foreign = client.post("/lists", data={"name": "elsewhere", "csrf": token},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "another site" in foreign.text
    assert client.get("/api/v1/lists").json()["lists"] == []
    made = client.post("/lists", data={"name": "Spring", "csrf": token},
                       follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"].startswith("/lists/")
    cookie = client.get("/").headers.get("set-cookie", "")
    assert CSRF_COOKIE not in cookie  # the browser keeps its token
    first = client.cookies.get(CSRF_COOKIE)
    assert first == token


def test_shortlists_from_search_to_csv(client: TestClient) -> None:
    token = csrf_of(client)
    added = client.post("/lists/add", data={"creator_ids": [A, C], "new_name": "Fall <b>",
                                            "csrf": token, "status": "candidate"},
                        follow_redirects=False)
    assert added.status_code == 303
    list_path = added.headers["location"].split("?")[0]
    list_id = list_path.rsplit("/", 1)[1]
    saved = client.post(f"{list_path}/items", data={"creator_id": C, "status": "contacted",
                                                    "note": "=HYPERLINK(\"x\")", "csrf": token},
                        follow_redirects=False)
    assert saved.status_code == 303
    again = client.post("/lists/add", data={"creator_ids": [B], "list_id": list_id,
                                            "csrf": token}, follow_redirects=False)
    assert again.status_code == 303
    page = tree(client.get(list_path))
    assert "Fall <b>" in page.xpath("string(//h1)")
    rows = list(csv.DictReader(io.StringIO(client.get(f"{list_path}.csv").text)))
    assert [r["creator_id"] for r in rows] == [A, C, B]
    as_json = client.get(f"{list_path}.json").json()
    assert [i["creator_id"] for i in as_json["items"]] == [A, C, B]
    assert client.get(f"{list_path}.xml").status_code == 404
    assert rows[1]["status"] == "contacted" and rows[1]["note"].startswith("'=")  # no formula
    removed = client.post(f"{list_path}/remove", data={"creator_id": A, "csrf": token},
                          follow_redirects=False)
    assert removed.status_code == 303
    assert [i["creator_id"] for i in client.get(f"/api/v1/lists/{list_id}").json()["items"]] \
        == [C, B]


def test_shortlist_mistakes_are_one_line(client: TestClient) -> None:
    token = csrf_of(client)
    nothing = client.post("/lists/add", data={"creator_ids": [A], "csrf": token})
    assert nothing.status_code == 409 and "pick a list or name a new one" in nothing.text
    unticked = client.post("/lists/add", data={"new_name": "x", "csrf": token})
    assert unticked.status_code == 409 and "tick the creators" in unticked.text
    unknown = client.post("/lists/add", data={"creator_ids": ["mastodon:nobody"],
                                              "new_name": "x", "csrf": token})
    assert unknown.status_code == 422 and "no creator" in unknown.text
    client.post("/lists", data={"name": "Taken", "csrf": token})
    taken = client.post("/lists", data={"name": "taken", "csrf": token})
    assert taken.status_code == 409 and "Traceback" not in taken.text


def test_with_a_token_writes_need_it_and_signing_in_gives_it(index_url: str) -> None:
    with TestClient(create_app(index_url, TOKEN)) as client:
        assert client.get("/").status_code == 200  # loopback: reading stays open
        token = csrf_of(client)
        refused = client.post("/lists", data={"name": "x", "csrf": token},
                              follow_redirects=False)
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin")
        wrong = client.post("/signin", data={"token": "guess", "csrf": token})
        assert wrong.status_code == 401
        signed = client.post("/signin", data={"token": TOKEN, "csrf": token, "next": "/lists"},
                             follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/lists"
        assert TOKEN not in signed.headers["set-cookie"]  # a digest, not the token
        made = client.post("/lists", data={"name": "x", "csrf": token}, follow_redirects=False)
        assert made.status_code == 303
        away = client.post("/signin", data={"token": TOKEN, "csrf": token,
                                            "next": "//evil.example/"}, follow_redirects=False)
        assert away.headers["location"] == "/"


def test_other_binds_need_the_token_to_read(index_url: str) -> None:
    with TestClient(create_app(index_url, TOKEN, host="0.0.0.0")) as client:
        for path in ("/", f"/creators/{EVIL}", "/lists", "/crawls", "/niches"):
            answer = client.get(path, follow_redirects=False)
            assert answer.status_code == 303 and "/signin" in answer.headers["location"], path
        assert client.get("/signin").status_code == 200
        token = client.cookies.get(CSRF_COOKIE)
        client.post("/signin", data={"token": TOKEN, "csrf": token})
        assert client.get("/", follow_redirects=False).status_code == 200


# -- errors --------------------------------------------------------------------------------


def test_unknown_things_are_pages_not_tracebacks(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/creators/mastodon:nobody").status_code == 404
    assert client.get("/niches/no-such-niche").status_code == 404
    assert client.get("/lists/999").status_code == 404
    assert client.get("/crawls/nope").status_code == 404
    for path in ("/no/such/page", "/lists/x"):
        missing = client.get(path)
        assert missing.status_code in (404, 422) and "<h1>" in missing.text, path
    broken = client.post("/lists/1/items", data={"csrf": csrf_of(client)})
    assert broken.status_code == 422 and "<h1>" in broken.text  # a form without its fields
    assert client.get("/api/v1/nothing").json()["error"]["status"] == 404  # the API: JSON
    with TestClient(create_app(f"sqlite:///{tmp_path / 'missing.db'}")) as empty:
        answer = empty.get("/")
        assert answer.status_code == 503 and "crawl" in answer.text.lower()
    assert D in hit_ids(tree(client.get("/", params={"platforms": "youtube"})))
    assert E in hit_ids(tree(client.get("/", params={"languages": "ar"})))


def test_crawl_form_mistakes_are_one_line(client: TestClient) -> None:
    token = csrf_of(client)
    cases = (
        ({"niche": VEGAN, "budget": "10"}, "tick the platforms"),
        ({"niche": "no-such-niche", "platforms": "mastodon", "budget": "10"}, "no niche"),
        ({"niche": VEGAN, "platforms": "myspace", "budget": "10"}, "unknown platform"),
        ({"niche": VEGAN, "platforms": "mastodon", "budget": "0"}, "budget"),
    )
    for form, says in cases:
        answer = client.post("/crawls", data={**form, "csrf": token})
        assert answer.status_code == 422, (form, answer.status_code)
        assert says in tree(answer).xpath("string(//*[@role='alert'])"), form
    assert client.get("/api/v1/crawls").json()["crawls"] == []
