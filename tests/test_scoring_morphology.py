"""Word forms per language (creatorscout.scoring.morphology): stems, prefixes, compounds."""

from __future__ import annotations

import pytest

from creatorscout.scoring.morphology import (
    georgian_stem,
    head_forms,
    hebrew_stem,
    modifier_rest,
    plausible_part,
    proclitic_remainders,
    script_of,
    stem,
)
from creatorscout.scoring.text import normalize


@pytest.mark.parametrize(
    ("language", "a", "b", "same"),
    [
        ("de", "rezepte", "rezept", True),
        ("de", "veganen", "vegan", True),
        ("de", "kontaktlinsen", "linsen", False),
        ("en", "recipes", "recipe", True),
        ("en", "veganism", "vegan", True),
        ("ru", "виновата", "вино", False),
        ("ru", "грузинского", "грузинское", True),
        ("ar", "نباتية", "نباتي", True),
        ("he", "מתכונים", "מתכון", True),
        ("he", "מתכונת", "מתכון", False),  # "format"
        ("he", "טבעונות", "טבעוני", True),
        ("ka", "ღვინის", "ღვინო", True),
        ("ka", "ქვევრში", "ქვევრი", True),
    ],
)
def test_forms_share_a_stem_and_look_alikes_do_not(
    language: str, a: str, b: str, same: bool
) -> None:
    first, second = stem(language, normalize(a)), stem(language, normalize(b))
    assert first is not None and second is not None
    assert (first == second) is same


def test_a_stemmer_applies_only_to_its_script() -> None:
    assert stem("ru", "vegan") is None
    assert stem("de", "вино") is None
    assert stem("xx", "vegan") is None  # no stemmer for the language
    assert script_of("2024вино") == "cyrillic"


def test_light_stemmers_keep_at_least_three_letters() -> None:
    assert hebrew_stem("ים") == "ים"
    assert georgian_stem("ღვინო") == "ღვინ"
    assert georgian_stem("ღვინოებში") == "ღვინ"


def test_proclitics_are_listed_shortest_prefix_first() -> None:
    assert proclitic_remainders(normalize("והמתכון")) == ("המתכונ", "מתכונ", "תכונ")
    assert "عدس" in proclitic_remainders("والعدس")
    assert proclitic_remainders("vegan") == ()


@pytest.mark.parametrize(
    ("word", "modifier", "rest"),
    [
        ("linsensuppe", "linsen", "suppe"),
        ("kochbuch", "koch", "buch"),
        ("rindsrouladen", "rind", "srouladen"),  # with its linking s (see head_forms)
        ("veganz", "vegan", None),  # no plausible head
        ("tofux", "tofu", None),
    ],
)
def test_compound_heads_must_be_plausible_words(
    word: str, modifier: str, rest: str | None
) -> None:
    assert modifier_rest(word, modifier) == rest


def test_a_head_is_tried_with_and_without_a_linking_element() -> None:
    assert head_forms("srouladen") == ("srouladen", "rouladen")
    assert head_forms("kuchen") == ("kuchen",)


def test_plausible_parts_need_a_vowel_in_an_alphabet_that_writes_them() -> None:
    assert plausible_part("suppe") and plausible_part("град") and plausible_part("ღვინო")
    assert not plausible_part("rkt") and not plausible_part("ab")
    assert not plausible_part("טבעונות")  # Hebrew and Arabic words are not split
