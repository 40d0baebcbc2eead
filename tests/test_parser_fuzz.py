"""The parser contract under fuzzing (issue 12, item 4): whatever a server sends, only
``MalformedResponse`` leaves ``parse``, and what it returns can be stored.

hypothesis picks a saved response of each plugin (the built-in ones and the plugin
template ``scout plugins new`` writes) and a seed for :func:`creatorscout.testing.fuzz.mutate`,
which damages it the ways real servers do (wrong types, missing keys, 1,200 levels of
nesting, lone surrogates, unparseable URLs, character references to surrogates, undefined
entities, bodies cut short). The number of examples bounds the time (a few seconds per
platform); ``scout plugins check --fuzz N`` runs the same check for longer.
"""

from __future__ import annotations

import importlib
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.platform import Platform, PlatformSettings
from creatorscout.testing.fuzz import check_parse, fuzz_platform, mutate, parseable
from creatorscout.testing.saved import Saved, load_folder
from creatorscout.testing.scaffold import render_plugin
from tests.quick import examples

FIXTURES = Path(__file__).parent / "fixtures"
BUILT_IN = sorted(get_plugin_manager().platforms())
EXAMPLES = examples(150)


def saved_of(platform: str) -> list[Saved]:
    return parseable(load_folder(FIXTURES / platform))


@pytest.fixture(scope="module")
def template_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[
        tuple[Platform, list[Saved]]]:
    """The plugin template, rendered and imported from its folder (not installed)."""
    project = render_plugin("fuzzed", tmp_path_factory.mktemp("template") / "plugin")
    sys.path.insert(0, str(project / "src"))
    try:
        module = importlib.import_module("creatorscout_fuzzed.platform")
        yield (module.Fuzzed(PlatformSettings()),
               parseable(load_folder(project / "tests" / "fixtures" / "fuzzed")))
    finally:
        sys.path.remove(str(project / "src"))
        for name in [m for m in sys.modules if m.startswith("creatorscout_fuzzed")]:
            del sys.modules[name]


def assert_contract(platform: Platform, saved: list[Saved], seed: int, pick: int) -> None:
    rng = random.Random(seed)
    item = saved[pick % len(saved)]
    response, done = mutate(item, platform.name, rng)
    breach = check_parse(platform, response)
    assert breach is None, f"{platform.name}: {item.name} after {done}: {breach}"


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.parametrize("name", BUILT_IN)
@FUZZ
@given(seed=st.integers(0, 2**32 - 1), pick=st.integers(0, 1000))
def test_built_in_parsers_honour_the_contract(name: str, seed: int, pick: int) -> None:
    platform = get_plugin_manager().platforms()[name](PlatformSettings())
    assert_contract(platform, saved_of(name), seed, pick)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), pick=st.integers(0, 1000))
def test_the_template_parser_honours_the_contract(template_platform, seed: int,
                                                  pick: int) -> None:
    platform, saved = template_platform
    assert_contract(platform, saved, seed, pick)


def test_every_built_in_platform_has_responses_to_fuzz():
    for name in BUILT_IN:
        assert len(saved_of(name)) >= 3, name


def test_the_fuzzer_finds_a_parser_that_breaks_the_contract():
    """A parser that trusts its input is caught (the check can fail)."""
    mastodon = get_plugin_manager().platforms()["mastodon"]

    class Trusting(mastodon):  # type: ignore[misc, valid-type]
        def parse(self, response):  # type: ignore[no-untyped-def]
            data = response.json()
            for account in data if isinstance(data, list) else [data]:
                account["note"].strip()  # a number or an object here breaks it
            return super().parse(response)

    report = fuzz_platform(Trusting(PlatformSettings()), load_folder(FIXTURES / "mastodon"),
                           runs=300, seed=1)
    assert not report.ok
    assert report.runs == 300
    assert {"AttributeError", "KeyError", "TypeError"} & set(report.breaches)
    assert any("contract breaches" in line for line in report.lines())


class Credulous(get_plugin_manager().platforms()["mastodon"]):  # type: ignore[misc]
    """A third-party plugin whose parser trusts the server."""

    name = "credulous"
    title = "Credulous"

    def parse(self, response):  # type: ignore[no-untyped-def]
        data = response.json()
        for account in data if isinstance(data, list) else [data]:
            if isinstance(account, dict):
                len(account["username"])  # missing, or a number: the contract breaks
        return super().parse(response)


def test_plugins_check_fuzzes_an_installed_third_party_plugin():
    from click.testing import CliRunner

    from creatorscout.cli import main
    from creatorscout.testing import registered_plugin

    with registered_plugin(Credulous):
        result = CliRunner().invoke(main, [
            "plugins", "check", "--platform", "credulous", "--fixtures",
            f"credulous={FIXTURES / 'mastodon'}", "--fuzz", "200", "--seed", "3"])
    assert result.exit_code == 1, result.output
    assert "credulous (plugin" in result.stdout and "PROBLEMS" in result.stdout
    assert "fuzz: 200 mutated responses, " in result.stdout
    assert "KeyError x" in result.stdout or "TypeError x" in result.stdout
    healthy = CliRunner().invoke(main, [
        "plugins", "check", "--platform", "mastodon", "--fixtures",
        f"mastodon={FIXTURES / 'mastodon'}", "--fuzz", "200"])
    assert healthy.exit_code == 0, healthy.output
    assert "fuzz: 200 mutated responses, 0 contract breaches" in healthy.stdout
