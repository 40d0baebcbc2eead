"""The built-in web plugin passes the same contract tests every plugin must pass."""

from __future__ import annotations

from pathlib import Path

from creatorscout.plugins.website import Web
from creatorscout.testing import PlatformContract
from creatorscout.testing.contract import DEFAULT_NICHE

FIXTURES = Path(__file__).parent / "fixtures" / "web"
BASELINE = Path(__file__).parent / "field_coverage.json"


class TestWebContract(PlatformContract):
    platform = Web
    fixtures = FIXTURES
    niche = DEFAULT_NICHE.model_copy(update={"seeds": {"web": ["https://www.mayagreens.example/"]}})
    opted_out = {
        "home_noindex_meta": "noindex",
        "home_noindex_header": "noindex",
        "home_creatorscout_noindex": "noindex",
    }
    refusals = {"error_404": "gone", "error_429": "rate_limited"}
    pages = ("feed_json_page1", "feed_atom")
    last_pages = ("feed_json_v1", "feed_rss_wordpress")
    count_keys = ()
    coverage_baseline = BASELINE
