"""The query model every index backend implements (embedded SQLite, Elasticsearch)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from creatorscout.scoring.authenticity import FLAG_NAMES
from creatorscout.scoring.components import REGISTRY, SortSpec
from creatorscout.search.records import ScoredCreator

SORT_SPECS: dict[str, SortSpec] = {
    "score": SortSpec(
        "score", "score", "desc",
        "composite score on one scale for every platform: each part is measured against the "
        "creator's own platform and tier, and an unknown part counts as 0, so creators whose "
        "reach or engagement cannot be measured rank below measured ones of the same "
        "relevance",
    ),
    **{c.sort.name: c.sort for c in REGISTRY.values() if c.sort is not None},
    "er": SortSpec("er", "er", "desc", "reported engagement rate, percent"),
    "bridging": SortSpec(
        "bridging", "bridging", "desc", "participation across communities (connectors)"
    ),
}
"""Every sort: the composite, one per score component (from the component registry,
:mod:`creatorscout.scoring.components`), and two raw numbers. Each says its field and
order; every backend sorts unknown values last, then by score."""
SORTS: tuple[str, ...] = tuple(SORT_SPECS)
FLAGS = FLAG_NAMES
"""The flags scoring raises (``CreatorScore.flags``); see creatorscout.scoring.authenticity."""
Role = Literal["influencer", "connector", "both", "neither"]

FACETS = ("platform", "tier", "language", "role")
MAX_INT = 2**63 - 1
"""The largest count or offset a query takes (the indexes store 64-bit integers)."""
"""The keys of :attr:`SearchResults.facets`; every backend returns all four."""

UNKNOWN = "unknown"
"""Facet value for a record without a role, or a creator without a known language."""

_ROLE_VALUES: dict[str, tuple[str, ...]] = {
    "influencer": ("influencer", "both"),
    "connector": ("connector", "both"),
    "both": ("both",),
    "neither": ("neither",),
}


class SearchQuery(BaseModel):
    """A search: free text plus filters, a sort and a page.

    ``text`` is user input: backends must treat it as words to match, never as query
    syntax (no raw FTS5 / query_string).

    The semantics every backend implements (the contract tests check them):

    * ``text``: every word must match (AND) in the handle, display name, bio or recent
      post text. A text without any word (``"``, ``*``, ``AND``) is no text filter.
    * One hit per creator. A creator indexed in several niches appears once: the record
      (niche) that ranks best under ``sort`` among those that pass the filters. ``total``
      and the facets count creators. With ``niche`` set there is one record per creator
      anyway.
    * ``platforms``, ``tiers``: any of them, case-insensitive.
    * ``min_followers`` / ``max_followers`` / ``min_er``: inclusive; a record whose value
      is unknown does not pass a filter on that value.
    * ``languages``: any of them is among ``creator.languages``; ``de`` also matches
      ``de-AT`` (see :func:`language_matches`).
    * ``role``: see :meth:`role_values` (``connector`` includes ``both``).
    * ``min_score`` (0-100), ``min_relevance`` (0-1), ``min_authenticity`` (0-1),
      ``min_influence`` (PageRank percentile 0-100), ``min_bridging`` (participation 0-1):
      inclusive; unknown does not pass. ``max_sponsored``: share of recent original posts
      marked as ads (0-1), inclusive; unknown does not pass.
    * ``flags``: the record has any of them; ``exclude_flags``: none of them;
      ``no_flags``: no flag at all (names in :data:`FLAGS`).
    * ``sort``: one of :data:`SORTS`, in the order its :data:`SORT_SPECS` entry gives
      (``sponsored`` ascending: fewest ads first; the others descending); unknown values
      sort last; then by score (for the component sorts); ties are broken by creator id,
      ascending. ``relevance`` is the text rank when ``text`` has words, else the niche
      relevance score. ``score`` compares platforms on one scale (see its spec).
    * ``collapse_person``: one hit per *person* (profiles grouped by
      :mod:`creatorscout.scoring.identity`) instead of per creator: the person's profile
      whose record ranks best under ``sort`` among those that pass the filters (ties: lower
      creator id). ``total`` and the facets then count persons. A creator not yet grouped
      is a person of its own. Every hit carries ``person_id`` and ``other_profiles`` (the
      person's other creator ids, whether or not they match) with or without collapsing.
    """

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    niche: str | None = None
    platforms: list[str] = Field(default_factory=list)
    tiers: list[str] = Field(default_factory=list)
    min_followers: int | None = Field(default=None, ge=0, le=MAX_INT)
    max_followers: int | None = Field(default=None, ge=0, le=MAX_INT)
    min_er: float | None = Field(default=None, ge=0, description="Minimum engagement rate, %")
    languages: list[str] = Field(default_factory=list)
    role: Role | None = None
    min_score: float | None = Field(default=None, ge=0, le=100)
    min_relevance: float | None = Field(default=None, ge=0, le=1)
    min_authenticity: float | None = Field(default=None, ge=0, le=1)
    min_influence: float | None = Field(default=None, ge=0, le=100)
    min_bridging: float | None = Field(default=None, ge=0, le=1)
    max_sponsored: float | None = Field(default=None, ge=0, le=1)
    flags: list[str] = Field(default_factory=list, description="Has any of these flags")
    exclude_flags: list[str] = Field(default_factory=list, description="Has none of these")
    no_flags: bool = False
    collapse_person: bool = Field(
        default=False, description="One hit per person (grouped profiles), not per creator"
    )
    sort: str = "score"
    limit: int = Field(default=20, ge=1, le=1000)
    offset: int = Field(default=0, ge=0, le=MAX_INT)

    @field_validator("text", "niche", "platforms", "tiers", "languages", "flags",
                     "exclude_flags", mode="before")
    @classmethod
    def _encodable(cls, value: object) -> object:
        # a shell hands invalid UTF-8 in arguments over as lone surrogates
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not text.isascii():
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise ValueError(f"{text!r} is not valid UTF-8 text") from None
        return value

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in SORT_SPECS:
            raise ValueError(f"unknown sort '{value}'; use one of: {', '.join(SORTS)}")
        return value

    @model_validator(mode="after")
    def _range(self) -> SearchQuery:
        if (
            self.min_followers is not None
            and self.max_followers is not None
            and self.min_followers > self.max_followers
        ):
            raise ValueError("min_followers is larger than max_followers")
        return self

    def role_values(self) -> tuple[str, ...]:
        """The stored roles that pass the role filter (empty: no role filter)."""
        return _ROLE_VALUES[self.role] if self.role else ()


def language_matches(wanted: str, language: str) -> bool:
    """``de`` matches ``de`` and ``de-AT``; case-insensitive; ``de-AT`` matches only itself."""
    wanted, language = wanted.lower(), language.lower()
    return language == wanted or language.startswith(wanted + "-")


class Hit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record: ScoredCreator
    text_rank: float | None = Field(
        default=None,
        description="Text match strength; always set under sort='relevance' with text, "
        "otherwise a backend may leave it unset (computing it for every match is the "
        "main cost of a broad text search in the embedded index)",
    )
    person_id: str | None = Field(
        default=None, description="The person the creator belongs to, once grouped"
    )
    other_profiles: list[str] = Field(
        default_factory=list, description="The person's other creator ids, sorted"
    )


class SearchResults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Counts per platform, tier, language, role"
    )
    offset: int = Field(
        default=0, ge=0, description="The query's offset: hits[0] has rank offset + 1"
    )


class IndexStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    creators: int
    records: int = Field(description="(creator, niche) pairs")
    posts: int
    niches: dict[str, int]
    platforms: dict[str, int]
    size_bytes: int | None = None
