"""Register a plugin for the length of one test, through a real entry point.

The plugin gets a real (tiny) installed distribution: a ``*.dist-info`` folder with an
``entry_points.txt`` in the ``creatorscout`` group, on a temporary ``sys.path`` entry. The
plugin manager therefore finds it exactly as it finds a ``pip install``-ed plugin, in this
process and in the crawl child processes (which inherit ``sys.path``), and nothing in the
host is patched. Leaving the ``with`` block (or the test, with the ``scout_plugin``
fixture) removes the folder from ``sys.path``, forgets the modules it brought, and gives
the registered classes their old plugin name back, whatever happened in between.
"""

from __future__ import annotations

import importlib
import re
import shutil
import sys
import tempfile
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from creatorscout.plugins.platform import Platform

PluginTarget = type[Platform] | ModuleType | str


@dataclass
class RegisteredPlugin:
    """A plugin registered for one test: its name (as ``scout plugins list`` shows it),
    version, entry-point target and the folder that holds its distribution metadata."""

    name: str
    version: str
    target: str
    folder: Path
    modules: list[str] = field(default_factory=list)


def _dist_folder_name(name: str, version: str) -> str:
    return f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"


def _write_dist(folder: Path, name: str, version: str, target: str) -> None:
    info = folder / _dist_folder_name(name, version)
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(f"[creatorscout]\n{name} = {target}\n", encoding="utf-8")


def _shim_for(platform: type[Platform], folder: Path) -> str:
    """A module with a ``register_platforms`` hook registering ``platform``."""
    if "<locals>" in platform.__qualname__ or "." in platform.__qualname__:
        raise TypeError(
            f"{platform.__qualname__}: define the Platform subclass at module level, so the "
            "plugin manager (and a crawl child process) can import it"
        )
    module = f"_creatorscout_shim_{re.sub(r'[^a-z0-9]', '_', platform.name)}_{uuid.uuid4().hex[:8]}"
    source = f"""
        from creatorscout.plugins import hookimpl
        from {platform.__module__} import {platform.__qualname__} as platform


        @hookimpl
        def register_platforms(register):
            register(platform)
    """
    (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return module


@contextmanager
def registered_plugin(
    plugin: PluginTarget,
    *,
    name: str | None = None,
    version: str = "0.0.0",
    source: str | None = None,
) -> Iterator[RegisteredPlugin]:
    """Make ``plugin`` an installed plugin until the block ends.

    ``plugin`` is a :class:`Platform` subclass defined at module level (a hook module is
    written for it), a module with ``@hookimpl`` functions, or an entry-point target
    string (``"package.module"`` or ``"package.module:object"``). With ``source``, the
    module named by ``plugin`` (a string) is written from that source first: handy for a
    plugin that is broken on purpose. ``name`` defaults to ``test-<platform>`` or the
    module's last part.
    """
    folder = Path(tempfile.mkdtemp(prefix="creatorscout-plugin-"))
    modules: list[str] = []
    saved_names: list[tuple[type[Platform], dict[str, Any]]] = []
    if isinstance(plugin, type) and issubclass(plugin, Platform):
        target = _shim_for(plugin, folder)
        modules.append(target)
        name = name or f"test-{plugin.name}"
        saved_names.append((plugin, {k: plugin.__dict__.get(k) for k in
                                     ("plugin_name", "plugin_version")}))
    elif isinstance(plugin, ModuleType):
        target = plugin.__name__
        name = name or target.rsplit(".", 1)[-1]
    else:
        target = str(plugin)
        name = name or target.split(":")[0].rsplit(".", 1)[-1]
        if source is not None:
            module_name = target.split(":")[0]
            if "." in module_name:
                raise ValueError(f"{module_name}: a plugin written from source is one module")
            (folder / f"{module_name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
            modules.append(module_name)
    _write_dist(folder, name, version, target)
    sys.path.insert(0, str(folder))
    importlib.invalidate_caches()
    try:
        yield RegisteredPlugin(name=name, version=version, target=target, folder=folder,
                               modules=modules)
    finally:
        while str(folder) in sys.path:
            sys.path.remove(str(folder))
        for module_name in modules:
            sys.modules.pop(module_name, None)
        for cls, attrs in saved_names:
            for attr, value in attrs.items():
                if value is None:
                    if attr in cls.__dict__:
                        delattr(cls, attr)
                else:
                    setattr(cls, attr, value)
        importlib.invalidate_caches()
        shutil.rmtree(folder, ignore_errors=True)
