"""``scout lists``: shortlists kept in the index (the HTTP API shares them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from creatorscout.cli.common import INDEX_HELP, fail, table

if TYPE_CHECKING:
    from creatorscout.search.backend import Index

T = TypeVar("T")


@contextmanager
def _store(index_url: str | None, *, create: bool = False) -> Iterator[Index]:
    from creatorscout.search.backend import IndexUnavailable, InvalidIndexURL, open_index

    try:
        index = open_index(index_url, create=create)
    except (InvalidIndexURL, IndexUnavailable) as exc:
        fail(str(exc), 2)
    except ValueError as exc:
        fail(str(exc))
    with index:
        yield index


def _run(action: Callable[[], T]) -> T:
    """Run a list operation; user mistakes exit 2, index failures 1, one line each."""
    from creatorscout.search.backend import IndexOpenError
    from creatorscout.search.lists import ListError

    try:
        return action()
    except IndexOpenError as exc:
        fail(str(exc))
    except (ListError, ValueError, LookupError) as exc:
        fail(str(exc).splitlines()[0], 2)
    except NotImplementedError as exc:
        fail(str(exc))


@click.group()
def lists() -> None:
    """Shortlists: creators to contact, with a note and a status each."""


@lists.command("create")
@click.argument("name")
@click.option("--description", default="", help="What the list is for.")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_create(name: str, description: str, index_url: str | None) -> None:
    """Create an empty list called NAME."""
    with _store(index_url, create=True) as index:
        created = _run(lambda: index.lists().create(name, description))
    click.echo(f"list {created.id} '{created.name}' created")


@lists.command("add")
@click.argument("list_ref", metavar="LIST")
@click.argument("creators", nargs=-1, required=True)
@click.option("--note", default=None, help="A note for these creators.")
@click.option("--status", default=None,
              help="candidate, contacted, agreed, declined, or a word of your own.")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_add(list_ref: str, creators: tuple[str, ...], note: str | None, status: str | None,
              index_url: str | None) -> None:
    """Add CREATORS (ids or handles) to LIST (its id or name), or change their note/status."""
    with _store(index_url) as index:
        store = _run(index.lists)
        shortlist = _run(lambda: store.find(list_ref))
        for ref in creators:
            creator_id = _resolve(index, ref)
            item = _run(partial(store.put_item, shortlist.id, creator_id, note=note,
                                status=status))
            click.echo(f"{item.creator_id}: {item.status} on '{shortlist.name}'")


def _resolve(index: Index, ref: str) -> str:
    found = index.candidates(ref)
    if not found:
        fail(f"no creator '{ref}' in the index; try `scout search {ref.split(':')[-1]}`", 2)
    if len(found) > 1:
        fail(f"'{ref}' could be {len(found)} creators: {', '.join(found[:5])}; "
             "give the full id", 2)
    return str(found[0])


@lists.command("remove")
@click.argument("list_ref", metavar="LIST")
@click.argument("creators", nargs=-1, required=True)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_remove(list_ref: str, creators: tuple[str, ...], index_url: str | None) -> None:
    """Take CREATORS off LIST (`scout lists delete LIST` deletes the list)."""
    with _store(index_url) as index:
        store = _run(index.lists)
        shortlist = _run(lambda: store.find(list_ref))
        for ref in creators:
            # the creator may have left the index: match the stored id or resolve the ref
            creator_id = ref if shortlist.item(ref) else _resolve(index, ref)
            if not _run(partial(store.remove_item, shortlist.id, creator_id)):
                fail(f"'{ref}' is not on list '{shortlist.name}'", 2)
            click.echo(f"{creator_id}: removed from '{shortlist.name}'")


@lists.command("delete")
@click.argument("list_ref", metavar="LIST")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_delete(list_ref: str, index_url: str | None) -> None:
    """Delete LIST and its items."""
    with _store(index_url) as index:
        store = _run(index.lists)
        shortlist = _run(lambda: store.find(list_ref))
        _run(lambda: store.delete(shortlist.id))
    click.echo(f"list {shortlist.id} '{shortlist.name}' deleted")


@lists.command("show")
@click.argument("list_ref", metavar="[LIST]", required=False)
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_show(list_ref: str | None, index_url: str | None) -> None:
    """Every list, or the creators on LIST with their current numbers."""
    from creatorscout.api.service import enrich

    with _store(index_url) as index:
        store = _run(index.lists)
        if list_ref is None:
            summaries = _run(store.all)
            if not summaries:
                click.echo("no lists yet; create one with `scout lists create NAME`")
                return
            rows = [("id", "name", "creators", "updated", "description")]
            rows += [(str(s.id), s.name, str(s.size), s.updated_at.strftime("%Y-%m-%d %H:%M"),
                      s.description) for s in summaries]
            click.echo(table(rows))
            return
        shortlist = enrich(_run(lambda: store.find(list_ref)), index)
    click.echo(f"list {shortlist.id} '{shortlist.name}': {len(shortlist.items)} creators"
               + (f" ({shortlist.description})" if shortlist.description else ""))
    if shortlist.items:
        items: list[tuple[str, ...]] = [
            ("creator", "handle", "tier", "followers", "score", "status", "note")]
        items += [(i.creator_id, i.handle or "(not in index)", i.tier or "-",
                  "-" if i.followers is None else str(i.followers),
                  "-" if i.score is None else f"{i.score:.1f}", i.status,
                  i.note.replace("\n", " ")[:60]) for i in shortlist.items]
        click.echo(table(items))


@lists.command("export")
@click.argument("list_ref", metavar="LIST")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of stdout.")
@click.option("--index", "index_url", default=None, help=INDEX_HELP)
def lists_export(list_ref: str, fmt: str, output: Path | None, index_url: str | None) -> None:
    """Write LIST as CSV or JSON (the same files as GET /api/v1/lists/{id}.csv)."""
    from creatorscout.api.service import enrich, export_csv, export_json

    with _store(index_url) as index:
        store = _run(index.lists)
        shortlist = enrich(_run(lambda: store.find(list_ref)), index)
    text = export_csv(shortlist) if fmt == "csv" else export_json(shortlist) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror}")
        click.echo(f"wrote {len(shortlist.items)} creators to {output}", err=True)
