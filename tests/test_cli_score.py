"""``scout score``: creators given as JSON lines (the format of ``scout parse``), no crawl."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from creatorscout.cli.main import main
from creatorscout.plugins.models import Creator, Post
from tests.factories import make_creator, make_post

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "mastodon"


def _url(name: str) -> str:
    return str(json.loads((FIXTURES / name).read_text(encoding="utf-8"))["url"])


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real account and its statuses, as `scout parse` prints them."""
    runner = CliRunner()
    lines = []
    for name in ("account_full.json", "statuses_page1.json"):
        result = runner.invoke(main, ["parse", str(FIXTURES / name), "--url", _url(name)])
        assert result.exit_code == 0, result.output
        lines.append(result.output)
    path = tmp_path_factory.mktemp("score") / "parsed.jsonl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _lines(creator: Creator, posts: list[Post]) -> str:
    records = [{"type": "creator", **creator.model_dump(mode="json")}]
    records += [{"type": "post", **p.model_dump(mode="json")} for p in posts]
    return "".join(json.dumps(r) + "\n" for r in records)


def _people() -> str:
    honest = make_creator("honest", followers=5000, bio="Vegan cook")
    pod = make_creator("pod", followers=5000, bio="Vegan cook")
    texts = ["vegan lentil soup", "tofu scramble", "tempeh tacos", "vegan meal prep"]
    honest_posts = [make_post(honest, n, t, likes=84, replies=18, reposts=18)
                    for n, t in enumerate(texts * 3)]
    pod_posts = [make_post(pod, n, t, likes=1200, replies=0, reposts=0)
                 for n, t in enumerate(texts * 3)]
    return _lines(honest, honest_posts) + _lines(pod, pod_posts)


def test_json_has_one_line_per_creator_with_its_explanation(parsed: Path) -> None:
    result = CliRunner().invoke(main, ["score", str(parsed), "--niche", "vegan-cooking",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == "mastodon:maya_greens@vegan.social"
    for key in ("score", "relevance", "sponsored_share", "flags", "tier", "explanation",
                "coverage", "components"):
        assert key in row
    assert 0 <= row["score"] <= 100 and 0 <= row["relevance"] <= 1
    assert row["relevance"] > 0  # her posts are about vegan cooking
    assert sum(c["points"] for c in row["components"]) == pytest.approx(row["score"], abs=0.051)
    assert row["engagement"]["posts"] > 0 and row["engagement"]["definition"]


def test_table_from_stdin_ranks_the_honest_creator_above_the_pod() -> None:
    result = CliRunner().invoke(main, ["score", "-", "--niche", "vegan-cooking"],
                                input=_people())
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["id", "tier", "score"]
    assert lines[1].startswith("mastodon:honest") and lines[2].startswith("mastodon:pod")
    # the one-line explanation adds up to the score column
    for line in lines[1:3]:
        why = line.split("  ")[-1]
        points = [float(p) for p in re.findall(r" ([0-9]+\.[0-9])\??(?= \+| =)", why)]
        assert f"{sum(points):.1f}" == why.rsplit("= ", 1)[1]
    assert "high_engagement" in lines[2] and "interaction_mix" in lines[2]


def test_malformed_lines_are_counted_and_skipped(tmp_path: Path) -> None:
    bad = tmp_path / "mixed.jsonl"
    bad.write_text('{"type": "creator", "platform": "mastodon"}\nnot json\n[1, 2]\n'
                   + _people(), encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(bad), "--niche", "vegan-cooking",
                                       "--format", "json"])
    assert result.exit_code == 0
    assert "skipped 3 malformed lines (line 1: creator record: native_id: Field required)" in (
        result.stderr)
    assert len(result.stdout.splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["-", "--niche", "vegan-cooking"], '{"type": "mention"}\n',
         "no creator record in the input"),
        (["nope.jsonl", "--niche", "vegan-cooking"], None, "no file 'nope.jsonl'"),
        (["-", "--niche", "no-such-niche"], "", "no-such-niche"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(
    args: list[str], stdin: str | None, message: str
) -> None:
    result = CliRunner().invoke(main, ["score", *args], input=stdin)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
