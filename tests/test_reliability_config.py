"""Config files a user may get wrong (issue 12, items 9 and 18): one line naming the file,
exit 2, and one broken niche never hides the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.config import ConfigError, load_niche

GOOD = "name: {name}\nlanguages: [en]\nkeywords:\n  en: [vegan]\nhashtags: [vegan]\n"


@pytest.fixture()
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "niches").mkdir()
    monkeypatch.setenv("CREATORSCOUT_CONFIG", str(tmp_path))
    return tmp_path / "niches"


BROKEN = {
    "latin-1": "name: café\n".encode("latin-1"),
    "deep": ("a: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "alias bomb": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                   + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(
                       [f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(9))).encode(),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_niche_file_is_one_line_naming_it(config, kind):
    path = config / "broken.yaml"
    path.write_bytes(BROKEN[kind])
    with pytest.raises(ConfigError, match=str(path)):
        load_niche("broken")
    shown = CliRunner().invoke(main, ["niches", "show", "broken"])
    assert shown.exit_code == 2
    assert shown.exception is None or isinstance(shown.exception, SystemExit)
    assert shown.stderr.count("\n") == 1 and str(path) in shown.stderr


def test_one_broken_niche_does_not_hide_the_others(config):
    (config / "good-one.yaml").write_text(GOOD.format(name="good-one"))
    (config / "broken.yaml").write_bytes(BROKEN["latin-1"])
    listed = CliRunner().invoke(main, ["niches", "list"])
    assert listed.exit_code == 2
    assert "good-one" in listed.stdout and "vegan-cooking" in listed.stdout
    assert "broken" in listed.stdout and "BROKEN" in listed.stdout
    assert "not UTF-8 text" in listed.stderr and "Traceback" not in listed.output


def test_a_missing_config_folder_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CREATORSCOUT_CONFIG", str(tmp_path / "nowhere"))
    listed = CliRunner().invoke(main, ["niches", "list"])
    assert listed.exit_code == 2
    assert "CREATORSCOUT_CONFIG" in listed.stderr and "no such folder" in listed.stderr


def test_a_broken_niche_stops_a_crawl_as_a_config_mistake(config, tmp_path):
    (config / "broken.yaml").write_bytes(BROKEN["deep"])
    crawled = CliRunner().invoke(main, ["crawl", "broken", "--index",
                                        f"sqlite:///{tmp_path / 'i.db'}"])
    assert crawled.exit_code == 2, crawled.output
    assert "broken.yaml" in crawled.stderr and crawled.stderr.count("\n") == 1


def test_duplicate_keys_are_an_error_not_a_silent_loss(config):
    path = config / "twice.yaml"
    path.write_text("name: twice\nhashtags: [vegan]\nhashtags: [tofu]\n")
    with pytest.raises(ConfigError, match=r"line 3, column 1: duplicate key 'hashtags'"):
        load_niche("twice")


def test_alias_bombs_and_deep_nesting_say_what_is_wrong(config):
    (config / "bomb.yaml").write_bytes(BROKEN["alias bomb"])
    with pytest.raises(ConfigError, match="more than 20 aliases"):
        load_niche("bomb")
    (config / "deep.yaml").write_text("a: " + "[" * 60 + "]" * 60 + "\n")
    with pytest.raises(ConfigError, match="nested more than 50 levels deep"):
        load_niche("deep")


def test_niches_show_warns_about_likely_mistakes(config):
    (config / "odd.yaml").write_text(
        "name: odd\nlanguages: [en]\nkeywords:\n  en: [vegan]\n  de: [vegan]\n"
        "hashtags: [vegan]\nplatforms:\n  myspace: {pages: 2}\n")
    shown = CliRunner().invoke(main, ["niches", "show", "odd"])
    assert shown.exit_code == 0, shown.output
    assert "keywords in 'de', which is not in its languages (en)" in shown.stderr
    assert "platforms.myspace: no such platform installed" in shown.stderr


def test_a_niche_with_only_seeds_gets_a_warning(config):
    (config / "seeds-only.yaml").write_text(
        "name: seeds-only\nseeds:\n  mastodon: [alice@vegan.social]\n")
    shown = CliRunner().invoke(main, ["niches", "show", "seeds-only"])
    assert shown.exit_code == 0, shown.output
    assert "no keywords or hashtags, only seeds" in shown.stderr
