"""Removing stored platform data past its keep-by age.

The YouTube API Services Developer Policies allow keeping API data for at most 30 days
unless it is refreshed: a creator last observed (``provenance.observed_at`` of its newest
stored profile) longer ago than that is deleted, all its records with it. A crawl that
reads the creator again refreshes it instead.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from creatorscout.plugins.models import utc_now
from creatorscout.search.backend import Index

_AGE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """``30d``, ``12h`` or ``2w`` as a duration; :class:`ValueError` otherwise."""
    match = _AGE.match(text.lower())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"'{text}' is not an age such as 30d, 12h or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def expired(index: Index, platform: str, older_than: timedelta,
            now: datetime | None = None) -> list[str]:
    """Ids of ``platform``'s creators whose newest stored profile is older than that."""
    cutoff = (now or utc_now()) - older_than
    return [creator.id for creator in index.iter_creators()
            if creator.platform == platform and creator.provenance.observed_at < cutoff]


def expire(index: Index, platform: str, older_than: timedelta,
           now: datetime | None = None) -> int:
    """Delete every expired creator of ``platform`` (see :func:`expired`); how many."""
    ids = expired(index, platform, older_than, now)  # read everything before deleting
    return sum(1 for creator_id in ids if index.delete(creator_id))
