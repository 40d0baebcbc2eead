"""``/creators``: search with facets, one creator explained, lookalikes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from creatorscout.api.deps import (
    MAX_OFFSET,
    MAX_PAGE_SIZE,
    ApiSettings,
    CatalogDep,
    SettingsDep,
)
from creatorscout.api.errors import ApiError
from creatorscout.api.schemas import CreatorDetail, SimilarResults
from creatorscout.search.filter_check import check_known_filters
from creatorscout.search.query import FLAGS, SORTS, SearchQuery, SearchResults

router = APIRouter(tags=["creators"])


FlagName = Literal[FLAGS]  # type: ignore[valid-type]
SortName = Literal[SORTS]  # type: ignore[valid-type]


class CreatorQuery(SearchQuery):
    """:class:`SearchQuery` (the CLI's query model) with the limits of a public server:
    pages of at most :data:`MAX_PAGE_SIZE`, offsets up to :data:`MAX_OFFSET`, flag and sort
    names as enumerations (so the OpenAPI schema lists the valid ones)."""

    flags: list[FlagName] = Field(
        default_factory=list, description="Has any of these flags")
    exclude_flags: list[FlagName] = Field(
        default_factory=list, description="Has none of these")
    sort: SortName = Field(default="score", description="One of the sorts of `scout search`")
    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET)


def checked(query: SearchQuery, settings: ApiSettings) -> SearchQuery:
    """The query as the index takes it, within this server's page size."""
    if query.limit > settings.max_page_size:
        raise ApiError(422, f"limit: at most {settings.max_page_size} hits a page",
                       f"use limit <= {settings.max_page_size} and page with offset")
    return SearchQuery.model_validate(query.model_dump())


SEARCH_EXAMPLE = {
    "total": 150, "offset": 0,
    "facets": {"platform": {"mastodon": 150}, "tier": {"nano": 121, "micro": 24, "mid": 5},
               "language": {"en": 80, "de": 41}, "role": {"influencer": 70, "connector": 12}},
    "hits": [{
        "record": {"creator": {"platform": "mastodon", "native_id": "109301",
                               "handle": "lena@vegan.social", "followers": 12400,
                               "languages": ["de"], "...": "every Creator field"},
                   "posts": [], "score": {"score": 74.5, "tier": {"tier": "micro"},
                                          "...": "the score with its explanation"},
                   "crawl": {"niche": "vegan-cooking", "via": "hashtag:vegan", "depth": 0,
                             "crawled_at": "2026-12-05T09:00:00Z"}},
        "text_rank": None, "person_id": None, "other_profiles": [],
    }],
}


@router.get(
    "/creators",
    response_model=SearchResults,
    responses={200: {"content": {"application/json": {"example": SEARCH_EXAMPLE}}}},
    summary="Search creators: free text, every filter and sort of `scout search`, facets",
)
def search_creators(
    query: Annotated[CreatorQuery, Query()],
    catalog: CatalogDep,
    settings: SettingsDep,
) -> SearchResults:
    """The same query model as `scout search` (``text`` is the free text). Lists repeat
    the parameter: ``?platforms=mastodon&platforms=bluesky``. ``total`` and ``facets``
    count every match; ``hits`` is one page (``limit``, ``offset``). A search that
    matched nothing because a niche, platform, tier or language cannot match answers 422
    with the valid values."""
    searched = checked(query, settings)
    results = catalog.search(searched)
    if results.total == 0:
        check_known_filters(searched, catalog.index())
    return results


@router.get(
    "/creators/{creator_id:path}/similar",
    response_model=SimilarResults,
    summary="Lookalikes: creators like this one, each with its reasons",
)
def similar_creators(
    creator_id: str,
    catalog: CatalogDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    platform: Annotated[str | None, Query(max_length=40)] = None,
) -> SimilarResults:
    return catalog.similar(creator_id, limit=limit, platform=platform)


@router.get(
    "/creators/{creator_id:path}",
    response_model=CreatorDetail,
    summary="One creator: numbers with provenance, score explained, posts, flags, person",
)
def get_creator(creator_id: str, catalog: CatalogDep) -> CreatorDetail:
    """``creator_id`` is a stable id (``mastodon:109301``); a handle or profile URL that
    names exactly one creator works too (409 when it names several)."""
    return catalog.creator(creator_id)
