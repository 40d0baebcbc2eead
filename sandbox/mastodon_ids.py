"""Mastodon-style ids for the world's accounts and statuses, per server.

Mastodon ids are snowflakes: ``(milliseconds since the epoch << 16) | sequence``, sent as
strings. Every server numbers what it knows by itself, so the same person has a *different*
account id on each server (local accounts from their sign-up time, remote ones from when
that server first saw them), and so does the same status. Crawlers must key accounts by
``acct`` (``user@home.server``) or URI, never by id across servers.

Here the low bits carry the world's person index (scrambled), so ids decode back to people
without any lookup table, and status ids are the world's time-sortable post keys shifted
by a per-server delay, which keeps ``max_id`` pagination exact on every server.
"""

from __future__ import annotations

from typing import Final

from creatorscout.sandbox.people import ANCHOR_SEC, DAY, Person
from creatorscout.sandbox.vocab import INSTANCES

_BITS: Final = 20
_MASK: Final = (1 << _BITS) - 1
_MUL: Final = 0x9E3B5  # odd: a bijection on 20 bits
_MUL_INV: Final = pow(_MUL, -1, 1 << _BITS)
_ADD: Final = tuple((0x5A17 * (x + 3) * 7919) & _MASK for x in range(len(INSTANCES)))
STATUS_DELAY_MS: Final = tuple(0 if x == 0 else 1_000 + 1_237 * x for x in range(len(INSTANCES)))
"""How many milliseconds later than the world key each server's status ids run."""


def _mix(value: int) -> int:
    """A cheap 64-bit integer hash (splitmix64 finaliser)."""
    value = (value + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return value ^ (value >> 31)


def first_seen_sec(person: Person, instance: int) -> int:
    """When ``instance`` first knew the account: sign-up at home, later elsewhere."""
    if person.instance == instance:
        return person.created_sec
    span = max(DAY, ANCHOR_SEC - DAY - person.created_sec)
    return person.created_sec + 60 + _mix(person.index * 8 + instance) % span


def account_id(person: Person, instance: int) -> int:
    """The id of ``person`` on server ``instance``."""
    value = (person.index * _MUL + _ADD[instance]) & _MASK
    ms_sub = (value >> 16) + 16 * (_mix(person.index * 16 + instance + 7) % 62)
    return ((first_seen_sec(person, instance) * 1000 + ms_sub) << 16) | (value & 0xFFFF)


def account_index(raw_id: int, instance: int) -> int:
    """The person index encoded in an account id (check it with :func:`account_id`)."""
    millis = raw_id >> 16
    value = (((millis % 1000) % 16) << 16) | (raw_id & 0xFFFF)
    return ((value - _ADD[instance]) * _MUL_INV) & _MASK


def status_id(key: int, instance: int) -> int:
    """The id on ``instance`` of the post with world key ``key``."""
    return key + (STATUS_DELAY_MS[instance] << 16)


def status_key(raw_id: int, instance: int) -> int:
    """The world key of a status id on ``instance`` (inverse of :func:`status_id`)."""
    return raw_id - (STATUS_DELAY_MS[instance] << 16)


def parse_id(text: str | None) -> int | None:
    """A decimal id as an int, or ``None`` when it is not one."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > 20:
        return None
    return int(text)
