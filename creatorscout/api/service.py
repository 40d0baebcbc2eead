"""The service layer: what the API's routes (and the web page) ask of the index.

Plain functions over one :class:`Catalog` (the open index plus the crawl manager), free of
HTTP: a route parses the request, calls the catalog, returns the model. The web page calls
the same methods, so the page and the API cannot drift apart.

Errors: :class:`NotFound` / :class:`Ambiguous` for references that name no or several
creators; index failures surface as :class:`IndexOpenError` (the API answers 503).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import threading
from typing import Any

from creatorscout.api.schemas import (
    Connector,
    CreatorDetail,
    EngagementCell,
    EvidenceOut,
    GrowthPoint,
    Health,
    ListEntry,
    ListOut,
    NicheInfo,
    NicheOverview,
    NicheScore,
    Number,
    PersonOut,
    ProfileRef,
    ScorePart,
    Similar,
    SimilarResults,
)
from creatorscout.scoring.results import CreatorScore
from creatorscout.search.backend import Index, IndexOpenError, open_index
from creatorscout.search.lists import ListStore, Shortlist
from creatorscout.search.query import SearchQuery, SearchResults
from creatorscout.search.records import ScoredCreator


class NotFound(LookupError):
    """No creator (or niche) by that reference; the message says what to try."""


class Ambiguous(LookupError):
    """A reference (a handle) that names several creators; ``candidates`` lists them."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


def backend_of(url: str) -> str:
    return "elasticsearch" if url.strip().lower().startswith(("http://", "https://")) else "sqlite"


def public_url(url: str) -> str:
    """The index URL without credentials (``https://user:pass@host`` -> ``https://host``)."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://{rest.rsplit('@', 1)[1]}" if "@" in rest.split("/", 1)[0] else url
    return url


READERS = 4
"""Connections to an embedded index a server reads with: one SQLite connection runs one
query at a time, so requests on several connections can run side by side (WAL readers
do not block each other). Elasticsearch's client pools connections itself: one."""


