"""Properties of the scorer over generated creators (hypothesis): what no marketer may see.

Each property compares a generated creator with a changed copy, scored by the public
:func:`score_creator` with the shipped configuration:

* hiding the follower count never raises the score;
* making every post a disclosed ad lowers it;
* duplicating posts, or adding hashtag-only posts, never raises relevance;
* ten times the likes, with the same replies and reposts, never raises the score;
* the same posts in another language of the niche keep relevance within a tolerance;
* innocent uses of disclosure words never count as sponsored; disclosures always do.

Examples are bounded so the file runs in seconds.
"""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.config.schema import Niche
from creatorscout.plugins.models import Creator, Post
from creatorscout.scoring import CreatorScore, disclosure_matcher, score_creator
from tests.factories import OBSERVED, make_creator, make_post
from tests.quick import examples

PROPERTY = settings(max_examples=examples(30), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
EPSILON = 1e-9
TRANSLATION_TOLERANCE = 0.25

# The same posts in each language of the niche (translated by meaning, not word by word).
PARALLEL: dict[str, dict[str, tuple[str, ...]]] = {
    "vegan-cooking": {
        "en": ("I cooked a lentil soup with carrots and cumin tonight.",
               "This vegan chocolate cake has no eggs and no butter.",
               "Crispy tofu with rice and vegetables, a quick plant-based dinner.",
               "My favourite vegan recipe: chickpea curry with spinach.",
               "Homemade hummus with tahini and lemon.",
               "Oat milk pancakes for a vegan breakfast."),
        "de": ("Heute Abend habe ich eine Linsensuppe mit Karotten und Kreuzkümmel gekocht.",
               "Dieser vegane Schokoladenkuchen kommt ohne Eier und ohne Butter aus.",
               "Knuspriger Tofu mit Reis und Gemüse, ein schnelles pflanzliches Abendessen.",
               "Mein liebstes veganes Rezept: Kichererbsencurry mit Spinat.",
               "Selbstgemachter Hummus mit Tahini und Zitrone.",
               "Pfannkuchen mit Hafermilch für ein veganes Frühstück."),
        "he": ("הערב בישלתי מרק עדשים עם גזר וכמון.",
               "לעוגת השוקולד הטבעונית הזאת אין ביצים ואין חמאה.",
               "טופו פריך עם אורז וירקות, ארוחת ערב טבעונית מהירה.",
               "המתכון הטבעוני האהוב עליי: קארי חומוס עם תרד.",
               "חומוס ביתי עם טחינה ולימון.",
               "פנקייק עם חלב שיבולת שועל לארוחת בוקר טבעונית."),
        "ar": ("طبخت الليلة شوربة عدس مع الجزر والكمون.",
               "كعكة الشوكولاتة النباتية هذه بدون بيض وبدون زبدة.",
               "توفو مقرمش مع الأرز والخضار، عشاء نباتي سريع.",
               "وصفتي النباتية المفضلة: كاري الحمص مع السبانخ.",
               "حمص بيتي مع الطحينة والليمون.",
               "فطائر بحليب الشوفان لفطور نباتي."),
    },
    "georgian-wine": {
        "en": ("We opened a Saperavi aged in qvevri.",
               "The grape harvest in Kakheti starts next week.",
               "Rkatsiteli amber wine pairs well with walnuts.",
               "A tasting of Georgian natural wines in a small cellar."),
        "ka": ("გავხსენით ქვევრში დავარგებული საფერავი.",
               "კახეთში რთველი მომავალ კვირას იწყება.",
               "რქაწითელის ქარვისფერი ღვინო კარგად უხდება ნიგოზს.",
               "ქართული ნატურალური ღვინის დეგუსტაცია პატარა მარანში."),
        "ru": ("Мы открыли саперави, выдержанное в квеври.",
               "Сбор винограда в Кахетии начинается на следующей неделе.",
               "Янтарное вино из ркацители хорошо сочетается с грецкими орехами.",
               "Дегустация грузинских натуральных вин в маленьком погребе."),
    },
}

OFF_TOPIC: dict[str, tuple[str, ...]] = {
    "en": ("Rainy morning, staying in.", "Finally Friday!"),
    "de": ("Endlich Wochenende.", "Heute regnet es."),
    "he": ("בוקר טוב לכולם!",), "ar": ("صباح الخير للجميع!",),
    "ka": ("დილა მშვიდობისა!",), "ru": ("Всем доброе утро!",),
}

HASHTAG_ONLY: dict[str, str] = {
    "vegan-cooking": "#vegan #veganfood #plantbased #veganrecipes #vegancooking",
    "georgian-wine": "#georgianwine #qvevri #saperavi #winelover",
}

DISCLOSED: dict[str, str] = {
    "en": "#ad {text}", "de": "Anzeige | {text}", "he": "{text} #פרסומת",
    "ar": "{text} #إعلان", "ka": "{text} #რეკლამა", "ru": "Реклама. {text}",
}

# Innocent uses of disclosure words (issue 13): never a disclosure.
INNOCENT = (
    "I can't stand this ad on the radio.",
    "Meeting friends at the pub tonight.",
    "Our new Head of PR starts on Monday.",
    "New 5k #PR this morning, 21:43!",
    "Ich arbeite in der Werbung, seit zehn Jahren.",
    "Kein Rabattcode, einfach eine ehrliche Empfehlung.",
    "ראיתי פרסומת מצחיקה אתמול.",
    "شاهدت إعلان غريب اليوم.",
)

# Disclosures in the forms creators and the rules use: always a disclosure.
DISCLOSURES = (
    "Dinner tonight #ad",
    "Paid partnership with OatHaus: my week of breakfasts.",
    "Anzeige | Linsensuppe mit Ingwer",
    "Werbung: mein neuer Mixer von KüchenKraft.",
    "In Kooperation mit GreenPantry: drei Rezepte.",
    "【PR】新しいオーツミルクを試しました。",
    "שיתוף פעולה בתשלום עם המותג: מתכון לשקשוקה.",
    "محتوى مدفوع: وصفة فلافل بالتعاون مع العلامة.",
    "ქვევრის ღვინო #რეკლამა",
    "Реклама. Вино из квеври от нашего партнёра.",
)


@cache
def _niche(name: str) -> Niche:
    return load_niche(name)


@cache
def _context() -> tuple[object, object, object]:
    return load_tiers(), load_scoring(), disclosure_matcher(load_markers())


def score(creator: Creator, posts: list[Post], niche: str = "vegan-cooking") -> CreatorScore:
    tiers, scoring, matcher = _context()
    return score_creator(creator, posts, _niche(niche), tiers=tiers,  # type: ignore[arg-type]
                         scoring=scoring, markers=matcher, now=OBSERVED)  # type: ignore[arg-type]


def sponsored_posts(result: CreatorScore) -> int:
    """How many posts the scorer counted as sponsored."""
    return result.authenticity.sponsored.posts_sponsored if result.authenticity else 0


def sponsored_share(result: CreatorScore) -> float | None:
    """The share of the posts it considered that the scorer counted as sponsored."""
    return result.authenticity.sponsored.share if result.authenticity else None


@st.composite
def creators(draw: st.DrawFn, niche: str = "vegan-cooking",
             language: str | None = None) -> tuple[Creator, list[Post], str, list[int]]:
    """A creator of ``niche`` with 3-12 posts (some off topic) and plausible counts.

    Returns the creator, the posts, the language and the sentence index of each post in
    :data:`PARALLEL` (-1 for off-topic posts), so a test can translate them.
    """
    languages = sorted(PARALLEL[niche])
    lang = language or draw(st.sampled_from(languages))
    followers = draw(st.integers(min_value=80, max_value=400_000))
    creator = make_creator(str(draw(st.integers(1, 10**6))), followers=followers,
                           languages=[lang])
    count = draw(st.integers(min_value=3, max_value=12))
    bank = PARALLEL[niche][lang]
    posts, sentences = [], []
    for n in range(count):
        on_topic = draw(st.booleans()) or n == 0
        sentence = draw(st.integers(0, len(bank) - 1)) if on_topic else -1
        text = bank[sentence] if on_topic else draw(st.sampled_from(OFF_TOPIC[lang]))
        rate = draw(st.floats(min_value=0.002, max_value=0.09))
        interactions = max(1, int(followers * rate))
        replies = int(interactions * draw(st.floats(min_value=0.02, max_value=0.2)))
        reposts = int(interactions * draw(st.floats(min_value=0.02, max_value=0.2)))
        posts.append(make_post(creator, n, text, likes=interactions - replies - reposts,
                               replies=replies, reposts=reposts, language=lang))
        sentences.append(sentence)
    return creator, posts, lang, sentences


def _copy(creator: Creator, posts: list[Post], start: int) -> list[Post]:
    """The same posts under new ids (a creator who posts the same thing again)."""
    return [make_post(creator, start + n, p.text or "", likes=p.likes, replies=p.replies,
                      reposts=p.reposts, language=p.language) for n, p in enumerate(posts)]


@PROPERTY
@given(creators())
def test_hiding_followers_never_raises_the_score(
        generated: tuple[Creator, list[Post], str, list[int]]) -> None:
    creator, posts, _, _ = generated
    hidden = creator.model_copy(update={"followers": None})
    assert score(hidden, posts).score <= score(creator, posts).score + EPSILON


@PROPERTY
@given(creators())
def test_making_every_post_a_disclosed_ad_lowers_the_score(
        generated: tuple[Creator, list[Post], str, list[int]]) -> None:
    creator, posts, lang, _ = generated
    ads = [p.model_copy(update={"text": DISCLOSED[lang].format(text=p.text)}) for p in posts]
    before, after = score(creator, posts), score(creator, ads)
    # (identical posts may count once: the share, not the count, must be all)
    assert sponsored_share(after) == 1.0
    assert after.score < before.score


@PROPERTY
@given(creators(), st.integers(min_value=1, max_value=3))
def test_duplicating_posts_never_raises_relevance(
        generated: tuple[Creator, list[Post], str, list[int]], copies: int) -> None:
    creator, posts, _, _ = generated
    repeated = list(posts)
    for k in range(copies):
        repeated += _copy(creator, posts, start=100 * (k + 1))
    assert (score(creator, repeated).relevance.score
            <= score(creator, posts).relevance.score + EPSILON)


@PROPERTY
@given(creators(), st.integers(min_value=1, max_value=20))
def test_hashtag_only_posts_never_raise_relevance(
        generated: tuple[Creator, list[Post], str, list[int]], extra: int) -> None:
    creator, posts, _, _ = generated
    stuffed = posts + [make_post(creator, 500 + n, HASHTAG_ONLY["vegan-cooking"], likes=5)
                       for n in range(extra)]
    assert (score(creator, stuffed).relevance.score
            <= score(creator, posts).relevance.score + EPSILON)


@PROPERTY
@given(creators())
def test_ten_times_the_likes_without_replies_or_reposts_never_raises_the_score(
        generated: tuple[Creator, list[Post], str, list[int]]) -> None:
    creator, posts, _, _ = generated
    pod = [p.model_copy(update={"likes": (p.likes or 0) * 10}) for p in posts]
    assert score(creator, pod).score <= score(creator, posts).score + EPSILON


@PROPERTY
@given(st.sampled_from(sorted(PARALLEL)), st.data())
def test_the_same_posts_in_another_language_of_the_niche_keep_relevance(
        niche: str, data: st.DataObject) -> None:
    languages = sorted(PARALLEL[niche])
    source = data.draw(st.sampled_from(languages))
    target = data.draw(st.sampled_from([lang for lang in languages if lang != source]))
    creator, posts, _, sentences = data.draw(creators(niche, source))
    translated = [
        p.model_copy(update={"language": target, "text": PARALLEL[niche][target][s]
                             if s >= 0 else OFF_TOPIC[target][0]})
        for p, s in zip(posts, sentences, strict=True)
    ]
    other = creator.model_copy(update={"languages": [target]})
    before = score(creator, posts, niche).relevance.score
    after = score(other, translated, niche).relevance.score
    assert abs(before - after) <= TRANSLATION_TOLERANCE, (source, target, before, after)


@PROPERTY
@given(creators(), st.sampled_from(INNOCENT))
def test_innocent_uses_of_disclosure_words_never_count_as_sponsored(
        generated: tuple[Creator, list[Post], str, list[int]], phrase: str) -> None:
    creator, posts, _, _ = generated
    mixed = [p.model_copy(update={"text": f"{p.text} {phrase}" if n % 2 else phrase})
             for n, p in enumerate(posts)]
    assert sponsored_posts(score(creator, mixed)) == 0


@PROPERTY
@given(creators(), st.sampled_from(DISCLOSURES))
def test_disclosures_always_count_as_sponsored(
        generated: tuple[Creator, list[Post], str, list[int]], disclosure: str) -> None:
    creator, posts, _, _ = generated
    marked = [posts[0].model_copy(update={"text": disclosure}), *posts[1:]]
    assert sponsored_posts(score(creator, marked)) >= 1
