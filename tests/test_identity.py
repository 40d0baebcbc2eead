"""Grouping profiles into persons: true links merge, false and one-way links never do.

Hand-made profiles, one rule per test. The helpers build real ``Creator`` objects the way
each platform's plugin fills them (see the evidence contract on ``Creator``).
"""

from __future__ import annotations

import random
from typing import Any

from creatorscout.plugins.models import Creator, CreatorFlags
from creatorscout.scoring.identity import (
    Evidence,
    Grouping,
    IdentityProfile,
    group_profiles,
    person_id,
)
from tests.factories import make_creator


def mastodon(user: str, *, verified: tuple[str, ...] = (), links: tuple[str, ...] = (),
             **extra: Any) -> Creator:
    name, host = user.split("@")
    return make_creator(user, handle=user, profile_url=f"https://{host}/@{name}",
                        links=[*verified, *links], verified_links=list(verified), **extra)


def site(host: str, *, me: tuple[str, ...] = ()) -> Creator:
    url = f"https://{host}/"
    return make_creator(url, platform="web", handle=host, profile_url=url,
                        links=list(me), me_links=list(me))


def bluesky(handle: str, *, links: tuple[str, ...] = ()) -> Creator:
    domain = not handle.endswith(".bsky.social")
    did = "did:plc:" + handle.replace(".", "")
    return make_creator(did, platform="bluesky", handle=handle,
                        profile_url=f"https://bsky.app/profile/{handle}", links=list(links),
                        verified_links=[f"https://{handle}"] if domain else [])


def github(login: str, *, links: tuple[str, ...] = ()) -> Creator:
    return make_creator(f"gh{login}", platform="github", handle=login,
                        profile_url=f"https://github.com/{login}", links=list(links))


def group(*creators: Creator) -> Grouping:
    return group_profiles(IdentityProfile.of(c) for c in creators)


def together(grouping: Grouping, *creators: Creator) -> bool:
    return len({grouping.person_of[c.id] for c in creators}) == 1


def apart(grouping: Grouping, *creators: Creator) -> bool:
    return len({grouping.person_of[c.id] for c in creators}) == len(creators)


def evidence(grouping: Grouping, source: Creator, link_part: str) -> Evidence:
    found = [e for e in grouping.evidence if e.source_id == source.id and link_part in e.link]
    assert len(found) == 1, found
    return found[0]


# -- verified links -----------------------------------------------------------------------


def test_mastodon_verified_site_that_links_back_is_one_person() -> None:
    m = mastodon("lena@vegan.social", verified=("https://lena.example",))
    s = site("lena.example", me=("https://vegan.social/@lena",))
    grouping = group(m, s)
    assert together(grouping, m, s)
    verified = evidence(grouping, m, "lena.example")
    assert (verified.status, verified.published, verified.merged) == ("verified", "verified", True)
    assert verified.target_id == s.id and "mastodon verified" in verified.note
    back = evidence(grouping, s, "vegan.social")
    assert (back.status, back.published, back.target_id) == ("two_way", "rel_me", m.id)


def test_a_verified_page_joins_profiles_even_when_it_was_never_crawled() -> None:
    m = mastodon("lena@vegan.social", verified=("http://www.lena.example/",))
    b = bluesky("lena.example")  # a domain handle: the account controls lena.example
    grouping = group(m, b)
    assert together(grouping, m, b)
    handle = evidence(grouping, b, "lena.example")
    assert handle.status == "verified" and handle.target_id is None
    assert "handle is this domain" in handle.note


def test_a_domain_handle_does_not_own_subdomains_or_paths() -> None:
    m = mastodon("lena@vegan.social", verified=("https://blog.lena.example",))
    m2 = mastodon("ben@vegan.social", verified=("https://links.example/ben",))
    b = bluesky("lena.example")
    b2 = bluesky("links.example")  # the link-in-bio host's own account
    grouping = group(m, m2, b, b2)
    assert apart(grouping, m, m2, b, b2)


