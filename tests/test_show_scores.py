"""``scout show`` explains a real score in plain words (search/render.py on scoring output)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.scoring import disclosure_matcher, score_creator
from creatorscout.search.records import CrawlInfo, ScoredCreator
from creatorscout.search.render import render_show
from tests.factories import OBSERVED, make_creator, make_post


def _record(followers: int | None) -> ScoredCreator:
    creator = make_creator("lena", followers=followers, bio="Vegan cook in Berlin")
    texts = ["vegan tempeh bowl", "lentil soup recipe", "#ad vegan cheese I was paid to try"]
    posts = [make_post(creator, n, f"{texts[n % 3]} ({n})", likes=84, replies=18, reposts=18,
                       created_at=OBSERVED - timedelta(days=3 * n)) for n in range(30)]
    score = score_creator(creator, posts, load_niche("vegan-cooking"), tiers=load_tiers(),
                          scoring=load_scoring(), markers=disclosure_matcher(load_markers()),
                          now=OBSERVED)
    return ScoredCreator(creator=creator, posts=posts, score=score,
                         crawl=CrawlInfo(niche="vegan-cooking", via="hashtag:vegan", depth=0,
                                         crawled_at=OBSERVED))


def test_show_says_definition_window_posts_and_adds_up() -> None:
    record = _record(5000)
    text = render_show([record])
    assert "engagement: 2.40% of followers per post, median of 30 posts, " in text
    assert "2026-08-06 to 2026-11-01 (87 days)" in text
    assert "definition (median): median over the recent original posts" in text
    assert "typical: 4.00% (prior: mastodon: no published benchmark" in text
    points = [float(m.group(1)) for m in re.finditer(r"= ([0-9.]+) points", text)]
    assert f"{sum(points):.1f}" == f"{record.score.score:.1f}"
    assert "sponsored: 10 of 30 original posts disclose an ad (33%)" in text
    assert "audience checks: 100% passed" in text
    assert "suspicio" not in text and "participation" not in text


def test_show_says_what_unknown_parts_count_as() -> None:
    text = render_show([_record(None)])
    assert "unknown, counted as 0: engagement, reach, influence" in text
    assert ("reach: unknown x 10% = 0.0 points  (unknown, counts as 0: follower count not "
            "published)") in text
    assert "follow ratio: not checked, counts as failed (followers count unknown)" in text


def test_search_json_carries_coverage_sponsored_share_and_flags() -> None:
    from creatorscout.search.query import Hit
    from creatorscout.search.render import hit_row

    row = hit_row(Hit(record=_record(None)), 1)
    assert row["coverage"] == pytest.approx(0.65)
    assert row["sponsored_share"] == pytest.approx(10 / 30)
    assert row["flags"] == ["sponsored_heavy"]
