"""``/health``: is the server up, and can it read its index?"""

from __future__ import annotations

from fastapi import APIRouter

from creatorscout.api.deps import CatalogDep
from creatorscout.api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Server and index state")
def health(catalog: CatalogDep) -> Health:
    """Always 200 while the server runs; ``status`` says whether the index answers."""
    return catalog.health()
