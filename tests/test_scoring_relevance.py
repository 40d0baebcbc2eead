"""Niche relevance (creatorscout.scoring.relevance)."""

from __future__ import annotations

import pytest

from creatorscout.config import Niche, load_niche
from creatorscout.scoring import RelevanceResult, niche_relevance
from tests.factories import make_creator, make_post

OFF_TOPIC = [
    "Rainy day again, staying in",
    "Finished a great novel last night",
    "Our cat knocked the plant off the shelf",
    "Traffic was terrible this morning",
    "Watching the football with friends",
    "New running shoes, first 5k done",
    "Birthday party for my niece",
    "Reading about old maps",
]


@pytest.fixture(scope="module")
def vegan() -> Niche:
    return load_niche("vegan-cooking")


@pytest.fixture(scope="module")
def wine() -> Niche:
    return load_niche("georgian-wine")


@pytest.fixture(scope="module")
def martech() -> Niche:
    return load_niche("b2b-martech")


def _score(
    niche: Niche, texts: list[str | None], bio: str = "", **post_fields: object
) -> RelevanceResult:
    creator = make_creator(bio=bio)
    posts = [make_post(creator, n, text, **post_fields) for n, text in enumerate(texts)]
    return niche_relevance(creator, posts, niche)


# --- languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("niche_name", "text", "term"),
    [
        ("vegan-cooking", "Tonight: a vegan chili with lentils", "vegan"),
        ("vegan-cooking", "Unsere Veganküche heute: Linsensuppe", "vegan"),
        ("vegan-cooking", "Das beste Rezept für Tofu", "rezept"),
        ("vegan-cooking", "הַמַּתְכּוֹן הַטִּבְעוֹנִי שֶׁלִּי", "מתכון"),
        ("vegan-cooking", "ארוחה לטבעונים עם טופו", "טבעוני"),
        ("vegan-cooking", "شوربة وَالعَدَسُ مع الحمص", "عدس"),
        ("vegan-cooking", "أفضل وصفة نباتيّة", "نباتي"),  # نباتية: the same stem, one term
        ("vegan-cooking", "#veganfood #plantbased", "veganfood"),
        ("georgian-wine", "ქვევრში დაყენებული საფერავი", "ქვევრი"),
        ("georgian-wine", "Квеври и саперави из Кахетии", "квеври"),
        ("georgian-wine", "Amber wine from a qvevri", "amber wine"),
        ("b2b-martech", "Our CRM migration, part 2", "crm"),
        ("b2b-martech", "Wie Marketing-Automatisierung hilft", "marketing-automatisierung"),
    ],
)
def test_matches_in_every_language(niche_name: str, text: str, term: str) -> None:
    result = _score(load_niche(niche_name), [text])
    assert result.posts_matched == 1
    assert term in result.matched_terms
    assert result.score > 0


def test_cjk_niche_terms_match_by_bigrams() -> None:
    niche = Niche(name="vegan-cjk", keywords={"ja": ["ヴィーガン"], "zh": ["纯素"]})
    result = _score(niche, ["今日はヴィーガン料理", "今天的纯素料理", "纯粹素质"])
    assert result.matched_terms == {"ヴィーガン": 1, "纯素": 1}
    assert result.posts_matched == 2


def test_short_terms_do_not_match_inside_words(martech: Niche) -> None:
    result = _score(martech, ["Wir haben eine Abmahnung bekommen", "ABM is back in our pipeline"])
    assert result.matched_terms == {"abm": 1}
    assert result.posts_matched == 1


def test_spellings_of_the_same_term_are_one_term(vegan: Niche) -> None:
    result = _score(vegan, ["plant based dinner", "Plant-based lunch", "#plantbased"])
    # "plant-based", "plant based" and the hashtag "plantbased" are one term, named after
    # its first spelling in the niche file.
    assert result.matched_terms == {"plant-based": 3}


# --- ranking ------------------------------------------------------------------------------


