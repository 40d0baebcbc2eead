"""``scout plugins``: list, scaffold and check platform plugins."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from creatorscout.cli.common import fail, table


@click.group()
def plugins() -> None:
    """Installed platform plugins."""


@plugins.command("list")
def plugins_list() -> None:
    """Name, version and platforms of every plugin; plugins that failed to load."""
    from creatorscout.plugins.manager import PluginError, get_plugin_manager

    try:
        host = get_plugin_manager()
    except PluginError as exc:
        fail(str(exc))
    rows = [("plugin", "version", "platforms", "source")]
    for info in host.plugins():
        rows.append((info.name, info.version, ", ".join(info.platforms) or "-",
                     "built-in" if info.builtin else info.module))
    click.echo(table(rows))
    for problem in [*map(str, host.errors), *host.empty_plugins()]:
        click.echo(f"warning: {problem}", err=True)


@plugins.command("new")
@click.argument("name")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to create (default: ./creatorscout-NAME).")
@click.option("--title", default=None, help="The platform's human name (default: Name).")
def plugins_new(name: str, output: Path | None, title: str | None) -> None:
    """Write a ready plugin package for platform NAME: pyproject with the entry point, a
    Platform subclass to fill in, saved responses, tests using creatorscout.testing."""
    from creatorscout.testing.scaffold import ScaffoldError, render_plugin

    try:
        folder = render_plugin(name, output, title=title)
    except ScaffoldError as exc:
        fail(str(exc), 2)
    click.echo(f"wrote {folder}\nnext: cd {folder} && pip install -e '.[test]' && pytest")


@plugins.command("check")
@click.option("--platform", "platforms", multiple=True, help="Check only this platform.")
@click.option("--fixtures", multiple=True, metavar="P=DIR",
              help="Saved responses of platform P (default: tests/fixtures/P/).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Field-coverage baseline JSON (default: tests/field_coverage.json).")
@click.option("--update-baseline", is_flag=True, help="Write the coverage found to the baseline.")
@click.option("--fuzz", type=click.IntRange(min=0), default=0, metavar="N",
              help="Also parse N hostile versions of each platform's saved responses and "
                   "report every exception other than MalformedResponse.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --fuzz.")
def plugins_check(platforms: tuple[str, ...], fixtures: tuple[str, ...], baseline: Path | None,
                  update_baseline: bool, fuzz: int, seed: int) -> None:
    """Check every plugin: it loads, starts, discovers, classifies refusals; which fields
    its saved responses fill, and whether any dropped below the baseline. With --fuzz N,
    whether its parser keeps its contract on N damaged responses (exit 1 if not)."""
    from creatorscout.plugins.manager import PluginError, get_plugin_manager
    from creatorscout.testing.check import DEFAULT_BASELINE, check_platforms, report
    from creatorscout.testing.coverage import write_baseline

    folders: dict[str, Path] = {}
    for pair in fixtures:
        platform, sep, folder = pair.partition("=")
        if not sep or not platform or not folder:
            fail(f"--fixtures '{pair}': write it as PLATFORM=DIR", 2)
        folders[platform] = Path(folder)
    try:
        host = get_plugin_manager()
    except PluginError as exc:
        fail(str(exc))
    unknown = sorted((set(platforms) | set(folders)) - set(host.platforms()))
    if unknown:
        fail(f"unknown platform '{unknown[0]}'; installed platforms: "
             f"{', '.join(sorted(host.platforms())) or 'none'}", 2)
    if baseline is None and (DEFAULT_BASELINE.exists() or update_baseline):
        baseline = DEFAULT_BASELINE
    checks = check_platforms(host, fixtures=folders, baseline=None if update_baseline
                             else baseline, only=list(platforms) or None, fuzz=fuzz, seed=seed)
    for check in checks:
        click.echo(report(check))
    problems = [*map(str, host.errors), *host.empty_plugins()]
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if update_baseline and baseline is not None:
        measured = [c.coverage for c in checks if c.coverage is not None]
        write_baseline(baseline, measured)
        click.echo(f"baseline {baseline}: wrote {', '.join(c.platform for c in measured)}")
    if problems or not all(check.ok for check in checks):
        sys.exit(1)
