"""``gleaner export``: the warehouse's articles as Parquet, CSV or JSON-lines files for another
warehouse, partitioned by site and date (``warehouse.export`` does the work)."""

from __future__ import annotations

import click

from crawler.cli.common import db_option, fail, format_option
from warehouse.errors import WarehouseError
from warehouse.export import FORMATS, OPTIONAL_TABLES, ExportResult


@click.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@format_option(FORMATS, "parquet", "File format; jsonl is one JSON object per line.")
@click.option(
    "--since",
    metavar="RUN|DATE",
    help="Only articles added or changed by this run and the runs started after it, or since "
    "this date (YYYY-MM-DD, or an ISO date-time; UTC unless it says otherwise).",
)
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Only this site; repeatable (default: every site).",
)
@click.option(
    "--include",
    "tables",
    multiple=True,
    type=click.Choice(OPTIONAL_TABLES),
    help="Also export this table; repeatable.",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Write into a directory that is not empty, replacing the tables of an earlier export.",
)
@db_option
def export(
    directory: str,
    fmt: str,
    since: str | None,
    sites: tuple[str, ...],
    tables: tuple[str, ...],
    overwrite: bool,
    db_path: str,
) -> None:
    """Export the articles (the latest version of each) to DIR, partitioned by site and date.

    Files go to DIR/articles/site=NAME/date=YYYY-MM-DD/, the date being the article's
    publication date (UTC), else the day it was first seen; sightings and decisions, with
    --include, to DIR/sightings/ and DIR/decisions/, dated when seen and when decided. Any
    Hive-aware reader (DuckDB, Spark, BigQuery, pandas) reads site and date back as columns.

    Example:

        gleaner export out --format parquet --since 2026-11-01 --include sightings
    """
    from warehouse.export import export_warehouse

    try:
        result = export_warehouse(
            db_path,
            directory,
            fmt=fmt,
            tables=tables,
            sites=sites,
            since=since,
            overwrite=overwrite,
        )
    except (WarehouseError, OSError) as exc:
        raise fail(exc) from None
    for line in summary(result):
        click.echo(line)


def summary(result: ExportResult) -> list[str]:
    """The lines printed after an export: the directory, then rows and files per table.

    Args:
        result: What the export wrote.

    Returns:
        Lines of text, without line ends.
    """
    lines = [f"exported to {result.directory} ({result.fmt})"]
    if result.since is not None:
        start = f"{result.since.at:%Y-%m-%d %H:%M:%S} UTC"
        since = f"run {result.since.run_id} (started {start})" if result.since.run_id else start
        lines.append(f"since {since}")
    width = max(len(t.table) for t in result.tables)
    for t in result.tables:
        files = f"{len(t.files)} file{'s' if len(t.files) != 1 else ''}"
        rows = f"{t.rows} row{'s' if t.rows != 1 else ''}"
        lines.append(f"  {t.table:<{width}}  {rows:>12}  {files:>10}  {result.directory / t.table}")
    return lines
