"""Meta-tests that keep the plugin contract honest (after datasette's test_docs/test_plugins).

* every hook is documented in the guide and has a test named ``test_hook_<name>``;
* every public method of ``Platform`` is documented in the guide;
* the guide's code is the example plugin's code (each excerpt is in the file it names);
* the README links the guide;
* every built-in platform has a contract test (a ``PlatformContract`` subclass) and
  ``scout parse`` works on each of its saved responses.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.plugins import hookspecs
from creatorscout.plugins.manager import get_plugin_manager
from creatorscout.plugins.platform import Platform
from creatorscout.testing.contract import PlatformContract

ROOT = Path(__file__).parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
TESTS = Path(__file__).parent
EXCERPT = re.compile(r"<!-- excerpt: (?P<path>\S+) -->\n```\w*\n(?P<code>.*?)\n```", re.S)

#: Built-in platforms whose owners have not yet added tests/test_<name>_contract.py. The
#: list may only shrink: a platform listed here that gains a contract test fails below.
PENDING_CONTRACT: set[str] = set()


def hooks() -> list[str]:
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(fn, "creatorscout_spec")]


def test_there_are_hooks():
    assert hooks() == ["register_platforms"]


@pytest.mark.parametrize("hook", hooks())
def test_every_hook_is_documented(hook):
    assert f"`{hook}" in GUIDE.read_text(encoding="utf-8")


@pytest.mark.parametrize("hook", hooks())
def test_every_hook_has_a_test(hook):
    names = set()
    for path in TESTS.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
    assert f"test_hook_{hook}" in names


def test_every_platform_method_is_documented():
    guide = GUIDE.read_text(encoding="utf-8")
    public = [name for name, _ in inspect.getmembers(Platform, inspect.isfunction)
              if not name.startswith("_")]
    assert {"discover", "parse", "refusal"} <= set(public)
    missing = [name for name in public if f"`{name}(" not in guide]
    assert not missing, f"Platform methods not in docs/plugins.md: {missing}"


def test_the_guides_code_is_the_example_plugins_code():
    excerpts = list(EXCERPT.finditer(GUIDE.read_text(encoding="utf-8")))
    assert len(excerpts) >= 10
    stale = []
    for match in excerpts:
        source = ROOT / match["path"]
        assert source.is_file(), f"the guide quotes a missing file: {match['path']}"
        if match["code"] not in source.read_text(encoding="utf-8"):
            stale.append(f"{match['path']}: {match['code'].splitlines()[0]}")
    assert not stale, f"guide excerpts that no longer match the example: {stale}"


def test_readme_links_the_guide():
    assert "docs/plugins.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def contract_classes() -> dict[str, type[PlatformContract]]:
    found: dict[str, type[PlatformContract]] = {}
    for path in sorted(TESTS.glob("test_*_contract.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, PlatformContract)
                    and value.__name__.startswith("Test")):
                found[value.platform.name] = value
    return found


def test_every_builtin_platform_has_a_contract_test():
    builtins = {name for name, cls in get_plugin_manager(entrypoints=False).platforms().items()}
    covered = set(contract_classes())
    assert "mastodon" in covered
    missing = builtins - covered - PENDING_CONTRACT
    assert not missing, (
        f"built-in platforms without a contract test: {sorted(missing)}; add "
        "tests/test_<name>_contract.py with a PlatformContract subclass (docs/plugins.md)"
    )
    done = PENDING_CONTRACT & covered
    assert not done, f"remove {sorted(done)} from PENDING_CONTRACT: they have contract tests"


@pytest.mark.parametrize("name", sorted(contract_classes()))
def test_scout_parse_works_on_every_saved_response(name):
    contract = contract_classes()[name]
    failures = []
    for path in sorted(Path(contract.fixtures).glob("*.json")):
        url = json.loads(path.read_text(encoding="utf-8"))["url"]
        result = CliRunner().invoke(main, ["parse", str(path), "--url", url, "--platform", name])
        # 0, or a usage error of one line (a body the plugin rightly calls malformed)
        one_line = result.stderr.startswith("scout: error:") and result.stderr.count("\n") == 1
        if not (result.exit_code == 0 or (result.exit_code == 2 and one_line)):
            failures.append(f"{path.name}: exit {result.exit_code}: {result.output[-300:]}")
        for line in result.stdout.splitlines():
            json.loads(line)  # every line is JSON
    assert not failures, failures