class Catalog:
    """The index a server reads, opened on first use and shared by every request thread.
    A failed open is retried on the next request, so a server started before the first
    crawl starts answering once the index exists.

    For the embedded index the catalog holds :data:`READERS` connections and hands them
    out in turn (each is thread-safe behind its own lock)."""

    def __init__(self, index_url: str | None, *, readers: int = READERS) -> None:
        from creatorscout.search.backend import default_url

        self.index_url = index_url or default_url()
        # one client pools its own connections; each ':memory:' connection is its own index
        single = backend_of(self.index_url) == "elasticsearch" or ":memory:" in self.index_url
        self.readers = 1 if single else max(1, readers)
        self._pool: list[Index] = []
        self._turn = itertools.count()
        self._lock = threading.Lock()

    # -- the index ---------------------------------------------------------------------

    def index(self) -> Index:
        """An open index; :class:`IndexOpenError` when it cannot be opened."""
        with self._lock:
            if not self._pool:
                opened: list[Index] = []
                try:
                    for _ in range(self.readers):
                        opened.append(open_index(self.index_url, create=False))
                except BaseException:
                    for index in opened:
                        index.close()
                    raise
                self._pool = opened
            return self._pool[next(self._turn) % len(self._pool)]

    def lists(self) -> ListStore:
        index = self.index()
        try:
            return index.lists()
        except NotImplementedError as exc:
            raise IndexOpenError(str(exc)) from None

    def close(self) -> None:
        with self._lock:
            for index in self._pool:
                index.close()
            self._pool = []

    def health(self) -> Health:
        from creatorscout import __version__

        common: dict[str, Any] = {
            "version": __version__, "index": public_url(self.index_url),
            "backend": backend_of(self.index_url),
        }
        try:
            # a read that costs nothing at any size: health is polled, stats() counts all
            self.index().get("health:probe")
        except (IndexOpenError, OSError) as exc:
            return Health(status="unavailable", error=str(exc), **common)
        return Health(status="ok", **common)

    # -- creators ----------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResults:
        return self.index().search(query)

    def resolve(self, ref: str) -> str:
        """The creator id ``ref`` names (an id, handle or profile URL)."""
        index = self.index()
        found = index.candidates(ref)
        if not found:
            raise NotFound(f"no creator '{ref}' in the index")
        if len(found) > 1:
            shown = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
            raise Ambiguous(f"'{ref}' could be {len(found)} creators: {shown}", found[:20])
        return found[0]

    def records(self, ref: str) -> list[ScoredCreator]:
        """Every record (one per niche) of the creator ``ref`` names, newest crawl first."""
        records = self.index().get(self.resolve(ref))
        if not records:
            raise NotFound(f"no creator '{ref}' in the index")
        return sorted(records, key=lambda r: r.crawl.crawled_at, reverse=True)

    def creator(self, ref: str) -> CreatorDetail:
        records = self.records(ref)
        # the newest crawl's posts; records of one crawl may differ in the posts they kept
        newest = max(records, key=lambda r: (r.crawl.crawled_at, len(r.posts)))
        creator = newest.creator
        return CreatorDetail(
            id=creator.id,
            creator=creator,
            numbers=numbers_of(newest),
            niches=[niche_score(r) for r in sorted(records, key=lambda r: r.niche.casefold())],
            posts=newest.posts,
            person=self.person(creator.id),
            growth=growth_history(self.index(), records),
        )

    def similar(self, ref: str, *, limit: int = 10, platform: str | None = None
                ) -> SimilarResults:
        """Lookalikes of the creator ``ref`` names, each with its reasons."""
        return lookalikes(self.index(), self.resolve(ref), limit=limit, platform=platform)

    def person(self, creator_id: str) -> PersonOut | None:
        """The creator's person when it has other profiles; None otherwise."""
        index = self.index()
        try:
            person = index.person_of(creator_id)
        except NotImplementedError:
            return None
        if person is None or len(person.members) < 2:
            return None
        others: list[ProfileRef] = []
        for other in person.others(creator_id):
            stored = index.get(other)
            if stored:
                c = stored[0].creator
                others.append(ProfileRef(id=c.id, platform=c.platform, handle=c.handle,
                                         display_name=c.display_name,
                                         profile_url=c.profile_url))
        evidence = [
            EvidenceOut(source_id=e.source_id, target_id=e.target_id, link=e.link,
                        published=str(e.published), status=str(e.status), merged=e.merged,
                        note=e.note)
            for e in person.evidence
        ]
        return PersonOut(id=person.id, other_profiles=others, evidence=evidence)

    # -- niches --------------------------------------------------------------------------

    def niches(self) -> list[NicheInfo]:
        from creatorscout.config import list_niches

        counts = self._niche_counts()
        return [
            NicheInfo(name=n.name, title=n.title, languages=list(n.languages),
                      hashtags=list(n.hashtags), creators=counts.get(n.name.casefold(), 0))
            for n in list_niches()
        ]

    def niche(self, name: str) -> NicheInfo:
        from creatorscout.config import list_niches

        # only configured niches by name: load_niche also reads paths, which a URL must not
        wanted = name.strip().casefold()
        niche = next((n for n in list_niches() if n.name.casefold() == wanted), None)
        if niche is None:
            raise NotFound(f"no niche '{name}'")
        return NicheInfo(
            name=niche.name, title=niche.title, languages=list(niche.languages),
            hashtags=list(niche.hashtags),
            creators=self._niche_counts().get(niche.name.casefold(), 0),
            definition=niche.model_dump(mode="json"),
        )

    def _niche_counts(self) -> dict[str, int]:
        try:
            stats = self.index().stats()
        except IndexOpenError:
            return {}  # the niches exist as configuration even before any crawl
        return {name.casefold(): count for name, count in stats.niches.items()}

    def overview(self, name: str) -> NicheOverview:
        """Tier, language, platform and role counts; median engagement by platform and
        tier; the strongest connectors; when the niche was last crawled."""
        niche = self.niche(name).name
        index = self.index()
        base = index.search(SearchQuery(niche=niche, limit=1))
        numbers = index.niche_stats(niche)
        connectors = index.search(
            SearchQuery(niche=niche, role="connector", sort="bridging", limit=10)
        )
        return NicheOverview(
            name=niche,
            creators=base.total,
            tiers=base.facets.get("tier", {}),
            languages=base.facets.get("language", {}),
            platforms=base.facets.get("platform", {}),
            roles=base.facets.get("role", {}),
            engagement=[
                EngagementCell(platform=c.platform, tier=c.tier, creators=c.creators,
                               median_er=c.median_er)
                for c in numbers.cells
            ],
            top_connectors=[connector(hit.record) for hit in connectors.hits],
            last_crawl=numbers.last_crawl,
        )

    # -- shortlists ----------------------------------------------------------------------

    def shortlist(self, list_id: int) -> ListOut:
        """A list with each creator's current handle, tier, followers and best score."""
        from creatorscout.search.lists import ListNotFound

        found = self.lists().get(list_id)
        if found is None:
            raise ListNotFound(f"no list {list_id}")
        return enrich(found, self.index())


# -- pure helpers (also used by the CLI) -------------------------------------------------


def explanation(score: CreatorScore) -> list[ScorePart]:
    """The composite score as data: each part's effective weight, contribution and points;
    the points add up to the score. Scores carry their effective weights since the scorer
    counts unknown parts as 0 (``Component.effective_weight``); older records without them
    get weight / sum of the known parts' weights, as they were computed."""
    known = sum(c.weight for c in score.components if c.value is not None)
    parts = []
    for c in score.components:
        effective = c.effective_weight
        if effective is None:
            effective = c.weight / known if known and c.value is not None else 0.0
        parts.append(ScorePart(
            component=c.name, value=c.value, weight=c.weight, effective_weight=effective,
            contribution=c.contribution, points=c.contribution * 100, detail=c.detail,
        ))
    return parts


