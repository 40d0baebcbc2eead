"""``scout sandbox`` and ``scout parse``: the offline world and saved responses."""

from __future__ import annotations

from pathlib import Path

import click

from creatorscout.cli.common import fail


@click.command()
@click.option("--port", type=int, default=0, show_default=True, help="0 picks a free port.")
@click.option("--creators", type=int, default=2000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--fail-every", type=int, default=0, help="Every Nth API request answers 429.")
@click.option("--latency-ms", type=click.IntRange(0, 60_000), default=0, show_default=True,
              help="Delay every answer this long, as a real network does.")
@click.option("--world", type=click.Choice(["main", "adversarial"]), default="main",
              show_default=True,
              help="The main world, or the adversarial one that grades the scorer "
              "(docs/adversarial-world.md).")
def sandbox(port: int, creators: int, seed: int, fail_every: int, latency_ms: int,
            world: str) -> None:
    """Serve the synthetic creator world on 127.0.0.1 (the platforms' API dialects)."""
    from creatorscout.sandbox.server import run

    run(port=port, creators=creators, seed=seed, fail_every=fail_every, latency_ms=latency_ms,
        world=world)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None,
              help="The URL the response was fetched from (default: the saved file's own).")
@click.option("--platform", default=None, help="Which plugin parses it (default: by URL).")
@click.option("--status", type=int, default=None,
              help="The HTTP status (default: the saved file's own, or 200).")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="A plugin option, as in the niche file's platforms section (repeatable; "
                   "needs --platform).")
def parse(file: Path, url: str | None, platform: str | None, status: int | None,
          options: tuple[str, ...]) -> None:
    """Print what the plugins extract from a saved response, as JSON lines."""
    from creatorscout.cli.parse_file import (
        ParseUsageError,
        json_lines,
        parse_options,
        parse_saved,
    )

    try:
        parsed = parse_saved(file, url, platform, status, parse_options(options))
    except ParseUsageError as exc:
        fail(str(exc), 2)
    for line in json_lines(parsed):
        click.echo(line)
