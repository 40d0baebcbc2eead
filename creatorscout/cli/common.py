"""What every ``scout`` command shares: the one-line failure, the index option's help, tables."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click
from pydantic import ValidationError

INDEX_HELP = (
    "Index URL: sqlite:///path.db or http(s)://host:9200 for Elasticsearch "
    "(default ./creatorscout.db or $CREATORSCOUT_INDEX)"
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and exit (2: usage or config mistake, 1: failure)."""
    click.echo(f"scout: error: {message}", err=True)
    sys.exit(code)


def validation_message(exc: ValidationError) -> str:
    """The first pydantic error as ``option-name: what is wrong``."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "argument"
    return f"{where.replace('_', '-')}: {first['msg'].removeprefix('Value error, ')}"


def complete_pending_passes(index: object) -> None:
    """Finish the crawl-end passes an interrupted crawl left pending in ``index`` (issue 17),
    saying so on stderr; every command that reads or writes the index calls it first."""
    from creatorscout.crawler.pending import complete_pending
    from creatorscout.search.backend import Index

    if isinstance(index, Index):
        for niche in complete_pending(index):
            click.echo(f"scout: completed the crawl-end pass of '{niche}' left pending by an "
                       "interrupted crawl", err=True)


def table(rows: Sequence[tuple[str, ...]]) -> str:
    """Left-aligned columns, two spaces apart."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
