"""End to end: `scout crawl --platform podcasts --platform web` against the sandbox, through
the CLI, checked against the world's ground truth (presence, sites, shows)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from creatorscout.plugins.podcasts.show import feed_guid
from creatorscout.sandbox import SandboxServer
from creatorscout.sandbox.podcast_feeds import Podcasts, show_guid
from creatorscout.sandbox.presence import presence
from creatorscout.sandbox.web_sites import Sites
from creatorscout.sandbox.world import World
from creatorscout.search.backend import open_index

pytestmark = pytest.mark.crawl

NICHE = "georgian-wine"


@pytest.fixture(scope="module")
def world(sandbox_world: World) -> World:
    return sandbox_world


@pytest.fixture(scope="module")
def sandbox(sandbox_server: SandboxServer) -> str:
    return sandbox_server.url  # the session's sandbox (tests/conftest.py)


EMPTY_CRAWL = "scout: error: the crawl stored no creator (the summary above says why per platform)"


def scout(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "creatorscout.cli", *args],
                          capture_output=True, text=True, timeout=300)


def crawl(url: str, folder: Path, *extra: str, expect: int = 0) -> dict[str, Any]:
    stats = folder / "stats.json"
    completed = scout(
        "crawl", NICHE, "--platform", "podcasts", "--platform", "web", "--max-creators", "25",
        "--base-url", f"podcasts={url}/web/{{host}}", "--base-url", f"web={url}/web/{{host}}",
        "--index", f"sqlite:///{folder / 'index.db'}", "--stats-json", str(stats),
        "--concurrency", "4", *extra,
    )
    assert completed.returncode == expect, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    if expect == 1:  # a crawl that stored nothing fails, saying so in one line
        assert completed.stderr.strip().splitlines()[-1] == EMPTY_CRAWL
    return json.loads(stats.read_text())


def stat(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(f"creatorscout/{prefix}"))


@pytest.fixture(scope="module")
def crawled(sandbox: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("webcrawl")
    stats = crawl(sandbox, folder, "--allow-private-hosts")
    with open_index(f"sqlite:///{folder / 'index.db'}") as index:
        records = list(index.iter_records())
    return {"stats": stats, "records": records, "folder": folder}


def test_without_the_setting_pages_and_feeds_on_loopback_are_refused(sandbox, tmp_path):
    stats = crawl(sandbox, tmp_path, expect=1)
    assert stat(stats, "fetch_guard/loopback address") > 0
    assert stat(stats, "refused/podcasts/private host") > 0
    assert stat(stats, "requests/podcasts/discover") > 0  # the iTunes API host was typed
    assert stat(stats, "indexed") == 0


def test_podcasts_and_websites_are_indexed(crawled):
    stats = crawled["stats"]
    platforms = {r.creator.platform for r in crawled["records"]}
    assert platforms == {"podcasts", "web"}, platforms
    assert stat(stats, "fetched/podcasts") > 0 and stat(stats, "fetched/web") > 0
    assert stat(stats, "plugin_errors") == 0 and stat(stats, "malformed_responses") == 0


def test_shows_match_the_world_and_reach_stays_unknown(crawled, world, sandbox):
    sites = Sites(world, sandbox)
    shows = Podcasts(world, sites)
    by_id = {}
    for index in shows.people:
        show = shows.show(index)
        guid = show_guid(show) if show.declares_guid else feed_guid(show.feed_url)
        by_id[f"podcasts:{guid}"] = show
    podcasts = [r for r in crawled["records"] if r.creator.platform == "podcasts"]
    assert podcasts
    for record in podcasts:
        show = by_id[record.id]
        assert show.block is None, record.id  # blocked shows are never indexed
        person = world.people[show.index]
        assert record.creator.followers is None
        assert record.score.tier.tier == "unknown"
        assert record.creator.display_name == show.title
        assert record.creator.languages == [person.languages[0]]
        expected = len(sites.posts(show.index))
        assert len(record.posts) == expected
        assert all(p.likes is None and p.views is None for p in record.posts)
        blob = json.dumps(record.creator.model_dump(mode="json"))
        assert "@mail.example" not in blob  # itunes:owner/itunes:email is never stored


def test_websites_match_presence_and_opt_outs_are_honoured(crawled, world, sandbox):
    sites = Sites(world, sandbox)
    websites = [r for r in crawled["records"] if r.creator.platform == "web"]
    assert websites
    for record in websites:
        url = record.creator.lookup["url"]
        host = url.split("://", 1)[1].split("/", 1)[0]
        path = "/" + url.split("://", 1)[1].partition("/")[2]
        site, _ = sites.find(host, path)  # type: ignore[misc]
        found = presence(world, site.index)
        assert site.noindex is None and not site.robots_blocked, record.id
        rel_me = json.loads(record.creator.lookup.get("rel_me", "[]"))
        mastodon = sites.mastodon_url(world.people[site.index])
        assert (mastodon in rel_me) == found.website_links_back, record.id
        assert record.creator.followers is None
        if site.feed is not None:
            assert len(record.posts) == len(sites.posts(site.index)), record.id


def test_show_lists_a_podcast_with_unknown_reach(crawled):
    record = next(r for r in crawled["records"] if r.creator.platform == "podcasts")
    shown = scout("show", record.id, "--index", f"sqlite:///{crawled['folder'] / 'index.db'}")
    assert shown.returncode == 0, shown.stderr
    assert record.creator.display_name in shown.stdout
