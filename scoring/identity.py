"""One person, many profiles: group profiles that verifiably point at each other.

Pure: no I/O, no Scrapy. Input: profiles (:class:`IdentityProfile`, made from a
:class:`~creatorscout.plugins.models.Creator` with :meth:`IdentityProfile.of`). Output: a
:class:`Grouping`, every profile's person id plus every piece of evidence, merged or not.

Evidence a profile carries (what plugins fill, see ``Creator`` in ``plugins/models.py``):

* ``verified_links``: the platform (or the plugin) checked the link: Mastodon verified that
  the page links back with ``rel=me``; a Bluesky handle on a domain proves the account
  controls that domain. Published as ``verified``.
* ``me_links``: the profile itself says "this is me" (``rel=me``, h-card ``u-url``,
  JSON-LD ``sameAs`` on a personal site). Published as ``rel_me``.
* ``links``: links in the bio or profile fields. Published as ``link``. Not for web pages
  (platform ``web``): a page's other links are its content (a blogroll), so a page claims
  only through ``me_links`` and ``verified_links``.

The rules, in order (precision first: a missed merge costs little, a wrong one misleads):

1. A ``verified`` link joins the profile to what the link names: another indexed
   profile, or, when no indexed profile has that key, the page itself as an *anchor*
   (two profiles that both verified ``https://lena.example`` are one person, even when
   the site was never crawled).
2. A claim that the other side answers is ``two_way``: A links B and B links A, or, once
   some profiles are joined, A's person links B's person and B's person links A's. Chains
   (A<->B<->C) join transitively.
3. A claim nobody answers is ``one_way``: recorded, never merged. So is a link that names
   several indexed profiles at once (ambiguous) and any link of a moved account.
4. A person holds at most one profile per platform, except ``web`` (a person may have a
   site and a blog). A profile, page or person whose links (verified ones first, then
   answered ones) reach two others that each hold a profile of one platform is a *hub*
   (a team page that ``rel=me``-links every member's account, a show that two hosts
   link from their sites): it joins neither of them. A join that would still put two
   profiles of one platform into one person is refused (two people who link each
   other). Both are recorded as ``conflict``. Someone with two accounts on one platform
   therefore stays two persons: a missed merge, never a wrong one.

The result is deterministic: the same profiles in any order give the same persons and ids.
A person id is ``person:`` plus a hash of the smallest member id, so it stays the same
while that member stays in the person.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from creatorscout.scoring.links import key_host, link_key, self_keys

if TYPE_CHECKING:
    from creatorscout.plugins.models import Creator

Published = Literal["verified", "rel_me", "link"]
"""How the source profile published a link (strongest first)."""

Status = Literal["verified", "two_way", "one_way", "conflict"]
"""What the evidence shows: checked by the platform, answered by the other side, a claim
nobody answers, or a link that would join two profiles of one platform."""

SITE_PLATFORM: Final = "web"
"""The platform of web sites and pages (the ``web`` plugin)."""
MULTI_PROFILE_PLATFORMS: Final = frozenset({SITE_PLATFORM})
"""Platforms on which one person may have several profiles (sites, blogs)."""

_STRENGTH: Final[dict[str, int]] = {"verified": 0, "rel_me": 1, "link": 2}
PERSON_PREFIX: Final = "person:"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One link from one profile, and what it proved.

    A dataclass, not a model: a grouping pass makes one per link of every profile in the
    index (hundreds of thousands); pydantic models embed it as usual (see :class:`Person`).
    """

    source_id: str
    """The profile that carries the link."""
    link: str
    """The link as the profile published it."""
    key: str
    """The link's normalised key (:mod:`creatorscout.scoring.links`)."""
    target_id: str | None
    """The indexed profile the link names; None when none does."""
    published: Published
    status: Status
    merged: bool
    """True when this link joined the two into one person (or confirms the join)."""
    note: str = ""
    """Why, in words."""


class Person(BaseModel):
    """Profiles that belong to one person, and the evidence about them."""

    model_config = ConfigDict(extra="forbid")

    id: str
    members: list[str] = Field(description="Creator ids, sorted")
    evidence: list[Evidence] = Field(
        default_factory=list, description="Links from or to a member, merged or not"
    )

    def others(self, creator_id: str) -> list[str]:
        """The other profiles of the person."""
        return [m for m in self.members if m != creator_id]


class GroupingStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profiles: int
    persons: int
    grouped_persons: int = Field(description="Persons with two or more profiles")
    grouped_profiles: int = Field(description="Profiles in those persons")
    merged_links: int
    one_way: int
    conflicts: int


@dataclass
class Grouping:
    """Every profile's person, and all evidence (a dataclass for the same reason as
    :class:`Evidence`)."""

    person_of: dict[str, str]
    """creator id -> person id, for every profile."""
    evidence: list[Evidence] = field(default_factory=list)

    def persons(self) -> list[Person]:
        """Every person (singletons too), by id, with the evidence that touches them."""
        members: dict[str, list[str]] = defaultdict(list)
        for creator_id, pid in self.person_of.items():
            members[pid].append(creator_id)
        touching: dict[str, list[Evidence]] = defaultdict(list)
        for item in self.evidence:
            ends = {self.person_of.get(item.source_id)}
            if item.target_id is not None:
                ends.add(self.person_of.get(item.target_id))
            for end in ends:
                if end is not None:
                    touching[end].append(item)
        return [
            Person(id=pid, members=sorted(ids), evidence=touching.get(pid, []))
            for pid, ids in sorted(members.items())
        ]

    def stats(self) -> GroupingStats:
        sizes: dict[str, int] = defaultdict(int)
        for pid in self.person_of.values():
            sizes[pid] += 1
        grouped = [n for n in sizes.values() if n > 1]
        return GroupingStats(
            profiles=len(self.person_of),
            persons=len(sizes),
            grouped_persons=len(grouped),
            grouped_profiles=sum(grouped),
            merged_links=sum(1 for e in self.evidence if e.merged),
            one_way=sum(1 for e in self.evidence if e.status == "one_way"),
            conflicts=sum(1 for e in self.evidence if e.status == "conflict"),
        )


@dataclass(frozen=True)
class IdentityProfile:
    """The identity-relevant part of a creator's profile."""

    id: str
    platform: str
    native_id: str
    handle: str
    profile_url: str | None = None
    links: tuple[str, ...] = ()
    me_links: tuple[str, ...] = ()
    verified_links: tuple[str, ...] = ()
    moved_to: str | None = None

    @classmethod
    def of(cls, creator: Creator) -> IdentityProfile:
        return cls(
            id=creator.id,
            platform=creator.platform.lower(),
            native_id=creator.native_id,
            handle=creator.handle,
            profile_url=creator.profile_url,
            links=tuple(creator.links),
            me_links=tuple(creator.me_links),
            verified_links=tuple(creator.verified_links),
            moved_to=creator.flags.moved_to,
        )


def person_id(members: Iterable[str]) -> str:
    """The id of the person with these members: a hash of the smallest member id."""
    first = min(members)
    return PERSON_PREFIX + hashlib.sha256(first.encode()).hexdigest()[:16]


@dataclass
class _Claim:
    source: str
    link: str
    key: str
    published: Published
    target: str | None = None  # creator id, or an anchor node "key:..."
    owners: int = 0
    status: Status = "one_way"
    merged: bool = False
    note: str = ""
    blocked: bool = False

    @property
    def order(self) -> tuple[int, str, str]:
        return (_STRENGTH[self.published], self.source, self.key)


@dataclass
class _Forest:
    """Union-find over node ids, tracking which single-profile platforms each set holds."""

    platforms: dict[str, frozenset[str]]
    parent: dict[str, str] = field(default_factory=dict)

    def find(self, node: str) -> str:
        root = node
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while node != root:  # path compression
            self.parent[node], node = root, self.parent.get(node, node)
        return root

    def clash(self, a: str, b: str) -> str | None:
        """The platform two sets both hold a profile on, if any."""
        shared = self.platforms.get(self.find(a), frozenset()) & self.platforms.get(
            self.find(b), frozenset())
        return min(shared) if shared else None

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, drop = (ra, rb) if ra < rb else (rb, ra)
        self.parent[drop] = keep
        self.platforms[keep] = self.platforms.get(keep, frozenset()) | self.platforms.pop(
            drop, frozenset())


