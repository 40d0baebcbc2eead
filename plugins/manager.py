"""The plugin manager: loads built-in and third-party plugins, safely.

Built-in plugins are registered through exactly the same path as third-party ones: each is a
module with ``@hookimpl`` functions. Third-party plugins arrive through the entry-point group
``creatorscout``. Entry points are loaded in our own loop (pluggy's
``load_setuptools_entrypoints`` does not guard ``ep.load()``): a plugin that fails to import
or to register is reported by name and version and skipped, unless strict mode is on.

Nothing is loaded at import time; call :func:`get_plugin_manager`.
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy

from creatorscout import __version__
from creatorscout.plugins import hookspecs
from creatorscout.plugins.platform import Platform

ENTRY_POINT_GROUP = "creatorscout"
BUILTIN_PLUGINS: tuple[str, ...] = (
    "creatorscout.plugins.mastodon",
    "creatorscout.plugins.bluesky",
    "creatorscout.plugins.peertube",
    "creatorscout.plugins.github",
    "creatorscout.plugins.youtube",
    "creatorscout.plugins.reddit",
    "creatorscout.plugins.twitch",
    "creatorscout.plugins.podcasts",
    "creatorscout.plugins.website",
)
ENV_ALLOW = "CREATORSCOUT_PLUGINS"
ENV_DISABLE = "CREATORSCOUT_DISABLE_PLUGINS"
ENV_STRICT = "CREATORSCOUT_STRICT_PLUGINS"


class PluginError(Exception):
    """A plugin broke the contract. The message names the plugin and what to fix."""


@dataclass
class PluginInfo:
    """What ``scout plugins list`` shows for one plugin."""

    name: str
    version: str
    module: str
    builtin: bool
    platforms: list[str] = field(default_factory=list)
    hooks: list[str] = field(default_factory=list)


@dataclass
class LoadError:
    """A plugin that could not be loaded, and why."""

    name: str
    version: str
    error: str

    def __str__(self) -> str:
        return (
            f"plugin '{self.name}' ({self.version}) was skipped: {self.error}; fix the plugin "
            f"(`scout plugins check`), or set {ENV_DISABLE}={self.name} to stop loading it"
        )


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


class PluginHost:
    """A typed facade over the pluggy manager: one method per hook, checked call sites."""

    def __init__(self, strict: bool = False) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.strict = strict
        self.errors: list[LoadError] = []
        self.infos: dict[str, PluginInfo] = {}
        self._platforms: dict[str, type[Platform]] = {}
        self._allow = _names_from_env(ENV_ALLOW)
        self._deny = _names_from_env(ENV_DISABLE) or set()

    # -- loading ----------------------------------------------------------------------

    def _wanted(self, name: str) -> bool:
        if name in self._deny:
            return False
        return self._allow is None or name in self._allow

    def _fail(self, name: str, version: str, error: str) -> None:
        problem = LoadError(name=name, version=version, error=error)
        if self.strict:
            raise PluginError(str(problem))
        self.errors.append(problem)

    def register_module(
        self, module: ModuleType | object, name: str, version: str, builtin: bool = False
    ) -> bool:
        """Register one plugin object and collect its platforms. False when it failed."""
        if not self._wanted(name):
            return False
        try:
            self.pm.register(module, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            self._fail(name, version, f"invalid hook implementation: {exc}")
            return False
        unknown = sorted(caller.name for caller in self.pm.get_hookcallers(module) or []
                         if caller.spec is None)
        if unknown:  # pluggy accepts them silently; a misspelled hook would never run
            self.pm.unregister(module)
            self._fail(name, version, _unknown_hook(unknown[0]))
            return False
        info = PluginInfo(
            name=name,
            version=version,
            module=getattr(module, "__name__", type(module).__name__),
            builtin=builtin,
            hooks=[impl.name for impl in self.pm.get_hookcallers(module) or []],
        )
        registered: list[type[Platform]] = []

        def register(platform: type[Platform]) -> None:
            if not (isinstance(platform, type) and issubclass(platform, Platform)):
                raise PluginError(
                    f"plugin '{name}': register_platforms registered {platform!r}, "
                    "which is not a subclass of creatorscout.plugins.Platform"
                )
            platform_name = getattr(platform, "name", None)
            if not isinstance(platform_name, str) or not platform_name:
                raise PluginError(
                    f"plugin '{name}': platform class {platform.__name__} has no `name`; "
                    "set a class attribute such as name = 'lemmy'"
                )
            missing = sorted(getattr(platform, "__abstractmethods__", ()))
            if missing:
                raise PluginError(
                    f"plugin '{name}': platform class {platform.__name__} does not implement "
                    f"{', '.join(missing)}; every Platform must (see docs/plugins.md)"
                )
            if not isinstance(getattr(platform, "default_base_url", None), str):
                raise PluginError(
                    f"plugin '{name}': platform class {platform.__name__} has no "
                    "`default_base_url`; set it to the live API's https:// URL"
                )
            if platform_name in self._platforms:
                other = self._platforms[platform_name].plugin_name
                raise PluginError(
                    f"plugin '{name}': platform name '{platform_name}' is already registered "
                    f"by plugin '{other}'; choose another name"
                )
            registered.append(platform)

        try:
            hook = self.pm.hook.register_platforms
            impls = [i for i in hook.get_hookimpls() if i.plugin is module]
            for impl in impls:
                # Called per plugin (not through pm.hook) so that every registration and
                # every failure is attributed to the plugin that made it.
                offered = {"register": register}
                impl.function(*[offered[arg] for arg in impl.argnames])
        except Exception as exc:  # a broken plugin must not take the host down
            self.pm.unregister(module)
            self._fail(name, version, f"register_platforms failed: {type(exc).__name__}: {exc}")
            return False
        for platform in registered:
            platform.plugin_name = name
            platform.plugin_version = version
            self._platforms[platform.name] = platform
            info.platforms.append(platform.name)
        self.infos[name] = info
        return True

    def load_builtins(self, modules: Iterable[str] = BUILTIN_PLUGINS) -> None:
        """Load the built-in plugins, registered exactly as third-party ones are."""
        for module_name in modules:
            short = module_name.rsplit(".", 1)[-1]
            if not self._wanted(short):
                continue
            try:
                module = importlib.import_module(module_name)
            except Exception as exc:
                self._fail(short, __version__, f"import failed: {type(exc).__name__}: {exc}")
                continue
            self.register_module(module, short, __version__, builtin=True)

    def load_entrypoints(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load third-party plugins from the entry-point group, each guarded."""
        for ep in entry_points(group=group):
            self._load_entrypoint(ep)

    def _load_entrypoint(self, ep: EntryPoint) -> None:
        dist = ep.dist
        version = dist.version if dist is not None else "unknown"
        if not self._wanted(ep.name):
            return
        if ep.name in self.infos:
            self._fail(ep.name, version, "a plugin with this name is already loaded")
            return
        try:
            module = ep.load()
        except Exception as exc:
            self._fail(ep.name, version, f"import failed: {type(exc).__name__}: {exc}")
            return
        self.register_module(module, ep.name, version)

    # -- typed queries ----------------------------------------------------------------

    def platforms(self) -> dict[str, type[Platform]]:
        """Registered platform classes by platform name."""
        return dict(self._platforms)

    def platform(self, name: str) -> type[Platform]:
        """One platform class; a clear error names the known ones."""
        try:
            return self._platforms[name]
        except KeyError:
            known = ", ".join(sorted(self._platforms)) or "none"
            raise PluginError(
                f"unknown platform '{name}'; installed platforms: {known} "
                "(see `scout plugins list`)"
            ) from None

    def plugins(self) -> list[PluginInfo]:
        return sorted(self.infos.values(), key=lambda info: (not info.builtin, info.name))

    def empty_plugins(self) -> list[str]:
        """One line per loaded plugin that registered no platform (it does nothing)."""
        return [
            f"plugin '{info.name}' ({info.version}) registers no platform; its "
            "register_platforms hook must call register(YourPlatform)"
            for info in self.plugins() if not info.platforms
        ]


def _unknown_hook(hook: str) -> str:
    known = hookspecs.HOOKS
    close = difflib.get_close_matches(hook, known, n=1)
    hint = f"did you mean {close[0]}?" if close else f"creatorscout's hooks: {', '.join(known)}"
    return f"hook implementation '{hook}' matches no creatorscout hook ({hint})"


def get_plugin_manager(
    *, builtins: bool = True, entrypoints: bool = True, strict: bool | None = None
) -> PluginHost:
    """Build a plugin host. Tests build their own with ``entrypoints=False``."""
    if strict is None:
        strict = os.environ.get(ENV_STRICT, "") not in ("", "0", "false")
    host = PluginHost(strict=strict)
    if builtins:
        host.load_builtins()
    if entrypoints:
        host.load_entrypoints()
    return host
