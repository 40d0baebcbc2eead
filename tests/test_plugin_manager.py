"""The plugin manager loads built-ins and entry points, and survives broken plugins."""

import textwrap

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins.manager import PluginError, get_plugin_manager

GOOD = """
from creatorscout.plugins import hookimpl, Platform

class Lemmy(Platform):
    name = "lemmy"
    default_base_url = "https://{instance}"
    def discover(self, niche): return []
    def profile_requests(self, candidates): return []
    def posts_requests(self, creator, depth=0): return []
    def parse(self, response): raise NotImplementedError

@hookimpl
def register_platforms(register):
    register(Lemmy)
"""


def install_fake_dist(root, dist, module, source):
    """A real installed distribution on sys.path: dist-info with an entry point."""
    (root / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[creatorscout]\n{dist} = {module}\n")


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    for var in ("CREATORSCOUT_PLUGINS", "CREATORSCOUT_DISABLE_PLUGINS",
                "CREATORSCOUT_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def test_builtin_mastodon_is_registered_like_a_plugin(site):
    host = get_plugin_manager(entrypoints=False)
    assert "mastodon" in host.platforms()
    info = {p.name: p for p in host.plugins()}["mastodon"]
    assert info.builtin and info.platforms == ["mastodon"]
    assert info.hooks == ["register_platforms"]
    assert host.platform("mastodon").plugin_name == "mastodon"


def test_entry_point_plugin_is_found(site):
    install_fake_dist(site, "creatorscout-lemmy", "cs_lemmy_good", GOOD)
    host = get_plugin_manager()
    assert "lemmy" in host.platforms()
    cls = host.platform("lemmy")
    assert (cls.plugin_name, cls.plugin_version) == ("creatorscout-lemmy", "1.2.3")
    assert host.errors == []


def test_plugin_that_raises_on_import_is_named_and_skipped(site):
    install_fake_dist(site, "creatorscout-broken", "cs_broken", "raise RuntimeError('boom')\n")
    install_fake_dist(site, "creatorscout-lemmy", "cs_lemmy_ok", GOOD)
    host = get_plugin_manager()
    assert "lemmy" in host.platforms() and "mastodon" in host.platforms()
    [error] = host.errors
    assert "creatorscout-broken" in str(error) and "1.2.3" in str(error)
    assert "RuntimeError: boom" in str(error)


def test_strict_mode_turns_load_errors_into_failures(site, monkeypatch):
    install_fake_dist(site, "creatorscout-broken", "cs_broken2", "import nonexistent_mod\n")
    monkeypatch.setenv("CREATORSCOUT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="creatorscout-broken"):
        get_plugin_manager()


def test_registering_a_non_platform_is_reported(site):
    source = """
    from creatorscout.plugins import hookimpl

    @hookimpl
    def register_platforms(register):
        register(object)
    """
    install_fake_dist(site, "creatorscout-wrong", "cs_wrong", source)
    host = get_plugin_manager()
    [error] = host.errors
    assert "not a subclass of creatorscout.plugins.Platform" in str(error)


def test_duplicate_platform_name_is_refused(site):
    clash = GOOD.replace('name = "lemmy"', 'name = "mastodon"')
    install_fake_dist(site, "creatorscout-clash", "cs_clash", clash)
    host = get_plugin_manager()
    assert host.platform("mastodon").plugin_name == "mastodon"
    assert "already registered" in str(host.errors[0])


def test_allow_and_disable_lists(site, monkeypatch):
    install_fake_dist(site, "creatorscout-lemmy", "cs_lemmy_env", GOOD)
    monkeypatch.setenv("CREATORSCOUT_PLUGINS", "creatorscout-lemmy")
    assert set(get_plugin_manager().platforms()) == {"lemmy"}
    monkeypatch.delenv("CREATORSCOUT_PLUGINS")
    everything = set(get_plugin_manager().platforms())
    assert {"lemmy", "mastodon"} <= everything
    monkeypatch.setenv("CREATORSCOUT_DISABLE_PLUGINS", "creatorscout-lemmy,mastodon")
    assert set(get_plugin_manager().platforms()) == everything - {"lemmy", "mastodon"}


def test_unknown_platform_error_names_installed_ones(site):
    host = get_plugin_manager(entrypoints=False)
    with pytest.raises(PluginError, match="installed platforms: .*mastodon"):
        host.platform("myspace")


def test_scout_plugins_list(site):
    install_fake_dist(site, "creatorscout-broken", "cs_broken3", "raise ImportError('x')\n")
    result = CliRunner().invoke(main, ["plugins", "list"])
    assert result.exit_code == 0
    assert "mastodon" in result.stdout and "built-in" in result.stdout
    assert "creatorscout-broken" in result.stderr


MISSPELLED = GOOD.replace("def register_platforms(register)", "def register_platform(register)")


def test_a_misspelled_hook_is_a_load_error_that_names_it(site):
    install_fake_dist(site, "creatorscout-typo", "cs_typo", MISSPELLED)
    host = get_plugin_manager()
    [error] = host.errors
    assert "creatorscout-typo" in str(error)
    assert "'register_platform' matches no creatorscout hook" in str(error)
    assert "did you mean register_platforms?" in str(error)
    assert "lemmy" not in host.platforms() and "creatorscout-typo" not in host.infos


def test_a_misspelled_hook_fails_strict_mode(site, monkeypatch):
    install_fake_dist(site, "creatorscout-typo", "cs_typo_strict", MISSPELLED)
    monkeypatch.setenv("CREATORSCOUT_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="register_platform"):
        get_plugin_manager()


EMPTY = """
from creatorscout.plugins import hookimpl

@hookimpl
def register_platforms(register):
    pass  # forgot to register anything
"""


def test_a_plugin_without_platforms_is_flagged_by_list_and_check(site):
    install_fake_dist(site, "creatorscout-empty", "cs_empty", EMPTY)
    listed = CliRunner().invoke(main, ["plugins", "list"])
    assert listed.exit_code == 0
    assert "plugin 'creatorscout-empty' (1.2.3) registers no platform" in listed.stderr
    checked = CliRunner().invoke(main, ["plugins", "check", "--platform", "mastodon"])
    assert checked.exit_code == 1
    assert "error: plugin 'creatorscout-empty' (1.2.3) registers no platform" in checked.stderr
