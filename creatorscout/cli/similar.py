"""``scout similar``: creators like this one, with the reasons."""

from __future__ import annotations

import click

from creatorscout.cli.common import INDEX_HELP, fail, table


@click.command()
@click.argument("creator")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--platform", default=None, help="Only lookalikes on this platform.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def similar(creator: str, limit: int, platform: str | None, fmt: str,
            index_url: str | None) -> None:
    """Creators like CREATOR (an id or handle): shared distinctive words, mentions and
    community, closeness in tier, engagement and language."""
    from creatorscout.api.service import Ambiguous, Catalog, NotFound
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL

    catalog = Catalog(index_url, readers=1)
    try:
        results = catalog.similar(creator, limit=limit, platform=platform)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except Ambiguous as exc:
        fail(f"{exc}; give the full id", 2)
    except NotFound as exc:
        fail(f"{exc}; try `scout search {creator.split(':')[-1]}`", 2)
    except ValueError as exc:
        fail(str(exc))
    finally:
        catalog.close()
    if fmt == "json":
        click.echo(results.model_dump_json(indent=2))
        return
    click.echo(f"like {results.id} (distinctive words: "
               f"{', '.join(results.distinctive_terms) or 'none'}):")
    if not results.hits:
        click.echo("no lookalikes found")
        return
    rows = [("similarity", "creator", "tier", "followers", "why")]
    rows += [(f"{h.similarity:.2f}", h.id, h.tier,
              "-" if h.followers is None else str(h.followers), "; ".join(h.reasons))
             for h in results.hits]
    click.echo(table(rows))