def test_consistent_posting_beats_one_lucky_keyword(vegan: Niche) -> None:
    consistent = _score(
        vegan,
        [
            "Lentil soup tonight, fully vegan",
            "Tofu scramble for breakfast",
            "Meal prep: chickpeas and rice",
            "Trying a new tempeh marinade",
            *OFF_TOPIC[:2],
        ],
    )
    # Many vegan words, but in one post only.
    lucky = _score(
        vegan,
        ["Vegan tofu tempeh lentils chickpeas recipe, plant-based meal prep, vegan vegan vegan"]
        + OFF_TOPIC[:5],
    )
    assert consistent.posts_matched == 4 and lucky.posts_matched == 1
    assert consistent.score > 2 * lucky.score


def test_repeating_a_word_saturates(vegan: Niche) -> None:
    once = _score(vegan, ["vegan dinner"])
    many = _score(vegan, ["vegan vegan vegan vegan vegan vegan vegan vegan dinner"])
    assert many.score > once.score
    assert many.score < once.score * 1.5


ON_TOPIC = [
    "Vegan dinner tonight",
    "Tofu scramble for breakfast",
    "Lentil soup with ginger",
    "Tempeh tacos on Friday",
    "Chickpeas roasted with cumin",
    "Seitan stir fry for lunch",
    "Plant-based brownies, no eggs",
    "Meal prep: lentils and rice for the week",
]


def test_more_matching_posts_score_higher(vegan: Niche) -> None:
    scores = [
        _score(vegan, ON_TOPIC[:k] + OFF_TOPIC[: 8 - k]).score for k in range(0, 9, 2)
    ]
    assert scores == sorted(scores)
    assert len(set(scores)) == len(scores)


def test_a_bio_match_counts_but_cannot_alone_give_a_top_score(vegan: Niche) -> None:
    bio = "Vegan recipes, plant-based meal prep, tofu and tempeh"
    bio_only = _score(vegan, OFF_TOPIC, bio=bio)
    nothing = _score(vegan, OFF_TOPIC)
    assert bio_only.bio_matched and not nothing.bio_matched
    assert 0 == nothing.score < bio_only.score <= 0.2
    posts_only = _score(vegan, ["vegan tofu bowl", "lentil soup, vegan"] * 3)
    both = _score(vegan, ["vegan tofu bowl", "lentil soup, vegan"] * 3, bio=bio)
    assert both.score > posts_only.score > bio_only.score


def test_excluded_terms_lower_the_score_and_are_listed(vegan: Niche) -> None:
    texts = ["vegan tofu bowl", "lentil soup, vegan", "tempeh tacos", *OFF_TOPIC[:3]]
    clean = _score(vegan, texts)
    with_steak = _score(vegan, [*texts[:-1], "Best steak in town and bbq ribs"])
    assert with_steak.score < clean.score
    assert with_steak.excluded_terms == ["steak", "bbq ribs"]
    assert clean.excluded_terms == []
    troll = _score(vegan, ["vegan? no thanks, #carnivore steak for me"] * 6)
    fan = _score(vegan, ["vegan tofu for me"] * 6)
    assert troll.score < fan.score / 2


def test_score_is_between_0_and_1(vegan: Niche) -> None:
    heavy = " ".join(["vegan tofu tempeh lentils chickpeas recipe plant-based"] * 5)
    dishes = ["soup", "curry", "salad", "stew", "bowl", "tacos", "burger", "pasta"]
    moods = ["spicy", "quick", "creamy", "smoky", "fresh"]
    posts = [f"{mood} {dish}: {heavy}" for dish in dishes for mood in moods]
    # Only the dish and the mood differ: near-identical, so these are few documents.
    near = _score(vegan, posts, bio=heavy)
    assert 0 < near.score <= 1.0
    distinct = [
        f"A {mood} {dish} with {a} and {b}"
        for dish in dishes for mood, (a, b) in zip(
            moods, [("tofu", "lentils"), ("tempeh", "chickpeas"), ("seitan", "tofu"),
                    ("lentils", "tempeh"), ("chickpeas", "seitan")], strict=True)
    ]
    result = _score(vegan, distinct, bio=heavy)
    assert result.documents == 40
    assert 0.7 < result.score <= 1.0


