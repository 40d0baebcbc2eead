"""``/niches``: the configured niches, how much of each is indexed, and an overview."""

from __future__ import annotations

from fastapi import APIRouter

from creatorscout.api.deps import CatalogDep
from creatorscout.api.schemas import NicheInfo, NicheOverview

router = APIRouter(tags=["niches"])


@router.get("/niches", response_model=list[NicheInfo], summary="Every configured niche")
def list_niches(catalog: CatalogDep) -> list[NicheInfo]:
    return catalog.niches()


@router.get("/niches/{name}", response_model=NicheInfo, summary="A niche's definition")
def get_niche(name: str, catalog: CatalogDep) -> NicheInfo:
    return catalog.niche(name)


@router.get(
    "/niches/{name}/overview",
    response_model=NicheOverview,
    summary="Tiers, engagement by platform and tier, languages, top connectors, platforms",
)
def niche_overview(name: str, catalog: CatalogDep) -> NicheOverview:
    return catalog.overview(name)
