"""Reddit things (``t2`` accounts, ``t3`` links, ``t5`` subreddits) in Listings, turned
into our models.

Field names follow www.reddit.com/dev/api and the Thing/Listing model of the reddit
source (reddit-archive/reddit, ``r2/r2/lib/jsontemplates.py``): a Listing is ``{kind:
"Listing", data: {after, before, dist, children: [{kind, data}]}}``; requests ask for
``raw_json=1`` so text comes without HTML entities.

Mapping: a submission is a post; its ``score`` stands for likes (a negative score is
unknown: likes are never negative), ``num_comments`` for replies; a crosspost is a repost
of the original (``crosspost_parent``); ``over_18`` is :attr:`Post.adult`. A profile's
followers are the subscribers of the user's profile subreddit (``subreddit.subscribers``);
karma is kept in ``lookup``. ``hide_from_robots`` is the user's opt-out of search engines
and is honoured; a suspended account is gone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from creatorscout.plugins.models import Creator, CreatorFlags, CreatorRef, Post, Provenance
from creatorscout.plugins.web import Repairs, text_links

PLATFORM = "reddit"
WEB = "https://www.reddit.com"
#: Authors that are not people: deleted accounts and Reddit's own bots.
NOT_PEOPLE = frozenset({"[deleted]", "automoderator", "reddit"})
_HASHTAG = re.compile(r"(?<![\w#&])#(\w{2,60})")


class EntityError(ValueError):
    """A thing in a response is unusable."""


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def things(body: Any, kind: str) -> tuple[list[dict[str, Any]], int, str | None]:
    """The ``data`` of a Listing's children of ``kind``, how many children were unusable,
    and the ``after`` cursor.

    :raises EntityError: when the body is not a Listing."""
    if not isinstance(body, dict) or body.get("kind") != "Listing" \
            or not isinstance(body.get("data"), dict):
        raise EntityError("expected a Listing")
    data = body["data"]
    children = data.get("children")
    if not isinstance(children, list):
        raise EntityError("Listing without children")
    found: list[dict[str, Any]] = []
    bad = 0
    for child in children:
        if isinstance(child, dict) and child.get("kind") == kind \
                and isinstance(child.get("data"), dict):
            found.append(child["data"])
        else:
            bad += 1
    after = data.get("after")
    return found, bad, after if isinstance(after, str) and after else None


def _epoch(value: Any, repairs: Repairs) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        repairs.count += 1
        return None
    return datetime.fromtimestamp(float(value), UTC)


def author_ref(link: dict[str, Any]) -> CreatorRef | None:
    """The author of a submission, or ``None`` for deleted accounts and bots."""
    name = _text(link.get("author"))
    if not name or name.lower() in NOT_PEOPLE:
        return None
    fullname = _text(link.get("author_fullname")) or ""  # "t2_" + the account's id
    native_id = fullname[3:] if fullname.startswith("t2_") and len(fullname) > 3 else None
    return CreatorRef(platform=PLATFORM, native_id=native_id, handle=name,
                      url=f"{WEB}/user/{name}/", lookup={"name": name})


def parse_account(thing: Any, provenance: Provenance, repairs: Repairs) -> Creator | str:
    """A ``t2`` thing -> :class:`Creator`, or ``"suspended"`` for a suspended account."""
    if not isinstance(thing, dict) or thing.get("kind") != "t2" \
            or not isinstance(thing.get("data"), dict):
        raise EntityError("expected a t2 thing")
    data = thing["data"]
    name = _text(data.get("name"))
    if not name:
        raise EntityError("account without a name")
    if data.get("is_suspended") is True:
        return "suspended"
    account_id = _text(data.get("id"))
    if not account_id:
        raise EntityError("account without an id")
    profile = data.get("subreddit") if isinstance(data.get("subreddit"), dict) else {}
    description = repairs.text(profile.get("public_description"))
    karma = {key: repairs.count_value(data.get(key))
             for key in ("link_karma", "comment_karma", "total_karma")}
    hidden = data.get("hide_from_robots") is True
    return Creator(
        platform=PLATFORM,
        native_id=account_id,  # base36, stable; the name can be reused after deletion
        handle=name,
        display_name=_text(profile.get("title")) or name,
        profile_url=f"{WEB}/user/{name}/",
        avatar_url=(_text(data.get("icon_img")) or "").split("?")[0] or None,
        bio=description,
        followers=repairs.count_value(profile.get("subscribers")),
        created_at=_epoch(data.get("created_utc"), repairs),
        links=text_links(description),
        flags=CreatorFlags(opted_out=hidden,
                           opt_out_reason="hide_from_robots" if hidden else None),
        lookup={"name": name, **{k: str(v) for k, v in karma.items() if v is not None}},
        provenance=provenance,
    )


def parse_link(link: dict[str, Any], creator_id: str, provenance: Provenance,
               keep_text: bool, repairs: Repairs) -> Post:
    """A ``t3`` thing's data -> :class:`Post`."""
    post_id = _text(link.get("id"))
    if not post_id:
        raise EntityError("link without an id")
    title = repairs.text(link.get("title"))
    body = repairs.text(link.get("selftext"))
    score = repairs.count_value(link.get("score")) if not (
        isinstance(link.get("score"), int) and link["score"] < 0) else None
    permalink = _text(link.get("permalink"))
    outbound = _text(link.get("url"))
    links = text_links(body)
    if outbound and link.get("is_self") is not True and outbound not in links:
        links.insert(0, outbound)
    text = "\n\n".join(p for p in (title, body) if p) if keep_text else None
    language = _text(link.get("lang"))
    return Post(
        platform=PLATFORM,
        native_id=post_id,
        creator_id=creator_id,
        url=f"{WEB}{permalink}" if permalink else None,
        created_at=_epoch(link.get("created_utc"), repairs),
        text=text or None,
        language=language.split("-")[0].lower() if language else None,
        likes=score,
        replies=repairs.count_value(link.get("num_comments")),
        hashtags=list(dict.fromkeys(t.lower() for t in _HASHTAG.findall(
            f"{title or ''} {body or ''}"))),
        links=links,
        is_repost=bool(link.get("crosspost_parent")),
        adult=link.get("over_18") if isinstance(link.get("over_18"), bool) else None,
        provenance=provenance,
    )
