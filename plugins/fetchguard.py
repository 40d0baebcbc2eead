"""Which hosts a crawl may fetch: no loopback, private, link-local or metadata addresses.

Links in profiles, feeds and web pages are user content. Fetching them blindly would let
anyone who can write a profile make the crawler request ``http://127.0.0.1:6379/``, the
office router or a cloud's instance-metadata service (server-side request forgery). This
module is the policy, pure and free of Scrapy: plugins may use it to drop hopeless links
early, and :mod:`creatorscout.crawler.fetchguard` enforces it on every request the crawler
sends, redirects included, after resolving the host name.

Refused:

* addresses that are not globally reachable (``ipaddress``'s ``is_global`` is false):
  loopback, RFC 1918 private, link-local (169.254.0.0/16, fe80::/10), carrier-grade NAT
  (100.64.0.0/10), unique-local IPv6 (fc00::/7), documentation and benchmark ranges,
  "this network" (0.0.0.0/8);
* multicast and reserved addresses (224.0.0.0/4, 240.0.0.0/4, ff00::/8);
* IPv4 addresses tunnelled in IPv6 (``::ffff:a.b.c.d``, 6to4, Teredo, NAT64
  ``64:ff9b::/96``) when the embedded IPv4 address is refused;
* cloud metadata endpoints by name and address (AWS, GCP, Azure, Alibaba, ECS), and host
  names that only ever mean "this machine or this network" (``localhost``, ``*.localhost``,
  ``*.local``, ``*.internal``, ``*.home.arpa``).

Metadata endpoints stay refused even when private hosts are allowed (the sandbox needs
loopback; nothing ever needs a metadata service).
"""

from __future__ import annotations

import ipaddress
from typing import Final

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_ADDRESSES: Final = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "169.254.169.123",  # AWS time sync (link-local, same family)
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",
    )
)
METADATA_NAMES: Final = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data",
     "instance-data.ec2.internal", "metadata.azure.com"}
)
LOCAL_NAMES: Final = frozenset({"localhost", "localhost.localdomain", "ip6-localhost",
                                "ip6-loopback"})
LOCAL_SUFFIXES: Final = (".localhost", ".local", ".internal", ".home.arpa", ".lan")
_NAT64: Final = ipaddress.ip_network("64:ff9b::/96")


def parse_address(host: str) -> IPAddress | None:
    """The IP address a host string spells (``[::1]``, ``127.0.0.1``), else ``None``.

    Decimal and other non-dotted IPv4 spellings (``2130706433``) are resolved by the
    operating system like host names, so the guard catches them after resolution.
    """
    text = host.strip().strip("[]")
    if "%" in text:  # an IPv6 zone id (fe80::1%eth0) is link-local by construction
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(ip: IPAddress, *, allow_private: bool = False) -> str | None:
    """Why the crawler must not connect to ``ip``, or ``None`` when it may.

    With ``allow_private`` only metadata endpoints are refused.
    """
    if ip in METADATA_ADDRESSES:
        return "metadata address"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            reason = address_refusal(inner, allow_private=allow_private)
            return f"{reason} (inside IPv6)" if reason else None
    if allow_private:
        return None
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "reserved address"
    if ip.is_private:
        return "private address"
    if not ip.is_global:
        return "non-global address"
    return None


def host_refusal(host: str, *, allow_private: bool = False) -> str | None:
    """Why ``host`` (a name or an address literal, no port) must not be fetched, judged
    from the name alone; ``None`` when only its resolved addresses can tell."""
    name = host.strip().strip(".").lower()
    if not name:
        return "empty host"
    literal = parse_address(name)
    if literal is not None:
        return address_refusal(literal, allow_private=allow_private)
    if name in METADATA_NAMES:
        return "metadata host"
    if allow_private:
        return None
    if name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES):
        return "local host name"
    if "." not in name:  # a bare name resolves through the local search domains
        return "local host name"
    return None


def url_refusal(url: str, *, allow_private: bool = False) -> str | None:
    """:func:`host_refusal` for the host of a URL; also refuses non-http(s) schemes."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return "malformed URL"
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme or 'missing'}"
    if not host:
        return "no host"
    return host_refusal(host, allow_private=allow_private)
