"""The index contract, run against every backend: same fixtures, same queries, same answers.

Each test runs twice: on the embedded SQLite index (always) and on Elasticsearch (when
``CREATORSCOUT_ES_URL`` names a cluster; credentials come from ``CREATORSCOUT_ES_*`` as for
users). Without a cluster the Elasticsearch half is skipped; with
``CREATORSCOUT_REQUIRE_ES=1`` a missing or unreachable cluster fails instead (CI sets it).
Every Elasticsearch test works under its own prefix (``cstest-<random>``) and deletes its
indices, data stream and templates afterwards.

Expected ids are worked out by hand from the fixtures' documented values. Where the order is
defined by our scores (score, followers, engagement rate, niche relevance, then id), both
backends must return the same ids in the same order; the text rank is each engine's own
BM25, so under ``sort="relevance"`` with text only the set of ids is compared.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins.models import CreatorFlags
from creatorscout.scoring.identity import Evidence, Grouping
from creatorscout.scoring.identity import person_id as identity_person_id
from creatorscout.scoring.results import (
    AuthenticityResult,
    Component,
    NetworkResult,
    SponsoredResult,
)
from creatorscout.search import es_index
from creatorscout.search.backend import Index, copy_index, open_index
from creatorscout.search.query import FACETS, SearchQuery
from creatorscout.search.records import ScoredCreator
from tests.factories import make_creator, make_post, make_scored

ES_URL = os.environ.get("CREATORSCOUT_ES_URL", "").strip()
REQUIRE_ES = os.environ.get("CREATORSCOUT_REQUIRE_ES", "").strip() == "1"
TEST_PREFIX = "cstest"


# -- the Elasticsearch half: skip without a cluster, fail when CI demands one --------------


def _no_cluster(reason: str) -> None:
    if REQUIRE_ES:
        pytest.fail(f"CREATORSCOUT_REQUIRE_ES=1 but {reason}", pytrace=False)
    pytest.skip(f"no Elasticsearch ({reason}); set CREATORSCOUT_ES_URL to run")


@pytest.fixture(scope="session")
def es_host() -> str:
    """The cluster's base URL, after checking that it answers."""
    if not ES_URL:
        _no_cluster("CREATORSCOUT_ES_URL is not set")
    from creatorscout.search.es_config import load_client, parse_es_url

    try:
        settings = parse_es_url(ES_URL)
        client = load_client().Elasticsearch(**settings.client_kwargs())
    except ValueError as exc:
        _no_cluster(str(exc))
    try:
        client.info()
    except Exception as exc:  # noqa: BLE001 - any failure means "no usable cluster"
        _no_cluster(f"{settings.host_url} does not answer: {exc}")
    finally:
        client.close()
    return settings.host_url


def _delete_prefix(host: str, prefix: str) -> None:
    """Delete everything a test created under ``prefix`` (by concrete names: clusters
    refuse wildcard deletes by default)."""
    from creatorscout.search.es_config import load_client, parse_es_url

    es = load_client()
    client = es.Elasticsearch(**parse_es_url(host).client_kwargs())
    try:
        found = client.indices.get(index=f"{prefix}-*", expand_wildcards="all")
        for name in found.body:
            if not name.startswith("."):
                client.indices.delete(index=name, ignore_unavailable=True)
        try:
            client.indices.delete_data_stream(name=f"{prefix}-metrics")
        except es.NotFoundError:
            pass
        templates = client.indices.get_index_template(name=f"{prefix}-*")
        for template in templates.body.get("index_templates", []):
            client.indices.delete_index_template(name=template["name"])
    except es.NotFoundError:
        pass
    finally:
        client.close()


@pytest.fixture
def es_url(es_host: str) -> Iterator[str]:
    """A fresh, empty index name on the cluster; deleted afterwards."""
    prefix = f"{TEST_PREFIX}-{uuid.uuid4().hex[:12]}"
    try:
        yield f"{es_host}/{prefix}"
    finally:
        _delete_prefix(es_host, prefix)


# -- backends --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.es)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'contract.db'}"
    return str(request.getfixturevalue("es_url"))


@pytest.fixture
def index(backend_url: str) -> Iterator[Index]:
    with open_index(backend_url) as opened:
        yield opened


def ids(index: Index, **query: Any) -> list[str]:
    query.setdefault("limit", 1000)
    return [hit.record.id for hit in index.search(SearchQuery(**query)).hits]


# The world of test_index_sqlite.py, whose values make every filter and sort decidable:
#
# id           platform  followers tier     er    relevance score role       languages
# mastodon:a   mastodon      5,000 nano     4.0   0.9       80    influencer de
# bluesky:b    bluesky      50,000 micro    1.5   0.4       60    connector  en      (vegan)
#                                           3.0   0.8       90    connector          (wine)
# mastodon:c   mastodon    200,000 mid      -     0.7       60    both       de-AT, en
# youtube:d    youtube           - unknown  2.0   0.1       20    -          -
# mastodon:e   mastodon     50,000 micro    1.5   0.4       40    neither    ar      (wine)
VEGAN, WINE = "vegan-cooking", "georgian-wine"
A, B, C, D, E = "mastodon:a", "bluesky:b", "mastodon:c", "youtube:d", "mastodon:e"