def test_spellings_of_one_link_meet() -> None:
    m = mastodon("Lena@Vegan.Social", verified=("HTTP://WWW.LENA.EXAMPLE/index.html",))
    s = site("lena.example", me=("https://vegan.social/users/LENA/",))
    assert together(group(m, s), m, s)


# -- claims the other side answers, and claims nobody answers ------------------------------


def test_bio_links_answered_by_the_other_side_merge() -> None:
    b = bluesky("lena.bsky.social", links=("https://github.com/lena-dev",))
    g = github("lena-dev", links=("https://bsky.app/profile/lena.bsky.social",))
    grouping = group(b, g)
    assert together(grouping, b, g)
    assert evidence(grouping, b, "github").status == "two_way"
    assert evidence(grouping, g, "bsky.app").status == "two_way"


def test_one_way_claims_are_recorded_and_never_merged() -> None:
    # Ben's site says Lena's Bluesky account is his; Lena never links Ben.
    m = mastodon("ben@vegan.social", verified=("https://ben.example",))
    s = site("ben.example", me=("https://vegan.social/@ben", "https://lena.bsky.social"))
    b = bluesky("lena.bsky.social", links=("https://lena.example",))
    grouping = group(m, s, b)
    assert together(grouping, m, s)
    assert apart(grouping, s, b)
    claim = evidence(grouping, s, "lena.bsky.social")
    assert (claim.status, claim.merged, claim.target_id) == ("one_way", False, b.id)
    assert "unverified" in claim.note
    dangling = evidence(grouping, b, "lena.example")
    assert (dangling.status, dangling.target_id) == ("one_way", None)


def test_a_one_way_claim_from_a_verified_person_still_does_not_merge() -> None:
    # Strong evidence on the claimer's side says nothing about the claimed profile.
    ben_m = mastodon("ben@vegan.social", verified=("https://ben.example",),
                     links=("https://github.com/lena",))
    ben_s = site("ben.example", me=("https://vegan.social/@ben", "https://github.com/lena"))
    lena_g = github("lena", links=("https://lena.example",))
    grouping = group(ben_m, ben_s, lena_g)
    assert apart(grouping, ben_m, lena_g)
    assert grouping.stats().one_way == 3


def test_answers_count_between_persons() -> None:
    # Lena's Mastodon and site are one person (verified). Her Bluesky links the site; her
    # Mastodon links the Bluesky account: the person links back, though no single profile
    # pair links both ways.
    m = mastodon("lena@vegan.social", verified=("https://lena.example",),
                 links=("https://bsky.app/profile/lena.bsky.social",))
    s = site("lena.example", me=("https://vegan.social/@lena",))
    b = bluesky("lena.bsky.social", links=("https://lena.example",))
    grouping = group(m, s, b)
    assert together(grouping, m, s, b)
    assert evidence(grouping, b, "lena.example").status == "two_way"


def test_chains_join_transitively() -> None:
    # A <-> B <-> C: A and C never link each other.
    a = mastodon("lena@vegan.social", links=("https://bsky.app/profile/lena.bsky.social",))
    b = bluesky("lena.bsky.social", links=("https://vegan.social/@lena",
                                           "https://github.com/lena"))
    c = github("lena", links=("https://bsky.app/profile/lena.bsky.social",))
    grouping = group(a, b, c)
    assert together(grouping, a, b, c)
    assert grouping.stats().grouped_persons == 1


def test_a_chain_broken_by_one_unanswered_link_stays_apart() -> None:
    a = mastodon("lena@vegan.social", links=("https://bsky.app/profile/lena.bsky.social",))
    b = bluesky("lena.bsky.social", links=("https://vegan.social/@lena",
                                           "https://github.com/lena"))
    c = github("lena")  # never links back
    grouping = group(a, b, c)
    assert together(grouping, a, b) and apart(grouping, a, c)


