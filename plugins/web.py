"""Helpers plugin authors need again and again: HTML to text, links, Link headers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from creatorscout.plugins.models import Creator, parse_count

_BLOCK_BREAK = {"p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
_SPACES = re.compile(r"[ \t\u00a0]+")
_LINK_PART = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else ``[]``: a field that should hold a list may
    arrive as a number, a boolean or an object, and must not stop the parse."""
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str:
    """``value`` when it is a string, else ``""`` (a boolean where text should be...)."""
    return value if isinstance(value, str) else ""


def _fragment(html: str) -> lxml.html.HtmlElement | None:
    if not isinstance(html, str) or not html.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return None


def html_to_text(html: str | None) -> str | None:
    """Readable plain text from an HTML fragment (a Mastodon note or status).

    Paragraphs become blank-line separated, ``<br>`` a newline, entities are decoded,
    runs of spaces collapse. ``None`` or empty input gives ``None``.
    """
    return html_text_and_links(html)[0]


def hrefs(html: str | None, *, skip_classes: Iterable[str] = ("mention", "hashtag")) -> list[str]:
    """The http(s) links in an HTML fragment, in order, without duplicates.

    Links whose ``class`` contains any of ``skip_classes`` (Mastodon marks mentions and
    hashtags that way) are left out.
    """
    root = _fragment(html or "")
    return [] if root is None else _links_of(root, set(skip_classes))


def html_text_and_links(
    html: str | None, *, skip_classes: Iterable[str] = ("mention", "hashtag")
) -> tuple[str | None, list[str]]:
    """:func:`html_to_text` and :func:`hrefs` of the same fragment, parsed once (parsing is
    most of their cost, and a crawl runs both on every post)."""
    if not isinstance(html, str):  # None, or a server's number, boolean or object
        return None, []
    root = _fragment(html)
    if root is None:
        return html.strip() or None, []
    links = _links_of(root, set(skip_classes))  # before the text pass changes the tree
    return _text_of(root), links


def _links_of(root: lxml.html.HtmlElement, skip: set[str]) -> list[str]:
    found: list[str] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        classes = set((anchor.get("class") or "").split())
        if not href.startswith(("http://", "https://")) or classes & skip:
            continue
        if href not in found:
            found.append(href)
    return found


def _text_of(root: lxml.html.HtmlElement) -> str | None:
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for element in root.iter(*_BLOCK_BREAK):
        element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return cleaned or None


def parse_link_header(value: str | None) -> dict[str, str]:
    """RFC 8288 ``Link`` header -> ``{rel: url}`` (Mastodon paginates with it)."""
    links: dict[str, str] = {}
    if not value:
        return links
    for match in _LINK_PART.finditer(value):
        url, params = match.group(1).strip(), match.group(2)
        for param in params.split(";"):
            key, _, raw = param.strip().partition("=")
            if key.strip().lower() == "rel":
                for rel in raw.strip().strip('"').split():
                    links.setdefault(rel.lower(), url)
    return links


_TEXT_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_FEDI_HANDLE = re.compile(
    r"(?<![\w/@])@([A-Za-z0-9_]{1,30})@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_BSKY_HANDLE = re.compile(r"(?<![\w/@])@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.bsky\.social)\b")


def text_links(*texts: str | None) -> list[str]:
    """The links written in plain text (a channel description, a profile bio), in order,
    without duplicates, and other platforms' handles written there as their profile URLs
    (``@alice@vegan.social`` -> ``https://vegan.social/@alice``, ``@alice.bsky.social`` ->
    ``https://bsky.app/profile/alice.bsky.social``), so the persons pass reads them and
    those platforms can take them as candidates. E-mail addresses are not links."""
    found: list[str] = []
    for text in texts:
        if not text:
            continue
        found += [url.rstrip(".,;:!?") for url in _TEXT_URL.findall(text)]
        found += [f"https://{host}/@{user}" for user, host in _FEDI_HANDLE.findall(text)]
        found += [f"https://bsky.app/profile/{h.lower()}" for h in _BSKY_HANDLE.findall(text)]
    return list(dict.fromkeys(found))


def links_on(creator: Creator, host: str, *subdomains: str
             ) -> Iterator[tuple[str, list[str]]]:
    """The creator's links (its own and ``rel=me`` ones, each once) on ``host``, also
    under ``www.`` and then one of ``subdomains`` (``m.``), each with its path segments:
    where a platform finds the profiles other platforms' creators link to."""
    for link in dict.fromkeys([*creator.links, *creator.me_links]):
        parts = urlsplit(link)
        name = parts.netloc.lower().removeprefix("www.")
        for subdomain in subdomains:
            name = name.removeprefix(subdomain)
        if name == host:
            yield link, [p for p in parts.path.split("/") if p]


def with_param(url: str, name: str, value: str) -> str:
    """``url`` with query parameter ``name`` set to ``value`` (replaced if present, the
    other parameters kept in order): a cursor-paged API's next page (``after=``)."""
    parts = urlsplit(url)
    params = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    params.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(params)))


def parse_datetime(value: object) -> datetime | None:
    """An ISO-8601 datetime or date string as an aware datetime (UTC when no offset).

    Returns ``None`` for ``None``/empty input; raises ``ValueError`` for garbage so the
    caller can count the object as malformed.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, got {type(value).__name__}")
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Repairs:
    """Counts values that were unusable and kept as unknown (``None``) instead.

    Plugins parse leniently: an unreadable count, date or text in an otherwise usable
    object becomes ``None`` (never a made-up 0) and is counted, so the crawl reports
    ``repaired_values`` instead of dropping the whole object.
    """

    def __init__(self) -> None:
        self.count = 0

    def count_value(self, value: Any) -> int | None:
        try:
            return parse_count(value)
        except ValueError:
            self.count += 1
            return None

    def date(self, value: Any) -> datetime | None:
        try:
            return parse_datetime(value)
        except ValueError:
            self.count += 1
            return None

    def text(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value or None
        self.count += 1
        return None
