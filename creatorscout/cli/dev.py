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
@click.option("--url", required=True, help="The URL the response was fetched from.")
@click.option("--platform", default=None, help="Which plugin parses it (default: by URL).")
@click.option("--status", type=int, default=200, show_default=True)
def parse(file: Path, url: str, platform: str | None, status: int) -> None:
    """Print what the plugins extract from a saved response, as JSON lines."""
    from creatorscout.cli.parse_file import parse_saved_response

    try:
        for line in parse_saved_response(file, url, platform, status):
            click.echo(line)
    except ValueError as exc:
        fail(str(exc), 2)
