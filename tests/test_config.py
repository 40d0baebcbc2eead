import pytest

from creatorscout.config import ConfigError, list_niches, load_niche, load_scoring, load_tiers


def test_shipped_niches_validate():
    niches = {n.name: n for n in list_niches()}
    assert {"vegan-cooking", "georgian-wine", "b2b-martech"} <= set(niches)
    georgian = niches["georgian-wine"]
    assert "ka" in georgian.keywords
    # keywords in several scripts: Georgian (Mkhedruli) and Cyrillic
    scripts = "".join(georgian.all_keywords())
    assert any("\u10d0" <= ch <= "\u10ff" for ch in scripts)
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts)


def test_shipped_tiers_and_scoring_validate():
    tiers = load_tiers()
    name, scheme = tiers.scheme()
    assert name == tiers.default_scheme
    assert list(scheme.thresholds("mastodon").values())[0] == 0
    assert sum(load_scoring().weights.values()) > 0


def write(tmp_path, name, text):
    path = tmp_path / "niches" / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: bad\nhashtags: [ok]\nkeywords: {en: [a, '']}\n", "keywords"),
        ("name: bad\nhashtags: [ok]\nlanguages: [english]\n", "languages: 'english' is not"),
        ("name: bad\nhashtags: [ok]\nhastags: [x]\n", "hastags: unknown key"),
        ("name: bad\nhashtags: ['two words']\n", "hashtags"),
        ("name: bad\ndescription: nothing to find\n", "at least one of keywords"),
        ("name: bad\nhashtags: [ok\n", "fix the YAML syntax"),
        ("- just\n- a list\n", "expected a mapping"),
    ],
)
def test_config_mistakes_are_one_line_with_file_and_path(tmp_path, monkeypatch, text, expected):
    monkeypatch.setenv("CREATORSCOUT_CONFIG", str(tmp_path))
    path = write(tmp_path, "bad", text)
    with pytest.raises(ConfigError) as info:
        load_niche("bad")
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert expected in message


def test_user_config_dir_adds_and_overrides_niches(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORSCOUT_CONFIG", str(tmp_path))
    write(tmp_path, "vegan-cooking", "name: vegan-cooking\nhashtags: [onlyme]\n")
    write(tmp_path, "sourdough", "name: sourdough\nhashtags: [sourdough]\n")
    assert load_niche("vegan-cooking").hashtags == ["onlyme"]
    assert "sourdough" in {n.name for n in list_niches()}


def test_unknown_niche_names_the_known_ones():
    with pytest.raises(ConfigError, match="known niches: .*vegan-cooking"):
        load_niche("no-such-niche")


def test_niche_name_must_match_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORSCOUT_CONFIG", str(tmp_path))
    write(tmp_path, "cheese", "name: wine\nhashtags: [x]\n")
    with pytest.raises(ConfigError, match="does not match the file name"):
        load_niche("cheese")


def test_niche_from_path(tmp_path):
    path = tmp_path / "my.yaml"
    path.write_text("name: my-niche\nkeywords: {de: [käse]}\n", encoding="utf-8")
    assert load_niche(str(path)).keywords == {"de": ["käse"]}


def test_hashtags_lose_their_hash(tmp_path):
    path = tmp_path / "n.yaml"
    path.write_text("name: n\nhashtags: ['#Vegan']\n", encoding="utf-8")
    assert load_niche(str(path)).hashtags == ["Vegan"]