def niche_score(record: ScoredCreator) -> NicheScore:
    score = record.score
    return NicheScore(
        niche=record.niche, score=score.score, tier=score.tier.tier,
        tier_scheme=f"{score.tier.scheme} v{score.tier.scheme_version}", role=score.role,
        explanation=explanation(score), engagement=score.engagement,
        relevance=score.relevance, flags=score.flag_details, network=score.network,
        crawl=record.crawl, computed_at=score.computed_at,
    )


def numbers_of(record: ScoredCreator) -> list[Number]:
    creator = record.creator
    p = creator.provenance
    return [
        Number(name=name, value=value, observed_at=p.observed_at, source=p.source_url,
               platform=p.platform, plugin=f"{p.plugin} {p.plugin_version}")
        for name, value in (("followers", creator.followers), ("following", creator.following),
                            ("posts", creator.posts_count))
    ]


def growth_history(index: Index, records: list[ScoredCreator]) -> list[GrowthPoint]:
    """Follower counts over time, oldest first. The one place that knows where history
    lives: a backend's ``history`` (Elasticsearch's metrics stream) when it has one, else
    the follower history the scores carry plus each record's own observation."""
    creator_id = records[0].creator.id
    history = getattr(index, "history", None)
    if callable(history):
        rows = history(creator_id)
        if rows:
            return [
                GrowthPoint(observed_at=row["@timestamp"], followers=row.get("followers"),
                            niche=row.get("niche"), score=row.get("score"),
                            engagement_rate=row.get("engagement_rate"))
                for row in rows
            ]
    points: dict[Any, GrowthPoint] = {}
    for record in records:
        for point in record.score.follower_history:
            points.setdefault(point.observed_at, GrowthPoint(
                observed_at=point.observed_at, followers=point.followers))
        observed = record.creator.provenance.observed_at
        points[observed] = GrowthPoint(
            observed_at=observed, followers=record.creator.followers, niche=record.niche,
            score=record.score.score, engagement_rate=record.score.engagement.rate,
        )
    return [points[key] for key in sorted(points)]


def lookalikes(index: Index, creator_id: str, *, limit: int = 10,
               platform: str | None = None) -> SimilarResults:
    """:func:`creatorscout.search.similar.find_lookalikes` as the API's model."""
    from creatorscout.search.similar import find_lookalikes

    try:
        source, terms, found = find_lookalikes(index, creator_id, limit=limit,
                                               platform=platform)
    except NotImplementedError as exc:
        raise IndexOpenError(str(exc)) from None
    except LookupError as exc:
        raise NotFound(str(exc)) from None
    return SimilarResults(
        id=source.id,
        distinctive_terms=[term for term, _ in terms],
        hits=[
            Similar(id=hit.record.id, platform=hit.record.creator.platform,
                    handle=hit.record.creator.handle,
                    display_name=hit.record.creator.display_name,
                    followers=hit.record.creator.followers, tier=hit.record.score.tier.tier,
                    niche=hit.record.niche, score=round(hit.record.score.score, 2),
                    similarity=hit.similarity, parts=hit.parts, reasons=hit.reasons)
            for hit in found
        ],
    )


def connector(record: ScoredCreator) -> Connector:
    network = record.score.network
    return Connector(
        id=record.id, handle=record.creator.handle, platform=record.creator.platform,
        role=record.score.role,
        bridging=network.participation if network else None,
        communities_touched=network.communities_touched if network else None,
        reason=network.reason if network else None,
    )


def enrich(shortlist: Shortlist, index: Index) -> ListOut:
    entries = []
    for item in shortlist.items:
        records = index.get(item.creator_id)
        extra: dict[str, Any] = {}
        if records:
            best = max(records, key=lambda r: r.score.score)
            c = best.creator
            extra = {"handle": c.handle, "platform": c.platform, "display_name": c.display_name,
                     "profile_url": c.profile_url, "followers": c.followers,
                     "tier": best.score.tier.tier, "score": round(best.score.score, 1)}
        entries.append(ListEntry(**item.model_dump(), **extra))
    return ListOut(**shortlist.model_dump(exclude={"items"}), items=entries)


EXPORT_COLUMNS = ("creator_id", "platform", "handle", "display_name", "profile_url",
                  "followers", "tier", "score", "status", "note", "added_at", "updated_at")


def export_csv(shortlist: ListOut) -> str:
    """One row per creator; spreadsheet formulas in user text are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in shortlist.items:
        row = item.model_dump(mode="json")
        writer.writerow([_cell(row.get(column)) for column in EXPORT_COLUMNS])
    return buffer.getvalue()


def export_json(shortlist: ListOut) -> str:
    return json.dumps(shortlist.model_dump(mode="json"), ensure_ascii=False, indent=2)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # a cell starting with = + - @ is run as a formula by spreadsheets (CSV injection)
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
