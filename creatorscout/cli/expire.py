"""``scout index expire``: remove a platform's creators not refreshed for a given age
(YouTube's API policies: stored API data is refreshed or deleted within 30 days)."""

from __future__ import annotations

import click

from creatorscout.cli.common import INDEX_HELP, fail


@click.command("expire")
@click.option("--platform", required=True, help="Whose creators, e.g. youtube.")
@click.option("--older-than", "older_than", required=True, metavar="AGE",
              help="Last observed longer ago than this: 30d, 12h, 2w.")
@click.option("--dry-run", is_flag=True, help="Count them, delete nothing.")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_expire(platform: str, older_than: str, dry_run: bool, index_url: str | None) -> None:
    """Delete PLATFORM's creators (all their records) last observed longer ago than AGE.
    Run `scout index expire --platform youtube --older-than 30d` daily, or recrawl."""
    from creatorscout.search.backend import IndexOpenError, open_index
    from creatorscout.search.expire import expire, expired, parse_age

    try:
        age = parse_age(older_than)
    except ValueError as exc:
        fail(f"--older-than: {exc}", 2)
    try:
        with open_index(index_url, create=False) as opened:
            count = (len(expired(opened, platform, age)) if dry_run
                     else expire(opened, platform, age))
    except IndexOpenError as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{platform}: {verb} {count} creators last observed more than {older_than} ago")
