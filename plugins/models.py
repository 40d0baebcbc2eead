"""The data every platform plugin returns: creators, posts and references to creators.

These pydantic models are the contract between plugins, scoring and the index. Rules they
enforce, so that no plugin has to remember them:

* A count the platform did not give us is ``None``, never ``0`` (0 is a real observation).
* Counts that arrive as strings (``"1234"``, ``"1,234"``) are parsed; negative or
  non-numeric counts are rejected, so a malformed response is caught at the edge.
* Datetimes are timezone-aware; naive datetimes are rejected.
* Every string is valid Unicode: lone surrogates and NUL from a server are replaced
  (:mod:`creatorscout.plugins.text`) before validation, so nothing downstream (the index,
  JSON, Elasticsearch) meets text it cannot encode.
* Every observed number carries its :class:`Provenance`: when it was observed, by which
  plugin (and version), from which URL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from creatorscout.plugins.text import clean_value

_THOUSANDS = re.compile(r"[,_\s\u00a0\u202f]")


def parse_count(value: Any) -> int | None:
    """Turn a platform's count into an ``int``; ``None`` stays ``None``.

    Accepts ints, integral floats and numeric strings (YouTube sends ``"1234"``); thousands
    separators are tolerated. Booleans, negatives and garbage raise ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a count must be a number, not a boolean")
    if isinstance(value, int):
        result = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"a count must be a whole number, got {value!r}")
        result = int(value)
    elif isinstance(value, str):
        text = _THOUSANDS.sub("", value.strip())
        if text == "":
            return None
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(f"a count must be numeric, got {value!r}")
        result = int(text)
    else:
        raise ValueError(f"a count must be a number, got {type(value).__name__}")
    if result < 0:
        raise ValueError(f"a count cannot be negative, got {result}")
    return result


Count = Annotated[int | None, BeforeValidator(parse_count)]
"""An observed count: ``None`` when unknown, parsed from strings, never negative."""


def utc_now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def _drop_computed_id(data: Any) -> Any:
    """Accept our own dumps back: ``id`` is computed, so an input ``id`` is ignored.
    Every string of the input is made valid Unicode (see :func:`_clean_input`)."""
    if isinstance(data, dict) and "id" in data:
        data = {k: v for k, v in data.items() if k != "id"}
    return clean_value(data)


def _clean_input(data: Any) -> Any:
    """Every string of the input made encodable (lone surrogates and NUL replaced)."""
    return clean_value(data)