def world() -> list[ScoredCreator]:
    a = make_creator("a", followers=5000, languages=["de"], bio="Sauerteig und Käse")
    b = make_creator(
        "b", platform="bluesky", handle="b.bsky.social", followers=50000, languages=["en"]
    )
    c = make_creator(
        "c", followers=200000, languages=["de-AT", "en"], profile_url="https://example.social/@c"
    )
    d = make_creator("d", platform="youtube", handle="@dee", followers=None)
    e = make_creator("e", followers=50000, languages=["ar"], bio="نبيذ جورجي")
    b_posts = [make_post(b, n, text=f"tofu bowl number {n}", hashtags=["vegan"]) for n in range(2)]
    return [
        make_scored(a, niche=VEGAN, tier="nano", er=4.0, relevance=0.9, score=80),
        make_scored(
            b, niche=VEGAN, tier="micro", er=1.5, relevance=0.4, score=60, role="connector",
            posts=b_posts,
        ),
        make_scored(b, niche=WINE, tier="micro", er=3.0, relevance=0.8, score=90, role="connector"),
        make_scored(c, niche=VEGAN, tier="mid", er=None, relevance=0.7, score=60, role="both"),
        make_scored(d, niche=VEGAN, tier="unknown", er=2.0, relevance=0.1, score=20, role=None),
        make_scored(e, niche=WINE, tier="micro", er=1.5, relevance=0.4, score=40, role="neither"),
    ]


@pytest.fixture
def filled(index: Index) -> Index:
    assert index.upsert(world()) == 6
    return index


# -- storage ---------------------------------------------------------------------------------


def test_upsert_twice_gives_the_same_counts(index: Index) -> None:
    index.upsert(world())
    first = index.stats()
    assert index.upsert(world()) == 6
    second = index.stats()
    assert first.model_dump(exclude={"size_bytes"}) == second.model_dump(exclude={"size_bytes"})
    assert (second.creators, second.records, second.posts) == (5, 6, 2)
    assert second.niches == {WINE: 2, VEGAN: 4}
    assert second.platforms == {"bluesky": 1, "mastodon": 3, "youtube": 1}
    assert index.search(SearchQuery()).total == 5


def test_round_trip_keeps_the_record(index: Index) -> None:
    creator = make_creator("r", bio="Bio", languages=["ka"], links=["https://x.example"])
    posts = [make_post(creator, n, text=f"post {n}", hashtags=["vegan"]) for n in range(3)]
    record = make_scored(creator, posts=posts, matched_terms={"vegan": 3}, snippet="post 1")
    index.upsert([record])
    assert index.get("mastodon:r") == [record]
    assert list(index.iter_records()) == [record]
    assert index.stats().posts == 3


def test_upsert_replaces_values(filled: Index) -> None:
    creator = make_creator("a", followers=7000, languages=["de"], bio="now about sourdough")
    filled.upsert([make_scored(creator, niche=VEGAN, tier="nano", score=10, er=0.5)])
    [record] = filled.get(A)
    assert (record.score.score, record.creator.followers) == (10, 7000)
    assert ids(filled, niche=VEGAN) == [B, C, D, A]
    assert ids(filled, text="sourdough") == [A]
    assert ids(filled, text="Sauerteig") == []
    assert ids(filled, min_er=3.5) == []
    assert filled.stats().records == 6


def test_get_returns_every_niche_in_niche_order(filled: Index) -> None:
    assert [r.niche for r in filled.get(B)] == [WINE, VEGAN]
    assert filled.get("mastodon:nobody") == []


def test_delete(filled: Index) -> None:
    assert filled.delete(B) is True
    assert filled.delete(B) is False
    assert filled.get(B) == []
    assert filled.stats().records == 4
    assert B not in ids(filled)
    assert filled.resolve("b.bsky.social") is None


def test_failed_batch_stores_nothing(index: Index) -> None:
    def broken() -> Iterator[ScoredCreator]:
        yield make_scored(make_creator("ok"))
        raise RuntimeError("crawler broke")

    with pytest.raises(RuntimeError):
        index.upsert(broken())
    assert index.stats().records == 0


def test_iter_records_and_copy(filled: Index, tmp_path: Path) -> None:
    expected = sorted((r.id, r.niche) for r in world())
    assert sorted((r.id, r.niche) for r in filled.iter_records()) == expected
    with open_index(f"sqlite:///{tmp_path / 'copy.db'}") as target:
        assert copy_index(filled, target, batch_size=4) == 6
        assert target.stats().records == 6
        assert ids(target) == ids(filled)


# -- respect ---------------------------------------------------------------------------------


def test_opted_out_creators_are_never_stored(index: Index) -> None:
    gone = make_creator(
        "gone", flags=CreatorFlags(opted_out=True, opt_out_reason="noindex"), bio="unique-opted"
    )
    assert index.upsert([make_scored(gone), make_scored(make_creator("kept"))]) == 1
    assert index.opted_out_skipped == 1
    assert index.get("mastodon:gone") == []
    assert index.resolve("mastodon:gone") is None
    assert ids(index, text="unique opted") == []
    assert index.stats().creators == 1


