"""The distribution builds quietly and ships its data: no setuptools "Package would be
ignored" banners (every data folder is declared), and the template and the niche files are
in the wheel. Builds a real wheel offline (no build isolation)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.install
def test_the_wheel_builds_without_banners_and_carries_its_data(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(tmp_path / "dist"), "-v"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert "would be ignored" not in built.stdout + built.stderr
    [wheel] = (tmp_path / "dist").glob("creatorscout-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    template = ROOT / "testing" / "template"
    expected = {f"creatorscout/testing/template/{p.relative_to(template).as_posix()}"
                for p in template.rglob("*") if p.is_file()}
    assert expected and expected <= names
    niches = {f"creatorscout/config/niches/{p.name}"
              for p in (ROOT / "config" / "niches").glob("*.yaml")}
    assert niches and niches <= names
    assert "creatorscout/plugins/mastodon/platform.py" in names
