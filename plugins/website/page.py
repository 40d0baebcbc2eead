"""What a personal web page says about its owner: h-card, rel=me, JSON-LD, OpenGraph, feeds.

Sources, in order of trust (the first that gives a value wins):

1. the page's **representative h-card** (microformats.org/wiki/representative-h-card-parsing,
   parsed with mf2py, which also reads the classic ``vcard`` markup of older themes):
   ``p-name``, ``p-note``, ``u-photo``, ``u-url``, ``u-uid``; ``u-email`` is never read;
2. a schema.org ``Person`` in ``<script type="application/ld+json">`` (also as the
   ``mainEntity`` of a ``ProfilePage`` or inside ``@graph``): ``name``, ``description``,
   ``image``, ``url``, ``sameAs``, and ``interactionStatistic`` with a ``FollowAction``
   counter (the follower count some sites publish) or a ``WriteAction`` counter (posts);
3. OpenGraph (``og:site_name``, ``og:title``, ``og:description``, ``og:image``,
   ``og:locale``), then ``<title>`` and ``<meta name=description>``.

Identity evidence: ``rel="me"`` links (``<a>`` and ``<link>``) are the owner's claims that
those profiles are theirs; with ``sameAs`` they are kept apart from the other links.

Feeds: ``<link rel="alternate">`` with an RSS, Atom or JSON Feed type (comment feeds left
out). Opt-out: ``<meta name="robots">`` or ``<meta name="creatorscout">`` with
``noindex``/``none``, and the same in ``X-Robots-Tag`` (generic, or addressed to
``creatorscout``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urljoin, urlsplit

import lxml.html
import mf2py
from lxml import etree

from creatorscout.plugins import jsonbody
from creatorscout.plugins.feeds import FEED_TYPES
from creatorscout.plugins.models import parse_count
from creatorscout.plugins.web import html_to_text

AGENT: Final = "creatorscout"
_NOINDEX: Final = frozenset({"noindex", "none"})
_DIRECTIVES_WITH_VALUES: Final = frozenset(
    {"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"}
)


@dataclass
class PageIdentity:
    """Everything read from one page."""

    url: str
    name: str | None = None
    note: str | None = None
    photo: str | None = None
    canonical: str | None = None
    """The owner's own URL for themselves (h-card ``u-url``/``u-uid``, Person ``url``)."""
    language: str | None = None
    rel_me: list[str] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    """Links to other sites, in page order (identity links not repeated)."""
    feeds: list[tuple[str, str]] = field(default_factory=list)
    """``(url, kind)``: kind ``rss``, ``atom``, ``json`` or ``xml`` (unknown XML)."""
    followers: int | None = None
    posts_count: int | None = None
    noindex: bool = False
    repaired: int = 0
    """Counts the page publishes but that could not be read (kept as ``None``)."""
    has_identity: bool = False
    """An h-card, a schema.org Person or rel=me links: the page speaks for a person."""


def robots_noindex(values: list[str], agent: str = AGENT) -> bool:
    """Whether robots directives (meta ``content`` values or ``X-Robots-Tag`` headers)
    forbid indexing for a generic crawler or for ``agent``.

    ``X-Robots-Tag: googlebot: noindex`` addresses Google only; ``noindex, nofollow`` and
    ``creatorscout: none`` address us.
    """
    for value in values:
        target: str | None = None
        for token in value.split(","):
            token = token.strip().lower()
            if not token:
                continue
            head, sep, rest = token.partition(":")
            if sep and head.strip() not in _DIRECTIVES_WITH_VALUES:
                target, token = head.strip(), rest.strip()
            if token in _NOINDEX and target in (None, "*", agent):
                return True
    return False