def test_opting_out_later_removes_what_was_stored(index: Index) -> None:
    creator = make_creator("late", bio="sourdough")
    index.upsert([make_scored(creator, niche=VEGAN), make_scored(creator, niche=WINE)])
    assert len(index.get("mastodon:late")) == 2
    opted = creator.model_copy(update={"flags": CreatorFlags(opted_out=True)})
    assert index.upsert([make_scored(opted, niche=VEGAN)]) == 0
    assert index.get("mastodon:late") == []
    assert ids(index, text="sourdough") == []
    assert index.stats().records == 0


def test_opt_out_within_one_batch(index: Index) -> None:
    creator = make_creator("flip", bio="kimchi")
    opted = creator.model_copy(update={"flags": CreatorFlags(opted_out=True)})
    # stored, then opted out, in one call: nothing is left
    assert index.upsert([make_scored(creator), make_scored(opted)]) == 1
    assert index.get("mastodon:flip") == []
    assert index.stats().records == 0


def test_no_post_text_is_neither_stored_nor_searchable(index: Index) -> None:
    creator = make_creator("quiet", bio="fermentation nerd", flags=CreatorFlags(no_post_text=True))
    posts = [make_post(creator, 0, text="kombucha secrets", hashtags=["scoby"])]
    index.upsert([make_scored(creator, posts=posts, snippet="kombucha secrets")])
    assert ids(index, text="kombucha") == []
    assert ids(index, text="scoby") == []
    assert ids(index, text="fermentation") == ["mastodon:quiet"]
    [stored] = index.get("mastodon:quiet")
    assert [p.text for p in stored.posts] == [None]
    assert stored.posts[0].likes == 10
    assert stored.score.relevance.snippet is None


# -- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [B, A, C, E, D]),
        ({"niche": WINE}, [B, E]),
        ({"niche": "Georgian-Wine"}, [B, E]),  # niches compare case-insensitively
        ({"niche": VEGAN}, [A, B, C, D]),
        ({"niche": "no-such-niche"}, []),
        ({"platforms": ["mastodon"]}, [A, C, E]),
        ({"platforms": ["BlueSky", "youtube"]}, [B, D]),
        ({"tiers": ["micro"]}, [B, E]),
        ({"tiers": ["unknown", "NANO"]}, [A, D]),
        ({"min_followers": 50000}, [B, C, E]),
        ({"max_followers": 50000}, [B, A, E]),
        ({"min_followers": 50000, "max_followers": 50000}, [B, E]),
        ({"min_followers": 0}, [B, A, C, E]),  # unknown followers never pass
        ({"min_er": 2.0}, [B, A, D]),
        ({"min_er": 2.0, "niche": VEGAN}, [A, D]),
        ({"min_er": 0}, [B, A, E, D]),  # unknown rate never passes
        ({"languages": ["de"]}, [A, C]),  # de matches de-AT
        ({"languages": ["de-at"]}, [C]),
        ({"languages": ["EN", "ar"]}, [B, C, E]),
        ({"languages": ["fr"]}, []),
        ({"role": "connector"}, [B, C]),  # both counts as connector
        ({"role": "influencer"}, [A, C]),
        ({"role": "both"}, [C]),
        ({"role": "neither"}, [E]),
        (
            {"niche": VEGAN, "platforms": ["mastodon"], "min_followers": 1000, "languages": ["en"]},
            [C],
        ),
    ],
)
def test_filters(filled: Index, query: dict[str, Any], expected: list[str]) -> None:
    results = filled.search(SearchQuery(**query, limit=1000))
    assert [h.record.id for h in results.hits] == expected
    assert results.total == len(expected)


def test_filters_pick_the_record_that_passes(filled: Index) -> None:
    # B's wine record (er 3.0) passes min_er 2.5, its vegan record (1.5) does not
    [hit] = filled.search(SearchQuery(min_er=2.5, platforms=["bluesky"])).hits
    assert hit.record.niche == WINE
    [hit] = filled.search(SearchQuery(platforms=["bluesky"])).hits
    assert hit.record.niche == WINE  # the better score
    [hit] = filled.search(SearchQuery(platforms=["bluesky"], niche=VEGAN)).hits
    assert hit.record.niche == VEGAN


# -- sorts and pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("score", [B, A, C, E, D]),
        ("followers", [C, B, E, A, D]),  # B and E tie at 50,000: id order; unknown last
        ("er", [A, B, D, E, C]),  # B's best rate is 3.0 (wine); unknown last
        ("relevance", [A, B, C, E, D]),  # without text: the niche relevance score
    ],
)
def test_sorts(filled: Index, sort: str, expected: list[str]) -> None:
    assert ids(filled, sort=sort) == expected


def test_the_best_record_depends_on_the_sort(filled: Index) -> None:
    # B: vegan has the lower score and the lower rate; both sorts pick wine
    for sort in ("score", "er", "relevance"):
        hits = filled.search(SearchQuery(sort=sort, platforms=["bluesky"])).hits
        assert [h.record.niche for h in hits] == [WINE]


def test_stable_order_with_many_ties(index: Index) -> None:
    records = [make_scored(make_creator(f"{n:03d}"), score=50) for n in reversed(range(30))]
    index.upsert(records)
    expected = sorted(r.id for r in records)
    for sort in ("score", "followers", "er", "relevance"):
        assert ids(index, sort=sort) == expected


