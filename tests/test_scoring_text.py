"""Multilingual normalisation, tokenisation and term matching (creatorscout.scoring.text)."""

from __future__ import annotations

import pytest

from creatorscout.scoring.text import TermSet, analyze, match_terms, normalize, snippet, tokenize

# --- normalisation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Straße", "strasse"),  # casefold
        ("ﬁne ＶＥＧＡＮ", "fine vegan"),  # NFKC: ligature, full-width
        ("ｶﾞ", "ガ"),  # half-width katakana with its voiced mark
        ("מָתְכּוֹן", "מתכונ"),  # niqqud removed, final nun -> nun
        ("וַיֹּ֥אמֶר", "ויאמר"),  # cantillation removed
        ("نَبَاتِيّ", "نباتي"),  # harakat and shadda removed
        ("نبـــاتي", "نباتي"),  # tatweel removed
        ("أحمد إبراهيم آمنة", "احمد ابراهيم امنه"),  # alef variants, taa marbuta
        ("على", "علي"),  # alef maqsura
        ("Ελληνική ΚΟΥΖΙΝΑ", "ελληνικη κουζινα"),  # Greek accents, case
        ("Ёлка", "елка"),
        ("ᲦᲕᲘᲜᲝ", "ღვინო"),  # Georgian Mtavruli capitals -> Mkhedruli
        ("\u200fשלום\u200e", "שלומ"),  # bidi marks removed
        ("٢٠٢٤", "2024"),  # Arabic-Indic digits
        ("Küche", "küche"),  # Latin diacritics are kept
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


# --- tokenisation -------------------------------------------------------------------------


def _texts(text: str, kind: str | None = None) -> list[str]:
    return [t.text for t in tokenize(text) if kind is None or t.kind == kind]


def test_tokenize_splits_on_spaces_punctuation_and_hyphens() -> None:
    assert _texts("Plant-based, dairy-free: don't!") == [
        "plant",
        "based",
        "dairy",
        "free",
        "don",
        "t",
    ]


def test_tokenize_keeps_offsets_into_the_original_text() -> None:
    text = "Hello  מָתְכּוֹן"
    hebrew = tokenize(text)[1]
    assert hebrew.text == "מתכונ"
    assert text[hebrew.start : hebrew.end] == "מָתְכּוֹן"


def test_hashtags_are_split_off_hash_and_into_parts() -> None:
    tokens = tokenize("Dinner #VeganFood #crm_tips #ვეგანური")
    assert [(t.text, t.kind) for t in tokens] == [
        ("dinner", "word"),
        ("veganfood", "hashtag"),
        ("vegan", "hashtag-part"),
        ("food", "hashtag-part"),
        ("crmtips", "hashtag"),
        ("crm", "hashtag-part"),
        ("tips", "hashtag-part"),
        ("ვეგანური", "hashtag"),
    ]


def test_a_hash_inside_a_word_is_not_a_hashtag() -> None:
    assert _texts("C# and F#", "hashtag") == []


@pytest.mark.parametrize(
    ("text", "bigrams"),
    [
        ("纯素料理", ["纯素", "素料", "料理"]),
        ("ヴィーガン", ["ヴィ", "ィー", "ーガ", "ガン"]),
        ("비건 요리", ["비건", "요리"]),
        ("茶", ["茶"]),
    ],
)
def test_cjk_runs_become_character_bigrams(text: str, bigrams: list[str]) -> None:
    assert _texts(text, "cjk") == bigrams


def test_mixed_script_text() -> None:
    assert _texts("tofu料理 and ღვინო, вино, κρασί") == [
        "tofu",
        "料理",
        "and",
        "ღვინო",
        "вино",
        "κρασι",
    ]


def test_length_counts_words_hashtags_and_bigrams_not_parts() -> None:
    assert analyze("a b #VeganFood 纯素料理").length == 2 + 1 + 3