def _norm(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _absolute(base: str, href: Any) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    try:
        url = urljoin(base, href.strip())
    except ValueError:
        return None
    return url if url.startswith(("http://", "https://")) else None


def _first_text(values: Any) -> str | None:
    for value in values or []:
        if isinstance(value, dict):  # an embedded microformat or an e-* property
            value = value.get("value") or value.get("html")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _first_url(values: Any, base: str) -> str | None:
    for value in values or []:
        if isinstance(value, dict):  # u-photo with alt: {"value": url, "alt": ...}
            value = value.get("value")
        found = _absolute(base, value)
        if found:
            return found
    return None


def _hcards(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for item in items:
        if "h-card" in (item.get("type") or []):
            found.append(item)
        found.extend(_hcards(item.get("children") or []))
    return found


def representative_hcard(parsed: dict[str, Any], page_url: str) -> dict[str, Any] | None:
    """The h-card that represents the page's owner (microformats.org algorithm), or the
    page's only top-level h-card."""
    cards = _hcards(parsed.get("items") or [])
    page = _norm(page_url)
    rel_me = {_norm(u) for u in (parsed.get("rels") or {}).get("me", [])}

    def urls(card: dict[str, Any], key: str) -> set[str]:
        props = card.get("properties") or {}
        return {_norm(v) for v in props.get(key, []) if isinstance(v, str)}

    for card in cards:
        if page in urls(card, "uid") and page in urls(card, "url"):
            return card
    for card in cards:
        if urls(card, "url") & rel_me:
            return card
    matching = [card for card in cards if page in urls(card, "url")]
    if len(matching) == 1:
        return matching[0]
    top = [i for i in parsed.get("items") or [] if "h-card" in (i.get("type") or [])]
    return top[0] if len(top) == 1 else None


def _types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1] for v in values if v}


def _walk_jsonld(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, list):
        for item in value:
            found.extend(_walk_jsonld(item))
    elif isinstance(value, dict):
        found.append(value)
        for key in ("@graph", "mainEntity", "author"):
            if key in value:
                found.extend(_walk_jsonld(value[key]))
    return found


def _counter(stats: Any, action: str) -> tuple[int | None, bool]:
    """The ``action`` counter's value, and whether it was there but unreadable (a repair:
    the value is then ``None``, unknown)."""
    for stat in stats if isinstance(stats, list) else [stats]:
        if not isinstance(stat, dict):
            continue
        kind = stat.get("interactionType")
        if isinstance(kind, dict):
            kind = kind.get("@type")
        if isinstance(kind, str) and kind.rsplit("/", 1)[-1] == action:
            try:
                return parse_count(stat.get("userInteractionCount")), False
            except ValueError:
                return None, True
    return None, False


def jsonld_person(root: Any) -> dict[str, Any] | None:
    """The first schema.org Person of the page (a ProfilePage's ``mainEntity`` first)."""
    objects: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            objects.extend(_walk_jsonld(jsonbody.loads(script.text or "")))
        except (ValueError, RecursionError):
            continue
    pages = [o for o in objects if "ProfilePage" in _types(o)]
    for page in pages:
        entity = page.get("mainEntity")
        if isinstance(entity, dict) and "Person" in _types(entity):
            return entity
    return next((o for o in objects if "Person" in _types(o)), None)


