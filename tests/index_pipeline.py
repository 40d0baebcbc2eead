"""The index pipeline as Scrapy runs it (a real crawler object), for the tests that drive it."""

from __future__ import annotations

from typing import Any

from scrapy.utils.test import get_crawler

from creatorscout.crawler.pipelines import IndexPipeline


def open_pipeline(settings: dict[str, Any]) -> IndexPipeline:
    """An opened index pipeline with ``settings`` (the passes off unless they say so)."""
    crawler = get_crawler(settings_dict={
        "CREATORSCOUT_NICHE_PASS": False, "CREATORSCOUT_PERSONS": False, **settings,
    })
    crawler.stats.open_spider()  # type: ignore[union-attr]
    component = IndexPipeline(crawler)
    component.open_spider()
    return component


def pipeline_stats(component: IndexPipeline) -> dict[str, object]:
    """The crawl stats the pipeline counted into."""
    assert component.crawler.stats is not None
    return dict(component.crawler.stats.get_stats())
