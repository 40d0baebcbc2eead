"""`scout plugins check`: health of every plugin, field coverage, the committed baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from creatorscout.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
BASELINE = Path(__file__).parent / "field_coverage.json"


def check(*args: str, platform: str = "mastodon"):
    return CliRunner().invoke(main, ["plugins", "check", "--platform", platform, *args])


def test_builtin_plugin_is_healthy_and_its_coverage_matches_the_baseline():
    result = check("--fixtures", f"mastodon={FIXTURES}", "--baseline", str(BASELINE))
    assert result.exit_code == 0, result.output
    assert "mastodon (plugin mastodon" in result.stdout and "): ok" in result.stdout
    assert "yes creator.followers" in result.stdout
    assert "NO  post.views" in result.stdout  # Mastodon has no view counts: shown, not hidden


def test_a_dropped_field_fails_the_check(tmp_path):
    baseline = json.loads(BASELINE.read_text())
    baseline["mastodon"]["post"].append("views")  # pretend we used to fill views
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline))
    result = check("--fixtures", f"mastodon={FIXTURES}", "--baseline", str(path))
    assert result.exit_code == 1
    assert "dropped: post.views" in result.stdout


def test_update_baseline_writes_what_the_fixtures_fill(tmp_path):
    folder = tmp_path / "saved"
    shutil.copytree(FIXTURES, folder)
    path = tmp_path / "baseline.json"
    result = check("--fixtures", f"mastodon={folder}", "--baseline", str(path),
                   "--update-baseline")
    assert result.exit_code == 0, result.output
    written = json.loads(path.read_text())
    assert written == {"mastodon": json.loads(BASELINE.read_text())["mastodon"]}


def test_a_broken_fixture_is_reported_by_name(tmp_path):
    folder = tmp_path / "saved"
    shutil.copytree(FIXTURES, folder)
    (folder / "zz_broken.json").write_text('{"url": "x", "status": "two hundred"}')
    result = check("--fixtures", f"mastodon={folder}")
    assert result.exit_code == 1 and "zz_broken.json" in result.stdout


def test_usage_errors():
    assert check("--fixtures", "mastodon").exit_code == 2
    unknown = check(platform="myspace")
    assert unknown.exit_code == 2 and "unknown platform 'myspace'" in unknown.stderr
