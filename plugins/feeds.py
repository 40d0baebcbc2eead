"""Feeds: RSS 2.0 (and 0.9x/1.0), Atom (RFC 4287) and JSON Feed (1.0, 1.1) read into one shape.

Built on lxml rather than feedparser: podcasts need the ``itunes:`` and ``podcast:``
namespaces with their attributes (``podcast:person role= href=``, ``podcast:block id=``),
which feedparser flattens or drops, so the parsed element stays available in
:attr:`Feed.element` and :attr:`FeedItem.element` for namespace-specific readers.

XML from the web is untrusted: entities are not resolved, nothing is fetched from the
network (no DTDs, no XInclude), and broken markup is recovered as far as libxml2 can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin

from lxml import etree

from creatorscout.plugins import jsonbody
from creatorscout.plugins.web import parse_datetime

NS_ATOM = "http://www.w3.org/2005/Atom"
NS_CONTENT = "http://purl.org/rss/1.0/modules/content/"
NS_DC = "http://purl.org/dc/elements/1.1/"
NS_SLASH = "http://purl.org/rss/1.0/modules/slash/"
NS_RSS1 = "http://purl.org/rss/1.0/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
NS_PODCAST = (
    "https://podcastindex.org/namespace/1.0",
    # Clients that recognise the namespace must also recognise its old GitHub URL.
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
    "application/json": "json",
    "application/rdf+xml": "rss",
    "application/xml": "xml",
    "text/xml": "xml",
}
"""MIME types a ``<link rel="alternate">`` may announce a feed with."""

FeedKind = Literal["rss", "atom", "json"]


class FeedError(ValueError):
    """The body is not a feed this module can read."""


@dataclass
class FeedAuthor:
    """An author as the feed names them (never an e-mail address)."""

    name: str | None = None
    url: str | None = None
    avatar: str | None = None


@dataclass
class FeedItem:
    """One entry: a blog post, an episode."""

    id: str | None = None
    title: str | None = None
    link: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    """HTML or text, as the feed gives it."""
    content: str | None = None
    """Full HTML content (``content:encoded``, Atom ``content``, ``content_html``)."""
    categories: list[str] = field(default_factory=list)
    comments: str | None = None
    """``slash:comments`` (WordPress's comment count), raw."""
    enclosure: str | None = None
    language: str | None = None
    authors: list[FeedAuthor] = field(default_factory=list)
    bad_date: bool = False
    """A date was present but unreadable (kept as ``None``)."""
    element: Any = None
    """The ``<item>``/``<entry>`` element (XML feeds), for namespace readers."""
    data: dict[str, Any] = field(default_factory=dict)
    """The item object (JSON Feed)."""


@dataclass
class Feed:
    """A parsed feed."""

    kind: FeedKind
    title: str | None = None
    link: str | None = None
    """The site the feed belongs to (home page)."""
    description: str | None = None
    language: str | None = None
    image: str | None = None
    authors: list[FeedAuthor] = field(default_factory=list)
    items: list[FeedItem] = field(default_factory=list)
    next_url: str | None = None
    """The next page (JSON Feed ``next_url``, RFC 5005 ``rel="next"``)."""
    self_url: str | None = None
    malformed: int = 0
    """Items that were unusable (not objects, no content at all)."""
    element: Any = None
    """The ``<channel>``/``<feed>`` element (XML feeds)."""
    data: dict[str, Any] = field(default_factory=dict)


def parse_feed_date(value: str | None) -> tuple[datetime | None, bool]:
    """``(date, unreadable)`` from RFC 822 (RSS) or RFC 3339/ISO 8601 (Atom, JSON Feed).

    Dates without a zone are taken as UTC; garbage gives ``(None, True)``.
    """
    if value is None or not value.strip():
        return None, False
    text = value.strip()
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = parse_datetime(text)
        except ValueError:
            return None, True
        if parsed is None:
            return None, True
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed, False


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _valid_char_refs(body: bytes) -> bytes:
    """``body`` with character references to code points XML forbids (surrogates, NUL,
    beyond U+10FFFF) replaced by U+FFFD: lxml keeps them as bytes that cannot be decoded."""
    if b"&#" not in body:
        return body

    def fix(match: re.Match[bytes]) -> bytes:
        hexa, decimal = match.groups()
        code = int(hexa, 16) if hexa else int(decimal)
        bad = code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF
        return b"&#xFFFD;" if bad else match.group(0)

    return _CHAR_REF.sub(fix, body)


def _xml_parser() -> Any:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, recover=True, huge_tree=False,
        load_dtd=False, remove_comments=True, remove_pis=True,
    )