def test_pagination(filled: Index) -> None:
    everything = ids(filled)
    pages: list[str] = []
    for offset in (0, 2, 4):
        results = filled.search(SearchQuery(limit=2, offset=offset))
        assert (results.total, results.offset) == (5, offset)
        pages += [h.record.id for h in results.hits]
    assert pages == everything
    beyond = filled.search(SearchQuery(limit=2, offset=10))
    assert (beyond.total, beyond.hits) == (5, [])


def multi_niche_world(creators: int, seed: int) -> list[ScoredCreator]:
    """Creators in one to three niches with varied, partly tied and unknown values."""
    rng = random.Random(seed)
    niches = ["vegan-cooking", "georgian-wine", "b2b-martech"]
    records = []
    for n in range(creators):
        platform = rng.choice(["mastodon", "bluesky", "youtube"])
        creator = make_creator(
            f"{n:04d}",
            platform=platform,
            followers=rng.choice([None, 1000, 5000, 50000, rng.randrange(0, 10**6)]),
            languages=rng.choice([[], ["en"], ["de"], ["de-AT", "en"], ["ka", "ru"], ["he"]]),
            bio=rng.choice(["vegan chef", "Weinbau in Kachetien", "tofu and tempeh", "", "ღვინო"]),
        )
        for niche in rng.sample(niches, rng.randint(1, 3)):
            records.append(
                make_scored(
                    creator,
                    niche=niche,
                    score=rng.choice([10.0, 50.0, 50.0, rng.uniform(0, 100)]),
                    er=rng.choice([None, 1.5, 2.0, rng.uniform(0, 8)]),
                    relevance=rng.choice([0.5, rng.random()]),
                    tier=rng.choice(["nano", "micro", "mid", "unknown"]),
                    role=rng.choice([None, "influencer", "connector", "both", "neither"]),
                )
            )
    return records


CROSS_QUERIES: list[dict[str, Any]] = [
    {},
    {"sort": "followers"},
    {"sort": "er"},
    {"sort": "relevance"},
    {"niche": "georgian-wine", "sort": "er"},
    {"platforms": ["mastodon", "youtube"], "min_followers": 1000},
    {"tiers": ["micro", "unknown"], "sort": "followers"},
    {"languages": ["de"], "role": "connector"},
    {"min_er": 1.5, "max_followers": 60000, "sort": "er"},
    {"text": "vegan"},
    {"text": "wein", "sort": "followers"},
    {"text": "tofu tempeh", "languages": ["en"]},
    {"text": "ღვინ", "role": "influencer"},
]


@pytest.mark.parametrize("query", CROSS_QUERIES)
def test_pages_and_facets_of_a_multi_niche_world(index: Index, query: dict[str, Any]) -> None:
    """Walking a result page by page gives the full result; facets count each creator once,
    under the values of its best record."""
    records = multi_niche_world(120, seed=7)
    index.upsert(records)
    full = index.search(SearchQuery(**query, limit=1000))
    assert full.total == len(full.hits) == len({h.record.id for h in full.hits})
    walked: list[str] = []
    for offset in range(0, full.total + 7, 7):
        page = index.search(SearchQuery(**query, limit=7, offset=offset))
        assert page.total == full.total and page.facets == full.facets
        walked += [h.record.id for h in page.hits]
    assert walked == [h.record.id for h in full.hits]
    for name in FACETS:
        if name == "language":
            expected: dict[str, int] = {}
            for hit in full.hits:
                langs = sorted({lang.lower() for lang in hit.record.creator.languages})
                for value in langs or ["unknown"]:
                    expected[value] = expected.get(value, 0) + 1
        else:
            expected = {}
            for hit in full.hits:
                value = {
                    "platform": hit.record.creator.platform,
                    "tier": hit.record.score.tier.tier,
                    "role": hit.record.score.role or "unknown",
                }[name]
                expected[value] = expected.get(value, 0) + 1
        # the same counts, in the same order (most creators first, then by value)
        assert list(full.facets[name].items()) == sorted(
            expected.items(), key=lambda i: (-i[1], i[0])
        )