# -- conflicts ------------------------------------------------------------------------------


def test_a_team_page_linking_every_member_merges_nobody() -> None:
    # The page rel=me-links two people's accounts and both accounts verify it.
    lena = mastodon("lena@vegan.social", verified=("https://team.example",))
    ben = mastodon("ben@vegan.social", verified=("https://team.example",))
    team = site("team.example", me=("https://vegan.social/@lena", "https://vegan.social/@ben"))
    grouping = group(lena, ben, team)
    assert apart(grouping, lena, ben, team)
    for who in (lena, ben):
        item = evidence(grouping, who, "team.example")
        assert item.status == "conflict" and not item.merged
        assert "several mastodon profiles" in item.note


def test_an_uncrawled_page_verified_by_two_accounts_merges_nobody() -> None:
    lena = mastodon("lena@vegan.social", verified=("https://team.example",))
    ben = mastodon("ben@fosstodon.org", verified=("https://team.example",))
    grouping = group(lena, ben)
    assert apart(grouping, lena, ben)
    assert grouping.stats().conflicts == 2


def test_two_accounts_on_one_platform_that_link_each_other_stay_apart() -> None:
    # Partners or co-hosts linking each other is two-way but two people.
    lena = mastodon("lena@vegan.social", links=("https://vegan.social/@ben",))
    ben = mastodon("ben@vegan.social", links=("https://vegan.social/@lena",))
    grouping = group(lena, ben)
    assert apart(grouping, lena, ben)
    assert evidence(grouping, lena, "@ben").status == "conflict"


def test_a_co_hosted_show_never_joins_its_hosts() -> None:
    # Each host's site and account are one person; the show links both sites and both
    # sites rel=me the show. The show is a hub between two persons: it joins neither.
    lena_m = mastodon("lena@vegan.social", verified=("https://lena.example",))
    lena_s = site("lena.example", me=("https://vegan.social/@lena", "https://pod.example/show"))
    ben_m = mastodon("ben@vegan.social", verified=("https://ben.example",))
    ben_s = site("ben.example", me=("https://vegan.social/@ben", "https://pod.example/show"))
    show = make_creator("https://pod.example/show", platform="podcasts", handle="show",
                        profile_url="https://pod.example/show",
                        links=["https://lena.example", "https://ben.example"])
    grouping = group(lena_m, lena_s, ben_m, ben_s, show)
    assert together(grouping, lena_m, lena_s) and together(grouping, ben_m, ben_s)
    assert apart(grouping, lena_m, ben_m, show)
    item = evidence(grouping, show, "lena.example")
    assert item.status == "conflict" and "several mastodon profiles" in item.note


def test_a_link_that_names_two_indexed_profiles_is_ambiguous() -> None:
    # Two shows of one network both say their URL is the network's home page.
    one = make_creator("feed-1", platform="podcasts", handle="one",
                       profile_url="https://network.example")
    two = make_creator("feed-2", platform="podcasts", handle="two",
                       profile_url="https://network.example/")
    m = mastodon("lena@vegan.social", links=("https://network.example",))
    one_back = one.model_copy(update={"links": ["https://vegan.social/@lena"]})
    grouping = group(one_back, two, m)
    assert apart(grouping, one, two, m)
    claim = evidence(grouping, m, "network.example")
    assert claim.status == "one_way" and "ambiguous" in claim.note


def test_moved_accounts_keep_their_links_but_are_never_grouped() -> None:
    old = mastodon("lena@old.social", verified=("https://lena.example",),
                   flags=CreatorFlags(moved_to="lena@vegan.social"))
    new = mastodon("lena@vegan.social", verified=("https://lena.example",))
    s = site("lena.example", me=("https://old.social/@lena", "https://vegan.social/@lena"))
    grouping = group(old, new, s)
    assert together(grouping, new, s) and apart(grouping, old, new)
    assert "moved" in evidence(grouping, old, "lena.example").note


