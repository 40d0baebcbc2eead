"""`scout plugins new NAME` writes a plugin that installs, passes its tests and is listed.

The rendered package is pip-installed (offline: no index, no build isolation) into a fresh
virtual environment that sees this environment's packages, then its own tests run there
and `scout plugins list` shows the new platform through its entry point.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from creatorscout.cli import main
from creatorscout.testing.venv import overlay_venv, pip_install, run_python


@pytest.mark.install
def test_rendered_template_installs_passes_its_tests_and_is_listed(tmp_path):
    result = CliRunner().invoke(main, ["plugins", "new", "fair-play", "--output",
                                       str(tmp_path / "creatorscout-fair-play")])
    assert result.exit_code == 0, result.output
    project = tmp_path / "creatorscout-fair-play"
    assert "TODO" in (project / "src" / "creatorscout_fair_play" / "platform.py").read_text()
    assert not list(project.rglob("*.tmpl")) and not list(project.rglob("*@@*"))
    python = overlay_venv(tmp_path / "env")
    installed = pip_install(python, project)
    assert installed.returncode == 0, installed.stderr[-3000:]
    listing = run_python(python, "-m", "creatorscout.cli", "plugins", "list")
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if "fair-play" in line)
    assert row.split()[:3] == ["creatorscout-fair-play", "0.1.0", "fair-play"]
    tests = run_python(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout


def test_rendered_template_passes_ruff(tmp_path):
    project = tmp_path / "p"
    assert CliRunner().invoke(main, ["plugins", "new", "lint-me", "--output",
                                     str(project)]).exit_code == 0
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=project, capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [(["Bad Name"], "not a platform name"), (["9lives"], "not a platform name")],
)
def test_bad_names_are_usage_errors(args, says):
    result = CliRunner().invoke(main, ["plugins", "new", *args])
    assert result.exit_code == 2 and says in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_existing_folder_is_not_overwritten(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["plugins", "new", "x", "--output", str(tmp_path)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert (tmp_path / "keep.txt").read_text() == "mine"
