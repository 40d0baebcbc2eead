"""``scout index``: stats, regroup, copy, and check / repair of a damaged embedded index."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

from creatorscout.cli.common import INDEX_HELP, fail


@click.group()
def index() -> None:
    """The search index."""


@index.command("stats")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_stats(index_url: str | None) -> None:
    """Creators, records, niches and platforms in the index."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index

    try:
        with open_index(index_url, create=False) as opened:
            stats = opened.stats()
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    click.echo(json.dumps(stats.model_dump(), indent=2, ensure_ascii=False))


@index.command("regroup")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_regroup(index_url: str | None) -> None:
    """Group every creator of the index into persons by verified cross-links (each crawl
    does this at its end; run it after `scout index copy`)."""
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index
    from creatorscout.search.persons import PersonsUnsupported, regroup

    try:
        with open_index(index_url, create=False) as opened:
            grouped = regroup(opened)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except (ValueError, PersonsUnsupported) as exc:
        fail(str(exc))
    click.echo(
        f"{grouped.profiles} profiles: {grouped.grouped_profiles} grouped into "
        f"{grouped.grouped_persons} persons; {grouped.one_way} unverified claims, "
        f"{grouped.conflicts} conflicts"
    )


@index.command("copy")
@click.option("--index", "index_url", default=None, help="The index to copy from. " + INDEX_HELP)
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The index to copy into (created if missing), e.g. http://localhost:9200.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=1000, show_default=True)
def index_copy(index_url: str | None, target_url: str, batch_size: int) -> None:
    """Copy every record (creators, scores, posts) into another index, group the persons
    there, and between Elasticsearch indexes copy the growth history too. Safe to re-run:
    records are replaced, not doubled."""
    from creatorscout.search.backend import (
        IndexUnavailable,
        InvalidIndexURL,
        copy_index,
        open_index,
    )
    from creatorscout.search.es_index import ElasticIndex, copy_history
    from creatorscout.search.persons import PersonsUnsupported, regroup

    def report(what: str, total: int | None) -> Callable[[int], None]:
        def show(done: int) -> None:
            share = f" ({done * 100 // total}%)" if total else ""
            click.echo(f"copied {done}/{total if total is not None else '?'} {what}{share}",
                       err=True)
        return show

    try:
        with open_index(index_url, create=False) as source:
            if target_url.strip() in (source.url, index_url):
                fail(f"--to {target_url} is the index being copied; name another index", 2)
            stats = source.stats()
            with open_index(target_url) as target:
                if target.url == source.url:
                    fail(f"--to {target_url} is the index being copied; name another index", 2)
                click.echo(f"copying {stats.records} records of {stats.creators} creators "
                           f"from {source.url} to {target.url}", err=True)
                copied = copy_index(source, target, batch_size=batch_size,
                                    progress=report("records", stats.records))
                snapshots = copy_history(source, target, batch_size=batch_size,
                                         progress=report("history snapshots", None))
                history_note = ""
                if isinstance(source, ElasticIndex) and not isinstance(target, ElasticIndex):
                    history_note = "; the growth history stays in Elasticsearch (the embedded " \
                                   "index keeps only the latest numbers)"
                elif snapshots:
                    history_note = f" and {snapshots} history snapshots"
                skipped = target.opted_out_skipped
                # persons follow from the profiles: grouping the copy reproduces them
                try:
                    grouped = regroup(target)
                    persons_note = (f"; {grouped.grouped_profiles} profiles grouped into "
                                    f"{grouped.grouped_persons} persons")
                except PersonsUnsupported:
                    persons_note = ""
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    opted = f"; {skipped} records of opted-out creators skipped" if skipped else ""
    click.echo(f"copied {copied} records{history_note} to {target.url}{opted}{persons_note}")


def _sqlite_file(index_url: str | None) -> str:
    """The file of an embedded index URL; exit 2 for anything else."""
    from creatorscout.search.backend import IndexOpenError, default_url, sqlite_path

    url = index_url or default_url()
    try:
        path = sqlite_path(url)
    except IndexOpenError:
        fail(f"{url}: check and repair work on the embedded (SQLite) index; pass "
             "--index sqlite:///path.db", 2)
    if path == ":memory:":
        fail("an in-memory index has no file to check", 2)
    return path


@index.command("check")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def index_check(index_url: str | None) -> None:
    """Check the embedded index: SQLite integrity, the full-text indexes, and every stored
    record read back. Exit 1 when anything is damaged (then run `scout index repair`)."""
    from creatorscout.search.backend import IndexOpenError
    from creatorscout.search.sqlite_repair import check_index

    path = _sqlite_file(index_url)
    try:
        report = check_index(path)
    except IndexOpenError as exc:
        fail(str(exc))
    click.echo("\n".join(report.lines()))
    if not report.ok:
        raise SystemExit(1)


@index.command("repair")
@click.option("--index", "index_url", default=None, help="The damaged index. " + INDEX_HELP)
@click.option("--to", "target_url", default=None, metavar="URL",
              help="A new index file for what can be read (default: NAME.repaired.db).")
def index_repair(index_url: str | None, target_url: str | None) -> None:
    """Copy every record that can still be read from a damaged embedded index into a new
    file, and report what was lost. The damaged file is not changed."""
    from creatorscout.search.backend import IndexOpenError
    from creatorscout.search.persons import regroup
    from creatorscout.search.sqlite_index import SqliteIndex
    from creatorscout.search.sqlite_repair import repair_index, repaired_path

    path = _sqlite_file(index_url)
    target = _sqlite_file(target_url) if target_url else repaired_path(path)
    try:
        report = repair_index(path, target)
        with SqliteIndex(target) as repaired:
            regroup(repaired)  # persons follow from the profiles saved
    except IndexOpenError as exc:
        fail(str(exc))
    lost = "an unknown number (the file's tables cannot be read)" if report.lost is None \
        else str(report.lost)
    click.echo(f"saved {report.saved} records into {target}; lost {lost}")
    for reason in report.lost_reasons:
        click.echo(f"  lost {reason}")
    click.echo(f"use it: --index sqlite:///{target} (or move it over {path})")
