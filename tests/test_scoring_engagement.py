"""Engagement rate (creatorscout.scoring.engagement)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creatorscout.config import ScoringConfig, load_scoring
from creatorscout.plugins.models import Post
from creatorscout.scoring import engagement_rate
from tests.factories import OBSERVED, make_creator, make_post

CREATOR = make_creator(followers=1000)


def _post(n: int, interactions: int | None, **fields: object) -> Post:
    """A post whose likes + replies + reposts + quotes == interactions (None: all unknown):
    seven tenths likes, three tenths replies (the usual conversation share)."""
    if interactions is None:
        return make_post(CREATOR, n, likes=None, replies=None, reposts=None, quotes=None, **fields)
    replies = interactions * 3 // 10
    return make_post(CREATOR, n, likes=interactions - replies, replies=replies, reposts=0,
                     quotes=0, **fields)


@pytest.fixture(scope="module")
def config() -> ScoringConfig:
    return load_scoring()


def test_rate_is_the_median_of_per_post_rates(config: ScoringConfig) -> None:
    posts = [_post(n, i) for n, i in enumerate([10, 20, 30, 40, 1000])]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(3.0)  # 30 / 1000 * 100; the viral post does not skew it
    assert result.posts_used == 5
    assert result.confidence == "ok"
    assert result.note is None


def test_even_number_of_posts_averages_the_middle_two(config: ScoringConfig) -> None:
    posts = [_post(n, i) for n, i in enumerate([10, 20, 30, 40, 50, 60])]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(3.5)


def test_all_interaction_kinds_count(config: ScoringConfig) -> None:
    post = make_post(CREATOR, 0, likes=10, replies=5, reposts=3, quotes=2)
    result = engagement_rate([post], 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(2.0)


def test_replies_reposts_and_unknown_counts_are_left_out(config: ScoringConfig) -> None:
    posts = [
        _post(0, 20),
        _post(1, 900, is_reply=True),
        _post(2, 900, is_repost=True),
        _post(3, None),
        _post(4, 40),
    ]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(3.0)
    assert result.posts_used == 2
    assert "not replies, not reposts" in result.definition
    assert "median" in result.definition


def test_duplicate_posts_count_once(config: ScoringConfig) -> None:
    posts = [_post(0, 10), _post(0, 10), _post(0, 10), _post(1, 50)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.posts_used == 2
    assert result.rate == pytest.approx(3.0)


@pytest.mark.parametrize("followers", [None, 0])
def test_unknown_or_zero_followers_give_no_rate(
    config: ScoringConfig, followers: int | None
) -> None:
    posts = [_post(n, 10) for n in range(10)]
    result = engagement_rate(posts, followers, platform="mastodon", tier="unknown", config=config)
    assert result.rate is None
    assert result.relative is None
    assert result.confidence == "none"
    assert result.posts_used == 0
    assert result.note


@pytest.mark.parametrize(
    "posts",
    [
        [],
        [_post(0, 10, is_reply=True), _post(1, 10, is_repost=True)],
        [_post(0, None), _post(1, None)],
    ],
)
def test_no_usable_post_gives_no_rate_never_zero(config: ScoringConfig, posts: list[Post]) -> None:
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate is None
    assert result.confidence == "none"
    assert result.window_start is None and result.window_end is None


def test_a_real_zero_is_reported_as_zero(config: ScoringConfig) -> None:
    posts = [_post(n, 0) for n in range(5)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == 0.0
    assert result.confidence == "ok"


def test_fewer_posts_than_the_minimum_give_low_confidence(config: ScoringConfig) -> None:
    assert config.min_posts_for_confidence == 5
    posts = [_post(n, 10) for n in range(4)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.confidence == "low"
    assert result.rate == pytest.approx(1.0)
    assert result.note is not None and "4 usable posts" in result.note
    posts.append(_post(4, 10))
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.confidence == "ok"


def test_window_spans_the_posts_used(config: ScoringConfig) -> None:
    posts = [_post(n, 10) for n in (1, 5, 3)] + [_post(40, 10, is_reply=True)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.window_start == OBSERVED - timedelta(days=5)
    assert result.window_end == OBSERVED - timedelta(days=1)


def test_benchmark_and_relative_rate(config: ScoringConfig) -> None:
    posts = [_post(n, 30) for n in range(5)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="mid", config=config)
    assert result.benchmark == pytest.approx(1.5)  # default table, tier mid
    assert result.relative == pytest.approx(2.0)
    assert result.benchmark_source is not None
    assert "no published benchmark" in result.benchmark_source
    assert result.benchmark_source.startswith("prior: mastodon")


def test_platform_benchmarks_win_over_the_default_table() -> None:
    # Was "youtube": derived metrics are off for YouTube by default since issue 4 (see
    # test_youtube_derived_metrics_are_off_by_default), so another platform shows the lookup.
    config = ScoringConfig(
        weights={"relevance": 1},
        engagement_benchmarks={
            "instagram": {"micro": 4.0}, "default": {"micro": 2.0, "mid": 1.0}
        },
    )
    posts = [_post(n, 20) for n in range(5)]
    insta = engagement_rate(posts, 1000, platform="instagram", tier="micro", config=config)
    assert (insta.benchmark, insta.relative) == (4.0, pytest.approx(0.5))
    fallback = engagement_rate(posts, 1000, platform="instagram", tier="mid", config=config)
    assert fallback.benchmark == 1.0
    missing = engagement_rate(posts, 1000, platform="instagram", tier="giga", config=config)
    assert missing.benchmark is None and missing.relative is None
    assert missing.rate == pytest.approx(2.0)


def test_the_scored_rate_rests_on_conversation_which_likes_cannot_buy(
    config: ScoringConfig,
) -> None:
    # 1,200 likes a post and not one reply or repost: the shape of bought likes
    pod = [make_post(CREATOR, n, likes=1200, replies=0, reposts=0, quotes=0) for n in range(6)]
    result = engagement_rate(pod, 5000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(24.0)  # the published-style rate is reported as is
    assert result.scored_rate == 0.0
    assert result.relative == 0.0
    # a typical mix: 84 likes, 36 replies and reposts (30%): scored = reported
    honest = [make_post(CREATOR, n, likes=84, replies=18, reposts=18) for n in range(6)]
    fair = engagement_rate(honest, 5000, platform="mastodon", tier="nano", config=config)
    assert fair.scored_rate == pytest.approx(fair.rate) == pytest.approx(2.4)
    # ten times the likes: a higher reported rate, the same scored rate
    pumped = [make_post(CREATOR, n, likes=840, replies=18, reposts=18) for n in range(6)]
    more = engagement_rate(pumped, 5000, platform="mastodon", tier="nano", config=config)
    assert more.rate > fair.rate and more.scored_rate == pytest.approx(fair.scored_rate)


def test_without_conversation_counts_the_scored_rate_is_unknown(config: ScoringConfig) -> None:
    posts = [make_post(CREATOR, n, likes=50, replies=None, reposts=None, quotes=None)
             for n in range(6)]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate == pytest.approx(5.0)
    assert result.scored_rate is None and result.relative is None


def test_the_conversation_share_is_per_platform(config: ScoringConfig) -> None:
    posts = [make_post(CREATOR, n, likes=970, replies=30, reposts=0, quotes=0) for n in range(6)]
    insta = engagement_rate(posts, 100_000, platform="instagram", tier="mid", config=config)
    share = config.engagement.share_for("instagram")
    assert insta.scored_rate == pytest.approx(30 / share / 100_000 * 100)
    assert share < config.engagement.share_for("mastodon")


def test_industry_definition_is_mean_likes_and_comments_over_last_n_posts() -> None:
    shipped = load_scoring()
    config = shipped.model_copy(update={"engagement": shipped.engagement.model_copy(
        update={"definition": "industry", "industry_posts": 3})})
    # newest first: days 0, 1, 2 count; day 3 and 4 are older than the last 3 posts
    posts = [
        make_post(CREATOR, n, likes=likes, replies=2, reposts=50, quotes=0)
        for n, likes in enumerate([8, 18, 28, 1000, 1000])
    ]
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.method == "industry"
    assert result.posts_used == 3
    assert result.rate == pytest.approx((10 + 20 + 30) / 3 / 1000 * 100)  # reposts left out
    assert "HypeAuditor" in result.definition and "last 3" in result.definition
    ours = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=shipped)
    assert ours.method == "median" and ours.posts_used == 5


def test_the_same_text_posted_again_counts_once(config: ScoringConfig) -> None:
    posts = [make_post(CREATOR, n, "Vegan  lentil soup", likes=70, replies=30)
             for n in range(6)]
    posts.append(make_post(CREATOR, 9, "something else", likes=7, replies=3))
    result = engagement_rate(posts, 1000, platform="mastodon", tier="nano", config=config)
    assert result.posts_used == 2


def test_a_partial_record_is_not_judged(config: ScoringConfig) -> None:
    # the one post left without its repost count could be the one that shows an anomaly
    posts = [make_post(CREATOR, n, f"post {n}", likes=50, replies=5, reposts=10)
             for n in range(5)]
    partial = posts + [make_post(CREATOR, 7, "the odd one", likes=50, replies=5, reposts=None)]
    result = engagement_rate(partial, 1000, platform="mastodon", tier="nano", config=config)
    assert result.rate is not None and result.scored_rate is None and result.relative is None
    assert "missing on some posts" in (result.note or "")
    # a platform that reports no reposts at all is judged on what it reports
    none = [p.model_copy(update={"reposts": None}) for p in posts]
    judged = engagement_rate(none, 1000, platform="mastodon", tier="nano", config=config)
    assert judged.scored_rate == pytest.approx(5 / 0.3 / 1000 * 100)
    assert judged.anomaly_rate == pytest.approx(5.5)
