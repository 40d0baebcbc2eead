"""Hostile creators for the web page's tests: markup, event handlers, ``javascript:`` links,
bidi overrides and a 10,000-character word in every field a profile or a post fills.

They are scored by the real scorer (so their score bars add up like anyone's) and grouped
into one person whose proof is itself a ``javascript:`` link.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from creatorscout.config import load_markers, load_niche, load_scoring, load_tiers
from creatorscout.scoring.composite import score_creator
from creatorscout.scoring.identity import Evidence, Grouping
from creatorscout.scoring.identity import person_id as identity_person_id
from creatorscout.search.backend import open_index
from creatorscout.search.records import CrawlInfo, ScoredCreator
from tests.factories import make_creator, make_post

NICHE = "vegan-cooking"
PWN = "window.__pwned=1"
SCRIPT = f"<script>{PWN}</script>"
HANDLER = f'"onmouseover="{PWN}" x="'
JS_LINK = f"javascript:{PWN}"
RLO = "\u202e"
LONG_WORD = "W" * 10_000
EVIL = "mastodon:evil"
TWIN = "bluesky:evil-twin"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def hostile_records() -> list[ScoredCreator]:
    evil = make_creator(
        "evil", handle=f"evil{RLO}gnp.exe@example.social",
        display_name=f"{SCRIPT}Eve {HANDLER}",
        bio=f"<img src=x onerror={PWN}> vegan recipes {RLO}txet desrever {LONG_WORD} "
            "מתכון טבעוני לכל השבוע",
        profile_url=JS_LINK, links=[JS_LINK], followers=12_000, following=300,
        languages=["en", "he"],
    )
    twin = make_creator(
        "evil-twin", platform="bluesky", handle="evil-twin.bsky.social",
        display_name=f"Twin {SCRIPT}", bio="נבדק: עמוד בעברית, tofu and lentils",
        profile_url="https://bsky.app/profile/evil-twin.bsky.social", followers=3_000,
        languages=["he"],
    )
    posts = [
        make_post(evil, 0, text=f"Lentil curry, vegan and quick. {SCRIPT} #ad", likes=400,
                  url=JS_LINK, hashtags=["ad"]),
        make_post(evil, 1, text=f"{HANDLER} tofu bowl with a {LONG_WORD} link", likes=300,
                  url="https://example.social/@evil/1"),
        make_post(evil, 2, text="מתכון טבעוני: עדשים ואורז", likes=350),
    ]
    twin_posts = [make_post(twin, 0, text="tofu and lentils tonight", likes=90)]
    niche = load_niche(NICHE)
    tiers, scoring, markers = load_tiers(), load_scoring(), load_markers()
    records = []
    for creator, stored in ((evil, posts), (twin, twin_posts)):
        score = score_creator(creator, stored, niche, tiers=tiers, scoring=scoring,
                              markers=markers, now=NOW)
        records.append(ScoredCreator(
            creator=creator, posts=stored, score=score,
            crawl=CrawlInfo(niche=NICHE, via="hashtag:vegan", depth=0,
                            crawled_at=NOW - timedelta(hours=1)),
        ))
    return records


def add_hostile(index_url: str) -> None:
    """Index the hostile creators and group them into one person."""
    with open_index(index_url) as index:
        index.upsert(hostile_records())
        person = identity_person_id([EVIL, TWIN])
        evidence = Evidence(
            source_id=EVIL, link=JS_LINK, key="evil-twin", target_id=TWIN,
            published="verified", status="verified", merged=True, note=SCRIPT,
        )
        index.save_grouping(Grouping(person_of={EVIL: person, TWIN: person},
                                     evidence=[evidence]))