def _jsonld_image(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value


def _meta(root: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content is not None and key not in found:
            found[key] = content.strip()
    return found


def _robots_values(root: Any) -> list[str]:
    return [
        meta.get("content") or "" for meta in root.iter("meta")
        if (meta.get("name") or "").strip().lower() in ("robots", AGENT)
    ]


def _feeds(root: Any, base: str) -> list[tuple[str, str]]:
    feeds: list[tuple[str, str]] = []
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((link.get("type") or "").split(";")[0].strip().lower())
        href = _absolute(base, link.get("href"))
        if "alternate" not in rels or kind is None or href is None:
            continue
        title = (link.get("title") or "").lower()
        if "comment" in title or "/comments/" in href:
            continue  # WordPress's "Comments Feed" is everyone's comments, not the owner's
        if href not in [f for f, _ in feeds]:
            feeds.append((href, kind))
    return feeds


def _outbound(root: Any, base: str, limit: int) -> list[str]:
    own = _norm(base).split("/", 1)[0]
    found: list[str] = []
    for anchor in root.iter("a"):
        href = _absolute(base, anchor.get("href"))
        if href is None:
            continue
        host = (urlsplit(href).hostname or "").lower().removeprefix("www.")
        if host == own or href in found:
            continue
        found.append(href)
        if len(found) >= limit:
            break
    return found


MAX_DEPTH = 100
"""Elements nested deeper than this make a page unusable: real pages stay far below, and
the microformats parser's time grows with the cube of the depth under a classic vcard
(100 levels: 1.8 s; 150: 8.7 s; 1,200 unclosed tags: 36 s)."""


def _too_deep(root: Any, limit: int = MAX_DEPTH) -> bool:
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            return True
    return False


def read_page(body: bytes, url: str, headers_robots: list[str] | None = None,
              max_links: int = 40) -> PageIdentity:
    """Read one HTML page fetched from (logical) ``url``.

    Raises ``ValueError`` for a body that is not HTML or is nested absurdly deep."""
    identity = PageIdentity(url=url)
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError) as exc:
        raise ValueError(f"not an HTML page: {exc}") from exc
    if _too_deep(root):
        raise ValueError(f"elements nested more than {MAX_DEPTH} deep")
    base_tag = root.find(".//base")
    base = _absolute(url, base_tag.get("href")) if base_tag is not None else None
    base = base or url
    identity.noindex = robots_noindex(_robots_values(root) + list(headers_robots or []))
    lang = (root.get("lang") or "").strip().lower().replace("_", "-").split("-")[0]
    meta = _meta(root)
    locale = meta.get("og:locale", "").lower().replace("_", "-").split("-")[0]
    identity.language = lang or locale or None
    if identity.noindex:
        return identity
    html_text = lxml.html.tostring(root, encoding="unicode")
    with warnings.catch_warnings():  # bs4 warns about odd markup; that is the page's business
        warnings.simplefilter("ignore")
        parsed = mf2py.parse(doc=html_text, url=base, html_parser="lxml")
    card = representative_hcard(parsed, url)
    person = jsonld_person(root)
    identity.rel_me = [u for u in (parsed.get("rels") or {}).get("me", [])
                       if isinstance(u, str) and u.startswith(("http://", "https://"))]
    props = (card or {}).get("properties") or {}
    person = person or {}
    same_as = person.get("sameAs")
    same_as = same_as if isinstance(same_as, list) else [same_as]
    identity.same_as = [u for u in (_absolute(base, s) for s in same_as) if u]
    identity.has_identity = bool(card or person or identity.rel_me)
    title = root.findtext(".//title")
    identity.name = (
        _first_text(props.get("name"))
        or (person.get("name") if isinstance(person.get("name"), str) else None)
        or meta.get("og:site_name") or meta.get("og:title") or (title or "").strip() or None
    )
    note = _first_text(props.get("note"))
    description = person.get("description") if isinstance(person.get("description"),
                                                          str) else None
    identity.note = html_to_text(note or description or meta.get("og:description")
                                 or meta.get("description"))
    identity.photo = (_first_url(props.get("photo"), base)
                      or _absolute(base, _jsonld_image(person.get("image")))
                      or _absolute(base, meta.get("og:image")))
    identity.canonical = (_first_url(props.get("uid"), base) or _first_url(props.get("url"),
                                                                             base)
                          or _absolute(base, person.get("url")))
    identity.followers, bad_followers = _counter(person.get("interactionStatistic"),
                                                 "FollowAction")
    identity.posts_count, bad_posts = _counter(person.get("agentInteractionStatistic"),
                                               "WriteAction")
    identity.repaired = bad_followers + bad_posts
    identity.feeds = _feeds(root, base)
    claimed = set(identity.rel_me) | set(identity.same_as)
    identity.links = [u for u in _outbound(root, base, max_links + len(claimed))
                      if u not in claimed][:max_links]
    return identity


def homepage_noindex(headers: dict[str, str]) -> list[str]:
    """The ``X-Robots-Tag`` values of a response (several headers arrive comma-joined)."""
    value = headers.get("x-robots-tag")
    return [value] if value else []

