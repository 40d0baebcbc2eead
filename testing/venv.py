"""Fresh virtual environments for installing a plugin the way its users will, offline.

:func:`overlay_venv` makes a new, empty virtual environment and lets it *see* the packages
of the running environment (creatorscout, pytest, pip, setuptools...) through a ``.pth``
file, after its own site-packages. :func:`pip_install` then installs a plugin project into
the new environment with pip, without downloading anything (``--no-index --no-deps
--no-build-isolation``): the plugin becomes a real installed distribution, with its own
metadata and entry points, that the host finds exactly as it would after a user's
``pip install``.
"""

from __future__ import annotations

import os
import subprocess
import sysconfig
import venv
from pathlib import Path


def _python(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def overlay_venv(folder: Path) -> Path:
    """Create a virtual environment in ``folder`` that also sees this environment's
    packages; return its Python."""
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", clear=True).create(folder)
    python = _python(folder)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    # `site.addsitedir` (not a bare path line) so the .pth files in our site-packages,
    # e.g. an editable install's path hook, are processed too.
    lines = [f"import site; site.addsitedir({path!r})" for path in ours]
    Path(purelib, "_creatorscout_overlay.pth").write_text("\n".join(lines) + "\n")
    return python


def pip_install(
    python: Path, project: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``pip install`` the project folder into the environment of ``python``, offline.

    Builds in the project folder (pip builds in-tree): pass a copy, not a source tree you
    want to keep clean."""
    return subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
         "--no-build-isolation", "--disable-pip-version-check", str(project)],
        capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PIP_NO_INPUT": "1"},
    )


def run_python(python: Path, *args: str, cwd: Path | None = None, timeout: float = 300,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` (e.g. ``-m pytest``) with a clean environment for that venv."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean["VIRTUAL_ENV"] = str(python.parent.parent)
    return subprocess.run([str(python), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env={**clean, **(env or {})}, stdin=subprocess.DEVNULL)


__all__ = ["overlay_venv", "pip_install", "run_python"]
