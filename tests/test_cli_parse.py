"""``scout parse``: a plugin author's tool. Unknown platforms and URLs are one-line usage
errors; a URL two plugins claim goes to the one that reads it; the saved file's own URL and
request are used; ``--option`` sets plugin options. In-process (click's runner)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from creatorscout.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def scout_parse(*args: str):
    return CliRunner().invoke(main, ["parse", *args])


def lines_of(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_an_unknown_platform_is_one_line_exit_2():
    result = scout_parse(str(FIXTURES / "mastodon" / "account_full.json"), "--platform", "myspace")
    assert result.exit_code == 2
    assert result.stderr.startswith("scout: error: unknown platform 'myspace'; installed")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_a_url_two_plugins_claim_goes_to_the_one_that_reads_it():
    # /api/v1/accounts/NAME is an account on Mastodon and on PeerTube alike.
    mastodon = lines_of(scout_parse(str(FIXTURES / "mastodon" / "account_full.json")))
    peertube = lines_of(scout_parse(str(FIXTURES / "peertube" / "account.json")))
    assert [line["platform"] for line in mastodon if line["type"] == "creator"] == ["mastodon"]
    assert {line["platform"] for line in peertube if line["type"] in ("creator", "post")} \
        == {"peertube"}
    assert not any(line["type"] == "malformed" for line in mastodon + peertube)


def test_a_url_no_plugin_owns_is_named_as_such(tmp_path):
    body = tmp_path / "answer.json"
    body.write_text('{"users": [{"id": 1}]}', encoding="utf-8")
    result = scout_parse(str(body), "--url", "https://api.unknown.example/v3/users?q=vegan")
    assert result.exit_code == 2
    assert "no installed plugin recognises https://api.unknown.example/v3/users" in result.stderr
    page = scout_parse(str(body), "--url", "https://blog.example/feed.json")
    assert page.exit_code == 2 and "no installed plugin recognises" in page.stderr
    assert "web: " in page.stderr  # what the catch-all plugin said is kept


def test_a_raw_body_needs_a_url(tmp_path):
    body = tmp_path / "raw.json"
    body.write_text("[]", encoding="utf-8")
    result = scout_parse(str(body))
    assert result.exit_code == 2 and "--url" in result.stderr


def test_the_saved_files_own_url_and_request_are_used(tmp_path):
    saved = json.loads((FIXTURES / "mastodon" / "statuses_page1.json").read_text("utf-8"))
    owner = "mastodon:owner@vegan.social"
    saved["request"] = {"purpose": "posts", "creator_id": owner, "context": {"seen": 0}}
    path = tmp_path / "statuses.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    lines = lines_of(scout_parse(str(path)))  # no --url: the file says where it came from
    posts = [line for line in lines if line["type"] == "post"]
    assert len(posts) == len(saved["body"])
    assert {post["creator_id"] for post in posts} == {owner}  # the request's creator


def test_options_are_validated_and_used():
    follows = str(FIXTURES / "bluesky" / "follows_page1.json")
    everyone = [x for x in lines_of(scout_parse(follows, "--platform", "bluesky",
                                                "--option", "follows_niche_filter=false"))
                if x["type"] == "candidate"]
    capped = [x for x in lines_of(scout_parse(follows, "--platform", "bluesky",
                                              "--option", "follows_niche_filter=false",
                                              "--option", "follows_limit=1"))
              if x["type"] == "candidate"]
    assert len(everyone) > 1 and len(capped) == 1
    typo = scout_parse(follows, "--platform", "bluesky", "--option", "folows_limit=1")
    assert typo.exit_code == 2
    assert "platforms.bluesky.folows_limit: unknown key; did you mean follows_limit?" \
        in typo.stderr
    unnamed = scout_parse(follows, "--option", "follows_limit=1")
    assert unnamed.exit_code == 2 and "--option needs --platform" in unnamed.stderr
