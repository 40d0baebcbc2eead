"""``scout niches``: the niche definitions."""

from __future__ import annotations

import click

from creatorscout.cli.common import fail, table
from creatorscout.config import ConfigError, list_niches, load_niche


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

    try:
        niche = load_niche(name)
    except ConfigError as exc:
        fail(str(exc), 2)
    click.echo(yaml.safe_dump(niche.model_dump(), allow_unicode=True, sort_keys=False))
