"""GitHub REST API objects (users, repositories, social accounts) turned into our models.

Field names follow docs.github.com/rest (users: "Get a user", "List repositories for a
user", "List social accounts for a user"; search: "Search users", "Search
repositories"), API version 2022-11-28.

Privacy: a user object may carry ``email`` (the public e-mail). It is never read: the
parser copies only the fields it names, so no e-mail can reach a record, a log or the
index. GitHub's Acceptable Use Policies forbid using API data to spam people or to sell
personal information (e.g. to recruiters).

Mapping (a repository is a "post"): stars are likes, forks are reposts, open issues stand
in for replies (a proxy: issues are not all replies), ``topics`` and the repository's
programming language become hashtags. A fork is someone else's work, so it is marked
``is_repost`` and skipped like a boost. ``Post.language`` stays ``None``: it is a human
language (ISO 639) elsewhere, and a programming language there would read as one.

Opt-outs: GitHub has no discoverability flag. Bots (``type: Bot``) and organizations are
not creators and are skipped; a bio carrying ``#nobot``, ``#noindex`` or ``#nosearch``
(the fediverse convention) is honoured.
"""

from __future__ import annotations

import re
from typing import Any

from creatorscout.plugins.models import (
    Creator,
    CreatorFlags,
    CreatorRef,
    Post,
    Provenance,
    parse_count,
)
from creatorscout.plugins.web import Repairs, as_list

PLATFORM = "github"
WEB = "https://github.com"

_OPT_OUT = re.compile(r"(?<![\w#])#(nobot|noindex|nosearch)\b", re.IGNORECASE)
_TOPIC = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


class EntityError(ValueError):
    """An object in a response is unusable (no id or login, wrong types...)."""


def github_topic(tag: str) -> str | None:
    """A niche hashtag as a GitHub topic (lower-case ASCII letters, digits, hyphens;
    at most 50 characters), or ``None`` when it cannot be one."""
    topic = tag.strip().lstrip("#").lower().replace("_", "-").replace(" ", "-")
    return topic if _TOPIC.match(topic) else None


def _id(obj: dict[str, Any]) -> str:
    value = obj.get("id")
    if isinstance(value, bool) or value is None:
        raise EntityError("missing 'id'")
    try:
        return str(parse_count(value))
    except ValueError as exc:
        raise EntityError(f"bad 'id': {value!r}") from exc


def _login(obj: dict[str, Any]) -> str:
    login = obj.get("login")
    if not isinstance(login, str) or not login.strip():
        raise EntityError("missing 'login'")
    return login.strip()


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def web_link(value: Any) -> str | None:
    """``blog``/``homepage`` as a URL: GitHub stores what the user typed, often without
    a scheme (``example.com``)."""
    text = _text(value)
    if text is None or " " in text:
        return None
    return text if text.startswith(("http://", "https://")) else f"https://{text}"


def opt_out_reason(kind: str | None, bio: str | None) -> str | None:
    """Why this account is not kept, or ``None``."""
    if kind == "Bot":
        return "type: Bot"
    if kind == "Organization":
        return "type: Organization"
    match = _OPT_OUT.search(bio or "")
    return f"bio: #{match.group(1).lower()}" if match else None


def parse_user(user: Any, provenance: Provenance, repairs: Repairs | None = None) -> Creator:
    """A user ("Get a user": public-user) -> :class:`Creator`. ``email`` is never read."""
    repairs = repairs or Repairs()
    if not isinstance(user, dict):
        raise EntityError("user is not an object")
    native_id, login = _id(user), _login(user)
    bio = _text(user.get("bio"))
    kind = user.get("type") if isinstance(user.get("type"), str) else None
    reason = opt_out_reason(kind, bio)
    links: list[str] = []
    blog = web_link(user.get("blog"))
    if blog:
        links.append(blog)
    twitter = _text(user.get("twitter_username"))
    if twitter:
        links.append(f"https://x.com/{twitter.lstrip('@')}")
    return Creator(
        platform=PLATFORM,
        native_id=native_id,
        handle=login,
        display_name=_text(user.get("name")),
        profile_url=_text(user.get("html_url")) or f"{WEB}/{login}",
        avatar_url=_text(user.get("avatar_url")),
        bio=bio,
        followers=repairs.count_value(user.get("followers")),
        following=repairs.count_value(user.get("following")),
        posts_count=repairs.count_value(user.get("public_repos")),
        created_at=repairs.date(user.get("created_at")),
        links=links,
        flags=CreatorFlags(
            bot=kind == "Bot",
            group=kind == "Organization",
            opted_out=reason is not None,
            opt_out_reason=reason,
        ),
        lookup={"login": login},
        provenance=provenance,
    )


def user_ref(item: Any) -> CreatorRef:
    """A search hit or a repository ``owner`` (simple-user) -> :class:`CreatorRef`."""
    if not isinstance(item, dict):
        raise EntityError("user is not an object")
    native_id, login = _id(item), _login(item)
    lookup = {"login": login}
    if isinstance(item.get("type"), str):
        lookup["type"] = item["type"]
    return CreatorRef(platform=PLATFORM, native_id=native_id, handle=login,
                      url=_text(item.get("html_url")) or f"{WEB}/{login}", lookup=lookup)


def social_links(accounts: Any) -> list[str]:
    """URLs of ``[{provider, url}]`` (social accounts), in order, without duplicates."""
    found: list[str] = []
    for account in accounts if isinstance(accounts, list) else []:
        url = web_link(account.get("url")) if isinstance(account, dict) else None
        if url and url not in found:
            found.append(url)
    return found


def parse_repo(
    repo: Any,
    creator_id: str,
    provenance: Provenance,
    keep_text: bool,
    repairs: Repairs | None = None,
) -> Post:
    """A repository -> :class:`Post` (see the module docstring for the mapping)."""
    repairs = repairs or Repairs()
    if not isinstance(repo, dict):
        raise EntityError("repository is not an object")
    native_id = _id(repo)
    name = _text(repo.get("name"))
    description = _text(repo.get("description"))
    text = "\n\n".join(p for p in (name, description) if p) if keep_text else None
    tags: list[str] = []
    for topic in as_list(repo.get("topics")):
        if isinstance(topic, str) and topic.strip() and topic.lower() not in tags:
            tags.append(topic.strip().lower())
    language = _text(repo.get("language"))
    if language and language.lower() not in tags:
        tags.append(language.lower())
    homepage = web_link(repo.get("homepage"))
    full_name = _text(repo.get("full_name"))
    return Post(
        platform=PLATFORM,
        native_id=native_id,
        creator_id=creator_id,
        url=_text(repo.get("html_url")) or (f"{WEB}/{full_name}" if full_name else None),
        created_at=repairs.date(repo.get("created_at")),
        text=text or None,
        likes=repairs.count_value(repo.get("stargazers_count")),
        replies=repairs.count_value(repo.get("open_issues_count")),
        reposts=repairs.count_value(repo.get("forks_count")),
        hashtags=tags,
        links=[homepage] if homepage else [],
        is_repost=repo.get("fork") is True,
        provenance=provenance,
    )
