"""``scout niches``: the niche definitions."""

from __future__ import annotations

import sys

import click

from creatorscout.cli.common import fail, table
from creatorscout.config import ConfigError, load_niche, niche_names, niche_warnings


@click.group()
def niches() -> None:
    """Niche definitions (config/niches/*.yaml and $CREATORSCOUT_CONFIG/niches)."""


@niches.command("list")
def niches_list() -> None:
    """Every niche; a broken file is listed as broken (exit 2) and the others still are."""
    try:
        names = niche_names()
    except ConfigError as exc:
        fail(str(exc), 2)
    rows = [("niche", "languages", "hashtags", "title")]
    broken = []
    for name in names:
        try:
            niche = load_niche(name)
        except ConfigError as exc:
            rows.append((name, "-", "-", "BROKEN (see below)"))
            broken.append(str(exc))
            continue
        rows.append((niche.name, ",".join(niche.languages), str(len(niche.hashtags)),
                     niche.title))
    click.echo(table(rows))
    for problem in broken:
        click.echo(f"scout: error: {problem}", err=True)
    if broken:
        sys.exit(2)


@niches.command("show")
@click.argument("name")
def niches_show(name: str) -> None:
    """Print a niche's definition as YAML."""
    import yaml

    from creatorscout.plugins.manager import get_plugin_manager
    from creatorscout.plugins.options import load_checked_niche

    try:
        platforms = get_plugin_manager().platforms()
    except Exception:  # a broken plugin set-up is `scout plugins list`'s to report
        platforms = None
    try:  # the plugin options too: a typo in platforms.<name> is caught here
        niche = (load_checked_niche(name, platforms) if platforms is not None
                 else load_niche(name))
    except ConfigError as exc:
        fail(str(exc), 2)
    click.echo(yaml.safe_dump(niche.model_dump(), allow_unicode=True, sort_keys=False))
    installed = list(platforms) if platforms is not None else None
    for warning in niche_warnings(niche, installed):
        click.echo(f"scout: warning: {warning}", err=True)
