"""``scout niches``: the niche definitions."""

from __future__ import annotations

import click

from creatorscout.cli.common import fail, table
from creatorscout.config import ConfigError, list_niches


@click.group()
def niches() -> None:
    """Niche definitions (config/niches/*.yaml and $CREATORSCOUT_CONFIG/niches)."""


@niches.command("list")
def niches_list() -> None:
    try:
        rows = [("niche", "languages", "hashtags", "title")]
        for niche in list_niches():
            rows.append((niche.name, ",".join(niche.languages), str(len(niche.hashtags)),
                         niche.title))
    except ConfigError as exc:
        fail(str(exc))
    click.echo(table(rows))


@niches.command("show")
@click.argument("name")
def niches_show(name: str) -> None:
    """Print a niche's definition as YAML."""
    import yaml

    from creatorscout.plugins.manager import get_plugin_manager
    from creatorscout.plugins.options import load_checked_niche

    try:  # the plugin options too: a typo in platforms.<name> is caught here
        niche = load_checked_niche(name, get_plugin_manager().platforms())
    except ConfigError as exc:
        fail(str(exc), 2)
    click.echo(yaml.safe_dump(niche.model_dump(), allow_unicode=True, sort_keys=False))