def test_no_content_scores_zero(vegan: Niche) -> None:
    result = _score(vegan, [])
    assert result.score == 0
    assert result.posts_considered == 0 and result.snippet is None


# --- what counts as a document ------------------------------------------------------------


def test_posts_without_text_still_contribute_hashtags(vegan: Niche) -> None:
    result = _score(vegan, [None, None], hashtags=["VeganFood"])
    assert result.posts_considered == 2
    assert result.posts_matched == 2
    assert result.documents == 1  # hashtag-only posts count once
    assert result.matched_terms["veganfood"] == 1
    assert result.snippet == "#VeganFood"


def test_hashtags_in_text_and_in_the_list_count_once(vegan: Niche) -> None:
    both = _score(vegan, ["Dinner #veganfood"], hashtags=["veganfood"])
    text_only = _score(vegan, ["Dinner #veganfood"])
    assert both.score == text_only.score


def test_reposts_and_empty_posts_are_not_considered(vegan: Niche) -> None:
    creator = make_creator()
    posts = [
        make_post(creator, 0, "vegan tofu"),
        make_post(creator, 1, "vegan tempeh from a friend", is_repost=True),
        make_post(creator, 2, ""),
        make_post(creator, 3, None),
        make_post(creator, 0, "vegan tofu"),  # duplicate
    ]
    result = niche_relevance(creator, posts, vegan)
    assert result.posts_considered == 1
    assert result.posts_matched == 1


def test_result_explains_itself(vegan: Niche) -> None:
    result = _score(
        vegan,
        ["Lentil soup, vegan", "Tofu and tempeh, vegan", OFF_TOPIC[0]],
        bio="Vegan cook",
    )
    assert result.posts_considered == 3
    assert result.posts_matched == 2
    assert result.bio_matched
    assert result.matched_terms == {"vegan": 3, "tofu": 1, "tempeh": 1, "lentils": 1}
    assert list(result.matched_terms)[0] == "vegan"  # most documents first
    assert result.snippet == "Tofu and tempeh, vegan"
    assert "BM25" in result.definition


def test_snippet_is_cut_around_the_match(vegan: Niche) -> None:
    long_post = " ".join(OFF_TOPIC) + " and then a tofu curry. " + " ".join(OFF_TOPIC)
    result = _score(vegan, [long_post])
    assert result.snippet is not None
    assert "tofu curry" in result.snippet
    assert result.snippet.startswith("…") and result.snippet.endswith("…")


# --- words, not substrings (issue 13) -----------------------------------------------------


@pytest.mark.parametrize(
    ("niche_name", "text"),
    [
        ("vegan-cooking", "Neue Kontaktlinsen gekauft"),  # lenses, not lentils
        ("vegan-cooking", "Rezeptpflichtige Medikamente nur in der Apotheke"),
        ("vegan-cooking", "מתכונת חדשה למסמך"),  # "format"
        ("vegan-cooking", "زرت مدينة حمص"),  # the city of Homs
        ("vegan-cooking", "عدسة الكاميرا الجديدة"),  # a camera lens, not lentils
        ("vegan-cooking", "עדשה חדשה למצלמה"),  # a camera lens
        ("vegan-cooking", "Brillengläser und Kontaktlinsen im Angebot"),
        ("vegan-cooking", "A recipe for disaster"),  # a general word alone
        ("georgian-wine", "Я не виновата"),  # "I am not guilty"
        ("georgian-wine", "Это моя вина"),  # "it is my fault"
        ("georgian-wine", "Виноградов пришёл"),  # a surname
        ("b2b-martech", "Photo attribution: Jane Doe"),
        ("georgian-wine", "რესტორანი მარანი თბილისში"),  # a restaurant's name
        ("georgian-wine", "Kakheti hiking trip, day 3"),
    ],
)
def test_look_alikes_do_not_match(niche_name: str, text: str) -> None:
    result = _score(load_niche(niche_name), [text])
    assert result.score == 0 and result.matched_terms == {}, result.matched_words


