"""Plugin options (``Platform.Options``) are validated once, when the niche loads: a typo
is one line with the file and YAML path, exit 2, at ``scout niches show`` and before any
request of ``scout crawl``."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins import Platform
from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.platform import NoOptions, OptionsError, PlatformSettings
from creatorscout.testing import Saved
from creatorscout.testing.replay import ReplayServer


def niche_file(tmp_path, platforms):
    path = tmp_path / "typo-niche.yaml"
    path.write_text(yaml.safe_dump({
        "name": "typo-niche", "title": "Typo", "languages": ["en"],
        "keywords": {"en": ["vegan"]}, "hashtags": ["vegan"], "platforms": platforms,
    }), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(get_plugin_manager(entrypoints=False).platforms()))
def test_every_builtin_platform_declares_strict_options(name):
    cls = get_plugin_manager(entrypoints=False).platform(name)
    assert cls.Options.model_config.get("extra") == "forbid"
    with pytest.raises(OptionsError) as caught:
        cls(PlatformSettings(options={"no_such_option": 1}))
    assert str(caught.value).startswith(f"platforms.{name}.no_such_option: unknown key")
    assert caught.value.path == ("platforms", name, "no_such_option")
    platform = cls(PlatformSettings())
    assert isinstance(platform.options, cls.Options)  # validated, typed, on the instance


class Bare(Platform):
    name = "bare"
    default_base_url = "https://bare.example"

    def discover(self, niche):
        return []

    def profile_requests(self, candidates):
        return []

    def posts_requests(self, creator, depth=0):
        return []

    def parse(self, response):
        raise NotImplementedError


def test_a_platform_without_options_refuses_any():
    assert Bare.Options is NoOptions
    assert Bare().options == NoOptions()
    with pytest.raises(OptionsError, match=r"^platforms\.bare\.x: unknown key; allowed keys: no"):
        Bare(PlatformSettings(options={"x": 1}))


def test_niches_show_names_the_file_and_yaml_path(tmp_path):
    path = niche_file(tmp_path, {"mastodon": {"instancs": ["vegan.social"]}})
    result = CliRunner().invoke(main, ["niches", "show", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"scout: error: {path}: platforms.mastodon.instancs: unknown key; did you mean "
        "instances? allowed keys: home_lookup, instances, max_search_terms, search_accounts, "
        "use_directory\n"
    )


def test_a_bad_value_is_named_too(tmp_path):
    path = niche_file(tmp_path, {"peertube": {"instances": ["https://framatube.org"]}})
    result = CliRunner().invoke(main, ["niches", "show", str(path)])
    assert result.exit_code == 2
    assert f"{path}: platforms.peertube.instances.0: 'https://framatube.org' is not a host" \
        in result.stderr


def test_a_misspelled_platform_section_is_caught(tmp_path):
    path = niche_file(tmp_path, {"mastodn": {"instances": ["vegan.social"]}})
    result = CliRunner().invoke(main, ["niches", "show", str(path)])
    assert result.exit_code == 2
    assert "platforms.mastodn: no installed platform 'mastodn'; did you mean mastodon?" \
        in result.stderr


def test_crawl_stops_before_any_request(tmp_path):
    path = niche_file(tmp_path, {"mastodon": {"instancs": ["vegan.social"]}})
    with ReplayServer(fallback=Saved(url="/", body=[])) as server:
        result = CliRunner().invoke(main, [
            "crawl", str(path), "--platform", "mastodon", "--index",
            f"sqlite:///{tmp_path / 'index.db'}",
            "--base-url", f"mastodon={server.base_url('https://{instance}')}",
        ])
        hits = list(server.hits)
    assert result.exit_code == 2
    assert "platforms.mastodon.instancs: unknown key" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert hits == []
