"""``gleaner sql``, ``gleaner runs`` and ``gleaner report``: reading the warehouse."""

from __future__ import annotations

import sys

import click
import duckdb

from crawler.cli.common import GleanerError, db_option, format_option, json_option
from crawler.cli.common import fail as _fail
from crawler.cli.common import make_console as _console
from crawler.reports.output import FORMATS, dumps, render_rows
from warehouse.errors import WarehouseError

console = _console()
errors = _console(stderr=True)


@click.command()
@click.argument("query")
@db_option
@format_option(FORMATS, "table", "Output format; json is a list of objects.")
@click.option(
    "-p",
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="A named parameter, used as $NAME in the query.",
)
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option(
    "--allow-files",
    is_flag=True,
    help="Let the query read local files (read_csv, read_parquet, read_json, read_text, glob).",
)
def sql(
    query: str,
    db_path: str,
    fmt: str,
    params: tuple[tuple[str, str], ...],
    limit: int,
    allow_files: bool,
) -> None:
    """Run a read-only SQL query on the warehouse (QUERY may be - to read it from stdin).

    The query reads the warehouse and nothing else: it cannot write, read other files (unless
    --allow-files), attach databases, load extensions or change settings.

    Example:

        gleaner sql "SELECT title, published_at FROM articles ORDER BY published_at DESC LIMIT 5"
    """
    from warehouse.sql import run_user_sql

    if query == "-":
        query = sys.stdin.read()
    try:
        result = run_user_sql(db_path, query, dict(params), limit=limit, allow_files=allow_files)
    except (WarehouseError, duckdb.Error) as exc:
        raise _fail(exc) from None
    render_rows(result.columns, result.rows, fmt, console)
    if result.truncated:
        errors.out(f"(only the first {limit} rows are shown: raise --limit for more)")


@click.command()
@db_option
@json_option("the runs")
def runs(db_path: str, as_json: bool) -> None:
    """List the runs, newest first, with their status, duration and counts.

    Example:

        gleaner runs --json
    """
    from crawler.reports.terminal import print_runs
    from warehouse.queries import list_runs

    try:
        found = list_runs(db_path)
    except WarehouseError as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(found), highlight=False)
    else:
        print_runs(found, console)


@click.command()
@click.argument("run", default="latest")
@db_option
@json_option("the report")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Write the report as one self-contained HTML page to this file.",
)
def report(run: str, db_path: str, as_json: bool, html_path: str | None) -> None:
    """Show a run's report on the terminal, as JSON, or as one self-contained HTML page.

    It has pages by role and status, items by decision, every duplicate, update and reject,
    and the change from the previous run of the same sites. RUN is a run id or ``latest``;
    ``docs/report.md`` documents the JSON.

    Example:

        gleaner report latest --html report.html
    """
    from crawler.reports.terminal import print_report
    from warehouse.queries import run_report

    if as_json and html_path:
        raise click.UsageError("Choose one of --json and --html.")
    try:
        found = run_report(db_path, run)
    except WarehouseError as exc:
        raise _fail(exc) from None
    if as_json:
        console.out(dumps(found), highlight=False)
    elif html_path:
        from crawler.reports.html import write_html

        try:
            written = write_html(found, html_path)
        except OSError as exc:
            raise GleanerError(f"cannot write {html_path}: {exc.strerror or exc}") from None
        console.out(f"wrote {written}", highlight=False)
    else:
        print_report(found, console)