@pytest.mark.parametrize(
    ("niche_name", "text", "term", "word"),
    [
        ("vegan-cooking", "Pflanzenküche für alle", "pflanzenküche", "Pflanzenküche"),
        ("vegan-cooking", "מאמר על החיים בטבעונות", "טבעוני", "בטבעונות"),
        ("vegan-cooking", "Linsensuppe mit Ingwer", "linsen", "Linsensuppe"),
        ("vegan-cooking", "Räuchertofu vom Markt", "tofu", "Räuchertofu"),
        ("vegan-cooking", "حمص بالطحينة", "حمص", "حمص"),
        ("vegan-cooking", "شوربة العدس", "عدس", "العدس"),
        ("vegan-cooking", "מרק עדשים כתומות", "עדשים", "עדשים"),
        ("vegan-cooking", "Veganism for beginners", "vegan", "Veganism"),
        ("georgian-wine", "Бокал вина из Кахетии", "вино", "вина"),
        ("georgian-wine", "ქვევრებში დაყენებული", "ქვევრი", "ქვევრებში"),
        ("georgian-wine", "ჩვენს მარანში ქვევრის ღვინო", "მარანი", "მარანში"),
    ],
)
def test_every_match_shows_the_word_it_came_from(
    niche_name: str, text: str, term: str, word: str
) -> None:
    result = _score(load_niche(niche_name), [text])
    assert result.score > 0
    assert word in result.matched_words[term]


def test_ambiguous_terms_take_their_sense_from_the_creators_other_posts(vegan: Niche) -> None:
    cook = _score(vegan, ["Vegan curry tonight", "وصفة العدس", "Linsen"])
    assert cook.posts_matched == 3
    assert cook.matched_words["عدس"] == ["العدس"] and cook.matched_words["linsen"] == ["Linsen"]
    optician = _score(vegan, ["Neue Kontaktlinsen eingetroffen", "Brillen im Angebot",
                              "Bringen Sie Ihr Rezept für Linsen mit"])
    assert optician.score == 0 and optician.matched_terms == {}
    pharmacy = _score(vegan, ["وصفة طبية جديدة", "عدسات لاصقة", "أخبار مدينة حمص"])
    assert pharmacy.score == 0


def test_repetition_does_not_pay(vegan: Niche) -> None:
    tags = "#vegan #veganfood #plantbased #veganrecipes #vegancooking #tofu #lentils #recipe"
    stuffed = _score(vegan, [f"Day {n} {tags}" for n in range(40)])
    genuine_posts = [
        "Lentil soup tonight, fully vegan", "Tofu scramble for breakfast",
        "Meal prep: chickpeas and rice", "Trying a new tempeh marinade", *OFF_TOPIC[:4],
        "My vegan lasagne recipe is up on the blog", "Chickpea curry with spinach",
        "Tofu steak with miso glaze", "Red lentils dal, so easy",
    ]
    genuine = _score(vegan, genuine_posts)
    assert stuffed.documents == 1
    assert stuffed.score < genuine.score
    # Posting the same posts twice, or adding hashtag-only posts, never raises relevance.
    twice = _score(vegan, genuine_posts * 2)
    assert twice.score <= genuine.score + 1e-9
    with_tags = _score(vegan, [*genuine_posts, tags, "#vegan #tofu", "#plantbased"])
    assert with_tags.score <= genuine.score + 1e-9
    assert with_tags.documents == genuine.documents + 1  # all hashtag-only posts: one


