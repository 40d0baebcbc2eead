"""Every call into a platform plugin goes through :func:`guarded`.

A plugin is third-party code: one platform's bug must not end the crawl, drop the other
creators of the same response, or hide behind Scrapy's generic ``spider_exceptions``
counter. :func:`guarded` runs one plugin call; when it raises anything but the exceptions
the contract allows (``MalformedResponse`` from ``parse``), it counts
``creatorscout/plugin_errors/<platform>/<method>``, logs the traceback once with the
plugin's name, and raises :class:`PluginFailed` for the call site to carry on without it.

Lazy results (``discover``, ``profile_requests`` and ``posts_requests`` may be
generators) are materialised inside the guard, or their bugs would surface later,
outside it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from scrapy.statscollectors import StatsCollector

from creatorscout.plugins.platform import MalformedResponse, Platform

logger = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")
STAT = "creatorscout/plugin_errors"


class PluginFailed(Exception):
    """A plugin call raised; it is already counted and logged."""


def expect(
    stats: StatsCollector | None, platform: Platform, method: str, value: Any,
    kind: type | tuple[type, ...], about: str = "",
) -> None:
    """Count and report a plugin call whose result is not what the contract says
    (``parse()`` returning ``None``, ``discover()`` yielding URLs instead of requests).

    :raises PluginFailed: when ``value`` is not an instance of ``kind``.
    """
    if isinstance(value, kind):
        return
    if stats is not None:
        stats.inc_value(plugin_error_key(platform.name, method))
    names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
    logger.error("plugin %s (%s): %s()%s returned %s, not a %s; it is left out",
                 platform.plugin_name, platform.name, method, f" on {about}" if about else "",
                 type(value).__name__, names)
    raise PluginFailed(method)


def plugin_error_key(platform: str, method: str) -> str:
    """The stats key that counts one platform method's failures."""
    return f"{STAT}/{platform}/{method}"


def listed(method: Callable[P, Iterable[T]]) -> Callable[P, list[T]]:
    """``method`` with its (possibly lazy) result read to the end, for :func:`guarded`."""

    def call(*args: P.args, **kwargs: P.kwargs) -> list[T]:
        return list(method(*args, **kwargs))

    return call


def guarded(
    stats: StatsCollector | None, platform: Platform, method: str, about: str,
    call: Callable[P, T], *args: P.args, **kwargs: P.kwargs,
) -> T:
    """``call(*args, **kwargs)`` (one call of ``platform.<method>``), isolated.

    Lazy results must be read inside: pass ``listed(platform.discover)``, not the bound
    generator method. ``about`` (a URL, a creator id) is named in the log line.

    :raises MalformedResponse: from ``parse`` only, passed through (the contract lets
        ``parse`` raise it); from any other method it is a plugin error like the rest.
    :raises PluginFailed: for anything else the plugin raised.
    """
    try:
        return call(*args, **kwargs)
    except Exception as exc:
        if method == "parse" and isinstance(exc, MalformedResponse):
            raise  # the contract's way to say "this body is unusable": counted apart
        if stats is not None:
            stats.inc_value(plugin_error_key(platform.name, method))
        logger.error(
            "plugin %s (%s) failed in %s()%s: %s: %s; its result is left out (run `scout "
            "plugins check`)", platform.plugin_name, platform.name, method,
            f" on {about}" if about else "", type(exc).__name__, exc, exc_info=exc,
        )
        raise PluginFailed(method) from exc