def _collect_claims(profile: IdentityProfile, own: set[str],
                    implied: Sequence[str] = ()) -> list[_Claim]:
    best: dict[str, _Claim] = {}
    # a web page's other links are its content (a blogroll, articles), never "this is me"
    plain = () if profile.platform == SITE_PLATFORM else profile.links
    sources: tuple[tuple[Published, Sequence[str]], ...] = (
        ("verified", profile.verified_links),
        ("rel_me", profile.me_links),
        ("link", plain),
        ("link", implied),
    )
    for published, links in sources:
        for link in links:
            key = link_key(link)
            if key is None or key in own or key in best:
                continue  # stronger publications come first and win
            best[key] = _Claim(profile.id, link, key, published)
    return list(best.values())


def group_profiles(profiles: Iterable[IdentityProfile]) -> Grouping:
    """Group profiles into persons by the rules of this module. One profile per id (the
    first wins)."""
    by_id: dict[str, IdentityProfile] = {}
    for profile in profiles:
        by_id.setdefault(profile.id, profile)
    own: dict[str, set[str]] = {pid: self_keys(p) for pid, p in by_id.items()}
    # A page belongs to the site: a podcast or channel whose profile URL is a crawled web
    # page (the show's home page) links that page rather than being it.
    pages = {k for pid, p in by_id.items() if p.platform == SITE_PLATFORM for k in own[pid]}
    implied: dict[str, list[str]] = {}
    for pid, profile in by_id.items():
        shared = own[pid] & pages if profile.platform != SITE_PLATFORM else set()
        if shared:
            own[pid] -= shared
            implied[pid] = [profile.profile_url or "https://" + k[4:] for k in sorted(shared)]
    owners: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(by_id):
        for key in own[pid]:
            owners[key].append(pid)
    claims: list[_Claim] = []
    for pid in sorted(by_id):
        claims += _collect_claims(by_id[pid], own[pid], implied.get(pid, []))

    movers = {pid for pid, p in by_id.items() if p.moved_to}
    anchors = {c.key for c in claims if c.published == "verified" and not owners.get(c.key)}
    for claim in claims:
        found = [o for o in owners.get(claim.key, []) if o != claim.source]
        claim.owners = len(found)
        if len(found) == 1:
            claim.target = found[0]
        elif not found and claim.key in anchors:
            claim.target = "key:" + claim.key

    singles = {name: frozenset({name}) for name in {p.platform for p in by_id.values()}}
    nothing: frozenset[str] = frozenset()
    forest = _Forest({
        pid: nothing if p.platform in MULTI_PROFILE_PLATFORMS or pid in movers
        else singles[p.platform]
        for pid, p in by_id.items()
    })
    usable = [c for c in claims if c.target is not None and c.source not in movers
              and c.target not in movers]
    # rule 1: verified links
    _merge_round(forest, [c for c in usable if c.published == "verified"], "verified")
    # rule 2: claims the other side answers, profile or person, until nothing changes
    while True:
        open_claims = [c for c in usable if not c.merged and c.status != "conflict"]
        between = {(forest.find(c.source), forest.find(c.target or "")) for c in open_claims}
        answered = [
            c for c in open_claims
            if (a := forest.find(c.source)) != (b := forest.find(c.target or ""))
            and (b, a) in between
        ]
        if not answered or not _merge_round(forest, answered, "two_way"):
            break

    members: dict[str, list[str]] = defaultdict(list)
    for pid in by_id:
        members[forest.find(pid)].append(pid)
    person_of: dict[str, str] = {}
    for ids in members.values():
        pid_ = person_id(ids)
        for creator_id in ids:
            person_of[creator_id] = pid_

    # a claim inside one person that the other side answers directly is two-way evidence
    # of its own, even when another link made the join (the site's rel=me to the account
    # that verified it)
    answers = {(c.source, c.target) for c in usable}
    for claim in usable:
        if (not claim.merged and claim.status == "one_way"
                and (claim.target, claim.source) in answers
                and person_of.get(claim.target or "") == person_of[claim.source]):
            claim.status, claim.merged = "two_way", True
    evidence = [_evidence(c, by_id, person_of, movers) for c in claims]
    evidence.sort(key=lambda e: (e.source_id, _STRENGTH[e.published], e.key))
    return Grouping(person_of=dict(sorted(person_of.items())), evidence=evidence)


