"""Which URLs are websites worth reading. A website's stable id is
:func:`creatorscout.plugins.hostmap.site_id` (``web:<host[/path]>``)."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from creatorscout.plugins.fetchguard import url_refusal
from creatorscout.plugins.hostmap import site_id

PLATFORM_HOSTS: Final = frozenset({
    # Platforms with their own plugins or terms that forbid fetching their pages: a link
    # there is a profile, never a personal website.
    "bsky.app", "bsky.social", "github.com", "gitlab.com", "codeberg.org", "twitter.com",
    "x.com", "instagram.com", "facebook.com", "fb.com", "threads.net", "threads.com",
    "youtube.com", "youtu.be", "tiktok.com", "linkedin.com", "reddit.com", "twitch.tv",
    "pinterest.com", "snapchat.com", "t.me", "telegram.me", "wa.me", "whatsapp.com",
    "discord.gg", "discord.com", "patreon.com", "ko-fi.com", "buymeacoffee.com",
    "paypal.me", "paypal.com", "liberapay.com", "opencollective.com", "spotify.com",
    "open.spotify.com", "music.apple.com", "podcasts.apple.com", "itunes.apple.com",
    "apple.com", "soundcloud.com", "vimeo.com", "amazon.com", "etsy.com", "google.com",
    "goo.gl", "wikipedia.org", "wikidata.org", "gravatar.com", "keybase.io", "medium.com",
    "tumblr.com", "flickr.com", "mastodon.social", "joinmastodon.org", "podcastindex.org",
})
"""Hosts (and their subdomains, except the personal-blog hosts below) never read as sites."""

BLOG_HOSTS: Final = (".substack.com", ".wordpress.com", ".blogspot.com", ".github.io",
                     ".tumblr.com", ".ghost.io", ".bearblog.dev", ".micro.blog")
"""Shared hosts whose subdomains are one person's blog."""

_FILE: Final = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|mp3|mp4|m4a|zip|ics|vcf)$", re.I)


def origin_of(url: str) -> str:
    """``https://host`` of a URL (the scheme kept)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _platform_host(host: str) -> bool:
    if host.endswith(BLOG_HOSTS):
        return False
    return any(host == known or host.endswith("." + known) for known in PLATFORM_HOSTS)


def site_refusal(url: str, skip_hosts: frozenset[str] = frozenset()) -> str | None:
    """Why ``url`` is not read as a website (``None``: read it)."""
    refusal = url_refusal(url)
    if refusal is not None:
        return refusal
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if _platform_host(host) or host in skip_hosts or any(
            host.endswith("." + h) for h in skip_hosts):
        return "a platform, not a website"
    if parts.path.startswith(("/@", "/users/", "/u/", "/c/", "/channel/")):
        return "a profile on a platform"  # fediverse accounts, PeerTube channels...
    if _FILE.search(parts.path):
        return "a file, not a page"
    return None


__all__ = ["origin_of", "site_id", "site_refusal"]
