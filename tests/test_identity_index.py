"""Persons in the embedded index: stored person ids and evidence, the grouping pass,
search collapsed by person, ``scout show`` and ``scout index regroup``. Real SQLite files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins.models import Creator, CreatorFlags
from creatorscout.search.backend import Index
from creatorscout.search.persons import regroup
from creatorscout.search.query import SearchQuery
from creatorscout.search.render import render_json, render_show, render_table
from creatorscout.search.sqlite_index import SqliteIndex
from tests.factories import make_creator, make_scored
from tests.old_index import write_old_index

VEGAN, WINE = "vegan-cooking", "georgian-wine"

# Lena: Mastodon (verified site), her site (rel=me back), Bluesky on her own domain.
# Ben: Mastodon and a GitHub account that say they are each other (two-way bio links).
# Ana: a site that claims Lena's Bluesky account (one-way: never merged).
LENA_M = make_creator("lena@vegan.social", handle="lena@vegan.social",
                      profile_url="https://vegan.social/@lena",
                      links=["https://lena.example"], verified_links=["https://lena.example"])
LENA_S = make_creator("lena.example", platform="web", handle="lena.example",
                      profile_url="https://lena.example/",
                      links=["https://vegan.social/@lena"], me_links=["https://vegan.social/@lena"])
LENA_B = make_creator("did:plc:lena", platform="bluesky", handle="lena.example",
                      profile_url="https://bsky.app/profile/lena.example",
                      verified_links=["https://lena.example"])
BEN_M = make_creator("ben@vegan.social", handle="ben@vegan.social",
                     profile_url="https://vegan.social/@ben", links=["https://github.com/ben"])
BEN_G = make_creator("1001", platform="github", handle="ben",
                     profile_url="https://github.com/ben", links=["https://vegan.social/@ben"])
ANA_S = make_creator("ana.example", platform="web", handle="ana.example",
                     profile_url="https://ana.example/",
                     links=["https://bsky.app/profile/lena.example"],
                     me_links=["https://bsky.app/profile/lena.example"])


def records() -> list:
    return [
        make_scored(LENA_M, niche=VEGAN, score=70),
        make_scored(LENA_M, niche=WINE, score=20),
        make_scored(LENA_S, niche=VEGAN, score=40),
        make_scored(LENA_B, niche=VEGAN, score=90),
        make_scored(BEN_M, niche=VEGAN, score=50),
        make_scored(BEN_G, niche=VEGAN, score=60, tier="nano"),
        make_scored(ANA_S, niche=VEGAN, score=30),
    ]


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SqliteIndex]:
    with SqliteIndex(tmp_path / "index.db") as opened:
        opened.upsert(records())
        yield opened


@pytest.fixture
def grouped(index: SqliteIndex) -> SqliteIndex:
    regroup(index)
    return index


def ids(index: Index, **query: object) -> list[str]:
    return [hit.record.id for hit in index.search(SearchQuery(**query, limit=100)).hits]


def test_before_grouping_everyone_is_a_person_of_their_own(index: SqliteIndex) -> None:
    person = index.person_of(LENA_M.id)
    assert person is not None and person.members == [LENA_M.id] and person.evidence == []
    assert index.person_of("mastodon:nobody@nowhere.example") is None
    hits = index.search(SearchQuery(limit=100)).hits
    assert all(h.person_id is None and h.other_profiles == [] for h in hits)
    assert len(ids(index, collapse_person=True)) == 6


def test_regroup_stores_persons_and_evidence(grouped: SqliteIndex) -> None:
    lena = grouped.person_of(LENA_B.id)
    assert lena is not None
    assert lena.members == sorted([LENA_M.id, LENA_S.id, LENA_B.id])
    assert grouped.person_of(LENA_M.id) == lena
    how = {(e.source_id, e.status) for e in lena.evidence if e.merged}
    assert (LENA_M.id, "verified") in how and (LENA_B.id, "verified") in how
    assert (LENA_S.id, "two_way") in how
    claim = [e for e in lena.evidence if e.source_id == ANA_S.id]
    assert len(claim) == 1 and claim[0].status == "one_way" and not claim[0].merged
    ben = grouped.person_of(BEN_G.id)
    assert ben is not None and ben.members == sorted([BEN_M.id, BEN_G.id])
    ana = grouped.person_of(ANA_S.id)
    assert ana is not None and ana.members == [ANA_S.id]


def test_regroup_reports_what_it_did(index: SqliteIndex) -> None:
    stats = regroup(index)
    assert (stats.profiles, stats.grouped_persons, stats.grouped_profiles) == (6, 2, 5)
    assert stats.one_way == 1 and stats.conflicts == 0


def test_regroup_is_idempotent_and_replaces_the_previous_pass(grouped: SqliteIndex) -> None:
    before = grouped.person_of(LENA_M.id)
    regroup(grouped)
    assert grouped.person_of(LENA_M.id) == before
    # Lena's Mastodon drops the site from its fields: it leaves her person; the site and
    # the Bluesky account on its domain stay together.
    quiet = LENA_M.model_copy(update={"links": [], "verified_links": []})
    grouped.upsert([make_scored(quiet, niche=VEGAN, score=70)])
    regroup(grouped)
    assert grouped.person_of(LENA_M.id).members == [LENA_M.id]
    assert grouped.person_of(LENA_S.id).members == sorted([LENA_S.id, LENA_B.id])


def test_a_new_profile_is_grouped_with_profiles_of_earlier_crawls(grouped: SqliteIndex) -> None:
    # A later crawl finds Ben's site: it joins the person the earlier crawl grouped.
    site = make_creator("ben.example", platform="web", handle="ben.example",
                        profile_url="https://ben.example", me_links=["https://github.com/ben"],
                        links=["https://github.com/ben"])
    gh = BEN_G.model_copy(update={"links": [*BEN_G.links, "https://ben.example"]})
    grouped.upsert([make_scored(site, niche=WINE), make_scored(gh, niche=VEGAN, score=60)])
    assert grouped.person_of(site.id).members == [site.id]  # not yet: no pass since
    regroup(grouped)
    assert grouped.person_of(site.id).members == sorted([BEN_M.id, BEN_G.id, site.id])


def test_upserting_a_creator_keeps_its_person(grouped: SqliteIndex) -> None:
    person = grouped.person_of(BEN_M.id)
    grouped.upsert([make_scored(BEN_M, niche=WINE, score=10)])
    assert grouped.person_of(BEN_M.id) == person


def test_opting_out_ungroups_the_person_until_the_next_pass(grouped: SqliteIndex) -> None:
    # Lena's site held her person together; it opts out (noindex) and is deleted.
    gone = LENA_S.model_copy(update={"flags": CreatorFlags(opted_out=True)})
    grouped.upsert([make_scored(gone, niche=VEGAN)])
    assert grouped.person_of(LENA_S.id) is None
    lena = grouped.person_of(LENA_M.id)
    assert lena is not None and lena.members == [LENA_M.id]
    assert all(e.source_id != LENA_S.id and e.target_id != LENA_S.id for e in lena.evidence)
    regroup(grouped)  # Mastodon and Bluesky still verified the same domain
    assert grouped.person_of(LENA_M.id).members == sorted([LENA_M.id, LENA_B.id])


def test_hits_carry_the_person(grouped: SqliteIndex) -> None:
    hits = {h.record.id: h for h in grouped.search(SearchQuery(limit=100)).hits}
    assert hits[LENA_B.id].person_id == grouped.person_of(LENA_B.id).id
    assert hits[LENA_B.id].other_profiles == sorted([LENA_M.id, LENA_S.id])
    assert hits[ANA_S.id].other_profiles == []


def test_collapse_keeps_each_persons_best_profile(grouped: SqliteIndex) -> None:
    assert ids(grouped) == [LENA_B.id, LENA_M.id, BEN_G.id, BEN_M.id, LENA_S.id, ANA_S.id]
    assert ids(grouped, collapse_person=True) == [LENA_B.id, BEN_G.id, ANA_S.id]
    # the best profile among those that pass the filters
    assert ids(grouped, collapse_person=True, platforms=["mastodon"]) == [LENA_M.id, BEN_M.id]
    # everyone has 1,000 followers: each person's lowest creator id, in id order
    assert ids(grouped, collapse_person=True, sort="followers") == [
        LENA_B.id, BEN_G.id, ANA_S.id]
    assert ids(grouped, collapse_person=True, niche=WINE) == [LENA_M.id]


def test_collapse_counts_persons(grouped: SqliteIndex) -> None:
    results = grouped.search(SearchQuery(collapse_person=True, limit=1))
    assert results.total == 3 and len(results.hits) == 1
    assert sum(results.facets["platform"].values()) == 3
    assert results.facets["platform"] == {"bluesky": 1, "github": 1, "web": 1}


def test_collapse_pages_through_persons(grouped: SqliteIndex) -> None:
    pages = [
        [h.record.id for h in grouped.search(
            SearchQuery(collapse_person=True, limit=2, offset=offset)).hits]
        for offset in (0, 2)
    ]
    assert pages == [[LENA_B.id, BEN_G.id], [ANA_S.id]]


def test_the_default_iter_creators_matches_the_sqlite_one(grouped: SqliteIndex) -> None:
    newer = LENA_M.model_copy(update={"followers": 5, "provenance": LENA_M.provenance.model_copy(
        update={"observed_at": LENA_M.provenance.observed_at.replace(year=2027)})})
    grouped.upsert([make_scored(newer, niche=WINE)])
    fast = list(grouped.iter_creators())
    generic = list(Index.iter_creators(grouped))
    assert [c.id for c in fast] == [c.id for c in generic] == sorted(c.id for c in fast)
    assert {c.id: c.followers for c in fast} == {c.id: c.followers for c in generic}
    assert {c.id: c.followers for c in fast}[LENA_M.id] == 5


def test_the_schema_migrates_an_older_file(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    write_old_index(path, 2, records())  # before persons (version 3)
    with SqliteIndex(path) as reopened:
        assert reopened.person_of(LENA_M.id).members == [LENA_M.id]
        regroup(reopened)
        assert len(reopened.person_of(LENA_M.id).members) == 3


# -- what users see ---------------------------------------------------------------------------


def test_show_lists_the_other_profiles_with_the_evidence(grouped: SqliteIndex) -> None:
    text = render_show(grouped.get(LENA_M.id), person=grouped.person_of(LENA_M.id))
    section = text.split("same person (", 1)[1]
    assert LENA_S.id in section and LENA_B.id in section
    assert "mastodon verified that it links back" in section
    assert "the bluesky handle is this domain" in section
    assert "unverified claims" in section and ANA_S.id in section  # claims Lena's Bluesky


def test_show_of_a_loner_has_no_person_section(grouped: SqliteIndex) -> None:
    loner = make_creator("zoe@vegan.social", handle="zoe@vegan.social")
    grouped.upsert([make_scored(loner)])
    regroup(grouped)
    text = render_show(grouped.get(loner.id), person=grouped.person_of(loner.id))
    assert "same person" not in text and "unverified" not in text


def test_results_show_the_other_profiles(grouped: SqliteIndex) -> None:
    results = grouped.search(SearchQuery(collapse_person=True))
    table = render_table(results)
    assert table.splitlines()[0].rstrip().endswith("also")
    assert "+2" in table.splitlines()[1]
    rows = json.loads(render_json(results))["hits"]
    assert rows[0]["person_id"] and rows[0]["other_profiles"] == sorted([LENA_M.id, LENA_S.id])


def test_the_command_line(grouped: SqliteIndex, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'index.db'}"
    runner = CliRunner()
    regrouped = runner.invoke(main, ["index", "regroup", "--index", url])
    assert regrouped.exit_code == 0, regrouped.output
    assert "5 grouped into 2 persons" in regrouped.stdout
    shown = runner.invoke(main, ["show", LENA_S.id, "--index", url])
    assert shown.exit_code == 0, shown.output
    assert "same person" in shown.stdout and LENA_B.id in shown.stdout
    assert "https://bsky.app/profile/lena.example" in shown.stdout  # the other's profile
    found = runner.invoke(main, ["search", "--collapse-person", "--format", "json",
                                 "--index", url])
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["total"] == 3
    missing = runner.invoke(main, ["index", "regroup", "--index",
                                   f"sqlite:///{tmp_path / 'none.db'}"])
    assert missing.exit_code == 1 and "no index at" in missing.stderr


def test_creators_are_creator_models(grouped: SqliteIndex) -> None:
    assert all(isinstance(c, Creator) for c in grouped.iter_creators())


def test_the_fast_identity_read_matches_the_generic_one(grouped: SqliteIndex) -> None:
    moved = BEN_M.model_copy(update={"flags": CreatorFlags(moved_to="ben@fosstodon.org")})
    grouped.upsert([make_scored(moved, niche=WINE)])
    fast = list(grouped.iter_identities())
    assert fast == list(Index.iter_identities(grouped))
    assert {p.id: p.moved_to for p in fast}[BEN_M.id] == "ben@fosstodon.org"
    assert {p.id: p.me_links for p in fast}[LENA_S.id] == ("https://vegan.social/@lena",)
