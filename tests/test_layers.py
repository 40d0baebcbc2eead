"""The layers (docs/architecture.md): dependencies run one way, and this test fails when an
import runs against them.

    config <- plugins <- scoring <- search <- crawler <- application (creatorscout/: cli...)

* a module imports only from its own layer and the layers below it;
* ``plugins`` and ``scoring`` import no Scrapy or Twisted (plugins describe requests,
  scoring is pure functions);
* nothing below the application layer imports ``sandbox`` or ``testing``;
* ``sandbox`` (the fake platforms) imports nothing of ours but itself;
* ``testing`` (the plugin authors' kit) may use every layer below the application, never
  the application itself.

Every import counts, also those inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
#: Folder -> (import name, layer). The application layer is the top.
LAYERS: dict[str, tuple[str, int]] = {
    "config": ("creatorscout.config", 0),
    "plugins": ("creatorscout.plugins", 1),
    "scoring": ("creatorscout.scoring", 2),
    "search": ("creatorscout.search", 3),
    "crawler": ("creatorscout.crawler", 4),
    "creatorscout": ("creatorscout", 5),
}
SIDE = {"sandbox": "creatorscout.sandbox", "testing": "creatorscout.testing"}
PURE = ("plugins", "scoring")
FRAMEWORKS = ("scrapy", "twisted")


def imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports, absolute, with its line number."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def layer_of(module: str) -> tuple[str, int] | None:
    """The folder and layer an import of ours belongs to (``None``: not ours)."""
    if module in ("creatorscout", "creatorscout.__version__") or not module.startswith(
        "creatorscout."
    ):
        return None  # the bare package holds only the version: everyone may read it
    for folder, name in SIDE.items():
        if module == name or module.startswith(f"{name}."):
            return folder, -1
    best: tuple[str, int] | None = None
    for folder, (name, layer) in LAYERS.items():
        if folder != "creatorscout" and (module == name or module.startswith(f"{name}.")):
            best = (folder, layer)
    return best or ("creatorscout", LAYERS["creatorscout"][1])


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def violations(folder: str) -> list[str]:
    problems = []
    own = LAYERS.get(folder, ("", 99))[1]
    for path in sources(folder):
        where = path.relative_to(ROOT)
        for line, module in imports(path):
            top = module.split(".")[0]
            if folder in PURE and top in FRAMEWORKS:
                problems.append(f"{where}:{line} imports {module} ({folder} stays free of it)")
            target = layer_of(module)
            if target is None:
                continue
            name, layer = target
            if folder == "sandbox":
                if name != "sandbox":
                    problems.append(f"{where}:{line} imports {module} (sandbox imports "
                                    "nothing of ours)")
            elif folder == "testing":
                if name == "creatorscout":
                    problems.append(f"{where}:{line} imports {module} (the kit never uses "
                                    "the application layer)")
            elif name in SIDE and folder != "creatorscout":
                problems.append(f"{where}:{line} imports {module} (only the application "
                                f"layer may use {name})")
            elif name not in SIDE and layer > own:
                problems.append(f"{where}:{line} imports {module}: {folder} (layer {own}) "
                                f"may not import {name} (layer {layer})")
    return problems


@pytest.mark.parametrize("folder", [*LAYERS, *SIDE])
def test_imports_follow_the_layers(folder: str) -> None:
    problems = violations(folder)
    assert not problems, "imports against the layers (docs/architecture.md):\n" + "\n".join(
        problems)


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch) -> None:
    # A scoring module that reaches up into the crawler, and one that imports Scrapy.
    fake = tmp_path / "scoring"
    fake.mkdir()
    (fake / "bad.py").write_text(
        "import scrapy\n\ndef f():\n    from creatorscout.crawler.spider import NicheSpider\n",
        encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    problems = violations("scoring")
    assert any("imports scrapy" in p for p in problems)
    assert any("may not import crawler" in p for p in problems)


def test_every_folder_has_a_layer() -> None:
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks"}
    assert packages <= set(LAYERS) | set(SIDE), packages - set(LAYERS) - set(SIDE)