def local(element: Any) -> str:
    """An element's tag without its namespace."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(element: Any) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def children(element: Any, names: str | tuple[str, ...], ns: str | tuple[str, ...] = ""
             ) -> list[Any]:
    """Direct children called ``names`` (local names) in namespace(s) ``ns``."""
    wanted_names = (names,) if isinstance(names, str) else names
    wanted_ns = (ns,) if isinstance(ns, str) else ns
    return [c for c in element if local(c) in wanted_names and namespace(c) in wanted_ns]


def child_text(element: Any, name: str, ns: str | tuple[str, ...] = "") -> str | None:
    """Stripped text of the first such child, ``None`` when absent or empty."""
    for child in children(element, name, ns):
        text = "".join(child.itertext()).strip()
        if text:
            return text
    return None


def sniff(body: bytes) -> FeedKind | Literal["html"] | None:
    """What a body looks like: a JSON feed, an RSS or Atom document, HTML, or nothing."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return "json"
    if b"<rss" in head or b"<rdf:rdf" in head:
        return "rss"
    if b"<feed" in head:
        return "atom"
    if b"<html" in head or b"<!doctype html" in head:
        return "html"
    return None


def parse_feed(body: bytes, base_url: str) -> Feed:
    """Read a feed body; relative links are resolved against ``base_url``.

    Raises :class:`FeedError` when the body is neither XML with an ``rss``, ``rdf:RDF`` or
    ``feed`` root nor a JSON Feed object.
    """
    if sniff(body) == "json":
        return _json_feed(body, base_url)
    try:
        root = etree.fromstring(_valid_char_refs(body), _xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not XML: {exc}") from exc
    if root is None:
        raise FeedError("empty document")
    # entities are never resolved (no XXE); one left unexpanded ("&xxe;") must not show
    # up as literal text in a title
    etree.strip_elements(root, etree.Entity, with_tail=False)
    name = local(root)
    if name == "rss":
        channel = next(iter(children(root, "channel")), None)
        if channel is None:
            raise FeedError("RSS without <channel>")
        return _rss(channel, children(channel, "item"), base_url)
    if name == "RDF":
        channel = next(iter(children(root, "channel", NS_RSS1)), None)
        if channel is None:
            raise FeedError("RSS 1.0 without <channel>")
        return _rss(channel, children(root, "item", NS_RSS1), base_url, NS_RSS1)
    if name == "feed" and namespace(root) == NS_ATOM:
        return _atom(root, base_url)
    raise FeedError(f"not a feed: the document element is <{name}>")


def _join(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def _atom_links(element: Any, base: str) -> dict[str, str]:
    links: dict[str, str] = {}
    for link in children(element, "link", NS_ATOM):
        rel = (link.get("rel") or "alternate").strip().lower()
        href = _join(base, link.get("href"))
        if href and rel not in links:
            links[rel] = href
    return links


def _rss(channel: Any, items: list[Any], base: str, ns: str = "") -> Feed:
    feed = Feed(kind="rss", element=channel)
    feed.title = child_text(channel, "title", ns)
    feed.link = _join(base, child_text(channel, "link", ns))
    feed.description = child_text(channel, "description", ns)
    feed.language = child_text(channel, "language", (ns, NS_DC))
    for image in children(channel, "image", ns):
        feed.image = _join(base, child_text(image, "url", ns))
    for image in children(channel, "image", NS_ITUNES):
        feed.image = _join(base, image.get("href")) or feed.image
    atom = _atom_links(channel, base)
    feed.self_url, feed.next_url = atom.get("self"), atom.get("next")
    for name in ("managingEditor", "author"):
        text = child_text(channel, name, ns)
        if text:  # RSS puts an e-mail address here: keep only the "(Name)" part
            author = _name_without_email(text)
            if author:
                feed.authors.append(FeedAuthor(name=author))
    creator = child_text(channel, "creator", NS_DC)
    if creator and not feed.authors:
        feed.authors.append(FeedAuthor(name=creator))
    for element in items:
        item = FeedItem(element=element)
        item.title = child_text(element, "title", ns)
        item.link = _join(base, child_text(element, "link", ns))
        guid = next(iter(children(element, "guid", ns)), None)
        if guid is not None and (guid.text or "").strip():
            item.id = guid.text.strip()
            permalink = (guid.get("isPermaLink") or "true").strip().lower() != "false"
            if item.link is None and permalink and item.id.startswith(("http://", "https://")):
                item.link = item.id
        item.published, bad = parse_feed_date(
            child_text(element, "pubDate", ns) or child_text(element, "date", NS_DC)
        )
        item.bad_date = bad
        item.summary = child_text(element, "description", ns)
        item.content = child_text(element, "encoded", NS_CONTENT)
        item.categories = [
            "".join(c.itertext()).strip() for c in children(element, ("category", "subject"),
                                                             (ns, NS_DC))
            if "".join(c.itertext()).strip()
        ]
        item.comments = child_text(element, "comments", NS_SLASH)
        for enclosure in children(element, "enclosure", ns):
            item.enclosure = _join(base, enclosure.get("url"))
        creator = child_text(element, "creator", NS_DC)
        if creator:
            item.authors.append(FeedAuthor(name=creator))
        if not (item.title or item.link or item.summary or item.content or item.id):
            feed.malformed += 1
            continue
        feed.items.append(item)
    return feed


_EMAIL_NAME = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]*)\)\s*$")


def _name_without_email(text: str) -> str | None:
    match = _EMAIL_NAME.match(text)
    if match:
        return match.group("name").strip() or None
    return None if "@" in text else text.strip() or None