def test_deep_pages_past_the_result_window(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages past Elasticsearch's 10,000-hit window come from search_after over a point in
    time. The window is shrunk here so a small world walks that path too (SQLite has none)."""
    monkeypatch.setattr(es_index, "WINDOW", 10)
    monkeypatch.setattr(es_index, "SCAN_BATCH", 4)
    index.upsert(multi_niche_world(60, seed=3))
    for query in ({}, {"niche": "vegan-cooking"}, {"sort": "er"}, {"text": "vegan"}):
        full = index.search(SearchQuery(**query, limit=1000))
        expected = [h.record.id for h in full.hits]
        for offset in (0, 5, 11, 23, max(full.total - 3, 0)):
            page = index.search(SearchQuery(**query, limit=5, offset=offset))
            assert [h.record.id for h in page.hits] == expected[offset : offset + 5]


# -- facets ----------------------------------------------------------------------------------


def test_facets_count_creators_of_the_filtered_set(filled: Index) -> None:
    results = filled.search(SearchQuery(limit=1))
    assert len(results.hits) == 1
    assert list(results.facets) == list(FACETS)
    assert results.facets["platform"] == {"mastodon": 3, "bluesky": 1, "youtube": 1}
    assert results.facets["tier"] == {"micro": 2, "mid": 1, "nano": 1, "unknown": 1}
    assert results.facets["language"] == {"en": 2, "ar": 1, "de": 1, "de-at": 1, "unknown": 1}
    assert results.facets["role"] == {
        "both": 1,
        "connector": 1,
        "influencer": 1,
        "neither": 1,
        "unknown": 1,
    }


def test_facets_follow_filters(filled: Index) -> None:
    results = filled.search(SearchQuery(platforms=["mastodon"], offset=2, limit=1))
    assert results.total == 3
    assert results.facets["platform"] == {"mastodon": 3}
    assert results.facets["tier"] == {"micro": 1, "mid": 1, "nano": 1}
    empty = filled.search(SearchQuery(niche="nothing"))
    assert empty.facets == {name: {} for name in FACETS}


def test_facets_use_the_best_record(index: Index) -> None:
    # X is a nano influencer in one niche and a micro connector in the other
    x = make_creator("x", languages=["de"])
    index.upsert(
        [
            make_scored(x, niche=VEGAN, score=70, er=1.0, tier="nano", role="influencer"),
            make_scored(x, niche=WINE, score=30, er=5.0, tier="micro", role="connector"),
        ]
    )
    by_score = index.search(SearchQuery())
    assert by_score.total == 1
    assert (by_score.facets["tier"], by_score.facets["role"]) == ({"nano": 1}, {"influencer": 1})
    by_er = index.search(SearchQuery(sort="er"))
    assert (by_er.facets["tier"], by_er.facets["role"]) == ({"micro": 1}, {"connector": 1})
    assert by_er.facets["language"] == {"de": 1}


# -- text ------------------------------------------------------------------------------------

TEXTS = {
    # id: (display name, bio, post text)
    "de": (
        "Lena Koch",
        "Ich koche vegane Gerichte mit Käse-Ersatz",
        "Rotwein aus der Pfalz, Weinbau seit 1890",
    ),
    "he": ("דנה", "שָׁלוֹם, אני מבשלת טבעוני", "אני אוהב יין גאורגי והיין הזה מעולה"),
    "ar": ("سارة", "طبخ نباتي", "النَّبِيذ الجورجي رائع"),
    "ka": ("ნინო", "ქართული სამზარეულო", "ქართული ღვინო და მარანი"),
    "ja": ("ゆき", "ヴィーガン料理", "日本のワインが好きです"),
    "hi": ("प्रिया", "शाकाहारी खाना", "हिन्दी में रेसिपी"),
    "en": ("Sam Cook", "Vegan recipes and tofu bowls", "Weekly vegan meal prep with tempeh"),
}


@pytest.fixture
def texts(index: Index) -> Index:
    records = []
    for key, (name, bio, post) in TEXTS.items():
        creator = make_creator(key, display_name=name, bio=bio, handle=f"{key}cook@example.social")
        records.append(make_scored(creator, posts=[make_post(creator, 0, text=post)]))
    index.upsert(records)
    return index


def found(index: Index, text: str, **query: Any) -> list[str]:
    results = index.search(SearchQuery(text=text, limit=100, **query))
    return sorted(hit.record.creator.native_id for hit in results.hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Käse", ["de"]),
        ("kase", ["de"]),
        ("KÄSE", ["de"]),
        ("weinbau", ["de"]),
        ("wein", ["de"]),  # a prefix
        ("pfalz rotwein", ["de"]),  # every word must match
        ("pfalz tofu", []),
        ("שלום", ["he"]),  # Hebrew points are ignored
        ("יין", ["he"]),  # a prefix glued to the word (והיין)
        ("نبيذ", ["ar"]),  # harakat ignored, the article does not hide the word
        ("النبيذ", ["ar"]),
        ("ღვინო", ["ka"]),
        ("ღვინ", ["ka"]),
        ("ワイン", ["ja"]),  # no spaces between words
        ("日本", ["ja"]),  # two characters
        ("寿司", []),
        ("हिन्दी", ["hi"]),
        ("vegan", ["de", "en"]),
        ("tempeh vegan", ["en"]),
        ("Lena", ["de"]),  # display name
        ("jacook", ["ja"]),  # handle
        ("example", sorted(TEXTS)),  # the handles' host
        ("ＴＥＭＰＥＨ", ["en"]),  # full-width Latin
        ("te", []),  # short words match whole, never as a prefix
    ],
)
def test_multilingual_text(texts: Index, text: str, expected: list[str]) -> None:
    assert found(texts, text) == expected


def test_text_rank_and_relevance_sort(texts: Index) -> None:
    results = texts.search(SearchQuery(text="vegan", sort="relevance"))
    assert {h.record.creator.native_id for h in results.hits} == {"de", "en"}
    assert all(h.text_rank is not None and h.text_rank > 0 for h in results.hits)
    assert all(h.text_rank is None for h in texts.search(SearchQuery()).hits)


def test_text_and_filters_combine(texts: Index) -> None:
    assert found(texts, "vegan", niche="vegan-cooking", min_followers=1000) == ["de", "en"]
    assert found(texts, "tofu", platforms=["youtube"]) == []
    assert texts.search(SearchQuery(text="vegan")).facets["platform"] == {"mastodon": 2}


@pytest.mark.parametrize(
    "text",
    ['"', "AND", "*", "NEAR(", "()", "   ", "OR NOT", "\x00", "🙂", "{}", "[]", "\\"],
)
def test_text_without_words_is_no_filter(texts: Index, text: str) -> None:
    assert texts.search(SearchQuery(text=text)).total == len(TEXTS)


@pytest.mark.parametrize(
    "text",
    [
        '"tofu"',
        "tofu*",
        "tofu AND",
        "(tofu)",
        "^tofu",
        "bio:tofu",
        "text.bio:tofu",
        "tofu OR NOT",
        "tofu~2",
        "/tof.*/",
        "tofu^10",
        '{"match_all": {}} tofu',
        "tofu || vegan",
        "tofu && vegan",
    ],
)
def test_syntax_is_treated_as_words(texts: Index, text: str) -> None:
    # never a parser error, and no operator widens the match beyond "en"
    assert found(texts, text) in (["en"], [])
    assert found(texts, '"tofu"') == ["en"]


@pytest.mark.parametrize(
    "text", ["x" * 5000, " ".join(f"w{i}" for i in range(200)), "ー", "\u0301", "*日*", "?יין"]
)
def test_odd_text_never_raises(texts: Index, text: str) -> None:
    for sort in ("score", "relevance"):
        results = texts.search(SearchQuery(text=text, sort=sort))
        assert len(results.hits) <= results.total


# -- resolve ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    [
        "mastodon:a",
        "usera@example.social",
        "@usera@example.social",
        "  @UserA@Example.Social ",
        "usera",
        "mastodon:@usera@example.social",
        "https://example.social/@usera",
        "https://www.example.social/@UserA/",
    ],
)
def test_resolve(index: Index, ref: str) -> None:
    creator = make_creator("a", profile_url="https://example.social/@usera")
    index.upsert([make_scored(creator), make_scored(make_creator("b"))])
    assert index.resolve(ref) == "mastodon:a"


def test_resolve_other_platforms_and_ambiguity(filled: Index) -> None:
    assert filled.resolve("@dee") == D
    assert filled.resolve("dee") == D
    assert filled.resolve("b.bsky.social") == B
    filled.upsert([make_scored(make_creator("z", platform="bluesky", handle="dee"))])
    assert filled.resolve("dee") is None
    assert filled.candidates("dee") == ["bluesky:z", D]
    assert filled.resolve("nobody-at-all") is None


def test_the_newest_profile_wins(index: Index) -> None:
    old = make_creator("n", handle="old-name")
    new = make_creator(
        "n",
        handle="new-name",
        provenance=old.provenance.model_copy(
            update={"observed_at": old.provenance.observed_at.replace(year=2027)}
        ),
    )
    index.upsert([make_scored(new, niche=VEGAN)])
    index.upsert([make_scored(old, niche=WINE)])  # an older observation arrives later
    assert index.resolve("new-name") == "mastodon:n"
    assert index.resolve("old-name") is None


# -- crawl-level scores: filters and sorts (issue 4) -----------------------------------------


def with_scores(
    record: ScoredCreator,
    *,
    authenticity: float | None,
    sponsored: float | None,
    percentile: float | None,
    influence: float | None,
    participation: float | None,
    flags: list[str],
) -> ScoredCreator:
    """A record with the niche pass's scores (None: not computed)."""
    score = record.score
    update: dict[str, Any] = {"flags": flags}
    if authenticity is not None or sponsored is not None:
        update["authenticity"] = AuthenticityResult(
            score=authenticity if authenticity is not None else 1.0,
            suspicion=0.0,
            # no signals: the audience score is unknown (only the sponsored share counts)
            signals={"follow_ratio": 0.1} if authenticity is not None else {},
            sponsored=SponsoredResult(share=sponsored),
            definition="test",
        )
    if influence is not None and participation is not None:
        update["network"] = NetworkResult(
            pagerank=0.01, influence_percentile=influence, community=1, neighbours=3,
            in_mentions=2, out_mentions=1, communities_touched=1, participation=participation,
            graph_nodes=10, graph_edges=12, communities=2, reason="test",
        )
    engagement = score.engagement.model_copy(update={"percentile": percentile})
    update["engagement"] = engagement
    # the index stores the authenticity component as the score counts it
    others = [c for c in score.components if c.name != "authenticity"]
    if authenticity is not None:
        others.append(Component(name="authenticity", value=authenticity, weight=0.1,
                                contribution=0.1 * authenticity, detail="test"))
    update["components"] = others
    return record.model_copy(update={"score": score.model_copy(update=update)})


P, Q, R, S = "mastodon:p", "mastodon:q", "mastodon:r", "mastodon:s"


@pytest.fixture
def scored(index: Index) -> Index:
    # id  score authenticity sponsored percentile influence bridging flags
    # p   50    0.9          0.1       80         90        0.2      -
    # q   70    0.4          0.6       20         40        0.7      sponsored_heavy, low_engagement
    # r   60    -            -         -          -         -        brand_safety
    # s   40    0.9          0.0       80         90        0.2      -
    rows = [
        ("p", 50, 0.9, 0.1, 80, 90, 0.2, []),
        ("q", 70, 0.4, 0.6, 20, 40, 0.7, ["sponsored_heavy", "low_engagement"]),
        ("r", 60, None, None, None, None, None, ["brand_safety"]),
        ("s", 40, 0.9, 0.0, 80, 90, 0.2, []),
    ]
    index.upsert(
        [
            with_scores(
                make_scored(make_creator(key), score=score), authenticity=auth,
                sponsored=sponsored, percentile=pct, influence=infl, participation=bridge,
                flags=flags,
            )
            for key, score, auth, sponsored, pct, infl, bridge, flags in rows
        ]
    )
    return index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [Q, R, P, S]),
        ({"min_score": 55}, [Q, R]),
        ({"min_relevance": 0.5}, [Q, R, P, S]),
        ({"min_relevance": 0.6}, []),
        ({"min_authenticity": 0.5}, [P, S]),  # unknown never passes
        ({"min_influence": 50}, [P, S]),
        ({"min_bridging": 0.5}, [Q]),
        ({"max_sponsored": 0.1}, [P, S]),
        ({"flags": ["low_engagement"]}, [Q]),
        ({"flags": ["brand_safety", "sponsored_heavy"]}, [Q, R]),
        ({"exclude_flags": ["brand_safety"]}, [Q, P, S]),
        ({"no_flags": True}, [P, S]),
        ({"sort": "authenticity"}, [P, S, Q, R]),  # tie: by score; unknown last
        ({"sort": "er_percentile"}, [P, S, Q, R]),
        ({"sort": "influence"}, [P, S, Q, R]),
        ({"sort": "bridging"}, [Q, P, S, R]),
        ({"sort": "influence", "min_score": 45}, [P, Q, R]),
    ],
)
def test_crawl_scores(scored: Index, query: dict[str, Any], expected: list[str]) -> None:
    assert ids(scored, **query) == expected


