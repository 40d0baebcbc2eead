"""Hook specifications: the whole hook surface of creatorscout.

The surface is deliberately tiny (as in llm and tox): a plugin *registers* things through a
``register_*`` hook, and the typed base classes carry the real contract. A platform plugin
is a module or package with functions decorated with :data:`hookimpl`::

    from creatorscout.plugins import hookimpl, Platform

    class Lemmy(Platform):
        name = "lemmy"
        ...

    @hookimpl
    def register_platforms(register):
        register(Lemmy)

and, for a third-party distribution, an entry point in the ``creatorscout`` group::

    [project.entry-points.creatorscout]
    lemmy = "creatorscout_lemmy"

Rules that hold for every hook:

* Do not rely on the order in which implementations run (pluggy calls them
  last-registered-first).
* Hook implementations may ask for fewer arguments than the spec names, never more;
  arguments with default values are *not* passed (pluggy's "opt-in arguments").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from creatorscout.plugins.platform import Platform

PROJECT = "creatorscout"

#: The type of the ``register`` argument of :func:`register_platforms`.
Register = Callable[[type["Platform"]], None]

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Decorator for hook implementations in plugins."""


@hookspec
def register_platforms(register: Register) -> None:
    """Register the platforms this plugin provides.

    Call ``register(PlatformSubclass)`` once per platform. The class (not an instance) is
    registered: the crawler instantiates it with the user's settings (base URL, limits,
    options) for each crawl.

    :param register: takes a subclass of :class:`creatorscout.plugins.Platform`. It raises
        :class:`creatorscout.plugins.manager.PluginError` when the class is not a
        ``Platform`` subclass, has no ``name``, or its name is already taken by another
        plugin; the error names the plugin and the platform.
    :return: nothing; the return value is ignored.

    Added in 0.1.
    """


#: Every hook's name (a hook implementation with any other name is a load error).
HOOKS: tuple[str, ...] = tuple(
    name for name, value in list(globals().items()) if hasattr(value, f"{PROJECT}_spec")
)