def test_one_person_may_have_several_sites() -> None:
    m = mastodon("lena@vegan.social", verified=("https://lena.example", "https://lena.blog"))
    one = site("lena.example", me=("https://vegan.social/@lena",))
    two = site("lena.blog", me=("https://vegan.social/@lena",))
    assert together(group(m, one, two), m, one, two)


# -- the result ------------------------------------------------------------------------------


def test_links_to_oneself_are_not_evidence() -> None:
    m = mastodon("lena@vegan.social", links=("https://vegan.social/@lena",))
    assert group(m).evidence == []


def test_same_profiles_in_any_order_give_the_same_grouping() -> None:
    creators = [
        mastodon("lena@vegan.social", verified=("https://lena.example",)),
        site("lena.example", me=("https://vegan.social/@lena", "https://ben.bsky.social")),
        bluesky("lena.example"),
        bluesky("ben.bsky.social", links=("https://ben.example",)),
        mastodon("ben@vegan.social", verified=("https://team.example",)),
        mastodon("ana@vegan.social", verified=("https://team.example",)),
    ]
    first = group(*creators)
    for seed in range(5):
        shuffled = creators[:]
        random.Random(seed).shuffle(shuffled)
        assert group(*shuffled) == first


def test_person_ids_and_persons() -> None:
    m = mastodon("lena@vegan.social", verified=("https://lena.example",))
    s = site("lena.example", me=("https://vegan.social/@lena",))
    loner = github("ben")
    grouping = group(m, s, loner)
    expected = person_id([m.id, s.id])
    assert grouping.person_of[m.id] == grouping.person_of[s.id] == expected
    assert expected == person_id([s.id, m.id]) and expected.startswith("person:")
    persons = {p.id: p for p in grouping.persons()}
    assert persons[expected].members == sorted([m.id, s.id])
    assert persons[expected].others(m.id) == [s.id]
    assert len(persons[expected].evidence) == 2
    assert persons[grouping.person_of[loner.id]].members == [loner.id]
    stats = grouping.stats()
    assert (stats.profiles, stats.persons, stats.grouped_persons, stats.grouped_profiles) == (
        3, 2, 1, 2)


def test_a_show_linked_by_one_host_joins_that_host() -> None:
    lena_m = mastodon("lena@vegan.social", verified=("https://lena.example",))
    lena_s = site("lena.example", me=("https://vegan.social/@lena", "https://pod.example/show"))
    show = make_creator("https://pod.example/show", platform="podcasts", handle="show",
                        profile_url="https://pod.example/show", links=["https://lena.example"])
    grouping = group(lena_m, lena_s, show)
    assert together(grouping, lena_m, lena_s, show)
    assert evidence(grouping, show, "lena.example").status == "two_way"


def test_a_show_whose_home_page_is_a_crawled_site_links_the_site() -> None:
    # The show's profile URL is Lena's site: the site is the page's owner, the show links it.
    m = mastodon("lena@vegan.social", verified=("https://lena.example",))
    s = site("lena.example", me=("https://vegan.social/@lena", "https://feeds.example/lena.xml"))
    show = make_creator("https://feeds.example/lena.xml", platform="podcasts",
                        handle="feeds.example/lena.xml", profile_url="https://lena.example/")
    grouping = group(m, s, show)
    assert together(grouping, m, s, show)
    assert evidence(grouping, m, "lena.example").target_id == s.id
    assert evidence(grouping, show, "lena.example").status == "two_way"


def test_a_blogroll_is_not_a_claim() -> None:
    # Two sites whose blogrolls link each other: two people, whatever else they link.
    lena = site("lena.example").model_copy(update={"links": ["https://ben.example"]})
    ben = site("ben.example").model_copy(update={"links": ["https://lena.example"]})
    grouping = group(lena, ben)
    assert apart(grouping, lena, ben) and grouping.evidence == []