def test_iter_records_of_one_niche_while_rewriting_them(filled: Index) -> None:
    assert sorted(r.id for r in filled.iter_records(niche="Georgian-Wine")) == [B, E]
    seen = []
    for record in filled.iter_records():  # rewriting what is read (the niche pass does)
        seen.append((record.id, record.niche))
        filled.upsert([record.model_copy(update={"score": record.score.model_copy(
            update={"score": 33.0})})])
    assert sorted(seen) == sorted((r.id, r.niche) for r in world())
    assert {r.score.score for r in filled.iter_records()} == {33.0}


# -- persons (issue 3) -------------------------------------------------------------------------


def _grouped(index: Index) -> str:
    """Groups A and B into one person; the others are persons of their own."""
    ab = identity_person_id([A, B])
    evidence = Evidence(
        source_id=A, link="https://bsky.app/profile/b.bsky.social", key="bsky.app/b.bsky.social",
        target_id=B, published="verified", status="verified", merged=True, note="test",
    )
    person_of = {A: ab, B: ab} | {x: identity_person_id([x]) for x in (C, D, E)}
    index.save_grouping(Grouping(person_of=person_of, evidence=[evidence]))
    return ab


def test_hits_carry_their_person(filled: Index) -> None:
    ab = _grouped(filled)
    hits = {h.record.id: h for h in filled.search(SearchQuery()).hits}
    assert (hits[A].person_id, hits[A].other_profiles) == (ab, [B])
    assert (hits[B].person_id, hits[B].other_profiles) == (ab, [A])
    assert (hits[C].person_id, hits[C].other_profiles) == (identity_person_id([C]), [])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, [B, C, E, D]),  # A and B are one person: B's wine record (90) is its best
        ({"sort": "er"}, [A, D, E, C]),  # A's rate (4.0) beats B's best (3.0)
        ({"niche": VEGAN}, [A, C, D]),
        ({"platforms": ["mastodon"]}, [A, C, E]),
    ],
)
def test_collapse_person(filled: Index, query: dict[str, Any], expected: list[str]) -> None:
    _grouped(filled)
    results = filled.search(SearchQuery(**query, collapse_person=True, limit=1000))
    assert [h.record.id for h in results.hits] == expected
    assert results.total == len(expected)
    assert sum(results.facets["platform"].values()) == len(expected)