# --- matching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "term", "lang", "count"),
    [
        # English: whole words, case, Snowball stems, hashtags split or run together
        ("Vegan dinner tonight", "vegan", "en", 1),
        ("#veganfood and #VeganRecipes", "vegan", "en", 2),
        ("I love #vegan and #Vegan", "vegan", "en", 2),
        ("Lentil soup", "lentils", "en", 1),
        ("One chickpea, two chickpeas", "chickpeas", "en", 2),
        ("Veganism for beginners", "vegan", "en", 1),
        ("veganrecipes for everyone", "vegan", "en", 0),  # not a compound language
        ("Vegas trip", "vegan", "en", 0),
        ("a veg an option", "vegan", "en", 0),  # short terms are not spelled across words
        # German: stems and compounds with a plausible other part
        ("Heute gibt es Veganküche", "vegan", "de", 1),
        ("Vegane Rezepte", "rezept", "de", 1),
        ("Mein liebstes Kochrezept", "rezept", "de", 1),
        ("#Veganküche", "veganküche", "de", 1),
        ("Linsensuppe mit Ingwer", "linsen", "de", 1),
        ("Räuchertofu vom Markt", "tofu", "de", 1),
        ("Kochbuch für alle", "kochen", "de", 1),
        # Hebrew: prefixes onto a niche term, light stems, niqqud, final letters
        ("והמתכון הזה מעולה", "מתכון", "he", 1),
        ("מָתְכּוֹנִים טְבְעוֹנִיִּים", "מתכון", "he", 1),
        ("אוכל לטבעונים", "טבעוני", "he", 1),
        ("החיים בטבעונות", "טבעוני", "he", 1),
        ("קציצות בטופו", "טופו", "he", 1),
        ("מתכונת חדשה למסמך", "מתכון", "he", 0),  # "format", not "recipe"
        # Arabic: prefixes, Snowball stems, sound plurals, diacritics, tatweel
        ("شوربة العَدَس", "عدس", "ar", 1),
        ("والعدس بالحمص", "حمص", "ar", 1),
        ("وصفة للعدس", "عدس", "ar", 1),
        ("طعام نبـــاتيّ", "نباتي", "ar", 1),
        ("أفضل الوصفات", "وصفة", "ar", 1),
        ("طبخ نباتي سهل", "طبخ نباتي", "ar", 1),
        # Georgian: Mtavruli capitals fold to Mkhedruli; light stems (case endings)
        ("ქვევრში დავაყენეთ", "ქვევრი", "ka", 1),
        ("ᲦᲕᲘᲜᲝ და ღვინის ქარხანა", "ღვინო", "ka", 2),
        ("საფერავის მოსავალი", "საფერავი", "ka", 1),
        # Russian: case, ё, Snowball stems; no prefix matching
        ("Грузинского вина бокал", "грузинское", "ru", 1),
        ("КВЕВРИ!", "квеври", "ru", 1),
        ("Зелёный чай", "зеленый", "ru", 1),
        ("Я не виновата", "вино", "ru", 0),
        ("#ქართულიღვინო", "ღვინო", "ka", 1),  # hashtags split in every alphabet
        ("#саперавиизквеври", "квеври", "ru", 1),
        ("Виноградник в Кахетии", "вино", "ru", 0),
        # Japanese, Chinese, Korean, Thai: substrings of runs without spaces
        ("今日はヴィーガン料理を作りました", "ヴィーガン", "ja", 1),
        ("今天的纯素料理", "纯素", "zh", 1),
        ("纯粹素质很重要", "纯素", "zh", 0),
        ("#ヴィーガン料理", "料理", "ja", 1),
        ("비건요리 레시피", "비건", "ko", 1),
        ("อาหารมังสวิรัติอร่อยมาก", "มังสวิรัติ", "th", 1),
    ],
)
def test_match_terms_multilingual(text: str, term: str, lang: str, count: int) -> None:
    assert TermSet([term], default_languages=[lang]).count(text).get(term, 0) == count


@pytest.mark.parametrize(
    "text",
    [
        "plant based dinner",
        "Plant-Based dinner",
        "plant\u2010based",  # Unicode hyphen
        "plantbased dinner",
        "#PlantBased",
        "#plantbased",
        "#plant_based",
        "#plantbasedrecipes",
    ],
)
def test_phrases_match_across_space_hyphen_and_concatenation(text: str) -> None:
    assert match_terms(text, ["plant based", "plant-based"]) == {
        "plant based": 1,
        "plant-based": 1,
    }


def test_a_phrase_does_not_match_across_punctuation_or_other_words() -> None:
    assert match_terms("I planted a plant. Based on that...", ["plant based"]) == {}
    assert match_terms("plant food based on rice", ["plant based"]) == {}


def test_a_one_word_term_matches_its_words_written_apart() -> None:
    text = "Marketing automation and natural wines"
    terms = TermSet(
        ["marketingautomation", "naturalwine", "natural wine"], default_languages=["en"]
    )
    assert terms.count(text) == {
        "marketingautomation": 1,
        "naturalwine": 1,
        "natural wine": 1,
    }


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Wir haben eine Abmahnung bekommen", "abm"),  # German "legal warning letter"
        ("Bekijk de scrm-module", "crm"),
        ("Crmsystem", "crm"),
        ("#abmstrategy", "abm"),  # lower-case hashtag: no part boundary to trust
        ("the b2bs", "b2b"),
    ],
)
def test_short_terms_never_match_inside_words(text: str, term: str) -> None:
    assert match_terms(text, [term]) == {}


