"""Mastodon API entities (Account, Status) turned into creatorscout models.

Field names follow docs.joinmastodon.org (entities/Account.md, entities/Status.md).
Servers differ by version: older ones lack ``indexable``, ``noindex``,
``hide_collections`` and ``quotes_count``, and send ``discoverable: null``. Missing
counts stay ``None``.

Identity: a Mastodon account's id is local to the server that answers, so the same person
has a different id on every instance. Our stable native id is the canonical
``username@domain`` (lower-case), which every instance agrees on.
"""

from __future__ import annotations

from typing import Any

from creatorscout.plugins.models import (
    Creator,
    CreatorFlags,
    CreatorRef,
    Post,
    Provenance,
)
from creatorscout.plugins.web import Repairs, as_list, as_text, hrefs, html_text_and_links

PLATFORM = "mastodon"


class EntityError(ValueError):
    """An object in a response is unusable (missing id, wrong types...)."""


def canonical_acct(acct: str, instance: str) -> tuple[str, str, str]:
    """``(username, domain, native_id)`` for an ``acct`` seen on ``instance``.

    Local accounts have a bare ``acct`` (``alice``); remote ones ``alice@other.host``.
    """
    acct = acct.strip().lstrip("@")
    if not acct:
        raise EntityError("account has no acct")
    username, _, domain = acct.partition("@")
    domain = (domain or instance).lower()
    return username, domain, f"{username.lower()}@{domain}"


def _require(obj: dict[str, Any], key: str) -> Any:
    value = obj.get(key)
    if value is None or value == "":
        raise EntityError(f"missing '{key}'")
    return value


def opt_out_reason(account: dict[str, Any]) -> str | None:
    """Why this account must be skipped, or ``None``. The creators' own choices first."""
    if account.get("suspended") is True:
        return "suspended"
    if account.get("bot") is True:  # not a person at all: the most basic reason first
        return "bot: true"
    if account.get("discoverable") is False:
        return "discoverable: false"
    if account.get("discoverable") is None:
        # Never opted in (older servers, or the account never chose): the docs define
        # discoverable as "opted into discovery features", so unset is not consent.
        return "discoverable: not set"
    if account.get("noindex") is True:
        return "noindex: true"
    if account.get("limited") is True:
        return "limited by moderators"
    return None


def parse_account(
    account: Any, instance: str, provenance: Provenance, repairs: Repairs | None = None
) -> Creator:
    """A Mastodon Account as seen on ``instance`` -> :class:`Creator`."""
    repairs = repairs or Repairs()
    if not isinstance(account, dict):
        raise EntityError("account is not an object")
    local_id = str(_require(account, "id"))
    username, domain, native_id = canonical_acct(str(_require(account, "acct")), instance)
    reason = opt_out_reason(account)
    fields = account.get("fields") or []
    bio, links = html_text_and_links(account.get("note"))
    verified: list[str] = []
    for field in fields if isinstance(fields, list) else []:
        if not isinstance(field, dict):
            continue
        for href in hrefs(field.get("value")):
            if href not in links:
                links.append(href)
            if field.get("verified_at") and href not in verified:
                verified.append(href)
    moved = account.get("moved")
    lookup = {"instance": instance, "local_id": local_id, "username": username, "domain": domain}
    return Creator(
        platform=PLATFORM,
        native_id=native_id,
        handle=f"{username}@{domain}",
        display_name=(account.get("display_name") or None),
        profile_url=account.get("url") or None,
        avatar_url=account.get("avatar") or None,
        bio=bio,
        followers=repairs.count_value(account.get("followers_count")),
        following=repairs.count_value(account.get("following_count")),
        posts_count=repairs.count_value(account.get("statuses_count")),
        created_at=repairs.date(account.get("created_at")),
        last_post_at=repairs.date(account.get("last_status_at")),
        links=links,
        verified_links=verified,
        flags=CreatorFlags(
            bot=account.get("bot") is True,
            group=account.get("group") is True,
            locked=account.get("locked") is True,
            moved_to=(moved.get("acct") if isinstance(moved, dict) else None),
            opted_out=reason is not None,
            opt_out_reason=reason,
            no_post_text=account.get("indexable") is False,
        ),
        lookup=lookup,
        provenance=provenance,
    )


def mention_ref(mention: Any, instance: str) -> CreatorRef:
    """A ``Status.mentions[]`` entry -> :class:`CreatorRef` (id local to ``instance``)."""
    if not isinstance(mention, dict):
        raise EntityError("mention is not an object")
    username, domain, native_id = canonical_acct(str(_require(mention, "acct")), instance)
    return CreatorRef(
        platform=PLATFORM,
        native_id=native_id,
        handle=f"{username}@{domain}",
        url=mention.get("url"),
        lookup={
            "instance": instance,
            "local_id": str(mention.get("id") or ""),
            "username": username,
            "domain": domain,
        },
    )


def parse_status(
    status: Any,
    instance: str,
    creator_id: str,
    provenance: Provenance,
    keep_text: bool,
    repairs: Repairs | None = None,
) -> Post:
    """A Mastodon Status -> :class:`Post`. Reblogs come back with ``is_repost=True``.

    A status without an id is unusable (:class:`EntityError`); an unreadable count or date
    is kept as unknown and counted in ``repairs``.
    """
    repairs = repairs or Repairs()
    if not isinstance(status, dict):
        raise EntityError("status is not an object")
    _require(status, "id")
    uri = str(status.get("uri") or status["id"])
    created_at = repairs.date(status.get("created_at"))
    text: str | None = None
    body, links = html_text_and_links(status.get("content"))
    if keep_text:
        spoiler = as_text(status.get("spoiler_text")).strip()
        text = "\n\n".join(part for part in (spoiler, body) if part) or None
    mentions = []
    for mention in as_list(status.get("mentions")):
        try:
            mentions.append(mention_ref(mention, instance))
        except EntityError:
            continue
    tags = [
        str(tag["name"]).lower()
        for tag in as_list(status.get("tags"))
        if isinstance(tag, dict) and tag.get("name")
    ]
    card = status.get("card")
    if isinstance(card, dict) and card.get("url") and card["url"] not in links:
        links.append(card["url"])
    return Post(
        platform=PLATFORM,
        native_id=uri,
        creator_id=creator_id,
        url=status.get("url") or status.get("uri"),
        created_at=created_at,
        text=text,
        language=status.get("language") or None,
        likes=repairs.count_value(status.get("favourites_count")),
        replies=repairs.count_value(status.get("replies_count")),
        reposts=repairs.count_value(status.get("reblogs_count")),
        quotes=repairs.count_value(status.get("quotes_count")),
        hashtags=tags,
        mentions=mentions,
        links=links,
        is_reply=status.get("in_reply_to_id") is not None,
        is_repost=status.get("reblog") is not None,
        provenance=provenance,
    )