def _merge_round(forest: _Forest, claims: list[_Claim], status: Status) -> bool:
    """Join what ``claims`` link, after blocking hubs (rule 4). True when any join was made.

    A hub is a set (a profile, a page, a person) whose links in this round reach two other
    sets that each hold a profile of one platform: it is joined to neither of them."""
    reach: dict[str, dict[str, list[_Claim]]] = defaultdict(lambda: defaultdict(list))
    live: list[_Claim] = []
    for claim in claims:
        assert claim.target is not None
        a, b = forest.find(claim.source), forest.find(claim.target)
        if a == b:
            claim.status, claim.merged = status, True
            continue
        reach[a][b].append(claim)
        reach[b][a].append(claim)
        live.append(claim)
    for hub in sorted(reach):
        holders: dict[str, list[str]] = defaultdict(list)  # platform -> neighbouring sets
        for neighbour in sorted(reach[hub]):
            for platform in forest.platforms.get(neighbour, frozenset()):
                holders[platform].append(neighbour)
        for platform, neighbours in sorted(holders.items()):
            if len(neighbours) < 2:
                continue
            linked = [c for n in neighbours for c in reach[hub][n]]
            ends = sorted({end for c in linked for end in (c.source, c.target or "")
                           if forest.find(end) != hub})
            for claim in linked:
                if claim.blocked:
                    continue
                own = claim.source if forest.find(claim.source) == hub else claim.target or ""
                claim.blocked, claim.status = True, "conflict"
                claim.note = (f"{_node_name(own)} is linked with several {platform} profiles "
                              f"({', '.join(_node_name(e) for e in ends)})")
    joined = False
    for claim in sorted(live, key=lambda c: c.order):
        if claim.blocked:
            continue
        assert claim.target is not None
        apart = forest.find(claim.source) != forest.find(claim.target)
        if _join(forest, claim, status) and apart:
            joined = True
    return joined


def _join(forest: _Forest, claim: _Claim, status: Status) -> bool:
    assert claim.target is not None
    if forest.find(claim.source) == forest.find(claim.target):
        claim.status, claim.merged = status, True
        return True
    clash = forest.clash(claim.source, claim.target)
    if clash is not None:
        claim.status = "conflict"
        claim.note = f"would put two {clash} profiles into one person"
        return False
    forest.union(claim.source, claim.target)
    claim.status, claim.merged = status, True
    return True


def _node_name(node: str) -> str:
    return node[4:] if node.startswith("key:") else node


def _evidence(claim: _Claim, by_id: dict[str, IdentityProfile], person_of: dict[str, str],
              movers: set[str]) -> Evidence:
    target = claim.target if claim.target and not claim.target.startswith("key:") else None
    status, note = claim.status, claim.note
    source = by_id[claim.source]
    if claim.source in movers or (target is not None and target in movers):
        note = "a moved account: its links are kept but never merged"
        status = "verified" if claim.published == "verified" else "one_way"
    elif claim.owners > 1:
        note = f"the link names {claim.owners} indexed profiles: ambiguous, not merged"
    elif not note:
        note = _describe(claim, source, target, person_of)
    if status == "one_way" and claim.published == "verified":
        status = "verified"
    return Evidence(
        source_id=claim.source, link=claim.link, key=claim.key, target_id=target,
        published=claim.published, status=status, merged=claim.merged, note=note,
    )


def _describe(claim: _Claim, source: IdentityProfile, target: str | None,
              person_of: dict[str, str]) -> str:
    if claim.published == "verified":
        host = key_host(claim.key)
        if host is not None and host == source.handle.strip().lstrip("@").lower():
            how = f"the {source.platform} handle is this domain"
        else:
            how = f"{source.platform} verified that it links back"
        return how if target or claim.merged else how + " (the page is not indexed)"
    if claim.status == "two_way":
        return "the other side links back"
    if target is None:
        return "no indexed profile at this link"
    if person_of.get(target) == person_of.get(claim.source):
        return "no direct link back; same person by other evidence"
    return "no link back: an unverified claim"