def test_collapsed_pages_and_facets(filled: Index) -> None:
    _grouped(filled)
    results = filled.search(SearchQuery(collapse_person=True, limit=1, offset=1))
    assert [h.record.id for h in results.hits] == [C]
    assert results.facets["platform"] == {"mastodon": 2, "bluesky": 1, "youtube": 1}


def test_person_of_and_deleting_a_member(filled: Index) -> None:
    ab = _grouped(filled)
    person = filled.person_of(A)
    assert person is not None
    assert (person.id, person.members) == (ab, [B, A])
    assert [e.target_id for e in person.evidence] == [B]
    assert filled.person_of("mastodon:nobody") is None
    alone = filled.person_of(C)
    assert alone is not None and (alone.members, alone.evidence) == ([C], [])
    # a new profile of A keeps A's person
    filled.upsert([make_scored(make_creator("a", followers=6000, languages=["de"]), niche=VEGAN)])
    assert filled.person_of(A).members == [B, A]
    assert [h.record.id for h in filled.search(SearchQuery(collapse_person=True)).hits][:2] == [
        B, C
    ]
    # deleting B ungroups A until the next pass; the evidence loses its target
    filled.delete(B)
    person = filled.person_of(A)
    assert person is not None and person.members == [A] and person.id == identity_person_id([A])
    assert [(e.target_id, e.merged) for e in person.evidence] == [(None, False)]
    hits = {h.record.id: h for h in filled.search(SearchQuery()).hits}
    assert (hits[A].person_id, hits[A].other_profiles) == (None, [])