class Provenance(BaseModel):
    """Where the numbers of a record came from and when they were true."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    platform: str
    plugin: str = Field(description="Name of the plugin (distribution) that produced the record")
    plugin_version: str
    source_url: str | None = Field(default=None, description="The URL the data was read from")
    observed_at: AwareDatetime = Field(default_factory=utc_now)

    _clean = model_validator(mode="before")(_clean_input)


class CreatorRef(BaseModel):
    """A pointer to a creator we may not have fetched yet (a mention, a search hit).

    ``native_id`` is set when the platform's stable id is known. ``lookup`` carries the
    plugin's own hints for fetching the profile (for Mastodon: which instance and which
    instance-local id); its contents are private to the plugin that made the ref.
    """

    model_config = ConfigDict(extra="forbid")

    platform: str
    native_id: str | None = None
    handle: str | None = None
    url: str | None = None
    lookup: dict[str, str] = Field(default_factory=dict)

    _clean = model_validator(mode="before")(_clean_input)

    @property
    def id(self) -> str | None:
        """The stable id ``platform:native_id`` when the native id is known."""
        return f"{self.platform}:{self.native_id}" if self.native_id else None

    @property
    def key(self) -> str:
        """A key to de-duplicate refs: the stable id, else the handle, else the URL."""
        return self.id or f"{self.platform}:{self.handle or self.url}"


class CreatorFlags(BaseModel):
    """What the creator told the platform about themselves, and what that means for us."""

    model_config = ConfigDict(extra="forbid")

    bot: bool = False
    group: bool = False
    locked: bool = False
    moved_to: str | None = None
    opted_out: bool = Field(
        default=False, description="The creator asked not to be discovered or indexed"
    )
    opt_out_reason: str | None = Field(
        default=None, description="Why the account is skipped, e.g. 'discoverable: false'"
    )
    no_post_text: bool = Field(
        default=False,
        description="Keep the profile and counts but store no post text (indexable: false)",
    )

    _clean = model_validator(mode="before")(_clean_input)


class Creator(BaseModel):
    """A creator's public profile on one platform.

    **Identity evidence** (one person, many profiles; grouped by
    :mod:`creatorscout.scoring.identity` after each crawl, across the whole index). A
    plugin only fills these fields; it never decides who is the same person:

    * ``profile_url``: the *logical* public URL of the profile (``https://host/@user``,
      ``https://bsky.app/profile/<handle>``, ``https://github.com/<login>``, a site's
      ``https://host/``), never a sandbox or API URL: other profiles link to it.
    * ``links``: the profile's own links (bio, profile fields, a site's ``rel=me``,
      a feed's channel link). Each is a claim; a claim the other side answers (it links
      back) merges, a claim nobody answers is recorded as unverified and never merges.
      Put links found in posts or page bodies in ``Post.links``, never here, and leave
      out ``@mentions`` of other people.
    * ``me_links``: the subset the profile marks as "me" (``rel=me``, h-card, JSON-LD
      ``sameAs``). For web pages (platform ``web``) these are the *only* claims: a page's
      other links (a blogroll, articles) may stay in ``links`` but never count.
    * ``verified_links``: links someone trustworthy checked (Mastodon's ``verified_at``:
      the page links back with ``rel=me``), and, for platforms with domain handles, the
      URL ``https://<domain>`` when the account proved it controls that domain (Bluesky:
      a valid custom-domain handle, not ``handle.invalid``, not ``*.bsky.social``).

    Per platform: Mastodon: note and field links, ``verified_at`` fields verified.
    Bluesky: description URLs and ``website`` in links, the custom domain verified. Web: the
    page's ``rel=me``/``sameAs`` in ``me_links`` (and links). GitHub: ``blog`` and
    ``/social_accounts`` URLs in links. PeerTube: description and ``support`` URLs.
    Podcasts: the channel link, the *hosts'* ``podcast:person`` links (not guests') and the
    Apple Podcasts page in links. A platform whose profile URL is someone's web page (a
    show's home page) is fine: the page belongs to the site, the show links it.
    """

    model_config = ConfigDict(extra="forbid")

    platform: str
    native_id: str = Field(description="The platform's stable id for the account")
    handle: str
    display_name: str | None = None
    profile_url: str | None = None
    avatar_url: str | None = None
    bio: str | None = Field(default=None, description="Plain text; HTML already removed")
    followers: Count = None
    following: Count = None
    posts_count: Count = None
    created_at: AwareDatetime | None = None
    last_post_at: AwareDatetime | None = None
    languages: list[str] = Field(default_factory=list)
    links: list[str] = Field(
        default_factory=list,
        description="The profile's own links (bio, profile fields, a site's rel=me); never "
        "links from posts or page bodies. Each is a claim 'this is me too' (identity evidence)",
    )
    verified_links: list[str] = Field(
        default_factory=list,
        description="Links the platform or plugin verified: rel=me back-link checked "
        "(Mastodon verified_at), or a domain the account proved it controls "
        "(a Bluesky domain handle: https://<handle>)",
    )
    me_links: list[str] = Field(
        default_factory=list,
        description="Links the profile itself marks as the same person (rel=me, h-card "
        "u-url/u-uid, JSON-LD sameAs on a personal site); also listed in links",
    )
    flags: CreatorFlags = Field(default_factory=CreatorFlags)
    lookup: dict[str, str] = Field(
        default_factory=dict, description="Plugin-private hints to fetch this creator again"
    )
    provenance: Provenance

    _accept_dump = model_validator(mode="before")(_drop_computed_id)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """The stable id, ``platform:native_id``."""
        return f"{self.platform}:{self.native_id}"

    @field_validator("native_id", "handle")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    def ref(self) -> CreatorRef:
        """A :class:`CreatorRef` that points at this creator."""
        return CreatorRef(
            platform=self.platform,
            native_id=self.native_id,
            handle=self.handle,
            url=self.profile_url,
            lookup=dict(self.lookup),
        )


class Post(BaseModel):
    """One recent post (status, video, episode...) of a creator, with its engagement counts."""

    model_config = ConfigDict(extra="forbid")

    platform: str
    native_id: str
    creator_id: str = Field(description="Stable id of the author, platform:native_id")
    url: str | None = None
    created_at: AwareDatetime | None = None
    text: str | None = Field(default=None, description="Plain text, or None when not stored")
    language: str | None = None
    likes: Count = None
    replies: Count = None
    reposts: Count = None
    quotes: Count = None
    views: Count = None
    hashtags: list[str] = Field(default_factory=list)
    mentions: list[CreatorRef] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    is_reply: bool = False
    is_repost: bool = False
    sponsored: bool | None = Field(
        default=None,
        description="The platform's own paid-content flag (a paid-partnership or branded-"
        "content label, YouTube paidProductPlacementDetails): True or False where the API "
        "exposes one, None where it does not",
    )
    adult: bool | None = Field(
        default=None,
        description="The platform's own adult-content flag (Reddit over_18): True or False "
        "where the API exposes one, None where it does not; brand safety reads it",
    )
    provenance: Provenance

    _accept_dump = model_validator(mode="before")(_drop_computed_id)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """The stable id of the post, ``platform:native_id``."""
        return f"{self.platform}:{self.native_id}"

    @property
    def interactions(self) -> int | None:
        """likes + replies + reposts + quotes, or ``None`` when none of them is known."""
        parts = [self.likes, self.replies, self.reposts, self.quotes]
        known = [p for p in parts if p is not None]
        return sum(known) if known else None
