"""The ``gleaner`` command line: a thin click layer over the library, one module per command group.

Each command wraps a library function (``crawler.run.runner``, ``crawler.extract.article``,
``warehouse.*``). Output for people goes through rich; ``--json`` and ``--format`` output is for
programs. Options several commands share are in :mod:`crawler.cli.common`.
"""

from __future__ import annotations

import click

from crawler import __version__
from crawler.cli.boilerplate import boilerplate
from crawler.cli.crawl import crawl, reextract
from crawler.cli.demo import demo
from crawler.cli.export import export
from crawler.cli.extract import extract
from crawler.cli.load import load
from crawler.cli.query import report, runs, sql
from crawler.cli.schedule import schedule, scheduler
from crawler.cli.serve import serve
from crawler.cli.sites import sites


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gleaner")
def cli() -> None:
    """Crawl news sites into a clean, deduplicated DuckDB warehouse, and explain every run."""


for _command in (
    crawl,
    reextract,
    sites,
    extract,
    sql,
    runs,
    report,
    demo,
    boilerplate,
    export,
    load,
    schedule,
    scheduler,
    serve,
):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli()