def _atom_person(element: Any, base: str) -> FeedAuthor:
    return FeedAuthor(name=child_text(element, "name", NS_ATOM),
                      url=_join(base, child_text(element, "uri", NS_ATOM)))


def _atom_text(element: Any, name: str) -> str | None:
    for child in children(element, name, NS_ATOM):
        if (child.get("type") or "").lower() == "xhtml":
            inner = next(iter(child), None)
            if inner is not None:
                return etree.tostring(inner, encoding="unicode", method="html")
        text = "".join(child.itertext()).strip()
        if text:
            return text
    return None


def _atom(root: Any, base: str) -> Feed:
    feed = Feed(kind="atom", element=root)
    feed.title = _atom_text(root, "title")
    links = _atom_links(root, base)
    feed.link, feed.self_url, feed.next_url = (
        links.get("alternate"), links.get("self"), links.get("next"))
    feed.description = _atom_text(root, "subtitle")
    feed.language = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    feed.image = _join(base, child_text(root, "logo", NS_ATOM) or child_text(root, "icon",
                                                                              NS_ATOM))
    feed.authors = [_atom_person(a, base) for a in children(root, "author", NS_ATOM)]
    for element in children(root, "entry", NS_ATOM):
        item = FeedItem(element=element)
        item.id = child_text(element, "id", NS_ATOM)
        item.title = _atom_text(element, "title")
        item.link = _atom_links(element, base).get("alternate")
        item.published, bad_published = parse_feed_date(child_text(element, "published",
                                                                   NS_ATOM))
        item.updated, bad_updated = parse_feed_date(child_text(element, "updated", NS_ATOM))
        item.bad_date = bad_published or bad_updated
        item.summary = _atom_text(element, "summary")
        item.content = _atom_text(element, "content")
        item.categories = [c.get("term", "").strip() for c in children(element, "category",
                                                                         NS_ATOM)
                           if c.get("term", "").strip()]
        item.comments = child_text(element, "comments", NS_SLASH)
        item.language = element.get("{http://www.w3.org/XML/1998/namespace}lang")
        item.authors = [_atom_person(a, base) for a in children(element, "author", NS_ATOM)]
        if not (item.title or item.link or item.summary or item.content or item.id):
            feed.malformed += 1
            continue
        feed.items.append(item)
    return feed


def _str(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _json_authors(data: dict[str, Any], base: str) -> list[FeedAuthor]:
    raw = data.get("authors")
    if not isinstance(raw, list):  # JSON Feed 1.0 had a single "author" object
        raw = [data["author"]] if isinstance(data.get("author"), dict) else []
    return [
        FeedAuthor(name=_str(a.get("name")), url=_join(base, _str(a.get("url"))),
                   avatar=_join(base, _str(a.get("avatar"))))
        for a in raw if isinstance(a, dict)
    ]


def _json_feed(body: bytes, base: str) -> Feed:
    try:
        data = jsonbody.loads(body)
    except ValueError as exc:  # bad JSON, bad UTF-8, nested too deep
        raise FeedError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or "jsonfeed.org/version/" not in str(data.get("version")):
        raise FeedError("not a JSON Feed: no https://jsonfeed.org/version/... version")
    feed = Feed(kind="json", data=data)
    feed.title = _str(data.get("title"))
    feed.link = _join(base, _str(data.get("home_page_url")))
    feed.self_url = _join(base, _str(data.get("feed_url")))
    feed.next_url = _join(base, _str(data.get("next_url")))
    feed.description = _str(data.get("description"))
    feed.language = _str(data.get("language"))
    feed.image = _join(base, _str(data.get("icon")) or _str(data.get("favicon")))
    feed.authors = _json_authors(data, base)
    items = data.get("items")
    if not isinstance(items, list):
        raise FeedError("JSON Feed without an items array")
    for raw in items:
        if not isinstance(raw, dict) or raw.get("id") in (None, ""):
            feed.malformed += 1  # "id" is required by the spec
            continue
        item = FeedItem(data=raw)
        item.id = str(raw["id"])
        item.title = _str(raw.get("title"))
        item.link = _join(base, _str(raw.get("url")))
        item.published, bad_published = parse_feed_date(_str(raw.get("date_published")))
        item.updated, bad_updated = parse_feed_date(_str(raw.get("date_modified")))
        item.bad_date = bad_published or bad_updated
        item.summary = _str(raw.get("summary")) or _str(raw.get("content_text"))
        item.content = _str(raw.get("content_html"))
        tags = raw.get("tags")
        item.categories = [t.strip() for t in tags if isinstance(t, str) and t.strip()] \
            if isinstance(tags, list) else []
        item.language = _str(raw.get("language"))
        item.authors = _json_authors(raw, base)
        external = _str(raw.get("external_url"))
        if external:
            item.data = {**raw, "external_url": _join(base, external)}
        feed.items.append(item)
    return feed


def category_tags(categories: list[str]) -> list[str]:
    """Feed categories as hashtags (``Plant Based`` -> ``plantbased``), de-duplicated."""
    tags: list[str] = []
    for category in categories:
        tag = re.sub(r"[\s#]+", "", category).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags
