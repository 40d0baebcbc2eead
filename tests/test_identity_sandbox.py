"""Person grouping against the sandbox world's ground truth (sandbox/presence.py).

Mastodon profiles are the real thing: each person's Account as the sandbox's Mastodon
dialect renders it, parsed by the Mastodon plugin. Web sites, Bluesky and GitHub profiles
are built by hand from :func:`presence`, filled the way the evidence contract on
``Creator`` asks those plugins to fill them (the cross-platform end-to-end check replaces
them with crawled profiles once the plugins land):

* a site carries ``rel=me`` links to all of the person's profiles when
  ``website_links_back``, and to the profiles of ``false_claims`` (someone else's) always;
* a Bluesky profile links the person's website (description or ``website`` field) and
  verifies its own domain when the handle is one; a person with a false claim repeats it
  in their Bluesky description;
* a GitHub profile links the website (``blog``) and its social accounts (Mastodon,
  Bluesky).

Two checks: no two different people ever share a person (precision 1.0, false claims
included), and the grouping finds exactly the merges the published evidence supports,
computed here independently from the presence data. Recall against every same-person
pair is reported (``pytest -s``) and recorded as a test property.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import combinations

import pytest

from creatorscout.plugins.mastodon.entities import parse_account
from creatorscout.plugins.models import Creator, Provenance
from creatorscout.sandbox.mastodon_render import MastodonRenderer
from creatorscout.sandbox.presence import presence, same_person
from creatorscout.sandbox.vocab import INSTANCES
from creatorscout.sandbox.world import World, build_world
from creatorscout.scoring.identity import Grouping, IdentityProfile, group_profiles

SEED = 11
CREATORS = 2000


def _provenance(platform: str) -> Provenance:
    return Provenance(platform=platform, plugin="test", plugin_version="0")


def _did(slug: str) -> str:
    return "did:plc:" + hashlib.sha256(slug.encode()).hexdigest()[:24]


def _mastodon_url(world: World, index: int) -> str:
    person = world.people[index]
    return f"https://{INSTANCES[person.instance]}/@{person.username}"


def build_profiles(world: World) -> Iterator[tuple[int, Creator]]:
    """(person index, profile) for every profile of the world a crawl could index."""
    renderer = MastodonRenderer(world, "http://127.0.0.1:9")
    for person in world.people:
        i = person.index
        where = presence(world, i)
        if person.alive:
            account = renderer.account(person, person.instance)
            creator = parse_account(account, INSTANCES[person.instance],
                                    _provenance("mastodon"))
            if not creator.flags.opted_out:
                yield i, creator
        own = [_mastodon_url(world, i)]
        if where.bluesky:
            own.append(f"https://bsky.app/profile/{where.bluesky}")
        if where.github:
            own.append(f"https://github.com/{where.github}")
        if where.website:
            me = (own if where.website_links_back else []) + list(where.false_claims)
            native = where.website.split("://", 1)[1]
            yield i, Creator(platform="web", native_id=native, handle=native,
                             profile_url=where.website, links=me, me_links=me,
                             provenance=_provenance("web"))
        if where.bluesky:
            domain = not where.bluesky.endswith(".bsky.social")
            links = ([where.website] if where.website else []) + list(where.false_claims)
            yield i, Creator(platform="bluesky", native_id=_did(where.slug),
                             handle=where.bluesky,
                             profile_url=f"https://bsky.app/profile/{where.bluesky}",
                             links=links,
                             verified_links=[f"https://{where.bluesky}"] if domain else [],
                             provenance=_provenance("bluesky"))
        if where.github:
            social = [_mastodon_url(world, i)]
            if where.bluesky:
                social.append(f"https://bsky.app/profile/{where.bluesky}")
            links = ([where.website] if where.website else []) + social
            yield i, Creator(platform="github", native_id=f"gh-{i}", handle=where.github,
                             profile_url=f"https://github.com/{where.github}", links=links,
                             provenance=_provenance("github"))


def supported_merges(world: World, profiles: list[tuple[int, Creator]]) -> set[frozenset[str]]:
    """The same-person pairs the published evidence supports, from presence data alone."""
    by_person: dict[int, dict[str, Creator]] = defaultdict(dict)
    for index, creator in profiles:
        by_person[index][creator.platform] = creator
    pairs: set[frozenset[str]] = set()
    for index, mine in by_person.items():
        where = presence(world, index)
        site = mine.get("web")
        if site is None:
            continue
        host = where.website.split("://", 1)[1] if where.website else None
        linked = [site.id]
        masto = mine.get("mastodon")
        if masto is not None and where.website_links_back and not masto.flags.moved_to:
            linked.append(masto.id)  # Mastodon verified the site, which rel=me's back
        bsky = mine.get("bluesky")
        if bsky is not None and (where.website_links_back or where.bluesky == host):
            linked.append(bsky.id)  # two-way, or the handle is the site's domain
        github = mine.get("github")
        if github is not None and where.website_links_back:
            linked.append(github.id)  # its blog field and the site's rel=me
        pairs |= {frozenset(p) for p in combinations(linked, 2)}
    return pairs


def grouped_pairs(grouping: Grouping) -> set[frozenset[str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for creator_id, person in grouping.person_of.items():
        members[person].append(creator_id)
    return {frozenset(p) for ids in members.values() for p in combinations(ids, 2)}


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=SEED, creators=CREATORS)


@pytest.fixture(scope="module")
def profiles(world: World) -> list[tuple[int, Creator]]:
    return list(build_profiles(world))


@pytest.fixture(scope="module")
def grouping(profiles: list[tuple[int, Creator]]) -> Grouping:
    return group_profiles(IdentityProfile.of(c) for _, c in profiles)


def test_the_world_has_what_the_check_needs(world: World, profiles) -> None:
    claims = [i for i in range(len(world.people)) if presence(world, i).false_claims]
    assert claims, "no false claims in this world: pick another seed"
    platforms = {c.platform for _, c in profiles}
    assert platforms == {"mastodon", "web", "bluesky", "github"}


def test_no_two_people_are_ever_merged(world: World, profiles, grouping: Grouping) -> None:
    person_of = {c.id: index for index, c in profiles}
    wrong = [pair for pair in grouped_pairs(grouping)
             if not same_person(world, *(person_of[c] for c in pair))]
    assert wrong == []


def test_false_claims_are_recorded_one_way_and_never_merged(
    world: World, profiles, grouping: Grouping
) -> None:
    person_of = {c.id: index for index, c in profiles}
    claimed = {link for index in set(person_of.values())
               for link in presence(world, index).false_claims}
    recorded = [e for e in grouping.evidence if e.link in claimed]
    assert recorded
    for item in recorded:
        assert item.status == "one_way" and not item.merged, item
        if item.target_id is not None:  # the claimed account is indexed: still apart
            assert grouping.person_of[item.source_id] != grouping.person_of[item.target_id]
            assert not same_person(world, person_of[item.source_id], person_of[item.target_id])
    assert any(e.target_id is not None for e in recorded), "no claim hit an indexed account"


def test_exactly_the_supported_merges_are_made(world: World, profiles, grouping) -> None:
    expected = supported_merges(world, profiles)
    found = grouped_pairs(grouping)
    assert found - expected == set(), "merged without evidence"
    assert expected - found == set(), "evidence not used"


def test_recall_against_every_same_person_pair(
    world: World, profiles, grouping: Grouping, record_property: Callable[[str, object], None]
) -> None:
    by_person: dict[int, list[str]] = defaultdict(list)
    for index, creator in profiles:
        by_person[index].append(creator.id)
    truth = {frozenset(p) for ids in by_person.values() for p in combinations(ids, 2)}
    found = grouped_pairs(grouping) & truth
    recall = len(found) / len(truth)
    stats = grouping.stats()
    record_property("recall", round(recall, 4))
    print(f"\nsandbox seed {SEED}, {CREATORS} people: {len(profiles)} profiles, "
          f"{len(truth)} same-person pairs, {len(found)} merged: recall {recall:.3f}, "
          f"precision 1.000; {stats.grouped_persons} persons of 2+ profiles, "
          f"{stats.one_way} one-way claims, {stats.conflicts} conflicts")
    assert 0 < recall <= 1