def test_a_new_grouping_replaces_the_old_one(filled: Index) -> None:
    _grouped(filled)
    filled.save_grouping(Grouping(person_of={C: identity_person_id([C])}, evidence=[]))
    hits = {h.record.id: h for h in filled.search(SearchQuery()).hits}
    assert hits[A].person_id is None and hits[A].other_profiles == []
    assert hits[C].person_id == identity_person_id([C])
    assert filled.person_of(A).evidence == []
    assert len(filled.search(SearchQuery(collapse_person=True)).hits) == 5


def test_iter_creators_gives_the_newest_profiles(filled: Index) -> None:
    creators = list(filled.iter_creators())
    assert [c.id for c in creators] == sorted([A, B, C, D, E])


# -- moving between backends ------------------------------------------------------------------


def test_copy_command_is_safe_to_rerun(filled: Index, backend_url: str, tmp_path: Path) -> None:
    filled.close()  # the command opens it itself
    target = f"sqlite:///{tmp_path / 'moved.db'}"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["index", "copy", "--index", backend_url, "--to", target])
        assert result.exit_code == 0, result.output
        assert "copied 6 records" in result.output
    with open_index(target) as moved, open_index(backend_url) as source:
        assert moved.stats().model_dump(exclude={"size_bytes", "url"}) == source.stats(
        ).model_dump(exclude={"size_bytes", "url"})
        for query in CROSS_QUERIES[:9]:
            assert ids(moved, **query) == ids(source, **query)


# -- Elasticsearch only: the same answers as SQLite, history, rebuild ------------------------


@pytest.fixture
def es_only(backend_url: str) -> str:
    if not backend_url.startswith("http"):
        pytest.skip("Elasticsearch only")
    return backend_url


def test_same_answers_as_sqlite(es_only: str, tmp_path: Path) -> None:
    records = multi_niche_world(300, seed=11)
    with open_index(es_only) as es, open_index(f"sqlite:///{tmp_path / 'x.db'}") as lite:
        es.upsert(records)
        lite.upsert(records)
        for query in CROSS_QUERIES:
            ours = es.search(SearchQuery(**query, limit=1000))
            theirs = lite.search(SearchQuery(**query, limit=1000))
            assert ours.total == theirs.total, query
            for name in FACETS:  # the same counts in the same order
                assert list(ours.facets[name].items()) == list(theirs.facets[name].items())
            ours_ids = [h.record.id for h in ours.hits]
            theirs_ids = [h.record.id for h in theirs.hits]
            if query.get("sort") == "relevance" and query.get("text"):
                assert sorted(ours_ids) == sorted(theirs_ids), query
            else:
                assert ours_ids == theirs_ids, query
                assert [h.record for h in ours.hits] == [h.record for h in theirs.hits]
        assert es.stats().model_dump(include={"creators", "records", "posts", "niches"}) == (
            lite.stats().model_dump(include={"creators", "records", "posts", "niches"})
        )


def test_history_and_copy_between_clusters(es_only: str, es_host: str) -> None:
    creator = make_creator("h", followers=100)
    later = creator.model_copy(
        update={
            "followers": 150,
            "provenance": creator.provenance.model_copy(
                update={"observed_at": creator.provenance.observed_at.replace(month=12)}
            ),
        }
    )
    other = f"{es_host}/{TEST_PREFIX}-{uuid.uuid4().hex[:12]}"
    try:
        with open_index(es_only) as source:
            assert isinstance(source, es_index.ElasticIndex)
            source.upsert([make_scored(creator)])
            source.upsert([make_scored(later)])
            source.upsert([make_scored(later)])  # same observation: no new snapshot
            assert [s["followers"] for s in source.history("mastodon:h")] == [100, 150]
        runner = CliRunner()
        for _ in range(2):
            result = runner.invoke(main, ["index", "copy", "--index", es_only, "--to", other])
            assert result.exit_code == 0, result.output
            assert "2 history snapshots" in result.output
        with open_index(other) as target:
            assert isinstance(target, es_index.ElasticIndex)
            assert [s["followers"] for s in target.history("mastodon:h")] == [100, 150]
            assert target.get("mastodon:h")[0].creator.followers == 150
            target.delete("mastodon:h")
            assert target.history("mastodon:h") == []
    finally:
        _delete_prefix(es_host, other.rsplit("/", 1)[1])


def test_rebuild_flips_the_alias(es_only: str) -> None:
    with open_index(es_only) as index:
        assert isinstance(index, es_index.ElasticIndex)
        index.upsert(world())
        before = ids(index)
        assert index.rebuild() == 6
        assert ids(index) == before
        assert index.stats().records == 6
        assert index.resolve("b.bsky.social") == B


def test_read_only_commands_do_not_create_an_index(es_url: str) -> None:
    result = CliRunner().invoke(main, ["search", "--index", es_url])
    assert result.exit_code == 1
    assert "no creatorscout index at" in result.output and "scout crawl" in result.output
