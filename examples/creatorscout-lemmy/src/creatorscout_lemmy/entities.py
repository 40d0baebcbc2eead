"""Lemmy v3 API objects (PersonView, PostView) turned into creatorscout models.

Field names follow the v3 API of Lemmy 0.19 (lemmy-js-client's ``types/``): a
``PersonView`` is ``{"person": Person, "counts": PersonAggregates}``, a ``PostView``
``{"post": Post, "creator": Person, "community": Community, "counts": PostAggregates, ...}``.

Identity: a person's ``id`` is local to the instance that answers, like Mastodon's; the
stable id is the canonical ``name@home.instance`` taken from ``actor_id``
(``https://lemmy.world/u/alice`` -> ``alice@lemmy.world``). A post's stable id is its
``ap_id``, the same on every instance.

Lemmy has no followers for people (only communities have subscribers), no reposts and no
view counts: those stay ``None``, unknown, never 0.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from creatorscout.plugins import Creator, CreatorFlags, CreatorRef, Post, Provenance
from creatorscout.plugins.models import parse_count
from creatorscout.plugins.web import parse_datetime

PLATFORM = "lemmy"
_URL = re.compile(r"https?://[^\s)\]>\"']+")
#: Lemmy's ``language_id`` -> ISO 639-1, from the default language table every instance
#: ships (``GET /api/v3/site`` -> ``all_languages``); 0 is "undetermined". Only the
#: languages of our shipped niches are listed: others stay unknown (None).
LANGUAGES: dict[int, str] = {8: "ar", 32: "de", 37: "en", 39: "es", 47: "fr", 56: "he", 76: "ka"}


class EntityError(ValueError):
    """An object in a response is unusable (no id, wrong type...)."""


class Repairs:
    """Counts values that were unreadable and kept as unknown (``None``)."""

    def __init__(self) -> None:
        self.count = 0

    def number(self, counts: Any, key: str) -> int | None:
        if counts is None:
            return None
        if not isinstance(counts, dict):  # the whole aggregate is garbage
            self.count += 1
            return None
        try:
            return parse_count(counts.get(key))
        except ValueError:
            self.count += 1
            return None

    def date(self, value: Any) -> Any:
        try:
            return parse_datetime(value)
        except ValueError:
            self.count += 1
            return None


def person_ref(person: Any, instance: str) -> CreatorRef:
    """A ``Person`` -> a reference we can fetch the profile from (on ``instance``)."""
    if not isinstance(person, dict):
        raise EntityError("person is not an object")
    name, domain = _identity(person)
    return CreatorRef(
        platform=PLATFORM,
        native_id=f"{name.lower()}@{domain}",
        handle=f"{name}@{domain}",
        url=person.get("actor_id"),
        lookup={"instance": instance, "username": name, "domain": domain},
    )


def _identity(person: dict[str, Any]) -> tuple[str, str]:
    name = person.get("name")
    actor = person.get("actor_id")
    if not isinstance(name, str) or not name or not isinstance(actor, str):
        raise EntityError("person has no name or actor_id")
    domain = urlsplit(actor).netloc.lower()
    if not domain:
        raise EntityError(f"actor_id is not a URL: {actor!r}")
    return name, domain


def opt_out_reason(person: dict[str, Any]) -> str | None:
    """Why this person must be skipped, or ``None``. Lemmy has no discoverability
    setting; bots are flagged, and "#nobot" in a bio is the fediverse's way to say no."""
    if person.get("deleted") is True:
        return "deleted"
    if person.get("banned") is True:
        return "banned"
    if person.get("bot_account") is True:
        return "bot_account: true"
    if "#nobot" in (person.get("bio") or "").lower():
        return "#nobot in bio"
    return None


def parse_person_view(
    view: Any, instance: str, provenance: Provenance, repairs: Repairs
) -> Creator:
    """A ``PersonView`` (``person`` plus ``counts``) -> :class:`Creator`."""
    if not isinstance(view, dict) or not isinstance(view.get("person"), dict):
        raise EntityError("person_view has no person")
    person = view["person"]
    ref = person_ref(person, instance)
    reason = opt_out_reason(person)
    bio = person.get("bio") or None
    return Creator(
        platform=PLATFORM,
        native_id=str(ref.native_id),
        handle=str(ref.handle),
        display_name=person.get("display_name") or None,
        profile_url=person.get("actor_id"),
        avatar_url=person.get("avatar") or None,
        bio=bio,
        followers=None,  # Lemmy people have no followers: unknown, not 0
        posts_count=repairs.number(view.get("counts"), "post_count"),
        created_at=repairs.date(person.get("published")),
        links=list(dict.fromkeys(_URL.findall(bio or ""))),
        flags=CreatorFlags(
            bot=person.get("bot_account") is True,
            opted_out=reason is not None,
            opt_out_reason=reason,
        ),
        lookup=dict(ref.lookup),
        provenance=provenance,
    )


def parse_post_view(
    view: Any, creator_id: str, provenance: Provenance, repairs: Repairs, keep_text: bool = True
) -> Post:
    """A ``PostView`` -> :class:`Post`. The community stands in for hashtags (Lemmy has
    none): a post in ``c/vegan`` is tagged ``vegan``."""
    if not isinstance(view, dict) or not isinstance(view.get("post"), dict):
        raise EntityError("post_view has no post")
    post = view["post"]
    ap_id = post.get("ap_id")
    if not isinstance(ap_id, str) or not ap_id:
        raise EntityError("post has no ap_id")
    title, body = post.get("name") or "", post.get("body") or ""
    text = "\n\n".join(part for part in (title, body) if part) or None
    community = view.get("community")
    tags = [community["name"].lower()] if isinstance(community, dict) and community.get(
        "name") else []
    links = [post["url"]] if post.get("url") else []
    links += [url for url in _URL.findall(body) if url not in links]
    counts = view.get("counts")
    return Post(
        platform=PLATFORM,
        native_id=ap_id,
        creator_id=creator_id,
        url=ap_id,
        created_at=repairs.date(post.get("published")),
        text=text if keep_text else None,
        language=LANGUAGES.get(post.get("language_id")),
        likes=repairs.number(counts, "upvotes"),
        replies=repairs.number(counts, "comments"),
        hashtags=tags,
        links=links,
        provenance=provenance,
    )
