"""Load and validate the YAML configuration.

Shipped defaults live next to this module (package data). A user overrides or adds files
in a directory named by ``CREATORSCOUT_CONFIG`` (same layout: ``niches/*.yaml``,
``tiers.yaml``, ``scoring.yaml``); a niche can also be given as a path to a YAML file.
Every mistake becomes a :class:`ConfigError` whose message is one line naming the file,
the YAML path and what to fix.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from creatorscout.config.schema import MarkerConfig, Niche, ScoringConfig, TierConfig

ENV_CONFIG_DIR = "CREATORSCOUT_CONFIG"
M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 1024 * 1024
"""A config file larger than this is refused (ours are a few KB)."""
MAX_ALIASES = 20
"""YAML aliases allowed in one file: a few are handy, thousands are an alias bomb."""
MAX_DEPTH = 50
"""Levels of nesting allowed in one file (ours use 3 or 4)."""


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses alias bombs and absurd nesting while composing,
    before anything is built (PyYAML itself recurses, and validating an alias bomb's
    shared nodes takes exponential time and memory)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # PyYAML keeps the last of two equal keys silently: the first one's values are lost
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name)",
                    self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class ConfigError(ValueError):
    """A configuration mistake, with a one-line message that says what to fix."""


class UnknownNiche(ConfigError):
    """The user named a niche that does not exist (a usage error, not a broken file)."""


def _shipped_dir() -> Path:
    return Path(str(resources.files("creatorscout.config")))


def config_dirs() -> list[Path]:
    """Directories searched for configuration, highest priority first."""
    dirs = []
    user = os.environ.get(ENV_CONFIG_DIR)
    if user:
        folder = Path(user).expanduser()
        if not folder.is_dir():
            raise ConfigError(f"{ENV_CONFIG_DIR}={user}: no such folder; create it or unset "
                              f"{ENV_CONFIG_DIR}")
        dirs.append(folder)
    dirs.append(_shipped_dir())
    return dirs


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _read_yaml(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024} KiB; a config file "
                              "is a few KB")
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") \
            from None
    try:
        loader = _BoundedLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except RecursionError:
        raise ConfigError(f"{path}: nested too deep; fix the YAML") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}:{where}: {problem}; fix the YAML syntax") from exc


def validate_file(path: Path, model: type[M]) -> M:
    """Parse ``path`` as YAML and validate it as ``model``, or raise ConfigError."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _yaml_path(tuple(first["loc"]))
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(model.model_fields))
            message = f"unknown key; allowed keys here include: {allowed}"
        elif first["type"] == "missing":
            message = "required key is missing; add it"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{path}: {where}: {message}{more}") from exc


def _niche_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in reversed(config_dirs()):  # later (higher-priority) dirs win
        niche_dir = directory / "niches"
        if niche_dir.is_dir():
            for path in sorted(niche_dir.glob("*.yaml")):
                found[path.stem] = path
    return found


def niche_warnings(niche: Niche, platforms: list[str] | None = None) -> list[str]:
    """What is probably a mistake in a valid niche (said as warnings, one line each):
    keywords in a language the niche does not list, and (given the installed
    ``platforms``) option or seed sections for platforms nobody installed."""
    found = []
    if not niche.keywords and not niche.hashtags:
        found.append(f"niche '{niche.name}': no keywords or hashtags, only seeds: discovery "
                     "finds nobody beyond them and relevance cannot be measured")
    listed = set(niche.languages)
    for code in sorted(set(niche.keywords) - listed) if listed else []:
        found.append(f"niche '{niche.name}': keywords in '{code}', which is not in its "
                     f"languages ({', '.join(niche.languages)}); add it or drop them")
    if platforms is not None:
        for section, names in (("platforms", niche.platforms), ("seeds", niche.seeds)):
            for name in sorted(set(names) - set(platforms)):
                found.append(f"niche '{niche.name}': {section}.{name}: no such platform "
                             f"installed ({', '.join(sorted(platforms))}); it is ignored")
    return found


def niche_names() -> list[str]:
    """The names of every niche file available (without loading them), sorted."""
    return sorted(_niche_files())


def list_niches() -> list[Niche]:
    """Every niche available, validated, sorted by name."""
    return [load_niche(name) for name in sorted(_niche_files())]


def niche_file(name_or_path: str) -> Path:
    """The YAML file of a niche given by name (``vegan-cooking``) or path."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or os.sep in name_or_path:
        if not candidate.is_file():
            raise UnknownNiche(f"{name_or_path}: no such niche file")
        return candidate
    files = _niche_files()
    if name_or_path not in files:
        known = ", ".join(sorted(files)) or "none"
        raise UnknownNiche(
            f"unknown niche '{name_or_path}'; known niches: {known} "
            f"(or pass a path to a niche YAML file)"
        )
    return files[name_or_path]


def load_niche(name_or_path: str) -> Niche:
    """A niche by name (``vegan-cooking``) or by path to its YAML file."""
    path = niche_file(name_or_path)
    niche = validate_file(path, Niche)
    if path.stem == name_or_path and niche.name != name_or_path:
        raise ConfigError(
            f"{path}: name: '{niche.name}' does not match the file name; "
            f"rename the file or set name: {name_or_path}"
        )
    return niche


def _first_existing(filename: str) -> Path:
    for directory in config_dirs():
        path = directory / filename
        if path.is_file():
            return path
    raise ConfigError(f"{filename}: not found in {', '.join(map(str, config_dirs()))}")


def load_tiers() -> TierConfig:
    """The tier schemes (``tiers.yaml``)."""
    return validate_file(_first_existing("tiers.yaml"), TierConfig)


def load_scoring() -> ScoringConfig:
    """Scoring weights and benchmarks (``scoring.yaml``)."""
    return validate_file(_first_existing("scoring.yaml"), ScoringConfig)


def load_markers() -> MarkerConfig:
    """Sponsored-content disclosure markers per language (``markers.yaml``)."""
    return validate_file(_first_existing("markers.yaml"), MarkerConfig)
