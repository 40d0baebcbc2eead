"""Authenticity signals, sponsored markers and the crawl-level niche pass."""

from __future__ import annotations

from datetime import timedelta

import pytest

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.plugins.models import CreatorRef
from creatorscout.scoring import analyze as analyse
from creatorscout.scoring import disclosure_matcher, score_creator
from creatorscout.scoring.graph import mention_roles, percentiles
from creatorscout.scoring.niche_pass import apply_context, apply_history, crawl_context, member_of
from creatorscout.scoring.results import FollowerPoint
from tests.factories import OBSERVED, make_creator, make_post


@pytest.fixture(scope="module")
def matcher():
    return disclosure_matcher(load_markers())


@pytest.mark.parametrize(
    "text, marker",
    [
        ("Dinner tonight #ad", "#ad"),
        ("Paid partnership with OatHaus.", "paid partnership with"),
        ("Anzeige | Linsensuppe mit Ingwer", "anzeige"),
        ("Linsensuppe mit Ingwer\nWerbung\n\n#vegan", "werbung"),
        ("*Anzeige* in Kooperation mit GreenPantry.", "anzeige"),
        ("שיתוף פעולה בתשלום עם המותג", "שיתוף פעולה בתשלום"),
        ("وصفة اليوم محتوى مدفوع", "محتوى مدفوع"),
        ("ქვევრის ღვინო #რეკლამა", "#რეკლამა"),
        ("Реклама | вино из квеври", "реклама"),
    ],
)
def test_disclosures_in_many_languages_are_found(matcher, text: str, marker: str) -> None:
    hits = matcher.find(analyse(text))
    assert hits, text
    assert hits[0].marker.lower() == marker


@pytest.mark.parametrize(
    "text",
    [
        "Werbung im B2B-Bereich funktioniert anders",  # a topic, not a label
        "Unbezahlte Werbung: mein Lieblings-Tofu vom Markt",  # says it is not paid
        "#adventure time in the mountains",
        "I saw an ad for oat milk today",
        "إعلان نتائج المسابقة غدا في المدرسة",  # announcement, used as a word
    ],
)
def test_words_that_are_not_disclosures_do_not_fire(matcher, text: str) -> None:
    assert matcher.find(analyse(text)) == []


def _score(creator, posts, **kwargs):
    return score_creator(creator, posts, load_niche("vegan-cooking"), tiers=load_tiers(),
                         scoring=load_scoring(), markers=load_markers(), now=OBSERVED,
                         **kwargs)


def test_sponsored_share_and_its_evidence() -> None:
    creator = make_creator(followers=5000)
    posts = [make_post(creator, n, f"vegan tofu bowl {n}" + (" #ad" if n < 2 else ""),
                       likes=200) for n in range(5)]
    result = _score(creator, posts)
    assert result.authenticity is not None
    sponsored = result.authenticity.sponsored
    assert (sponsored.posts_sponsored, sponsored.posts_considered) == (2, 5)
    assert sponsored.markers == {"#ad": 2}
    assert "sponsored_heavy" in result.flags
    flag = next(f for f in result.flag_details if f.name == "sponsored_heavy")
    assert "marker '#ad'" in flag.evidence[1]


def test_follow_farm_and_bought_likes_raise_audience_flags() -> None:
    farm = make_creator("farm", followers=6000, following=5900)
    posts = [make_post(farm, n, f"vegan lentils, day {n}", likes=3, replies=0, reposts=0)
             for n in range(6)]
    result = _score(farm, posts)
    assert {"follow_ratio", "low_engagement"} <= set(result.flags)
    honest = make_creator("honest", followers=6000, following=300)
    fine = [make_post(honest, n, f"vegan lentils, day {n}", likes=200, replies=30, reposts=40)
            for n in range(6)]
    good = _score(honest, fine)
    assert good.flags == []
    assert good.authenticity is not None and result.authenticity is not None
    assert result.authenticity.suspicion > good.authenticity.suspicion
    assert good.score > result.score


def test_interaction_mix_only_where_the_platform_has_reposts() -> None:
    # An article platform (DEV.to) publishes likes and comments, no reposts: its authors'
    # missing reposts are not a sign of bought likes.
    writer = make_creator("writer", followers=6000, following=300)
    texts = ["red lentil dal with spinach", "tofu scramble for busy mornings",
             "oat milk latte at home", "chickpea curry in one pot", "miso ramen from scratch",
             "seitan roast for the holidays"]
    posts = [make_post(writer, n, f"vegan {text}", likes=400, replies=2)
             for n, text in enumerate(texts)]
    everywhere = _score(writer, posts)
    assert "interaction_mix" in everywhere.flags
    assert everywhere.authenticity is not None
    assert "interaction_mix" in everywhere.authenticity.signals
    articles = _score(writer, posts, interactions=frozenset({"likes", "replies"}))
    assert "interaction_mix" not in articles.flags
    assert articles.authenticity is not None
    assert "interaction_mix" not in articles.authenticity.signals


def test_brand_safety_terms_flag_posts() -> None:
    creator = make_creator(followers=5000)
    posts = [make_post(creator, 0, "My detox tea routine"), make_post(creator, 1, "tofu")]
    result = _score(creator, posts)
    flag = next(f for f in result.flag_details if f.name == "brand_safety")
    assert "detox tea (1 posts)" in flag.evidence[0]