def test_hashtag_only_posts_are_one_document(vegan: Niche) -> None:
    only_tags = _score(vegan, ["#vegan #veganfood #plantbased", "#tofu #tempeh"])
    assert only_tags.documents == 1 and 0 < only_tags.score <= 0.8 / 4
    off_topic_writer = _score(vegan, OFF_TOPIC[:3])
    assert _score(vegan, [*OFF_TOPIC[:3], "#vegan #tofu"]).score == off_topic_writer.score == 0
    # A post stored without its text, of which only the platform's hashtags are known,
    # is an ordinary document.
    untexted = _score(vegan, [None], hashtags=["vegan", "tofu"])
    assert untexted.score > 0


def test_near_identical_posts_count_once(vegan: Niche) -> None:
    base = "New vegan tofu bowl with lentils and rice, recipe on the blog"
    near = _score(vegan, [base, base + "!", base.replace("rice", "rice 2"), *OFF_TOPIC[:3]])
    assert near.documents == 4 and near.posts_considered == 6


def test_exclusions_count_only_where_they_are_the_topic(vegan: Niche) -> None:
    chef_posts = ["Tofu steak with miso glaze, vegan", "Lentil soup, vegan", "Tempeh tacos",
                  "Vegan brownies recipe"]
    chef = _score(vegan, chef_posts)
    without = _score(vegan, [p.replace("steak ", "") for p in chef_posts])
    assert chef.excluded_terms == []
    assert chef.score == pytest.approx(without.score, abs=0.02)
    griller = _score(vegan, [*chef_posts[1:], "Best steak in town and bbq ribs"])
    assert griller.excluded_terms == ["steak", "bbq ribs"]
    assert griller.score < _score(vegan, [*chef_posts[1:], OFF_TOPIC[0]]).score


TRANSLATIONS = {
    "vegan-cooking": {
        "en": ["Vegan lentil soup tonight", "Tofu recipe for a quick dinner",
               "Chickpeas and rice"],
        "de": ["Vegane Linsensuppe heute Abend", "Tofu-Rezept für ein schnelles Abendessen",
               "Kichererbsen mit Reis"],
        "he": ["מרק עדשים טבעוני הערב", "מתכון טופו לארוחת ערב מהירה", "ארוחה טבעונית עם אורז"],
        "ar": ["شوربة عدس نباتية الليلة", "وصفة سريعة للعشاء النباتي", "حمص مع الأرز والطحينة"],
    },
    "georgian-wine": {
        "en": ["Saperavi from a qvevri, deep red", "Our amber wine harvest in Kakheti",
               "Tasting Georgian wine with friends"],
        "ru": ["Саперави из квеври, тёмно-красное", "Наш урожай янтарного вина в Кахетии",
               "Дегустация грузинского вина с друзьями"],
        "ka": ["საფერავი ქვევრიდან, მუქი წითელი", "ჩვენი ქარვისფერი ღვინის რთველი კახეთში",
               "ქართული ღვინის დეგუსტაცია მეგობრებთან"],
    },
}


@pytest.mark.parametrize("niche_name", sorted(TRANSLATIONS))
def test_translating_posts_keeps_relevance_within_a_tolerance(niche_name: str) -> None:
    niche = load_niche(niche_name)
    scores = {
        lang: _score(niche, [*posts, *OFF_TOPIC[:3]]).score
        for lang, posts in TRANSLATIONS[niche_name].items()
    }
    assert min(scores.values()) > 0
    assert max(scores.values()) - min(scores.values()) <= 0.1, scores


def test_niche_files_check_ambiguous_and_context_entries() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="ambiguous terms must also be keywords"):
        Niche(name="x", keywords={"de": ["linsen"]}, ambiguous=["rezept"])
    with pytest.raises(ValidationError, match="not an ISO 639 language code"):
        Niche(name="x", keywords={"de": ["linsen"]}, context={"German": ["suppe"]})
    niche = Niche(name="x", keywords={"de": ["Linsen"]}, ambiguous=["linsen"],
                  context={"de": ["Suppe"]})
    assert _score(niche, ["Kontaktlinsen"]).score == 0
    assert _score(niche, ["Linsensuppe"]).score > 0
