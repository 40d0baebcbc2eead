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
        dirs.append(Path(user).expanduser())
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
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        return yaml.safe_load(text)
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