def test_posts_the_platform_marks_adult_flag_brand_safety() -> None:
    creator = make_creator(platform="reddit", followers=5000)
    posts = [make_post(creator, 0, "tofu", adult=True), make_post(creator, 1, "tofu",
                                                                 adult=False)]
    result = _score(creator, posts)
    flag = next(f for f in result.flag_details if f.name == "brand_safety")
    assert "adult content (platform flag) (1 posts)" in flag.evidence[0]
    clean = _score(creator, [make_post(creator, 0, "tofu", adult=False)])
    assert "brand_safety" not in clean.flags


def test_youtube_derived_metrics_are_off_by_default() -> None:
    creator = make_creator(platform="youtube", followers=50_000)
    posts = [make_post(creator, n, "vegan recipe", likes=900, views=20_000) for n in range(5)]
    result = _score(creator, posts)
    assert result.derived_metrics is False
    assert result.engagement.rate is None and "youtube" in (result.engagement.note or "")
    known = [c.name for c in result.components if c.value is not None]
    assert known == ["relevance"]


def test_follower_jump_needs_history() -> None:
    creator = make_creator(followers=30_000)
    posts = [make_post(creator, n, "vegan", likes=600) for n in range(5)]
    result = _score(creator, posts)
    assert "follower_jump" not in result.flags
    earlier = [FollowerPoint(observed_at=OBSERVED - timedelta(days=10), followers=10_000)]
    jumped = apply_history(result, creator, earlier, load_scoring())
    assert "follower_jump" in jumped.flags
    assert len(jumped.follower_history) == 2


def test_percentiles_are_mid_ranks() -> None:
    assert percentiles([3.0, 1.0, 2.0, 2.0]) == [87.5, 12.5, 50.0, 50.0]


def test_a_bridge_between_two_cliques_is_the_connector() -> None:
    mentions: dict[str, dict[str, int]] = {}
    for group in ("a", "b"):
        members = [f"{group}{i}" for i in range(8)]
        for m in members:
            mentions[m] = {o: 2 for o in members if o != m}
            mentions[m]["bridge"] = 1
    mentions["bridge"] = {f"{g}{i}": 1 for g in "ab" for i in range(8)}
    roles = mention_roles(list(mentions.items()), load_scoring().graph)
    assert roles["bridge"].role in ("connector", "both")
    assert roles["bridge"].network.communities_touched >= 2
    assert all(roles[f"a{i}"].role in ("neither", "influencer") for i in range(8))


def test_roles_do_not_depend_on_the_order_creators_come_in() -> None:
    # Three loosely tied groups: where the communities split depends on the graph's node
    # numbering unless the nodes are numbered the same way every time.
    mentions: dict[str, dict[str, int]] = {}
    for g in "abc":
        for i in range(6):
            me = f"{g}{i}"
            mentions[me] = {f"{g}{(i + k) % 6}": 1 + (i + k) % 2 for k in (1, 2)}
            mentions[me][f"{'abc'[('abc'.index(g) + 1) % 3]}{i}"] = 1
            mentions[me][f"outside{i % 4}"] = 1
    items = list(mentions.items())
    settings = load_scoring().graph
    first = mention_roles(items, settings)
    shuffled = [(c, dict(reversed(list(m.items())))) for c, m in reversed(items)]
    again = mention_roles(shuffled, settings)
    assert {c: (r.role, r.network.community) for c, r in first.items()} == \
        {c: (r.role, r.network.community) for c, r in again.items()}


def test_niche_pass_adds_percentile_role_and_influence() -> None:
    scoring = load_scoring()
    records = []
    for n in range(8):
        creator = make_creator(str(n), followers=5000)
        target = make_creator(str((n + 1) % 8))
        posts = [make_post(creator, k, "vegan tofu", likes=50 + 40 * n,
                           mentions=[CreatorRef(platform="mastodon", native_id=target.native_id)])
                 for k in range(5)]
        records.append((creator, posts, _score(creator, posts)))
    context = crawl_context([member_of(c, p, s) for c, p, s in records], scoring)
    updated = [apply_context(s, c.id, context, scoring, now=OBSERVED) for c, _, s in records]
    assert [u.engagement.percentile for u in updated] == sorted(
        u.engagement.percentile or 0 for u in updated)
    assert all(u.engagement.peers == 8 and u.role is not None for u in updated)
    assert all(u.network is not None and u.niche_pass_at == OBSERVED for u in updated)
    influence = next(c for c in updated[0].components if c.name == "influence")
    assert influence.value is not None


def test_the_same_post_again_is_not_more_evidence() -> None:
    creator = make_creator(followers=5000)
    ads = [make_post(creator, n, f"vegan tofu bowl {n} #ad", likes=200) for n in range(3)]
    padding = [make_post(creator, 10 + n, "vegan tofu bowl", likes=200) for n in range(20)]
    result = _score(creator, ads + padding)
    assert result.authenticity is not None
    sponsored = result.authenticity.sponsored
    # twenty copies of one organic post count once: 3 of 4 posts are ads, not 3 of 23
    assert (sponsored.posts_sponsored, sponsored.posts_considered) == (3, 4)
