"""What routes (the API's and the web page's) get from the app: the catalog, the crawls,
the settings. Use them as FastAPI dependencies: ``catalog: Catalog = Depends(get_catalog)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from creatorscout.api.crawls import CrawlManager
from creatorscout.api.service import Catalog

MAX_PAGE_SIZE = 100
"""Most hits one page of GET /creators returns."""
MAX_OFFSET = 10_000
"""Deepest first hit of a page (deeper: narrow the query)."""


@dataclass(frozen=True)
class ApiSettings:
    """How an app was configured (see :func:`creatorscout.api.create_app`)."""

    index_url: str
    host: str = "127.0.0.1"
    token_set: bool = False
    max_page_size: int = MAX_PAGE_SIZE
    max_body_bytes: int = 64 * 1024
    cors_origins: tuple[str, ...] = field(default_factory=tuple)


def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


def get_crawls(request: Request) -> CrawlManager:
    crawls: CrawlManager = request.app.state.crawls
    return crawls


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
CrawlsDep = Annotated[CrawlManager, Depends(get_crawls)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
