"""Connectors are bridges: mentioned from two communities, not only mentioning them.

Small mention graphs built by hand, through :func:`mention_roles` (igraph, Leiden) as the
crawl's niche pass runs it.
"""

from __future__ import annotations

from creatorscout.config import load_scoring
from creatorscout.scoring.graph import mention_roles


def _two_cliques() -> dict[str, dict[str, int]]:
    mentions: dict[str, dict[str, int]] = {}
    for group in ("a", "b"):
        members = [f"{group}{i}" for i in range(8)]
        for m in members:
            mentions[m] = {o: 2 for o in members if o != m}
    return mentions


def test_a_broadcaster_who_is_mentioned_by_nobody_is_not_a_connector() -> None:
    mentions = _two_cliques()
    # reaches out to both sides, often, but neither side turns to them
    mentions["newsletter"] = {f"{g}{i}": 3 for g in "ab" for i in range(8)}
    roles = mention_roles(list(mentions.items()), load_scoring().graph)
    network = roles["newsletter"].network
    assert network.communities_touched >= 2 and network.participation >= 0.5
    assert network.communities_mentioning == 0
    assert roles["newsletter"].role in ("neither", "influencer")
    assert "mentioned from 0 communities" in network.reason


def test_a_bridge_mentioned_from_both_sides_is_a_connector() -> None:
    mentions = _two_cliques()
    for group in "ab":
        for i in range(4):
            mentions[f"{group}{i}"]["bridge"] = 1
    mentions["bridge"] = {f"{g}{i}": 1 for g in "ab" for i in range(8)}
    roles = mention_roles(list(mentions.items()), load_scoring().graph)
    network = roles["bridge"].network
    assert roles["bridge"].role in ("connector", "both")
    assert network.communities_mentioning == 2
    assert network.constraint is not None and 0 <= network.constraint < 0.5
    assert "Burt's constraint" in network.reason
    # the clique members are embedded in one group: no connector, and no constraint is
    # computed for them (it is only needed for those who pass the other tests)
    assert all(roles[f"a{i}"].role in ("neither", "influencer") for i in range(8))
    assert all(roles[f"a{i}"].network.constraint is None for i in range(8))


def test_mentions_from_one_side_only_do_not_make_a_connector() -> None:
    mentions = _two_cliques()
    for i in range(8):
        mentions[f"a{i}"]["local-star"] = 3
    mentions["local-star"] = {f"{g}{i}": 1 for g in "ab" for i in range(8)}
    roles = mention_roles(list(mentions.items()), load_scoring().graph)
    assert roles["local-star"].network.communities_mentioning == 1
    assert roles["local-star"].role in ("neither", "influencer")


def test_a_maximum_constraint_can_be_required() -> None:
    mentions = _two_cliques()
    for group in "ab":
        for i in range(4):
            mentions[f"{group}{i}"]["bridge"] = 1
    mentions["bridge"] = {f"{g}{i}": 1 for g in "ab" for i in range(8)}
    settings = load_scoring().graph
    constraint = mention_roles(list(mentions.items()), settings)["bridge"].network.constraint
    assert constraint is not None
    strict = settings.model_copy(update={"connector_max_constraint": constraint / 2})
    roles = mention_roles(list(mentions.items()), strict)
    assert roles["bridge"].role in ("neither", "influencer")
    assert "connector needs <=" in roles["bridge"].network.reason
