"""The external example plugin (examples/creatorscout-lemmy) as its users get it.

It is its own distribution: copied out of the source tree, pip-installed into a fresh
virtual environment (offline), found by creatorscout through its entry point, and its own
tests (which use creatorscout.testing) run there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from creatorscout.testing.venv import overlay_venv, pip_install, run_python

pytestmark = pytest.mark.install

EXAMPLE = Path(__file__).parent.parent / "examples" / "creatorscout-lemmy"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("example")
    project = root / "creatorscout-lemmy"
    # pip builds in-tree: install a copy, so the source tree stays clean
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", ".pytest_cache"))
    python = overlay_venv(root / "env")
    result = pip_install(python, project)
    assert result.returncode == 0, result.stderr[-3000:]
    return python, project


def test_found_through_its_entry_point(installed):
    python, _ = installed
    listing = run_python(python, "-m", "creatorscout.cli", "plugins", "list")
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if "lemmy" in line)
    assert row.split() == ["creatorscout-lemmy", "0.1.0", "lemmy", "creatorscout_lemmy"]
    where = run_python(python, "-c", "import creatorscout_lemmy as m; print(m.__file__)")
    assert "site-packages" in where.stdout and str(EXAMPLE) not in where.stdout


def test_its_own_tests_pass_with_our_kit(installed):
    python, project = installed
    tests = run_python(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "failed" not in tests.stdout and " passed" in tests.stdout


def test_scout_parse_and_check_work_on_its_saved_responses(installed):
    python, project = installed
    saved = project / "tests" / "fixtures" / "lemmy" / "search_posts.json"
    url = json.loads(saved.read_text())["url"]
    parsed = run_python(python, "-m", "creatorscout.cli", "parse", str(saved),
                        "--url", url)
    assert parsed.returncode == 0, parsed.stderr
    lines = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert [line["type"] for line in lines].count("candidate") == 2
    check = run_python(python, "-m", "creatorscout.cli", "plugins", "check",
                       "--platform", "lemmy", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "lemmy (plugin creatorscout-lemmy 0.1.0): ok" in check.stdout