@pytest.mark.parametrize(
    "text",
    ["ABM works", "Our #ABM playbook", "#ABMstrategy", "#abm_strategy", "ABM-Kampagne", "(abm)"],
)
def test_short_terms_match_whole_words_and_hashtag_parts(text: str) -> None:
    assert match_terms(text, ["abm"]) == {"abm": 1}


def test_compounds_split_only_in_compounding_languages_and_hashtags() -> None:
    german = TermSet(["tofu"], default_languages=["de"])
    assert german.count("Räuchertofu und Tofuwürfel, smoked-tofu") == {"tofu": 3}
    english = TermSet(["tofu"], default_languages=["en"])
    assert english.count("tofurky and smoked-tofu") == {"tofu": 1}
    assert english.count("#tofulover") == {"tofu": 1}


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Neue Kontaktlinsen gekauft", False),  # lenses
        ("Rezeptpflichtige Medikamente", False),  # prescription
        ("Das Rezept vom Arzt abholen", False),
        ("Linsensuppe mit Ingwer", True),  # the compound's other part is a context word
        ("Rezept für Linsensuppe", True),  # each confirms the other
        ("Mein Kochrezept", True),
        ("Linsen und Tofu", True),  # another niche term
        ("زرت مدينة حمص", False),  # the city of Homs
        ("حمص بالطحينة", True),  # hummus with tahini
        ("Это моя вина", False),  # guilt
        ("Бокал вина", True),
        ("#виноград", False),  # a context word does not confirm the term inside it
    ],
)
def test_ambiguous_terms_need_other_evidence(text: str, counted: bool) -> None:
    terms = TermSet(
        ["linsen", "rezept", "kochen", "tofu", "حمص", "вино"],
        languages={"linsen": ["de"], "rezept": ["de"], "kochen": ["de"], "tofu": ["de"],
                   "حمص": ["ar"], "вино": ["ru"]},
        homographs=["linsen", "rezept", "حمص", "вино"],
        context=[("suppe", "de"), ("طحينة", "ar"), ("бокал", "ru"), ("виноград", "ru")],
    )
    assert bool(terms.find(text)) is counted


def test_matches_say_how_and_where() -> None:
    text = "Linsensuppe und Räuchertofu"
    terms = TermSet(["linsen", "tofu"], default_languages=["de"])
    found = [(m.term, text[m.start : m.end], m.how) for m in terms.find(text)]
    assert found == [("linsen", "Linsensuppe", "compound"), ("tofu", "Räuchertofu", "compound")]


def test_a_hashtag_counts_once_per_term() -> None:
    assert match_terms("#VeganFood", ["vegan", "food", "veganfood"]) == {
        "vegan": 1,
        "food": 1,
        "veganfood": 1,
    }


def test_terms_given_with_hash_or_underscores() -> None:
    assert match_terms("vegan recipes", ["#veganrecipes", "vegan_recipes"]) == {
        "#veganrecipes": 1,
        "vegan_recipes": 1,
    }


def test_match_terms_leaves_out_unmatched_and_empty_terms() -> None:
    assert match_terms("tofu", ["tofu", "tempeh", "!!!", ""]) == {"tofu": 1}


def test_termset_find_reports_original_offsets() -> None:
    text = "Try the לְטֹפוּ today"  # hypothetical spelling with niqqud and a prefix
    found = TermSet(["טפו"]).find(text)
    assert [(m.term, text[m.start : m.end]) for m in found] == [("טפו", "לְטֹפוּ")]


# --- snippets -----------------------------------------------------------------------------


def test_snippet_is_the_passage_around_the_first_match() -> None:
    text = (
        ("Morning walk in the park. " * 6)
        + "Then a vegan lasagne for lunch. "
        + ("Evening reading and tea. " * 6)
    )
    result = snippet(text, ["lasagne", "vegan"], width=60)
    assert result is not None
    assert "vegan lasagne" in result
    assert result.startswith("…") and result.endswith("…")
    assert len(result) <= 62


def test_snippet_of_a_short_text_is_the_text() -> None:
    assert snippet("Tofu   tacos\ntonight", ["tofu"]) == "Tofu tacos tonight"


def test_snippet_is_none_without_a_match() -> None:
    assert snippet("Nothing to see", ["vegan"]) is None


def test_snippet_keeps_hebrew_and_arabic_as_written() -> None:
    assert snippet("מָתְכּוֹן טבעוני", ["מתכון"]) == "מָתְכּוֹן טבעוני"
    assert snippet("وصفة نباتيّة", ["نباتية"]) == "وصفة نباتيّة"
