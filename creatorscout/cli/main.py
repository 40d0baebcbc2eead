"""The ``scout`` command group. Each command lives in its own module of this package and is
added here: a new command is a new module plus one ``add_command`` line.

Exit codes: 0 success, 2 bad usage or configuration, 1 failure. User mistakes get one line
saying what to fix, never a traceback.
"""

from __future__ import annotations

import click

from creatorscout import __version__
from creatorscout.cli import (
    crawl,
    dev,
    expire,
    flush,
    index,
    jobs,
    lists,
    niches,
    plugins,
    recrawl,
    score,
    search,
    serve,
    similar,
    worker,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scout")
def main() -> None:
    """creatorscout: find the creators who matter in a niche, and why."""


main.add_command(crawl.crawl)
main.add_command(search.search)
main.add_command(search.show)
main.add_command(dev.sandbox)
main.add_command(dev.parse)
main.add_command(plugins.plugins)
main.add_command(niches.niches)
main.add_command(index.index)
index.index.add_command(expire.index_expire)
index.index.add_command(flush.index_flush)
main.add_command(score.score)
main.add_command(jobs.jobs)
main.add_command(recrawl.recrawl)
main.add_command(worker.worker)
main.add_command(serve.serve)
main.add_command(lists.lists)
main.add_command(similar.similar)
