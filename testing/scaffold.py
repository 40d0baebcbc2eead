"""``scout plugins new NAME``: render the plugin template into a new folder.

The template (``creatorscout/testing/template/``, package data) is a complete, tested plugin
for an imaginary JSON API: a ``Platform`` subclass with every part to fill in marked
``TODO``, saved responses in the shapes it expects, contract and parser tests using
:mod:`creatorscout.testing`, a pyproject with the entry point and a README. Its tests pass
as rendered, so an author starts from green and changes one thing at a time.

File and folder names and contents may hold these placeholders:

``@@NAME@@`` platform name (``my-site``), ``@@PACKAGE@@`` import name
(``creatorscout_my_site``), ``@@DIST@@`` distribution (``creatorscout-my-site``),
``@@CLASS@@`` class name (``MySite``), ``@@TITLE@@`` human name, ``@@ENV@@`` the prefix of
its environment variables (``MY_SITE``), ``@@CS_VERSION@@`` this creatorscout's version.
Files end in ``.tmpl`` so no tool mistakes the template for code.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from creatorscout import __version__

NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SUFFIX = ".tmpl"


class ScaffoldError(ValueError):
    """A usage mistake: the message says what to fix."""


def placeholders(name: str, title: str | None = None) -> dict[str, str]:
    """The values substituted for a platform called ``name``."""
    if not NAME.match(name):
        raise ScaffoldError(
            f"'{name}' is not a platform name: use lower-case letters, digits and single "
            "hyphens, starting with a letter (e.g. 'lemmy' or 'my-site')"
        )
    parts = name.split("-")
    base_version = re.match(r"\d+(\.\d+)*", __version__)
    return {
        "@@NAME@@": name,
        "@@PACKAGE@@": "creatorscout_" + "_".join(parts),
        "@@DIST@@": f"creatorscout-{name}",
        "@@CLASS@@": "".join(part.capitalize() for part in parts),
        "@@TITLE@@": title or " ".join(part.capitalize() for part in parts),
        "@@ENV@@": "_".join(parts).upper(),
        "@@CS_VERSION@@": base_version.group(0) if base_version else "0",
    }


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def template_root() -> Traversable:
    return resources.files("creatorscout.testing") / "template"


def _walk(node: Traversable, relative: Path) -> list[tuple[Path, Traversable]]:
    files = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.name == "__pycache__":
            continue
        if child.is_dir():
            files += _walk(child, relative / child.name)
        elif child.name.endswith(SUFFIX):
            files.append((relative / child.name[: -len(SUFFIX)], child))
    return files


def render_plugin(name: str, output: Path | None = None, *, title: str | None = None) -> Path:
    """Write the plugin package for ``name`` into ``output`` (default ``./creatorscout-NAME``)
    and return the folder. Refuses to write into a folder that exists and is not empty."""
    values = placeholders(name, title)
    folder = Path(output) if output is not None else Path(values["@@DIST@@"])
    if folder.exists() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} already exists and is not empty; choose --output")
    files = _walk(template_root(), Path())
    if not files:
        raise ScaffoldError("the plugin template is missing from this installation")
    for relative, source in files:
        target = folder / _fill(str(relative), values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_fill(source.read_text(encoding="utf-8"), values), encoding="utf-8")
    return folder
